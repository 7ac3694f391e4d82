"""The incremental build: `pipeline.build_site`, redoing only what changed since the last build.

read → parse → check       sources.scan / sources.check   (new and changed files only)
corpus                     the checked briefs, grouped by agency
units                      one per item of every family (families.py), each with its digest
make, write                the stale units, reports first (the others read their lines)
record                     the state for the next build; files of units that are gone removed
"""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generator.engine import sources
from generator.engine.briefs import known_slugs
from generator.engine.cache import OcrCache
from generator.engine.context import EngineContext
from generator.engine.session import Session
from generator.engine.state import BuildState, load_state, save_state
from generator.engine.units import Done, Engine, Unit, digest, family_units
from generator.families import FAMILIES
from generator.model import Report
from generator.parse.metadata import remember_slugs
from generator.pipeline import first_of_each_id, redirects
from generator.read import ocr_cache
from generator.read.history import read_history
from generator.read.registry import Registry, read_registry
from generator.read.release import read_release_inputs
from generator.read.settings import site_config
from generator.site.model import Corpus, build_corpus, read_pages, report_id


@dataclass(frozen=True)
class Built:
    """What a build made and found; the command layer prints it."""

    reports: tuple[Report, ...]  # every readable report (briefs), with all its findings
    unreadable: tuple[tuple[str, str], ...]  # files that are not reports: (path, why)
    duplicates: bool  # two files for one report id: the second is not published
    problems: tuple[str, ...]  # the data's schema problems, one line each
    registry: Registry  # content/agencies.csv as this build leaves it (new agencies, renames)
    dropped_ids: tuple[str, ...]  # published agency ids no report uses any more
    skipped: tuple[str, ...]  # dot-files under content/reports, never read as reports
    shallow: bool  # a shallow git clone: corrections are not shown
    agencies: int
    parsed: int  # files parsed in this build (the others came from the cache)
    files: int
    written: int
    total_bytes: int

    @property
    def failed(self) -> bool:
        return bool(self.unreadable or self.duplicates or self.problems)


def run_build(session: Session) -> Built:
    clock = session.clock
    with clock.phase("load"):
        previous = load_previous(session)
    with clock.phase("parse"):
        scanned = sources.scan(session.content, previous, session.reports, session.jobs, session.progress)
    with clock.phase("check"):
        checked = sources.check(scanned, previous, read_registry(session.content))
        kept, dropped = first_of_each_id(checked.reports)
    with clock.phase("plan"):
        keys = {report_id(r): scanned.files[r.meta.source_file].key for r in kept}
        corpus = read_corpus(session, kept, redirects(checked.identified.registry))
        context = EngineContext(session, corpus, keys, previous.lines)
        settings = digest(session.version, context.corpus.config)
        first = plan_first(context, settings)
    engine = Engine(session.out, session.jobs, previous.units, lambda n: session.progress(n, "页面和数据"))
    with clock.phase("reports"):
        context.add_lines(lines_made(engine.run(first)))
    with clock.phase("pages"):
        rest = plan_rest(context, settings)
        engine.run(rest)
    with clock.phase("record"):
        engine.finish()
        record(session, previous, scanned, checked, engine, context)
    return Built(
        tuple(checked.reports),
        tuple(sources.unreadable(scanned)),
        bool(dropped),
        tuple(engine.problems(unit.id for unit in [*first, *rest])),
        checked.identified.registry,
        checked.identified.problems,
        scanned.skipped,
        context.corpus.history.shallow,
        len(context.corpus.agencies),
        scanned.fresh,
        sum(len(r.outputs) for r in engine.records.values()),
        engine.written,
        sum(size for r in engine.records.values() for size in r.outputs.values()),
    )


def load_previous(session: Session) -> BuildState:
    """The last build's state. Frozen for the collector: it lives to the end of the build, and walking
    it once would cost a quarter of a second at 10,000 reports."""
    previous = load_state(session.state_file, session.version)
    gc.freeze()
    remember_slugs(known_slugs(parsed.brief for parsed in previous.parsed.values()))
    return previous


def read_corpus(session: Session, reports: Sequence[Report], moved: Mapping[str, str]) -> Corpus:
    root = session.root
    history = read_history(root, session.content.resolve().relative_to(root).as_posix())
    pages = read_pages(session.content / "pages")
    release = read_release_inputs(root, session.previous)
    return build_corpus(
        reports, pages=pages, config=site_config(root), history=history, redirects=moved, release=release
    )


def plan_first(context: EngineContext, settings: str) -> list[Unit]:
    """The units made first: the reports, whose digests the others' inputs name.
    `settings`: a digest of the site version and settings."""
    first = [unit for family in FAMILIES if family.first for unit in family_units(family, context, settings)]
    context.digests.update((unit.id.partition(":")[2], unit.digest) for unit in first)
    return first


def plan_rest(context: EngineContext, settings: str) -> list[Unit]:
    """The other units, once the reports' lines are made (the release compares them with the
    previous release's before any descriptor is made)."""
    return [
        unit for family in FAMILIES if not family.first for unit in family_units(family, context, settings)
    ]


def record(
    session: Session,
    previous: BuildState,
    scanned: sources.Scanned,
    checked: sources.Checked,
    engine: Engine,
    context: EngineContext,
) -> None:
    """Save what the next build needs to know, and forget the parsed reports no longer used."""
    parsed = {entry.key: scanned.parsed[entry.key] for entry in scanned.files.values()}
    state = BuildState(
        session.version, scanned.files, parsed, checked.extra, checked.agency_keys, engine.records
    )
    state.lines = previous.lines
    state.lines.add({context.digests[rid]: lines for rid, lines in context.made_lines().items()})
    state.lines.keep_only(context.digests.values())
    save_state(session.state_file, state, previous)
    forget_unused_reports(session, previous, state, scanned.fresh)
    forget_unused_ocr(session, previous, state, scanned.fresh)


def lines_made(done: Sequence[Done]) -> dict[str, dict[str, bytes]]:
    return {rid: dict(lines) for result in done for rid, lines in result.lines.items()}


def forget_unused_reports(session: Session, previous: BuildState, state: BuildState, fresh: int) -> None:
    """Remove the parse-cache entries the last build used and this one does not; with no state to
    say which, sweep the whole folder."""
    if not session.keep:
        return
    if previous.parsed:
        session.reports.remove(key for key in previous.parsed if key not in state.parsed)
    elif fresh:
        session.reports.prune(state.parsed)


def forget_unused_ocr(session: Session, previous: BuildState, state: BuildState, fresh: int) -> None:
    """Remove what OCR read on pages (`.cache/ocr/`) that no report of this build was read from: the
    entries of the last build's reports that are gone or changed, and, when files were parsed (the
    only time entries are added), every other entry of the folder, whatever OCR version wrote it."""
    if not session.keep:
        return
    store = OcrCache(sources.ocr_folder(session.reports))
    used = ocr_cache.used_keys(parsed.brief for parsed in state.parsed.values())
    if fresh:
        store.prune(used)
    elif previous.parsed:
        store.remove(ocr_cache.used_keys(parsed.brief for parsed in previous.parsed.values()) - used)
