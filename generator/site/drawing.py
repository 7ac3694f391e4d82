"""Charts drawn at build time, so that a page shows them with no script: bars in the figure's own
table (HTML and CSS), and the trend chart as a lean SVG with an HTML legend.

The Vega-Lite specification of each chart (site/charts.py) is still shipped; its runtime (898 KB) is
loaded only when a reader asks for the interactive chart (static/figures.js). Pages allow no style
attribute, so a bar's length is a class (`w0` … `w100`, percent of the figure's largest count) whose
rules `bar_width_css()` generates and a test keeps equal to site.css.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from generator.model import Number
from generator.site.textfmt import format_number

# --- bars in the table ------------------------------------------------------------------------------


def bar_widths(values: Sequence[Number | None]) -> list[int | None]:
    """Each count's bar as a percent of the largest (None: blank or negative, no bar). A count above
    zero always shows (at least 1%), so a small count is never drawn as nothing."""
    top = max((v for v in values if v is not None and v > 0), default=0)
    widths: list[int | None] = []
    for value in values:
        if value is None or value < 0 or not top:
            widths.append(None if value is None or value < 0 else 0)
        else:
            widths.append(max(1, round(100 * value / top)) if value > 0 else 0)
    return widths


def bar_width_css() -> str:
    """site.css's rules for the bar lengths (generated, and checked equal to site.css by a test)."""
    rules = [f".w{n}{{width:{n}%}}" for n in range(101)]
    return "".join(rule + ("\n" if (i + 1) % 10 == 0 else "") for i, rule in enumerate(rules)) + "\n"


# --- the trend chart as SVG -------------------------------------------------------------------------

# Vega's "dark2" scheme, and the dashes, widths and point sizes of charts._trend_chart, so that the
# drawing and the interactive chart look alike.
COLOURS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666")
DASHES = ("", "8 4", "3 3", "1 3", "10 3 2 3")
WIDTHS = (5.0, 3.0, 1.5)
RADII = (9.0, 6.5, 4.0)  # the earlier a series is listed, the larger its ring: coinciding points nest
SHAPES = ("circle", "square", "diamond", "triangle", "cross")
WIDTH, HEIGHT = 360, 190  # the viewBox; the SVG scales to the figure's width (at most 28rem)
TOP, BOTTOM, RIGHT, PAD = 12, 26, 14, 14
FONT_SIZE = 13
CHAR_WIDTH = 7.5  # of a digit at FONT_SIZE, for the width of the y labels


@dataclass(frozen=True)
class Point:
    year: int
    value: Number
    flagged: bool


@dataclass(frozen=True)
class Series:
    label: str
    segments: tuple[tuple[Point, ...], ...]  # runs of consecutive years


def nice_ticks(top: Number, most: int = 5) -> list[int]:
    """0 and whole-number steps of 1, 2 or 5 × 10ⁿ up to the first at or above `top`."""
    if top <= 0:
        return [0, 1]
    raw = max(1.0, top / (most - 1))
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    count = math.ceil(top / step)
    return [int(i * step) for i in range(count + 1)]


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _marker(shape: str, x: float, y: float, r: float) -> str:
    if shape == "circle":
        return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(r)}"/>'
    if shape == "square":
        s = r * 0.9
        return f'<rect x="{_f(x - s)}" y="{_f(y - s)}" width="{_f(2 * s)}" height="{_f(2 * s)}"/>'
    if shape == "diamond":
        d = f"M{_f(x)} {_f(y - r)}L{_f(x + r)} {_f(y)}L{_f(x)} {_f(y + r)}L{_f(x - r)} {_f(y)}Z"
    elif shape == "triangle":
        d = f"M{_f(x)} {_f(y - r)}L{_f(x + r)} {_f(y + r * 0.8)}L{_f(x - r)} {_f(y + r * 0.8)}Z"
    else:
        a = r * 0.7
        d = f"M{_f(x - a)} {_f(y - a)}L{_f(x + a)} {_f(y + a)}M{_f(x - a)} {_f(y + a)}L{_f(x + a)} {_f(y - a)}"
    return f'<path d="{d}"/>'


def _style(order: int) -> tuple[str, str, float, float, str]:
    """(colour, dash, line width, point radius, shape) of the series listed `order`-th."""
    last = len(WIDTHS) - 1
    return (
        COLOURS[order % len(COLOURS)],
        DASHES[order % len(DASHES)],
        WIDTHS[min(order, last)],
        RADII[min(order, last)],
        SHAPES[order % len(SHAPES)],
    )


def _series_svg(series: Series, order: int, x_of, y_of) -> str:  # type: ignore[no-untyped-def]
    colour, dash, width, radius, shape = _style(order)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    lines = "".join(
        '<path d="M' + "L".join(f"{_f(x_of(p.year))} {_f(y_of(p.value))}" for p in segment) + '"/>'
        for segment in series.segments
        if len(segment) > 1
    )
    points = [p for segment in series.segments for p in segment]
    open_points = "".join(
        _marker(shape, x_of(p.year), y_of(p.value), radius) for p in points if not p.flagged
    )
    filled = "".join(_marker(shape, x_of(p.year), y_of(p.value), radius) for p in points if p.flagged)
    return (
        f'<g fill="none" stroke="{colour}" stroke-width="{_f(width)}"{dash_attr}>{lines}</g>'
        f'<g fill="#fff" stroke="{colour}" stroke-width="2">{open_points}</g>'
        + (f'<g fill="{colour}" stroke="{colour}" stroke-width="2">{filled}</g>' if filled else "")
    )


def _axes_svg(years: Sequence[int], ticks: list[int], left: float, x_of, y_of) -> str:  # type: ignore[no-untyped-def]
    grid = "".join(f'<path d="M{_f(left)} {_f(y_of(t))}H{WIDTH - RIGHT}"/>' for t in ticks)
    y_labels = "".join(
        f'<text x="{_f(left - 6)}" y="{_f(y_of(t) + 4)}">{format_number(t)}</text>' for t in ticks
    )
    every = 1 if len(years) <= 8 else 2
    shown = [y for y in range(years[0], years[-1] + 1) if (y - years[0]) % every == 0]
    x_labels = "".join(f'<text x="{_f(x_of(y))}" y="{HEIGHT - 6}">{y}</text>' for y in shown)
    return (
        f'<g stroke="#d5dbe1" stroke-width="1">{grid}</g>'
        f'<g text-anchor="end">{y_labels}</g><g text-anchor="middle">{x_labels}</g>'
    )


def trend_svg(years: Sequence[int], series: Sequence[Series]) -> Markup:
    """The chart: a true time axis from the first to the last year (a year without a value leaves its
    gap), integer ticks from 0, one line and point shape per series, flagged points filled."""
    values = [p.value for s in series for seg in s.segments for p in seg]
    ticks = nice_ticks(max(values, default=0))
    left = PAD + CHAR_WIDTH * len(format_number(ticks[-1]))
    first, last = years[0], years[-1]
    span = max(1, last - first)
    plot_top, plot_bottom = TOP, HEIGHT - BOTTOM

    def x_of(year: int) -> float:
        return left + PAD + (year - first) * (WIDTH - RIGHT - left - 2 * PAD) / span

    def y_of(value: Number) -> float:
        return plot_bottom - (value / ticks[-1]) * (plot_bottom - plot_top)

    body = _axes_svg(years, ticks, left, x_of, y_of)
    # The first-listed series (widest line, largest ring) is drawn first, so the others stay on top.
    body += "".join(_series_svg(s, order, x_of, y_of) for order, s in enumerate(series))
    return Markup(
        f'<svg class="trend-svg" viewBox="0 0 {WIDTH} {HEIGHT}" font-size="{FONT_SIZE}" fill="#1f2933" '
        f'aria-hidden="true" focusable="false">{body}</svg>'
    )


def trend_legend(series: Sequence[Series]) -> tuple[tuple[Markup, str], ...]:
    """Each series' line and point, and its name, which the page writes as HTML text in its language
    (readable on a phone)."""
    items = []
    for order, s in enumerate(series):
        colour, dash, width, radius, shape = _style(order)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        sample = (
            f'<svg viewBox="0 0 36 20" width="36" height="20" aria-hidden="true" focusable="false">'
            f'<path d="M0 10H36" fill="none" stroke="{colour}" stroke-width="{_f(width)}"{dash_attr}/>'
            f'<g fill="#fff" stroke="{colour}" stroke-width="2">{_marker(shape, 18, 10, min(radius, 7))}</g></svg>'
        )
        items.append((Markup(sample), s.label))
    return tuple(items)
