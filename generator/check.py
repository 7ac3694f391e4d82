"""`build.py check`: what a contributor runs before a pull request."""

from __future__ import annotations

import sys
from pathlib import Path

from generator.errors import NotAReport
from generator.model import Finding, Report
from generator.read import discover


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; folders become the report files inside them (a content folder or reports/)."""
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
        elif (path / "reports").is_dir():
            files.extend(discover(path))
        else:
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")))
    return files


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(path: str, item: Finding) -> str:
    """A GitHub Actions workflow command: the finding appears on its line of the pull request."""
    level = "error" if item.severity == "error" and not item.acknowledged else "warning"
    ack = f" (acknowledged: {item.acknowledged})" if item.acknowledged else ""
    file, title = _escape_property(path), _escape_property(item.rule)
    return f"::{level} file={file},line={item.line or 1},title={title}::{_escape_data(item.message + ack)}"


def text_line(path: str, item: Finding) -> str:
    ack = f" (acknowledged: {item.acknowledged})" if item.acknowledged else ""
    return f"{path}:{item.line or 1}: {item.severity}[{item.rule}] {item.message}{ack}"


def _with_schema_findings(reports: list[Report]) -> list[Report]:
    """Package and validate the checked reports like the build does; schema errors become findings."""
    from generator.build import corpus_findings, first_of_each_id
    from generator.package import data_files
    from generator.validate import problems_by_report, validate_data

    if not reports:
        return reports
    reports = corpus_findings(reports)  # duplicates among the checked files, carry-over between years
    unique, _ = first_of_each_id(reports)
    by_id = problems_by_report(validate_data(data_files(unique), unique))
    return [r.with_findings(by_id.get(r.meta.report_id or "", ())) for r in reports]


def run_check(paths: list[Path], fmt: str = "text") -> int:
    from generator.pipeline import display_path, load_report  # the build imports this module, not the parser

    root = Path.cwd()
    reports: list[Report] = []
    unreadable = 0
    for path in expand(paths):
        shown = display_path(path, root)
        try:
            reports.append(load_report(path, root))
        except (NotAReport, OSError) as exc:
            unreadable += 1
            problem = exc.problem if isinstance(exc, NotAReport) else f"cannot read file: {exc.strerror}"
            item = Finding("not-a-report", "error", problem, 1)
            print(github_annotation(shown, item) if fmt == "github" else text_line(shown, item))
    reports = _with_schema_findings(reports)
    for report in reports:
        for item in report.findings:
            source = report.meta.source_file
            print(github_annotation(source, item) if fmt == "github" else text_line(source, item))
    errors = sum(len(r.errors) for r in reports) + unreadable
    warnings = sum(len(r.warnings) for r in reports)
    print(
        f"checked {len(reports) + unreadable} file(s): {errors} error(s), {warnings} warning(s)",
        file=sys.stderr,
    )
    return 1 if errors else 0
