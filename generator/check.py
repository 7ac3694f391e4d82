"""`build.py check`: what a contributor runs before a pull request."""

from __future__ import annotations

import sys
from pathlib import Path

from generator.errors import NotAReport
from generator.model import Finding, Report
from generator.pipeline import display_path, load_report
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


def github_annotation(path: str, item: Finding) -> str:
    """A GitHub Actions workflow command: the finding appears on its line of the pull request."""
    level = "error" if item.severity == "error" and not item.acknowledged else "warning"
    line = item.line or 1
    message = item.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    title = f"{item.rule}".replace(",", "%2C").replace("::", "%3A%3A")
    return f"::{level} file={path},line={line},title={title}::{message}"


def text_line(path: str, item: Finding) -> str:
    ack = f" (acknowledged: {item.acknowledged})" if item.acknowledged else ""
    return f"{path}:{item.line or 1}: {item.severity}[{item.rule}] {item.message}{ack}"


def run_check(paths: list[Path], fmt: str = "text") -> int:
    root = Path.cwd()
    reports: list[Report] = []
    failed = False
    for path in expand(paths):
        shown = display_path(path, root)
        try:
            reports.append(load_report(path, root))
        except NotAReport as exc:
            failed = True
            item = Finding("not-a-report", "error", exc.problem, 1)
            print(github_annotation(shown, item) if fmt == "github" else f"{shown}:1: error[not-a-report] {exc.problem}")
        except OSError as exc:
            failed = True
            print(f"{shown}:1: error[not-a-report] cannot read file: {exc.strerror}")
    for report in reports:
        for item in report.findings:
            path = report.meta.source_file
            print(github_annotation(path, item) if fmt == "github" else text_line(path, item))
        failed = failed or bool(report.errors)
    errors = sum(len(r.errors) for r in reports)
    warnings = sum(len(r.warnings) for r in reports)
    print(f"checked {len(reports)} report(s): {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if failed else 0
