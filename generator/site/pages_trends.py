"""Trend pages: the country's and each province's yearly totals, as a chart with its table.

`trends/` sums every report of each year, `trends/<province code>/` a province's. A total adds the
cells that print a number (a blank is not 0, and how many reports left it blank is said), and says
how many of the reports summed have a finding about that number, as the home page does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from generator.model import Number, Report
from generator.site.charts import ChartFigure, trend_figure
from generator.site.figures import HEADLINES, corpus_total, summed_figures
from generator.site.i18n import translate
from generator.site.model import Corpus
from generator.site.pages import Page, year_row
from generator.site.pages_quality import province_groups
from generator.site.romanise import province_name_en
from generator.site.tilemap import tile_maps

SHOWN = ("new_received", "total_processed", "disclosed", "reconsideration", "litigation")
NATIONAL = "national"


def trend_items(corpus: Corpus) -> list[str]:
    """The national page, then one per province that has reports."""
    return [NATIONAL, *(p.code for p in province_groups(corpus) if p.members)]


def trend_page_path(item: str) -> str:
    return "trends/index.html" if item == NATIONAL else f"trends/{item}/index.html"


def trend_page(corpus: Corpus, item: str) -> Page:
    provinces = province_groups(corpus)
    if item == NATIONAL:
        name, reports = "全国", list(corpus.reports)
    else:
        province = next(p for p in provinces if p.code == item)
        name, reports = province.name, [report for _, report in province.members]
    scope_en = translate(name, "en") if item == NATIONAL else province_name_en(item, name)
    years, rows = yearly_rows(reports)
    context: dict[str, Any] = {
        "title": f"{name}历年趋势",
        "title_en": f"{scope_en}: trends by year",
        "scope": name,
        "scope_en": scope_en,
        "national": item == NATIONAL,
        "columns": [h.label for h in HEADLINES if h.id in SHOWN],
        "rows": rows,
        "figures": [_figure(name, years, rows)] if len(years) > 1 else [],
        "provinces": [(p.name, p.code, len(p.members)) for p in provinces if p.members and item == NATIONAL],
        "tile_maps": tile_maps(corpus) if item == NATIONAL else [],
    }
    context["has_charts"] = any(f.drawable for f in context["figures"])
    return Page(trend_page_path(item), "trends.html", context)


def yearly_rows(reports: Sequence[Report]) -> tuple[list[int], list[dict[str, Any]]]:
    """Each year's report count and, per shown headline, (total as shown, blank reports, flagged
    reports): the home page's yearly rows, for the reports of the page's scope."""
    by_year: dict[int, list[Report]] = defaultdict(list)
    for report in reports:
        if report.meta.year:
            by_year[report.meta.year].append(report)
    shown = [i for i, h in enumerate(HEADLINES) if h.id in SHOWN]
    rows = []
    for year in sorted(by_year):
        row = year_row(year, by_year[year])
        rows.append(
            {**row, "cells": [row["totals"][i] for i in shown], "values": _values(by_year[year], shown)}
        )
    return sorted(by_year), rows


def _values(reports: Sequence[Report], shown: list[int]) -> list[Number | None]:
    """The shown headlines' totals as numbers (the chart draws them)."""
    figures = [summed_figures(r).headlines for r in reports]
    return [corpus_total([f[i] for f in figures])[0] for i in shown]


def _figure(name: str, years: list[int], rows: list[dict[str, Any]]) -> ChartFigure:
    """The three application counts across years (review and litigation are in the table only:
    they are two orders of magnitude smaller)."""
    labels = [h.label for h in HEADLINES if h.id in SHOWN][:3]
    series = [(label, [row["values"][k] for row in rows]) for k, label in enumerate(labels)]
    caption = "各年度合计：新收、办理总计与予以公开（“总计”列，件）"  # the page names its scope
    return trend_figure("fig-trend", caption, years, series)
