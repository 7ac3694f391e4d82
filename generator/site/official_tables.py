"""The three official tables of a report, laid out as printed, as plain data for the templates.

Each row has an anchor id equal to its reference (`applications.disclosed`); a cell named by a finding
has one too (`applications.disclosed.natural_person`), so the finding and the quality page link to it.
Cells and rows carry the numbers of the findings that involve them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

from generator.checks.equations import template_of
from generator.model import BLANK, Cell, Report
from generator.site.findings import FindingView
from generator.site.textfmt import format_change, format_number
from generator.spec import (
    APPLICANT_COLUMNS,
    OUTCOMES,
    PROCEEDINGS,
    TEMPLATES,
    ApplicationRow,
    application_rows,
    proactive_blocks,
    result_rows,
)

APPLICATIONS_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class Head:
    text: str
    colspan: int = 1
    rowspan: int = 1
    scope: str | None = None


class ValueCell(NamedTuple):  # a NamedTuple: ~200 per page, and it is cheaper to create than a dataclass
    ref: str  # anchor id and cell reference
    text: str  # "" when the published cell is blank
    marks: tuple[int, ...] = ()  # numbers of the findings that involve this cell
    colspan: int = 1
    anchored: bool = False  # a finding links to this cell, so it carries its reference as id


@dataclass(frozen=True)
class Row:
    heads: tuple[Head, ...]
    cells: tuple[ValueCell, ...]
    id: str | None = None  # anchor for the whole row, e.g. "applications.disclosed"
    marks: tuple[int, ...] = ()  # findings that name the whole row (shown beside the row's label)


@dataclass(frozen=True)
class Block:
    """A <tbody>: an optional caption row (Table A's 第二十条第（…）项) and its rows."""

    caption: str | None
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class OfficialTable:
    id: str  # "proactive" | "applications" | "review_litigation"
    title: str
    columns: int  # width of the table in columns (for the block captions)
    head: tuple[tuple[Head, ...], ...]
    blocks: tuple[Block, ...]
    notes: tuple[str, ...]  # e.g. numbers that could not be assigned to a column
    findings: tuple[FindingView, ...]  # findings whose first cell is in this table
    cols: tuple[str, ...] = ()  # <col> classes, to give the label columns fixed widths


class _Marks:
    """Which findings involve a cell or a whole row (see site_findings.places)."""

    def __init__(self, findings: Sequence[FindingView]) -> None:
        self._marks: dict[str, list[int]] = {}
        for f in findings:
            for place in f.places:
                if place.kind != "other":
                    self._marks.setdefault(place.ref, []).append(f.number)
        self._linked = {p.ref for f in findings for p in f.shown_places}

    def of(self, ref: str) -> tuple[int, ...]:
        numbers = self._marks.get(ref)
        return tuple(sorted(set(numbers))) if numbers else ()

    def cell(
        self, ref: str, cell: Cell, colspan: int = 1, unit: bool = False, signed: bool = False
    ) -> ValueCell:
        # A change (本年增/减) keeps its sign, as printed: +170, −5 (a blank stays blank).
        text = format_change(cell.value) if signed and cell.value is not None else format_number(cell.value)
        if unit and text and cell.unit:
            text = f"{text} {cell.unit}"
        return ValueCell(ref, text, self.of(ref), colspan, ref in self._linked)


def official_tables(report: Report, findings: Sequence[FindingView]) -> tuple[OfficialTable, ...]:
    marks = _Marks(findings)
    template = template_of(report)
    tables = (
        _proactive(report, template, marks, findings),
        _applications(report, report.applications.template, marks, findings),
        _review(report, marks, findings),
    )
    if not report.meta.ocr_pages:
        return tables
    return tuple(
        replace(t, notes=(ocr_note(report, t.id), *t.notes)) if _read_by_ocr(report, t.id) else t
        for t in tables
    )


def _read_by_ocr(report: Report, table: str) -> bool:
    """Whether the table stands on a page OCR read (of a PDF with text, only some pages are)."""
    if table == "proactive":
        lines = [
            line for row in report.proactive for line in (row.line, *(c.line for c in row.cells.values()))
        ]
    elif table == "applications":
        rows = report.applications.rows.values()
        lines = [*report.applications.lines.values(), *(c.line for cells in rows for c in cells)]
    else:
        lines = [c.line for c in report.review_litigation.values()]
    known = [line for line in lines if line is not None]
    return any(map(report.meta.read_by_ocr, known)) if known else report.meta.read_by_ocr(None)


def ocr_note(report: Report, table: str) -> str:
    """What a scan's table says of its numbers: every one is an OCR reading (checks/ocr.py)."""
    scan = f"本表读自扫描件（{report.meta.ocr_pages} 页经 OCR 识别）"
    if table == "proactive":
        return f"{scan}：本表没有可以核对的勾稽关系，OCR 读数一律不公布，记为空值；读出的内容见问题列表（ocr-unconfirmed）。"
    return f"{scan}：表中数字均为 OCR 读数，只公布经表格勾稽关系确认的读数；其余记为空值，读出的内容见问题列表（ocr-unconfirmed）。"


def _in_table(findings: Sequence[FindingView], table: str) -> tuple[FindingView, ...]:
    return tuple(f for f in findings if f.table == table)


def _proactive(
    report: Report, template: str, marks: _Marks, findings: Sequence[FindingView]
) -> OfficialTable:
    blocks = proactive_blocks(template)
    width = max(len(b.measures) for b in blocks)
    out = []
    for block in blocks:
        extra = width - len(block.measures)  # the last column spans what the block lacks, as printed
        spans = [1] * (len(block.measures) - 1) + [1 + extra]
        header = Row(
            (
                Head("信息内容", scope="col"),
                *(Head(m.label, s, scope="col") for m, s in zip(block.measures, spans, strict=True)),
            ),
            (),
        )
        rows = [header]
        for item in block.items:
            cells = tuple(
                marks.cell(
                    f"proactive.{item.id}.{m.id}",
                    report.proactive_cell(item.id, m.id),
                    s,
                    unit=m.kind == "money",
                    signed=m.kind == "signed",
                )
                for m, s in zip(block.measures, spans, strict=True)
            )
            ref = f"proactive.{item.id}"
            rows.append(Row((Head(item.label, scope="row"),), cells, ref, marks.of(ref)))
        out.append(Block(block.caption, tuple(rows)))
    notes: tuple[str, ...] = ()
    if report.published_total is not None:
        total = format_number(report.published_total.value) or "（空）"
        notes = (f"本年政府信息公开发布总数量（省级表格增加的一行）：{total}",)
    return OfficialTable(
        "proactive",
        "二、主动公开政府信息情况",
        width + 1,
        (),
        tuple(out),
        notes,
        _in_table(findings, "proactive"),
    )


def _applications_head() -> tuple[tuple[Head, ...], ...]:
    orgs = [Head(label, scope="col") for cid, label in APPLICANT_COLUMNS[1:6]]
    return (
        (Head(APPLICATIONS_NOTE, colspan=3, rowspan=3), Head("申请人情况", colspan=7, scope="colgroup")),
        (
            Head("自然人", rowspan=2, scope="col"),
            Head("法人或其他组织", colspan=5, scope="colgroup"),
            Head("总计", rowspan=2, scope="col"),
        ),
        tuple(orgs),
    )


def _application_heads(row: ApplicationRow, rows: Sequence[ApplicationRow], results: int) -> tuple[Head, ...]:
    """Row headers with the template's rowspans: 三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密."""
    in_results = row.is_result or row.id == "total_processed"
    if not in_results:
        return (Head(row.label, colspan=3, scope="row"),)
    heads: list[Head] = []
    first_result = next(r for r in rows if r.is_result)
    if row is first_result:
        heads.append(Head("三、本年度办理结果", rowspan=results + 1, scope="rowgroup"))
    if not row.group:
        return (*heads, Head(row.label, colspan=2, scope="row"))
    group = [r for r in rows if r.group == row.group]
    if row is group[0]:
        heads.append(Head(row.group, rowspan=len(group), scope="rowgroup"))
    return (*heads, Head(row.label, scope="row"))


_BLANK_ROW = (BLANK,) * len(APPLICANT_COLUMNS)


@lru_cache(maxsize=len(TEMPLATES))
def _application_layout(
    template: str,
) -> tuple[tuple[ApplicationRow, tuple[Head, ...], tuple[str, ...]], ...]:
    """Each row of the template with its row headers and its cells' references (the same for every report)."""
    rows = application_rows(template)
    results = len(result_rows(template))
    return tuple(
        (
            row,
            _application_heads(row, rows, results),
            tuple(f"applications.{row.id}.{c}" for c, _ in APPLICANT_COLUMNS),
        )
        for row in rows
    )


def _applications(
    report: Report, template: str, marks: _Marks, findings: Sequence[FindingView]
) -> OfficialTable:
    rows = application_rows(template)
    table = report.applications
    body = []
    for row, heads, refs in _application_layout(template):
        published = table.rows.get(row.id) or _BLANK_ROW
        cells = tuple(marks.cell(ref, cell) for ref, cell in zip(refs, published, strict=True))
        ref = f"applications.{row.id}"
        body.append(Row(heads, cells, ref, marks.of(ref)))
    notes = tuple(
        f"{next((r.label for r in rows if r.id == rid), rid)}：原文数字“{' '.join(raw)}”无法确定各属哪一列，未填入表中。"
        for rid, raw in table.unassigned.items()
        if raw
    )
    return OfficialTable(
        "applications",
        "三、收到和处理政府信息公开申请情况",
        10,
        _applications_head(),
        (Block(None, tuple(body)),),
        notes,
        _in_table(findings, "applications"),
        ("l1", "l2", "l3", *("n",) * len(APPLICANT_COLUMNS)),
    )


def _review(report: Report, marks: _Marks, findings: Sequence[FindingView]) -> OfficialTable:
    outcome_heads = [Head(label, scope="col") for _, label in OUTCOMES]
    head = (
        (Head("行政复议", colspan=5, scope="colgroup"), Head("行政诉讼", colspan=10, scope="colgroup")),
        (
            *(Head(label, rowspan=2, scope="col") for _, label in OUTCOMES),
            Head("未经复议直接起诉", colspan=5, scope="colgroup"),
            Head("复议后起诉", colspan=5, scope="colgroup"),
        ),
        tuple(outcome_heads * 2),
    )
    cells = tuple(
        marks.cell(f"review_litigation.{p}_{o}", report.review(f"{p}_{o}"))
        for p, _ in PROCEEDINGS
        for o, _ in OUTCOMES
    )
    return OfficialTable(
        "review_litigation",
        "四、政府信息公开行政复议、行政诉讼情况",
        15,
        head,
        (Block(None, (Row((), cells, "review_litigation"),)),),
        (),
        _in_table(findings, "review_litigation"),
    )
