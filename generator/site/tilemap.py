"""A tile map of China's provinces: one square each, in its approximate place (no borders drawn),
shaded by a measure, with the same numbers in a table beside it (`trends/`).

Drawn at build time in HTML and CSS (each tile's place is a class in site.css: pages allow no style
attribute), so it shows without a script. Three measures: new applications per report, the share
of reports with an error finding, and the share published on time (of those with a deadline and a
known date).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from generator.model import Report
from generator.site.figures import app_total, timeliness
from generator.site.model import Agency, Corpus
from generator.site.pages_quality import province_groups
from generator.site.romanise import pinyin
from generator.site.textfmt import format_or_dash, format_percent

# (code, short name, row, column) on an 8 × 8 grid, north at the top.
TILES: tuple[tuple[str, str, int, int], ...] = (
    ("230000", "黑龙江", 1, 8),
    ("650000", "新疆", 2, 1),
    ("150000", "内蒙古", 2, 5),
    ("110000", "北京", 2, 6),
    ("220000", "吉林", 2, 8),
    ("620000", "甘肃", 3, 2),
    ("640000", "宁夏", 3, 3),
    ("140000", "山西", 3, 4),
    ("130000", "河北", 3, 5),
    ("120000", "天津", 3, 6),
    ("210000", "辽宁", 3, 7),
    ("540000", "西藏", 4, 1),
    ("630000", "青海", 4, 2),
    ("610000", "陕西", 4, 3),
    ("410000", "河南", 4, 4),
    ("370000", "山东", 4, 5),
    ("510000", "四川", 5, 2),
    ("500000", "重庆", 5, 3),
    ("420000", "湖北", 5, 4),
    ("340000", "安徽", 5, 5),
    ("320000", "江苏", 5, 6),
    ("310000", "上海", 5, 7),
    ("530000", "云南", 6, 2),
    ("520000", "贵州", 6, 3),
    ("430000", "湖南", 6, 4),
    ("360000", "江西", 6, 5),
    ("330000", "浙江", 6, 6),
    ("450000", "广西", 7, 3),
    ("440000", "广东", 7, 4),
    ("350000", "福建", 7, 5),
    ("710000", "台湾", 7, 6),
    ("460000", "海南", 8, 4),
    ("810000", "香港", 8, 5),
    ("820000", "澳门", 8, 6),
)
SHADES = 5  # classes shade-1 … shade-5, light to dark; shade-0 is a province without reports


@dataclass(frozen=True)
class Tile:
    code: str
    name: str
    value: float | None
    shown: str  # the value as the table and the tile print it
    shade: int
    name_en: str = ""
    label_en: str = ""  # name_en as the tile prints it: breakable between syllables


@dataclass(frozen=True)
class TileMap:
    id: str
    caption: str
    tiles: tuple[Tile, ...]
    legend: str


Members = Sequence[tuple[Agency, Report]]


def _per_report(members: Members) -> float | None:
    values = [v for _, r in members if (v := app_total(r, "new_received")) is not None]
    return sum(values) / len(values) if values else None


def _with_errors(members: Members) -> float | None:
    return sum(1 for _, r in members if r.errors) / len(members) if members else None


def _on_time(members: Members) -> float | None:
    states = [timeliness(r, a.level, a.kind).status for a, r in members]
    known = [s for s in states if s in ("on_time", "late")]
    return known.count("on_time") / len(known) if known else None


MEASURES: tuple[tuple[str, str, Callable[[Members], float | None], bool], ...] = (
    ("tiles-applications", "每份报告的平均新收申请数（件，空白不计）", _per_report, False),
    ("tiles-errors", "有“错误”级问题的报告所占比例", _with_errors, True),
    ("tiles-on-time", "按时发布的报告所占比例（有法定期限且发布日期可知的报告）", _on_time, True),
)


def tile_maps(corpus: Corpus) -> list[TileMap]:
    members = {p.code: p.members for p in province_groups(corpus)}
    return [_tile_map(id_, caption, measure, share, members) for id_, caption, measure, share in MEASURES]


def _tile_map(
    id_: str,
    caption: str,
    measure: Callable[[Members], float | None],
    share: bool,
    members: Mapping[str, Members],
) -> TileMap:
    values = {code: measure(members[code]) if members.get(code) else None for code, *_ in TILES}
    known = sorted(v for v in values.values() if v is not None)
    tiles = tuple(
        Tile(
            code,
            name,
            values[code],
            _shown(values[code], share),
            _shade(values[code], known),
            tile_en(name),
            tile_en(name, SOFT_HYPHEN),
        )
        for code, name, _, _ in TILES
    )
    low, high = (known[0], known[-1]) if known else (None, None)
    legend = f"颜色越深数值越大：{_shown(low, share)} 至 {_shown(high, share)}；灰色：没有报告。"
    return TileMap(id_, caption, tiles, legend)


def _shown(value: float | None, share: bool) -> str:
    if value is None:
        return "—"
    return format_percent(value) if share else format_or_dash(round(value, 1))


def _shade(value: float | None, known: list[float]) -> int:
    """1 … SHADES by the value's rank among the provinces that have one (quantiles); 0 without."""
    if value is None or not known:
        return 0
    rank = sum(1 for v in known if v < value)
    return 1 + rank * SHADES // len(known)


# A province's short name in English where it is not its pinyin.
TILE_ENGLISH = {"内蒙古": "Inner Mon\u00adgolia", "西藏": "Xizang", "香港": "Hong Kong", "澳门": "Macao"}


SOFT_HYPHEN = "\u00ad"


def tile_en(name: str, between: str = "") -> str:
    return TILE_ENGLISH.get(name, "").replace(SOFT_HYPHEN, between) or pinyin(name, between)


def tile_css() -> str:
    """site.css's rules that place each tile (generated, and checked equal to site.css by a test)."""
    return "".join(
        f".tile-{code} {{ grid-row: {row}; grid-column: {col}; }}\n" for code, _, row, col in TILES
    )
