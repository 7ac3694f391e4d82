"""A page's text lines and tables, top to bottom, written as the lines the parser reads: shared by
the PDF reader (a text layer, `read/pdf.py`) and the OCR reader (page images, `read/ocr.py`).

A line's location is page * LINE_SLOT + its line on the page, so a finding names the page and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.model import PAGE_LINES
from generator.read.layout import LineWriter, cell_text, is_empty

LINE_SLOT = PAGE_LINES  # location = page * LINE_SLOT + line on page
_MARGIN = 0.08  # page numbers stand in the top / bottom 8 % of the page
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,3}(?:\s*页)?(?:\s*(?:共|/)\s*\d{1,3}\s*页?)?[-—–\s]*$")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d+[.．、])")


@dataclass
class Item:
    """A text line or a table on a page, top to bottom."""

    top: float
    rows: list[list[str]]  # a text line is one row
    is_table: bool = False
    x0: float = 0.0
    x1: float = 0.0
    bottom: float = 0.0
    size: float = 10.0


@dataclass
class Pages:
    """What goes on from one page to the next: the output, and the table the last page ended with."""

    out: LineWriter = field(default_factory=LineWriter)
    table_head: list[list[str]] | None = None  # first rows of the table the last page ended with
    found_text: bool = False


def _join_wrapped(items: list[Item]) -> list[Item]:
    """Join the lines of a paragraph that wrap at the right margin (a wrapped line starts at the left
    margin and reaches the right one; the next line is close below and is not a heading)."""
    text = [i for i in items if not i.is_table and len(i.rows[0]) == 1]
    if not text:
        return items
    left, right = min(i.x0 for i in text), max(i.x1 for i in text)
    joined: list[Item] = []
    for item in items:
        prev = joined[-1] if joined else None
        if prev is not None and _continues(prev, item, left, right):
            prev.rows[0][0] += item.rows[0][0]
            prev.x1, prev.bottom = item.x1, item.bottom
            continue
        joined.append(item)
    return joined


def _continues(prev: Item, item: Item, left: float, right: float) -> bool:
    if prev.is_table or item.is_table or len(prev.rows[0]) != 1 or len(item.rows[0]) != 1:
        return False
    starts_left = prev.x0 <= left + 3 * prev.size
    reaches_right = prev.x1 >= right - 2 * prev.size
    close_below = 0 <= item.top - prev.bottom < prev.size
    return starts_left and reaches_right and close_below and not _HEADING.match(item.rows[0][0])


def without_page_numbers(items: list[Item], height: float) -> list[Item]:
    """The page's items without its page number: a text line of a number alone (“- 3 -”, 第 3 页,
    3/12) in the top or bottom margin. `height`: the page's, in the items' units."""

    def is_page_number(item: Item) -> bool:
        in_margin = item.top < height * _MARGIN or item.bottom > height * (1 - _MARGIN)
        cells = item.rows[0] if item.rows else []
        return not item.is_table and in_margin and len(cells) == 1 and bool(_PAGE_NUMBER.match(cells[0]))

    return [item for item in items if not is_page_number(item)]


def has_text(items: list[Item]) -> bool:
    """Whether any item of a page holds text (a page of images has none in its text layer)."""
    return any(not is_empty(c) for item in items for row in item.rows for c in row)


def write_page(items: list[Item], page_number: int, state: Pages) -> None:
    line = 0
    for index, item in enumerate(_join_wrapped(items)):
        state.found_text = state.found_text or has_text([item])
        if not item.is_table:
            line += 1
            state.table_head = None
            _write_text(item.rows[0], _location(page_number, line), state.out)
            continue
        goes_on = index == 0 and state.table_head is not None
        rows = _without_repeated_header(item.rows, state.table_head) if goes_on else item.rows
        if not goes_on:
            state.out.blank(_location(page_number, line + 1))
            state.table_head = item.rows[:3]
        for cells in rows:
            line += 1
            state.out.row(cells, _location(page_number, line))
        state.out.blank()
    if items and not items[-1].is_table:
        state.table_head = None


def _location(page_number: int, line: int) -> int:
    return page_number * LINE_SLOT + min(max(line, 1), LINE_SLOT - 1)


def _write_text(cells: list[str], where: int, out: LineWriter) -> None:
    out.blank()
    if len(cells) > 1:
        out.row([cell_text([c]) for c in cells], where)
    elif not is_empty(cells[0]):
        out.paragraph(cells[0], where)


def _without_repeated_header(rows: list[list[str]], head: list[list[str]] | None) -> list[list[str]]:
    """The rows of a table going on from the previous page, without the header rows it repeats."""
    if not head:
        return rows
    repeated = 0
    while repeated < min(len(head), len(rows) - 1) and rows[repeated] == head[repeated]:
        repeated += 1
    return rows[repeated:]
