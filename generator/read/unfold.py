"""Text whose line breaks were lost (a crawler's dump): a whole report on one line, unfolded into the
lines the parser reads, every one of them still pointing at the line it came from.

A line is unfolded when it is long and holds the section headings of a report. It is cut at those
headings; the narrative sections stay whole (one line each), the title, the closing name and date
get lines of their own, and the three tables (sections 二 to 四) are cut into cells: at spaces, and
where a number meets a label (`…申请数量120` → `…申请数量`, `120`), as text copied from a web
page has them, one cell per line with a blank line between. Numbers printed with nothing between
them (`000012`) stay one cell: the parser splits such a cell only where the table's arithmetic
leaves one reading.
"""

from __future__ import annotations

import re
from dataclasses import replace

from generator.model import Source
from generator.spec import SECTION_KEYWORDS, UNITS

MIN_LENGTH = 300  # characters: a report's lines are shorter, but for narrative paragraphs
_NUMBER = re.compile(r"[一二三四五六][、.．]")
_ZH = "一二三四五六"
_HEADING_REACH = 24  # characters from a heading's number to its keyword, and from there to its end
_HEADING_END = re.compile(r"情况|事项|措施")
_TABLE_SECTIONS = (2, 3, 4)
_TITLE = re.compile(r"\d{4}\s*年度?\s*政府信息公开(工作)?年度报告")
_CLOSING_DATE = re.compile(r"\s*(\S{2,40}?)\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$")
# A number at the start of a label is its numbering (1.属于国家秘密), not a cell; run into the
# numbers before it (…0000 0002.其他法律…), its one digit (the template numbers sub-rows 1 to 8)
# still starts the label.
_UNIT = "(?:" + "|".join(UNITS) + ")"
_CELL_PART = re.compile(
    r"(?P<numbering>\d[.、．](?=[^\d\s.]))"
    rf"|(?P<number>[+-]?\d[\d,]*?(?:\.\d+)?{_UNIT}?)(?=\d[.、．][^\d\s.]|[^\d,.]|$)"
)


def unfold(source: Source) -> Source:
    """The source with every run-together line unfolded (the same source when there is none)."""
    if not any(len(line) >= MIN_LENGTH for line in source.lines):
        return source
    lines: list[str] = []
    numbers: list[int] = []
    for line, number in zip(source.lines, source.line_numbers(), strict=True):
        parts = unfold_line(line) if len(line) >= MIN_LENGTH else [line]
        lines.extend(parts)
        numbers.extend([number] * len(parts))
    if len(lines) == len(source.lines):
        return source
    return replace(source, lines=tuple(lines), line_map=tuple(numbers))


def unfold_line(line: str) -> list[str]:
    """The lines of one run-together line: itself when it holds fewer than three section headings."""
    headings = section_headings(line)
    if len(headings) < 3:
        return [line]
    out = _preamble(line[: headings[0][1]])
    for n, (number, start, end) in enumerate(headings):
        stop = headings[n + 1][1] if n + 1 < len(headings) else len(line)
        body = line[end:stop].strip()
        out.append(line[start:end])
        if number in _TABLE_SECTIONS:
            out.extend(_cells_as_lines(body))
        elif n + 1 == len(headings):
            out.extend(_closing(body))
        elif body:
            out.append(body)
    return out


def section_headings(line: str) -> list[tuple[int, int, int]]:
    """(number, start, end) of the section headings in a line, in order: a number 一、 … 六、 whose
    section's keyword follows within reach (as `parse.sections` finds them), the heading ending
    with the 情况 / 事项 / 措施 after it, or with the keyword."""
    found: list[tuple[int, int, int]] = []
    position = 0
    for match in _NUMBER.finditer(line):
        number = _ZH.index(match.group()[0]) + 1
        if match.start() < position or (found and number <= found[-1][0]):
            continue
        window = line[match.end() : match.end() + _HEADING_REACH]
        keyword = min(((i, k) for k in SECTION_KEYWORDS[number] if (i := window.find(k)) >= 0), default=None)
        if keyword is None:
            continue
        after = match.end() + keyword[0] + len(keyword[1])
        closing = _HEADING_END.search(line, after - 2, after + _HEADING_REACH)
        end = closing.end() if closing else after
        found.append((number, match.start(), end))
        position = end
    return found


def _preamble(text: str) -> list[str]:
    """The agency, the title and what follows it, each on a line."""
    title = _TITLE.search(text)
    if title is None:
        return [text.strip()] if text.strip() else []
    parts = [text[: title.start()], text[title.start() : title.end()], text[title.end() :]]
    return [part.strip() for part in parts if part.strip()]


def _closing(text: str) -> list[str]:
    """The last section's text, then the closing name and date on lines of their own."""
    match = _CLOSING_DATE.search(text)
    if match is None:
        return [text] if text else []
    body = text[: match.start()].strip()
    return [*([body] if body else []), match.group(1), match.group(2)]


def _cells_as_lines(text: str) -> list[str]:
    """A table's cells, one per line with a blank line between (as a web page's text has them)."""
    out: list[str] = []
    for cell in cells(text):
        out.extend((cell, ""))
    return out


def cells(text: str) -> list[str]:
    """Cells at spaces, and where a number meets a label."""
    found: list[str] = []
    for chunk in text.split():
        start = 0
        for match in _CELL_PART.finditer(chunk):
            if match.group("numbering"):
                continue
            if match.start() > start:
                found.append(chunk[start : match.start()])
            found.append(match.group("number"))
            start = match.end()
        if start < len(chunk):
            found.append(chunk[start:])
    return found
