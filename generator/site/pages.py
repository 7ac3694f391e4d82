"""Page contexts for the home, agency and report pages: pure functions of the corpus and data files.

Each function returns a `Page` (output path, template, context); `render.render_page` renders it.
Corpus-wide pages (data, quality, comparison, Markdown, 404) are in `pages_corpus.py`.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from generator.checks.equations import template_of
from generator.data.files import DATA_DIR, agency_package_paths, report_json_path
from generator.data.package import SCHEMAS_FOLDER
from generator.model import Number, Report
from generator.read.history import FileHistory
from generator.site.charts import ChartFigure, Flag, bar_figure, matrix_figure, trend_figure
from generator.site.figures import (
    APPLICANT_LABELS,
    HEADLINES,
    OUTCOME_LABELS,
    RESULT_GROUP_CELLS,
    RESULT_GROUPS,
    add,
    applicant_cells,
    applicant_values,
    change,
    corpus_total,
    flagging_finding,
    headline_flags,
    result_group_values,
    review_cells,
    review_matrix,
    summed_figures,
    timeliness,
)
from generator.site.findings import FindingView, finding_views
from generator.site.markdown import render_narrative
from generator.site.model import Agency, Corpus, agency_url, has_package, report_id, report_title, report_url
from generator.site.official_tables import OfficialTable, official_tables
from generator.site.romanise import agency_name
from generator.site.table_html import official_table_html
from generator.site.textfmt import format_change, format_or_dash, format_size
from generator.spec import SECTIONS


@dataclass(frozen=True)
class Page:
    path: str  # output path relative to the site root
    template: str
    context: Mapping[str, Any]


@dataclass(frozen=True)
class Download:
    path: str  # relative to the site root
    name: str  # file name
    label: str  # what it is, in Chinese
    size: str  # "" when the page does not know it (another unit makes the file)


FILE_LABELS = {  # in the order the download lists show them
    "reports": "报告一览",
    "proactive": "主动公开情况",
    "applications": "收到和处理申请情况",
    "review_litigation": "行政复议、行政诉讼情况",
    "findings": "问题清单",
    "report": "整份报告",
    "source": "报告原文",
    "checksums": "校验和",  # the data page says how to use it
    "datapackage": "数据包描述",
    "application_rows": "申请情况表的行（两版模板对照）",
    "applicant_types": "申请人类型",
    "review_cells": "行政复议、行政诉讼的单元格",
    "proactive_items": "主动公开的项目和指标",
    "rules": "问题规则",
}
FORMAT_LABELS = {".csv": "CSV", ".json": "JSON", ".zip": "ZIP 压缩包"}
BUNDLE_LABELS = {".zip": "完整数据包"}  # the corpus-wide archive


def _download_order(download: Download) -> tuple[int, str]:
    stem = _stem(download.name)
    order = list(FILE_LABELS)
    return (order.index(stem) if stem in order else len(order), download.name)


def _stem(name: str) -> str:
    """What a file is, by its name: "applications", "datapackage" (an agency's
    `agency-<id>.datapackage.json` too), "report", "source"…"""
    return "datapackage" if name.endswith("datapackage.json") else name.split(".", 1)[0]


def _label(path: str) -> str:
    """A file's label in a download list, e.g. "收到和处理申请情况（CSV）" or, for a Table Schema in
    data/schemas/, "收到和处理申请情况表结构（JSON）"."""
    name = PurePosixPath(path).name
    stem, suffix = _stem(name), PurePosixPath(name).suffix
    label = FILE_LABELS.get(stem) or BUNDLE_LABELS.get(suffix, stem)
    if path.startswith(f"{DATA_DIR}/{SCHEMAS_FOLDER}/"):
        label = f"{label}表结构"
    if PurePosixPath(PurePosixPath(name).stem).suffix.lower() in ACTIVE_SUFFIXES:
        return f"{label}（网页源码，以纯文本提供）"  # see source_copy_path
    return f"{label}（{FORMAT_LABELS.get(suffix, suffix.lstrip('.').upper())}）"


class Files:
    """The data files (and source copies) other stages produce, for download lists."""

    def __init__(self, data_files: Mapping[str, bytes], sizes: Mapping[str, int] | None = None) -> None:
        """`sizes`: files made elsewhere (the corpus's bulk files, written by another process), known
        here only by their size, which is looked up when a page lists them."""
        self._files = data_files
        self._sizes: Mapping[str, int] = sizes or {}

    def get(self, path: str) -> bytes | None:
        return self._files.get(path)

    def download(self, path: str) -> Download:
        size = self._sizes[path] if path in self._sizes else len(self._files[path])
        return Download(path, PurePosixPath(path).name, _label(path), format_size(size))

    def of(self, paths: Iterable[str]) -> list[Download]:
        """The downloads of those `paths` that are here, in the order of a download list."""
        present = [p for p in paths if p in self._files or p in self._sizes]
        return sorted(map(self.download, present), key=_download_order)


def link_only(paths: Iterable[str]) -> list[Download]:
    """Downloads of files another unit makes, listed without their size (a page that showed it would
    have to be made again whenever they change)."""
    return sorted((Download(p, PurePosixPath(p).name, _label(p), "") for p in paths), key=_download_order)


# --- home -----------------------------------------------------------------------------------------


def home_page(corpus: Corpus) -> Page:
    by_year: dict[int, list[Report]] = defaultdict(list)
    for report in corpus.reports:
        if report.meta.year:
            by_year[report.meta.year].append(report)
    years = sorted(by_year)
    latest_year = years[-1] if years else None
    latest = by_year[latest_year] if latest_year else []
    # The ten most recently published (ids break ties): nlargest, not a sort of the whole corpus.
    recent = heapq.nlargest(10, corpus.reports, key=lambda r: (r.meta.published or "", report_id(r)))
    figures = _corpus_figures(latest, latest_year) if latest else []
    context = {
        "title": "首页",
        "counts": _corpus_counts(corpus),
        "years": years,
        "by_year": [year_row(year, by_year[year]) for year in years],
        "headlines": HEADLINES,
        "latest_year": latest_year,
        "figures": figures,
        "has_charts": any(f.drawable for f in figures),
        "recent": [(r, corpus.agency_of(r)) for r in recent],
    }
    return Page("index.html", "index.html", context)


def _corpus_counts(corpus: Corpus) -> dict[str, int]:
    findings = [f for r in corpus.reports for f in r.findings]
    return {
        "reports": len(corpus.reports),
        "agencies": len(corpus.agencies),
        "errors": sum(f.severity == "error" for f in findings),
        "warnings": sum(f.severity == "warning" for f in findings),
    }


def year_row(year: int, reports: Sequence[Report]) -> dict[str, Any]:
    """One year's report count and, per headline (HEADLINES order), its total as shown, how many
    reports left it blank and how many have a finding about it (home and trend pages)."""
    # Column by column over one pass of the reports (the home page sums the whole corpus each build).
    columns = zip(*(summed_figures(r).headlines for r in reports), strict=True)
    totals = [corpus_total(column) for column in columns]
    # How many of the reports summed have a finding about the number (flagged on their pages).
    flags = zip(*(headline_flags(r) for r in reports), strict=True)
    flagged = [sum(1 for number in column if number) for column in flags]
    return {
        "year": year,
        "reports": len(reports),
        "totals": [(format_or_dash(t), blank, n) for (t, blank), n in zip(totals, flagged, strict=True)],
    }


def _column_totals(
    labels: Sequence[str], rows: Iterable[Sequence[Number | None]]
) -> list[tuple[str, Number | None]]:
    """(label, sum) for each column of same-shaped rows of values, one row per report."""
    return [(label, add(column)) for label, column in zip(labels, zip(*rows, strict=True), strict=True)]


def _corpus_figures(reports: Sequence[Report], year: int | None) -> list[ChartFigure]:
    figures = [summed_figures(r) for r in reports]
    results = _column_totals([label for label, _ in RESULT_GROUPS], (f.result_groups for f in figures))
    applicants = _column_totals(APPLICANT_LABELS, (f.applicants for f in figures))
    return [
        bar_figure(
            "fig-results",
            f"{year}年度：全部报告的申请办理结果合计（“总计”列，件）",
            results,
            "办理结果",
            _sum_flags(reports, RESULT_GROUP_CELLS),
            SUM_NOTE,
        ),
        bar_figure(
            "fig-applicants",
            f"{year}年度：全部报告的本年新收申请，按申请人类型合计（件）",
            applicants,
            "申请人",
            _sum_flags(reports, applicant_cells()),
            SUM_NOTE,
        ),
    ]


SUM_NOTE = "※：合计中有报告存在与这个数字有关的问题（数字照录原件），见质量页。"
SUM_FLAG = "其中 {0} 份报告有与此有关的问题"  # a pattern: its English is looked up as such


def _sum_flags(reports: Sequence[Report], rows: Sequence[Sequence[str]]) -> list[Flag | None]:
    """Per row of a sum over reports: a ※ to the quality page (a site path) saying how many of them
    have a finding about it."""
    counts = [sum(1 for r in reports if r.findings and flagging_finding(r, cells)) for cells in rows]
    return [("quality/", SUM_FLAG.format(n)) if n else None for n in counts]


# --- one agency -------------------------------------------------------------------------------------

TREND_HEADLINES = ("new_received", "total_processed", "disclosed")


def agency_page(corpus: Corpus, agency: Agency, files: Files) -> Page:
    reports = agency.reports
    latest = reports[-1]
    previous = reports[-2] if len(reports) > 1 else None
    figures = _agency_figures(agency)
    context = {
        "title": agency.name,
        "title_en": agency_name(agency.name, agency.region),
        "agency": agency,
        "latest": latest,
        "previous": previous,
        "headline_rows": _headline_rows(latest, previous),
        "figures": figures,
        "has_charts": any(f.drawable for f in figures),
        "report_rows": [_report_row(r, agency) for r in reversed(reports)],
        "findings": [(r, f) for r in reversed(reports) for f in finding_views(r)],
        "downloads": files.of(agency_package_paths(agency.id)) if has_package(agency) else [],
    }
    return Page(f"{agency_url(agency.id)}index.html", "agency.html", context)


def _headline_rows(latest: Report, previous: Report | None) -> list[tuple[Any, ...]]:
    """(label, now, before, change, now's flagging finding, before's) for each headline."""
    rows = []
    now_flags = headline_flags(latest)
    before_flags = headline_flags(previous) if previous else (None,) * len(HEADLINES)
    for h, now_flag, before_flag in zip(HEADLINES, now_flags, before_flags, strict=True):
        now, before = h.get(latest), h.get(previous) if previous else None
        delta = format_change(change(now, before))
        rows.append((h.label, format_or_dash(now), format_or_dash(before), delta, now_flag, before_flag))
    return rows


def _agency_figures(agency: Agency) -> list[ChartFigure]:
    dated = [(r.meta.year, r) for r in agency.reports if r.meta.year]
    if len(dated) < 2:
        return []
    years = [year for year, _ in dated]
    shown = [h for h in HEADLINES if h.id in TREND_HEADLINES]
    series = [(h.label, [h.get(r) for _, r in dated]) for h in shown]
    flags = [[flagging_finding(r, h.cells) is not None for _, r in dated] for h in shown]
    caption = "历年申请数量：新收、办理总计与予以公开（“总计”列，件）"  # the agency is the page's
    return [trend_figure("fig-trend", caption, years, series, flags)]


def _report_row(report: Report, agency: Agency) -> dict[str, Any]:
    return {
        "report": report,
        "url": report_url(report),
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "timeliness": timeliness(report, agency.level, agency.kind),
    }


# --- one report -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One of the report's six sections: narrative text, or an official table with its charts."""

    number: int
    title: str
    html: Markup | None = None
    table: OfficialTable | None = None
    figures: tuple[ChartFigure, ...] = ()
    ocr: bool = False  # narrative text OCR read (published as read: no arithmetic can check words)

    @property
    def table_html(self) -> Markup:
        return official_table_html(self.table) if self.table else Markup("")

    @property
    def table_en(self) -> Markup:
        return official_table_html(self.table, "en") if self.table else Markup("")


def report_page(corpus: Corpus, report: Report, files: Files) -> Page:
    agency = corpus.agency_of(report)
    findings = finding_views(report)
    tables = official_tables(report, findings)
    rid = report_id(report)
    parts = _parts(report, tables)
    context = {
        "title": report_title(report),
        "title_en": f"{agency_name(agency.name, agency.region)}: annual report {report.meta.year or ''}".strip(),
        "report": report,
        "agency": agency,
        "parts": parts,
        "has_charts": any(f.drawable for p in parts for f in p.figures),
        "findings": findings,
        "other_findings": _not_in_tables(findings, tables),
        "template": template_of(report) if report.meta.template else None,
        "timeliness": timeliness(report, agency.level, agency.kind),
        "source": _source(report, files, corpus.config.repo_url, corpus.config.branch),
        "history": _history(
            corpus.history.of(report.meta.source_file), corpus.config.repo_url, corpus.config.branch
        ),
        "downloads": files.of([report_json_path(rid), source_copy_path(report)]),
        "agency_package": link_only(agency_package_paths(agency.id)) if has_package(agency) else [],
        "siblings": [(r.meta.year, report_url(r), report_id(r) == rid) for r in agency.reports],
    }
    return Page(f"{report_url(report)}index.html", "report.html", context)


def _not_in_tables(findings: Sequence[FindingView], tables: Sequence[OfficialTable]) -> list[FindingView]:
    """Findings listed in the report's findings section: those not already under one of the tables."""
    listed = {f.number for t in tables for f in t.findings}
    return [f for f in findings if f.number not in listed]


def _parts(report: Report, tables: Sequence[OfficialTable]) -> list[Part]:
    sections = {s.number: s for s in report.sections}
    table_of = {2: tables[0], 3: tables[1], 4: tables[2]}
    figures = _report_figures(report)
    parts = []
    for number, title in SECTIONS:
        if number in table_of:
            parts.append(Part(number, title, table=table_of[number], figures=figures.get(number, ())))
        elif number in sections and sections[number].text.strip():
            html = Markup(render_narrative(sections[number].text))
            parts.append(Part(number, title, html=html, ocr=report.meta.read_by_ocr(sections[number].line)))
    return parts


def _report_figures(report: Report) -> dict[int, tuple[ChartFigure, ...]]:
    return {
        3: (
            bar_figure(
                "fig-results",
                "本年度申请办理结果（“总计”列，件）",
                result_group_values(report),
                "办理结果",
                [_finding_flag(report, cells) for cells in RESULT_GROUP_CELLS],
            ),
            bar_figure(
                "fig-applicants",
                "本年新收申请，按申请人类型（件）",
                applicant_values(report),
                "申请人",
                [_finding_flag(report, cells) for cells in applicant_cells()],
            ),
        ),
        4: (
            matrix_figure(
                "fig-review",
                "行政复议、行政诉讼结果（件，不含各项总计）",
                "程序",
                OUTCOME_LABELS,
                review_matrix(report),
                flags=[[_finding_flag(report, cells) for cells in row] for row in review_cells()],
            ),
        ),
    }


def _finding_flag(report: Report, cells: Sequence[str]) -> Flag | None:
    """The ※ beside a number on its report's page: the first finding about its cells."""
    number = flagging_finding(report, cells)
    return (f"#f{number}", f"与问题 {number} 有关") if number else None


@dataclass(frozen=True)
class SourceInfo:
    url: str | None  # the agency's page, only when it is an http(s) URL (anything else is shown as text)
    url_text: str | None
    file: str  # path in the repository
    copy: Download | None  # the copy published beside the page
    sha256: str | None
    repo_link: str | None


# Originals a browser would run as a page on the site's own origin (a contributed file is untrusted):
# published as text, the same bytes (and checksum) under a .txt name, which is served as text/plain.
ACTIVE_SUFFIXES = frozenset((".html", ".htm", ".xhtml", ".svg", ".xml"))


def source_copy_path(report: Report) -> str:
    """Where the original file is published: reports/<report_id>/source.<ext> (source.html.txt for a
    web page, see ACTIVE_SUFFIXES)."""
    suffix = report.meta.source_suffix
    return f"{report_url(report)}source{suffix}{'.txt' if suffix.lower() in ACTIVE_SUFFIXES else ''}"


def _source(report: Report, files: Files, repo_url: str | None, branch: str) -> SourceInfo:
    url = report.meta.source_url
    safe_url = url if url and url.lower().startswith(("http://", "https://")) else None
    copy_path = source_copy_path(report)
    data = files.get(copy_path)
    copy = files.download(copy_path) if data is not None else None
    repo_link = f"{repo_url.rstrip('/')}/blob/{branch}/{quote(report.meta.source_file)}" if repo_url else None
    sha = report.meta.source_sha256 or (hashlib.sha256(data).hexdigest() if data is not None else None)
    return SourceInfo(safe_url, url, report.meta.source_file, copy, sha, repo_link)


@dataclass(frozen=True)
class Change:
    date: str
    subject: str
    url: str | None  # the commit in the repository, when its address is known


@dataclass(frozen=True)
class HistoryInfo:
    added: Change  # when the file was first published here
    corrections: tuple[Change, ...]  # later changes, newest first
    url: str | None  # the file's full history in the repository


def _history(history: FileHistory | None, repo_url: str | None, branch: str) -> HistoryInfo | None:
    if history is None:
        return None
    base = repo_url.rstrip("/") if repo_url else None

    def change(revision: Any) -> Change:
        url = f"{base}/commit/{revision.commit}" if base else None
        return Change(revision.date, revision.subject, url)

    url = f"{base}/commits/{branch}/{quote(history.path)}" if base else None
    return HistoryInfo(change(history.published), tuple(change(r) for r in history.corrections), url)
