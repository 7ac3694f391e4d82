"""Table B: 收到和处理政府信息公开申请情况 (rows by label, 7 applicant columns)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from generator.messages import Raw, Text, listed, named, printed, say
from generator.model import BLANK, ApplicationsTable, Cell, Finding
from generator.parse.columns import equations, known, required, resolve_by_columns
from generator.parse.rows import (
    Reading,
    fit_width,
    run_together_readings,
    sums_to_last,
    token_cell,
    values_after,
)
from generator.parse.text import norm
from generator.parse.tokens import Token
from generator.rules import finding
from generator.spec import (
    APPLICANT_IDS,
    APPLICANT_LABELS,
    APPLICATION_ROW_BY_ID,
    APPLICATION_ROWS,
    application_rows,
)

WIDTH = len(APPLICANT_IDS)
_ORDER = tuple(r.id for r in APPLICATION_ROWS)
_OTHER_MISC = re.compile(r"^(\(?[0-9一二三]\)?[.、]?)?其他$")


def _has(*words: str) -> Callable[[str], bool]:
    return lambda key: any(w in key for w in words)


# How a printed label is recognised (on the normalised key), row by row in table order. Keywords, not
# exact strings: real reports write 信访投诉举报类, 合计, half-width brackets, traditional characters.
_MATCHERS: dict[str, Callable[[str], bool]] = {
    "new_received": _has("本年新收"),
    "carried_over": _has("上年结转"),
    "disclosed": lambda k: "予以公开" in k and "不予" not in k,
    "partially_disclosed": _has("部分公开"),
    "withheld_state_secret": _has("国家秘密"),
    "withheld_prohibited_by_law": _has("禁止公开"),
    "withheld_security_stability": _has("三安全一稳定", "危及"),
    "withheld_third_party_rights": _has("第三方"),
    "withheld_internal_affairs": _has("内部事务"),
    "withheld_process_information": _has("过程性"),
    "withheld_enforcement_files": _has("执法案卷"),
    "withheld_query_matters": _has("查询事项"),
    "unavailable_not_held": _has("不掌握"),
    "unavailable_needs_creation": _has("另行制作", "没有现成"),
    "unavailable_still_unclear": _has("仍不明确", "补正后"),
    "not_processed_petition": _has("信访"),
    "not_processed_duplicate": _has("重复申请"),
    "not_processed_publication": _has("出版物"),
    "not_processed_excessive": _has("大量反复"),
    "not_processed_confirmation": _has("重新出具", "确认或"),
    # 其他处理 is a row of its own in 2019, the group of the next three in 2021 (run into its first row's
    # label when the line breaks are lost: “（六）其他处理1.申请人无正当理由逾期不补正…”).
    "other": lambda k: "其他处理" in k and not any(w in k for w in ("逾期不补正", "缴纳费用", "收费通知")),
    "other_overdue_correction": _has("逾期不补正"),
    "other_unpaid_fee": _has("缴纳费用", "收费通知"),
    "other_misc": lambda k: bool(_OTHER_MISC.match(k)),
    "total_processed": lambda k: ("总计" in k or "合计" in k) and len(k) <= 8,
    "carried_forward": _has("结转下年"),
}
_GROUPS = ("本年度办理结果", "不予公开", "无法提供", "不予处理")


def is_table_start(token: Token) -> bool:
    return "本年新收" in token.key


def is_table_end(token: Token) -> bool:
    key = token.key
    return "行政复议" in key or "行政诉讼" in key or "存在的主要问题" in key or "其他需要报告" in key


@dataclass
class RawApplications:
    """Rows as found, before the template is known."""

    found: dict[str, tuple[Token, list[Token]]] = field(default_factory=dict)
    unknown: list[tuple[Token, list[Token]]] = field(default_factory=list)
    start: int | None = None
    end: int = 0
    before: bool = False  # each row's numbers stood before its label

    @property
    def template_evidence(self) -> str | None:
        if any(r in self.found for r in ("other_overdue_correction", "other_unpaid_fee")):
            return "2021"
        other = self.found.get("other")
        if other and other[1]:
            return "2019"
        return None


def _match(key: str, pointer: int) -> str | None:
    for row_id in _ORDER[pointer:]:
        if _MATCHERS[row_id](key):
            return row_id
    return None


def scan(tokens: Sequence[Token]) -> RawApplications:
    start = next((i for i, t in enumerate(tokens) if is_table_start(t)), None)
    if start is None:
        return RawApplications()
    raw = _scan(tokens, start, before=False)
    return _scan(tokens, start, before=True) if numbers_before_labels(tokens, start, raw) else raw


def _scan(tokens: Sequence[Token], start: int, *, before: bool) -> RawApplications:
    """The rows from `start`; each label takes the numbers after it, or (`before`) before it."""
    raw = RawApplications(start=start, before=before)
    pointer, i = 0, start
    while i < len(tokens):
        token = tokens[i]
        if token.is_value:
            i += 1
            continue
        if is_table_end(token):
            break
        row_id = _match(token.key, pointer)
        if row_id is None and "申请人情况" in token.key:  # the header again: a page break restarted it
            i = _after_header(tokens, i)
            continue
        values, nxt = values_after(tokens, i)
        if before:
            values = values_before(tokens, i)
        elif row_id and not values:
            values, nxt = _restated(tokens, token, values, nxt)
        if row_id:
            raw.found[row_id] = (token, values)
            pointer = _ORDER.index(row_id) + 1
        elif any(not v.is_blank for v in values) and not any(g in token.key for g in _GROUPS):
            raw.unknown.append((token, values))
        i = nxt
        if row_id == "carried_forward":
            break
    raw.end = i
    return raw


_HEADER_WORDS = frozenset(
    ("自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
)


def _after_header(tokens: Sequence[Token], index: int) -> int:
    """The index after a repeated header's cells (its 总计 is not the table's total row)."""
    index += 1
    while index < len(tokens) and not tokens[index].is_value and tokens[index].key in _HEADER_WORDS:
        index += 1
    return index


def numbers_before_labels(tokens: Sequence[Token], start: int, raw: RawApplications) -> bool:
    """Whether each row's numbers stand before its label (text converted from a PDF). Both ends of
    the table must say so, or a row of column numbers above a table read the usual way would shift
    every row: a number (not only blanks) between the header and the first row's label, and none
    after the last row's label (四、结转下年度继续办理)."""
    if all(t.is_blank for t in values_before(tokens, start)):  # none, or a header's spacer cells
        return False
    last = raw.found.get("carried_forward")
    if last is None:
        return False
    index = next(i for i in range(start, len(tokens)) if tokens[i] is last[0])
    return not values_after(tokens, index)[0]


def values_before(tokens: Sequence[Token], index: int) -> list[Token]:
    """The value cells between the label before `index` and the label at `index`."""
    first = index
    while first > 0 and tokens[first - 1].is_value:
        first -= 1
    return list(tokens[first:index])


def _restated(
    tokens: Sequence[Token], label: Token, values: list[Token], nxt: int
) -> tuple[list[Token], int]:
    """The values of a row whose label stands alone (a heading) and is restated, shorter, as the first
    cell of the next line (a table per row: `### （一）予以公开` then `| 予以公开 | 290 | …`)."""
    if nxt >= len(tokens) or tokens[nxt].line == label.line:
        return values, nxt
    restated = tokens[nxt].key
    if len(restated) < 2 or restated not in label.key:
        return values, nxt
    after, end = values_after(tokens, nxt)
    return (after, end) if after else (values, nxt)


def assemble(
    raw: RawApplications, template: str, tokens_after: int
) -> tuple[ApplicationsTable, list[Finding]]:
    """Cells of every data row of the template; missing or unreadable rows are blank, with a finding."""
    rows: dict[str, tuple[Cell, ...]] = {}
    labels: dict[str, str] = {}
    lines: dict[str, int] = {}
    unassigned: dict[str, tuple[str, ...]] = {}
    findings: list[Finding] = []
    expected = application_rows(template)
    ambiguous: dict[str, list[Token]] = {}
    found, placed = split_unlabeled(raw, [r.id for r in expected])
    for row in expected:
        if row.id not in found:
            rows[row.id] = (BLANK,) * WIDTH
            continue
        label, values = found[row.id]
        lines[row.id] = label.line
        if label.text:  # not a row placed by its position: it has no label
            labels[row.id] = label.text
        cells, problems, kept = read_row(row.id, label, values)
        rows[row.id] = cells
        if any(f.rule == "cells-run-together-ambiguous" for f in problems):
            ambiguous[row.id] = values
        findings.extend(problems)
        if kept:
            unassigned[row.id] = kept
    for row_id, reading in resolve_by_columns(template, rows, ambiguous).items():
        rows[row_id] = _reading_cells(reading)
        unassigned.pop(row_id, None)
        findings = [
            f for f in findings if not (f.rule == "cells-run-together-ambiguous" and _names(f, row_id))
        ]
        findings.append(_resolved_finding(row_id, raw.found[row_id], reading))
    for row_id in _unconfirmed(template, raw, placed, rows, findings):
        lines.pop(row_id, None)
    findings.extend(_missing_rows(raw, [r.id for r in expected if r.id not in placed], tokens_after))
    findings.extend(_unknown_rows(raw))
    return ApplicationsTable(rows=rows, labels=labels, lines=lines, unassigned=unassigned), findings


def split_unlabeled(
    raw: RawApplications, order: Sequence[str]
) -> tuple[dict[str, tuple[Token, list[Token]]], dict[str, str]]:
    """Rows as found, where a row's label took the numbers of two rows and the row next to it in the
    template (after it; before it when numbers stand before labels) was printed with no label: the
    second seven numbers go to that row, if each seven add up to their 总计. Which rows were placed
    so (row -> the row whose numbers it took) is returned too: `_confirm_placed` keeps the placement
    only when a column equation confirms it."""
    found = dict(raw.found)
    placed: dict[str, str] = {}
    for row_id, (label, values) in raw.found.items():
        if len(values) != 2 * WIDTH or row_id not in order:
            continue
        position = order.index(row_id) + (-1 if raw.before else 1)
        if not 0 <= position < len(order) or order[position] in found:
            continue
        own, orphan = (values[WIDTH:], values[:WIDTH]) if raw.before else (values[:WIDTH], values[WIDTH:])
        if all(sums_to_last([token_cell(t).value for t in half]) for half in (own, orphan)):
            found[row_id] = (label, own)
            found[order[position]] = (Token.of("", orphan[0].line, orphan[0].row), orphan)
            placed[order[position]] = row_id
    return found, placed


def _unconfirmed(
    template: str,
    raw: RawApplications,
    placed: Mapping[str, str],
    rows: dict[str, tuple[Cell, ...]],
    findings: list[Finding],
) -> list[str]:
    """Keep a row placed by its position only when a column equation, with every other row read
    without doubt, gives it exactly its numbers (a finding says so); else it is blank again and the
    row whose numbers it took is read as printed, unplaced. The rows not kept are returned."""
    dropped = []
    for row_id, source in placed.items():
        others = {
            r: [c.value or 0 for c in cells]
            for r, cells in rows.items()
            if r != row_id and all(map(known, cells))
        }
        own = [c.value or 0 for c in rows[row_id]]
        refs = tuple(f"applications.{row_id}.{c}" for c in APPLICANT_IDS)
        if required(row_id, others, equations(template)) == own:
            message = say(
                "“{row}”一行没有行名，按模板中的位置（紧邻“{neighbour}”）和行合计、列合计归入该行，请核对原件",
                row=_label(row_id),
                neighbour=_label(source),
            )
            findings.append(finding("row-placed-by-position", message, rows[row_id][0].line, refs))
            continue
        label, values = raw.found[source]
        rows[row_id] = (BLANK,) * WIDTH
        rows[source], problems, _ = read_row(source, label, values)
        findings.extend(problems)
        dropped.append(row_id)
    return dropped


def read_row(
    row_id: str, label: Token, values: list[Token]
) -> tuple[tuple[Cell, ...], list[Finding], tuple[str, ...]]:
    """The 7 cells of one row, or blanks plus a finding when the numbers cannot be placed with certainty."""
    name = _row_name(row_id, label)
    refs = tuple(f"applications.{row_id}.{c}" for c in APPLICANT_IDS)
    fitted = fit_width(values, WIDTH)
    if fitted is not None:
        return _count_cells(row_id, name, fitted)
    readings = run_together_readings(values, WIDTH, sums_to_last)
    raw_text = printed([t.text for t in values])
    if len(readings) == 1:
        message = say(
            "{row}：原文“{printed}”有数字粘连，按行合计唯一拆分为 {cells}，请核对原件",
            row=name,
            printed=raw_text,
            cells=Raw(" ".join(readings[0].raws)),
        )
        note = finding("cells-run-together", message, label.line, refs)
        return _reading_cells(readings[0]), [note], ()
    if readings or any(len(t.text) > 1 and t.text.isdigit() for t in values):
        message = say(
            "{row}：原文“{printed}”有数字粘连，按行合计无法唯一拆分，记为空值", row=name, printed=raw_text
        )
        return (
            (BLANK,) * WIDTH,
            [finding("cells-run-together-ambiguous", message, label.line, refs)],
            tuple(t.text for t in values),
        )
    message = say(
        "{row} 有 {count} 个数字，表格有 {width} 列（自然人…总计），无法确定对应关系，记为空值；原文数字：{printed}",
        row=name,
        count=str(len(values)),
        width=str(WIDTH),
        printed=raw_text,
    )
    return _unplaced(label), [finding("row-width", message, label.line, refs)], tuple(t.text for t in values)


def _names(item: Finding, row_id: str) -> bool:
    return item.cells[:1] == (f"applications.{row_id}.{APPLICANT_IDS[0]}",)


def _resolved_finding(row_id: str, found: tuple[Token, list[Token]], reading: Reading) -> Finding:
    label, values = found
    message = say(
        "{row}：原文“{printed}”有数字粘连，按行合计和列合计唯一拆分为 {cells}，请核对原件",
        row=_row_name(row_id, label),
        printed=printed([t.text for t in values]),
        cells=Raw(" ".join(reading.raws)),
    )
    return finding(
        "cells-run-together", message, label.line, tuple(f"applications.{row_id}.{c}" for c in APPLICANT_IDS)
    )


def _unplaced(label: Token) -> tuple[Cell, ...]:
    """Blank cells of a row whose numbers could not be placed; they still point at the row's line."""
    return (Cell(line=label.line),) * WIDTH


def _count_cells(
    row_id: str, name: Text, tokens: list[Token]
) -> tuple[tuple[Cell, ...], list[Finding], tuple[str, ...]]:
    cells, problems = [], []
    for column, token in zip(APPLICANT_IDS, tokens, strict=True):
        cell = token_cell(token)
        if isinstance(cell.value, float):
            ref = f"applications.{row_id}.{column}"
            message = say(
                "{row} · {column} 为“{printed}”，件数应为整数，记为空值",
                row=name,
                column=APPLICANT_LABELS[column],
                printed=Raw(token.text),
            )
            problems.append(finding("not-integer", message, token.line, (ref,)))
            cell = Cell(None, cell.raw, cell.unit, cell.line)
        cells.append(cell)
    return tuple(cells), problems, ()


def _reading_cells(reading: Reading) -> tuple[Cell, ...]:
    return tuple(
        Cell(value=v, raw=r, unit=None, line=line)
        for v, r, line in zip(reading.values, reading.raws, reading.lines, strict=True)
    )


def _row_name(row_id: str, label: Token) -> Text:
    """The row as a reader finds it: sub-items are named with their group, e.g. “（三）不予公开 1.属于国家秘密”."""
    group = APPLICATION_ROW_BY_ID[row_id].group
    if not group or norm(group) in label.key:
        return say("“{row}”", row=named(label.text))
    return say("“{group} {row}”", group=group, row=named(label.text))


def _missing_rows(raw: RawApplications, expected: list[str], tokens_after: int) -> list[Finding]:
    found = [r for r in expected if r in raw.found]
    if not found:
        return []
    last_found = expected.index(found[-1])
    middle = [r for r in expected[:last_found] if r not in raw.found]
    tail = expected[last_found + 1 :]
    findings = [
        finding(
            "row-missing",
            say("申请情况表缺少“{row}”一行，记为空值", row=_label(r)),
            raw.found[found[0]][0].line,
            tuple(f"applications.{r}.{c}" for c in APPLICANT_IDS),
        )
        for r in middle
    ]
    if tail:
        last_label = raw.found[found[-1]][0]
        message = say(
            "申请情况表在“{row}”之后结束（{where}），缺少 {count} 行：{rows}",
            row=named(last_label.text),
            where="文件在此结束" if tokens_after == 0 else "表格在此结束",
            count=str(len(tail)),
            rows=listed("、", [_label(r) for r in tail]),
        )
        findings.append(finding("table-truncated", message, last_label.line))
    return findings


def _unknown_rows(raw: RawApplications) -> list[Finding]:
    return [
        finding(
            "unknown-row",
            say(
                "申请情况表中“{row}”一行不属于国家模板，未纳入：{printed}",
                row=Raw(label.text),
                printed=printed([t.text for t in values]) if values else "",
            ),
            label.line,
        )
        for label, values in raw.unknown
    ]


def _label(row_id: str) -> str:
    spec = APPLICATION_ROW_BY_ID[row_id]
    return f"{spec.group} {spec.label}" if spec.group else spec.label
