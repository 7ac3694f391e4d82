"""What the last build knew, so that the next one only redoes what changed.

A build is split into units of output, each a pure function of a few inputs:

- one per report: its page, its source copy and its data package (`data/reports/<id>/`);
- one per agency: its page and its package (`data/agencies/<id>/`);
- one per comparison page and per province quality page (a region's or province's reports);
- the corpus: home, list, data, quality and comparison pages, and the bulk downloads.

The state records, for each unit, a digest of its inputs and the files it wrote (with their
sizes); a unit whose digest is unchanged and whose files are still there is skipped. The corpus
pages are rendered from *briefs*: reports without their narrative text and with cells reduced to
value and unit. Briefs of the whole corpus live in this one file and load in a fraction of a second,
where the full `Report`s (in `.cache/reports/`) would take seconds.

The state lives in `.cache/build/`, one file per output folder; delete it at any time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from generator.cache import load_pickle
from generator.model import ApplicationsTable, Cell, Finding, ProactiveRow, Region, Report

STATE_FORMAT = 2  # bump when the shape of BuildState changes


@dataclass(frozen=True)
class FileEntry:
    """A report file as last read: its stat signature and its cache key (a digest of its bytes)."""

    signature: tuple[int, int, int]  # size, modification time (ns), inode
    key: str


@dataclass
class Parsed:
    """What parsing a file gave: a brief of the report, or why the file is not a report."""

    brief: Report | None
    problem: str | None = None


@dataclass
class UnitRecord:
    digest: str  # of everything the unit's files depend on
    outputs: dict[str, int]  # path under the output folder -> size in bytes
    bodies: dict[str, bytes] | None = None  # a report unit's CSV lines, for the agency and corpus files


@dataclass
class BuildState:
    version: str  # the site version (generator, templates, libraries) the records were made with
    files: dict[str, FileEntry] = field(default_factory=dict)  # display path -> entry
    parsed: dict[str, Parsed] = field(default_factory=dict)  # cache key -> result
    extra: dict[str, tuple[Finding, ...]] = field(default_factory=dict)  # key -> corpus findings
    agency_keys: dict[str, frozenset[str]] = field(default_factory=dict)  # agency -> keys of its files
    units: dict[str, UnitRecord] = field(default_factory=dict)  # unit id -> record
    problems: tuple[str, ...] = ()  # the corpus validation's messages, printed again when skipped
    validation: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # per-report results


def state_path(cache_root: Path, out_dir: Path) -> Path:
    """One state per output folder: building into another folder starts from nothing."""
    name = hashlib.sha256(str(out_dir.resolve()).encode()).hexdigest()[:16]
    return cache_root / "build" / f"{name}.pickle"


def load_state(path: Path | None, version: str) -> BuildState:
    if path is None:
        return BuildState(version)
    try:
        with open(path, "rb") as handle:
            format_, state = load_pickle(handle)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
        return BuildState(version)
    if format_ != STATE_FORMAT or not isinstance(state, BuildState) or state.version != version:
        return BuildState(version)
    return state


def save_state(path: Path | None, state: BuildState) -> None:
    """Atomically: an interrupted build leaves the previous state (its outputs are still valid)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        pickle.dump((STATE_FORMAT, state), handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, path)


def file_signature(stat: os.stat_result) -> tuple[int, int, int]:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


class MemoryResults(dict[str, list[dict[str, Any]]]):
    """Validation results kept in memory (the build keeps them in its state between builds)."""

    def put(self, key: str, errors: list[dict[str, Any]]) -> None:
        self[key] = errors

    def prune(self, used: Iterable[str]) -> None:
        keep = set(used)
        for key in [k for k in self if k not in keep]:
            del self[key]


# --- briefs ------------------------------------------------------------------------------------------


class Interner:
    """Equal small values become one object, which the state's pickle then stores once: most cells
    of most reports are 0 or blank, so a corpus of briefs is mostly references."""

    def __init__(self) -> None:
        self._seen: dict[Hashable, Any] = {}

    def _once(self, key: Hashable, make: Any) -> Any:
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = make()
        return found

    def cell(self, cell: Cell) -> Cell:
        # The type is part of the key: 0 == 0.0, but a float is published as "0.0".
        key = ("cell", type(cell.value), cell.value, cell.unit)
        return self._once(key, lambda: Cell(cell.value, None, cell.unit, None))

    def row(self, cells: tuple[Cell, ...]) -> tuple[Cell, ...]:
        key = ("row", *(id(c) for c in cells))  # the cells are interned: same ids, same values
        return self._once(key, lambda: cells)

    def region(self, region: Region | None) -> Region | None:
        return None if region is None else self._once(("region", region), lambda: region)

    @staticmethod
    def text(text: str) -> str:
        return sys.intern(text)


def brief(report: Report, intern: Interner) -> Report:
    """The report as the corpus pages and corpus checks need it: metadata, findings, values and
    units, and the line of each application row (the carry-over check cites it). No narrative, no
    printed cell text, no cell lines: those are only on the report's own page and package."""
    meta = report.meta
    applications = report.applications
    return Report(
        meta=replace(meta, region=intern.region(meta.region), front_matter={}),
        proactive=tuple(
            ProactiveRow(
                intern.text(row.item),
                intern.text(row.label),
                None,
                {intern.text(k): intern.cell(c) for k, c in row.cells.items()},
            )
            for row in report.proactive
        ),
        applications=ApplicationsTable(
            rows={
                intern.text(row): intern.row(tuple(intern.cell(c) for c in cells))
                for row, cells in applications.rows.items()
            },
            lines=dict(applications.lines),
        ),
        review_litigation={intern.text(k): intern.cell(c) for k, c in report.review_litigation.items()},
        published_total=intern.cell(report.published_total) if report.published_total else None,
        sections=(),
        findings=report.findings,
    )
