"""`build.py check`: what a contributor runs before a pull request."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from generator.engine import workers
from generator.messages import say
from generator.model import Finding, Report
from generator.pipeline import (
    Checked,
    Loaded,
    SourceFile,
    check_sources,
    load_or_problem,
    named_path,
    read_files,
)
from generator.read.registry import read_registry
from generator.read.text import discover_entries
from generator.rules import finding


def expand(paths: list[Path]) -> tuple[list[Path], list[tuple[str, str]], list[str]]:
    """Files as given; folders become the report files inside them (a content folder or reports/).
    Also what is refused without being read (symbolic links, FIFOs, devices: path, why) and the
    dot-files passed over."""
    files: list[Path] = []
    refused: list[tuple[str, str]] = []
    skipped: list[str] = []
    for path in paths:
        if not path.is_dir() or path.is_symlink():
            files.append(path)  # a link or a FIFO given by name is refused when it is read
        elif (path / "reports").is_dir():
            found = discover_entries(path)
            files.extend(Path(name) for name in found.names)
            refused.extend((named_path(Path(p), Path.cwd()), why) for p, why in found.refused)
            skipped.extend(named_path(Path(p), Path.cwd()) for p in found.skipped)
        else:
            for item in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in item.relative_to(path).parts):
                    skipped.append(named_path(item, Path.cwd()))
                elif item.is_symlink() or not item.is_dir():
                    files.append(item)
    return files, refused, skipped


def load_bounded(sources: Sequence[SourceFile]) -> Loaded:
    """Every file read, parsed and checked inside the parse limits, as the build does it."""
    import generator.checks.cross
    import generator.data.validate  # noqa: F401

    results = workers.bounded(list(sources), _load_source, 0, lambda source, problem: problem)
    reports = [result for result in results if not isinstance(result, str)]
    unreadable = [(s.path, r) for s, r in zip(sources, results, strict=True) if isinstance(r, str)]
    return reports, unreadable


def _load_source(source: SourceFile) -> Report | str:
    return load_or_problem(Path(source.path), source.data, source.path)


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


def with_schema_findings(checked: Checked) -> list[Report]:
    """Package and validate the checked reports as the build does; schema problems become findings
    on the reports they are in."""
    from generator.data.files import corpus_descriptor_bytes, report_lines
    from generator.data.package import sort_reports
    from generator.data.validate import problems_by_report, validate_reports

    if not checked.kept:
        return list(checked.reports)
    descriptor = corpus_descriptor_bytes(sort_reports(checked.kept))
    by_id = problems_by_report(validate_reports(descriptor, checked.kept, report_lines))
    return [r.with_findings(by_id.get(r.meta.report_id or "", ())) for r in checked.reports]


def source_url_missing(report: Report) -> tuple[Finding, ...]:
    """A contributor is asked for the original's address (the site links it); not a finding of the
    report itself."""
    if report.meta.source_url:
        return ()
    message = say("文件头没有原文网址 source_url：请填写机关发布这份报告的网址")
    return (finding("source-url-missing", message, 1),)


def content_folder(paths: list[Path]) -> Path | None:
    """The content folder, when one was given whole (a folder holding reports/)."""
    return next((path for path in paths if path.is_dir() and (path / "reports").is_dir()), None)


def run_check(paths: list[Path], fmt: str = "text") -> int:
    """The pipeline's read → parse → check → package → validate stages on the given files; every
    finding printed, one line each (or as GitHub annotations)."""
    files, refused, skipped = expand(paths)
    sources, unreadable = read_files(files, Path.cwd())
    content = content_folder(paths)
    registry = read_registry(content or Path("content"))
    checked = check_sources(sources, registry, load=load_bounded)  # each file inside the parse limits
    not_reports = [*refused, *unreadable, *checked.unreadable]
    show = github_annotation if fmt == "github" else text_line
    for path, problem in not_reports:
        print(show(path, Finding("not-a-report", "error", problem, 1)))
    for path in skipped:
        print(
            show(path, Finding("not-a-report", "warning", "a dot-file: skipped, never read as a report", 1))
        )
    # A published id is dropped only if no report of the whole content uses it.
    registry_errors = [*registry.problems, *(checked.dropped_ids if content else ())]
    for problem in registry_errors:
        where, _, message = problem.partition(": ")
        path, _, line = where.partition(":")
        print(show(path, Finding("agency-id-dropped", "error", message, int(line) if line.isdigit() else 1)))
    reports = with_schema_findings(checked)
    for report in reports:
        for item in (*report.findings, *source_url_missing(report)):
            print(show(report.meta.source_file, item))
    errors = sum(len(r.errors) for r in reports) + len(not_reports) + len(registry_errors)
    warnings = sum(len(r.warnings) for r in reports) + len(skipped)
    print(
        f"checked {len(reports) + len(not_reports)} file(s): {errors} error(s), {warnings} warning(s)",
        file=sys.stderr,
    )
    return 1 if errors else 0
