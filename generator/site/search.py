"""Site search on a static host: the search page and its index, `search/index.json`.

What is tolerant is worked out here, at build time; the browser (static/search.js) normalises the
query and compares strings:

- an agency's keys (`name_keys`): its name in simplified characters, the name from each region name
  printed on, in full or short (四川省成都市教育局 → 成都市教育局, 成都教育局), without any (教育局), and
  common abbreviations swapped both ways (`SYNONYMS`: 卫健委 ↔ 卫生健康委员会 …);
- per division (province, city, county): its name, its short name (成都市 → 成都) and its pinyin;
  the browser strips the names of an agency's divisions (in full, short, pinyin or initials) from the
  start of a query word, so the index carries of the keys only the core (教育局) and its swaps;
- pinyin: the agency id spells the name (`parse.metadata.slug`); the swaps' and, when the id does
  not spell it, the name's pinyin are added, hyphenated (the browser joins them and takes initials);
- a traditional → simplified map of the characters the index uses, for the query;
- the years each agency reported, with the report's id when it is not `<agency id>-<year>`.

One entry per agency (not per report) keeps the index small (bytes at 1,000 and 10,000 reports in
CHANGELOG.md).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from generator.model import Region
from generator.parse.metadata import slug
from generator.site.model import Agency, Corpus, page_slugs, report_id
from generator.site.pages import Page
from generator.site.pages_corpus import markdown_page
from generator.site.romanise import agency_name, division_name

PAGE_PATH = "search/index.html"
INDEX_PATH = "search/index.json"
INDEX_FORMAT = 2  # bump when the index's layout changes (static/search.js reads it); 2: English names

# Abbreviations people type, and the full words in agency names (both directions are indexed).
SYNONYMS: tuple[tuple[str, str], ...] = (
    ("卫健委", "卫生健康委员会"),
    ("卫健委", "卫生健康局"),
    ("卫健局", "卫生健康局"),
    ("卫计委", "卫生和计划生育委员会"),
    ("发改委", "发展和改革委员会"),
    ("发改委", "发展和改革局"),
    ("发改局", "发展和改革局"),
    ("人社局", "人力资源和社会保障局"),
    ("人社厅", "人力资源和社会保障厅"),
    ("住建局", "住房和城乡建设局"),
    ("住建厅", "住房和城乡建设厅"),
    ("市监局", "市场监督管理局"),
    ("市场监管局", "市场监督管理局"),
    ("政府办", "人民政府办公室"),
    ("政府办", "人民政府办公厅"),
    ("环保局", "生态环境局"),
    ("环保厅", "生态环境厅"),
    ("国土局", "自然资源局"),
    ("自然资源局", "自然资源和规划局"),
    ("农业局", "农业农村局"),
    ("农业厅", "农业农村厅"),
    ("工信局", "工业和信息化局"),
    ("经信局", "经济和信息化局"),
    ("科技局", "科学技术局"),
    ("文旅局", "文化和旅游局"),
    ("文旅局", "文化广电和旅游局"),
    ("文广旅局", "文化广电和旅游局"),
    ("交通局", "交通运输局"),
    ("应急局", "应急管理局"),
    ("退役军人局", "退役军人事务局"),
    ("医保局", "医疗保障局"),
    ("城管局", "城市管理局"),
    ("城管局", "综合行政执法局"),
    ("机关事务局", "机关事务管理局"),
    ("政数局", "政务服务和数据管理局"),
    ("民宗局", "民族宗教事务局"),
    ("民宗委", "民族宗教事务委员会"),
    ("公安局", "公安分局"),
)

# A division's short name: 四川省 → 四川, 成都市 → 成都, 广西壮族自治区 → 广西, 恩施土家族苗族自治州 → 恩施.
_AUTONOMOUS = re.compile(r"^(.{2,}?)(?:[^族]{1,5}族|维吾尔)*自治(?:区|州|县|旗)$")
_SUFFIXES = ("特别行政区", "地区", "林区", "新区", "省", "市", "盟", "县", "区", "旗", "镇", "乡", "街道")
_SPACE = re.compile(r"\s+")
_YEAR_REPORT = re.compile(r"-(\d{4})$")


@cache
def _converters() -> tuple[Any, tuple[Any, ...]]:
    import opencc

    return opencc.OpenCC("t2s"), tuple(opencc.OpenCC(c) for c in ("s2t", "s2tw", "s2hk"))


def normalise(text: str) -> str:
    """What is compared: NFKC (full-width → half-width), no spaces, simplified, lower case."""
    text = _SPACE.sub("", unicodedata.normalize("NFKC", text))
    if not text.isascii():
        text = _converters()[0].convert(text)
    return text.lower()


def short_name(division: str) -> str | None:
    """The name people write without its suffix, or None when it has none (or would be one character)."""
    match = _AUTONOMOUS.match(division)
    if match:
        return match.group(1)
    for suffix in _SUFFIXES:
        if division.endswith(suffix) and len(division) - len(suffix) >= 2:
            return division[: -len(suffix)]
    return None


def region_forms(region: Region | None) -> tuple[tuple[str, str | None], ...]:
    """(full, short) names of the region's divisions, province first."""
    if region is None:
        return ()
    names = (region.province, region.city, region.county)
    return tuple((normalise(n), short_name(normalise(n))) for n in names if n)


def _strip_prefix(name: str, forms: Sequence[tuple[str, str | None]]) -> tuple[list[tuple[str, str]], str]:
    """The region names printed at the start of `name` (as (printed, short)), and what follows them:
    never nothing (成都市 stays itself), and never half a name (成都市 is not 成都 + 市)."""
    printed: list[tuple[str, str]] = []
    rest = name
    while True:
        form = next((f for f in _leading(rest, forms)), None)
        if form is None:
            return printed, rest
        printed.append(form)
        rest = rest[len(form[0]) :]


def _leading(rest: str, forms: Sequence[tuple[str, str | None]]) -> Iterable[tuple[str, str]]:
    for full, short in forms:
        if rest.startswith(full):
            if len(rest) > len(full):
                yield full, short or full
            return
        if short and rest.startswith(short) and len(rest) > len(short):
            yield short, short
            return


def name_keys(name: str, region: Region | None) -> tuple[str, ...]:
    """The Chinese keys of an agency: its name, the name from each region name printed on (full or
    short: 四川省成都市教育局 → 成都市教育局, 成都教育局 …), without any (教育局), and the name and
    the last with the abbreviations of `SYNONYMS` swapped both ways (the browser strips region names
    from the query: 成都卫健委 finds 卫健委). The name comes first."""
    name = normalise(name)
    printed, core = _strip_prefix(name, region_forms(region))
    keys = [name]
    for start in range(len(printed) + 1):
        tail = printed[start:]
        keys.append("".join(p for p, _ in tail) + core)
        keys.append("".join(s for _, s in tail) + core)
    keys.extend(swap for key in (name, core) for swap in _synonym_variants(key))
    return tuple(dict.fromkeys(k for k in keys if k))


def _synonym_variants(key: str) -> Iterable[str]:
    for short, full in SYNONYMS:
        if full in key:
            yield key.replace(full, short)
        elif short in key and not any(short in f and f in key for _, f in SYNONYMS):
            yield key.replace(short, full)


def _years(agency: Agency) -> list[int | list[Any]]:
    """Each year reported, oldest first: the year alone when the report's id is `<id>-<year>`."""
    years: list[int | list[Any]] = []
    for report in agency.reports:
        rid, year = report_id(report), report.meta.year
        if year is not None and rid == f"{agency.id}-{year}":
            years.append(year)
        else:
            years.append([year or 0, rid])
    return years


def agency_entry(agency: Agency, labels: list[str]) -> list[Any]:
    """[id, name, region code, label index, years, core, keys, pinyin, English name]: a list, not an object, since
    the names of the fields would be a fifth of the index. Of `name_keys`, the index holds only what
    the browser cannot make again from the region's names, which it strips from the query (成都教育局
    → 教育局): the core, as the number of characters before it when the name is already normalised
    (else the core itself), and the core with its abbreviations swapped. Pinyin likewise: the core's
    swaps, and the name's when the agency id does not spell it."""
    name = normalise(agency.name)
    core = _strip_prefix(name, region_forms(agency.region))[1]
    swaps = tuple(dict.fromkeys(_synonym_variants(core)))
    label = f"{agency.level_label}{agency.kind_label}"
    if label not in labels:
        labels.append(label)
    spelled = tuple(dict.fromkeys(slug(k) for k in (name, *swaps) if not k.isascii()))
    return [
        agency.id,
        agency.name,
        agency.region.code if agency.region else "",
        labels.index(label),
        _years(agency),
        len(name) - len(core) if name == agency.name else core,
        list(swaps),
        [s for s in spelled if s != agency.id],
        agency_name(agency.name, agency.region),
    ]


def _divisions(region: Region) -> list[tuple[str, str]]:
    """(code, name) of the region's divisions, province first, the region's own code last."""
    levels = (
        (region.province_code, region.province),
        (region.city_code, region.city),
        (region.county_code, region.county),
    )
    divisions = [(code, name) for code, name in levels if code and name]
    if not divisions or divisions[-1][0] != region.code:
        divisions.append((region.code, region.name))
    return divisions


def _regions(agencies: Sequence[Agency]) -> dict[str, list[str]]:
    """code → [name, parent code, short name or "", pinyin of the name, English name]: one entry per division, so
    that a county's agencies share it and its city's and province's."""
    entries: dict[str, list[str]] = {}
    for agency in agencies:
        if agency.region is None:
            continue
        parent = ""
        for code, name in _divisions(agency.region):
            if code not in entries:
                short = short_name(normalise(name)) or ""
                entries[code] = [name, parent, short, slug(normalise(name)), division_name(name, code)]
            parent = code
    return {code: entries[code] for code in sorted(entries)}


def traditional_map(texts: Iterable[str]) -> dict[str, str]:
    """Traditional (and Taiwan, Hong Kong) forms of the characters in `texts` → the simplified one."""
    t2s, to_traditional = _converters()
    chars = sorted({c for text in texts for c in text if not c.isascii()})
    mapping: dict[str, str] = {}
    for char in chars:
        for converter in to_traditional:
            variant = converter.convert(char)
            if len(variant) == 1 and variant != char and t2s.convert(variant) == char:
                mapping.setdefault(variant, char)
    return dict(sorted(mapping.items()))


def page_titles(corpus: Corpus) -> list[list[str]]:
    """[slug, title] of each Markdown page."""
    return [[slug_, str(markdown_page(corpus, slug_).context["title"])] for slug_ in page_slugs(corpus)]


def search_index(corpus: Corpus) -> dict[str, Any]:
    labels: list[str] = []
    agencies = [agency_entry(a, labels) for a in corpus.agencies]
    pages = page_titles(corpus)
    regions = _regions(corpus.agencies)
    texts = [normalise(a.name) for a in corpus.agencies] + [k for entry in agencies for k in entry[6]]
    texts += [normalise(entry[0]) for entry in regions.values()] + [normalise(t) for _, t in pages]
    return {
        "format": INDEX_FORMAT,
        "labels": labels,
        "regions": regions,
        "agencies": agencies,
        "pages": pages,
        "t2s": traditional_map(texts),
    }


def index_bytes(corpus: Corpus) -> bytes:
    """The index as compact UTF-8 JSON, the same bytes for the same corpus."""
    text = json.dumps(search_index(corpus), ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def search_page(corpus: Corpus) -> Page:
    context = {"title": "搜索", "total": len(corpus.agencies), "search_strings": SEARCH_STRINGS}
    return Page(PAGE_PATH, "search.html", context)


# What static/search.js writes, looked up in the page's language (search-strings).
SEARCH_STRINGS = (
    "{0}年报告",
    "报告",
    "地区不详",
    "找到 {0} 个机关",
    "、{0} 个页面",
    "；显示最相关的 {0} 个，加上地区或年份可以缩小范围",
    "本站页面",
    "正在载入索引…",
    "搜索索引载入失败，请刷新页面重试，或在机关列表中查找。",
)


def search_files(corpus: Corpus, render: Any) -> dict[str, bytes]:
    """The page in each edition (`render(page)` makes {path: HTML}) and the index."""
    return {**render(search_page(corpus)), INDEX_PATH: index_bytes(corpus)}


def search_inputs(corpus: Corpus, facts: Sequence[str]) -> object:
    """What the index shows: every agency's facts (name, region, level, kind, years) and the pages."""
    return (tuple(facts), tuple(sorted(corpus.pages.items())))
