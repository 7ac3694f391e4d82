"""The six narrative sections (一…六), found by number and keyword, not by exact heading text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.model import Section, Source
from generator.parse.text import BOOKMARK, clean, norm
from generator.spec import SECTION_KEYWORDS

_NUMBERED = re.compile(r"^(?:(?P<zh>[一二三四五六])|(?P<digit>[1-6]))\s*[、.．]\s*(?P<rest>.+)$")
_ZH = "一二三四五六"
_HEADING_MAX = 48
# What a heading line starts with once bookmarks and `clean`'s whitespace are gone: a cheap test run
# on every line before `_heading_number` (most lines are not headings).
_MAY_BE_HEADING = re.compile(
    r"(?:[ \t\n\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff]|\[bookmark:[^\]]*\])*[一二三四五六1-6]"
)


@dataclass(frozen=True)
class Heading:
    number: int
    title: str
    index: int  # index into source.lines


def _heading_number(line: str) -> tuple[int, str, bool] | None:
    if line.startswith("\t"):  # a table cell, not a heading
        return None
    text = clean(BOOKMARK.sub("", line) if "[bookmark:" in line else line)
    if not text or len(text) > _HEADING_MAX:
        return None
    match = _NUMBERED.match(text)
    if not match:
        return None
    number = _ZH.index(match["zh"]) + 1 if match["zh"] else int(match["digit"])
    key = norm(match["rest"])
    return (number, text, bool(match["zh"])) if any(k in key for k in SECTION_KEYWORDS[number]) else None


def find_headings(source: Source) -> list[Heading]:
    """The section headings in order, each after the previous one.

    A heading numbered 一、 wins over one numbered 1、 (which may be a sub-item such as “2.主动公开”).
    """
    candidates = [
        (i, found)
        for i, line in enumerate(source.lines)
        if _MAY_BE_HEADING.match(line) and (found := _heading_number(line))
    ]
    headings: list[Heading] = []
    last_index = -1
    for number in range(1, 7):
        options = [(i, f) for i, f in candidates if f[0] == number and i > last_index]
        preferred = [(i, f) for i, f in options if f[2]] or options
        if preferred:
            index, (_, title, _) = preferred[0]
            headings.append(Heading(number, title, index))
            last_index = index
    return headings


def _paragraphs(lines: list[str]) -> str:
    kept = [clean(BOOKMARK.sub("", line)) for line in lines]
    return "\n".join(p for p in kept if p)


def parse_sections(source: Source, signature_start: int | None) -> tuple[Section, ...]:
    """Sections with their narrative text; the tables of sections 二–四 are parsed elsewhere."""
    headings = find_headings(source)
    end_of_text = signature_start if signature_start is not None else len(source.lines)
    sections = []
    for n, heading in enumerate(headings):
        stop = headings[n + 1].index if n + 1 < len(headings) else end_of_text
        body = source.lines[heading.index + 1 : max(stop, heading.index + 1)]
        text = "" if heading.number in (2, 3, 4) else _paragraphs(list(body))
        sections.append(Section(heading.number, heading.title, text, source.line_no(heading.index)))
    return tuple(sections)
