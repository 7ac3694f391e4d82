"""Markdown summary of the reports a pull request adds or changes, for the job summary.

Usage (from the repository root, with the project installed): python .github/scripts/pr_summary.py FILE...
"""

from __future__ import annotations

import sys
from pathlib import Path

from generator.commands.check import load_bounded
from generator.pipeline import display_path, read_files

MARKDOWN_PUNCTUATION = "\\`*_{}[]()#+-.!|~>:"
HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def cell(text: object) -> str:
    """Contributor text (a file name, an agency as the file states it) as plain text in a table cell:
    no image, link, HTML or formatting can come from it (GitHub renders the summary as Markdown)."""
    out = []
    for ch in " ".join(str(text).split()):
        if ch in HTML:
            out.append(HTML[ch])
        elif ch in MARKDOWN_PUNCTUATION:
            out.append("\\" + ch)
        elif ch.isprintable():
            out.append(ch)
    return "".join(out)


def rows(paths: list[Path], root: Path) -> list[list[object]]:
    """One row per file, each read and parsed inside the same limits as `check` and the build (a
    hostile file is one row saying which limit it tripped)."""
    sources, unreadable = read_files(paths, root)
    reports, not_reports = load_bounded(sources)
    found: dict[str, list[object]] = {
        path: [path, f"不是年度报告：{why}", "—", 1, 0] for path, why in unreadable
    }
    found.update((path, [path, f"不是年度报告：{why}", "—", 1, 0]) for path, why in not_reports)
    for report in reports:
        meta = report.meta
        found[meta.source_file] = [
            meta.source_file,
            meta.agency or "—",
            meta.year or "—",
            len(report.errors),
            len(report.warnings),
        ]
    return [found[display_path(path, root)] for path in paths if display_path(path, root) in found]


def summary(paths: list[Path], root: Path) -> str:
    if not paths:
        return "### 报告检查\n\n本次 Pull Request 没有新增或修改 `content/reports/` 下的报告。\n"
    lines = ["### 报告检查", "", "| 文件 | 机关 | 年度 | 错误 | 警告 |", "|---|---|---|---:|---:|"]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows(paths, root)]
    lines += [
        "",
        "错误须修正；若是原件本身的问题，请在文件头 `acknowledge` 中说明原因。警告不影响合并，报告照原样发布。",
        "各问题已标注在“Files changed”中对应的行上。",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(summary([Path(arg) for arg in sys.argv[1:]], Path.cwd()))
