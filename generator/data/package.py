"""Package stage: reports → tidy rows per table and Frictionless Data Package descriptors (no disk I/O).

Six tables, one CSV each, joined on `report_id`: `reports`, `proactive`, `applications`,
`review_litigation`, `findings`, `unplaced` (the rows of the last two in `data/tables.py`). The
applications in long form, `applications_long`, are made from the wide table for Parquet and SQLite
only (`data/analyst.py`): as CSV they would be four times the wide table's bytes. Their Table Schemas are JSON files in `generator/data/schemas/` (data kept
in the repository, read once as package data). A blank published cell stays empty (None → ""), never 0.

Two kinds of package share these tables and schemas: the corpus and one per agency (every year of it).
Their descriptors sit side by side in the data folder and name each Table Schema by its path there,
`schemas/<table>.json`, published once (see `data/files.py`). Metadata is taken from the content, never
from the clock, so builds are reproducible.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from generator.checks.equations import template_of
from generator.data.tables import report_agency_columns, unplaced_rows, value_yuan
from generator.model import Cell, Number, Report
from generator.site.i18n import message_in
from generator.spec import (
    APPLICANT_IDS,
    OUTCOMES,
    PROCEEDINGS,
    application_rows,
    proactive_blocks,
)

RESOURCES = (
    "reports",
    "proactive",
    "applications",
    "review_litigation",
    "findings",
    "unplaced",
)
LONG_APPLICATIONS = "applications_long"  # made from `applications` for Parquet and SQLite (data/analyst.py)
Row = dict[str, Any]
Tables = dict[str, list[Row]]

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
CONTRIBUTORS = [
    {"title": "政府信息公开年报数据项目贡献者 / gov-disclosure-reports contributors", "role": "author"}
]
KEYWORDS = [
    "政府信息公开",
    "政府信息公开工作年度报告",
    "政务公开",
    "依申请公开",
    "行政复议",
    "行政诉讼",
    "government information disclosure",
    "freedom of information",
    "open government",
    "China",
]
RESOURCE_TEXT = {
    "reports": (
        "报告 / Reports",
        "每份报告一行：机关、行政区划、年度、模板、发布日期、原文出处、主要合计数和问题数。\n\n"
        "One row per report: agency, administrative division, year, template, publication date, source "
        "of the original report, the main totals and the number of findings.",
    ),
    "proactive": (
        "主动公开 / Proactive disclosure",
        "主动公开政府信息情况（《条例》第二十条）：每份报告 × 信息内容 × 统计指标一行，含数值、单位和原文。\n\n"
        "Proactive disclosure of government information (Article 20 of the Regulations): one row per "
        "report × information item × measure, with the value, its unit and the original text.",
    ),
    "applications": (
        "依申请公开 / Disclosure on request",
        "收到和处理政府信息公开申请情况：每份报告 × 表格行一行，七列为各类申请人（自然人……总计）。\n\n"
        "Government information disclosure applications received and handled: one row per report × "
        "table row, with seven columns for the kinds of applicant (natural person … total).",
    ),
    "applications_long": (
        "依申请公开（长表） / Disclosure on request (long form)",
        "与 applications 表相同的单元格，每份报告 × 表格行 × 申请人类型一行（原表空白的单元格也有一行，数值为空），"
        "便于分组汇总。\n\n"
        "The same cells as the applications table, one row per report × table row × kind of applicant "
        "(a cell left blank in the original report has its row too, with an empty value), for grouping "
        "and summing.",
    ),
    "review_litigation": (
        "行政复议和行政诉讼 / Administrative reconsideration and litigation",
        "政府信息公开行政复议、行政诉讼情况：每份报告 × 程序（行政复议、未经复议直接起诉、复议后起诉）一行，五列为结果。\n\n"
        "Administrative reconsideration and administrative litigation over government information "
        "disclosure: one row per report × proceeding (administrative reconsideration, lawsuit filed "
        "directly without reconsideration, lawsuit filed after reconsideration), with five columns "
        "for the outcomes.",
    ),
    "changes": (
        "变更 / Changes",
        "每次发布中改变的每个数值一行（累计）：版本、日期、提交、报告、单元格、原值、新值和原因（新增报告、删除报告、更正、解析程序改进）。\n\n"
        "One row per value changed by a release (cumulative): version, date, commit, report, cell, old value, "
        "new value and reason (new report, removed report, correction, parser fix).",
    ),
    "corrections": (
        "更正记录 / Corrections",
        "每份报告的文件每次合并进主分支一行（来自 git 历史）：首次发布（published）和其后的每次更正（correction），"
        "含日期、提交和说明；浅克隆时为空。\n\n"
        "One row per change of a report's file that reached the main branch (from the git history): its "
        "first publication (published) and every later correction (correction), with the date, the "
        "commit and its subject; empty in a shallow clone.",
    ),
    "findings": (
        "问题 / Findings",
        "读取和核对中发现的每个问题一行：规则、级别、说明、涉及的单元格和原文行号（勾稽关系不符等，原件照登，不作修改）。\n\n"
        "One row per problem found while reading and checking: rule, severity, message, the cells "
        "concerned and the line number in the original report (failed cross-checks and the like are "
        "published as in the original report, never corrected).",
    ),
    "unplaced": (
        "未能归位的数字 / Unplaced numbers",
        "原文某一行印有数字，但无法确定各属哪一列（数字个数与列数不符，或数字粘连且拆分方式不唯一）：每一行一条，"
        "数字按原文照录；这些单元格在其他表中为空值，不作猜测。\n\n"
        "Numbers printed in a row of the original report that could not be placed in its columns (more "
        "or fewer numbers than columns, or digits run together with more than one reading): one row per "
        "such row, the numbers as printed; the cells stay empty in the other tables, never guessed.",
    ),
}


SCHEMAS_FOLDER = "schemas"  # in the data folder, beside the descriptors that name them


@cache
def schema_bytes(name: str) -> bytes:
    """The Table Schema of one table as published: the bytes of generator/data/schemas/<name>.json."""
    return resources.files("generator.data").joinpath("schemas", f"{name}.json").read_bytes()


def load_schema(name: str) -> dict[str, Any]:
    """The Table Schema of one table (a fresh copy: callers may not share a mutable dict)."""
    return json.loads(schema_bytes(name))


def schema_path(name: str) -> str:
    """Where a descriptor finds the schema of one table: a path relative to the data folder, where
    every descriptor is (the Data Package standard allows no `../`, and frictionless refuses it)."""
    return f"{SCHEMAS_FOLDER}/{name}.json"


@cache
def field_names(name: str) -> tuple[str, ...]:
    return tuple(f["name"] for f in load_schema(name)["fields"])


# --- rows ------------------------------------------------------------------------------------------


def report_tables(report: Report) -> Tables:
    """The rows of one report in every table."""
    return {
        "reports": [report_row(report)],
        "proactive": proactive_rows(report),
        "applications": applications_rows(report),
        "review_litigation": review_rows(report),
        "findings": finding_rows(report),
        "unplaced": unplaced_rows(report),
    }


def sort_reports(reports: Iterable[Report]) -> list[Report]:
    return sorted(reports, key=lambda r: (r.meta.report_id or "", r.meta.source_file))


def _total(cells: Sequence[Cell]) -> Number | None:
    """A sum of published cells: blank when every cell is blank, else blanks count as 0."""
    values = [c.value for c in cells if c.value is not None]
    return sum(values) if values else None


def report_row(report: Report) -> Row:
    meta, region = report.meta, report.meta.region
    return {
        "report_id": meta.report_id,
        "agency_id": meta.agency_id,
        "agency": meta.agency,
        "title": meta.title,
        "year": meta.year,
        "template": meta.template,
        "published": meta.published,
        "region_code": region.code if region else None,
        "region_name": (region.name or None) if region else None,
        "province": region.province if region else None,
        "province_code": region.province_code if region else None,
        "city": region.city if region else None,
        "city_code": region.city_code if region else None,
        "county": region.county if region else None,
        "county_code": region.county_code if region else None,
        "source_file": meta.source_file,
        "source_url": meta.source_url,
        "source_sha256": meta.source_sha256,
        "new_applications": report.applications.cell("new_received", "total").value,
        "processed_applications": report.applications.cell("total_processed", "total").value,
        "carried_forward": report.applications.cell("carried_forward", "total").value,
        "reconsiderations": report.review("reconsideration_total").value,
        "lawsuits": _total(
            [
                report.review("litigation_direct_total"),
                report.review("litigation_after_reconsideration_total"),
            ]
        ),
        "published_total": report.published_total.value if report.published_total else None,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "acknowledged": sum(1 for f in report.findings if f.acknowledged),
        **report_agency_columns(report),
        "ocr_pages": report.meta.ocr_pages,
    }


def proactive_rows(report: Report) -> list[Row]:
    """One row per item × measure of the report's template, in table order."""
    labels = {row.item: row.label for row in report.proactive}
    lines = {row.item: row.line for row in report.proactive}
    rows = []
    for block in proactive_blocks(template_of(report)):
        for item in block.items:
            for measure in block.measures:
                cell = report.proactive_cell(item.id, measure.id)
                rows.append(
                    {
                        "report_id": report.meta.report_id,
                        "item": item.id,
                        "item_label": labels.get(item.id, item.label),
                        "block": block.block,
                        "measure": measure.id,
                        "measure_label": measure.label,
                        "value": cell.value,
                        "unit": cell.unit,
                        "raw": cell.raw,
                        "line": cell.line,
                        "value_yuan": value_yuan(measure.id, measure.kind, cell),
                        "ocr": report.meta.read_by_ocr(cell.line or lines.get(item.id)),
                    }
                )
    return rows


def applications_rows(report: Report) -> list[Row]:
    """One row per data row of the table's template (usually the report's), with the 7 applicant
    columns."""
    table = report.applications
    rows = []
    for position, spec_row in enumerate(application_rows(table.template), start=1):
        row: Row = {
            "report_id": report.meta.report_id,
            "row_id": spec_row.id,
            "position": position,
            "row_group": spec_row.group or None,
            "label": spec_row.label,
        }
        row.update(zip(APPLICANT_IDS, table.values(spec_row.id), strict=True))
        row["line"] = table.lines.get(spec_row.id)
        first = next((c.line for c in table.rows.get(spec_row.id, ()) if c.line is not None), None)
        row["ocr"] = report.meta.read_by_ocr(row["line"] or first)
        rows.append(row)
    return rows


def review_rows(report: Report) -> list[Row]:
    """One row per proceeding, its five outcomes, the line of its first number in the report, and the
    line of each number."""
    rows = []
    for proceeding, label in PROCEEDINGS:
        cells = [report.review(f"{proceeding}_{outcome}") for outcome, _ in OUTCOMES]
        row: Row = {"report_id": report.meta.report_id, "proceeding": proceeding, "proceeding_label": label}
        row.update({outcome: cell.value for (outcome, _), cell in zip(OUTCOMES, cells, strict=True)})
        row["line"] = next((cell.line for cell in cells if cell.line is not None), None)
        row.update({f"{outcome}_line": cell.line for (outcome, _), cell in zip(OUTCOMES, cells, strict=True)})
        row["ocr"] = report.meta.read_by_ocr(row["line"])
        rows.append(row)
    return rows


def finding_rows(report: Report) -> list[Row]:
    return [
        {
            "report_id": report.meta.report_id,
            "number": number,
            "rule": item.rule,
            "severity": item.severity,
            "message": item.message,
            "message_en": message_in(item.text, "en") if item.text else None,
            "cells": " ".join(item.cells) or None,
            "line": item.line,
            "acknowledged": item.acknowledged,
        }
        for number, item in enumerate(report.findings, start=1)
    ]


# --- descriptors -----------------------------------------------------------------------------------

ZH_ABOUT = (
    "中国各级行政机关发布的政府信息公开工作年度报告中的法定表格数据：主动公开政府信息情况、收到和处理政府信息公开申请情况、"
    "政府信息公开行政复议和行政诉讼情况。数字按原文照登：空白单元格保持为空，不记为 0；勾稽关系不符之处作为问题（findings）"
    "列出，不作修改。CSV 为带 BOM 的 UTF-8 编码，可直接用 Excel 打开。"
)
EN_ABOUT = (
    "The statutory tables of the annual government information disclosure reports (政府信息公开工作年度报告) "
    "published by Chinese government agencies: proactive disclosure, disclosure applications received and "
    "how they were handled, administrative reconsideration and litigation. Numbers are kept exactly as "
    "published: a blank cell stays empty (never 0), and failed cross-checks are listed in `findings`, "
    "never corrected. CSV files are UTF-8 with a byte order mark, so Excel opens them directly."
)


def resource_descriptor(name: str, folder: str = "") -> dict[str, Any]:
    """One table: its CSV in `folder` (relative to the data folder, e.g. "agencies/<id>/"), its
    schema by path."""
    title, description = RESOURCE_TEXT[name]
    return {
        "name": name,
        "type": "table",
        "path": f"{folder}{name}.csv",
        "title": title,
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",  # the files start with a BOM for Excel; frictionless and pandas strip it
        "schema": schema_path(name),
    }


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def latest_published(reports: Iterable[Report]) -> str | None:
    """The latest ISO publication date of the content (others are schema errors of their report)."""
    # The latest first, then the check: a rebuild looks at every report's date.
    dates = sorted({r.meta.published for r in reports if r.meta.published}, reverse=True)
    return next((date for date in dates if ISO_DATE.match(date)), None)


def _created(reports: Sequence[Report]) -> str | None:
    """The package's creation datetime, taken from the content (not the build time)."""
    latest = latest_published(reports)
    return f"{latest}T00:00:00Z" if latest else None


def _years(reports: Sequence[Report]) -> str:
    years = sorted({r.meta.year for r in reports if r.meta.year})
    if not years:
        return "年度不详"
    return f"{years[0]}" if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


def _source(report: Report) -> dict[str, str]:
    title = report.meta.title or f"{report.meta.agency or report.meta.report_id} {report.meta.year} 年度报告"
    source = {"title": title}
    if report.meta.source_url:
        source["path"] = report.meta.source_url
    return source


def package_name(text: str) -> str:
    """A valid Data Package name (lower-case ASCII letters, digits, '-', '.', '_')."""
    name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-._") else "-" for ch in text.lower())
    return name.strip("-") or "unknown"


PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"  # known to frictionless: no download


@dataclass(frozen=True)
class Stamp:
    """What a release says of itself in every descriptor (`data/release.py`)."""

    version: str = "unreleased"
    created: str | None = None  # ISO 8601 UTC, the commit's time; None: the newest publication date
    homepage: str | None = None  # the site's address (SITE_URL), when it is known


UNSTAMPED = Stamp()


def package_id(name: str, stamp: Stamp) -> str:
    """A globally unique id of one package at one version (the same every time it is built)."""
    return uuid.uuid5(
        uuid.NAMESPACE_URL, f"{stamp.homepage or 'gov-disclosure-reports:'}{name}@{stamp.version}"
    ).urn


def _package(
    name: str,
    title: str,
    description: str,
    reports: Sequence[Report],
    sources: list[Any],
    folder: str = "",
    stamp: Stamp = UNSTAMPED,
) -> dict:
    """A package descriptor whose CSVs are in `folder` (relative to the data folder)."""
    descriptor: dict[str, Any] = {
        "$schema": PROFILE,
        "id": package_id(package_name(name), stamp),
        "name": package_name(name),
        "title": title,
        "description": description,
        "version": stamp.version,
        "licenses": [LICENSE],
        "sources": sources,
        "contributors": CONTRIBUTORS,
        "keywords": KEYWORDS,
    }
    if stamp.homepage:
        descriptor["homepage"] = stamp.homepage
    created = stamp.created or _created(reports)
    if created:
        descriptor["created"] = created
    descriptor["resources"] = [resource_descriptor(n, folder) for n in RESOURCES]
    return descriptor


def corpus_descriptor(reports: Sequence[Report], stamp: Stamp = UNSTAMPED) -> dict[str, Any]:
    """The corpus package: every report. Sources point to `reports.source_url` (one per report)."""
    agencies = len({r.meta.agency_id for r in reports})
    years = _years(reports)
    scope_zh = f"共 {len(reports)} 份报告，{agencies} 个机关，{years} 年度。"
    scope_en = f"{len(reports)} reports from {agencies} agencies, years {years}."
    sources = [
        {
            "title": "各行政机关在其网站发布的政府信息公开工作年度报告（每份报告的原文网址见 reports.csv 的 source_url 列）"
            " / the agencies' own reports; each report's URL is in the source_url column of reports.csv"
        }
    ]
    title = "政府信息公开工作年度报告数据 / Government information disclosure annual reports (China)"
    description = f"{ZH_ABOUT}{scope_zh}\n\n{EN_ABOUT} {scope_en}"
    return _package("gov-disclosure-reports", title, description, reports, sources, stamp=stamp)


def agency_descriptor(reports: Sequence[Report], stamp: Stamp = UNSTAMPED) -> dict[str, Any]:
    """One agency's package: every year of it, its CSVs in `agencies/<agency_id>/`."""
    ordered = sort_reports(reports)
    latest = max(ordered, key=lambda r: r.meta.year or 0)
    agency_id, agency = latest.meta.agency_id or "unknown", latest.meta.agency or latest.meta.agency_id
    years = _years(ordered)
    title = f"{agency}政府信息公开工作年度报告数据（{years}）/ Annual reports of {agency_id} ({years})"
    description = f"{agency}历年政府信息公开工作年度报告的表格数据。{ZH_ABOUT}\n\n{EN_ABOUT}"
    sources = [_source(r) for r in ordered]
    return _package(agency_id, title, description, ordered, sources, agency_folder(agency_id), stamp)


def agency_folder(agency_id: str) -> str:
    """The folder of an agency's CSVs, relative to the data folder."""
    return f"agencies/{agency_id}/"
