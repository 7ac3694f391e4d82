"""The data downloads as `{path under site/: bytes}` (pure: nothing is written here, see write.py).

```
data/datapackage.json  data/<table>.csv ×5          the corpus package
data/gov-disclosure-reports.zip                     the corpus package in one file
data/reports/<report_id>/datapackage.json, <table>.csv ×5, report.json
data/agencies/<agency_id>/datapackage.json, <table>.csv ×5
```

Every byte is a function of the reports: sorted rows and zip entries, fixed timestamps, no clock.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from operator import itemgetter
from typing import Any

from generator.data.package import (
    RESOURCES,
    agency_descriptor,
    by_agency,
    corpus_descriptor,
    field_names,
    report_descriptor,
    report_tables,
    resource_descriptor,
    sort_reports,
)
from generator.engine.write import OutputClash
from generator.model import Report, report_to_json

DATA_DIR = "data"
CORPUS_NAME = "gov-disclosure-reports"
CORPUS_ZIP = f"{DATA_DIR}/{CORPUS_NAME}.zip"
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
    as the same number."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(map(_row_values(name), rows))
    return buffer.getvalue()


def csv_head(name: str) -> bytes:
    """What a CSV file starts with: the BOM and the header line."""
    return (BOM + csv_header(name)).encode("utf-8")


def csv_bytes(name: str, bodies: Iterable[str | bytes]) -> bytes:
    """A CSV file: BOM, header, then the data lines (text, or already UTF-8), joined in one copy
    (the corpus CSVs are tens of MB)."""
    return b"".join([csv_head(name), *(b.encode("utf-8") if isinstance(b, str) else b for b in bodies)])


def json_bytes(document: Any, *, compact: bool = False) -> bytes:
    """Indented for the corpus descriptor people read; compact (and far faster: the C encoder only
    runs without indentation) for the thousands of per-report documents."""
    if compact:
        return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@cache
def _resources_json() -> str:
    return json.dumps(
        [resource_descriptor(n, brief=True) for n in RESOURCES], ensure_ascii=False, separators=(",", ":")
    )


def compact_descriptor_bytes(descriptor: Mapping[str, Any]) -> bytes:
    """A per-report or per-agency descriptor on one line; the five resources (the bulk: full schemas,
    identical in every package) are serialised once per build."""
    head = {k: v for k, v in descriptor.items() if k != "resources"}
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))
    return f'{text[:-1]},"resources":{_resources_json()}}}\n'.encode()


TableLines = dict[str, list[bytes]]  # table name -> CSV data lines (UTF-8), one chunk per report


def package_files(descriptor: bytes, bodies: TableLines) -> dict[str, bytes]:
    """`datapackage.json` and the CSVs of one package (those of `bodies`), by file name."""
    files = {"datapackage.json": descriptor}
    files.update({f"{name}.csv": csv_bytes(name, lines) for name, lines in bodies.items()})
    return files


def merge_lines(parts: Sequence[Mapping[str, bytes]], tables: Iterable[str] = RESOURCES) -> TableLines:
    return {name: [part[name] for part in parts] for name in tables}


def check_unique_ids(reports: Sequence[Report]) -> None:
    """Two reports with one report_id would write one folder: refuse (front matter `id` resolves it)."""
    seen: dict[str, str] = {}
    for report in reports:
        key = (report.meta.report_id or "").casefold()
        if key in seen:
            raise OutputClash(
                f"{report.meta.source_file} and {seen[key]} have the same report_id "
                f"{report.meta.report_id!r}: give one of them an `id` in its front matter"
            )
        seen[key] = report.meta.source_file


ReportLines = dict[str, bytes]  # one report's CSV data lines (UTF-8), by table name


def report_lines(report: Report) -> ReportLines:
    """One report's rows in every table, formatted once: its own CSVs, its agency's and the corpus's
    are these lines under a header."""
    return {name: csv_body(name, rows).encode("utf-8") for name, rows in report_tables(report).items()}


def report_package(report: Report, bodies: ReportLines) -> dict[str, bytes]:
    """data/reports/<report_id>/: the report's package and its JSON document."""
    own = package_files(
        compact_descriptor_bytes(report_descriptor(report, resources=False)), merge_lines([bodies])
    )
    own["report.json"] = json_bytes(report_to_json(report), compact=True)
    return {f"{DATA_DIR}/reports/{report.meta.report_id}/{name}": data for name, data in own.items()}


def agency_package(
    agency_id: str, reports: Sequence[Report], bodies: Sequence[ReportLines]
) -> dict[str, bytes]:
    """data/agencies/<agency_id>/: every year of one agency (`reports` in report_id order)."""
    own = package_files(
        compact_descriptor_bytes(agency_descriptor(reports, resources=False)), merge_lines(bodies)
    )
    return {f"{DATA_DIR}/agencies/{agency_id}/{name}": data for name, data in own.items()}


def corpus_package(reports: Sequence[Report], bodies: Sequence[ReportLines]) -> dict[str, bytes]:
    """data/: the corpus package and its zip (`reports` in report_id order, `bodies` alongside)."""
    files = corpus_files(reports, bodies)
    files[CORPUS_ZIP] = corpus_zip(files)
    return files


def corpus_descriptor_bytes(reports: Sequence[Report]) -> bytes:
    """data/datapackage.json (`reports` in report_id order)."""
    return json_bytes(corpus_descriptor(reports))


def corpus_files(reports: Sequence[Report], bodies: Sequence[ReportLines]) -> dict[str, bytes]:
    """data/datapackage.json and the bulk CSVs."""
    files = package_files(corpus_descriptor_bytes(reports), merge_lines(bodies))
    return {f"{DATA_DIR}/{name}": data for name, data in files.items()}


def bulk_csv_path(table: str) -> str:
    return f"{DATA_DIR}/{table}.csv"


def corpus_zip(files: Mapping[str, bytes]) -> bytes:
    """data/<corpus>.zip: the files of `corpus_files`, at the top of the archive."""
    return zip_bytes({path.removeprefix(f"{DATA_DIR}/"): data for path, data in files.items()})


def data_files(reports: Sequence[Report]) -> dict[str, bytes]:
    """Every data download of the site, by path relative to the site folder."""
    ordered = sort_reports(reports)
    check_unique_ids(ordered)
    bodies = {r.meta.report_id: report_lines(r) for r in ordered}
    files = corpus_package(ordered, list(bodies.values()))
    for report in ordered:
        files.update(report_package(report, bodies[report.meta.report_id]))
    for agency_id, group in by_agency(ordered).items():
        files.update(agency_package(agency_id, group, [bodies[r.meta.report_id] for r in group]))
    return files


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
