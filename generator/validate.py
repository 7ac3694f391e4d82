"""Validate stage: the corpus data package, checked with frictionless in memory (no disk I/O).

The CSV bytes that will be written are validated as whole tables against their Table Schemas
(types, minimum, enum, primary and foreign keys). Per-report and per-agency packages hold subsets of
these rows with the same schemas, so they are valid whenever the corpus is: one pass over 5 tables,
not thousands of tiny validations (a test runs `frictionless validate` on the written files).

A frictionless error becomes a `ValidationProblem` naming the report, the table, the CSV row and the
line of the cell in the report text; `to_finding()` makes it an `error[schema-invalid]` of the report.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from frictionless import Package, Resource, Schema

from generator.model import Finding, Report
from generator.rules import finding
from generator.spec import APPLICANT_IDS

MAX_ERRORS = 1000  # per table; a systematic bug would otherwise list every row


@dataclass(frozen=True)
class ValidationProblem:
    table: str  # resource name, e.g. "applications"; "datapackage" for the descriptor itself
    message: str  # what frictionless found, with the table and row
    report_id: str | None = None
    source_file: str | None = None  # the report's file, as findings name it
    row: int | None = None  # row number in the CSV file (the header is row 1)
    field: str | None = None
    line: int | None = None  # line of the cell in the report text

    def to_finding(self) -> Finding:
        return finding("schema-invalid", self.message, self.line, self.cells)

    @property
    def cells(self) -> tuple[str, ...]:
        return (f"{self.table}.{self.field}",) if self.field else ()

    def __str__(self) -> str:
        where = f"{self.source_file}:{self.line or 1}: " if self.source_file else ""
        return f"{where}error[schema-invalid] {self.message}"


def in_memory_package(descriptor: Mapping[str, Any], files: Mapping[str, bytes]) -> Package:
    """The package with each resource's CSV bytes in place of its path (`files` is keyed by path)."""
    resources = [
        Resource(
            name=spec["name"],
            data=files[spec["path"]],
            format="csv",
            encoding=spec.get("encoding", "utf-8"),
            schema=Schema.from_descriptor(spec["schema"]),
        )
        for spec in descriptor["resources"]
    ]
    return Package(name=descriptor.get("name"), resources=resources)


def validate_package(
    descriptor_bytes: bytes, files: Mapping[str, bytes], reports: Sequence[Report]
) -> list[ValidationProblem]:
    """Problems of one package: its descriptor's metadata, then every row of every table."""
    descriptor = json.loads(descriptor_bytes)
    problems = [
        ValidationProblem("datapackage", f"datapackage.json: {error.message}")
        for error in Package.metadata_validate(descriptor)
    ]
    if problems:
        return problems
    by_id = {r.meta.report_id: r for r in reports}
    report = in_memory_package(descriptor, files).validate(limit_errors=MAX_ERRORS)
    for task in report.tasks:
        problems.extend(_problem(task.name, error, by_id) for error in task.errors)
    problems.extend(_problem("datapackage", e, by_id) for e in report.errors)
    return problems


def validate_data(
    files: Mapping[str, bytes], reports: Sequence[Report], folder: str = "data"
) -> list[ValidationProblem]:
    """Validate the corpus package inside the output of `datafiles.data_files`."""
    prefix = f"{folder}/"
    package_files = {path[len(prefix) :]: data for path, data in files.items() if path.startswith(prefix)}
    return validate_package(package_files["datapackage.json"], package_files, reports)


def problems_by_report(problems: Sequence[ValidationProblem]) -> dict[str, tuple[Finding, ...]]:
    """The problems that belong to a report, as its findings (others belong to the build)."""
    out: dict[str, list[Finding]] = {}
    for problem in problems:
        if problem.report_id:
            out.setdefault(problem.report_id, []).append(problem.to_finding())
    return {rid: tuple(found) for rid, found in out.items()}


# --- from a frictionless error to the report text --------------------------------------------------


def _problem(table: str, error: Any, by_id: Mapping[str | None, Report]) -> ValidationProblem:
    cells: list[str] = list(getattr(error, "cells", None) or [])
    row_number = getattr(error, "row_number", None)
    field = getattr(error, "field_name", None)
    report = by_id.get(cells[0]) if cells else None
    where = f"{table} 表第 {row_number} 行" if row_number else f"{table} 表"
    what = f"{_row_name(table, cells)}{field or ''}".strip()
    subject = f"{where}（{what}）" if what else where
    value = getattr(error, "cell", None)
    detail = f"{error.title}: {error.note}" if error.note else error.message
    message = f"{subject}的值“{value}”不符合表结构：{detail}" if value is not None else f"{subject}：{detail}"
    return ValidationProblem(
        table=table,
        message=message,
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
