"""Charts drawn at build time (generator/site/drawing.py): bar lengths, ticks, the trend SVG's gaps
and markers, and the CSS the bar classes need."""

from __future__ import annotations

import lxml.etree

from generator.site.charts import trend_figure
from generator.site.drawing import bar_width_css, bar_widths, nice_ticks
from generator.site.render import environment
from tests.parse_helpers import ROOT

SVG = ""  # inline in HTML: no namespace declared


def test_bar_widths_are_shares_of_the_largest_count_and_a_small_count_still_shows() -> None:
    assert bar_widths([300, 150, 0, None, 1, -2]) == [100, 50, 0, None, 1, None]
    assert bar_widths([0, 0, None]) == [0, 0, None]
    assert bar_widths([2.5, 5]) == [50, 100]


def test_site_css_has_every_bar_width_class() -> None:
    css = (ROOT / "templates" / "static" / "site.css").read_text(encoding="utf-8")
    block = css.split("/* bar widths: begin */\n", 1)[1].split("/* bar widths: end */", 1)[0]
    assert block == bar_width_css()
    assert ".w0{width:0%}" in block and ".w100{width:100%}" in block


def test_ticks_are_whole_numbers_from_zero_past_the_largest_value() -> None:
    assert nice_ticks(9) == [0, 5, 10]
    assert nice_ticks(3) == [0, 1, 2, 3]
    assert nice_ticks(1234) == [0, 500, 1000, 1500]
    assert nice_ticks(0) == [0, 1]
    for top in (1, 7, 99, 101, 48_213, 2.5):
        ticks = nice_ticks(top)
        assert ticks[0] == 0 and ticks[-1] >= top and len(ticks) <= 6
        assert all(isinstance(t, int) for t in ticks)


def _svg(years: list[int], series: list[tuple[str, list[int | None]]], flags=()):  # type: ignore[no-untyped-def]
    figure = trend_figure("fig", "caption", years, series, flags)
    assert figure.drawing is not None
    return lxml.etree.fromstring(str(figure.drawing).encode()), figure.legend


def test_the_trend_svg_breaks_its_line_at_a_missing_year_and_a_blank() -> None:
    svg, _ = _svg([2019, 2020, 2022, 2023], [("新收", [1, 2, 3, 4]), ("总计", [5, None, 6, 7])])
    groups = svg.findall(f"{SVG}g[@fill='none']")
    first, second = (g.findall(f"{SVG}path") for g in groups)
    assert len(first) == 2  # 2019–2020, 2022–2023: 2021 is a gap, not adjacent years
    assert len(second) == 1  # 5 stands alone (2020 blank), then 2022–2023
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"2019", "2020", "2021", "2022", "2023"} <= set(labels)  # the axis keeps the missing year


def test_flagged_points_are_filled_and_each_series_has_its_own_marker() -> None:
    svg, legend = _svg(
        [2020, 2021], [("新收", [1, 2]), ("总计", [1, 2])], flags=[[False, True], [False, False]]
    )
    filled = svg.findall(f"{SVG}g[@fill='#1b9e77']")
    assert len(filled) == 1 and len(list(filled[0])) == 1
    markers = [g[0].tag for g in svg.findall(f"{SVG}g[@fill='#fff']")]
    assert markers == [f"{SVG}circle", f"{SVG}rect"]
    assert [name for _, name in legend] == ["新收", "总计"]  # the page writes them in its language
    assert all(str(sample).startswith("<svg") for sample, _ in legend)


def test_the_legend_escapes_its_labels() -> None:
    figure = trend_figure("fig", "caption", [2020, 2021], [("<b>x</b>", [1, 2])])
    page = environment().from_string('{% import "_macros.html" as m with context %}{{ m.figure(figure) }}')
    html = page.render(figure=figure, lang="zh", root="", href=lambda target: target)
    legend = html.split('<ul class="legend">', 1)[1]
    assert "<b>" not in legend and "&lt;b&gt;x&lt;/b&gt;" in legend
