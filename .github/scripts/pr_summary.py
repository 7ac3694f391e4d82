"""Markdown summary of the reports a pull request adds or changes, for the job summary.

Usage (from the repository root, with the project installed): python .github/scripts/pr_summary.py FILE...
"""

from __future__ import annotations

import sys
from pathlib import Path

from generator.errors import NotAReport
from generator.pipeline import display_path, load_report

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


def row(path: Path, root: Path) -> list[object]:
    try:
        report = load_report(path, root)
    except NotAReport as exc:
        return [display_path(path, root), f"不是年度报告：{exc.problem}", "—", 1, 0]
    except OSError as exc:
        return [display_path(path, root), f"无法读取：{exc.strerror}", "—", 1, 0]
    meta = report.meta
    return [meta.source_file, meta.agency or "—", meta.year or "—", len(report.errors), len(report.warnings)]


def summary(paths: list[Path], root: Path) -> str:
    if not paths:
        return "### 报告检查\n\n本次 Pull Request 没有新增或修改 `content/reports/` 下的报告。\n"
    lines = ["### 报告检查", "", "| 文件 | 机关 | 年度 | 错误 | 警告 |", "|---|---|---|---:|---:|"]
    lines += ["| " + " | ".join(cell(value) for value in row(path, root)) + " |" for path in paths]
    lines += [
        "",
        "错误须修正；若是原件本身的问题，请在文件头 `acknowledge` 中说明原因。警告不影响合并，报告照原样发布。",
        "各问题已标注在“Files changed”中对应的行上。",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(summary([Path(arg) for arg in sys.argv[1:]], Path.cwd()))
