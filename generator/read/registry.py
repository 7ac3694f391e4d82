"""The agency registry, `content/agencies.csv`: the id of every agency ever published, kept forever.

Ids are spelled from an agency's name the first time it is seen; after that the registry, not the
name, gives the id, so correcting a name keeps every id, URL and foreign key. One row per agency:

    agency_id,name,former_names,region_code,replaced_by

`former_names` are the names it was published under before (`|` between them); `replaced_by` is set
only if an id ever has to change: the old id's pages then redirect to the new one's. The build adds
the rows of new agencies and records renames (`checks/identity.py`); people edit it only to merge or
move an id, and `check` refuses a change that would drop a published id.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

REGISTRY_FILE = "agencies.csv"  # in the content folder
FIELDS = ("agency_id", "name", "former_names", "region_code", "replaced_by")
NAMES_SEPARATOR = "|"
# Ids become folder names and URLs: lowercase ASCII words joined by single hyphens, nothing else.
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_LENGTH = 120


def valid_id(text: str) -> bool:
    return len(text) <= MAX_ID_LENGTH and ID_PATTERN.match(text) is not None


@dataclass(frozen=True)
class AgencyEntry:
    agency_id: str
    name: str
    former_names: tuple[str, ...] = ()
    region_code: str | None = None
    replaced_by: str | None = None
    line: int = 0  # in content/agencies.csv (0: not in the file yet)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.former_names)


@dataclass(frozen=True)
class Registry:
    entries: tuple[AgencyEntry, ...] = ()
    problems: tuple[str, ...] = ()  # rows that cannot be read, each naming the file and line
    path: str = f"content/{REGISTRY_FILE}"  # as messages name it

    @cached_property
    def by_id(self) -> dict[str, AgencyEntry]:
        return {entry.agency_id: entry for entry in self.entries}

    @cached_property
    def _by_name(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for entry in self.entries:
            for key in dict.fromkeys(map(name_key, entry.names)):
                index.setdefault(key, []).append(entry.agency_id)
        return index

    def ids_named(self, name: str) -> list[str]:
        """The ids of the agencies that are or were called `name` (usually one)."""
        return self._by_name.get(name_key(name), [])

    def current_id(self, agency_id: str) -> str:
        """Where an id leads, following `replaced_by` (a loop or a dangling target stops the walk)."""
        by_id, seen = self.by_id, {agency_id}
        while (entry := by_id.get(agency_id)) and entry.replaced_by and entry.replaced_by not in seen:
            agency_id = entry.replaced_by
            seen.add(agency_id)
        return agency_id


EMPTY = Registry()


def name_key(name: str) -> str:
    """Names compare without spaces (a name broken over a line keeps them)."""
    return "".join(name.split())


def read_registry(content: Path) -> Registry:
    """content/agencies.csv, or an empty registry when there is none yet."""
    path = content / REGISTRY_FILE
    shown = f"{content.name}/{REGISTRY_FILE}"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Registry(path=shown)
    return parse_registry(data, shown)


def parse_registry(data: bytes, shown: str = f"content/{REGISTRY_FILE}") -> Registry:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = f"{shown}: not UTF-8 text (byte {exc.start}); the registry is ignored"
        return Registry(problems=(message,), path=shown)
    try:
        reader = csv.reader(io.StringIO(text))
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        return Registry(problems=(f"{shown}: not a CSV file ({exc}); the registry is ignored",), path=shown)
    if not rows:
        return Registry(path=shown)
    if tuple(rows[0][1]) != FIELDS:
        header = f"{shown}:1: the header should be {','.join(FIELDS)}; the registry is ignored"
        return Registry(problems=(header,), path=shown)
    entries: list[AgencyEntry] = []
    problems: list[str] = []
    seen: set[str] = set()
    for line, row in rows[1:]:
        entry, problem = _entry(row, line)
        if problem is None and entry is not None and entry.agency_id in seen:
            problem = f"the id {entry.agency_id} is on an earlier line too"
        if problem:
            problems.append(f"{shown}:{line}: {problem}; the row is ignored")
        elif entry is not None:
            entries.append(entry)
            seen.add(entry.agency_id)
    return Registry(tuple(entries), tuple(problems), shown)


def _entry(row: list[str], line: int) -> tuple[AgencyEntry | None, str | None]:
    if not any(cell.strip() for cell in row):
        return None, None  # a blank line
    if len(row) != len(FIELDS):
        return None, f"expected {len(FIELDS)} cells ({','.join(FIELDS)}), found {len(row)}"
    agency_id, name, former, region, replaced_by = (cell.strip() for cell in row)
    for label, value in (("agency_id", agency_id), ("replaced_by", replaced_by)):
        if value and not valid_id(value):
            return None, f"{label} {value!r} is not an id (lowercase letters, digits and single hyphens)"
    if not agency_id or not name:
        return None, "agency_id and name are required"
    if region and not re.fullmatch(r"\d{6}", region):
        return None, f"region_code {region!r} is not a 6-digit GB/T 2260 code"
    names = tuple(n.strip() for n in former.split(NAMES_SEPARATOR) if n.strip())
    return AgencyEntry(agency_id, name, names, region or None, replaced_by or None, line), None


def registry_bytes(registry: Registry) -> bytes:
    """The file as the build writes it: sorted by id, UTF-8 without BOM (a file people edit)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    for entry in sorted(registry.entries, key=lambda e: e.agency_id):
        former = NAMES_SEPARATOR.join(entry.former_names)
        writer.writerow(
            [entry.agency_id, entry.name, former, entry.region_code or "", entry.replaced_by or ""]
        )
    return out.getvalue().encode("utf-8")


def with_entries(registry: Registry, entries: list[AgencyEntry]) -> Registry:
    return Registry(tuple(entries), registry.problems, registry.path)
