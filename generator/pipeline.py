"""The build as a specification: read → parse → check → package → validate → render, one pure
function (`build_site`) with no cache and no processes.

`build.py check` runs its first stages; the incremental build (`engine/build.py`) is an optimisation of
the whole, and the tests prove it gives `build_site`'s bytes, file for file. `load_report` is the
per-report part (read, parse, check), which the build runs in worker processes.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator.clock import stage
from generator.errors import NotAReport, OutputClash
from generator.messages import listed, raw, say
from generator.model import Finding, Report
from generator.read.history import NO_HISTORY, History
from generator.read.registry import EMPTY, Registry
from generator.read.release import NO_RELEASE, ReleaseInputs
from generator.rules import finding
from generator.site.model import Corpus, SiteConfig, report_id

if TYPE_CHECKING:
    from generator.data.files import ReportLines
    from generator.data.release import Edition
    from generator.families import Context


@dataclass(frozen=True)
class SourceFile:
    """One report file as the build reads it: its path as messages name it (relative to the
    project root, e.g. content/reports/2020-x.txt) and its bytes."""

    path: str
    data: bytes


@dataclass(frozen=True)
class Sources:
    """Everything a site is made from."""

    reports: Sequence[SourceFile]
    pages: Mapping[str, str] = field(default_factory=dict)  # content/pages/<slug>.md by slug
    config: SiteConfig = field(default_factory=SiteConfig)
    history: History = NO_HISTORY  # of the report files (corrections after publication)
    registry: Registry = EMPTY  # content/agencies.csv: the published agency ids
    release: ReleaseInputs = NO_RELEASE  # the commit built and the previous release


@dataclass(frozen=True)
class Checked:
    """The reports after the check stage: every readable one, with its registered id and its own and
    the corpus's findings (`reports`); those that go on to the data and the site, one per report id
    (`kept`); the files that are not reports, with why (`unreadable`); the registry with the agencies
    seen for the first time, and the published ids no report uses any more (`dropped_ids`)."""

    reports: tuple[Report, ...]
    kept: tuple[Report, ...]
    unreadable: tuple[tuple[str, str], ...]
    registry: Registry = EMPTY
    dropped_ids: tuple[str, ...] = ()

    @property
    def duplicates(self) -> bool:
        return len(self.kept) < len(self.reports)


@dataclass(frozen=True)
class Site:
    """What a build makes: every output file by path under the site folder, the checked reports,
    and the problems of the data packages (each a line naming the file and row)."""

    files: Mapping[str, bytes]
    checked: Checked
    problems: tuple[str, ...]

    @property
    def failed(self) -> bool:
        """A file that is not a report, two files for one report, or a package that does not validate."""
        return bool(self.checked.unreadable or self.checked.duplicates or self.problems)


def read_sources(
    content: Path,
    config: SiteConfig | None = None,
    history: History = NO_HISTORY,
    release: ReleaseInputs = NO_RELEASE,
) -> tuple[Sources, list[tuple[str, str]]]:
    """The report files under `content`/reports and the Markdown pages under `content`/pages, with
    report paths relative to the folder holding `content` (as the build names them); and the files
    that cannot be read (path, why)."""
    from generator.read.registry import read_registry
    from generator.read.text import discover
    from generator.site.model import read_pages

    reports, unreadable = read_files(discover(content.resolve()), content.resolve().parent)
    pages = read_pages(content / "pages")
    sources = Sources(reports, pages, config or SiteConfig(), history, read_registry(content), release)
    return sources, unreadable


def read_files(paths: Sequence[Path], root: Path) -> tuple[list[SourceFile], list[tuple[str, str]]]:
    """The files' bytes, named relative to `root`; and those that cannot be read (path, why)."""
    from generator.read.text import name_problem, printable

    sources: list[SourceFile] = []
    unreadable: list[tuple[str, str]] = []
    for path in paths:
        shown = printable(named_path(path, root))
        if problem := name_problem(path.name):
            unreadable.append((shown, problem))
            continue
        try:
            sources.append(read_file(path, shown))
        except NotAReport as exc:
            unreadable.append((shown, exc.problem))
        except OSError as exc:
            unreadable.append((shown, f"cannot read file: {exc.strerror}"))
    return sources, unreadable


def build_site(sources: Sources, vega_cache: Path | None = None) -> Site:
    """The whole site from its sources. `vega_cache`: a folder where the Vega bundle (the same
    bytes for a given vl-convert) may be kept between calls, as making it takes seconds."""
    from generator.site.model import build_corpus

    checked = check_sources(sources.reports, sources.registry)
    corpus = build_corpus(
        checked.kept,
        pages=sources.pages,
        config=sources.config,
        history=sources.history,
        redirects=redirects(checked.registry),
        release=sources.release,
    )
    files, problems = make_families(PipelineContext(corpus, sources.reports, vega_cache))
    return Site(files, checked, problems)


def make_families(context: Context) -> tuple[dict[str, bytes], tuple[str, ...]]:
    """package → validate → render: every item of every family (`families.py`), in order; two files
    at one path are a bug (OutputClash)."""
    from generator.engine.write import check_paths
    from generator.families import FAMILIES

    files: dict[str, bytes] = {}
    problems: list[str] = []
    for family in FAMILIES:
        for item in family.items(context.corpus):
            made = family.make(context, item)
            if clash := files.keys() & made.files.keys():
                raise OutputClash(f"two outputs would be written to {sorted(clash)[0]}")
            files.update(made.files)
            problems.extend(made.problems)
    check_paths(files)
    return files, tuple(problems)


class PipelineContext:
    """What the families read in the pure pipeline (`families.Context`): whole reports, their lines
    made when first asked for, the original files from the sources."""

    def __init__(
        self, corpus: Corpus, sources: Sequence[SourceFile] = (), vega_cache: Path | None = None
    ) -> None:
        self.corpus, self.vega_cache = corpus, vega_cache
        self._sources = {source.path: source.data for source in sources}
        self._lines: dict[str, ReportLines] = {}
        self._edition: Edition | None = None

    def report(self, report: Report) -> Report:
        return report

    def edition(self) -> Edition:
        if self._edition is None:
            from generator.families import settle_edition

            self._edition = settle_edition(self)
        return self._edition

    def lines(self, report: Report) -> ReportLines:
        from generator.data.files import report_lines

        rid = report_id(report)
        if rid not in self._lines:
            self._lines[rid] = report_lines(report)
        return self._lines[rid]

    def source(self, report: Report) -> bytes | None:
        return self._sources.get(report.meta.source_file)

    # What only the incremental engine asks (a unit's inputs): nothing to digest here.
    def key_of(self, report: Report) -> str:
        return ""

    def digest_of(self, report: Report) -> str:
        return ""

    def corpus_digest(self) -> str:
        return ""


Loaded = tuple[list[Report], list[tuple[str, str]]]  # the reports, and the files that are not (path, why)


def load_reports(sources: Sequence[SourceFile]) -> Loaded:
    """Read, parse and check every file, here (the build and `check` do it in bounded workers)."""
    reports: list[Report] = []
    unreadable: list[tuple[str, str]] = []
    for source in sources:
        try:
            reports.append(load_report(Path(source.path), Path.cwd(), source.data, source.path))
        except NotAReport as exc:
            unreadable.append((source.path, exc.problem))
    return reports, unreadable


def check_sources(
    sources: Sequence[SourceFile],
    registry: Registry = EMPTY,
    load: Callable[[Sequence[SourceFile]], Loaded] = load_reports,
) -> Checked:
    """Read, parse and check every file (`load`); give each report its registered id; then the checks
    that need the whole corpus."""
    from generator.checks.identity import identify

    reports, unreadable = load(sources)
    identified = identify(reports, registry)
    every = corpus_findings(identified.reports)
    kept = first_of_each_id(every)[0]
    return Checked(tuple(every), tuple(kept), tuple(unreadable), identified.registry, identified.problems)


def redirects(registry: Registry) -> dict[str, str]:
    """Old agency id → the id it was replaced by (its pages redirect there)."""
    return {
        entry.agency_id: registry.current_id(entry.agency_id)
        for entry in registry.entries
        if entry.replaced_by
    }


def named_path(path: Path, root: Path) -> str:
    """The path relative to `root` as it is named, a symbolic link's own name (not its target's)."""
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return display_path(path, root)


def read_file(path: Path, shown: str) -> SourceFile:
    """A file's bytes, unless it is not a regular file (a symbolic link, a FIFO, a device) or too
    large to be a report (NotAReport), or cannot be read (OSError)."""
    from generator.read.text import read_regular

    return SourceFile(shown, read_regular(str(path), shown))


# --- one report: read → parse → check ------------------------------------------------------------


def display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_report(path: Path, root: Path, data: bytes | None = None, shown: str | None = None) -> Report:
    """Read (unless its bytes are given), parse and cross-check one file, and check its rows against
    the Table Schemas. Raises NotAReport.
    `shown`: the path as messages name it, when the caller knows it (resolving costs system calls)."""
    from generator.checks.cross import check_report
    from generator.checks.ocr import confirm_ocr
    from generator.data.validate import report_schema_findings
    from generator.parse.report import parse_report
    from generator.read.formats import read_source

    name = shown if shown is not None else display_path(path, root)
    try:
        with stage("read"):
            source = read_source(path, name, data)
        with stage("parse"):
            report = parse_report(source)
        with stage("check"):
            report = confirm_ocr(report, source)  # OCR readings: only those something confirms
            checked = report.with_findings(tuple(check_report(report)))
        return acknowledge(checked.with_findings(report_schema_findings(checked)))
    except RecursionError:
        raise NotAReport(name, "nested too deeply to read (Python's recursion limit)") from None


def load_or_problem(path: Path, data: bytes | None, shown: str) -> Report | str:
    """One file read, parsed and checked, or why it is not a report. A bug the file sets off is that
    file's problem too: one contribution cannot stop the build of all the others."""
    try:
        return load_report(path, Path.cwd(), data, shown)
    except NotAReport as exc:
        return exc.problem
    except OSError as exc:
        return f"cannot read file: {exc.strerror}"
    except MemoryError:
        raise  # the worker says which limit
    except Exception as exc:
        return (
            f"the generator failed on this file ({exc.__class__.__name__}: {exc}): please report it as a bug"
        )


def acknowledge(report: Report) -> Report:
    """Mark findings the contributor acknowledged in front matter (the source itself is wrong)."""
    entries = report.meta.front_matter.get("acknowledge") or []
    if not entries:
        return report
    marked = tuple(_acknowledged(f, entries) for f in report.findings)
    return replace(report, findings=marked)


def _acknowledged(item: Finding, entries: list[dict]) -> Finding:
    for entry in entries:
        if entry["rule"] == item.rule and entry.get("line") in (None, item.line):
            return replace(item, acknowledged=entry["reason"])
    return item


# --- the checks that need the whole corpus ---------------------------------------------------------


def _id_key(report: Report) -> str:
    """Two reports with this key would write one folder (ids differing only in case, too)."""
    return (report.meta.report_id or report.meta.source_file).casefold()


def duplicate_findings(reports: Sequence[Report]) -> dict[str, tuple[Finding, ...]]:
    """The same report id twice (one agency and year, or ids that differ only in case) is an error on
    each file, naming the other."""
    seen: dict[str, list[Report]] = defaultdict(list)
    for report in reports:
        seen[_id_key(report)].append(report)
    out: dict[str, tuple[Finding, ...]] = {}
    for group in seen.values():
        if len(group) < 2:
            continue
        for report in group:
            message = say(
                "{agency} {year} 年度的报告重复：另见 {others}",
                agency=raw(report.meta.agency),
                year=str(report.meta.year),
                others=listed("、", [raw(r.meta.source_file) for r in group if r is not report]),
            )
            out[report.meta.source_file] = (finding("duplicate-report", message, 1),)
    return out


def corpus_findings(reports: Sequence[Report]) -> list[Report]:
    """Add findings that need the whole corpus (carry-over between years, duplicates)."""
    from generator.checks.cross import check_corpus

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
        key = _id_key(report)
        if key in kept:
            dropped.append(report)
        else:
            kept[key] = report
    return list(kept.values()), dropped
