"""Check stage: the template's cross-checks (勾稽关系, template-spec §7) over the report model.

Each check is one small function with a stable rule id (registered in `generator/rules.py`). A failed
check is a warning: the report is published as it is, we show the problem, we never fix the numbers.

Blank published cells count as 0 and the message names them. Cells the parser could not read or
assign (a `row-width`, `not-integer` … error already says so) make the check skip that equation, so
one unreadable row does not produce a second, misleading finding.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from generator.checks.equations import (
    PERSON_COLUMNS,
    Term,
    app_term,
    blank_note,
    column_label,
    column_mismatches,
    compare,
    mismatch_parts,
    num,
    plus,
    refs,
    row_line,
    row_name,
    same_number,
    template_of,
)
from generator.messages import Text, listed, named, raw, say
from generator.model import Cell, Finding, Report
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

# --- the applications table (Table B) ------------------------------------------------------------


def check_applications_balance(report: Report) -> list[Finding]:
    """V1: per column, 一 + 二 = （七）总计 + 四 (printed in the table header)."""
    mismatches = column_mismatches(
        report, ("new_received", "carried_over"), ("total_processed", "carried_forward")
    )
    if not mismatches:
        return []
    message = say(
        "一、本年新收 + 二、上年结转 ≠ （七）总计 + 四、结转下年度继续办理：{parts}{blank}",
        parts=mismatch_parts(mismatches),
        blank=blank_note(mismatches),
    )
    line = row_line(report, "total_processed")
    return [finding("applications-balance", message, line, refs(mismatches))]


def check_applications_row_totals(report: Report) -> list[Finding]:
    """V3: in every data row, 总计 = the sum of the six applicant columns."""
    found = []
    for row in application_rows(report.applications.template):
        values = [v or 0 for v in report.applications.values(row.id)]
        if same_number(values[-1], sum(values[:-1])):
            continue  # holds (what `compare` would find): no terms made
        parts = [app_term(report, row.id, c) for c in PERSON_COLUMNS]
        total = app_term(report, row.id, "total")
        mismatch = compare("总计", [total], parts)
        if mismatch is None:
            continue
        message = say(
            "“{row}”的总计 {total} ≠ 六类申请人之和 {terms} = {sum}{blank}",
            row=row_name(row.id),
            total=num(total.value),
            terms=plus(parts),
            sum=num(mismatch.right_sum()),
            blank=blank_note([mismatch]),
        )
        found.append(finding("applications-row-total", message, row_line(report, row.id), refs([mismatch])))
    return found


def check_applications_result_total(report: Report) -> list[Finding]:
    """V4: per column, （七）总计 = the sum of every result row of the detected template."""
    rows = [r.id for r in result_rows(report.applications.template)]
    mismatches = column_mismatches(report, ("total_processed",), rows)
    if not mismatches:
        return []
    message = say(
        "（七）总计 ≠ （一）至（六）各办理结果行之和：{parts}{blank}",
        parts=mismatch_parts(mismatches, sums=True),
        blank=blank_note(mismatches),
    )
    line = row_line(report, "total_processed")
    return [finding("applications-result-total", message, line, refs(mismatches))]


# --- the review and litigation table (Table C) -----------------------------------------------------

OUTCOME_LABELS = dict(OUTCOMES)
PARTS = tuple(o for o, _ in OUTCOMES if o != "total")


def review_term(report: Report, proceeding: str, outcome: str) -> Term:
    cell_id = f"{proceeding}_{outcome}"
    return Term(
        f"review_litigation.{cell_id}", _proceeding_outcome(proceeding, outcome), report.review(cell_id)
    )


def _proceeding_outcome(proceeding: str, outcome: str) -> str:
    return f"{dict(PROCEEDINGS)[proceeding]} · {OUTCOME_LABELS[outcome]}"


def check_review_totals(report: Report) -> list[Finding]:
    """V5: in each proceeding, 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结."""
    found = []
    for proceeding, label in PROCEEDINGS:
        total = review_term(report, proceeding, "total")
        parts = [review_term(report, proceeding, o) for o in PARTS]
        mismatch = compare("总计", [total], parts)
        if mismatch is None:
            continue
        addends = listed(
            " + ",
            [
                say("{outcome} {value}", outcome=OUTCOME_LABELS[o], value=num(t.value))
                for o, t in zip(PARTS, parts, strict=True)
            ],
        )
        message = say(
            "{proceeding}：总计 {total} ≠ {addends} = {sum}{blank}",
            proceeding=label,
            total=num(total.value),
            addends=addends,
            sum=num(mismatch.right_sum()),
            blank=blank_note([mismatch]),
        )
        found.append(finding("review-litigation-total", message, total.cell.line, refs([mismatch])))
    return found


# --- non-negative counts (V6) ------------------------------------------------------------------------


def _any_negative(cells: Iterable[Cell]) -> bool:
    return any(c.value is not None and c.value < 0 for c in cells)


def _negatives(terms: Iterable[Term]) -> list[Term]:
    return [t for t in terms if t.cell.value is not None and t.cell.value < 0]


def _negative_finding(where: Text, negatives: Sequence[Term], line: int | None) -> Finding:
    values = listed(
        "、",
        [
            say("{cell} {value}", cell=t.name.rsplit(" · ", 1)[-1], value=num(t.cell.value or 0))
            for t in negatives
        ],
    )
    message = say("{where}出现负数：{values}（件数、项目数和金额不能为负）", where=where, values=values)
    return finding("negative-count", message, line, tuple(t.ref for t in negatives))


def check_negative_counts(report: Report) -> list[Finding]:
    """V6: every count and amount is ≥ 0, except the signed 本年增/减 of the 2019 template."""
    found = []
    for row in application_rows(report.applications.template):
        if not _any_negative(report.applications.rows.get(row.id, ())):
            continue  # the usual case, without making a term per cell
        negatives = _negatives(app_term(report, row.id, c) for c in APPLICANT_IDS)
        if negatives:
            where = say("“{row}”", row=row_name(row.id))
            found.append(_negative_finding(where, negatives, row_line(report, row.id)))
    for proceeding, label in PROCEEDINGS:
        negatives = _negatives(review_term(report, proceeding, o) for o, _ in OUTCOMES)
        if negatives:
            found.append(
                _negative_finding(say("{proceeding} ", proceeding=label), negatives, negatives[0].cell.line)
            )
    found.extend(_proactive_negatives(report))
    return found


def _proactive_negatives(report: Report) -> list[Finding]:
    signed = {m.id for b in proactive_blocks(template_of(report)) for m in b.measures if m.kind == "signed"}
    found = []
    for row in report.proactive:
        if not _any_negative(cell for measure, cell in row.cells.items() if measure not in signed):
            continue
        terms = [
            Term(f"proactive.{row.item}.{measure}", f"{row.label} · {_measure_label(report, measure)}", cell)
            for measure, cell in row.cells.items()
            if measure not in signed
        ]
        negatives = _negatives(terms)
        if negatives:
            where = say("主动公开表“{row}”", row=named(row.label))
            found.append(_negative_finding(where, negatives, row.line))
    return found


def _measure_label(report: Report, measure_id: str) -> str:
    for block in proactive_blocks(template_of(report)):
        for measure in block.measures:
            if measure.id == measure_id:
                return measure.label
    return measure_id


# --- soft checks on the proactive table (template-spec §7.3) --------------------------------------


def check_new_published(report: Report) -> list[Finding]:
    """S4 (2019 template): 本年新公开数量 ≤ 对外公开总数量 (this year's are part of all that is public)."""
    if template_of(report) != "2019":
        return []
    found = []
    for row in report.proactive:
        new, total = row.cells.get("new_published"), row.cells.get("total_published")
        if new is None or total is None or new.value is None or total.value is None:
            continue  # a blank total says nothing about the count; no finding
        if new.value > total.value:
            message = say(
                "{row}：本年新公开数量 {new} > 对外公开总数量 {total}（本年新公开的文件应包含在对外公开总数之内）",
                row=named(row.label),
                new=num(new.value),
                total=num(total.value),
            )
            cells = (f"proactive.{row.item}.new_published", f"proactive.{row.item}.total_published")
            found.append(finding("new-published-exceeds-total", message, new.line or row.line, cells))
    return found


# Who cannot make 规章 (Legislation Law art. 93: only 国务院部门, provincial governments and the governments
# of 设区的市 / 自治州). Decided from the name and the region; anything unclear is left alone.
_TOWNSHIP = re.compile(r"(乡|镇|街道|苏木)(人民政府|政府|办事处)?$|街道办事处|[乡镇]人民政府")
_COUNTY = re.compile(r"县(?!级)")


def non_rulemaking_level(report: Report) -> str | None:
    """'乡镇（街道）机关' or '县级机关' when the agency certainly cannot make 规章, else None."""
    agency = report.meta.agency or ""
    if _TOWNSHIP.search(agency):
        return "乡镇（街道）机关"
    if _COUNTY.search(agency):
        return "县级机关"
    region = report.meta.region
    if region and (region.county_code or (len(region.code) == 6 and region.code[4:] != "00")):
        return "县级机关"  # a county, county-level city or city district, or one of its departments
    return None


def check_regulations_body(report: Report) -> list[Finding]:
    """S5: non-zero 规章 reported by a township, county-level government or county department."""
    row = next((r for r in report.proactive if r.item == "regulations"), None)
    if row is None:
        return []
    nonzero = [(m, c) for m, c in row.cells.items() if c.value]
    level = non_rulemaking_level(report) if nonzero else None
    if level is None:
        return []
    values = listed(
        "、",
        [say("{cell} {value}", cell=_measure_label(report, m), value=num(c.value or 0)) for m, c in nonzero],
    )
    message = say(
        "“{agency}”是{level}，没有规章制定权（只有国务院部门、省级政府和设区的市、自治州政府可以制定规章），"
        "但“规章”一行填报了 {values}；请核对是否应填在规范性文件一行",
        agency=raw(report.meta.agency),
        level=level,
        values=values,
    )
    cells = tuple(f"proactive.regulations.{m}" for m, _ in nonzero)
    return [finding("regulations-unexpected", message, row.line or nonzero[0][1].line, cells)]


# --- the public API ----------------------------------------------------------------------------------

ReportCheck = Callable[[Report], list[Finding]]
REPORT_CHECKS: tuple[ReportCheck, ...] = (
    check_applications_balance,
    check_applications_row_totals,
    check_applications_result_total,
    check_review_totals,
    check_negative_counts,
    check_new_published,
    check_regulations_body,
)


def check_report(report: Report) -> tuple[Finding, ...]:
    """Every per-report cross-check, in table order; the report's own findings are not included."""
    return tuple(item for check in REPORT_CHECKS for item in check(report))


def check_corpus(reports: Iterable[Report]) -> dict[str, tuple[Finding, ...]]:
    """Findings of the corpus-wide checks (S1 carry-over), by report_id; reports without any are left out."""
    by_year: dict[tuple[str, int], list[Report]] = defaultdict(list)
    for report in reports:
        if report.meta.agency_id and report.meta.year:
            by_year[(report.meta.agency_id, report.meta.year)].append(report)
    out: dict[str, tuple[Finding, ...]] = {}
    for (agency_id, year), same in sorted(by_year.items()):
        previous = by_year.get((agency_id, year - 1), [])
        if len(same) != 1 or len(previous) != 1:
            continue  # two reports for one agency and year: which one carries over is unclear
        found = check_carry_over(previous[0], same[0])
        if found and same[0].meta.report_id:
            out[same[0].meta.report_id] = tuple(found)
    return out


def check_carry_over(previous: Report, report: Report) -> list[Finding]:
    """S1: per column, 二、上年结转 (year Y) = 四、结转下年度继续办理 (year Y − 1)."""
    prev_name = f"{previous.meta.year} 年报告 四、结转下年度继续办理"
    mismatches = []
    for column in APPLICANT_IDS:
        prev_cell = previous.applications.cell("carried_forward", column)
        before = Term(
            f"applications.carried_forward.{column}", f"{prev_name} · {APPLICANT_LABELS[column]}", prev_cell
        )
        mismatch = compare(column_label(column), [app_term(report, "carried_over", column)], [before])
        if mismatch:
            mismatches.append(mismatch)
    if not mismatches:
        return []
    message = say(
        "二、上年结转 ≠ {year} 年报告（{report}）的 四、结转下年度继续办理：{parts}{blank}",
        year=str(previous.meta.year),
        report=raw(previous.meta.report_id),
        parts=mismatch_parts(mismatches),
        blank=blank_note(mismatches),
    )
    # Only this report's cells: the previous year's belong to another report.
    cells = tuple(m.left[0].ref for m in mismatches)
    return [finding("carry-over-mismatch", message, row_line(report, "carried_over"), cells)]
