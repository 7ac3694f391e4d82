"""Title, agency, year, published date and the closing signature of a report."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from generator.model import Source
from generator.parse.text import BOOKMARK, clean

_TITLE_WORDS = ("年度报告", "年报")
_SUBJECT = re.compile(r"(政府信息公开|政务公开|信息公开)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_DATE_CN = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DATE_ISO = re.compile(r"((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})")
_PUBLISHED_LINE = re.compile(r"(?:发布日期|发布时间|发文日期|成文日期)\s*[:：]?\s*(.+)")
_SENTENCE = re.compile(r"[，。；：！？,;:!?《》]")
_HEAD_LINES = 15  # the title and a 发布日期 line stand near the top
_TAIL_LINES = 12  # the signature stands near the end
_AGENCY_MAX = 40


@dataclass(frozen=True)
class Title:
    text: str
    agency: str | None
    year: int | None
    index: int  # index of the title's last line in source.lines


@dataclass(frozen=True)
class Signature:
    agency: str | None
    date: str | None
    index: int  # index of the first signature line


def _text(line: str) -> str:
    return clean(BOOKMARK.sub("", line)).replace("\u00a0", "")


def _nonblank(source: Source, limit: int) -> list[tuple[int, str]]:
    out = []
    for index, line in enumerate(source.lines):
        text = _text(line)
        if text:
            out.append((index, text))
            if len(out) >= limit:
                break
    return out


# A web page's header links, which a copy of the page (or a text layer joined into one line) puts
# before the title, followed by a space: never part of an agency's name (注册会计师协会 is one).
_CHROME_WORD = r"(?:登录|注册|首页|无障碍|长者模式|关怀版|繁體|繁体|简体|English|搜索)"
_SITE_CHROME = re.compile(rf"^(?:{_CHROME_WORD}\s*)*{_CHROME_WORD}\s+")


def find_title(source: Source) -> Title | None:
    head = _nonblank(source, _HEAD_LINES)
    for n, (index, text) in enumerate(head):
        text = _SITE_CHROME.sub("", _title_part(text))
        if not any(w in text for w in _TITLE_WORDS) or not _SUBJECT.search(text) or len(text) > 80:
            continue
        agency = agency_from_title(text)
        full = text
        if agency is None and n > 0:
            # Agency on its own line above "2020年政府信息公开工作年度报告" (Word title pages).
            prev = _SITE_CHROME.sub("", head[n - 1][1])
            if len(prev) <= _AGENCY_MAX and not _SENTENCE.search(prev) and not _YEAR.search(prev):
                agency, full = prev, prev + text
        year_match = _YEAR.search(text)
        return Title(full, agency, int(year_match.group(1)) if year_match else None, index)
    return None


def _title_part(text: str) -> str:
    """A line whose breaks were lost starts with the title and runs on (…年度报告 发布日期:… 本报告…):
    the title is the text up to its first 年度报告 / 年报, when that is near the start."""
    if len(text) <= 80:
        return text
    ends = [text.find(w) + len(w) for w in _TITLE_WORDS if 0 <= text.find(w) <= 80 - len(w)]
    return text[: min(ends)] if ends else text


def agency_from_title(text: str) -> str | None:
    """The agency in a title: before the year (`德惠市政府办2020年…`) or between year and subject
    (`2020年通化市东昌区政府信息公开…`)."""
    year = _YEAR.search(text)
    subject = _SUBJECT.search(text)
    if year and clean(text[: year.start()]):
        return _strip_agency(text[: year.start()])
    if year and subject and subject.start() > year.end():
        between = text[year.end() : subject.start()].lstrip("度")
        return _strip_agency(between) or None
    if not year and subject and subject.start() > 0:
        return _strip_agency(text[: subject.start()])
    return None


def _strip_agency(text: str) -> str | None:
    text = clean(text).strip("《》“”\"'：:，,")
    text = _SITE_CHROME.sub("", text)
    text = re.sub(r"^关于", "", text)
    return text if 2 <= len(text) <= _AGENCY_MAX else None


def find_signature(source: Source) -> Signature | None:
    """A closing block: the agency's name, then a date, near the end (page numbers skipped)."""
    start = max(0, len(source.lines) - _TAIL_LINES * 3)
    tail = [(i, _text(line)) for i, line in enumerate(source.lines[start:], start) if _text(line)]
    tail = [(i, t) for i, t in tail if not re.fullmatch(r"[-—\s]*\d{1,3}[-—\s]*", t)][-_TAIL_LINES:]
    for n in range(len(tail) - 1, -1, -1):
        index, text = tail[n]
        date = _date_only(text)
        if date is None:
            continue
        if n > 0 and _looks_like_name(tail[n - 1][1]):
            return Signature(tail[n - 1][1], date, tail[n - 1][0])
        return Signature(None, date, index)
    return None


def _date_only(text: str) -> str | None:
    """An ISO date when the line is nothing but a date."""
    for pattern in (_DATE_CN, _DATE_ISO):
        match = pattern.fullmatch(text.replace(" ", ""))
        if match:
            return iso_date(*match.groups())
    return None


def _looks_like_name(text: str) -> bool:
    return len(text) <= _AGENCY_MAX and not _SENTENCE.search(text) and not _YEAR.search(text)


def iso_date(year: str, month: str, day: str) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def find_published_line(source: Source) -> str | None:
    """A `发布日期:2021-02-25` line near the top (web pages)."""
    for _, text in _nonblank(source, _HEAD_LINES):
        match = _PUBLISHED_LINE.search(text)
        if match:
            value = match.group(1)
            date = _DATE_ISO.search(value) or _DATE_CN.search(value)
            if date:
                return iso_date(*date.groups())
    return None


def find_year(source: Source, title: Title | None) -> int | None:
    if title and title.year:
        return title.year
    for _, text in _nonblank(source, _HEAD_LINES):
        match = _YEAR.search(text)
        if match and ("年度" in text or "报告" in text):
            return int(match.group(1))
    return None


def choose_agency(title_agency: str | None, signature_agency: str | None) -> str | None:
    """The signature names the agency in full (通化市东昌区人民政府) when the title shortens it (通化市东昌区)."""
    if title_agency and signature_agency and title_agency in signature_agency:
        return signature_agency
    return title_agency or signature_agency


# 陕西 and 山西 have the same toneless pinyin; 陕西 is spelled Shaanxi (the official romanisation),
# so that 陕西省统计局 and 山西省统计局 do not get one id.
_SPELLINGS = {"陕西": ["shaan", "xi"]}
_SPELLED = re.compile("|".join(_SPELLINGS))


# Slugs already known: the build seeds this with the ids of the agencies it parsed before (same
# generator version), so that a rebuild after one report changed does not load pypinyin's
# dictionaries (a fifth of a second) to spell a name it has spelled already.
_known_slugs: dict[str, str] = {}


def remember_slugs(pairs: Iterable[tuple[str, str]]) -> None:
    """Record `(name, slug(name))` pairs computed earlier."""
    _known_slugs.update(pairs)


def slug(text: str) -> str:
    """A stable ASCII id from a Chinese name: its pinyin, one syllable per hyphen-separated part."""
    known = _known_slugs.get(text)
    if known is None:
        known = _known_slugs[text] = _spell(text)
    return known


def _one_part_per_char(chars: str) -> list[str]:
    """Characters pypinyin cannot spell: a run of Latin letters or digits is one part (a file name
    like 2021-anhuaxian spells 2021-anhuaxian, not 2-0-2-1-a-n-…); anything else is dropped.
    pypinyin accepts a list from its `errors` callback, though its type hints say a string."""
    return re.findall(r"[A-Za-z0-9]+", chars)


def _spell(text: str) -> str:
    from pypinyin import lazy_pinyin  # 0.2 s of dictionaries: loaded only when a name is new

    parts: list[str] = []
    names = _SPELLED.findall(text)
    for index, piece in enumerate(_SPELLED.split(text)):
        if index:
            parts.extend(_SPELLINGS[names[index - 1]])
        parts.extend(lazy_pinyin(piece, errors=_one_part_per_char))  # type: ignore[arg-type]
    words = [re.sub(r"[^a-z0-9]", "", p.lower()) for p in parts]
    return "-".join(w for w in words if w) or "unknown"
