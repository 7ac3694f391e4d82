"""The whole build, in pipeline order: read → parse → check → package → validate → render → write.

Every report is parsed, checked and packaged before the first page is rendered, so indexes and
cross-links see one consistent corpus. Only the first stage (reading files) and the last (writing
`site/`) touch the disk.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from functools import partial
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from generator.commands.check import text_line
from generator.data.files import check_unique_ids
from generator.engine.cache import (
    ReportCache,
    entry_key,
    gc_paused,
    gc_relaxed,
    generator_version,
    site_version,
)
from generator.engine.clock import STAGES, add, stage, take
from generator.engine.progress import Progress
from generator.engine.state import (
    BuildState,
    FileEntry,
    MemoryResults,
    Parsed,
    UnitRecord,
    file_signature,
    known_slugs,
    load_state,
    state_path,
)
from generator.engine.units import (
    PARALLEL_FROM,
    Context,
    GroupPage,
    ParseTask,
    ReportLines,
    build_agency_unit,
    build_group_unit,
    build_report_unit,
    digest,
    full_report,
    lines_made_again,
    parse_files,
    parse_one,
    pooled,
    prepare_parsing,
    remove_files,
    run_units,
    standby,
    unit_digests,
)
from generator.engine.write import write_files, write_outputs
from generator.model import Finding, Report
from generator.parse.metadata import remember_slugs
from generator.pipeline import corpus_findings, first_of_each_id
from generator.read.text import MAX_FILE_BYTES, discover_names
from generator.site.model import Corpus, SiteConfig, agency_id, report_id
from generator.site.pages import Files, Page
from generator.site.render import keep_compiled_templates, render_page

if TYPE_CHECKING:
    from generator.data.files import ReportBodies
    from generator.data.validate import Checked, ValidationPlan


PAGES_LIMIT = 1024**3  # GitHub Pages publishes sites up to 1 GB
PAGES_WARN_SHARE = 0.8


def print_findings(unreadable: Iterable[tuple[str, str | None]], reports: Sequence[Report]) -> None:
    """Files that are not reports (path, why), then every finding of every report."""
    for path, problem in unreadable:
        print(f"{path}:1: error[not-a-report] {problem}")
    for report in reports:
        for item in report.findings:
            print(text_line(report.meta.source_file, item))


def site_config(root: Path) -> SiteConfig:
    """Where the site and its repository live: SITE_REPO_URL (else the `origin` remote), SITE_BRANCH,
    SITE_BASE_PATH (e.g. "/repo/" on GitHub project pages). Read here, once, not while rendering."""
    from generator.read.history import remote_repo_url

    repo_url = os.environ.get("SITE_REPO_URL") or remote_repo_url(root)
    base_path = os.environ.get("SITE_BASE_PATH") or None
    if base_path and not base_path.endswith("/"):
        base_path += "/"
    return SiteConfig(repo_url=repo_url, branch=os.environ.get("SITE_BRANCH") or "main", base_path=base_path)


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
    free_objects: bool = True,
) -> int:
    """Build `out` from `content`, redoing only the units whose inputs changed since the last build
    into the same folder (`cache=False`: everything, and nothing is kept for the next build).
    `free_objects=False` for a process that exits right after without freeing anything (build.py):
    the build's objects are then left to the exit, not freed one by one as the build returns."""
    root = content.resolve().parent
    # Forked first, while this process is small: it imports frictionless while the state loads and
    # the reports are read, and later checks the rows the corpus unit sends it.
    # A second one imports what parsing needs, for the few files a rebuild parses.
    # A third makes the bulk CSVs that changed and zips them all, beside the corpus pages: forked
    # now, not then, as a fork of the loaded build would make this process copy every memory page
    # it writes to afterwards.
    with (
        gc_relaxed(),
        standby(_prepare_validation, jobs) as validator,
        standby(prepare_parsing, jobs, nice=False) as parser,
        standby(_prepare_nothing, jobs, nice=False) as zipper,
    ):
        helpers = Helpers(validator, parser, zipper)
        if cache:
            return _run_build(
                content, out, root / ".cache", strict, jobs, True, stats_path, helpers, free_objects
            )
        with tempfile.TemporaryDirectory(prefix="build-cache-") as scratch:  # workers pass reports here
            return _run_build(
                content, out, Path(scratch), strict, jobs, False, stats_path, helpers, free_objects
            )


# What units.standby yields: submit(work) -> the function that waits for its result.
Validator = Callable[[Callable[[], "Checked"]], Callable[[], "Checked"]]
Parsing = list[tuple[Parsed, dict[str, float]]]
Parser = Callable[[Callable[[], Parsing]], Callable[[], Parsing]]
Zipper = Callable[[Callable[[], "Zipped"]], Callable[[], "Zipped"]]


@dataclass(frozen=True)
class Helpers:
    """The standby processes forked when the build starts (units.standby's `submit`)."""

    validator: Validator
    parser: Parser
    zipper: Zipper


def _prepare_nothing() -> None:
    """The zipper has everything it needs: the build's modules were imported before it was forked."""


def _prepare_validation() -> None:
    """Import frictionless and validate an empty package with the corpus schemas: its first package
    costs a tenth of a second more than the next, spent here while the build loads its state."""
    from generator.data.files import corpus_descriptor_bytes
    from generator.data.package import RESOURCES
    from generator.data.validate import check_rows

    check_rows(corpus_descriptor_bytes([]), {"warm-up": dict.fromkeys(RESOURCES, b"")}, jobs=1)


def _run_build(
    content: Path,
    out: Path,
    cache_root: Path,
    strict: bool,
    jobs: int,
    keep: bool,
    stats_path: Path | None,
    helpers: Helpers,
    free_objects: bool,
) -> int:
    from generator.engine.state import save_state

    started = time.perf_counter()
    _listings.clear()
    wall: dict[str, float] = {}
    work: defaultdict[str, float] = defaultdict(float)
    root = content.resolve().parent
    version = site_version()
    state_file = state_path(cache_root, out) if keep else None
    with _phase(wall, "load"):
        with gc_paused():
            previous = load_state(state_file, version)
            # The loaded state lives to the end: frozen before the collector is back, it is never
            # walked (once would cost a quarter of a second at 10,000 reports).
            gc.freeze()
        remember_slugs(known_slugs(previous))
        report_cache = ReportCache(cache_root / "reports")
        if keep:
            keep_compiled_templates(cache_root / "templates")
        entries, parsed, fresh = scan_and_parse(
            content, root, previous, report_cache, jobs, work, helpers.parser
        )
    with _phase(wall, "corpus"), stage("check"):
        reports, extra, agency_keys, rechecked = corpus_reports(entries, parsed, previous)
    unreadable = [(path, parsed[e.key].problem) for path, e in entries.items() if parsed[e.key].problem]
    print_findings(unreadable, reports)
    kept, duplicates = first_of_each_id(reports)
    check_unique_ids(kept)
    keys = {report_id(r): entries[r.meta.source_file].key for r in kept}
    make_lines = lines_made_again(report_cache, keys, root, kept)
    validation = MemoryResults(previous.validation)
    # Started before the pages, which need the corpus and the units' digests first: the bulk files
    # and the rows' validation are the longest work of a rebuild, done by other processes.
    early = start_corpus_files_early(
        out, kept, rechecked, previous, make_lines, validation, helpers, jobs, wall
    )
    corpus = _corpus(kept, content, root)
    digests = unit_digests(corpus, keys, version)
    context = Context(corpus, root, out, report_cache, keys, digests.units, previous.units, {})
    corpus_digest = corpus_unit_digest(context, previous, version)
    records: dict[str, UnitRecord] = {}
    made: dict[str, ReportBodies] = {}  # the CSV lines of the reports made in this build
    written = 0
    with _phase(wall, "reports"):
        units = {f"report:{report_id(r)}": r for r in corpus.reports}
        todo = [r for unit, r in units.items() if _stale(out, previous, unit, digests.units)]
        progress = Progress(len(todo), "报告页面和数据")
        for result in run_units(context, todo, build_report_unit, jobs, progress.step):
            records[result.unit] = result.record
            written += result.written
            if result.bodies is not None:
                made[result.unit.removeprefix("report:")] = result.bodies
    _keep_previous(records, previous, list(units))
    ids = [unit.removeprefix("report:") for unit in units]
    context = replace(
        context, bodies=ReportLines(ids, {**(early.lines if early else {}), **made}, make_lines)
    )
    if corpus_digest and not early:  # the corpus changed, but no report's lines: the pages, say
        early = start_corpus_files_late(context, previous, records, validation, helpers, jobs, wall)
    with _phase(wall, "agencies"):
        todo_agencies = [a for a in corpus.agencies if _stale(out, previous, f"agency:{a.id}", digests.units)]
        for result in run_units(context, todo_agencies, build_agency_unit, jobs):
            records[result.unit] = result.record
            written += result.written
    _keep_previous(records, previous, [f"agency:{a.id}" for a in corpus.agencies])
    corpus_records, problems, corpus_written = build_corpus_unit(
        context, digests.of_report, previous, version, jobs, wall, validation, corpus_digest, early
    )
    records.update(corpus_records)
    records[STATIC_UNIT], static_written = _static_unit(context, previous, version, wall)
    written += corpus_written + static_written
    for line in problems:
        print(line)
    with _phase(wall, "write"), stage("write"):
        for unit, record in previous.units.items():
            if unit not in records:  # a report or agency that is gone: its files go too
                remove_files(out, list(record.outputs))
        state = BuildState(version, entries, {e.key: parsed[e.key] for e in entries.values()})
        state.extra, state.agency_keys, state.units, state.problems = extra, agency_keys, records, problems
        state.validation = dict(validation)
        save_state(state_file, state, previous)  # only what changed: nothing for an unchanged corpus
        if keep and previous.parsed:  # only the entries the last build used and this one does not
            report_cache.remove(key for key in previous.parsed if key not in state.parsed)
        elif keep and fresh:  # no state (first build, new generator): sweep the whole folder
            report_cache.prune(e.key for e in entries.values())
    add(work, take())
    stats = BuildStats(
        reports=len(kept),
        agencies=len(corpus.agencies),
        unreadable=len(unreadable),
        errors=sum(len(r.errors) for r in kept),
        warnings=sum(len(r.warnings) for r in kept),
        parsed=fresh,
        cached=len(entries) - fresh,
        files=sum(len(r.outputs) for r in records.values()),
        written=written,
        total_bytes=sum(size for r in records.values() for size in r.outputs.values()),
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
    failed = bool(stats.unreadable or problems or duplicates) or (strict and stats.errors > 0)
    if not free_objects:
        # Freeing the state, corpus and records one object at a time took a tenth of a second of
        # every build of 10,000 reports; the process's exit frees them at once.
        _left_for_exit.append(locals())
    return 1 if failed else 0


_left_for_exit: list[object] = []  # see `run_build(free_objects=False)`


CORPUS_UNIT = "corpus"
STATIC_UNIT = "static"  # static/: stylesheet, scripts, chart specs, the Vega bundle


def scan_and_parse(
    content: Path,
    root: Path,
    previous: BuildState,
    report_cache: ReportCache,
    jobs: int,
    work: MutableMapping[str, float],
    parser: Parser | None = None,
) -> tuple[dict[str, FileEntry], dict[str, Parsed], int]:
    """Every report file's cache key (re-read only when its size, time or inode changed since the
    last build), and the parse result of each: from the last build, or parsed now (many files in
    forked workers, a few by the `parser` standby process, which has imported what parsing needs)."""
    version = generator_version()
    entries: dict[str, FileEntry] = {}
    parsed: dict[str, Parsed] = {}
    tasks: list[ParseTask] = []
    with stage("read"):
        prefix = len(str(root)) + 1  # files are listed under the resolved folder: no resolving each
        for path in discover_names(content.resolve()):
            shown = path[prefix:].replace(os.sep, "/")
            try:
                stat = os.stat(path)
            except OSError as exc:
                entries[shown] = FileEntry((0, 0, 0), f"unreadable:{shown}")
                parsed[entries[shown].key] = Parsed(None, f"cannot read file: {exc.strerror}")
                continue
            signature = file_signature(stat)
            known = previous.files.get(shown)
            if known and known.signature == signature and known.key in previous.parsed:
                entries[shown] = known
                continue
            data = _read_bytes(path) if stat.st_size <= MAX_FILE_BYTES else None
            key = entry_key(shown, data if data is not None else repr(signature).encode(), version)
            entries[shown] = FileEntry(signature, key)
            if key not in previous.parsed:
                tasks.append(ParseTask(path, str(root), key, data, shown))
    parsed.update({e.key: previous.parsed[e.key] for e in entries.values() if e.key in previous.parsed})
    if tasks and parser is not None and not pooled(len(tasks), jobs):
        results = parser(partial(parse_files, report_cache, tasks))()
    else:
        progress = Progress(len(tasks), "读取报告")
        results = list(run_units(report_cache, tasks, parse_one, jobs, progress.step))
    for task, (result, seconds) in zip(tasks, results, strict=True):
        parsed[task.key] = result
        add(work, seconds)
    return entries, parsed, len(tasks)


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def corpus_reports(
    entries: Mapping[str, FileEntry], parsed: Mapping[str, Parsed], previous: BuildState
) -> tuple[list[Report], dict[str, tuple[Finding, ...]], dict[str, frozenset[str]], set[str]]:
    """Every report (a brief) with its corpus findings, and the agencies whose findings were looked
    at again. Those only look within one agency (carry-over between its years, the same year twice),
    so they are recomputed only for the agencies whose files changed."""
    groups: dict[str, list[tuple[str, Report]]] = defaultdict(list)
    for entry in entries.values():
        summary = parsed[entry.key].brief
        if summary is not None:
            groups[agency_id(summary).casefold()].append((entry.key, summary))  # ids one folder apart
    extra: dict[str, tuple[Finding, ...]] = {}
    agency_keys: dict[str, frozenset[str]] = {}
    reports: list[Report] = []
    rechecked: set[str] = set()
    for agency, members in groups.items():
        agency_keys[agency] = frozenset(key for key, _ in members)
        if agency_keys[agency] == previous.agency_keys.get(agency):
            found = {key: previous.extra.get(key, ()) for key, _ in members}
        else:
            rechecked.add(agency)
            checked = corpus_findings([summary for _, summary in members])
            found = {
                key: after.findings[len(before.findings) :]
                for (key, before), after in zip(members, checked, strict=True)
            }
        for key, summary in members:
            extra[key] = found[key]
            reports.append(summary.with_findings(found[key]) if found[key] else summary)
    extra = {k: v for k, v in extra.items() if v}
    return sorted(reports, key=_report_key), extra, agency_keys, rechecked


def _keep_previous(records: dict[str, UnitRecord], previous: BuildState, units: Sequence[str]) -> None:
    """The records of the units that were not redone (so unchanged) carry over."""
    for unit in units:
        if unit not in records:
            records[unit] = previous.units[unit]


def _stale(out: Path, previous: BuildState, unit: str, digests: Mapping[str, str]) -> bool:
    """A unit is redone unless the last build made it from the same inputs and its files are there:
    each of its folders (and each file at the top of the site) is looked for in a listing of the
    folder above it, listed once per build. Enough to notice a deleted or replaced output folder,
    without a look at the disk per unit."""
    record = previous.units.get(unit)
    if record is None or record.digest != digests[unit] or not record.outputs:
        return True
    root = str(out)
    for place in {path.rpartition("/")[0] or path for path in record.outputs}:
        above, _, entry = place.rpartition("/")
        if entry not in _listing(f"{root}/{above}" if above else root):
            return True
    return False


_listings: dict[str, frozenset[str]] = {}  # folder -> its entries, listed once per build


def _listing(folder: str) -> frozenset[str]:
    found = _listings.get(folder)
    if found is None:
        try:
            found = frozenset(os.listdir(folder))
        except OSError:
            found = frozenset()
        _listings[folder] = found
    return found


def _corpus(reports: Sequence[Report], content: Path, root: Path) -> Corpus:
    from generator.read.history import read_history
    from generator.site.model import build_corpus, read_pages

    history = read_history(root, content.resolve().relative_to(root).as_posix())
    if history.shallow:
        print(
            "note: shallow git clone, so corrections are not shown (fetch the full history)", file=sys.stderr
        )
    return build_corpus(
        reports, pages=read_pages(content / "pages"), config=site_config(root), history=history
    )


def group_pages(
    corpus: Corpus, of_report: Mapping[int, str], version: str
) -> dict[str, tuple[str, Callable[[], Page]]]:
    """The pages of the families made one unit per page (`families.py`, unit "group"): page unit
    id -> (digest of its inputs, how to make the page)."""
    from generator.families import FAMILIES

    def digest_of(report: Report) -> str:
        return of_report[id(report)]

    out: dict[str, tuple[str, Callable[[], Page]]] = {}
    files = Files({})
    for family in FAMILIES:
        if family.unit != "group" or family.inputs is None or family.path is None:
            continue
        for item in family.items(corpus):
            inputs = digest(version, corpus.config, family.name, family.inputs(corpus, item, digest_of))
            out[f"page:{family.path(item)}"] = (inputs, partial(family.page, corpus, item, files))
    return out


def corpus_unit_digest(context: Context, previous: BuildState, version: str) -> str | None:
    """The corpus unit's digest, or None when the unit is as the last build left it."""
    corpus = context.corpus
    # Every agency unit's digest covers its reports' (and the agency list is in a stable order).
    agencies = tuple(context.digests[f"agency:{agency.id}"] for agency in corpus.agencies)
    unit_digest = digest(version, corpus.config, corpus.pages, agencies)
    return unit_digest if _stale(context.out, previous, CORPUS_UNIT, {CORPUS_UNIT: unit_digest}) else None


class BulkFiles(NamedTuple):
    """The bulk downloads, on their way: the files this process made, every file's size, and the
    zipper's answer (the bulk files it made from their last version, and the zip)."""

    ids: tuple[str, ...]  # report ids, in the bulk files' order
    files: dict[str, bytes]  # those the pages read (the descriptor), not the bulk CSVs
    sizes: dict[str, int]
    zipped: Callable[[], Zipped]
    written: int


class CorpusFiles(NamedTuple):
    """The corpus package on its way: the bulk files (the zipper's work) and the validation of its
    rows (the validator's)."""

    ordered: list[Report]  # in the bulk files' order
    descriptor: bytes  # data/datapackage.json
    lines: dict[str, ReportBodies]  # the lines made for it: of the reports whose lines may have changed
    bulk: BulkFiles
    checking: ValidationPlan
    checked: Callable[[], Checked]


def start_corpus_files_early(
    out: Path,
    kept: Sequence[Report],
    rechecked: Collection[str],
    previous: BuildState,
    make_lines: Callable[[str], ReportBodies],
    validation: MemoryResults,
    helpers: Helpers,
    jobs: int,
    wall: dict[str, float],
) -> CorpusFiles | None:
    """The corpus files, started as soon as the reports are known, when some report's lines may
    differ from the last build's: those of every agency whose findings were looked at again
    (`rechecked`, by casefolded agency id: its files changed) or that the last build did not keep. None when there are none, or so many
    that the report units had better make them in parallel (a first build)."""
    from generator.data.files import line_marks

    redone = [
        rid
        for rid, report in ((report_id(r), r) for r in kept)
        if agency_id(report).casefold() in rechecked or _kept_marks(previous, rid) is None
    ]
    if not redone or len(redone) >= PARALLEL_FROM:
        return None
    lines = {rid: make_lines(rid) for rid in redone}
    made = {rid: line_marks(body) for rid, body in lines.items()}

    def marks(rid: str) -> bytes | None:
        return made.get(rid) or _kept_marks(previous, rid)

    return _start_corpus_files(
        out, kept, previous, made, marks, lines, make_lines, validation, helpers, jobs, wall
    )


def start_corpus_files_late(
    context: Context,
    previous: BuildState,
    records: Mapping[str, UnitRecord],
    validation: MemoryResults,
    helpers: Helpers,
    jobs: int,
    wall: dict[str, float],
) -> CorpusFiles:
    """The corpus files, when the corpus changed but no report's lines did (its pages, say): after
    the report units, from their records."""
    made = {
        unit.removeprefix("report:"): record.lines
        for unit, record in records.items()
        if unit.startswith("report:") and record.lines is not None and record is not previous.units.get(unit)
    }

    def marks(rid: str) -> bytes | None:
        return records[f"report:{rid}"].lines

    return _start_corpus_files(
        context.out,
        context.corpus.reports,
        previous,
        made,
        marks,
        {},
        context.bodies.__getitem__,
        validation,
        helpers,
        jobs,
        wall,
    )


def _kept_marks(previous: BuildState, rid: str) -> bytes | None:
    record = previous.units.get(f"report:{rid}")
    return record.lines if record is not None else None


def _start_corpus_files(
    out: Path,
    reports: Sequence[Report],
    previous: BuildState,
    made: Mapping[str, bytes],
    marks: Callable[[str], bytes | None],
    lines: dict[str, ReportBodies],
    make_lines: Callable[[str], ReportBodies],
    validation: MemoryResults,
    helpers: Helpers,
    jobs: int,
    wall: dict[str, float],
) -> CorpusFiles:
    """Hand the bulk files to the zipper and the rows without a kept result to the validator.
    `made`: the line marks of the reports whose lines were made in this build; `marks`: every
    report's; `lines` the lines at hand, `make_lines` the others'."""
    from generator.data.files import corpus_descriptor_bytes
    from generator.data.package import sort_reports
    from generator.data.validate import plan_validation

    ordered = sort_reports(reports)
    ids = tuple(map(report_id, ordered))
    bodies = ReportLines(ids, lines, make_lines)
    with _phase(wall, "package"), stage("package"):
        descriptor = corpus_descriptor_bytes(ordered)
    bulk = _start_bulk_files(out, previous, ordered, ids, descriptor, made, bodies, helpers, wall)
    with _phase(wall, "validate"), stage("validate"):
        # The marks of a report's lines stand for them: no need to digest 60 MB of rows again.
        row_digests = {rid: _hex(marks(rid)) for rid in ids}
        checking = plan_validation(descriptor, bodies, validation, row_digests)
        checked = helpers.validator(
            partial(_check_rows, descriptor, checking.todo, jobs, checking.metadata is None)
        )
    return CorpusFiles(ordered, descriptor, lines, bulk, checking, checked)


def _hex(marks: bytes | None) -> str:
    return marks.hex() if marks is not None else "-"


def _start_bulk_files(
    out: Path,
    previous: BuildState,
    ordered: Sequence[Report],
    ids: tuple[str, ...],
    descriptor: bytes,
    made: Mapping[str, bytes],
    bodies: Mapping[str, ReportBodies],
    helpers: Helpers,
    wall: dict[str, float],
) -> BulkFiles:
    """Write the bulk files that are made whole, and hand the rest to the zipper: a bulk CSV whose
    lines did not change is not made again, a changed one the zipper makes from its last version."""
    from generator.data.files import bulk_csv_path, corpus_files
    from generator.data.package import RESOURCES

    with _phase(wall, "package"), stage("package"):
        bulk = _bulk_plan(out, previous, made, ids, bodies)
        unchanged = [*bulk.kept, *bulk.spliced]
        # Every report's lines only for a table made whole (the first build, or a file not as the
        # last build left it): the lines of the reports not at hand are made again.
        every = [bodies[rid] for rid in ids] if len(unchanged) < len(RESOURCES) else []
        files = corpus_files(ordered, every, descriptor, unchanged=unchanged)
    with _phase(wall, "write"), stage("write"):
        # Written here and read back by the zipper: sending tens of MB down a pipe costs more.
        written = write_files(out, files)
    sizes = {**{path: len(data) for path, data in files.items()}, **bulk.kept}
    sizes.update({path: splice.size for path, splice in bulk.spliced.items()})
    on_disk = sorted([*files, *bulk.kept])
    zipped = helpers.zipper(partial(_zip_bulk_files, out, on_disk, bulk.spliced))
    # The pages need the descriptor, and only the sizes of the bulk CSVs: their tens of MB go now,
    # before the validation's rows are pickled (a first build's peak of memory).
    csvs = {bulk_csv_path(name) for name in RESOURCES}
    return BulkFiles(ids, {p: d for p, d in files.items() if p not in csvs}, sizes, zipped, written)


def build_corpus_unit(
    context: Context,
    of_report: Mapping[int, str],
    previous: BuildState,
    version: str,
    jobs: int,
    wall: dict[str, float],
    validation: MemoryResults,
    corpus_digest: str | None,
    started: CorpusFiles | None,
) -> tuple[dict[str, UnitRecord], tuple[str, ...], int]:
    """The corpus pages, the bulk downloads and the corpus validation: redone whenever any report
    changed (`corpus_digest`: they look at every report), from briefs and the reports' CSV lines.
    The comparison and province quality pages are units of their own (static/ is made after).
    The bulk files and the validation were `started` in other processes, which this one waits for
    after making the pages."""
    from generator.data.files import CORPUS_ZIP
    from generator.data.validate import finish_validation

    if corpus_digest is None or started is None:
        if started is not None:  # begun for lines that changed, though the corpus did not: let it end
            started.bulk.zipped()
            started.checked()
        records, written = _side_units(context, of_report, previous, version, jobs, wall)
        records[CORPUS_UNIT] = previous.units[CORPUS_UNIT]
        return records, previous.problems, written
    bulk = started.bulk
    records, side_written = _side_units(context, of_report, previous, version, jobs, wall)
    zip_size = _Sizes(bulk.sizes, CORPUS_ZIP, lambda: bulk.zipped().size)
    pages = _corpus_pages(context, bulk.files, zip_size, wall)  # the data page, last, waits for the zip
    with _phase(wall, "validate"), stage("validate"):  # last: the validator gives way to the others
        found = finish_validation(
            started.checking,
            started.checked(),
            validation,
            started.ordered,
            lambda summary: full_report(context, summary),
        )
    with _phase(wall, "write"), stage("write"):
        result = write_outputs(context.out, pages)
        outputs = {
            **bulk.sizes,
            CORPUS_ZIP: bulk.zipped().size,
            **{path: len(data) for path, data in pages.items()},
        }
        record = previous.units.get(CORPUS_UNIT)
        # Not the files another unit makes now (a page that became a unit of its own).
        owned = {path for unit in records.values() for path in unit.outputs}
        gone = [p for p in record.outputs if p not in outputs and p not in owned] if record else []
        remove_files(context.out, gone)
    records[CORPUS_UNIT] = UnitRecord(corpus_digest, outputs, order=bulk.ids)
    written = bulk.written + side_written + result.written + bulk.zipped().written
    return records, tuple(str(problem) for problem in found), written


def _check_rows(
    descriptor: bytes, todo: Mapping[str, Mapping[str, bytes]], jobs: int, metadata: bool
) -> Checked:
    """The validator's work (sent to it pickled): frictionless on the rows without a kept result."""
    from generator.data.validate import check_rows

    with stage("validate"):
        return check_rows(descriptor, todo, jobs=jobs, metadata=metadata)


Piece = tuple[int, int] | bytes  # (offset, length) in the last build's file, or new lines


class Splice(NamedTuple):
    """A bulk CSV made from the last build's file and the lines that changed."""

    pieces: tuple[Piece, ...]
    size: int  # of the file it makes


class BulkPlan(NamedTuple):
    kept: dict[str, int]  # bulk CSVs the last build wrote from the same lines, by path: their size
    spliced: dict[str, Splice]  # bulk CSVs that differ from the last build's in a few reports' lines


def _bulk_plan(
    out: Path,
    previous: BuildState,
    made: Mapping[str, bytes],
    ids: Sequence[str],
    bodies: Mapping[str, ReportBodies],
) -> BulkPlan:
    """Which bulk CSVs can be left as they are on the disk, and which made from the last build's
    file and the lines of the reports that changed (`ids`: this build's reports in the files'
    order; `made`: the marks of the lines made in this build), so that this process neither joins
    nor writes tens of MB after an edit. The last build's report records say where each report's
    lines lie in its files. The others are made whole (the first build, or a file not as the last
    build left it)."""
    from generator.data.files import bulk_csv_path
    from generator.data.package import RESOURCES

    plan = BulkPlan({}, {})
    record = previous.units.get(CORPUS_UNIT)
    if record is None or record.order is None:
        return plan
    before = {rid: previous.units.get(f"report:{rid}") for rid in record.order}
    old = {rid: unit.lines for rid, unit in before.items() if unit is not None and unit.lines is not None}
    if len(old) != len(before):
        return plan
    edits = _Edits(record.order, old, ids, made, bodies)
    for name in RESOURCES:
        path = bulk_csv_path(name)
        size = record.outputs.get(path)
        if size is None or _file_size(out / path) != size:
            continue
        if edits.same_lines(name):
            plan.kept[path] = size
        elif (splice := edits.splice(name, size)) is not None:
            plan.spliced[path] = splice
    return plan


class _Edits:
    """The reports of the last build's bulk files (`before`, in order, with the marks of their lines
    `old`) and of this build's (`after`); the positions in `after` of the reports made in this build
    (`made`, with their marks) or new are the only ones looked at one by one, and only their lines
    (`bodies`) are read."""

    def __init__(
        self,
        before: Sequence[str],
        old: Mapping[str, bytes],
        after: Sequence[str],
        made: Mapping[str, bytes],
        bodies: Mapping[str, ReportBodies],
    ) -> None:
        self.before, self.old, self.after, self.made, self.bodies = before, old, after, made, bodies
        self.index = {rid: i for i, rid in enumerate(before)}
        self.edited = [i for i, rid in enumerate(after) if rid in made or rid not in old]
        self.same_reports = len(before) == len(after) and all(rid in self.index for rid in after)

    def _same(self, rid: str, name: str) -> bool:
        """Whether a report's lines in table `name` are those of the last build (same length and
        digest)."""
        from generator.data.files import line_mark

        return (
            rid in self.old
            and rid in self.made
            and line_mark(self.old[rid], name) == line_mark(self.made[rid], name)
        )

    def same_lines(self, name: str) -> bool:
        return self.same_reports and all(
            self._same(rid, name) for rid in (self.after[i] for i in self.edited)
        )

    def splice(self, name: str, size: int) -> Splice | None:
        """Table `name`'s new bulk file as pieces: runs of the old file's bytes where reports' lines
        did not change, new lines where they did. None if the old file is not the size its lines
        add up to."""
        from generator.data.files import csv_head, line_mark

        head = len(csv_head(name))
        starts = list(accumulate((line_mark(self.old[rid], name)[0] for rid in self.before), initial=head))
        if starts[-1] != size:
            return None
        pieces: list[Piece] = [(0, head)]
        done = 0
        for edited in [*self.edited, len(self.after)]:
            self._unchanged_run(pieces, starts, done, edited)
            if edited < len(self.after):
                rid = self.after[edited]
                if rid in self.index and self._same(rid, name):
                    _add_range(pieces, starts[self.index[rid]], line_mark(self.old[rid], name)[0])
                else:
                    pieces.append(self.bodies[rid][name])
            done = edited + 1
        return Splice(tuple(pieces), sum(p[1] if isinstance(p, tuple) else len(p) for p in pieces))

    def _unchanged_run(self, pieces: list[Piece], starts: Sequence[int], first: int, end: int) -> None:
        """Reports after[first:end], whose lines are the last build's: one range of the old file
        unless a deleted report lay between them."""
        if first >= end:
            return
        a, b = self.index[self.after[first]], self.index[self.after[end - 1]]
        if b - a == end - 1 - first:
            _add_range(pieces, starts[a], starts[b + 1] - starts[a])
            return
        for rid in self.after[first:end]:
            i = self.index[rid]
            _add_range(pieces, starts[i], starts[i + 1] - starts[i])


def _add_range(pieces: list[Piece], start: int, length: int) -> None:
    last = pieces[-1]
    if isinstance(last, tuple) and last[0] + last[1] == start:
        pieces[-1] = (last[0], last[1] + length)
    else:
        pieces.append((start, length))


def _file_size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


class Zipped(NamedTuple):
    size: int
    written: int


def _zip_bulk_files(out: Path, on_disk: Sequence[str], spliced: Mapping[str, Splice]) -> Zipped:
    """The zipper's work (sent to it pickled): make the `spliced` bulk files from the ones on the
    disk, write them, and zip them with those `on_disk`."""
    from generator.data.files import CORPUS_ZIP, corpus_zip

    with stage("write"):
        files = {path: (out / path).read_bytes() for path in on_disk}
        made = {path: _spliced((out / path).read_bytes(), splice) for path, splice in spliced.items()}
        written = write_files(out, made)
    with stage("package"):
        archive = corpus_zip({**files, **made})
    with stage("write"):
        return Zipped(len(archive), written + write_files(out, {CORPUS_ZIP: archive}))


def _spliced(before: bytes, splice: Splice) -> bytes:
    view = memoryview(before)
    data = b"".join(view[p[0] : p[0] + p[1]] if isinstance(p, tuple) else p for p in splice.pieces)
    if len(data) != splice.size:  # never: the pieces were measured against this very file
        raise RuntimeError(f"a bulk file made from its last version has {len(data)} bytes, not {splice.size}")
    return data


def _side_units(
    context: Context,
    of_report: Mapping[int, str],
    previous: BuildState,
    version: str,
    jobs: int,
    wall: dict[str, float],
) -> tuple[dict[str, UnitRecord], int]:
    """The comparison and province quality pages whose reports changed, and the list of agencies when
    an agency changed (`group_pages`), in workers when many."""
    groups = group_pages(context.corpus, of_report, version)
    todo = [
        GroupPage(unit, group_digest, make)
        for unit, (group_digest, make) in groups.items()
        if _stale(context.out, previous, unit, {unit: group_digest})
    ]
    records: dict[str, UnitRecord] = {}
    written = 0
    with _phase(wall, "render"):
        for result in run_units(context, todo, build_group_unit, jobs):
            records[result.unit] = result.record
            written += result.written
    _keep_previous(records, previous, list(groups))
    return records, written


def _static_unit(
    context: Context, previous: BuildState, version: str, wall: dict[str, float]
) -> tuple[UnitRecord, int]:
    """static/, made again when the site version changed. Last: vl-convert starts threads of its
    own, and no worker is forked after it."""
    from generator.site.render import static_assets

    if not _stale(context.out, previous, STATIC_UNIT, {STATIC_UNIT: version}):
        return previous.units[STATIC_UNIT], 0
    with _phase(wall, "render"), stage("render"):
        assets = static_assets(context.root / ".cache")  # the Vega bundle is kept even without a cache
    with _phase(wall, "write"), stage("write"):
        written = write_outputs(context.out, assets).written
    return UnitRecord(version, {path: len(data) for path, data in assets.items()}), written


def _corpus_pages(
    context: Context, files: Mapping[str, bytes], sizes: Mapping[str, int], wall: dict[str, float]
) -> dict[str, bytes]:
    """Home, data page, the national quality and comparison pages, Markdown pages, 404."""
    from generator.families import pages_of

    corpus = context.corpus
    with _phase(wall, "render"), stage("render"):
        return {
            page.path: render_page(page, corpus.config)
            for page in pages_of(corpus, Files(files, sizes), unit="corpus")
        }


class _Sizes(Mapping[str, int]):
    """The sizes of the bulk files, one of them (the zip) still being made: its path is known at
    once, and its size waited for when a page first shows it."""

    def __init__(self, ready: Mapping[str, int], pending: str, size: Callable[[], int]) -> None:
        self._ready, self._pending, self._size = ready, pending, size
        self._paths = [*ready, pending]

    def __getitem__(self, path: str) -> int:
        return self._size() if path == self._pending else self._ready[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


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
