"""The data downloads as `{path under site/: bytes}` (pure: nothing is written here, see engine/write.py).

```
data/datapackage.json  data/<table>.csv ×5          the corpus package
data/schemas/<table>.json ×5                        the Table Schemas, which every descriptor names
data/gov-disclosure-reports.zip                     the corpus package in one file (with its schemas)
data/parquet/<table>.parquet ×5                     the bulk CSVs as Parquet, and all of them in one
data/gov-disclosure-reports.sqlite                  SQLite database (analyst.py: same values, typed)
data/changes.csv                                    every value changed by a release (release.py)
data/releases/<version>/gov-disclosure-reports.zip  the current release and the three before it,
data/releases/index.json                            listed newest first
data/agency-<agency_id>.datapackage.json            one agency's package: every year of it, whose
data/agencies/<agency_id>/<table>.csv ×5            CSVs are in its own folder
data/reports/<report_id>/report.json                one report's parse JSON
```

Every descriptor is in `data/`, beside `schemas/`: a descriptor may only name files in its own folder
or below it (the Data Package standard forbids `../`, and `frictionless validate` refuses it).

Every byte is a function of the reports and the release (the commit and the previous release):
sorted rows and zip entries, fixed timestamps, no clock.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from operator import itemgetter
from typing import Any

from generator.clock import timed
from generator.data.codelists import codelist_files
from generator.data.corrections import CORRECTIONS, correction_rows
from generator.data.package import (
    RESOURCES,
    UNSTAMPED,
    Stamp,
    agency_descriptor,
    agency_folder,
    corpus_descriptor,
    field_names,
    report_tables,
    resource_descriptor,
    schema_bytes,
    schema_path,
)
from generator.data.release import CHANGES, FIRST_EDITION, Edition, changes_table, release_files
from generator.model import Report, report_to_json
from generator.read.history import NO_HISTORY, History

DATA_DIR = "data"
CORPUS_NAME = "gov-disclosure-reports"
CORPUS_ZIP = f"{DATA_DIR}/{CORPUS_NAME}.zip"
CHECKSUMS = f"{DATA_DIR}/checksums.sha256"
BOM = "\ufeff"  # Excel on a Chinese Windows reads BOM-less CSV as GBK and garbles it
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest zip timestamp: fixed, so the bytes never change
# zlib level 5, not the default 6: 6 % larger, compressed in two thirds of the time. The zip is made
# again after every change, and the data page (which gives its size) waits for it.
ZIP_LEVEL = 5


@cache
def _row_values(name: str) -> Callable[[Mapping[str, Any]], tuple[Any, ...]]:
    """A row's values in the schema's field order; a field the row lacks is blank."""
    names = field_names(name)
    every_field = itemgetter(*names)  # what the row builders give: one C call per row

    def values(row: Mapping[str, Any]) -> tuple[Any, ...]:
        try:
            return every_field(row)
        except KeyError:
            return tuple(row.get(n) for n in names)

    return values


def csv_header(name: str) -> str:
    return ",".join(field_names(name)) + "\r\n"  # field names are ASCII snake_case: no quoting needed


def csv_body(name: str, rows: Sequence[Mapping[str, Any]]) -> str:
    """The data lines of some rows (formatted once, then shared by the corpus, agency and report CSVs).
    The csv module writes a blank (None) as an empty cell, and a float as its repr, which reads back
    as the same number. Text that a spreadsheet would take for a formula is neutralised."""
    buffer = io.StringIO()
    values = _row_values(name)
    csv.writer(buffer, lineterminator="\r\n").writerows(tuple(map(inert, values(row))) for row in rows)
    return buffer.getvalue()


FORMULA_START = ("=", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"^[+-]\d[\d,]*(\.\d+)?$")


def inert(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula (it starts with =, @, a tab, a carriage
    return, or + or - before anything but a number: text from a contributor's file, say) gets a
    leading apostrophe (OWASP's advice), so that a spreadsheet opening the CSV shows it as text.
    Numbers, and text such as `+170` or `-`, are left as they are; the JSON keeps the text as is."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(FORMULA_START) or (
        value[0] in "+-" and len(value) > 1 and not _SIGNED_NUMBER.match(value)
    ):
        return "'" + value
    return value


def csv_head(name: str) -> bytes:
    """What a CSV file starts with: the BOM and the header line."""
    return (BOM + csv_header(name)).encode("utf-8")


def csv_bytes(name: str, lines: Iterable[str | bytes]) -> bytes:
    """A CSV file: BOM, header, then the data lines (text, or already UTF-8), joined in one copy
    (the corpus CSVs are tens of MB)."""
    return b"".join([csv_head(name), *(b.encode("utf-8") if isinstance(b, str) else b for b in lines)])


def json_bytes(document: Any, *, compact: bool = False) -> bytes:
    """Indented for the corpus descriptor people read; compact (and far faster: the C encoder only
    runs without indentation) for the thousands of per-report and per-agency documents."""
    if compact:
        return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


TableLines = dict[str, list[bytes]]  # table name -> CSV data lines (UTF-8), one chunk per report


def csv_files(folder: str, tables: TableLines) -> dict[str, bytes]:
    """The CSVs of one package (those of `tables`), by path: `folder` + file name."""
    return {f"{folder}{name}.csv": csv_bytes(name, lines) for name, lines in tables.items()}


def merge_lines(parts: Sequence[Mapping[str, bytes]], tables: Iterable[str] = RESOURCES) -> TableLines:
    return {name: [part[name] for part in parts] for name in tables}


ReportLines = dict[str, bytes]  # one report's CSV data lines (UTF-8), by table name


@timed("package")
def report_lines(report: Report) -> ReportLines:
    """One report's rows in every table, formatted once: its own CSVs, its agency's and the corpus's
    are these lines under a header."""
    return {name: csv_body(name, rows).encode("utf-8") for name, rows in report_tables(report).items()}


def report_json_path(report_id: str) -> str:
    return f"{DATA_DIR}/reports/{report_id}/report.json"


@timed("package")
def report_json(report: Report) -> dict[str, bytes]:
    """data/reports/<report_id>/report.json: what a report publishes besides its page and its
    original file (its rows are in its agency's package and in the corpus's)."""
    return {report_json_path(report.meta.report_id or ""): json_bytes(report_to_json(report), compact=True)}


def agency_descriptor_path(agency_id: str) -> str:
    return f"{DATA_DIR}/agency-{agency_id}.datapackage.json"


def agency_package_paths(agency_id: str) -> list[str]:
    """The files of an agency's package: its descriptor and its CSVs."""
    csvs = [f"{DATA_DIR}/{agency_folder(agency_id)}{name}.csv" for name in RESOURCES]
    return [agency_descriptor_path(agency_id), *csvs]


@timed("package")
def agency_package(
    agency_id: str, reports: Sequence[Report], lines: Sequence[ReportLines], stamp: Stamp = UNSTAMPED
) -> dict[str, bytes]:
    """One agency's package, every year of it (`reports` in report_id order): its descriptor in
    data/, its CSVs in data/agencies/<agency_id>/."""
    csvs = csv_files(f"{DATA_DIR}/{agency_folder(agency_id)}", merge_lines(lines))
    descriptor = with_integrity(agency_descriptor(reports, stamp), csvs)
    return {agency_descriptor_path(agency_id): json_bytes(descriptor, compact=True), **csvs}


def schema_files() -> dict[str, bytes]:
    """data/schemas/<table>.json: each Table Schema, published once."""
    return dict(zip(schema_file_paths(), map(schema_bytes, RESOURCES), strict=True))


def schema_file_paths() -> list[str]:
    return [f"{DATA_DIR}/{schema_path(name)}" for name in RESOURCES]


def corpus_package_paths() -> list[str]:
    """The corpus package's files in data/ (not its schemas): its descriptor, the bulk CSVs, the zip,
    and their checksums. The Parquet files and the database are `analyst.analyst_paths()`."""
    tables = (*RESOURCES, *CORPUS_TABLES)
    return [f"{DATA_DIR}/datapackage.json", *map(bulk_csv_path, tables), CORPUS_ZIP, CHECKSUMS]


@timed("package")
def corpus_package(
    reports: Sequence[Report],
    lines: Sequence[ReportLines],
    edition: Edition = FIRST_EDITION,
    history: History = NO_HISTORY,
) -> dict[str, bytes]:
    """data/: the corpus package, its zip (also under the release's versioned path, beside the
    releases kept), the same tables as Parquet and SQLite (made from the bulk CSVs' bytes), and the
    checksums of all of them (`reports` in report_id order, `lines` alongside). The zip holds the
    Frictionless package only."""
    files = corpus_files(reports, lines, edition, history)
    zipped = corpus_zip(files)
    from generator.data.analyst import analyst_files

    files.update(analyst_files({name: files[bulk_csv_path(name)] for name in RESOURCES}))
    files.update(release_files(edition.release, zipped))
    files[CORPUS_ZIP] = zipped
    files[CHECKSUMS] = checksums(files)
    return files


def with_integrity(descriptor: dict[str, Any], files: Mapping[str, bytes]) -> dict[str, Any]:
    """Each resource's size and sha256 (`bytes`, `hash`): a download cut short or altered fails
    `frictionless validate`."""
    for resource in descriptor["resources"]:
        data = files[f"{DATA_DIR}/{resource['path']}"]
        resource["bytes"], resource["hash"] = len(data), "sha256:" + hashlib.sha256(data).hexdigest()
    return descriptor


def checksums(files: Mapping[str, bytes]) -> bytes:
    """`sha256sum` lines of files in data/ (`sha256sum -c checksums.sha256` checks a download)."""
    lines = (
        f"{hashlib.sha256(data).hexdigest()}  {path.removeprefix(f'{DATA_DIR}/')}\n"
        for path, data in sorted(files.items())
    )
    return "".join(lines).encode("utf-8")


def corpus_descriptor_bytes(reports: Sequence[Report], stamp: Stamp = UNSTAMPED) -> bytes:
    """data/datapackage.json (`reports` in report_id order) without its CSVs' sizes and checksums:
    what the descriptor says of itself, for checking its metadata before the CSVs are made."""
    return json_bytes(with_changes(corpus_descriptor(reports, stamp)))


CORPUS_TABLES = (CHANGES, CORRECTIONS)  # tables of the corpus package only, made from the whole corpus


def with_changes(descriptor: dict[str, Any]) -> dict[str, Any]:
    """The corpus package also holds the changes and corrections tables (not the agency packages:
    they are the corpus's history, and the changes have rows of removed reports)."""
    descriptor["resources"].extend(map(resource_descriptor, CORPUS_TABLES))
    return descriptor


def corpus_files(
    reports: Sequence[Report],
    lines: Sequence[ReportLines],
    edition: Edition = FIRST_EDITION,
    history: History = NO_HISTORY,
) -> dict[str, bytes]:
    """data/datapackage.json (with its CSVs' sizes and checksums), the schemas it names, the
    codelists, the bulk CSVs, and the changes and corrections tables."""
    csvs = csv_files(f"{DATA_DIR}/", merge_lines(lines))
    tables = {name: csvs[bulk_csv_path(name)] for name in RESOURCES}
    csvs[bulk_csv_path(CHANGES)] = changes_table(edition.inputs, edition.release, tables)
    csvs[bulk_csv_path(CORRECTIONS)] = csv_bytes(
        CORRECTIONS, [csv_body(CORRECTIONS, correction_rows(reports, history))]
    )
    descriptor = json_bytes(with_integrity(with_changes(corpus_descriptor(reports, edition.stamp)), csvs))
    schemas = {**schema_files(), **{f"{DATA_DIR}/{schema_path(n)}": schema_bytes(n) for n in CORPUS_TABLES}}
    return {f"{DATA_DIR}/datapackage.json": descriptor, **schemas, **codelist_files(), **csvs}


def bulk_csv_path(table: str) -> str:
    return f"{DATA_DIR}/{table}.csv"


def corpus_zip(files: Mapping[str, bytes]) -> bytes:
    """data/<corpus>.zip: the files of `corpus_files`, as in data/ (the descriptor and the CSVs at
    the top of the archive, the schemas in schemas/)."""
    return zip_bytes({path.removeprefix(f"{DATA_DIR}/"): data for path, data in files.items()})


def zip_bytes(files: Mapping[str, bytes]) -> bytes:
    """A deterministic zip: sorted entries, fixed timestamps and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever machine builds it
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name], compresslevel=ZIP_LEVEL)
    return buffer.getvalue()
