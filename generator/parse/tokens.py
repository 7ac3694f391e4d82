"""Turn report text into a stream of table cells, whatever the layout.

Layouts read:
- Word export: one cell per line, indented with a tab; a blank line ends a table row; a lone tab is an
  empty cell; a following line without a tab continues the cell (header words broken across lines).
- Web copy: one cell per line, cells separated by blank lines; consecutive lines form one cell.
- One table row per line, cells separated by tabs or by `|` (pipe-flattened CMS tables). A tab at
  the start of such a row is an empty first cell, unless every row of the file starts with one (an
  indent).
- A converter's Markdown: headings' `#` marks are dropped, and so are rows that carry no cell of the
  report (`| --- |` rules, generic headers such as `| 类别 | 数据1 | … | 总计 |`).

Each token remembers its source line and its physical row, so that empty spacer cells that stand
before a row label (rowspan leftovers) are not mistaken for values of the row above.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from generator.model import Source
from generator.parse.text import BOOKMARK, clean, is_blank, is_value_text, norm

_HEADING = re.compile(r"^([一二三四五六七八九十]+|[1-9])\s*[、.．]")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")  # a converter's Markdown: "### （一）予以公开"
_MARKDOWN_RULE = re.compile(r"^:?-{3,}:?$")  # the row under a Markdown table's header: | --- |
# Headers a converter gives a table it cannot name: 类别 | 数据1 | 数据2 … | 总计. They say nothing of
# the columns (the template does), and a 总计 among them is not the applications table's total row.
_GENERIC_HEADER = re.compile(r"^(类别|项目|名称|序号|数据\d+|总计|合计)$")
_CONTINUABLE_MAX = 24  # header fragments are short; narrative lines are not continued


class Token(NamedTuple):
    """A named tuple, not a frozen dataclass: a report has some 400 tokens, made three times faster.
    Made with `Token.of`, which computes the key once (every token's key is looked at)."""

    text: str  # cell text, trimmed
    line: int  # file line number
    row: int  # physical row index (Word export / one-row-per-line); a new row after every blank line
    key: str  # `norm(text)`: the text in comparable form

    @classmethod
    def of(cls, text: str, line: int, row: int) -> Token:
        return cls(text, line, row, norm(text))

    @property
    def is_value(self) -> bool:
        return is_value_text(self.text)

    @property
    def is_blank(self) -> bool:
        return is_blank(self.text)


def split_cells(line: str, tabs_indent: bool = True) -> list[str] | None:
    """The cells of a line that carries several (tab or pipe separated), else None. With
    `tabs_indent` False, a tab that starts a row of tab-separated cells is an empty first cell."""
    body = line[1:] if line.startswith("\t") else line
    if not tabs_indent and "\t" in body and "|" not in body:
        return line.split("\t")
    if "|" in body and body.count("|") >= 2:
        parts = body.split("|")
        if parts and clean(parts[0]) == "":
            parts = parts[1:]
        if parts and clean(parts[-1]) == "":
            parts = parts[:-1]
        return parts
    if "\t" in body:
        return body.split("\t")
    return [body] if line.startswith("\t") else None


def tabs_indent_rows(lines: Sequence[str]) -> bool:
    """Whether the file starts every row of tab-separated cells with a tab (an indent, as Word does
    before each cell of its export). Otherwise a row that starts with a tab starts with an empty
    cell (e.g. 行政复议 outcomes published blank), and dropping it would shift the row."""
    rows = [line for line in lines if "\t" in line[1:] and "|" not in line]
    return all(line.startswith("\t") for line in rows)


def is_layout_row(cells: Sequence[str]) -> bool:
    """A row of a table that carries no cell of the report: a Markdown rule, or generic headers."""
    texts = [clean(c) for c in cells]
    if all(_MARKDOWN_RULE.match(t) for t in texts):
        return True
    generic = sum(1 for t in texts if t.startswith("数据"))
    return generic >= 2 and all(_GENERIC_HEADER.match(t) for t in texts)


def _continues(previous: Token | None, text: str, previous_line_blank: bool) -> bool:
    """Whether a plain line continues the previous cell (a header word broken across lines)."""
    if previous is None or previous_line_blank or not text:
        return False
    if previous.is_value or is_value_text(text) or _HEADING.match(text):
        return False
    return len(previous.text) <= _CONTINUABLE_MAX and len(text) <= _CONTINUABLE_MAX


def tokenize(source: Source) -> list[Token]:
    tokens: list[Token] = []
    row = 0
    previous_blank = True
    line_numbers = source.line_numbers()
    tabs_indent = tabs_indent_rows(source.lines)
    for raw_line, line_no in zip(source.lines, line_numbers, strict=True):
        line = BOOKMARK.sub("", raw_line) if "[bookmark:" in raw_line else raw_line
        in_cell = line.startswith("\t")
        if not in_cell and clean(line) == "":
            if not previous_blank:
                row += 1
            previous_blank = True
            continue
        line = _MARKDOWN_HEADING.sub("", line) if line.startswith("#") else line
        cells = split_cells(line, tabs_indent)
        if cells is not None and len(cells) > 1 and is_layout_row(cells):
            continue
        if cells is not None and (in_cell or len(cells) > 1):
            if len(cells) > 1:
                row += 1  # a row per line: the line is the row
                tokens.extend([Token.of(clean(c), line_no, row) for c in cells])
                row += 1
            else:
                tokens.append(Token.of(clean(cells[0]), line_no, row))
            previous_blank = False
            continue
        text = clean(line)
        last = tokens[-1] if tokens else None
        if _continues(last, text, previous_blank) and last is not None:
            tokens[-1] = Token.of(last.text + text, last.line, last.row)
        else:
            tokens.append(Token.of(text, line_no, row))
        previous_blank = False
    return tokens
