"""No OCR guess is published (issue #25): every number on a page read by OCR (every page of a scan, the
pages of images of a PDF with text: `Metadata.read_by_ocr` tells by the number's line) is an OCR
reading, kept only when the tables' own arithmetic confirms it. Numbers of text pages are as read.

The equations are those of the cross-checks (`checks/cross.py`): each applications row's 总计 and its
six applicant columns (V3), per column 一 + 二 = （七） + 四 (V1) and （七） = the result rows (V4),
and each review proceeding's 总计 and its four outcomes (V5). A cell is confirmed when at least one
equation it is part of holds, with a number in it (a row of blanks confirms nothing), and none that
it is part of fails. Every other number read is set to null (value and text: the reading is not
published), with an `ocr-unconfirmed` warning per row that names the page and line and says what
was read. The proactive table and the provincial total line have no such equations: what OCR reads
there is never published as a value, only shown in the finding. A blank read in a failing equation
is null and named too (OCR may have missed a faint digit).

This runs before the cross-checks, so those see only confirmed numbers: a table whose printed
arithmetic is wrong cannot be told from a misreading, and its cells are unconfirmed rather than
published with a failed check.

Metadata (`_metadata`): what only OCR gave is withheld unless something independent confirms it; the
agency name is confirmed by the registry later, in the identity stage (`confirm_agency`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any, NamedTuple

from generator.checks.cross import PARTS, review_term
from generator.checks.equations import PERSON_COLUMNS, Term, app_term, num, readable, row_name, same_number
from generator.messages import Listed, Param, Text, listed, named, raw, say
from generator.model import (
    PAGE_LINES,
    ApplicationsTable,
    Cell,
    Finding,
    Metadata,
    ProactiveRow,
    Report,
    Source,
)
from generator.parse.text import is_blank
from generator.read.registry import Registry, name_key
from generator.rules import finding
from generator.spec import (
    APPLICANT_IDS,
    APPLICANT_LABELS,
    OUTCOMES,
    PROCEEDINGS,
    application_rows,
    proactive_blocks,
    result_rows,
)

BLANK_READ = "空白"


class Equation(NamedTuple):
    left: tuple[Term, ...]
    right: tuple[Term, ...]

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.left + self.right


def equations(report: Report) -> Iterator[Equation]:
    """Every equation over the applications and review cells of the report's tables."""
    template = report.applications.template
    for row in application_rows(template):
        parts = tuple(app_term(report, row.id, c) for c in PERSON_COLUMNS)
        yield Equation((app_term(report, row.id, "total"),), parts)
    results = [r.id for r in result_rows(template)]
    for column in APPLICANT_IDS:
        yield Equation(
            tuple(app_term(report, r, column) for r in ("new_received", "carried_over")),
            tuple(app_term(report, r, column) for r in ("total_processed", "carried_forward")),
        )
        yield Equation(
            (app_term(report, "total_processed", column),),
            tuple(app_term(report, r, column) for r in results),
        )
    for proceeding, _ in PROCEEDINGS:
        parts = tuple(review_term(report, proceeding, o) for o in PARTS)
        yield Equation((review_term(report, proceeding, "total"),), parts)


def verdict(equation: Equation) -> bool | None:
    """True when it holds with a number in it, False when it fails, None when it says nothing (a cell
    not read, or every cell blank)."""
    terms = equation.terms
    if not all(readable(t.cell) for t in terms) or all(t.is_blank for t in terms):
        return None
    return same_number(sum(t.value for t in equation.left), sum(t.value for t in equation.right))


def confirmed_refs(report: Report) -> tuple[set[str], set[str]]:
    """The cells some holding equation confirms, and the cells of failing equations."""
    holds: set[str] = set()
    fails: set[str] = set()
    for equation in equations(report):
        found = verdict(equation)
        if found is not None:
            (holds if found else fails).update(t.ref for t in equation.terms)
    return holds - fails, fails


class Doubt(NamedTuple):
    """A cell whose reading is not published: its reference, name and what OCR read."""

    ref: str
    name: str  # a label of the template
    read: Param  # what OCR read, as read (or 空白)


Doubtful = Callable[[str, Cell], bool]


def confirm_ocr(report: Report, source: Source | None = None) -> Report:
    """The report with only confirmed OCR readings; a report not read by OCR is returned as it is.
    `source`: the text it was parsed from, which says which pages OCR read (without it, every page
    counts as read by OCR) and lets the metadata be checked too (`_metadata`)."""
    if source is not None and source.ocr_pages:
        pages = replace(report.meta, ocr_pages=source.ocr_pages, ocr_page_numbers=source.ocr_page_numbers)
        report = replace(report, meta=pages)
    meta = report.meta
    if not meta.ocr_pages:
        return report
    confirmed, failing = confirmed_refs(report)

    def doubtful(ref: str, cell: Cell) -> bool:
        if not meta.read_by_ocr(cell.line):
            return False  # read from the text layer: as certain as any text report's
        if cell.value is not None:
            return ref not in confirmed
        return cell.raw is not None and (not is_blank(cell.raw) or ref in failing)

    applications, found = _applications(report, doubtful)
    review, review_found = _review(report, doubtful)
    proactive, proactive_found = _proactive(report, doubtful)
    total = report.published_total
    found += review_found + proactive_found
    if total is not None and total.raw is not None and meta.read_by_ocr(total.line):
        found.append(
            _finding(
                say("本年发布总数量一行"),
                total.line,
                [Doubt("published_total", "发布总数量", _read(total))],
                False,
            )
        )
        total = _unread(total)
    if source is not None:
        meta, meta_found = _metadata(meta, source)
        found = meta_found + found
    return replace(
        report,
        meta=meta,
        applications=applications,
        review_litigation=review,
        proactive=proactive,
        published_total=total,
        findings=report.findings + tuple(found),
    )


# --- metadata: agency, year, title, published date, region -------------------------------------------

AGENCY_REF = "agency"  # the cells of the finding that withholds an agency name OCR read
REGISTRY = "content/agencies.csv"
_FILE_YEAR = re.compile(r"(?:19|20)\d{2}(?!\d)")  # a report file is named year-region-agency


def _metadata(meta: Metadata, source: Source) -> tuple[Metadata, list[Finding]]:
    """The metadata with what only OCR gave withheld unless something independent confirms it. What
    the text layer alone gives (the file parsed with its OCR lines left out) is kept as it is.

    - year: confirmed when the file's name starts with it (a person typed it);
    - agency: confirmed by the agency registry, in the identity stage that knows it (`confirm_agency`);
      until then null, its reading kept (`ocr_agency`, not published), the id spelled from the file
      name as for a report without an agency, and the region not inferred (an agency-missing error);
    - title, published date, and a region inferred from OCR text: no independent source, null (one
      ocr-unconfirmed warning; the site names a report without a title by its agency and year)."""
    from generator.parse.metadata import find_signature, find_title
    from generator.parse.report import parse_metadata

    text = _text_layer(source)
    known, _ = parse_metadata(text, meta.template, find_signature(text))
    title = find_title(source)
    head = source.line_no(title.index) if title else None
    changes: dict[str, Any] = {}
    found: list[Finding] = []
    if meta.year is not None and meta.year != known.year and (year_found := _year_unconfirmed(meta, head)):
        changes["year"] = None
        found.append(year_found)
    withheld = meta.agency is not None and meta.agency != known.agency
    if withheld:
        agency_changes, agency_found = _agency_withheld(meta, source, head)
        changes.update(agency_changes)
        found.append(agency_found)
    detail_changes, doubts = _details_unconfirmed(meta, known, withheld)
    changes.update(detail_changes)
    if doubts:
        message = say(
            "扫描件{place}报告信息：OCR 读数没有可以核对的来源，不予公布，记为空值；读出的是：{read}",
            place=_place(head),
            read=_readings(doubts),
        )
        found.append(finding("ocr-unconfirmed", message, head, tuple(d.ref for d in doubts)))
    if not changes:
        return meta, found
    year = changes.get("year", meta.year)
    changes["report_id"] = f"{changes.get('agency_id', meta.agency_id)}-{year or 'unknown'}"
    return replace(meta, **changes), found


def _year_unconfirmed(meta: Metadata, head: int | None) -> Finding | None:
    """The year-missing error of a year only OCR read, unless the file's name starts with it."""
    named = _FILE_YEAR.match(meta.source_file.rsplit("/", 1)[-1])
    if named is not None and int(named.group()) == meta.year:
        return None
    said = say("中的年度是“{year}”", year=raw(named.group())) if named else say("不以年度开头")
    message = say(
        "扫描件{place}：报告年度 OCR 读作“{year}”，文件名{said}，无法确认，不予公布，"
        "记为空值；请对照原件核对，按“年度-地区-机关”改正文件名，或添加报告的文字版",
        place=_place(head),
        year=raw(meta.year),
        said=said,
    )
    return finding("year-missing", message, head, ("year",))


def _agency_withheld(meta: Metadata, source: Source, head: int | None) -> tuple[dict[str, Any], Finding]:
    """An agency name only OCR read, withheld until the registry confirms it (`confirm_agency`)."""
    from generator.parse.metadata import slug

    reading = str(meta.agency)
    line = _line_with(source, reading) or head
    stem = source.path.rsplit("/", 1)[-1].split(".")[0]
    changes: dict[str, Any] = dict(agency=None, printed_agency=None, ocr_agency=reading, region=None)
    changes["agency_id"] = meta.front_matter.get("id") or slug(stem)
    message = say(
        "扫描件{place}：机关名称 OCR 读作“{name}”，与 {registry} 登记的机关名称或曾用名一致才能确认；"
        "未经确认，不予公布，记为空值（机关 ID 暂按文件名，地区不予推断）；请对照原件核对后，"
        "在 {registry} 添加该机关一行（名称由人工录入），或添加报告的文字版",
        place=_place(line),
        name=raw(reading),
        registry=raw(REGISTRY),
    )
    return changes, finding("agency-missing", message, line, (AGENCY_REF,))


def _details_unconfirmed(
    meta: Metadata, known: Metadata, withheld: bool
) -> tuple[dict[str, Any], list[Doubt]]:
    """The title, published date and a region inferred from OCR text: nothing independent confirms them."""
    changes: dict[str, Any] = {}
    doubts = []
    if meta.title is not None and meta.title != known.title:
        changes["title"] = None
        doubts.append(Doubt("title", "标题", raw(meta.title)))
    if meta.published is not None and meta.published != known.published:
        changes["published"] = None
        doubts.append(Doubt("published", "发布日期", raw(meta.published)))
    if not withheld and meta.region is not None and meta.region != known.region:
        changes["region"] = None
        doubts.append(Doubt("region", "地区（由识别的文字推断）", raw(meta.region.name)))
    return changes, doubts


def _text_layer(source: Source) -> Source:
    """The source with every line OCR read left blank (its places kept); every line when the source
    does not say which pages OCR read."""
    pages, numbers = source.ocr_page_numbers, source.line_numbers()
    lines = tuple(
        line if pages and numbers[i] // PAGE_LINES not in pages else "" for i, line in enumerate(source.lines)
    )
    return replace(source, lines=lines)


def _line_with(source: Source, text: str) -> int | None:
    """The location of the first line that prints `text` (spaces aside)."""
    key = name_key(text)
    return next((source.line_no(i) for i, line in enumerate(source.lines) if key in name_key(line)), None)


def _place(line: int | None) -> Text:
    if not line:
        return say("位置不明")
    return say("第 {page} 页第 {line} 行", page=str(line // PAGE_LINES), line=str(line % PAGE_LINES))


def confirm_agency(report: Report, registry: Registry) -> Report:
    """A report whose agency name OCR read and `_metadata` withheld, with that name when it is a name
    or former name of exactly one agency in the registry: a person typed that, so the reading is
    certain. Its agency-missing error goes; the region is the registered one. Otherwise unchanged
    (the name is never registered from a reading: `updated_registry` skips reports without a name)."""
    meta = report.meta
    if meta.ocr_agency is None or meta.agency is not None:
        return report
    ids = registry.ids_named(meta.ocr_agency)
    if len(ids) != 1:
        return report
    entry = registry.by_id[ids[0]]
    region = meta.region
    if region is None and entry.region_code:
        from generator.parse.region import region_from_code_or_name

        region = region_from_code_or_name(entry.region_code)
    findings = tuple(f for f in report.findings if f.cells != (AGENCY_REF,))
    return replace(report, meta=replace(meta, agency=meta.ocr_agency, region=region), findings=findings)


def _read(cell: Cell) -> Param:
    """What OCR read in a cell, as a message shows it."""
    if cell.raw is not None and not is_blank(cell.raw):
        return raw(cell.raw)
    return raw(num(cell.value)) if cell.value is not None else BLANK_READ


def _unread(cell: Cell) -> Cell:
    """A cell whose reading is not published: no value, no text; its place is kept."""
    return Cell(None, None, None, cell.line)


def _applications(report: Report, doubtful: Doubtful) -> tuple[ApplicationsTable, list[Finding]]:
    table = report.applications
    rows = dict(table.rows)
    found = []
    for row in application_rows(table.template):
        if row.id not in rows:
            continue
        terms = [app_term(report, row.id, column) for column in APPLICANT_IDS]
        doubts = [
            Doubt(t.ref, APPLICANT_LABELS[column], _read(t.cell))
            for column, t in zip(APPLICANT_IDS, terms, strict=True)
            if doubtful(t.ref, t.cell)
        ]
        if doubts:
            refs = {d.ref for d in doubts}
            rows[row.id] = tuple(_unread(t.cell) if t.ref in refs else t.cell for t in terms)
            line = table.lines.get(row.id) or next((t.cell.line for t in terms if t.cell.line), None)
            found.append(_finding(say("申请情况表“{row}”", row=row_name(row.id)), line, doubts))
    return replace(table, rows=rows), found


def _review(report: Report, doubtful: Doubtful) -> tuple[dict[str, Cell], list[Finding]]:
    cells = dict(report.review_litigation)
    found = []
    outcomes = dict(OUTCOMES)
    for proceeding, label in PROCEEDINGS:
        terms = [(outcome, review_term(report, proceeding, outcome)) for outcome, _ in OUTCOMES]
        doubts = [Doubt(t.ref, outcomes[o], _read(t.cell)) for o, t in terms if doubtful(t.ref, t.cell)]
        if not doubts:
            continue
        for outcome, term in terms:
            if any(d.ref == term.ref for d in doubts):
                cells[f"{proceeding}_{outcome}"] = _unread(term.cell)
        line = next((t.cell.line for _, t in terms if t.cell.line), None)
        found.append(_finding(say("复议诉讼表“{proceeding}”", proceeding=label), line, doubts))
    return cells, found


def _proactive(report: Report, doubtful: Doubtful) -> tuple[tuple[ProactiveRow, ...], list[Finding]]:
    """No equation confirms a proactive cell: every number read there is withheld."""
    labels = {m.id: m.label for b in proactive_blocks(report.applications.template) for m in b.measures}
    rows, found = [], []
    for row in report.proactive:
        doubts = [
            Doubt(f"proactive.{row.item}.{m}", labels.get(m, m), _read(c))
            for m, c in row.cells.items()
            if doubtful(f"proactive.{row.item}.{m}", c)
        ]
        if doubts:
            refs = {d.ref for d in doubts}
            unread = {
                m: _unread(c) if f"proactive.{row.item}.{m}" in refs else c for m, c in row.cells.items()
            }
            row = replace(row, cells=unread)
            where = say("主动公开表“{row}”", row=named(row.label))
            found.append(_finding(where, row.line, doubts, checked=False))
        rows.append(row)
    return tuple(rows), found


def _finding(where: Text, line: int | None, doubts: Sequence[Doubt], checked: bool = True) -> Finding:
    message = say(
        "扫描件{place}{where}：OCR 读数{why}，不予公布，记为空值；读出的是：{read}",
        place=_place(line),
        where=where,
        why="未能由表格的勾稽关系确认（可能是识别错误，也可能原件本身不符）"
        if checked
        else "没有可以核对的勾稽关系",
        read=_readings(doubts),
    )
    return finding("ocr-unconfirmed", message, line, tuple(d.ref for d in doubts))


def _readings(doubts: Sequence[Doubt]) -> Listed:
    return listed("、", [say("{cell} 读作“{read}”", cell=d.name, read=d.read) for d in doubts])
