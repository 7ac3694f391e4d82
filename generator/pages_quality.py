"""The quality pages: every finding, by rule and by agency, and timeliness in its own column.

`quality/index.html` summarises the corpus (by rule, by province); each province has its own page
listing every finding and every report, so no page grows with the whole country.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from generator import rules
from generator.model import Report
from generator.pages import Page
from generator.site_figures import Timeliness, timeliness
from generator.site_findings import FindingView, finding_views
from generator.site_model import Agency, Corpus, report_url


@dataclass(frozen=True)
class RuleSummary:
    id: str
    title: str
    severity: str
    description: str
    findings: tuple[tuple[Report, FindingView], ...]


@dataclass(frozen=True)
class ReportQuality:
    report: Report
    agency: Agency
    url: str
    findings: tuple[FindingView, ...]
    timeliness: Timeliness

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" and not f.acknowledged for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" and not f.acknowledged for f in self.findings)


@dataclass(frozen=True)
class Province:
    code: str  # URL segment: the province's GB/T 2260 code, or "unknown"
    name: str
    rows: tuple[ReportQuality, ...]

    @property
    def url(self) -> str:
        return f"quality/{self.code}/"

    def count(self, what: str) -> int:
        return sum(getattr(row, what) for row in self.rows)

    def timely(self, status: str) -> int:
        return sum(row.timeliness.status == status for row in self.rows)


def quality_pages(corpus: Corpus, *, provinces: bool = True) -> Iterator[Page]:
    """The national quality page and (unless the build makes them on their own) one per province."""
    groups = province_groups(corpus)
    rows = [row for province in groups for row in province.rows]
    context = {
        "title": "数据质量",
        "by_rule": _by_rule(rows),
        "provinces": groups,
        "reference": sorted(rules.RULES.values(), key=lambda r: (r.stage, r.id)),
        "timeliness_counts": Counter(row.timeliness.status for row in rows),
        "reports": len(rows),
    }
    yield Page("quality/index.html", "quality.html", context)
    if provinces:
        yield from (province_page(province) for province in groups)


def province_page(province: Province) -> Page:
    context = {
        "title": f"{province.name} · 数据质量",
        "province": province,
        "by_rule": _by_rule(province.rows),
        "rows": province.rows,
    }
    return Page(f"{province.url}index.html", "quality_province.html", context)


def province_groups(corpus: Corpus) -> list[Province]:
    """Each province's reports with their findings and timeliness (computed once per corpus)."""
    return corpus.derived("province_groups", _province_groups)


def _province_groups(corpus: Corpus) -> list[Province]:
    groups: dict[tuple[str, str], list[ReportQuality]] = {}
    for agency in corpus.agencies:
        groups.setdefault(_province_key(agency), []).extend(_row(agency, r) for r in agency.reports)
    ordered = sorted(groups.items(), key=lambda item: (item[0][0] == "unknown", item[0][0]))
    return [Province(code, name, tuple(sorted(rows, key=_row_order))) for (code, name), rows in ordered]


def _province_key(agency: Agency) -> tuple[str, str]:
    region = agency.region
    if region is None or region.province_code is None:
        return ("unknown", "地区不详")
    return (region.province_code, region.province or region.province_code)


def _row(agency: Agency, report: Report) -> ReportQuality:
    return ReportQuality(
        report,
        agency,
        report_url(report),
        finding_views(report),
        timeliness(report, agency.level, agency.kind),
    )


def _row_order(row: ReportQuality) -> tuple[str, int]:
    return (row.agency.id, row.report.meta.year or 0)


def _by_rule(rows: Sequence[ReportQuality]) -> list[RuleSummary]:
    found: dict[str, list[tuple[Report, FindingView]]] = {}
    for row in rows:
        for f in row.findings:
            found.setdefault(f.rule, []).append((row.report, f))
    return [_summary(rule_id, tuple(pairs)) for rule_id, pairs in sorted(found.items())]


def _summary(rule_id: str, pairs: tuple[tuple[Report, FindingView], ...]) -> RuleSummary:
    rule = rules.RULES.get(rule_id)
    if rule is None:  # a rule used without being registered: still shown, under its id
        return RuleSummary(rule_id, rule_id, pairs[0][1].severity, "", pairs)
    return RuleSummary(rule_id, rule.title, rule.severity, rule.description, pairs)
