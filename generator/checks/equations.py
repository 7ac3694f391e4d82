"""Equations over report cells, shared by the cross-checks: terms, column comparisons and the wording
of their messages.

Blank published cells count as 0 and are named in the message; a cell the parser could not read or
assign makes the equation unchecked (its own parse error already says so).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from generator.messages import Listed, Param, Text, listed, say
from generator.model import Cell, Number, Report
from generator.parse.text import is_blank
from generator.spec import APPLICANT_IDS, APPLICANT_LABELS, APPLICATION_ROW_BY_ID, TEMPLATES

PERSON_COLUMNS = APPLICANT_IDS[:-1]  # the six applicant columns that add up to 总计
MAX_NAMED_BLANKS = 8  # a message lists at most this many blank cells, then says how many more
SHORT_ROW_NAMES = {
    "new_received": "一、本年新收",
    "carried_over": "二、上年结转",
    "total_processed": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}


class Term(NamedTuple):
    """One cell of an equation: its reference, how a message names it, and the cell. A named tuple:
    the checks make some 500 of them per report, twice as fast as a frozen dataclass."""

    ref: str
    name: str
    cell: Cell

    @property
    def value(self) -> Number:
        return self.cell.value or 0  # a blank published cell counts as 0

    @property
    def is_blank(self) -> bool:
        return self.cell.value is None


@dataclass(frozen=True)
class Mismatch:
    """A failed equation `sum(left) = sum(right)` in one column."""

    label: Param  # e.g. "自然人列"
    left: tuple[Term, ...]
    right: tuple[Term, ...]

    @property
    def terms(self) -> tuple[Term, ...]:
        return self.left + self.right

    def left_sum(self) -> Number:
        return sum(t.value for t in self.left)

    def right_sum(self) -> Number:
        return sum(t.value for t in self.right)


def readable(cell: Cell) -> bool:
    """A number, or a cell published blank; False when the parser could not read or assign it."""
    return cell.value is not None or (cell.raw is not None and is_blank(cell.raw))


def compare(label: Param, left: Sequence[Term], right: Sequence[Term]) -> Mismatch | None:
    """The mismatch of `sum(left) = sum(right)`, or None when it holds or cannot be checked."""
    terms = (*left, *right)
    if not all(readable(t.cell) for t in terms) or all(t.is_blank for t in terms):
        return None
    if same_number(sum(t.value for t in left), sum(t.value for t in right)):
        return None  # most equations hold: no Mismatch made for them
    return Mismatch(label, tuple(left), tuple(right))


def same_number(a: Number, b: Number) -> bool:
    return abs(a - b) < 1e-9  # money cells are decimals


def num(value: Number) -> str:
    """A number as a contributor sees it in the report: 3, -1, 477.35 (no thousands separators)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def plus(terms: Iterable[Term]) -> str:
    return " + ".join(num(t.value) for t in terms)


def blank_note(mismatches: Sequence[Mismatch]) -> Param:
    """The note “（空白单元格按 0 计：…）” naming the blank cells of the failed equations, or ""."""
    names = list(dict.fromkeys(t.name for m in mismatches for t in m.terms if t.is_blank))
    if not names:
        return ""
    shown = listed("、", names[:MAX_NAMED_BLANKS])
    more = say(" 等共 {count} 个", count=str(len(names))) if len(names) > MAX_NAMED_BLANKS else ""
    return say("（空白单元格按 0 计：{cells}{more}）", cells=shown, more=more)


def mismatch_parts(mismatches: Sequence[Mismatch], sums: bool = False) -> Listed:
    """“自然人列 6 + 0 ≠ 5 + 11；总计列 …”: each failed column's terms (`sums`: their sums)."""
    if sums:
        return listed("；", [_compared(m.label, num(m.left_sum()), num(m.right_sum())) for m in mismatches])
    return listed("；", [_compared(m.label, plus(m.left), plus(m.right)) for m in mismatches])


def _compared(column: Param, left: str, right: str) -> Text:
    return say("{column} {left} ≠ {right}", column=column, left=left, right=right)


def refs(mismatches: Sequence[Mismatch]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.ref for m in mismatches for t in m.terms))


# --- the applications table (Table B) ------------------------------------------------------------


def template_of(report: Report) -> str:
    """The detected template; when undetected, the layout the parser assembled the rows in."""
    if report.meta.template in TEMPLATES:
        return report.meta.template
    return report.applications.template


@cache
def row_name(row_id: str) -> str:
    if row_id in SHORT_ROW_NAMES:
        return SHORT_ROW_NAMES[row_id]
    row = APPLICATION_ROW_BY_ID[row_id]
    label = row.label.split("（区分")[0]  # the counting note of （二）部分公开 is not part of its name
    return f"{row.group} {label}" if row.group else label


def app_term(report: Report, row_id: str, column: str) -> Term:
    ref, name = _term_names(row_id, column)
    return Term(ref, name, report.applications.cell(row_id, column))


@cache
def _term_names(row_id: str, column: str) -> tuple[str, str]:
    """A cell's reference and name: the same few hundred strings for every report."""
    return f"applications.{row_id}.{column}", f"{row_name(row_id)} · {APPLICANT_LABELS[column]}"


def row_line(report: Report, row_id: str) -> int | None:
    """The source line of an applications row: its label, else its first cell with a line."""
    table = report.applications
    if row_id in table.lines:
        return table.lines[row_id]
    return next((c.line for c in table.rows.get(row_id, ()) if c.line is not None), None)


def _column_sum(report: Report, rows: Sequence[str], column: str) -> Number:
    return sum(report.applications.cell(r, column).value or 0 for r in rows)


def column_label(column: str) -> Text:
    return say("{column}列", column=APPLICANT_LABELS[column])


def column_mismatches(report: Report, left_rows: Sequence[str], right_rows: Sequence[str]) -> list[Mismatch]:
    """Per applicant column, the failed equations `sum(left rows) = sum(right rows)`."""
    found = []
    for column in APPLICANT_IDS:
        if same_number(_column_sum(report, left_rows, column), _column_sum(report, right_rows, column)):
            continue  # holds (what `compare` would find): no terms made
        left = [app_term(report, r, column) for r in left_rows]
        right = [app_term(report, r, column) for r in right_rows]
        mismatch = compare(column_label(column), left, right)
        if mismatch is not None:
            found.append(mismatch)
    return found
