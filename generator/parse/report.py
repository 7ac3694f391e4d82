"""One report's text (`Source`) → `Report`: every table, section and metadata field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.errors import NotAReport
from generator.messages import raw, say
from generator.model import Finding, Metadata, Region, Report, Source
from generator.parse import applications, review
from generator.parse.metadata import (
    Signature,
    choose_agency,
    find_published_line,
    find_signature,
    find_title,
    find_year,
    slug,
)
from generator.parse.proactive import detect_from_headers, find_blocks, parse_proactive, parse_total_line
from generator.parse.region import expand_agency_name, infer_region, region_from_code_or_name
from generator.parse.sections import parse_sections
from generator.parse.tokens import Token, tokenize
from generator.rules import finding

NO_TABLES = (
    "no disclosure tables found: expected the 主动公开 table (第二十条第（一）项…) "
    "and the 收到和处理政府信息公开申请情况 table (本年新收政府信息公开申请数量…)"
)


def parse_report(source: Source) -> Report:
    """Read every table, section and metadata field of one report. Raises NotAReport."""
    tokens = tokenize(source)
    blocks = find_blocks(tokens)
    raw_applications = applications.scan(tokens)
    if not blocks and raw_applications.start is None:
        raise NotAReport(source.path, NO_TABLES)
    findings: list[Finding] = list(source.findings)
    template, template_findings = _detect_template(blocks, raw_applications)
    findings.extend(template_findings)
    layout = template or "2019"
    proactive, proactive_findings = parse_proactive(blocks, layout)
    findings.extend(proactive_findings)
    # The applications table is read in the template its own rows follow, which may not be the
    # report's: the rows that are printed are the rows that are read.
    table_b, b_findings = _applications(
        tokens, raw_applications, raw_applications.template_evidence or layout
    )
    findings.extend(b_findings)
    review_after = (
        raw_applications.end if raw_applications.start is not None else _after_blocks(tokens, blocks)
    )
    review_cells, review_findings, _ = review.parse_review(tokens, review_after)
    findings.extend(review_findings)
    signature = find_signature(source)
    meta, meta_findings = parse_metadata(source, template, signature)
    return Report(
        meta=meta,
        proactive=proactive,
        applications=table_b,
        review_litigation=review_cells,
        published_total=parse_total_line(source),
        sections=parse_sections(source, signature.index if signature else None),
        findings=tuple(meta_findings + findings),
    )


def _detect_template(
    blocks: list[Any], raw: applications.RawApplications
) -> tuple[str | None, list[Finding]]:
    from_a, from_b = detect_from_headers(blocks), raw.template_evidence
    if from_a and from_b and from_a != from_b:
        message = say(
            "主动公开表为 {proactive} 年模板，但申请情况表“（六）其他处理”的结构属于 {applications} 年模板："
            "两张表各按其模板读取，报告按主动公开表记为 {proactive} 年模板",
            proactive=from_a,
            applications=from_b,
        )
        line = blocks[0].caption.line if blocks else None
        return from_a, [finding("template-conflict", message, line)]
    template = from_a or from_b
    if template is None:
        message = say(
            "根据表格标签无法判断是 2019 年还是 2021 年模板（没有“本年新制作数量”“本年制发件数”等表头）"
        )
        line = blocks[0].caption.line if blocks else None
        return None, [finding("template-undetected", message, line)]
    return template, []


def _applications(
    tokens: list[Token], raw: applications.RawApplications, template: str
) -> tuple[applications.ApplicationsTable, list[Finding]]:
    table, found = applications.assemble(raw, template, tokens_after=len(tokens) - raw.end)
    if raw.start is None:
        message = say(
            "没有找到“收到和处理政府信息公开申请情况”表格（应有“本年新收政府信息公开申请数量”等行）"
        )
        found = [finding("table-missing", message), *found]
    return table, found


def _after_blocks(tokens: list[Token], blocks: list[Any]) -> int:
    if not blocks:
        return 0
    last = blocks[-1].tokens[-1] if blocks[-1].tokens else blocks[-1].caption
    return next((i for i, t in enumerate(tokens) if t is last), 0) + 1


def parse_metadata(
    source: Source, template: str | None, signature: Signature | None
) -> tuple[Metadata, list[Finding]]:
    front = source.front_matter
    findings: list[Finding] = []
    title = find_title(source)
    body = "\n".join(source.lines)
    agency = choose_agency(title.agency if title else None, signature.agency if signature else None)
    if agency:
        agency = expand_agency_name(agency, body)
    printed_agency = agency
    agency = front.get("agency") or agency
    if not agency:
        findings.append(
            finding("agency-missing", say("标题、落款和正文中都找不到发布机关名称；请在文件头写明 agency"), 1)
        )
    year = front.get("year") or find_year(source, title)
    if not year:
        message = say("标题中没有报告年度（如“2020年”）；请在文件头写明 year")
        findings.append(finding("year-missing", message, 1))
    published = (
        front.get("published") or find_published_line(source) or (signature.date if signature else None)
    )
    signed_by = signature.agency if signature else None
    region, region_findings = _region(front, title.text if title else None, signed_by, agency, body)
    findings.extend(region_findings)
    agency_id = front.get("id") or slug(agency or source.path.rsplit("/", 1)[-1].split(".")[0])
    meta = Metadata(
        agency=agency,
        year=year,
        template=template,
        published=published,
        region=region,
        source_file=source.path,
        source_url=front.get("source_url"),
        title=front.get("title") or (title.text if title else None),
        report_id=f"{agency_id}-{year or 'unknown'}",
        agency_id=agency_id,
        front_matter=dict(front),
        source_sha256=source.sha256,
        source_suffix=source.original_suffix,
        printed_agency=printed_agency if printed_agency != agency else None,
        ocr_pages=source.ocr_pages,
    )
    return meta, findings


def _region(
    front: Mapping[str, Any], title: str | None, signed_by: str | None, agency: str | None, body: str
) -> tuple[Region | None, list[Finding]]:
    if "region" in front:
        region = region_from_code_or_name(str(front["region"]))
        if region is None:
            message = say(
                "front matter: region {value} is not a known GB/T 2260 code or division name",
                value=raw(repr(front["region"])),
            )
            return None, [finding("front-matter-invalid", message, 1)]
        return region, []
    heading = " ".join(t for t in (agency, title) if t)
    region, problem = infer_region(heading or None, signed_by, body)
    return region, [problem] if problem else []
