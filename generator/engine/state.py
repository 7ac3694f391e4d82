"""What the last build knew, so that the next one only redoes what changed.

- `files`: each report file's stat signature and cache key (a digest of its path and bytes), so an
  untouched file is not even read;
- `parsed`: by cache key, the file's brief (or why it is not a report); the whole report is in
  the parse cache (`cache.ReportCache`);
- `extra` and `agency_keys`: the corpus findings, and the files of each agency they were found in
  (they look within one agency only);
- `units`: by unit id, the digest of its inputs, the files it wrote (with their sizes) and the
  problems it found;
- `lines`: by report unit digest, the report's CSV lines (the agency and bulk files are made of
  them), in shards loaded only when asked for.

It lives in `.cache/build/<digest of the output folder>/`, the per-report maps split into shards by
key, so that a small change rewrites a small part. Every entry is keyed by content digests: an
interrupted save leaves a state that is merely older in parts. Delete it at any time.

Each file carries the digest of its pickle (`cache.dump_checked`): a file that is cut short, changed
or of another format, or holds values of the wrong types, makes the whole state empty, so the build
is a clean one (a damaged lines shard only loses its lines, which are made again).
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from generator.data.files import ReportLines
from generator.engine.cache import DamagedEntry, gc_paused, read_checked, write_checked
from generator.model import Finding, Report

STATE_FORMAT = 8  # bump when the shape of the state changes
SHARDS = 32
SHARDED = ("files", "parsed", "units")  # an entry per report file or unit; the rest is small
_HEAD = "head.pickle"


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
    problems: tuple[str, ...] = ()  # what it found wrong (a validation unit's schema problems)


@dataclass
class BuildState:
    version: str  # the site version (generator, templates, libraries) the records were made with
    files: dict[str, FileEntry] = field(default_factory=dict)  # display path -> entry
    parsed: dict[str, Parsed] = field(default_factory=dict)  # cache key -> result
    extra: dict[str, tuple[Finding, ...]] = field(default_factory=dict)  # key -> corpus findings
    agency_keys: dict[str, frozenset[str]] = field(default_factory=dict)  # agency -> keys of its files
    units: dict[str, UnitRecord] = field(default_factory=dict)  # unit id -> record
    lines: LineStore = field(default_factory=lambda: LineStore(None))
    # The shards as read (map name -> shard dicts), so that saving compares without sharding again.
    shards: dict[str, list[dict[str, Any]]] = field(default_factory=dict, compare=False, repr=False)


def state_path(cache_root: Path, out_dir: Path) -> Path:
    """One state per output folder (a folder of shards): building into another folder starts from
    nothing."""
    name = hashlib.sha256(str(out_dir.resolve()).encode()).hexdigest()[:16]
    return cache_root / "build" / name


def shard_of(key: str) -> int:
    return zlib.crc32(key.encode("utf-8")) % SHARDS


def _shards(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{} for _ in range(SHARDS)]
    for key, value in values.items():
        out[shard_of(key)][key] = value
    return out


def load_state(path: Path | None, version: str) -> BuildState:
    """The state the last build into the same folder saved; an empty one when there is none, it was
    made by another version, or it cannot be read."""
    if path is None:
        return BuildState(version)
    with gc_paused():  # between shards too: each collection would walk everything loaded so far
        try:
            return _load_state(path, version)
        except Exception:  # damaged, pickled by code that is gone, wrong types: a clean build
            return BuildState(version)


# The type of the values of each sharded map: a state holding anything else is not used.
_VALUE_TYPES: dict[str, type] = {"files": FileEntry, "parsed": Parsed, "units": UnitRecord}


def _load_state(path: Path, version: str) -> BuildState:
    head = _load(path / _HEAD)
    if head["format"] != STATE_FORMAT or head["version"] != version:
        return BuildState(version)
    if not (isinstance(head["extra"], dict) and isinstance(head["agency_keys"], dict)):
        raise DamagedEntry("the head's maps are not maps")
    state = BuildState(version, extra=head["extra"], agency_keys=head["agency_keys"])
    for name in SHARDED:
        merged = getattr(state, name)
        state.shards[name] = []
        for number in range(SHARDS):
            shard = _load(path / f"{name}-{number:02d}.pickle")
            if shard["version"] != version:  # left by an interrupted build of another version
                return BuildState(version)
            values = shard["values"]
            if not isinstance(values, dict) or not all(
                isinstance(value, _VALUE_TYPES[name]) for value in values.values()
            ):
                raise DamagedEntry(f"a {name} shard holds values of the wrong type")
            merged.update(values)
            state.shards[name].append(values)
    state.lines = LineStore(path, version)
    return state


def save_state(path: Path | None, state: BuildState, previous: BuildState) -> None:
    """Write the shards that differ from `previous` (the state this build started from), then the
    head. Each file is replaced atomically."""
    if path is None:
        return
    path.mkdir(parents=True, exist_ok=True)
    fresh = not previous.shards
    for name in SHARDED:
        now = _shards(getattr(state, name))
        before = previous.shards.get(name) or [{} for _ in range(SHARDS)]
        for number, (shard, old) in enumerate(zip(now, before, strict=True)):
            if fresh or shard != old:
                _save(path / f"{name}-{number:02d}.pickle", {"version": state.version, "values": shard})
    state.lines.save(path, state.version, fresh)
    head = {
        "format": STATE_FORMAT,
        "version": state.version,
        "extra": state.extra,
        "agency_keys": state.agency_keys,
    }
    if fresh or (state.extra, state.agency_keys) != (previous.extra, previous.agency_keys):
        _save(path / _HEAD, head)


class LineStore:
    """Reports' CSV lines by report unit digest (70 MB at 10,000 reports): a shard is read when one
    of its entries is first asked for, and a build rewrites only the shards it added to."""

    def __init__(self, folder: Path | None, version: str = "") -> None:
        self._folder, self._version = folder, version
        self._shards: dict[int, dict[str, ReportLines]] = {}
        self._added: dict[str, ReportLines] = {}
        self._used: frozenset[str] | None = None

    def get(self, digest: str) -> ReportLines | None:
        return self._added.get(digest) or self._shard(shard_of(digest)).get(digest)

    def add(self, made: Mapping[str, ReportLines]) -> None:
        self._added.update(made)

    def keep_only(self, used: Iterable[str]) -> None:
        """Entries that are not `used` go from the shards this build writes."""
        self._used = frozenset(used)

    def _shard(self, number: int) -> dict[str, ReportLines]:
        if number not in self._shards:
            self._shards[number] = self._read(number)
        return self._shards[number]

    def _read(self, number: int) -> dict[str, ReportLines]:
        if self._folder is None:
            return {}
        try:
            shard = _load(self._folder / f"lines-{number:02d}.pickle")
            values = shard["values"] if shard["version"] == self._version else {}
        except Exception:  # damaged or of another shape: its reports' lines are made again
            return {}
        return values if isinstance(values, dict) else {}

    def save(self, folder: Path, version: str, fresh: bool) -> None:
        self._folder, self._version = folder, version
        added = _shards(self._added)
        for number in range(SHARDS):
            if not (fresh or added[number]):
                continue
            values = {**self._shard(number), **added[number]}
            if self._used is not None:
                values = {k: v for k, v in values.items() if k in self._used}
            _save(folder / f"lines-{number:02d}.pickle", {"version": version, "values": values})


def _load(path: Path) -> Any:
    """A state file (DamagedEntry unless it is what `_save` wrote)."""
    value = read_checked(path)
    if not isinstance(value, dict):
        raise DamagedEntry(f"{path.name} is not a map")
    return value


def _save(path: Path, value: object) -> None:
    write_checked(path, value)


def file_signature(stat: os.stat_result) -> tuple[int, int, int]:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)
