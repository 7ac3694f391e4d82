"""What the website is built from: the corpus of reports grouped by agency, plus pages and schemas.

The families (`families.py`) make pages from a `Corpus`. The pipeline and the engine build it once
with `build_corpus`, after every report is parsed and checked (so corpus-wide findings, such as
carry-over between years, are already on the reports).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from generator.model import Region, Report, derived
from generator.read.history import NO_HISTORY, History
from generator.read.release import NO_RELEASE, ReleaseInputs

T = TypeVar("T")

SITE_TITLE = "政府信息公开年报数据"
REPO_ROOT = Path(__file__).resolve().parents[2]
PAGES_DIR = REPO_ROOT / "content" / "pages"
SCHEMAS_DIR = Path(__file__).resolve().parents[1] / "data" / "schemas"

LEVEL_LABELS = {
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "township": "乡镇、街道",
    "unknown": "级别不详",
}
LEVEL_ORDER = tuple(LEVEL_LABELS)
KIND_LABELS = {"government": "政府", "department": "部门"}

# A township or street office: the name (without 人民政府/办事处) ends with 镇, 乡, 街道 or 苏木.
_GOVERNMENT_SUFFIX = re.compile(r"(人民政府|政府|办事处)$")
_TOWNSHIP = re.compile(r"(镇|乡|街道|苏木)$")
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass(frozen=True)
class SiteConfig:
    title: str = SITE_TITLE
    # e.g. "https://github.com/org/repo": links each source file and its correction history
    repo_url: str | None = None
    branch: str = "main"
    # Where the site is served, e.g. "/repo/" on GitHub project pages. Only 404.html uses it (as <base>):
    # that page is served at whatever missing address was asked for, so relative links alone break.
    base_path: str | None = None
    # The site's full address, e.g. "https://org.github.io/repo/": the data packages' homepage.
    site_url: str | None = None


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    region: Region | None
    level: str  # key of LEVEL_LABELS
    kind: str  # key of KIND_LABELS
    reports: tuple[Report, ...]  # oldest year first

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class Corpus:
    reports: tuple[Report, ...]  # sorted by report id
    agencies: tuple[Agency, ...]  # sorted by region code, then agency id
    pages: Mapping[str, str] = field(default_factory=dict)  # slug -> Markdown (content/pages/<slug>.md)
    schemas: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # resource -> Table Schema
    config: SiteConfig = SiteConfig()
    history: History = NO_HISTORY  # of the report files, from git (corrections after publication)
    redirects: Mapping[str, str] = field(default_factory=dict)  # replaced agency id -> its new id
    release: ReleaseInputs = NO_RELEASE  # the commit built and the previous release (data versions)

    def agency_of(self, report: Report) -> Agency:
        return self._agency_index[agency_id(report)]

    def agency_by_id(self, agency_key: str) -> Agency:
        return self._agency_index[agency_key]

    @property
    def _agency_index(self) -> dict[str, Agency]:
        return self.derived("agencies_by_id", _agencies_by_id)

    def derived(self, name: str, make: Callable[[Corpus], T]) -> T:
        """A value computed from the corpus once and kept on it (several pages group the reports
        the same way)."""
        return derived(self, name, make)


def _agencies_by_id(corpus: Corpus) -> dict[str, Agency]:
    return {agency.id: agency for agency in corpus.agencies}


def root_for(path: str) -> str:
    """The relative prefix from a page to the site root: "./" for index.html, "../../" two folders down."""
    depth = path.count("/")
    return "../" * depth if depth else "./"


def report_id(report: Report) -> str:
    """The report's URL id; falls back to the file name when the parser could not give one."""
    return report.meta.report_id or _safe_id(Path(report.meta.source_file).stem)


def agency_id(report: Report) -> str:
    return report.meta.agency_id or "unknown-" + _safe_id(Path(report.meta.source_file).stem)


def has_package(agency: Agency) -> bool:
    """Whether the agency publishes a data package: not when its reports name no agency (they are
    grouped under a made-up id, one per file)."""
    return all(r.meta.agency_id == agency.id for r in agency.reports)


def agency_name(report: Report) -> str:
    return report.meta.agency or "（机关名称不详）"


def _safe_id(text: str) -> str:
    return _UNSAFE_ID.sub("-", text).strip("-").lower() or "report"


def build_corpus(
    reports: Sequence[Report],
    *,
    pages: Mapping[str, str] | None = None,
    schemas: Mapping[str, Mapping[str, Any]] | None = None,
    config: SiteConfig | None = None,
    history: History = NO_HISTORY,
    redirects: Mapping[str, str] | None = None,
    release: ReleaseInputs = NO_RELEASE,
) -> Corpus:
    """Group reports by agency, in a stable order (the site must be byte-identical between builds).

    `pages` and `schemas` default to content/pages/*.md and generator/data/schemas/*.json of this checkout
    (read here, once, so that rendering itself never touches the disk); pass {} for none."""
    ordered = tuple(sorted(reports, key=report_id))
    by_agency: dict[str, list[Report]] = {}
    for report in ordered:
        by_agency.setdefault(agency_id(report), []).append(report)
    agencies = tuple(sorted((make_agency(k, v) for k, v in by_agency.items()), key=_agency_sort_key))
    pages = read_pages() if pages is None else pages
    schemas = read_schemas() if schemas is None else schemas
    config = config or SiteConfig()
    return Corpus(ordered, agencies, dict(pages), dict(schemas), config, history, redirects or {}, release)


def make_agency(agency_key: str, reports: Sequence[Report]) -> Agency:
    by_year = tuple(sorted(reports, key=lambda r: (r.meta.year or 0, report_id(r))))
    latest = by_year[-1]
    name = agency_name(latest)
    region = next((r.meta.region for r in reversed(by_year) if r.meta.region), None)
    return Agency(agency_key, name, region, agency_level(name, region), agency_kind(name, region), by_year)


def _agency_sort_key(agency: Agency) -> tuple[str, str]:
    return (agency.region.code if agency.region else "~", agency.id)


def _core_name(name: str) -> str:
    return _GOVERNMENT_SUFFIX.sub("", name)


def agency_level(name: str, region: Region | None) -> str:
    """Province, city, county or township, from the name and the region the parser found."""
    if _TOWNSHIP.search(_core_name(name)):
        return "township"
    if region is None:
        return "unknown"
    if region.county_code:
        return "county"
    if region.city_code:
        return "city"
    return "province" if region.province_code else "unknown"


def agency_kind(name: str, region: Region | None) -> str:
    """A government (人民政府, 镇, 街道办事处, or just a place name) or one of its departments."""
    if name.endswith(("人民政府", "政府")) or _TOWNSHIP.search(_core_name(name)):
        return "government"
    if region and name in {region.name, region.province, region.city, region.county}:
        return "government"
    return "department"


def read_pages(pages_dir: Path = PAGES_DIR) -> dict[str, str]:
    """Markdown pages by slug (file stem), and their English versions as en/<slug> (from
    content/pages/en/); read at the start of the build, not while rendering."""
    if not pages_dir.is_dir():
        return {}
    pages = {p.stem: p.read_text(encoding="utf-8") for p in sorted(pages_dir.glob("*.md"))}
    english = pages_dir / "en"
    if english.is_dir():
        pages.update({f"en/{p.stem}": p.read_text(encoding="utf-8") for p in sorted(english.glob("*.md"))})
    return pages


def page_slugs(corpus: Corpus) -> list[str]:
    """The Markdown pages of the site (their English versions are part of them, not pages)."""
    return sorted(slug for slug in corpus.pages if "/" not in slug)


def read_schemas(schema_dir: Path = SCHEMAS_DIR) -> dict[str, dict[str, Any]]:
    """Table Schemas by resource name (file stem), for the data dictionary."""
    if not schema_dir.is_dir():
        return {}
    return {
        p.name.removesuffix(".json").removesuffix(".schema"): json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(schema_dir.glob("*.json"))
    }


# --- stable URLs (relative to the site root; pages prefix them with their own `root`) -------------


def report_url(report: Report) -> str:
    return f"reports/{report_id(report)}/"


def agency_url(agency_key: str) -> str:
    return f"agencies/{agency_key}/"


def report_title(report: Report) -> str:
    meta = report.meta
    if meta.title:
        return meta.title
    year = f"{meta.year}年" if meta.year else ""
    return f"{agency_name(report)}{year}政府信息公开工作年度报告"
