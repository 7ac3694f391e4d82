"""Documentation generated from the code, so that it cannot drift: the table of finding rules.

`docs/rules.md` is this module's output (a test fails when it is stale; rewrite it with
`pytest --update-golden`). The site's quality page reads the same registry.
"""

from __future__ import annotations

from generator.rules import RULES, Rule

STAGES = (
    ("read", "读取文件", "Reading the file"),
    ("parse", "解析表格", "Parsing the tables"),
    ("check", "勾稽关系核对", "Cross-checks (勾稽关系)"),
    ("validate", "数据包校验", "Data package validation"),
)
SEVERITY = {"error": "error（无法读取）", "warning": "warning（有疑问）"}


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _table(rules: list[Rule]) -> list[str]:
    lines = ["| 规则 id | 级别 | 名称 | 检查内容 | 示例 |", "|---|---|---|---|---|"]
    for rule in rules:
        cells = (f"`{rule.id}`", SEVERITY[rule.severity], rule.title, rule.description, rule.example)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return lines


def rules_markdown() -> str:
    """The rule reference page: every registered rule by stage, in registration order."""
    lines = [
        "# 问题规则一览 · Finding rules",
        "",
        "<!-- Generated from generator/rules.py by generator/docs.py: do not edit by hand. -->",
        "",
        "每个问题（finding）都有一个稳定的规则 id，出现在 `build.py check` 的输出、parse JSON 和 `findings.csv` 中。"
        "`error`：数字无法读取或无法确定（记为空值）；`warning`：读取了但有疑问，多为原件本身的勾稽关系不符"
        "（原件照登，不作修改）。空白单元格在核对中按 0 计算，并在消息中列出。",
        "",
        "Every finding carries a stable rule id (in `build.py check` output, the parse JSON and `findings.csv`).",
        "`error`: a number could not be read or placed (left blank); `warning`: read, but doubtful.",
    ]
    known = {stage for stage, _, _ in STAGES}
    stages = [*STAGES, *((s, s, s) for s in sorted({r.stage for r in RULES.values()} - known))]
    for stage, zh, en in stages:
        rules = [r for r in RULES.values() if r.stage == stage]
        if rules:
            lines += ["", f"## {zh} · {en}", "", *_table(rules)]
    return "\n".join(lines) + "\n"
