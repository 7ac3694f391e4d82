"""The whole build, in pipeline order: read → parse → check → package → validate → render → write.

Every report is parsed, checked and packaged before the first page is rendered, so indexes and
cross-links see one consistent corpus. Only the first stage (reading files) and the last (writing
`site/`) touch the disk.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from generator.cache import ReportCache, entry_key, generator_version
from generator.check import text_line
from generator.errors import NotAReport
from generator.model import Finding, Report
from generator.pipeline import display_path, load_report
from generator.progress import Progress
from generator.read import MAX_FILE_BYTES, discover
from generator.rules import finding
from generator.site_model import SiteConfig
from generator.timing import STAGES, add, stage, take

PAGES_LIMIT = 1024**3  # GitHub Pages publishes sites up to 1 GB
PAGES_WARN_SHARE = 0.8


@dataclass(frozen=True)
class Loaded:
    path: str
    report: Report | None
    problem: str | None  # why the file is not a report
    key: str | None = None  # the file's cache key
    cached: bool = False  # loaded from the cache, not parsed
    seconds: Mapping[str, float] = field(default_factory=dict)  # per stage, in the process that did it


def _load_one(args: tuple[str, str, str | None, str]) -> Loaded:
    path, root, cache_dir, version = args
    shown = display_path(Path(path), Path(root))
    cache = ReportCache(Path(cache_dir) if cache_dir else None)
    try:
        with stage("read"):
            data = Path(path).read_bytes() if Path(path).stat().st_size <= MAX_FILE_BYTES else None
        key = entry_key(shown, data, version) if data is not None else None
        report = cache.get(key) if key else None
        if report is not None:
            return Loaded(shown, report, None, key, True, take())
        report = load_report(Path(path), Path(root), data)
        if key:
            cache.put(key, report)
        return Loaded(shown, report, None, key, False, take())
    except NotAReport as exc:
        return Loaded(shown, None, exc.problem, seconds=take())
    except OSError as exc:
        return Loaded(shown, None, f"cannot read file: {exc.strerror}", seconds=take())


def load_all(
    paths: Sequence[Path], root: Path, jobs: int, progress: Progress, cache_dir: Path | None = None
) -> list[Loaded]:
    """Read, parse and check every file (or take it from the cache); in worker processes when there
    are enough files to gain."""
    version = generator_version() if cache_dir else ""
    work = [(str(p), str(root), str(cache_dir) if cache_dir else None, version) for p in paths]
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


def render(
    reports: Sequence[Report], files: dict[str, bytes], content: Path, root: Path, jobs: int = 1
) -> dict[str, bytes]:
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
    return {**render_site(corpus, files, jobs=jobs), **static_assets(root / ".cache")}


@dataclass(frozen=True)
class BuildStats:
    """What a build did: the summary line, and `build --stats FILE` as JSON (the benchmark reads it)."""

    reports: int
    agencies: int
    unreadable: int
    errors: int
    warnings: int
    parsed: int  # files read and parsed (the others came from the cache)
    cached: int
    files: int
    written: int
    total_bytes: int
    seconds: float
    wall: Mapping[str, float]  # seconds the build waited for each phase
    stages: Mapping[str, float]  # seconds of work per stage, summed over processes
    peak_rss_bytes: int  # the main process
    peak_worker_rss_bytes: int  # the largest worker process
    jobs: int

    def as_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def run_build(
    content: Path,
    out: Path,
    *,
    strict: bool = False,
    jobs: int = 0,
    cache: bool = True,
    stats_path: Path | None = None,
) -> int:
    from generator.package import data_files
    from generator.validate import validate_data
    from generator.write import write_outputs

    started = time.perf_counter()
    wall: dict[str, float] = {}
    work: Counter[str] = Counter()
    root = content.resolve().parent
    cache_dir = root / ".cache" / "reports" if cache else None
    with _phase(wall, "load"):
        paths = discover(content)
        loaded = load_all(paths, root, jobs, Progress(len(paths), "读取报告"), cache_dir)
    for item in loaded:
        add(work, item.seconds)
    with _phase(wall, "corpus"), stage("check"):
        reports = corpus_findings(sorted((x.report for x in loaded if x.report), key=_report_key))
    print_findings(loaded, reports)
    reports, duplicates = first_of_each_id(reports)
    with _phase(wall, "package"), stage("package"):
        data = data_files(reports)
    with _phase(wall, "validate"), stage("validate"):
        invalid = validate_data(
            data, reports, jobs=jobs, cache_dir=root / ".cache" / "validate" if cache else None
        )
    for line in invalid:
        print(line)
    with _phase(wall, "render"):
        with stage("package"):
            downloads = {**data, **source_copies(reports, root)}
        files = {**downloads, **render(reports, downloads, content, root, jobs)}
    with _phase(wall, "write"), stage("write"):
        written = write_outputs(out, files)
        if cache_dir:
            ReportCache(cache_dir).prune(x.key for x in loaded if x.key)
    add(work, take())
    stats = BuildStats(
        reports=len(reports),
        agencies=len({r.meta.agency_id for r in reports}),
        unreadable=sum(1 for x in loaded if x.problem),
        errors=sum(len(r.errors) for r in reports),
        warnings=sum(len(r.warnings) for r in reports),
        parsed=sum(1 for x in loaded if x.report and not x.cached),
        cached=sum(1 for x in loaded if x.cached),
        files=written.files,
        written=written.written,
        total_bytes=written.total_bytes,
        seconds=round(time.perf_counter() - started, 3),
        wall={k: round(v, 3) for k, v in wall.items()},
        stages={k: round(work.get(k, 0.0), 3) for k in STAGES},
        peak_rss_bytes=_peak_rss(resource.RUSAGE_SELF),
        peak_worker_rss_bytes=_peak_rss(resource.RUSAGE_CHILDREN),
        jobs=jobs or os.cpu_count() or 1,
    )
    _print_summary(stats)
    if stats_path:
        stats_path.write_text(stats.as_json(), encoding="utf-8")
    failed = bool(stats.unreadable or invalid or duplicates) or (strict and stats.errors > 0)
    return 1 if failed else 0


@contextmanager
def _phase(wall: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        wall[name] = wall.get(name, 0.0) + time.perf_counter() - started


def _peak_rss(who: int) -> int:
    return resource.getrusage(who).ru_maxrss * 1024  # kilobytes on Linux


def _report_key(report: Report) -> tuple[str, str]:
    return (report.meta.report_id or "", report.meta.source_file)


def _print_summary(stats: BuildStats) -> None:
    print(
        f"built {stats.reports} reports ({stats.unreadable} unreadable), {stats.agencies} agencies, "
        f"findings: {stats.errors} errors, {stats.warnings} warnings; {stats.files} files "
        f"({stats.written} written), {stats.total_bytes / 1024 / 1024:.1f} MB in {stats.seconds:.1f}s",
        file=sys.stderr,
    )
    if stats.total_bytes > PAGES_LIMIT * PAGES_WARN_SHARE:
        share = stats.total_bytes / PAGES_LIMIT
        print(f"warning: the site is {share:.0%} of GitHub Pages' 1 GB limit", file=sys.stderr)
