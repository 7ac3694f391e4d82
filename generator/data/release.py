"""Releases: the data's version, the changes table, and the releases kept downloadable.

A release is a set of published values. Its version is the day of the commit that made it,
`YYYY.MM.DD` (a second release that day is `YYYY.MM.DD.2`, and so on), and it changes only when a
published value does: compared with the previous release cell by cell, a build that changes nothing
keeps the previous version, `created` and changes table, so its descriptors are byte for byte the
same. Each change is a row of `changes.csv`, cumulative across releases: the report, the cell, the
old and new values, the release's version, date and commit, and why (`new-report`,
`removed-report`, `correction` when the report's file changed, `parser-fix` when only the generator
did). The current release and the three before it are kept as zips under
`data/releases/<version>/`, listed newest first in `data/releases/index.json`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from hashlib import sha256

from generator.data.package import Stamp
from generator.read.release import ARCHIVE, INDEX, NO_RELEASE, ReleaseInputs
from generator.spec import APPLICANT_IDS, OUTCOMES

CHANGES = "changes"
CHANGES_FIELDS = ("version", "date", "commit", "report_id", "cell", "old_value", "new_value", "reason")
UNRELEASED = "unreleased"  # outside a git checkout: no commit to date the release by
KEEP = 4  # releases downloadable under versioned paths, the current one included
RELEASES_DIR = "data/releases"

# The published values compared between releases: (table, key columns, value columns). Derived
# columns (totals copied into `reports`, finding counts, line numbers, labels) are left out.
VALUE_COLUMNS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("reports", (), ("agency", "title", "year", "template", "published", "region_code", "source_url")),
    ("proactive", ("item", "measure"), ("value", "unit")),
    ("applications", ("row_id",), APPLICANT_IDS),
    ("review_litigation", ("proceeding",), tuple(outcome for outcome, _ in OUTCOMES)),
)

Cells = dict[str, dict[str, str]]  # report_id -> cell name -> value as published in the CSV


@dataclass(frozen=True)
class Release:
    version: str
    created: str | None  # ISO 8601 UTC: the commit's time (None: taken from the content)
    previous: Mapping[str, bytes]  # version -> zip of the earlier releases kept, newest first
    same_as_previous: bool = False  # every table byte for byte the previous release's


Tables = Mapping[str, bytes]  # the bulk CSVs by table name


@dataclass(frozen=True)
class Edition:
    """A release as the data files need it: what it was made from, what it is, and the site's address."""

    inputs: ReleaseInputs
    release: Release
    homepage: str | None = None

    @property
    def stamp(self) -> Stamp:
        return Stamp(self.release.version, self.release.created, self.homepage)


def settle_release(inputs: ReleaseInputs, tables: Callable[[], Tables]) -> Release:
    """This build's version: the commit's day, unless every table is the previous release's (then
    that release again). `tables` is only called when there is a previous release to compare with."""
    commit, previous = inputs.commit, inputs.previous
    if previous is None:
        return Release(
            next_version(None, commit.date if commit else None), commit.time if commit else None, {}
        )
    current = tables()
    if all(previous.tables.get(name) == data for name, data in current.items()):
        return Release(previous.version, previous.created, previous.archives, same_as_previous=True)
    version = next_version(previous.version, commit.date if commit else None)
    kept = dict(list(previous.archives.items())[: KEEP - 1])
    return Release(version, commit.time if commit else previous.created, kept)


def changes_table(inputs: ReleaseInputs, release: Release, tables: Tables) -> bytes:
    """changes.csv: this release's changes (none when it is the previous release again), then the
    earlier ones."""
    commit, previous = inputs.commit, inputs.previous
    earlier = previous.tables.get(CHANGES, b"") if previous else b""
    if release.same_as_previous:
        return earlier or changes_csv([])
    stamp = (release.version, commit.date if commit else "", commit.sha if commit else "")
    found = changes(previous.tables, tables) if previous else _all_new(tables)
    return changes_csv([(*stamp, *change) for change in found] + _rows(earlier))


def _all_new(tables: Tables) -> Iterator[tuple[str, ...]]:
    """The first release: every report is new (only the reports table is read)."""
    for row in _dict_rows(tables.get("reports", b"")):
        yield (row["report_id"], "", "", "", "new-report")


def next_version(previous: str | None, date: str | None) -> str:
    """`YYYY.MM.DD` of the commit, numbered from 2 when that day already had a release."""
    if date is None:
        return UNRELEASED
    day = date.replace("-", ".")
    if previous is None or not previous.startswith(day):
        return day
    count = previous.removeprefix(day).removeprefix(".")
    return f"{day}.{int(count) + 1 if count.isdigit() else 2}"


def published_cells(tables: Mapping[str, bytes]) -> Cells:
    cells: Cells = {}
    for table, key, columns in VALUE_COLUMNS:
        for row in _dict_rows(tables.get(table, b"")):
            prefix = ".".join([table, *(row.get(k, "") for k in key)])
            mine = cells.setdefault(row.get("report_id", ""), {})
            for column in columns:
                mine[f"{prefix}.{column}" if key else f"{table}.{column}"] = row.get(column, "")
    return cells


def sources(tables: Mapping[str, bytes]) -> dict[str, str]:
    """report_id -> sha256 of its original file: a changed file is a correction."""
    return {row["report_id"]: row.get("source_sha256", "") for row in _dict_rows(tables.get("reports", b""))}


def changes(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> Iterator[tuple[str, ...]]:
    """(report_id, cell, old value, new value, reason) for every difference, in report order; a
    report whose values are the same but whose other columns changed (findings, line numbers,
    labels) is one `details` row."""
    before, after = published_cells(old), published_cells(new)
    old_sources, new_sources = sources(old), sources(new)
    old_rows, new_rows = report_rows(old, new.keys()), report_rows(new, new.keys())
    for report_id in sorted(before.keys() | after.keys()):
        if report_id not in before:
            yield (report_id, "", "", "", "new-report")
        elif report_id not in after:
            yield (report_id, "", "", "", "removed-report")
        else:
            reason = (
                "parser-fix" if old_sources.get(report_id) == new_sources.get(report_id) else "correction"
            )
            was, now = before[report_id], after[report_id]
            differing = [
                cell for cell in sorted(was.keys() | now.keys()) if was.get(cell, "") != now.get(cell, "")
            ]
            for cell in differing:
                yield (report_id, cell, was.get(cell, ""), now.get(cell, ""), reason)
            if not differing and old_rows.get(report_id) != new_rows.get(report_id):
                yield (report_id, "", "", "", "details")


def report_rows(tables: Mapping[str, bytes], names: Iterable[str]) -> dict[str, list[tuple[str, ...]]]:
    """Every row of the tables `names` (those made from the reports' rows), by report."""
    rows: dict[str, list[tuple[str, ...]]] = {}
    for name in sorted(names):
        for row in _dict_rows(tables.get(name, b"")):
            rows.setdefault(row.get("report_id", ""), []).append((name, *row.values()))
    return rows


def changes_csv(rows: list[tuple]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CHANGES_FIELDS)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _rows(data: bytes) -> list[tuple]:
    return [tuple(row.get(f, "") for f in CHANGES_FIELDS) for row in _dict_rows(data)]


def _dict_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")))) if data else []


def release_files(release: Release, current_zip: bytes) -> dict[str, bytes]:
    """data/releases/<version>/<zip> for the current release and the kept ones, and their index."""
    # A version's zip never changes: when this build is the previous release again (its tables the
    # same), that release's own zip is kept, though the schemas' wording may have changed since.
    kept = {release.version: current_zip, **release.previous}
    files = {f"{RELEASES_DIR}/{version}/{ARCHIVE}": data for version, data in kept.items()}
    index = [
        {
            "version": version,
            "path": f"{version}/{ARCHIVE}",
            "bytes": len(data),
            "sha256": sha256(data).hexdigest(),
        }
        for version, data in kept.items()
    ]
    files[f"{RELEASES_DIR}/{INDEX}"] = json.dumps(index, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    return files


FIRST_EDITION = Edition(NO_RELEASE, Release(UNRELEASED, None, {}))  # outside git, with no previous release
