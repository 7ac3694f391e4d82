"""Page contexts for the corpus-wide pages: agencies index, data, quality, comparison, Markdown, 404."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup

from generator.data.analyst import EXAMPLES, SQLITE_PATH, analyst_paths
from generator.data.codelists import codelist_files
from generator.data.files import corpus_package_paths, schema_file_paths
from generator.data.package import RESOURCE_TEXT, RESOURCES
from generator.data.release import CHANGES, RELEASES_DIR
from generator.model import Report
from generator.site.figures import (
    HEADLINES,
    RESULT_GROUPS,
    SHARE_METHOD,
    add,
    app_total,
    flagging_finding,
    share_disclosed,
)
from generator.site.i18n import PREFIX, PRIMARY, edition_path, translate
from generator.site.markdown import render_markdown
from generator.site.model import (
    KIND_LABELS,
    LEVEL_LABELS,
    LEVEL_ORDER,
    Agency,
    Corpus,
    agency_url,
    report_url,
    root_for,
)
from generator.site.pages import FILE_LABELS, Download, Files, Page
from generator.site.pages_quality import province_key
from generator.site.romanise import agency_name, division_name, place_en
from generator.site.table_html import escaped
from generator.site.textfmt import format_or_dash, format_percent

# --- agencies index ---------------------------------------------------------------------------------


AGENCIES_PATH = "agencies/index.html"
UNKNOWN_REGION = ("unknown", "地区不详")


def region_page_path(code: str) -> str:
    """A province's list of agencies (agency ids are words and hyphens: never a folder of regions/)."""
    return f"regions/{code}/index.html"


def agencies_by_province(corpus: Corpus) -> dict[tuple[str, str], list[Agency]]:
    """Provinces in code order (unknown last), each with its agencies in the corpus's order."""
    by_province: dict[tuple[str, str], list[Agency]] = {}
    for agency in corpus.agencies:
        by_province.setdefault(province_key(agency), []).append(agency)
    return dict(sorted(by_province.items(), key=lambda item: (item[0] == UNKNOWN_REGION, item[0][0])))


def agencies_page(corpus: Corpus) -> Page:
    """The provinces, each linking its list of agencies (one list of every agency grew to 1.5 MB at
    10,000 reports); finding one by name is the search page's."""
    provinces = [
        (
            name,
            region_page_path(code).removesuffix("index.html"),
            len(agencies),
            sum(len(a.reports) for a in agencies),
            division_name(name, code) if code != UNKNOWN_REGION[0] else translate(name, "en"),
        )
        for (code, name), agencies in corpus.derived("agencies_by_province", agencies_by_province).items()
    ]
    context = {"title": "机关", "provinces": provinces, "total": len(corpus.agencies)}
    return Page(AGENCIES_PATH, "agencies.html", context)


def region_page(province: tuple[tuple[str, str], list[Agency]]) -> Page:
    """One province's agencies, grouped by level and kind, with a filter box."""
    (code, name), agencies = province
    path = region_page_path(code)
    levels: dict[tuple[int, int], list[Agency]] = {}
    for agency in agencies:
        group = (LEVEL_ORDER.index(agency.level), 0 if agency.kind == "government" else 1)
        levels.setdefault(group, []).append(agency)
    root, root_en = root_for(path), root_for(edition_path(path, "en"))
    groups = [
        (
            _group_label(level, kind),
            agency_items_html(members, root),
            agency_items_html(members, root_en + PREFIX["en"], "en"),
        )
        for (level, kind), members in sorted(levels.items())
    ]
    english = division_name(name, code) if code != UNKNOWN_REGION[0] else translate(name, "en")
    context = {
        "title": f"{name}：机关",
        "title_en": f"{english}: agencies",
        "province": name,
        "province_en": english,
        "groups": groups,
        "total": len(agencies),
    }
    return Page(path, "region.html", context)


def _group_label(level: int, kind: int) -> str:
    return f"{LEVEL_LABELS[LEVEL_ORDER[level]]}{KIND_LABELS['government' if kind == 0 else 'department']}"


def agency_items_html(agencies: Iterable[Agency], root: str, lang: str = PRIMARY) -> Markup:
    """The list's items, one line each, written in Python rather than a Jinja loop: the list of every
    agency is made again whenever one is added, and the loop over 3,000 of them took a tenth of a
    second. Every text is escaped, as autoescaping would. `data-name` is what the filter matches:
    the name and the region's name (in English also their romanised forms). `root` leads to the
    pages of the edition (en/ included)."""
    lines = []
    unknown = translate("年度不详", lang)
    for agency in agencies:
        region = escaped(agency.region.name) if agency.region else ""
        name = escaped(agency.name)
        years = "".join(
            f'<a href="{root}{escaped(report_url(r))}">{r.meta.year or unknown}</a>' for r in agency.reports
        )
        shown, where, keys = name, region, f"{name} {region}"
        if lang != PRIMARY:
            roman = escaped(agency_name(agency.name, agency.region))
            shown = f'{roman} <span lang="zh-CN" class="zh">{name}</span>'
            where = f'<span lang="zh-CN">{region}</span>' if region else ""
            keys = f"{roman} {keys}"
        lines.append(
            f'<li data-name="{keys}"><a href="{root}{escaped(agency_url(agency.id))}">{shown}</a>'
            f' <span class="muted">{where}</span> <span class="yrs">{years}</span></li>\n'
        )
    return Markup("".join(lines))


# --- data ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchemaField:
    name: str
    title: str
    type: str
    description: str
    constraints: Markup
    constraints_en: Markup


def data_page(corpus: Corpus, files: Files) -> Page:
    package = _json(files.get("data/datapackage.json"))
    context = {
        "title": "数据下载",
        "downloads": _tables_first(files.of(corpus_package_paths())),
        "analyst": analyst_downloads(files),
        "examples": EXAMPLES,
        "schemas": _tables_first(files.of(schema_file_paths())),
        "codelists": files.of(sorted(codelist_files())),
        "dictionary": [
            (name, table_label(name), schema.get("description", ""), _fields(schema))
            for name, schema in sorted(corpus.schemas.items(), key=_schema_order)
        ],
        "package_title": package.get("title"),
        "package_version": package.get("version"),
        "package_created": package.get("created"),
        "release": release_summary(files, package.get("version")),
        "licenses": package.get("licenses", []) if package else [],
        "example": corpus.reports[0] if corpus.reports else None,
        "reports": len(corpus.reports),
        "with_source_url": sum(1 for r in corpus.reports if r.meta.source_url),
    }
    return Page("data/index.html", "data.html", context)


@dataclass(frozen=True)
class ReleaseSummary:
    changes: Download | None  # data/changes.csv
    counts: list[tuple[str, int]]  # this release's changes by reason, in REASON_LABELS order
    kept: list[tuple[str, Download, str]]  # (version, its zip, sha256) for every kept release


REASON_LABELS = {
    "new-report": "新增报告",
    "removed-report": "删除报告",
    "correction": "更正原文",
    "parser-fix": "解析程序改进",
    "details": "仅问题、行号等变化",
}


def release_summary(files: Files, version: str | None) -> ReleaseSummary:
    """What the data page says of the release: its changes by reason, and the releases kept."""
    changes = files.get(f"data/{CHANGES}.csv")
    counts: dict[str, int] = {}
    if changes:
        for row in csv.DictReader(io.StringIO(changes.decode("utf-8-sig"))):
            if row["version"] == version:
                counts[row["reason"]] = counts.get(row["reason"], 0) + 1
    index = json.loads(files.get(f"{RELEASES_DIR}/index.json") or b"[]")
    kept = [
        (entry["version"], files.download(f"{RELEASES_DIR}/{entry['path']}"), entry["sha256"])
        for entry in index
        if files.get(f"{RELEASES_DIR}/{entry['path']}") is not None
    ]
    ordered = [(REASON_LABELS[reason], counts[reason]) for reason in REASON_LABELS if reason in counts]
    listed = replace(files.download(f"data/{CHANGES}.csv"), label="变更表") if changes else None
    return ReleaseSummary(listed, ordered, kept)


def analyst_downloads(files: Files) -> list[Download]:
    """The Parquet files and the database, labelled by what they hold (the download lists' labels
    name a table by its file name, and the database is every table)."""
    order = analyst_paths()
    downloads = sorted(files.of(order), key=lambda d: order.index(d.path))
    return [replace(d, label=_analyst_label(d.path)) for d in downloads]


def _analyst_label(path: str) -> str:
    if path == SQLITE_PATH:
        return "全部表格（SQLite 数据库）"
    table = path.rsplit("/", 1)[-1].removesuffix(".parquet")
    return f"{table_label(table) or table}（Parquet）"


def table_label(name: str) -> str:
    """What a table is, in Chinese: its download label, else the Chinese half of its title."""
    if name in FILE_LABELS:
        return FILE_LABELS[name]
    return RESOURCE_TEXT[name][0].split(" / ")[0] if name in RESOURCE_TEXT else ""


def _tables_first(downloads: list[Download]) -> list[Download]:
    """A download list with the tables' files in table order first, labelled (the other files keep
    their place and label)."""

    def stem(download: Download) -> str:
        return download.name.split(".")[0]

    tables = sorted((d for d in downloads if stem(d) in RESOURCES), key=lambda d: RESOURCES.index(stem(d)))
    rest = [d for d in downloads if stem(d) not in RESOURCES]
    return [replace(d, label=table_label(stem(d)) or d.label) for d in tables] + rest


def _schema_order(item: tuple[str, Mapping[str, Any]]) -> tuple[int, str]:
    return (RESOURCES.index(item[0]) if item[0] in RESOURCES else len(RESOURCES), item[0])


def _json(data: bytes | None) -> dict[str, Any]:
    if data is None:
        return {}
    try:
        value = json.loads(data)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _fields(schema: Mapping[str, Any]) -> list[SchemaField]:
    return [
        SchemaField(
            f.get("name", ""),
            f.get("title", ""),
            f.get("type", "string"),
            f.get("description", ""),
            _constraints(f.get("constraints", {})),
            _constraints(f.get("constraints", {}), "en"),
        )
        for f in schema.get("fields", [])
    ]


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _constraints(constraints: Mapping[str, Any], lang: str = PRIMARY) -> Markup:
    """A field's constraints in words, in `lang` (HTML: every value escaped)."""

    def t(text: str) -> str:
        return translate(text, lang)

    parts = []
    if constraints.get("required"):
        parts.append(t("必填"))
    if "minimum" in constraints:
        parts.append(t(f"最小值 {constraints['minimum']}"))
    if "maximum" in constraints:
        parts.append(t(f"最大值 {constraints['maximum']}"))
    if "enum" in constraints:
        values = [str(v) for v in constraints["enum"]]
        if lang != PRIMARY:  # values in Chinese are the data's own: marked so on an English page
            values = [
                f'<code lang="zh-CN">{escaped(v)}</code>' if _CJK.search(v) else escaped(v) for v in values
            ]
        else:
            values = [escaped(v) for v in values]
        shown = t("、").join(values[:8]) + (t(f" 等 {len(values)} 个") if len(values) > 8 else "")
        parts.append(t("取值：") + shown)
    if "pattern" in constraints:
        parts.append(t("格式：") + escaped(constraints["pattern"]))
    return Markup(t("；").join(parts))


# --- comparison -----------------------------------------------------------------------------------------

COMPARE_COLUMNS: tuple[tuple[str, str], ...] = (
    *((h.id, h.label) for h in HEADLINES if h.id in ("new_received", "carried_over")),
    *((f"group:{label}", label) for label, _ in RESULT_GROUPS),
    *((h.id, h.label) for h in HEADLINES if h.id not in ("new_received", "carried_over", "disclosed")),
)


def _compare_cells(column: str) -> tuple[str, ...]:
    """The cells a comparison column is read from, as findings name them."""
    if column.startswith("group:"):
        return tuple(f"applications.{row}." for row in dict(RESULT_GROUPS)[column.removeprefix("group:")])
    return next(h for h in HEADLINES if h.id == column).cells


def _compare_value(report: Report, column: str) -> str:
    if column.startswith("group:"):
        rows = dict(RESULT_GROUPS)[column.removeprefix("group:")]
        return format_or_dash(add(app_total(report, row) for row in rows))
    headline = next(h for h in HEADLINES if h.id == column)
    return format_or_dash(headline.get(report))


def _region_key(agency: Agency) -> tuple[str, str]:
    """Comparison groups are cities (prefectures); a province when the city is unknown."""
    region = agency.region
    if region and region.city_code:
        return region.city_code, f"{region.province or ''}{region.city}"
    if region and region.province_code:
        return region.province_code, region.province or region.province_code
    return "unknown", "地区不详"


def compare_groups(corpus: Corpus) -> dict[tuple[str, str, int], list[Report]]:
    """The reports of each region and year (computed once per corpus)."""
    return corpus.derived("compare_groups", _compare_groups)


def _compare_groups(corpus: Corpus) -> dict[tuple[str, str, int], list[Report]]:
    groups: dict[tuple[str, str, int], list[Report]] = {}
    for agency in corpus.agencies:
        code, name = _region_key(agency)
        for report in agency.reports:
            if report.meta.year:
                groups.setdefault((code, name, report.meta.year), []).append(report)
    return dict(sorted(groups.items()))


CompareGroup = tuple[tuple[str, str, int], list[Report]]  # (region code, region name, year), reports


def compare_page_path(code: str, year: int) -> str:
    return f"compare/{code}-{year}/index.html"


def compare_group_page(group: CompareGroup) -> Page:
    (code, name, year), reports = group
    ordered = sorted(reports, key=lambda r: (r.meta.agency_id or "", r.meta.report_id or ""))
    rows = [
        (
            r,
            [(_compare_value(r, c), flagging_finding(r, _compare_cells(c))) for c, _ in COMPARE_COLUMNS],
            format_percent(share_disclosed(r)),
            agency_name(r.meta.agency or "", r.meta.region),
        )
        for r in ordered
    ]
    place = place_en(code, name)
    context = {
        "title": f"{name} {year}年度比较",
        "title_en": f"{place}, {year}: agencies side by side",
        "region": name,
        "region_en": place,
        "year": year,
        "columns": COMPARE_COLUMNS,
        "rows": rows,
        "flagged": sum(1 for _, values, _, _ in rows if any(flag for _, flag in values)),
        "share_method": SHARE_METHOD,
    }
    return Page(compare_page_path(code, year), "compare.html", context)


# --- Markdown pages and 404 -------------------------------------------------------------------------

_HEADING = re.compile(r"^#\s+(.+)$", re.MULTILINE)
PAGE_TITLES = {"about": "关于本站", "methodology": "方法说明", "contribute": "参与贡献"}


def markdown_page(corpus: Corpus, slug: str) -> Page:
    """content/pages/<slug>.md as <slug>/index.html; its first heading is the title."""
    text = corpus.pages[slug]
    match = _HEADING.search(text)
    title = match.group(1).strip() if match else PAGE_TITLES.get(slug, slug)
    body = _HEADING.sub("", text, count=1) if match else text
    english = corpus.pages.get(f"en/{slug}")
    html_en = Markup(render_markdown(english)) if english else None
    context = {
        "title": title,
        "slug": slug,
        "html": Markup(render_markdown(body)),
        "html_en": html_en,
    }
    if english and (heading := _HEADING.search(english)):
        context["title_en"] = heading.group(1).strip()
    return Page(f"{slug}/index.html", "page.html", context)


def not_found_page() -> Page:
    return Page("404.html", "404.html", {"title": "页面不存在"})
