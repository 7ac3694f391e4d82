"""Validate stage: the data against the Table Schemas, with frictionless, in memory (no disk I/O).

Every report's rows are checked in the check stage (`report_schema_findings`): each cell through
frictionless's own cell readers (type and constraints) and each table's primary key, so a problem is
an `error[schema-invalid]` finding of its report, in its page, JSON and CSVs. The published tables
are those rows one after another under a header made from the same schemas, and every foreign key
points into the same report, so nothing else can be wrong with them: the build validates, besides,
only the corpus descriptor's metadata (`descriptor_problems`).

`build.py check` and the tests also validate whole packages with frictionless (`validate_reports`,
`rows_problems`): a frictionless error becomes a `ValidationProblem` naming the report, the table, the
row among that report's rows (numbered as in a CSV of its rows alone) and the line of the cell in the
report text; `to_finding()` makes it an `error[schema-invalid]` of the report.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from generator.clock import stage
from generator.messages import Text, raw, raw_message, say
from generator.model import Finding, Report
from generator.rules import finding
from generator.spec import APPLICANT_IDS

if TYPE_CHECKING:
    from frictionless import Package

MAX_ERRORS = 1000  # per table; a systematic bug would otherwise list every row
BOM = "\ufeff".encode()

RawError = dict[str, Any]  # a frictionless error as plain data
ReportLines = Mapping[str, bytes]  # one report's CSV data lines, by table name


@dataclass(frozen=True)
class ValidationProblem:
    table: str  # resource name, e.g. "applications"; "datapackage" for the descriptor itself
    message: str  # what frictionless found, with the table and row
    report_id: str | None = None
    source_file: str | None = None  # the report's file, as findings name it
    row: int | None = None  # row number among the report's rows, as in a CSV of them alone (header: row 1)
    field: str | None = None
    line: int | None = None  # line of the cell in the report text
    text: Text | None = None  # the message as a pattern (generator/messages.py), for the English pages

    def to_finding(self) -> Finding:
        return finding("schema-invalid", self.text or raw_message(self.message), self.line, self.cells)

    @property
    def cells(self) -> tuple[str, ...]:
        return (f"{self.table}.{self.field}",) if self.field else ()

    def __str__(self) -> str:
        where = f"{self.source_file}:{self.line or 1}: " if self.source_file else ""
        return f"{where}error[schema-invalid] {self.message}"


def in_memory_package(resources: Sequence[Mapping[str, Any]], tables: Mapping[str, bytes]) -> Package:
    """A package of `resources` (descriptors with their schemas) whose CSVs are
    the given bytes."""
    from frictionless import Package, Resource, Schema  # a fifth of a second: only where it is used

    return Package(
        resources=[
            Resource(
                name=spec["name"],
                data=tables[spec["name"]],
                format="csv",
                encoding=spec.get("encoding", "utf-8"),
                schema=Schema.from_descriptor(spec["schema"]),
            )
            for spec in resources
        ]
    )


def table_errors(resources: Sequence[Mapping[str, Any]], tables: Mapping[str, bytes]) -> list[RawError]:
    """Every row of every table against its schema, errors as plain data."""
    report = in_memory_package(resources, tables).validate(limit_errors=MAX_ERRORS)
    errors = [_raw(task.name, error) for task in report.tasks for error in task.errors]
    return errors + [_raw("datapackage", error) for error in report.errors]


def _raw(table: str, error: Any) -> RawError:
    return {
        "table": table,
        "cells": list(getattr(error, "cells", None) or []),
        "row": getattr(error, "row_number", None),
        "field": getattr(error, "field_name", None),
        "cell": getattr(error, "cell", None),
        "title": error.title,
        "note": error.note,
        "message": error.message,
    }


def metadata_problems(descriptor: dict[str, Any]) -> list[ValidationProblem]:
    """What is wrong with a descriptor itself: frictionless's metadata errors, then any schema it
    names by a path that is not one of the published schemas."""
    from frictionless import Package

    errors = [error.message for error in Package.metadata_validate(descriptor)]
    if not errors:
        errors = [
            f"schema {path!r} is not one of the published schemas" for path in unknown_schemas(descriptor)
        ]
    return [ValidationProblem("datapackage", f"datapackage.json: {message}") for message in errors]


def unknown_schemas(descriptor: Mapping[str, Any]) -> list[str]:
    paths = [spec.get("schema") for spec in descriptor.get("resources", [])]
    return [path for path in paths if isinstance(path, str) and path not in published_schema_paths()]


def published_schema_paths() -> set[str]:
    from generator.data.files import CORPUS_TABLES
    from generator.data.package import RESOURCES, schema_path

    return {schema_path(name) for name in (*RESOURCES, *CORPUS_TABLES)}


@cache
def _resources() -> tuple[dict[str, Any], ...]:
    from generator.data.package import RESOURCES, load_schema

    return tuple({"name": name, "schema": load_schema(name)} for name in RESOURCES)


def rows_problems(
    reports: Sequence[Report], lines: Callable[[Report], ReportLines], whole: Callable[[Report], Report]
) -> list[ValidationProblem]:
    """Every row of some reports against the Table Schemas, as one package. `lines`: a report's CSV
    lines; `whole`: the whole report behind a brief (a problem names the line of its cell)."""
    from generator.data.files import csv_header

    own = {report.meta.report_id or "": lines(report) for report in reports}
    tables = {
        spec["name"]: BOM
        + csv_header(spec["name"]).encode()
        + b"".join(body[spec["name"]] for body in own.values())
        for spec in _resources()
    }
    with stage("validate"):
        errors = table_errors(_resources(), tables)
    rows = _RowNumbers(own) if errors else None
    by_id = {report.meta.report_id: report for report in reports}
    flagged = {
        rid for rid, report in by_id.items() if any(f.rule == "schema-invalid" for f in report.findings)
    }
    return [
        _problem(error, by_id, rows.in_report(error) if rows else error["row"], whole)
        for error in errors
        if not (error["cells"] and error["cells"][0] in flagged)  # already findings of their report
    ]


def descriptor_problems(descriptor: bytes) -> list[ValidationProblem]:
    """The corpus descriptor's own problems (its rows were checked report by report)."""
    with stage("validate"):
        return metadata_problems(json.loads(descriptor))


def validate_reports(
    descriptor: bytes,
    reports: Sequence[Report],
    lines: Callable[[Report], ReportLines],
    whole: Callable[[Report], Report] = lambda report: report,
) -> list[ValidationProblem]:
    """The corpus package's problems, validated whole: its descriptor's, then its rows'."""
    return descriptor_problems(descriptor) + rows_problems(reports, lines, whole)


class _RowNumbers:
    """Turns a row number of a package's table into the row in the report's own CSV (only computed
    when there are errors: it parses the rows)."""

    def __init__(self, own: Mapping[str, ReportLines]) -> None:
        self._starts: dict[tuple[str, str], int] = {}
        for spec in _resources():
            row = 2  # the header is row 1
            for rid, body in own.items():
                self._starts[(spec["name"], rid)] = row
                row += sum(1 for _ in csv.reader(io.StringIO(body[spec["name"]].decode("utf-8"))))

    def in_report(self, error: RawError) -> int | None:
        start = self._starts.get((error["table"], error["cells"][0] if error["cells"] else ""))
        return error["row"] - start + 2 if start and error["row"] else error["row"]


def problems_by_report(problems: Sequence[ValidationProblem]) -> dict[str, tuple[Finding, ...]]:
    """The problems that belong to a report, as its findings (others belong to the build)."""
    out: dict[str, list[Finding]] = {}
    for problem in problems:
        if problem.report_id:
            out.setdefault(problem.report_id, []).append(problem.to_finding())
    return {rid: tuple(found) for rid, found in out.items()}


# --- one report's rows, before it is rendered -----------------------------------------------------


def report_schema_findings(report: Report) -> tuple[Finding, ...]:
    """One report's rows against the Table Schemas, cell by cell with frictionless's own cell readers
    (types and constraints), and its primary keys: an `error[schema-invalid]` finding per problem.

    Run in the check stage, so the findings are in the report's page, JSON and CSVs, and counted like
    any other; the corpus validation then finds nothing new in that report. Ids and findings added
    later (the registry, the corpus checks) are valid by construction."""
    from generator.data.files import report_lines

    with stage("validate"):
        lines = report_lines(report)
        errors = [error for name in _table_names() for error in _table_errors(name, lines[name])]
    by_id = {report.meta.report_id: report}
    return tuple(_problem(error, by_id, error["row"]).to_finding() for error in errors)


@cache
def _table_names() -> tuple[str, ...]:
    return tuple(spec["name"] for spec in _resources())


@cache
def _frictionless_schema(name: str) -> Any:
    from frictionless import Schema

    return Schema.from_descriptor(next(spec["schema"] for spec in _resources() if spec["name"] == name))


@cache
def _cell_readers(name: str) -> tuple[Any, ...]:
    """Each field's frictionless cell reader, made once (`Schema.read_cells` makes them for every row,
    which was most of the check's time)."""
    return tuple(_frictionless_schema(name).create_cell_readers().values())


def _table_errors(name: str, body: bytes) -> list[RawError]:
    schema = _frictionless_schema(name)
    fields = schema.field_names
    readers = _cell_readers(name)
    key = [fields.index(field) for field in schema.primary_key]
    seen: set[tuple[str, ...]] = set()
    errors: list[RawError] = []
    for row, cells in enumerate(csv.reader(io.StringIO(body.decode("utf-8"))), start=2):
        if len(cells) != len(fields):
            note = f"{len(cells)} cells, the schema has {len(fields)} fields"
            errors.append(_cell_error(name, cells, row, None, None, "Row Width Error", note))
            continue
        for field, cell, reader in zip(fields, cells, readers, strict=True):
            for kind, note in (reader(cell)[1] or {}).items():
                title = "Type Error" if kind == "type" else "Constraint Error"
                errors.append(_cell_error(name, cells, row, field, cell, title, note))
        values = tuple(cells[i] for i in key)
        if key and values in seen:
            errors.append(
                _cell_error(name, cells, row, None, None, "Primary Key Error", "the key is not unique")
            )
        seen.add(values)
    return errors


def _cell_error(
    table: str, cells: list[str], row: int, field: str | None, cell: str | None, title: str, note: str
) -> RawError:
    return {
        "table": table,
        "cells": cells,
        "row": row,
        "field": field,
        "cell": cell,
        "title": title,
        "note": note,
    }


# --- from a frictionless error to the report text --------------------------------------------------


def _problem(
    error: RawError,
    by_id: Mapping[str | None, Report],
    row_number: int | None,
    full_report: Callable[[Report], Report] | None = None,
) -> ValidationProblem:
    table, cells, field = error["table"], error["cells"], error["field"]
    report = by_id.get(cells[0]) if cells else None
    if report is not None and full_report is not None:
        report = full_report(report)
    where = (
        say("{table} 表第 {row} 行", table=raw(table), row=str(row_number))
        if row_number
        else say("{table} 表", table=raw(table))
    )
    what = f"{_row_name(table, cells)}{field or ''}".strip()
    subject = say("{where}（{what}）", where=where, what=raw(what)) if what else where
    value = error["cell"]
    detail = raw(f"{error['title']}: {error['note']}" if error["note"] else error["message"])
    if value is not None:
        text = say(
            "{subject}的值“{value}”不符合表结构：{detail}", subject=subject, value=raw(value), detail=detail
        )
    else:
        text = say("{subject}：{detail}", subject=subject, detail=detail)
    return ValidationProblem(
        table=table,
        message=str(text),
        text=text,
        report_id=report.meta.report_id if report else (cells[0] if cells else None),
        source_file=report.meta.source_file if report else None,
        row=row_number,
        field=field,
        line=source_line(report, table, cells, field) if report else None,
    )


def _row_name(table: str, cells: list[str]) -> str:
    """How the row is identified within its report, e.g. "disclosed " or "regulations/new_made "."""
    if len(cells) < 2 or table == "reports":
        return ""
    if table == "proactive" and len(cells) > 4:
        return f"{cells[1]}/{cells[4]} "
    return f"{cells[1]} "


def source_line(report: Report, table: str, cells: list[str], field: str | None) -> int | None:
    """The line in the report text of the cell (or row) a table error is about."""
    key = cells[1] if len(cells) > 1 else ""
    if table == "applications":
        if field in APPLICANT_IDS:
            return report.applications.cell(key, field).line or report.applications.lines.get(key)
        return report.applications.lines.get(key)
    if table == "proactive" and len(cells) > 4:
        return report.proactive_cell(key, cells[4]).line
    if table == "review_litigation" and field:
        return report.review(f"{key}_{field}").line
    if table == "findings" and key.isdigit() and 0 < int(key) <= len(report.findings):
        return report.findings[int(key) - 1].line
    if table == "reports":
        return _headline_line(report, field)
    return None


def _headline_line(report: Report, field: str | None) -> int | None:
    cell_of = {
        "new_applications": report.applications.cell("new_received", "total"),
        "processed_applications": report.applications.cell("total_processed", "total"),
        "carried_forward": report.applications.cell("carried_forward", "total"),
        "reconsiderations": report.review("reconsideration_total"),
        "lawsuits": report.review("litigation_direct_total"),
        "published_total": report.published_total,
    }
    cell = cell_of.get(field or "")
    return cell.line if cell else 1  # metadata: the front matter or the title, at the top of the file
