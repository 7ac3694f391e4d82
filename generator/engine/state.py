"""What the last build knew, so that the next one only redoes what changed.

A build is split into units of output, each a pure function of a few inputs:

- one per report: its page, its source copy and its data package (`data/reports/<id>/`);
- one per agency: its page and its package (`data/agencies/<id>/`);
- one per comparison page and per province quality page (a region's or province's reports);
- the corpus: home, list, data, quality and comparison pages, and the bulk downloads;
- static/: the stylesheet, scripts, chart specifications and the Vega bundle.

The state records, for each unit, a digest of its inputs and the files it wrote (with their
sizes); a unit whose digest is unchanged and whose files are still there is skipped. The corpus
pages are rendered from *briefs*: reports without their narrative text and with cells reduced to
value and unit. Briefs of the whole corpus live in the state and load in a fraction of a second,
where the full `Report`s (in `.cache/reports/`) would take seconds.

The state lives in `.cache/build/`, one folder per output folder, its per-report maps split into
shards so that a small change rewrites a small part; delete it at any time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import zlib
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from generator.checks.equations import row_line
from generator.engine.cache import gc_paused, load_pickle
from generator.model import ApplicationsTable, Cell, Finding, Region, Report
from generator.site.figures import summed_figures

STATE_FORMAT = 7  # bump when the shape of BuildState changes


# The records below are named tuples, not dataclasses: the state holds one or two per report, and
# named tuples load about twice as fast.


class FileEntry(NamedTuple):
    """A report file as last read: its stat signature and its cache key (a digest of its bytes)."""

    signature: tuple[int, int, int]  # size, modification time (ns), inode
    key: str


class Parsed(NamedTuple):
    """What parsing a file gave: a brief of the report, or why the file is not a report."""

    brief: Report | None
    problem: str | None = None


class UnitRecord(NamedTuple):
    digest: str  # of everything the unit's files depend on
    outputs: dict[str, int]  # path under the output folder -> size in bytes
    # A report unit's: the length and digest of its lines in each bulk CSV (datafiles.line_marks).
    # Not the lines: 70 MB at 10,000 reports, a tenth of a second of every build to load.
    lines: bytes | None = None
    order: tuple[str, ...] | None = None  # the corpus unit's: report ids in the bulk CSVs' order


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
    loaded: bool = field(default=False, compare=False)  # read from disk whole (else saved whole)
    # The shards as read (map name -> shard dicts), so that saving compares without sharding again.
    shards: dict[str, list[dict[str, Any]]] = field(default_factory=dict, compare=False, repr=False)


SHARDS = 32
# The maps with an entry per report file, split into shards by key: a build that changed one report
# rewrites a few shards, not the whole state. The other fields are small and go in the head.
SHARDED = ("files", "parsed", "units", "validation")
_HEAD = "head.pickle"


def state_path(cache_root: Path, out_dir: Path) -> Path:
    """One state per output folder (a folder of shards): building into another folder starts from
    nothing."""
    name = hashlib.sha256(str(out_dir.resolve()).encode()).hexdigest()[:16]
    return cache_root / "build" / name


def _shards(values: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{} for _ in range(SHARDS)]
    crc32 = zlib.crc32  # bound once: this runs for every entry of every map when saving
    for key, value in values.items():
        out[crc32(key.encode("utf-8")) % SHARDS][key] = value
    return out


def load_state(path: Path | None, version: str) -> BuildState:
    """The state the last build into the same folder saved; an empty one when there is none, it was
    made by another version, or it cannot be read."""
    if path is None:
        return BuildState(version)
    with gc_paused():  # between shards too: each collection would walk everything loaded so far
        return _load_state(path, version)


def _load_state(path: Path, version: str) -> BuildState:
    try:
        head = _load(path / _HEAD)
        if head["format"] != STATE_FORMAT or head["version"] != version:
            return BuildState(version)
        state = BuildState(
            version, extra=head["extra"], agency_keys=head["agency_keys"], problems=head["problems"]
        )
        for name in SHARDED:
            merged = getattr(state, name)
            state.shards[name] = []
            for number in range(SHARDS):
                shard = _load(path / f"{name}-{number:02d}.pickle")
                if shard["version"] != version:  # left by an interrupted build of another version
                    return BuildState(version)
                merged.update(shard["values"])
                state.shards[name].append(shard["values"])
        state.loaded = True
    except (
        OSError,
        EOFError,
        pickle.UnpicklingError,
        ValueError,
        TypeError,
        AttributeError,
        ImportError,
        KeyError,
    ):
        return BuildState(version)
    return state


def save_state(path: Path | None, state: BuildState, previous: BuildState) -> int:
    """Write the shards that differ from `previous` (the state this build started from), then the
    head; return how many files were written. Each file is replaced atomically, and every shard is
    keyed by content digests, so an interrupted save leaves a state that is merely older in parts:
    the next build redoes what those parts no longer vouch for."""
    if path is None:
        return 0
    path.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".pickle").unlink(missing_ok=True)  # the one-file state of earlier versions
    fresh = not previous.loaded or previous.version != state.version
    written = 0
    for name in SHARDED:
        now = _shards(getattr(state, name))
        before = previous.shards.get(name) or _shards(getattr(previous, name))
        for number, (shard, old) in enumerate(zip(now, before, strict=True)):
            if fresh or shard != old:
                _save(path / f"{name}-{number:02d}.pickle", {"version": state.version, "values": shard})
                written += 1
    head = {
        "format": STATE_FORMAT,
        "version": state.version,
        "extra": state.extra,
        "agency_keys": state.agency_keys,
        "problems": state.problems,
    }
    small = (state.extra, state.agency_keys, state.problems)
    if written or fresh or small != (previous.extra, previous.agency_keys, previous.problems):
        _save(path / _HEAD, head)
        written += 1
    return written


def _load(path: Path) -> Any:
    with open(path, "rb") as handle:
        return load_pickle(handle)


def _save(path: Path, value: object) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
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

    def mapping(self, values: Mapping[str, Hashable]) -> Mapping[str, Any]:
        """Equal small mappings of plain values become one object too (most are empty)."""
        key = ("mapping", *((k, type(v), v) for k, v in values.items()))
        return self._once(key, lambda: dict(values))

    def region(self, region: Region | None) -> Region | None:
        return None if region is None else self._once(("region", region), lambda: region)

    @staticmethod
    def text(text: str) -> str:
        return sys.intern(text)


def _id_only(front_matter: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": front_matter["id"]} if front_matter.get("id") else {}


def known_slugs(state: BuildState) -> Iterator[tuple[str, str]]:
    """(agency name, agency id) for every report whose id is its agency name's slug."""
    for parsed in state.parsed.values():
        meta = parsed.brief.meta if parsed.brief else None
        if meta and meta.agency and meta.agency_id and not meta.front_matter.get("id"):
            yield meta.agency, meta.agency_id


def brief(report: Report, intern: Interner) -> Report:
    """The report as the corpus pages and corpus checks need it: metadata, findings, the values and
    units of the applications and review tables, and the line of the 上年结转 row (the carry-over
    check cites it). No narrative, no printed cell text, no other lines, and no proactive table (no
    corpus page or check reads it; it was half the time of loading the state): those are only on the
    report's own page and package."""
    meta = report.meta
    applications = report.applications
    carried_over = row_line(report, "carried_over")
    short = Report(
        # Of the front matter, only an `id` is kept: it says the agency id is not the name's slug.
        meta=replace(
            meta, region=intern.region(meta.region), front_matter=intern.mapping(_id_only(meta.front_matter))
        ),
        proactive=(),
        applications=ApplicationsTable(
            rows={
                intern.text(row): intern.row(tuple(intern.cell(c) for c in cells))
                for row, cells in applications.rows.items()
            },
            labels=intern.mapping({}),
            lines=intern.mapping({"carried_over": carried_over} if carried_over is not None else {}),
            unassigned=intern.mapping({}),
        ),
        review_litigation={intern.text(k): intern.cell(c) for k, c in report.review_litigation.items()},
        published_total=intern.cell(report.published_total) if report.published_total else None,
        sections=(),
        findings=report.findings,
    )
    summed_figures(short)  # kept on the brief, and so in the state: the corpus pages sum them
    return short
