"""One report through the per-report stages: read → parse → check → acknowledge.

Kept per-report and pure apart from the read, so the build can run it in parallel processes.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from generator.checks import check_report
from generator.model import Finding, Report
from generator.parse.report import parse_report
from generator.read import read_source
from generator.timing import stage


def display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_report(path: Path, root: Path, data: bytes | None = None, shown: str | None = None) -> Report:
    """Read (unless its bytes are given), parse and cross-check one file. Raises NotAReport.
    `shown`: the path as messages name it, when the caller knows it (resolving costs system calls)."""
    with stage("read"):
        source = read_source(path, shown if shown is not None else display_path(path, root), data)
    with stage("parse"):
        report = parse_report(source)
    with stage("check"):
        report = report.with_findings(cross_checks(report))
        return acknowledge(report)


def cross_checks(report: Report) -> tuple[Finding, ...]:
    return tuple(check_report(report))


def acknowledge(report: Report) -> Report:
    """Mark findings the contributor acknowledged in front matter (the source itself is wrong)."""
    entries = report.meta.front_matter.get("acknowledge") or []
    if not entries:
        return report
    marked = tuple(_acknowledged(f, entries) for f in report.findings)
    return replace(report, findings=marked)


def _acknowledged(item: Finding, entries: list[dict]) -> Finding:
    for entry in entries:
        if entry["rule"] == item.rule and entry.get("line") in (None, item.line):
            return replace(item, acknowledged=entry["reason"])
    return item
