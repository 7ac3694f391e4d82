"""Reports built directly as model values, for tests of the stages after parsing.

Every cell defaults to a published 0. A value of `None` is a cell published blank (raw ""), and
`UNASSIGNED` a cell the parser could not assign (raw None, as after a `row-width` error).
Lines are synthetic but distinct: proactive rows from 10, applications rows from 100, review cells 200.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from generator.model import ApplicationsTable, Cell, Finding, Metadata, ProactiveRow, Region, Report
from generator.spec import APPLICANT_IDS, REVIEW_CELLS, application_rows, proactive_blocks

UNASSIGNED = object()
APP_LINE, REVIEW_LINE, PROACTIVE_LINE = 100, 200, 10


def cell(value: Any, line: int | None) -> Cell:
    if value is UNASSIGNED:
        return Cell(value=None, raw=None, unit=None, line=None)
    if value is None:
        return Cell(value=None, raw="", unit=None, line=line)
    if isinstance(value, tuple):  # (value, unit, raw)
        number, unit, raw = value
        return Cell(value=number, raw=raw, unit=unit, line=line)
    return Cell(value=value, raw=str(value), unit=None, line=line)


def make_applications(template: str, values: Mapping[str, Sequence[Any]]) -> ApplicationsTable:
    rows, lines = {}, {}
    for index, row in enumerate(application_rows(template)):
        line = APP_LINE + index
        row_values = values.get(row.id, [0] * len(APPLICANT_IDS))
        assert len(row_values) == len(APPLICANT_IDS), row.id
        rows[row.id] = tuple(cell(v, line) for v in row_values)
        lines[row.id] = line
    labels = {r.id: r.label for r in application_rows(template)}
    return ApplicationsTable(rows=rows, labels=labels, lines=lines)


def make_proactive(template: str, values: Mapping[str, Mapping[str, Any]]) -> tuple[ProactiveRow, ...]:
    rows = []
    index = 0
    for block in proactive_blocks(template):
        for item in block.items:
            line = PROACTIVE_LINE + index
            given = values.get(item.id, {})
            cells = {m.id: cell(given.get(m.id, 0), line) for m in block.measures}
            rows.append(ProactiveRow(item.id, item.label, line, cells))
            index += 1
    return tuple(rows)


def make_report(
    template: str = "2019",
    applications: Mapping[str, Sequence[Any]] | None = None,
    review: Mapping[str, Any] | None = None,
    proactive: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    agency: str = "测试市人民政府办公室",
    agency_id: str = "ce-shi-shi-ren-min-zheng-fu-ban-gong-shi",
    year: int | None = 2020,
    published: str | None = "2021-01-20",
    region: Region | None = None,
    source_url: str | None = None,
    findings: Sequence[Finding] = (),
    published_total: Any = UNASSIGNED,
) -> Report:
    review = review or {}
    meta = Metadata(
        agency=agency,
        year=year,
        template=template,
        published=published,
        region=region,
        source_file=f"content/reports/{year}-{agency_id}.txt",
        source_url=source_url,
        title=f"{agency}{year}年政府信息公开工作年度报告",
        report_id=f"{agency_id}-{year}",
        agency_id=agency_id,
        source_sha256="0" * 64,
    )
    return Report(
        meta=meta,
        proactive=make_proactive(template, proactive or {}),
        applications=make_applications(template, applications or {}),
        review_litigation={c: cell(review.get(c, 0), REVIEW_LINE) for c in REVIEW_CELLS},
        published_total=None if published_total is UNASSIGNED else cell(published_total, 300),
        sections=(),
        findings=tuple(findings),
    )


def row(*values: Any) -> list[Any]:
    """Seven applicant values; the total is appended when six are given."""
    if len(values) == 6:
        return [*values, sum(v for v in values if isinstance(v, int))]
    return list(values)


def data_files(reports: Sequence[Report]) -> dict[str, bytes]:
    """Every data file the data and report families publish for these reports, by path."""
    from generator.data.files import agency_package, corpus_package, report_json, report_lines
    from generator.data.package import sort_reports

    ordered = sort_reports(reports)
    lines = {r.meta.report_id: report_lines(r) for r in ordered}
    files = corpus_package(ordered, list(lines.values()))
    agencies: dict[str, list[Report]] = {}
    for report in ordered:
        files.update(report_json(report))
        agencies.setdefault(report.meta.agency_id or "", []).append(report)
    for agency_id, group in agencies.items():
        files.update(agency_package(agency_id, group, [lines[r.meta.report_id] for r in group]))
    return files
