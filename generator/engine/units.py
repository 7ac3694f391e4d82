"""The build's units of output and the work of each, run in worker processes where it pays.

A unit is a pure function of its inputs, summed up in a digest (see `state.py`):

- **report** `report:<id>`: the report page, the source copy and `data/reports/<id>/`. Inputs: the
  file's bytes (its cache key), the report's findings (its own and the corpus's), its agency's name,
  region, level, kind and years, the file's correction history and the site settings.
- **agency** `agency:<id>`: the agency page and `data/agencies/<id>/`. Inputs: the digests of its
  reports and the agency itself.

Report units need the whole `Report` (from `.cache/reports/`); agency units and the corpus pages only
need briefs. Workers are forked, so they share the corpus instead of receiving a copy of it, and
they write their files themselves: the main process never holds the pages of the site.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, NoReturn, TypeVar

from generator.data.files import ReportBodies, agency_package, line_marks, report_bodies, report_package
from generator.engine.cache import ReportCache
from generator.engine.clock import absorb, stage, take
from generator.engine.state import Interner, Parsed, UnitRecord, brief
from generator.engine.write import write_files
from generator.errors import NotAReport
from generator.families import FAMILY, agency_facts
from generator.model import Report
from generator.site.model import Agency, Corpus, report_id
from generator.site.pages import Files, Page, source_copy_path
from generator.site.render import render_page

PARALLEL_FROM = 200  # units; below this a pool costs more than it saves
BACKGROUND_NICENESS = 10
_CHUNK = 100

T = TypeVar("T")
R = TypeVar("R")


def digest(*parts: object) -> str:
    """A digest of plain values (dataclasses of strings, numbers and tuples have a stable repr)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


class UnitDigests(NamedTuple):
    units: dict[str, str]  # unit id -> digest
    # id(report) -> its report unit's digest: the group pages look up every report's, in their
    # regions' order, and making each one's unit id there cost a twentieth of a second.
    of_report: dict[int, str]


def unit_digests(corpus: Corpus, keys: Mapping[str, str], version: str) -> UnitDigests:
    """The digest of every report and agency unit. What reports share (the version and settings,
    their agency's facts) is digested once, not once per report."""
    settings = digest(version, corpus.config)
    history = corpus.history.key_of
    digests: dict[str, str] = {}
    of_report: dict[int, str] = {}
    for agency in corpus.agencies:  # every report is in its agency's list
        facts = digest(agency_facts(agency))
        own = []
        for report in agency.reports:
            rid = report_id(report)
            own.append(digest(settings, keys[rid], report.findings, facts, history(report.meta.source_file)))
            digests[f"report:{rid}"] = of_report[id(report)] = own[-1]
        digests[f"agency:{agency.id}"] = digest(settings, facts, tuple(own))
    return UnitDigests(digests, of_report)


# --- parsing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParseTask:
    path: str  # absolute
    root: str
    key: str
    data: bytes | None  # None when the file is too large to read
    shown: str  # the path relative to root, as messages name it


_interner = Interner()


def parse_one(cache: ReportCache, task: ParseTask) -> tuple[Parsed, dict[str, float]]:
    """Parse one file; keep the whole report in the cache (report units read it back) and return
    its brief."""
    from generator.pipeline import load_report  # imported ahead by `prepare_parsing`

    try:
        report = load_report(Path(task.path), Path(task.root), task.data, task.shown)
    except NotAReport as exc:
        return Parsed(None, exc.problem), take()
    except OSError as exc:
        return Parsed(None, f"cannot read file: {exc.strerror}"), take()
    cache.put(task.key, report)
    return Parsed(brief(report, _interner)), take()


def prepare_parsing() -> None:
    """What parsing a file imports, loaded ahead in a standby process: the parser (which the build
    process does not import) and pypinyin's dictionaries, which alone take a fifth of a second, and
    a new agency's name needs them."""
    import pypinyin  # noqa: F401

    import generator.pipeline  # noqa: F401
    from generator.parse.text import norm

    norm("臺")  # loads OpenCC's dictionaries, which a label in traditional characters needs


def parse_files(cache: ReportCache, tasks: Sequence[ParseTask]) -> list[tuple[Parsed, dict[str, float]]]:
    """`parse_one` for a few files, as one piece of work for the parsing standby process."""
    return [parse_one(cache, task) for task in tasks]


# --- report and agency units --------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitResult:
    unit: str
    record: UnitRecord
    written: int
    removed: int
    bodies: ReportBodies | None = None  # a report unit's CSV lines (the state keeps only their marks)


@dataclass(frozen=True)
class Context:
    """What every unit reads; set before the workers fork, never pickled."""

    corpus: Corpus  # of briefs
    root: Path  # the folder holding content/
    out: Path
    cache: ReportCache
    keys: Mapping[str, str]  # report id -> cache key of its file
    digests: Mapping[str, str]  # unit id -> digest
    previous: Mapping[str, UnitRecord]  # unit id -> record of the last build
    bodies: Mapping[str, ReportBodies]  # report id -> CSV lines (agency units read them)


class ReportLines(Mapping[str, ReportBodies]):
    """Every report's CSV lines, by report id (`ids`): those of the reports made in this build
    (`fresh`), and the others' made again from their parsed report (`make`) when asked for, which
    only an agency unit or a bulk CSV made whole does. The state keeps no lines, only their marks."""

    def __init__(
        self, ids: Sequence[str], fresh: Mapping[str, ReportBodies], make: Callable[[str], ReportBodies]
    ) -> None:
        self._ids, self._known, self._fresh, self._make = ids, frozenset(ids), fresh, make
        self._made: dict[str, ReportBodies] = {}

    def __getitem__(self, rid: str) -> ReportBodies:
        found = self._fresh.get(rid) or self._made.get(rid)
        if found is None:
            if rid not in self._known:
                raise KeyError(rid)
            found = self._made[rid] = self._make(rid)
        return found

    def __contains__(self, rid: object) -> bool:
        return rid in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def lines_made_again(
    cache: ReportCache, keys: Mapping[str, str], root: Path, reports: Sequence[Report]
) -> Callable[[str], ReportBodies]:
    """A report's lines as its report unit makes them, from the parsed report and its brief."""
    by_id: dict[str, Report] = {}

    def make(rid: str) -> ReportBodies:
        if not by_id:
            by_id.update((report_id(r), r) for r in reports)
        return report_bodies(whole_report(cache, keys, root, by_id[rid]))

    return make


def full_report(context: Context, summary: Report) -> Report:
    """The whole report behind a brief, with the brief's findings (which include the corpus's)."""
    return whole_report(context.cache, context.keys, context.root, summary)


def whole_report(cache: ReportCache, keys: Mapping[str, str], root: Path, summary: Report) -> Report:
    """`full_report`, from the parsed reports' cache and the files' keys (`keys`: by report id)."""
    key = keys[report_id(summary)]
    report = cache.get(key)
    if report is None:  # the cache entry went missing: parse the file again
        from generator.pipeline import load_report

        report = load_report(root / summary.meta.source_file, root)
        cache.put(key, report)
    return replace(report, findings=summary.findings)


def build_report_unit(context: Context, summary: Report) -> UnitResult:
    with stage("read"):
        report = full_report(context, summary)
    with stage("package"):
        bodies = report_bodies(report)
        files = report_package(report, bodies)
        source = context.root / report.meta.source_file
        if source.is_file():
            files[source_copy_path(report)] = source.read_bytes()
    with stage("render"):
        page = FAMILY["report"].page(context.corpus, report, Files(files))
        files[page.path] = render_page(page, context.corpus.config)
    return _finish(context, f"report:{report_id(report)}", files, bodies)


def build_agency_unit(context: Context, agency: Agency) -> UnitResult:
    with stage("package"):
        files: dict[str, bytes] = {}
        if all(r.meta.agency_id == agency.id for r in agency.reports):
            ordered = sorted(agency.reports, key=lambda r: (report_id(r), r.meta.source_file))
            files = agency_package(agency.id, ordered, [context.bodies[report_id(r)] for r in ordered])
    with stage("render"):
        page = FAMILY["agency"].page(context.corpus, agency, Files(files))
        files[page.path] = render_page(page, context.corpus.config)
    return _finish(context, f"agency:{agency.id}", files, None)


@dataclass(frozen=True)
class GroupPage:
    """A comparison or province quality page, or the list of agencies: a unit of its own, made from
    briefs."""

    unit: str
    digest: str
    make: Callable[[], Page]


def build_group_unit(context: Context, group: GroupPage) -> UnitResult:
    with stage("render"):
        page = group.make()
        data = render_page(page, context.corpus.config)
    with stage("write"):
        written = write_files(context.out, {page.path: data})
    return UnitResult(group.unit, UnitRecord(group.digest, {page.path: len(data)}), written, 0)


def _finish(context: Context, unit: str, files: dict[str, bytes], bodies: ReportBodies | None) -> UnitResult:
    with stage("write"):
        written = write_files(context.out, files)
        previous = context.previous.get(unit)
        stale = [p for p in previous.outputs if p not in files] if previous else []
        remove_files(context.out, stale)
    marks = line_marks(bodies) if bodies is not None else None
    record = UnitRecord(context.digests[unit], {p: len(b) for p, b in files.items()}, marks)
    return UnitResult(unit, record, written, len(stale), bodies)


def remove_files(out: Path, paths: Sequence[str]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):  # already gone
            os.unlink(out / path)


# --- running work in processes -------------------------------------------------------------------------

_context: Any = None  # what forked workers read (set just before the pool starts, inherited)


def run_units(
    context: Any,
    items: Sequence[T],
    work: Callable[[Any, T], R],
    jobs: int,
    progress: Callable[[R], R] = lambda r: r,
) -> list[R]:
    """`work(context, item)` for every item, in order: in forked workers when `jobs` asks for them
    (0: as many as cores, when there are enough items to gain). The results are the same either way
    (each unit is a pure function of the context)."""
    if not pooled(len(items), jobs):
        return [progress(work(context, item)) for item in items]
    return list(_in_workers(context, items, work, jobs, progress))


def pooled(count: int, jobs: int) -> bool:
    """Whether `run_units` forks workers for `count` items."""
    return jobs != 1 and count >= (PARALLEL_FROM if jobs == 0 else 2)


def _in_workers(
    context: Any, items: Sequence[T], work: Callable[[Any, T], R], jobs: int, progress: Callable[[R], R]
) -> Iterator[R]:
    import multiprocessing  # here: the few units of a rebuild need no pool
    from concurrent.futures import ProcessPoolExecutor

    global _context
    _context = (context, work, items)
    spans = [(start, min(start + _CHUNK, len(items))) for start in range(0, len(items), _CHUNK)]
    try:
        pool_context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs or None, mp_context=pool_context) as pool:
            for results, seconds in pool.map(_chunk, spans):
                absorb(seconds)
                yield from (progress(r) for r in results)
    finally:
        _context = None


class _Child:
    """A forked process whose answer comes up a pipe: read once, when first asked for."""

    def __init__(self, pid: int, reader: int) -> None:
        self.pid, self.reader = pid, reader
        self.outcome: tuple[bool, Any] | None = None

    def result(self) -> Any:
        if self.outcome is None:
            self.outcome = _child_outcome(self.pid, self.reader)
        ok, value = self.outcome
        if not ok:
            raise value
        return value

    def discard(self) -> None:
        """Stop and reap the process unless its answer was read (its work is not wanted)."""
        if self.outcome is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.close(self.reader)
            os.waitpid(self.pid, 0)


@contextlib.contextmanager
def standby(
    prepare: Callable[[], object], jobs: int, *, nice: bool = True
) -> Iterator[Callable[[Callable[[], R]], Callable[[], R]]]:
    """A process forked now, which runs `prepare()` at once (say, imports a slow library) and then
    waits for one piece of work; the yielded `submit(work)` sends it (pickled: the process was forked
    before the data existed) and returns the function that waits for its result. Work that is never
    submitted costs nothing: the process is stopped. It runs at a lower priority unless `nice` is
    false. With `jobs == 1` the work is done when its result is first asked for, in this process."""
    if jobs == 1:
        yield cache  # `work` itself, done once, when its result is first asked for
        return
    job_reader, job_writer = os.pipe()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(job_writer)
        os.close(reader)
        _serve(prepare, job_reader, writer, nice)
    os.close(job_reader)
    os.close(writer)
    child = _Child(pid, reader)
    submitted = False

    def submit(work: Callable[[], R]) -> Callable[[], R]:
        nonlocal submitted
        data = pickle.dumps(work, protocol=pickle.HIGHEST_PROTOCOL)
        submitted = True
        # A child that failed to prepare has gone: its missing answer is reported by result().
        with contextlib.suppress(BrokenPipeError), os.fdopen(job_writer, "wb") as jobs_pipe:
            jobs_pipe.write(len(data).to_bytes(8, "little") + data)
        return child.result

    try:
        yield submit
    finally:
        if not submitted:
            os.close(job_writer)
        child.discard()


def _serve(prepare: Callable[[], object], job_reader: int, writer: int, nice: bool) -> NoReturn:
    """The standby process: prepare, wait for the work, run it and send its answer up the pipe."""
    try:
        _lower_priority(nice)
        prepare()
        # The work comes after its length: processes forked since this one hold copies of the
        # pipe's writing end, so the end of the pipe may come long after the work.
        with os.fdopen(job_reader, "rb") as jobs_pipe:
            size = jobs_pipe.read(8)
            job = jobs_pipe.read(int.from_bytes(size, "little")) if len(size) == 8 else b""
    except BaseException:  # the parent will see no result
        os._exit(1)
    if not job:  # no work was sent
        os._exit(0)
    _run_in_child(lambda: pickle.loads(job)(), writer)


def _lower_priority(nice: bool) -> None:
    """Below the parent's priority (when `nice`): the parent's work is what the build waits for, and
    with two cores background work would otherwise take half of its core."""
    if nice:
        with contextlib.suppress(OSError):  # it cannot fail to lower; and a child must never raise here
            os.nice(BACKGROUND_NICENESS)


def _run_in_child(work: Callable[[], Any], writer: int) -> NoReturn:
    """Run `work` and send (ok, value or exception, seconds by stage) up the pipe; never return
    (`os._exit`: the parent's buffers and exit handlers are not the child's to run)."""
    code = 0
    try:
        take()  # time spent before the fork belongs to the parent
        try:
            payload = pickle.dumps((True, work(), take()))
        except BaseException as exc:  # every failure goes to the parent
            payload = _pickled_failure(exc)
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(payload)
    except BaseException:  # nothing can be reported: the parent sees no result
        code = 1
    finally:
        os._exit(code)


def _pickled_failure(exc: BaseException) -> bytes:
    try:
        return pickle.dumps((False, exc, {}))
    except Exception:  # one that cannot be pickled is sent as its text
        return pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}"), {}))


def _child_outcome(pid: int, reader: int) -> tuple[bool, Any]:
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()  # to the end: the child's whole answer, then its exit
    _, status = os.waitpid(pid, 0)
    if not data:
        return False, RuntimeError(f"background process ended without a result (status {status})")
    ok, value, seconds = pickle.loads(data)
    absorb(seconds)
    return ok, value


def _chunk(span: tuple[int, int]) -> tuple[list[Any], dict[str, float]]:
    assert _context is not None, "unit workers are forked from run_units"
    context, work, items = _context
    take()  # time spent before this chunk belongs to the parent
    return [work(context, items[i]) for i in range(*span)], take()
