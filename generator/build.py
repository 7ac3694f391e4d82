"""The whole build, in pipeline order: read → parse → check → package → validate → render → write.

Every report is parsed, checked and packaged before the first page is rendered, so indexes and
cross-links see one consistent corpus. Only the first stage (reading files) and the last (writing
`site/`) touch the disk.
"""

from __future__ import annotations

import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator.check import text_line
from generator.errors import NotAReport
from generator.model import Finding, Report
from generator.pipeline import display_path, load_report
from generator.progress import Progress
from generator.read import discover
from generator.rules import finding
from generator.site_model import SiteConfig

PAGES_LIMIT = 1024**3  # GitHub Pages publishes sites up to 1 GB
PAGES_WARN_SHARE = 0.8


@dataclass(frozen=True)
class Loaded:
    path: str
    report: Report | None
    problem: str | None  # why the file is not a report


def _load_one(args: tuple[str, str]) -> Loaded:
    path, root = args
    shown = display_path(Path(path), Path(root))
    try:
        return Loaded(shown, load_report(Path(path), Path(root)), None)
    except NotAReport as exc:
        return Loaded(shown, None, exc.problem)
    except OSError as exc:
        return Loaded(shown, None, f"cannot read file: {exc.strerror}")


def load_all(paths: Sequence[Path], root: Path, jobs: int, progress: Progress) -> list[Loaded]:
    """Read, parse and check every file; in worker processes when there are enough files to gain."""
    work = [(str(p), str(root)) for p in paths]
    if jobs == 1 or (jobs == 0 and len(work) < 64):  # a pool costs more than it saves on a few files
        return [progress.step(_load_one(w)) for w in work]
    with ProcessPoolExecutor(max_workers=jobs or None) as pool:
        # map() keeps input order, so the output does not depend on the number of processes.
        return [progress.step(item) for item in pool.map(_load_one, work, chunksize=32)]


def duplicate_findings(reports: Sequence[Report]) -> dict[str, tuple[Finding, ...]]:
    """The same agency and year twice is an error on each file, naming the other."""
    seen: dict[str, list[Report]] = defaultdict(list)
    for report in reports:
        seen[report.meta.report_id or report.meta.source_file].append(report)
    out: dict[str, tuple[Finding, ...]] = {}
    for group in seen.values():
        if len(group) < 2:
            continue
        for report in group:
            others = "、".join(r.meta.source_file for r in group if r is not report)
            message = f"{report.meta.agency} {report.meta.year} 年度的报告重复：另见 {others}"
            out[report.meta.source_file] = (finding("duplicate-report", message, 1),)
    return out


def corpus_findings(reports: Sequence[Report]) -> list[Report]:
    """Add findings that need the whole corpus (carry-over between years, duplicates)."""
    from generator.checks import check_corpus

    by_id = check_corpus(reports)
    duplicates = duplicate_findings(reports)
    out = []
    for report in reports:
        extra = by_id.get(report.meta.report_id or "", ()) + duplicates.get(report.meta.source_file, ())
        out.append(report.with_findings(tuple(extra)) if extra else report)
    return out


def first_of_each_id(reports: Sequence[Report]) -> tuple[list[Report], list[Report]]:
    """One report per report id goes on to the data and the site; the others already carry a
    duplicate-report error naming both files, and fail the build until one is removed."""
    kept: dict[str, Report] = {}
    dropped: list[Report] = []
    for report in reports:
        key = report.meta.report_id or report.meta.source_file
        if key in kept:
            dropped.append(report)
        else:
            kept[key] = report
    return list(kept.values()), dropped


def print_findings(loaded: Iterable[Loaded], reports: Sequence[Report]) -> None:
    for item in loaded:
        if item.problem:
            print(f"{item.path}:1: error[not-a-report] {item.problem}")
    for report in reports:
        for item in report.findings:
            print(text_line(report.meta.source_file, item))


def source_copies(reports: Sequence[Report], root: Path) -> dict[str, bytes]:
    """The original files, published beside each report page as the source download."""
    from generator.site_model import report_url

    return {
        f"{report_url(r)}source{r.meta.source_suffix}": (root / r.meta.source_file).read_bytes()
        for r in reports
        if (root / r.meta.source_file).is_file()
    }


def site_config(root: Path) -> SiteConfig:
    """Where the site and its repository live: SITE_REPO_URL (else the `origin` remote), SITE_BRANCH,
    SITE_BASE_PATH (e.g. "/repo/" on GitHub project pages). Read here, once, not while rendering."""
    from generator.history import remote_repo_url

    repo_url = os.environ.get("SITE_REPO_URL") or remote_repo_url(root)
    base_path = os.environ.get("SITE_BASE_PATH") or None
    if base_path and not base_path.endswith("/"):
        base_path += "/"
    return SiteConfig(repo_url=repo_url, branch=os.environ.get("SITE_BRANCH") or "main", base_path=base_path)


def render(reports: Sequence[Report], files: dict[str, bytes], content: Path, root: Path) -> dict[str, bytes]:
    """Pages and static assets; `files` (data and source copies) lets pages list downloads and sizes."""
    from generator.history import read_history
    from generator.render import render_site, static_assets
    from generator.site_model import build_corpus, read_pages

    history = read_history(root, content.resolve().relative_to(root).as_posix())
    if history.shallow:
        print(
            "note: shallow git clone, so corrections are not shown (fetch the full history)", file=sys.stderr
        )
    config = site_config(root)
    corpus = build_corpus(reports, pages=read_pages(content / "pages"), config=config, history=history)
    return {**render_site(corpus, files), **static_assets(root / ".cache")}


def run_build(content: Path, out: Path, *, strict: bool = False, jobs: int = 0) -> int:
    from generator.package import data_files
    from generator.validate import validate_data
    from generator.write import write_outputs

    started = time.perf_counter()
    root = content.resolve().parent
    paths = discover(content)
    progress = Progress(len(paths), "读取报告")
    loaded = load_all(paths, root, jobs, progress)
    reports = corpus_findings(sorted((x.report for x in loaded if x.report), key=_report_key))
    print_findings(loaded, reports)
    reports, duplicates = first_of_each_id(reports)
    data = data_files(reports)
    invalid = validate_data(data, reports)
    for line in invalid:
        print(line)
    downloads = {**data, **source_copies(reports, root)}
    files = {**downloads, **render(reports, downloads, content, root)}
    stats = write_outputs(out, files)
    unreadable = [x for x in loaded if x.problem]
    errors = sum(len(r.errors) for r in reports)
    warnings = sum(len(r.warnings) for r in reports)
    _print_summary(reports, unreadable, errors, warnings, stats, time.perf_counter() - started)
    failed = bool(unreadable or invalid or duplicates) or (strict and errors > 0)
    return 1 if failed else 0


def _report_key(report: Report) -> tuple[str, str]:
    return (report.meta.report_id or "", report.meta.source_file)


def _print_summary(
    reports: Sequence[Report],
    unreadable: Sequence[Loaded],
    errors: int,
    warnings: int,
    stats: object,
    seconds: float,
) -> None:
    agencies = len({r.meta.agency_id for r in reports})
    total = getattr(stats, "total_bytes", 0)
    written = getattr(stats, "written", 0)
    files = getattr(stats, "files", 0)
    print(
        f"built {len(reports)} reports ({len(unreadable)} unreadable), {agencies} agencies, "
        f"findings: {errors} errors, {warnings} warnings; {files} files ({written} written), "
        f"{total / 1024 / 1024:.1f} MB in {seconds:.1f}s",
        file=sys.stderr,
    )
    if total > PAGES_LIMIT * PAGES_WARN_SHARE:
        share = total / PAGES_LIMIT
        print(f"warning: the site is {share:.0%} of GitHub Pages' 1 GB limit", file=sys.stderr)
