"""The incremental engine: one `Unit` type and one loop.

A unit is one item of one family (`families.py`): its id, the digest of its inputs (the version,
the settings and what the family declares), and how to make it. `Engine.run` makes the units whose
digest changed or whose files are missing, in worker processes when there are many, writes their
files, and records what each wrote and found. `Engine.finish` removes the files no unit makes any
more. A unit is a pure function of its inputs, so the site equals `pipeline.build_site`'s.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from generator.data.files import ReportLines
from generator.engine import workers
from generator.engine.state import UnitRecord
from generator.engine.write import check_clashes, check_inside, check_paths, write_files
from generator.families import Context, Family, Made


def digest(*parts: object) -> str:
    """A digest of plain values (dataclasses of strings, numbers and tuples have a stable repr)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Unit:
    id: str
    digest: str
    make: Callable[[], Made]
    heavy: bool = False  # long enough to be worth a worker of its own


@dataclass(frozen=True)
class Done:
    """A unit made: its record, how many files it wrote, and the reports' lines it made."""

    unit: str
    record: UnitRecord
    written: int
    lines: Mapping[str, ReportLines]


def family_units(family: Family, context: Context, settings: str) -> list[Unit]:
    """One unit per item of the family; `settings`: a digest of the version and site settings."""
    return [
        Unit(
            f"{family.name}:{family.key(item)}",
            digest(settings, family.name, family.inputs(context, item)),
            partial(family.make, context, item),
            family.heavy,
        )
        for item in family.items(context.corpus)
    ]


@dataclass
class Engine:
    out: Path
    jobs: int
    previous: Mapping[str, UnitRecord]  # the last build's records, by unit id
    progress: Callable[[int], Callable[[object], object]] = lambda total: id
    records: dict[str, UnitRecord] = field(default_factory=dict)
    written: int = 0
    _listings: dict[str, frozenset[str]] = field(default_factory=dict)
    _dropped: set[str] = field(default_factory=set)  # files a remade unit no longer makes

    def run(self, units: Sequence[Unit]) -> list[Done]:
        """Make the stale units (the heavy ones first, so they start at once) and record them all."""
        stale = sorted((u for u in units if self.stale(u)), key=lambda u: not u.heavy)
        heavy = sum(u.heavy for u in stale)
        done = workers.run(stale, self._make, self.jobs, heavy=heavy, done=self.progress(len(stale)))
        for result in done:
            before = self.previous.get(result.unit)
            if before is not None:
                self._dropped.update(p for p in before.outputs if p not in result.record.outputs)
            self.records[result.unit] = result.record
            self.written += result.written
        for unit in units:
            if unit.id not in self.records:  # not stale: as the last build made it
                self.records[unit.id] = self.previous[unit.id]
        return done

    def _make(self, unit: Unit) -> Done:
        """In a worker (or this process): make the unit and write its files."""
        made = unit.make()
        check_paths(made.files)  # before anything is written: a path from front matter is untrusted
        written = write_files(self.out, made.files)
        sizes = {path: len(data) for path, data in made.files.items()}
        return Done(unit.id, UnitRecord(unit.digest, sizes, made.problems), written, made.lines)

    def stale(self, unit: Unit) -> bool:
        """Unless the last build made it from the same inputs and its files are there: each of its
        folders (and each file at the top of the site) is looked for in a listing of the folder
        above it, listed once per build. Enough to notice a deleted or replaced output folder
        without a look at the disk per file."""
        record = self.previous.get(unit.id)
        if record is None or record.digest != unit.digest:
            return True
        for place in {path.rpartition("/")[0] or path for path in record.outputs}:
            above, _, entry = place.rpartition("/")
            if entry not in self._listing(f"{self.out}/{above}" if above else str(self.out)):
                return True
        return False

    def _listing(self, folder: str) -> frozenset[str]:
        found = self._listings.get(folder)
        if found is None:
            try:
                found = frozenset(os.listdir(folder))
            except OSError:
                found = frozenset()
            self._listings[folder] = found
        return found

    def finish(self) -> None:
        """Remove the files that no unit makes any more (a deleted report's, or one a remade unit
        dropped), unless another unit makes them now, and refuse two units' files that would land
        on one (ids differing only in case)."""
        owned = {path for record in self.records.values() for path in record.outputs}
        for unit, record in self.previous.items():
            if unit not in self.records:
                self._dropped.update(record.outputs)
        if not self.previous:  # no record of the last build (none, or another version's)
            self._dropped.update(self._leftovers(owned))
        self.remove(sorted(self._dropped - owned))
        check_clashes(owned)

    def _leftovers(self, owned: set[str]) -> set[str]:
        """Without the last build's records, the files it left are not known: what lies in the
        folders this build writes (reports/, data/, …) and this build did not make is left from
        an earlier one (a renamed report's page). Files beside them at the top are not touched."""
        tops = {path.split("/", 1)[0] for path in owned if "/" in path}
        found: set[str] = set()
        for top in sorted(tops):
            for folder, _, names in os.walk(self.out / top):  # never follows a link
                base = Path(folder).relative_to(self.out).as_posix()
                found.update(f"{base}/{name}" for name in names)
        return found - owned

    def remove(self, paths: Iterable[str]) -> None:
        """Remove these files and the folders they leave empty; none is removed unless every path
        stays inside the output folder (no symlink on its way: `write.check_inside`)."""
        paths = list(paths)
        check_inside(self.out, paths, writing=False)
        for path in paths:
            with contextlib.suppress(OSError):  # already gone
                os.unlink(self.out / path)
            self._remove_empty_folders(path)

    def _remove_empty_folders(self, path: str) -> None:
        folder = (self.out / path).parent
        while folder != self.out and folder.is_relative_to(self.out):
            try:
                folder.rmdir()  # only when empty
            except OSError:
                return
            folder = folder.parent

    def problems(self, units: Iterable[str]) -> Iterator[str]:
        """What the units found wrong, in their order."""
        for unit in units:
            yield from self.records[unit].problems
