"""The read → parse → check stages of a build, redoing only what changed since the last one.

A file whose size, time and inode are unchanged keeps its key (a digest of its path, bytes and the
generator) without being read; a file with a key never seen is parsed (in workers when there are
many) and its whole report kept in the parse cache, its brief in the state. The corpus checks look
within one agency (carry-over between years, the same report twice), so they run again only for the
agencies whose files changed.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from generator.checks.identity import Identified, identify
from generator.engine import workers
from generator.engine.briefs import Interner, brief
from generator.engine.cache import OcrCache, ReportCache, entry_key, generator_version
from generator.engine.session import Progress
from generator.engine.state import BuildState, FileEntry, Parsed, file_signature
from generator.errors import NotAReport
from generator.model import Finding, Report
from generator.pipeline import corpus_findings, load_or_problem
from generator.read import ocr_cache
from generator.read.registry import Registry
from generator.read.text import MAX_FILE_BYTES, discover_entries, read_regular
from generator.site.model import agency_id


@dataclass(frozen=True)
class ParseTask:
    path: str  # absolute
    key: str
    data: bytes | None  # None when the file is too large to read
    shown: str  # the path relative to the project root, as messages name it


@dataclass(frozen=True)
class Scanned:
    files: dict[str, FileEntry]  # display path -> entry
    parsed: dict[str, Parsed]  # key -> brief or problem
    fresh: int  # how many files were parsed in this build
    skipped: tuple[str, ...] = ()  # dot-files under content/reports, passed over (display paths)


@dataclass(frozen=True)
class Checked:
    """Every brief with its corpus findings (sorted by report id, then file), the corpus findings by
    key, and the files of each agency they were found in."""

    reports: list[Report]
    extra: dict[str, tuple[Finding, ...]]
    agency_keys: dict[str, frozenset[str]]
    identified: Identified  # the registry as this build leaves it, and the ids no report uses


def scan(content: Path, previous: BuildState, cache: ReportCache, jobs: int, progress: Progress) -> Scanned:
    """Every report file's key and parse result: from the last build, or parsed now (each file inside
    the parse limits, `workers.bounded`). What is not a regular file is refused without being read."""
    version = generator_version()
    root = str(content.resolve().parent)
    files: dict[str, FileEntry] = {}
    parsed: dict[str, Parsed] = {}
    tasks: list[ParseTask] = []
    found = discover_entries(content.resolve())
    for path, problem in found.refused:
        _refuse(files, parsed, _shown(path, root), problem)
    for path in found.names:
        shown = _shown(path, root)
        known = previous.files.get(shown)
        try:
            signature = file_signature(os.lstat(path))
            if known and known.signature == signature and known.key in previous.parsed:
                files[shown] = known
                continue
            data = read_regular(path, shown) if signature[0] <= MAX_FILE_BYTES else None
        except NotAReport as exc:
            _refuse(files, parsed, shown, exc.problem)
            continue
        except OSError as exc:
            _refuse(files, parsed, shown, f"cannot read file: {exc.strerror}")
            continue
        key = entry_key(shown, data if data is not None else repr(signature).encode(), version)
        files[shown] = FileEntry(signature, key)
        if key not in previous.parsed:
            tasks.append(ParseTask(path, key, data, shown))
    parsed.update({e.key: previous.parsed[e.key] for e in files.values() if e.key in previous.parsed})
    if cache.folder is not None:  # what OCR read on pages of images, kept apart from the parses
        ocr_cache.use(OcrCache(ocr_folder(cache)))
    try:
        results = workers.bounded(tasks, _Parse(cache), jobs, _failed, done=progress(len(tasks), "读取报告"))
    finally:
        ocr_cache.use(None)
    parsed.update((task.key, result) for task, result in zip(tasks, results, strict=True))
    return Scanned(files, parsed, len(tasks), tuple(_shown(path, root) for path in found.skipped))


def ocr_folder(cache: ReportCache) -> Path:
    """`.cache/ocr/`, beside the parse cache (`read/ocr_cache.py`)."""
    assert cache.folder is not None
    return cache.folder.parent / "ocr"


def _shown(path: str, root: str) -> str:
    return path[len(root) + 1 :].replace(os.sep, "/")


def _refuse(files: dict[str, FileEntry], parsed: dict[str, Parsed], shown: str, problem: str) -> None:
    """A file that is not read: it is listed with why, under a key of its own."""
    files[shown] = FileEntry((0, 0, 0), f"unreadable:{shown}")
    parsed[files[shown].key] = Parsed(None, problem)


def _failed(task: ParseTask, problem: str) -> Parsed:
    return Parsed(None, problem)


class _Parse:
    """Parse one file (in a worker); keep the whole report in the cache, return its brief."""

    def __init__(self, cache: ReportCache) -> None:
        self.cache, self.intern = cache, Interner()

    def __call__(self, task: ParseTask) -> Parsed:
        loaded = load_or_problem(Path(task.path), task.data, task.shown)
        if isinstance(loaded, str):
            return Parsed(None, loaded)
        self.cache.put(task.key, loaded)
        return Parsed(brief(loaded, self.intern))


def check(scanned: Scanned, previous: BuildState, registry: Registry) -> Checked:
    """Every brief with its registered id and its corpus findings, found again only for the agencies
    whose files changed (grouped by casefolded id: ids one case apart would share a folder, and are
    duplicates)."""
    keys = [entry.key for entry in scanned.files.values() if scanned.parsed[entry.key].brief is not None]
    identified = identify([scanned.parsed[key].brief for key in keys], registry)  # type: ignore[misc]
    groups: dict[str, list[tuple[str, Report]]] = defaultdict(list)
    for key, found in zip(keys, identified.reports, strict=True):
        groups[agency_id(found).casefold()].append((key, found))
    extra: dict[str, tuple[Finding, ...]] = {}
    agency_keys: dict[str, frozenset[str]] = {}
    reports: list[Report] = []
    for agency, members in groups.items():
        agency_keys[agency] = frozenset(key for key, _ in members)
        if agency_keys[agency] == previous.agency_keys.get(agency):
            found_now = {key: previous.extra.get(key, ()) for key, _ in members}
        else:
            found_now = _corpus_findings(members)
        for key, summary in members:
            extra[key] = found_now[key]
            reports.append(summary.with_findings(found_now[key]) if found_now[key] else summary)
    reports.sort(key=lambda r: (r.meta.report_id or "", r.meta.source_file))
    return Checked(reports, {k: v for k, v in extra.items() if v}, agency_keys, identified)


def _corpus_findings(members: list[tuple[str, Report]]) -> dict[str, tuple[Finding, ...]]:
    checked = corpus_findings([summary for _, summary in members])
    return {
        key: after.findings[len(before.findings) :]
        for (key, before), after in zip(members, checked, strict=True)
    }


def unreadable(scanned: Scanned) -> list[tuple[str, str]]:
    """The files that are not reports (path, why)."""
    return [
        (path, problem)
        for path, entry in scanned.files.items()
        if (problem := scanned.parsed[entry.key].problem)
    ]
