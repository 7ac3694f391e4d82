"""The quality pages: every finding, by rule and by agency, and timeliness in its own column.

`quality/index.html` summarises the corpus (by rule, by province); each province has its own page
listing every finding and every report, so no page grows with the whole country.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from generator import rules
from generator.model import Finding, Report
from generator.site.figures import Timeliness, timeliness
from generator.site.findings import FindingView, finding_views
from generator.site.i18n import translate
from generator.site.markdown import code_spans
from generator.site.model import Agency, Corpus, report_url
from generator.site.pages import Page
from generator.site.romanise import province_en


@dataclass(frozen=True)
class RuleSummary:
    id: str
    title: str
    severity: str
    description: str
    findings: tuple[tuple[Report, Finding | FindingView], ...]  # views on province pages


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
    members: tuple[tuple[Agency, Report], ...]  # by agency id, then year

    @property
    def url(self) -> str:
        return f"quality/{self.code}/"

    @property
    def reports(self) -> int:
        return len(self.members)

    @cached_property
    def rows(self) -> tuple[ReportQuality, ...]:
        """Made only for the province's own page: the national page needs counts alone."""
        return tuple(_row(agency, report) for agency, report in self.members)

    @property
    def errors(self) -> int:
        return sum(len(report.errors) for _, report in self.members)

    @property
    def warnings(self) -> int:
        return sum(len(report.warnings) for _, report in self.members)

    def timely(self, status: str) -> int:
        return self.timeliness_counts[status]

    @cached_property
    def timeliness_counts(self) -> Counter[str]:
        return Counter(_timeliness(agency, report).status for agency, report in self.members)


def quality_index_page(corpus: Corpus) -> Page:
    """The national quality page (each province's is a page of its own: `province_page`)."""
    groups = province_groups(corpus)
    members = [member for province in groups for member in province.members]
    context = {
        "title": "数据质量",
        "by_rule": _by_rule((report, f) for _, report in members for f in report.findings),
        "provinces": groups,
        "reference": sorted(rules.RULES.values(), key=lambda r: (r.stage, r.id)),
        "explained": {rule.id: code_spans(rule.description) for rule in rules.RULES.values()},
        "explained_en": {
            rule.id: code_spans(translate(rule.description, "en")) for rule in rules.RULES.values()
        },
        "timeliness_counts": sum((province.timeliness_counts for province in groups), Counter()),
        "reports": len(members),
    }
    return Page("quality/index.html", "quality.html", context)


def province_page(province: Province) -> Page:
    context = {
        "title": f"{province.name} · 数据质量",
        "title_en": f"{province_en(province)} · Data quality",
        "province": province,
        "by_rule": _by_rule((row.report, f) for row in province.rows for f in row.findings),
        "rows": province.rows,
    }
    return Page(f"{province.url}index.html", "quality_province.html", context)


def province_groups(corpus: Corpus) -> list[Province]:
    """Each province's reports with their agencies (computed once per corpus)."""
    return corpus.derived("province_groups", _province_groups)


def _province_groups(corpus: Corpus) -> list[Province]:
    groups: dict[tuple[str, str], list[tuple[Agency, Report]]] = {}
    for agency in corpus.agencies:
        groups.setdefault(province_key(agency), []).extend((agency, r) for r in agency.reports)
    ordered = sorted(groups.items(), key=lambda item: (item[0][0] == "unknown", item[0][0]))
    return [
        Province(code, name, tuple(sorted(members, key=_member_order))) for (code, name), members in ordered
    ]


def province_key(agency: Agency) -> tuple[str, str]:
    """(code, name) of the agency's province; ("unknown", "地区不详") when it is not known."""
    region = agency.region
    if region is None or region.province_code is None:
        return ("unknown", "地区不详")
    return (region.province_code, region.province or region.province_code)


def _timeliness(agency: Agency, report: Report) -> Timeliness:
    return timeliness(report, agency.level, agency.kind)


def _row(agency: Agency, report: Report) -> ReportQuality:
    return ReportQuality(
        report, agency, report_url(report), finding_views(report), _timeliness(agency, report)
    )


def _member_order(member: tuple[Agency, Report]) -> tuple[str, int]:
    agency, report = member
    return (agency.id, report.meta.year or 0)


def _by_rule(findings: Iterable[tuple[Report, Finding | FindingView]]) -> list[RuleSummary]:
    found: dict[str, list[tuple[Report, Finding | FindingView]]] = {}
    for report, f in findings:
        found.setdefault(f.rule, []).append((report, f))
    return [_summary(rule_id, tuple(pairs)) for rule_id, pairs in sorted(found.items())]


def _summary(rule_id: str, pairs: tuple[tuple[Report, Finding | FindingView], ...]) -> RuleSummary:
    rule = rules.RULES.get(rule_id)
    if rule is None:  # a rule used without being registered: still shown, under its id
        return RuleSummary(rule_id, rule_id, pairs[0][1].severity, "", pairs)
    return RuleSummary(rule_id, rule.title, rule.severity, rule.description, pairs)
