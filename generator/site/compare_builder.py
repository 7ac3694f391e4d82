"""The comparison builder on `compare/`: a reader picks a province (all of it, a city, a level, a kind,
or chosen agencies), years and measures, and gets a sortable table to share and download.

It works on a static host: the build writes one JSON file per province (`compare/data/<code>.json`:
its cities, agencies and every report's counts with the findings that flag them) and the page
carries the measures and provinces; static/compare.js does the rest in the browser. Counts come
first; the one ratio is computed from two counts, with its method beside it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.model import Number, Report
from generator.site.figures import (
    HEADLINES,
    RESULT_GROUPS,
    SHARE_METHOD,
    add,
    app_total,
    flagging_finding,
)
from generator.site.model import KIND_LABELS, LEVEL_LABELS, Agency, Corpus, report_id
from generator.site.pages import Page
from generator.site.pages_corpus import compare_groups
from generator.site.pages_quality import Province, province_groups
from generator.site.romanise import agency_name, division_name, place_en, province_en
from generator.spec import APPLICANT_COLUMNS

DATA_FORMAT = 2  # 2: English names of the province, cities and agencies
DATA_DIR = "compare/data"
MAX_SHOWN_ROWS = 1000  # rows drawn in the page; the downloads carry them all


@dataclass(frozen=True)
class Measure:
    id: str  # in the URL and the downloads
    label: str
    group: str  # the fieldset it is listed in
    get: Callable[[Report], Number | None]
    cells: tuple[str, ...]  # the cells it is read from, as findings name them (flags)


def _headline(id_: str) -> Measure:
    h = next(h for h in HEADLINES if h.id == id_)
    group = "申请数量" if h.cells[0].startswith("applications.") else "行政复议和诉讼"
    return Measure(h.id, h.label, group, h.get, h.cells)


GROUP_IDS = {
    "予以公开": "disclosed",
    "部分公开": "partially_disclosed",
    "不予公开": "withheld",
    "无法提供": "unavailable",
    "不予处理": "not_processed",
    "其他处理": "other_results",
}


def _result_group(label: str, rows: tuple[str, ...]) -> Measure:
    return Measure(
        GROUP_IDS[label],
        label,
        "办理结果（“总计”列）",
        lambda r: add(app_total(r, row) for row in rows),
        tuple(f"applications.{row}." for row in rows),
    )


def _applicant(column: str, label: str) -> Measure:
    return Measure(
        f"new_{column}",
        f"新收：{label}",
        "本年新收申请，按申请人",
        lambda r: r.applications.cell("new_received", column).value,
        (f"applications.new_received.{column}",),
    )


MEASURES: tuple[Measure, ...] = (
    _headline("new_received"),
    _headline("carried_over"),
    _headline("total_processed"),
    _headline("carried_forward"),
    *(_result_group(label, rows) for label, rows in RESULT_GROUPS),
    *(_applicant(cid, label) for cid, label in APPLICANT_COLUMNS if cid != "total"),
    _headline("reconsideration"),
    _headline("litigation"),
)
DEFAULT_MEASURES = ("new_received", "total_processed", "disclosed", "share_disclosed")
# The one ratio: of two counts above, computed in the browser from the same numbers as the table.
RATIOS: tuple[dict[str, Any], ...] = (
    {
        "id": "share_disclosed",
        "label": "予以公开占比",
        "of": ["disclosed", "total_processed"],
        "method": SHARE_METHOD,
    },
)


# What static/compare.js writes, looked up in the page's language (builder-strings).
JS_STRINGS = (
    "与该报告的问题 ※{0} 有关",
    "与问题 {0} 有关",
    "机关",
    "年度",
    "{0}：{1} 个机关，{2} 份报告",
    "（页面显示前 {0} 行，下载包含全部）",
    "。",
    "{0} 份报告的数字旁有 ※：该报告中有与这个数字有关的问题，点击查看。",
    "无该年度报告",
    "机关ID(agency_id)",
    "机关(agency)",
    "城市(city)",
    "年度(year)",
    "报告ID(report_id)",
    "有相关问题的项目(flagged)",
    "报告网址(url)",
    "没有符合条件的报告。请放宽地区、级别或年度。",
    "下载此表（CSV）",
    "下载此表（JSON）",
    "比较结果（表格）",
    "空格：该机关没有这一年度的报告；“—”：报告中该格为空白或无法计算。",
    "已选 {0} 个机关。",
    "未勾选机关：比较符合条件的全部机关（{0} 个）。",
    "还有 {0} 个机关未列出，请用城市、级别或名称缩小范围。",
    "正在载入……",
    "数据载入失败，请刷新页面重试。",
)


def js_strings() -> tuple[str, ...]:
    """Every text the script shows: its own, the measures' labels and the ratio's method."""
    return (
        *JS_STRINGS,
        *(m.label for m in MEASURES),
        *(r[key] for r in RATIOS for key in ("label", "method")),
    )


def data_path(code: str) -> str:
    return f"{DATA_DIR}/{code}.json"


# --- one province's data ----------------------------------------------------------------------------


def province_data(province: Province) -> dict[str, Any]:
    """Compact columns: agencies once, then one row per report — [agency, year, report id, values in
    MEASURES order (null: blank), flags as [measure index, finding number] pairs]."""
    agencies: list[Agency] = []
    index: dict[str, int] = {}
    cities: dict[str, str] = {}
    rows = []
    for agency, report in province.members:
        if agency.id not in index:
            index[agency.id] = len(agencies)
            agencies.append(agency)
            if agency.region and agency.region.city_code:
                cities[agency.region.city_code] = agency.region.city or agency.region.city_code
        if report.meta.year:
            rows.append([index[agency.id], report.meta.year, report_id(report), *_values(report)])
    return {
        "format": DATA_FORMAT,
        "code": province.code,
        "name": province.name,
        "name_en": province_en(province),
        "cities": [[code, name, division_name(name, code)] for code, name in sorted(cities.items())],
        "agencies": [_agency_entry(a) for a in agencies],
        "reports": rows,
    }


def _agency_entry(agency: Agency) -> list[str]:
    city = agency.region.city_code if agency.region and agency.region.city_code else ""
    return [agency.id, agency.name, city, agency.level, agency.kind, agency_name(agency.name, agency.region)]


def _values(report: Report) -> tuple[list[Number | None], list[list[int]]]:
    values = [m.get(report) for m in MEASURES]
    flags = []
    if report.findings:
        for i, measure in enumerate(MEASURES):
            number = flagging_finding(report, measure.cells)
            if number is not None:
                flags.append([i, number])
    return values, flags


def province_data_bytes(province: Province) -> bytes:
    text = json.dumps(province_data(province), ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


# --- the page ---------------------------------------------------------------------------------------


def builder_config(corpus: Corpus) -> dict[str, Any]:
    """What the page carries for the script (a JSON script element): provinces, years, measures."""
    return {
        "format": DATA_FORMAT,
        "provinces": [[p.code, p.name, p.reports] for p in province_groups(corpus)],
        "years": corpus_years(corpus),
        "measures": [[m.id, m.label, m.group] for m in MEASURES],
        "ratios": list(RATIOS),
        "defaults": list(DEFAULT_MEASURES),
        "levels": LEVEL_LABELS,
        "kinds": KIND_LABELS,
        "maxRows": MAX_SHOWN_ROWS,
    }


def corpus_years(corpus: Corpus) -> list[int]:
    return sorted({r.meta.year for r in corpus.reports if r.meta.year})


def measure_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The page's fieldsets of measures: counts by group, then the ratio."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for m in MEASURES:
        groups.setdefault(m.group, []).append((m.id, m.label))
    groups["比例"] = [(r["id"], r["label"]) for r in RATIOS]
    return list(groups.items())


def builder_context(corpus: Corpus) -> dict[str, Any]:
    """The compare page's builder: its form (drawn at build time) and the script's configuration."""
    return {
        "builder": builder_config(corpus),
        "builder_measures": measure_groups(),
        "builder_defaults": DEFAULT_MEASURES,
        "builder_strings": js_strings(),
        "share_method": SHARE_METHOD,
    }


def compare_page(corpus: Corpus) -> Page:
    """compare/: the builder, then the fixed table of each city (or province) and year, grouped by
    province (folded: at 10,000 reports they are thousands of links)."""
    names = {p.code: p.name for p in province_groups(corpus)}
    by_province: dict[str, list[tuple[str, int, str, int, str]]] = {}
    for (code, name, year), reports in compare_groups(corpus).items():
        province = code[:2] + "0000" if code[:2].isdigit() else "unknown"
        item = (name, year, f"{code}-{year}/", len(reports), place_en(code, name))
        by_province.setdefault(province, []).append(item)
    groups = [
        (names.get(code, "地区不详"), items, province_en(Province(code, names.get(code, "地区不详"), ())))
        for code, items in sorted(by_province.items(), key=lambda item: (item[0] == "unknown", item[0]))
    ]
    context = {"title": "比较", "groups": groups, **builder_context(corpus)}
    return Page("compare/index.html", "compare_index.html", context)
