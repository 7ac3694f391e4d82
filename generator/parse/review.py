"""Table C: 政府信息公开行政复议、行政诉讼情况 — one published row of 15 cells, read in order.

The header is not parsed cell by cell: PDF and flipbook text interleaves vertical header characters,
so the 15 numbers are taken in template order (template-spec §9 item 12).
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.messages import listed, printed, raw, say
from generator.model import BLANK, Cell, Finding
from generator.parse.rows import fit_width, run_together_readings, sums_to_last, token_cell
from generator.parse.tokens import Token
from generator.rules import finding
from generator.spec import REVIEW_CELLS, REVIEW_LABELS

WIDTH = len(REVIEW_CELLS)
GROUP = 5


def find_start(tokens: Sequence[Token], after: int) -> int | None:
    return next((i for i in range(after, len(tokens)) if "行政复议" in tokens[i].key), None)


def _starts_values(tokens: Sequence[Token], i: int, rows: dict[int, list[int]]) -> bool:
    """A real number, or a blank in a physical row made only of value cells (an all-blank published row)."""
    token = tokens[i]
    if not token.is_value:
        return False
    if not token.is_blank:
        return True
    members = rows[token.row]
    return len(members) >= 2 and all(tokens[j].is_value for j in members)


def _value_run(tokens: Sequence[Token], start: int) -> tuple[list[Token], int]:
    rows: dict[int, list[int]] = {}
    for j in range(start, len(tokens)):
        rows.setdefault(tokens[j].row, []).append(j)
    first = next((i for i in range(start + 1, len(tokens)) if _starts_values(tokens, i, rows)), None)
    if first is None:
        return [], len(tokens)
    # Blank cells in the same physical row before the first number are values too (blank outcomes).
    while first - 1 > start and tokens[first - 1].is_blank and tokens[first - 1].row == tokens[first].row:
        first -= 1
    end = first
    while end < len(tokens) and tokens[end].is_value:
        end += 1
    return list(tokens[first:end]), end


def _groups_add_up(values: tuple[int | None, ...]) -> bool:
    return all(sums_to_last(values[g : g + GROUP]) for g in range(0, WIDTH, GROUP))


def parse_review(tokens: Sequence[Token], after: int) -> tuple[dict[str, Cell], list[Finding], int]:
    """The 15 cells, findings, and the index after the table."""
    start = find_start(tokens, after)
    blank = dict.fromkeys(REVIEW_CELLS, BLANK)
    if start is None:
        message = say(
            "没有找到“政府信息公开行政复议、行政诉讼情况”表格（应有 行政复议 / 行政诉讼 的 15 个数字）"
        )
        return blank, [finding("table-missing", message)], after
    values, end = _value_run(tokens, start)
    anchor = tokens[start].line
    fitted = fit_width(values, WIDTH)
    if fitted is not None:
        return {cid: token_cell(t) for cid, t in zip(REVIEW_CELLS, fitted, strict=True)}, [], end
    readings = run_together_readings(values, WIDTH, _groups_add_up)
    raw_text = printed([t.text for t in values])
    refs = tuple(f"review_litigation.{c}" for c in REVIEW_CELLS)
    if len(readings) == 1:
        reading = readings[0]
        cells = {
            cid: Cell(v, r, None, line)
            for cid, v, r, line in zip(REVIEW_CELLS, reading.values, reading.raws, reading.lines, strict=True)
        }
        message = say(
            "行政复议、行政诉讼表原文“{printed}”有数字粘连，按各组总计唯一拆分为 {cells}，请核对原件",
            printed=raw_text,
            cells=raw(" ".join(reading.raws)),
        )
        return cells, [finding("cells-run-together", message, values[0].line, refs)], end
    if end >= len(tokens) and 0 < len(values) < WIDTH:
        return _truncated(values, anchor), [_truncated_finding(values, anchor)], end
    line = values[0].line if values else anchor
    message = say(
        "行政复议、行政诉讼表有 {count} 个数字，应为 {width} 个，无法确定对应关系，记为空值；原文数字：{printed}",
        count=str(len(values)),
        width=str(WIDTH),
        printed=raw_text,
    )
    return blank, [finding("row-width", message, line, refs)], end


def _truncated(values: list[Token], anchor: int) -> dict[str, Cell]:
    cells = dict.fromkeys(REVIEW_CELLS, BLANK)
    for cid, token in zip(REVIEW_CELLS, values, strict=False):
        cells[cid] = token_cell(token)
    return cells


def _truncated_finding(values: list[Token], anchor: int) -> Finding:
    missing = REVIEW_CELLS[len(values) :]
    message = say(
        "行政复议、行政诉讼表在第 {count} 个数字后结束（文件在此结束），缺少 {missing} 个单元格：{cells}",
        count=str(len(values)),
        missing=str(len(missing)),
        cells=listed("、", [REVIEW_LABELS[c] for c in missing]),
    )
    return finding(
        "table-truncated", message, values[-1].line, tuple(f"review_litigation.{c}" for c in missing)
    )
