"""Vega-Lite charts, defined once with Altair and fed each page's numbers.

Altair builds and validates each chart type's specification once (`chart_specs`, cached). A page
carries the chart drawn at build time (site/drawing.py) and its data (`{"spec": kind, "values":
[...]}` in a JSON script element beside the figure's HTML table). When a reader asks for the
interactive chart, static/figures.js loads `static/charts.js`, which puts the data into the shared
specification and calls vega-embed from the bundle in `static/vega.js`. `with_data` does the same
swap in Python, for tests.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from generator.clock import timed
from generator.model import Number
from generator.site.drawing import Point, Series, bar_widths, trend_legend, trend_svg
from generator.site.i18n import PRIMARY, translate
from generator.site.textfmt import format_or_dash

if TYPE_CHECKING:
    import altair as alt

FONT = 'system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif'
INK, BAR = "#1f2933", "#2458a6"
DATA_NAME = "values"  # the placeholder dataset that each page's values replace
BAR_STEP = 28  # pixels per bar

# Export only: no "view source" or "open in editor" (the editor lives on another host).
EMBED_OPTIONS: dict[str, Any] = {
    "renderer": "svg",
    "actions": {"export": True, "source": False, "compiled": False, "editor": False},
    "i18n": {
        "CLICK_TO_VIEW_ACTIONS": "导出图表",
        "PNG_ACTION": "保存为 PNG 图片",
        "SVG_ACTION": "保存为 SVG 图片",
        "COMPILED_ACTION": "查看 Vega 代码",
        "EDITOR_ACTION": "在 Vega 编辑器中打开",
        "SOURCE_ACTION": "查看源代码",
    },
}
# d3-format's zh-CN locale (the same as vl_convert.get_format_locale("zh-CN")), fixed here so that the
# build does not depend on a lookup.
ZH_CN_FORMAT_LOCALE = {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["¥", ""]}


def INTEGER_TICKS(scale: str, size: str) -> alt.ExprRef:
    """Counts have integer ticks only: never more ticks than the largest count (so no 0.5 labelled "1")."""
    import altair as alt

    return alt.ExprRef(expr=f"max(1, min(ceil({size}/60), domain('{scale}')[1]))")


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(
            labelColor=INK, titleColor=INK, labelFontSize=13, titleFontSize=13, titleFontWeight="normal"
        )
        .configure_legend(labelColor=INK, labelFontSize=13, labelLimit=0)
    )


def _bar_chart() -> alt.TopLevelMixin:
    """Horizontal bars, one per labelled count, each with its number written at its end."""
    import altair as alt  # 0.3 s: imported only when the chart specifications are made

    base = alt.Chart(alt.Data(name=DATA_NAME)).encode(
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=200, ticks=False)),
        x=alt.X("value:Q", title="件数", axis=alt.Axis(format=",d", tickCount=INTEGER_TICKS("x", "width"))),
        tooltip=[alt.Tooltip("label:N", title="项目"), alt.Tooltip("value:Q", title="件数", format=",d")],
    )
    bars = base.mark_bar(color=BAR, height={"band": 0.7})
    labels = base.mark_text(align="left", dx=4, color=INK, fontSize=13).encode(
        text=alt.Text("value:Q", format=",d")
    )
    # Height grows with the number of bars, so only the width is fitted to the page.
    chart = alt.layer(bars, labels).properties(
        width="container",
        height=alt.Step(BAR_STEP),
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )
    return _config(chart.properties(padding={"right": 24, "left": 4, "top": 4, "bottom": 4}))


def _trend_chart() -> alt.TopLevelMixin:
    """Several counts across years, on a true time axis: a year without a report leaves a gap (the
    line breaks there, `segment`), not two years drawn side by side. Each series has its own dash,
    shape and colour, and a wider line and larger ring the earlier it is listed (`order`), so series
    that coincide still show, one inside the other."""
    import altair as alt

    legend = alt.Legend(orient="bottom", direction="vertical", symbolSize=120, symbolFillColor=None)
    colour = alt.Scale(scheme="dark2")
    base = alt.Chart(alt.Data(name=DATA_NAME)).encode(
        x=alt.X(
            "year:Q",
            title="年度",
            scale=alt.Scale(zero=False, nice=False, padding=12),
            axis=alt.Axis(format="d", tickMinStep=1, labelAngle=0, labelFlush=False),
        ),
        y=alt.Y("value:Q", title="件数", axis=alt.Axis(format=",d", tickCount=INTEGER_TICKS("y", "height"))),
        tooltip=[
            alt.Tooltip("year:Q", title="年度", format="d"),
            alt.Tooltip("measure:N", title="项目"),
            alt.Tooltip("value:Q", title="件数", format=",d"),
        ],
    )
    lines = base.mark_line().encode(
        color=alt.Color("measure:N", sort=None, scale=colour, legend=None),
        strokeDash=alt.StrokeDash("measure:N", sort=None, legend=None),
        strokeWidth=alt.StrokeWidth("order:O", scale=alt.Scale(range=[5, 3, 1.5]), legend=None),
        detail=alt.Detail("segment:N"),
    )
    # The legend comes from the points: colour and shape together name each series.
    # A number about a finding of its report is a filled point (the table beside marks it ※).
    points = base.mark_point(opacity=1, strokeWidth=2).encode(
        stroke=alt.Stroke("measure:N", title=None, sort=None, scale=colour, legend=legend),
        shape=alt.Shape("measure:N", title=None, sort=None, legend=legend),
        size=alt.Size("order:O", scale=alt.Scale(range=[260, 130, 45]), legend=None),
        fill=alt.condition(
            "datum.flagged",
            alt.Fill("measure:N", sort=None, scale=colour, legend=None),
            alt.value("transparent"),
        ),
    )
    return _config(alt.layer(lines, points).properties(width="container", height=220))


CHART_BUILDERS = {"bar": _bar_chart, "trend": _trend_chart}


@lru_cache(maxsize=1)
def chart_specs() -> dict[str, dict[str, Any]]:
    """Each chart type's Vega-Lite specification, built and validated by Altair once per process."""
    return {kind: build().to_dict() for kind, build in CHART_BUILDERS.items()}


def with_data(kind: str, values: list[dict[str, Any]]) -> dict[str, Any]:
    """The full specification of one chart: the shared spec with the placeholder data replaced."""
    spec = copy.deepcopy(chart_specs()[kind])
    _replace_data(spec, values)
    return spec


def _replace_data(spec: dict[str, Any], values: list[dict[str, Any]]) -> None:
    spec["data"] = {"values": values}


def charts_script(lang: str = PRIMARY) -> str:
    """static/charts.js (charts.en.js for English pages): the specifications, options and the few
    lines that draw each figure, their titles and menu in `lang`."""
    specs = json.dumps(_in(chart_specs(), lang), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    options = _in(dict(EMBED_OPTIONS, formatLocale=ZH_CN_FORMAT_LOCALE), lang)
    options_json = json.dumps(options, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return CHARTS_JS.replace("__SPECS__", specs).replace("__OPTIONS__", options_json)


def _in(value: Any, lang: str) -> Any:
    """A specification with every Chinese string in it (axis titles, tooltips, menu) in `lang`."""
    if isinstance(value, dict):
        return {key: _in(item, lang) for key, item in value.items()}
    if isinstance(value, list):
        return [_in(item, lang) for item in value]
    if isinstance(value, str) and lang != PRIMARY:
        return translate(value, lang)
    return value


CHARTS_JS = """/* Generated by generator/charts.py: window.siteCharts.draw(figure) draws a <figure data-chart>
   from its JSON data with Vega; static/figures.js loads this file (and vega.js) on demand. */
(function () {
  "use strict";
  var SPECS = __SPECS__;
  var OPTIONS = __OPTIONS__;
  function draw(figure) {
    var data = JSON.parse(figure.querySelector("script[type='application/json']").textContent);
    var target = figure.querySelector(".vis");
    var spec = Object.assign({}, SPECS[data.spec], {data: {values: data.values}});
    if (data.height) { spec.height = data.height; }  // a number: Vega-Lite warns about step heights
    target.hidden = false;
    return window.vegaEmbed(target, spec, OPTIONS).then(function () {
      // vega-embed's menu button is an icon: give it a name screen readers can announce.
      var name = OPTIONS.i18n.CLICK_TO_VIEW_ACTIONS;
      target.querySelectorAll("summary").forEach(function (s) { s.setAttribute("aria-label", name); });
    }).catch(function (error) { target.hidden = true; throw error; });
  }
  window.siteCharts = {draw: draw};
})();
"""


# --- what a page shows: a caption, the numbers as a table, and the chart's data --------------------


Flag = tuple[str, str]  # (#anchor of the finding, or the site path of the page listing them; what it means)

REPORT_NOTE = "※：该报告中有与这个数字有关的问题，点击查看。"


@dataclass(frozen=True)
class ChartFigure:
    kind: str  # key of CHART_BUILDERS
    id: str  # element id, unique on its page
    caption: str
    columns: tuple[str, ...]  # header of the figure's table
    rows: tuple[tuple[str, ...], ...]  # the table's rows, numbers already formatted
    payload: dict[str, Any]  # {"spec": kind, "values": [...]}, written with |tojson
    note: str = ""  # said under the figure (what a ※ beside a number means)
    # Drawn at build time (site/drawing.py): each value cell's bar (percent, None: no bar), aligned
    # with rows[i][1:], or the trend chart's SVG.
    widths: tuple[tuple[int | None, ...], ...] = ()
    drawing: Markup | None = None
    legend: tuple[tuple[Markup, str], ...] = ()  # the trend chart's: each series' sample and name
    # Per value cell (aligned with widths): the ※ beside it, (link, what it says), or None.
    flags: tuple[tuple[Flag | None, ...], ...] = ()

    @property
    def drawable(self) -> bool:
        """Worth drawing: some count is above zero (all blanks or zeros say everything in the table)."""
        return any(v["value"] for v in self.payload["values"])


@timed("charts")
def bar_figure(
    id_: str,
    caption: str,
    pairs: Sequence[tuple[str, Number | None]],
    label_title: str = "项目",
    flags: Sequence[Flag | None] = (),
    note: str = REPORT_NOTE,
) -> ChartFigure:
    """Counts by label; blank counts stay in the table (as "—") and are left out of the chart.
    `flags`: per label, the ※ beside its count; `note` says what a ※ means (when there is one)."""
    values = [{"label": label, "value": value} for label, value in pairs if value is not None]
    rows = tuple((label, format_or_dash(value)) for label, value in pairs)
    widths = tuple((w,) for w in bar_widths([value for _, value in pairs]))
    marks = tuple((f,) for f in flags)
    note = note if any(flags) else ""
    payload = _bar_payload(values)
    columns = (label_title, "件数")
    return ChartFigure("bar", id_, caption, columns, rows, payload, note, widths, flags=marks)


def _bar_payload(values: list[dict[str, Any]]) -> dict[str, Any]:
    return {"spec": "bar", "height": BAR_STEP * len(values), "values": values}


@timed("charts")
def matrix_figure(
    id_: str,
    caption: str,
    corner: str,
    columns: Sequence[str],
    rows: Sequence[tuple[str, Sequence[Number | None]]],
    joiner: str = " ",
    flags: Sequence[Sequence[Flag | None]] = (),
) -> ChartFigure:
    """A small two-way table (e.g. proceeding × outcome) drawn as one bar per cell, labelled by both;
    `flags` per row, per column."""
    values = [
        {"label": f"{row}{joiner}{column}", "value": value}
        for row, numbers in rows
        for column, value in zip(columns, numbers, strict=True)
        if value is not None
    ]
    table = tuple((row, *(format_or_dash(v) for v in numbers)) for row, numbers in rows)
    flat = bar_widths([v for _, numbers in rows for v in numbers])
    widths = tuple(tuple(flat[i * len(columns) : (i + 1) * len(columns)]) for i in range(len(rows)))
    marks = tuple(tuple(row) for row in flags)
    note = REPORT_NOTE if any(map(any, marks)) else ""
    payload = _bar_payload(values)
    return ChartFigure("bar", id_, caption, (corner, *columns), table, payload, note, widths, flags=marks)


TREND_FLAG_NOTE = "※：该年度报告中与这个数字有关的问题见报告页；图中以实心点标出。"


@timed("charts")
def trend_figure(
    id_: str,
    caption: str,
    years: Sequence[int],
    series: Iterable[tuple[str, Sequence[Number | None]]],
    flags: Sequence[Sequence[bool]] = (),
) -> ChartFigure:
    """Counts across years: one row per year, one column per series. A year missing from `years`, or
    a blank value, breaks a series' line (each run of consecutive years is a `segment`). `flags`
    (per series, per year): the number is about a finding of its report; the table marks it ※ and
    the chart draws its point filled."""
    series = list(series)
    flagged = [list(f) for f in flags] or [[False] * len(years) for _ in series]
    drawn = [
        Series(label, _segments(years, numbers, marks))
        for (label, numbers), marks in zip(series, flagged, strict=True)
    ]
    values = [
        {
            "year": p.year,
            "measure": s.label,
            "value": p.value,
            "order": order,
            "segment": f"{order}-{n}",
            "flagged": p.flagged,
        }
        for order, s in enumerate(drawn)
        for n, segment in enumerate(s.segments)
        for p in segment
    ]
    rows = tuple(
        (
            f"{year}年",
            *(_marked(numbers[i], marks[i]) for (_, numbers), marks in zip(series, flagged, strict=True)),
        )
        for i, year in enumerate(years)
    )
    columns = ("年度", *(label for label, _ in series))
    note = TREND_FLAG_NOTE if any(map(any, flagged)) else ""
    drawing = trend_svg(years, drawn) if values else None
    payload = {"spec": "trend", "values": values}
    legend = trend_legend(drawn) if values else ()
    return ChartFigure("trend", id_, caption, columns, rows, payload, note, drawing=drawing, legend=legend)


def _segments(
    years: Sequence[int], numbers: Sequence[Number | None], marks: Sequence[bool]
) -> tuple[tuple[Point, ...], ...]:
    """Runs of consecutive years with a value: a missing year or a blank value breaks the line."""
    runs: list[list[Point]] = []
    last = None
    for year, value, mark in zip(years, numbers, marks, strict=True):
        if value is None:
            last = None
            continue
        if last is None or year != last + 1:
            runs.append([])
        runs[-1].append(Point(year, value, mark))
        last = year
    return tuple(tuple(run) for run in runs)


def _marked(value: Number | None, flagged: bool) -> str:
    return format_or_dash(value) + (" ※" if flagged else "")
