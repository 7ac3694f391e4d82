"""`build.py check` as a pull request runs it: exact annotation lines, acknowledgements, non-reports.

The fixtures in tests/fixtures/contrib/ are copies of the 德惠市人民政府办公室 seed report:
- 2020-dehui-broken.txt: front matter `published: 2021年1月`; the “（二）部分公开” row printed with 5
  numbers instead of 7; “（七）总计” printed as 3 where the rows add up to 2.
- 2020-dehui-acknowledged.txt: the same report with a valid date and both problems acknowledged.
- notice.txt: a notice, not an annual report.
Parser findings are pinned exactly; cross-check findings (generator/checks/cross.py) by rule, line and level.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.read.text import split_front_matter
from generator.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
BROKEN = "tests/fixtures/contrib/2020-dehui-broken.txt"
ACKNOWLEDGED = "tests/fixtures/contrib/2020-dehui-acknowledged.txt"
NOTICE = "tests/fixtures/contrib/notice.txt"

PUBLISHED = "front matter: published should be a date YYYY-MM-DD, got '2021年1月'"
ROW_WIDTH = (
    "“（二）部分公开（区分处理的，只计这一情形，不计其他情形）” 有 5 个数字，表格有 7 列（自然人…总计），"
    "无法确定对应关系，记为空值；原文数字：0 0 0 0 0"
)
NOT_A_REPORT = (
    "no disclosure tables found: expected the 主动公开 table (第二十条第（一）项…) and "
    "the 收到和处理政府信息公开申请情况 table (本年新收政府信息公开申请数量…)"
)


def run(*args: str, script: str = "build.py") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONUTF8": "1"}
    return subprocess.run(
        [sys.executable, script, *args], cwd=ROOT, capture_output=True, text=True, encoding="utf-8", env=env
    )


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return run("check", *args)


def title(annotation: str) -> str:
    return annotation.split(",title=", 1)[1].split("::", 1)[0]


def split_cross_checks(lines: list[str]) -> tuple[list[str], list[str]]:
    """(lines of read/parse rules, lines of cross-check rules) of GitHub annotations."""
    cross = [line for line in lines if RULES[title(line)].stage == "check"]
    return [line for line in lines if line not in cross], cross


def test_broken_report_annotates_its_lines() -> None:
    result = check("--format", "github", BROKEN)
    assert result.returncode == 1, result.stderr
    own, cross = split_cross_checks(result.stdout.splitlines())
    assert own == [
        f"::error file={BROKEN},line=4,title=front-matter-invalid::{PUBLISHED}",
        f"::error file={BROKEN},line=143,title=row-width::{ROW_WIDTH}",
    ]
    # “（七）总计” (line 337) is 3 while 本年新收 + 上年结转 is 2: a warning on that line
    assert any(
        line.startswith(f"::warning file={BROKEN},line=337,title=applications-balance::") for line in cross
    )
    assert all(line.startswith("::warning ") for line in cross), cross
    assert result.stderr.startswith("checked 1 file(s): 2 error(s), ")


def test_broken_report_text_format() -> None:
    result = check(BROKEN)
    assert result.returncode == 1
    own = [line for line in result.stdout.splitlines() if "error[" in line]
    assert own == [
        f"{BROKEN}:4: error[front-matter-invalid] {PUBLISHED}",
        f"{BROKEN}:143: error[row-width] {ROW_WIDTH}",
    ]


def test_acknowledged_findings_pass_and_stay_visible() -> None:
    result = check(ACKNOWLEDGED)
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert f"{ACKNOWLEDGED}:148: error[row-width] {ROW_WIDTH} (acknowledged: 原件如此)" in lines
    balance = [line for line in lines if "[applications-balance]" in line]
    assert len(balance) == 1
    assert balance[0].startswith(f"{ACKNOWLEDGED}:342: warning[applications-balance] ")
    assert balance[0].endswith(" (acknowledged: 原件（七）总计印为 3)")
    assert result.stderr.strip() == "checked 1 file(s): 0 error(s), 0 warning(s)"


@pytest.mark.parametrize(("line", "status"), [(149, 0), (148, 1)])
def test_acknowledge_one_line(tmp_path: Path, line: int, status: int) -> None:
    """`line:` acknowledges only the finding on that line (counted after the front matter grew by one)."""
    text = (ROOT / ACKNOWLEDGED).read_text(encoding="utf-8")
    text = text.replace("    reason: 原件如此\n", f"    reason: 原件如此\n    line: {line}\n", 1)
    report = tmp_path / "2020-dehui.txt"
    report.write_text(text, encoding="utf-8")
    result = check(str(report))
    assert result.returncode == status, result.stdout


def test_contributing_example_is_valid_front_matter() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    examples = [b for b in re.findall(r"```\n(---\n.*?\n---)\n", text, re.S) if "acknowledge:" in b]
    assert examples
    for block in examples:
        _, fields, findings = split_front_matter(block.split("\n"), "CONTRIBUTING.md")
        assert findings == []
        assert all(entry["rule"] in RULES for entry in fields["acknowledge"])


def test_acknowledged_errors_annotate_as_warnings() -> None:
    result = check("--format", "github", ACKNOWLEDGED)
    assert result.returncode == 0
    own, _ = split_cross_checks(result.stdout.splitlines())
    assert own == [
        f"::warning file={ACKNOWLEDGED},line=148,title=row-width::{ROW_WIDTH} (acknowledged: 原件如此)"
    ]


def test_not_a_report_is_one_error_and_the_other_files_are_checked() -> None:
    result = check("--format", "github", NOTICE, BROKEN)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [line for line in lines if NOTICE in line] == [
        f"::error file={NOTICE},line=1,title=not-a-report::{NOT_A_REPORT}"
    ]
    assert f"::error file={BROKEN},line=143,title=row-width::{ROW_WIDTH}" in lines


def test_not_a_report_fails_even_beside_a_clean_report() -> None:
    result = check(ACKNOWLEDGED, NOTICE)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"{NOTICE}:1: error[not-a-report] {NOT_A_REPORT}" in lines
    assert any(line.startswith(f"{ACKNOWLEDGED}:148: error[row-width] ") for line in lines)


def _summary_cell(text: str) -> str:
    sys.path.insert(0, str(ROOT / ".github" / "scripts"))
    from pr_summary import cell

    return cell(text)


def test_pull_request_summary_table() -> None:
    result = run(BROKEN, ACKNOWLEDGED, NOTICE, script=".github/scripts/pr_summary.py")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    assert rows[0] == "| 文件 | 机关 | 年度 | 错误 | 警告 |"
    assert rows[1].startswith(f"| {_summary_cell(BROKEN)} | 德惠市人民政府办公室 | 2020 | 2 | ")
    assert rows[2] == f"| {_summary_cell(ACKNOWLEDGED)} | 德惠市人民政府办公室 | 2020 | 0 | 0 |"
    assert (
        rows[3]
        == f"| {_summary_cell(NOTICE)} | {_summary_cell('不是年度报告：' + NOT_A_REPORT)} | — | 1 | 0 |"
    )


def test_the_summary_renders_contributor_text_as_plain_text(tmp_path: Path) -> None:
    """An agency name with an image, a link or HTML reaches the job summary (Markdown) as text."""
    text = (ROOT / ACKNOWLEDGED).read_text(encoding="utf-8").split("---\n", 2)[-1]
    hostile = "![t](https://tracker.example/p.png) <img src=x onerror=alert(1)> [a](javascript:x) | **b**"
    report = tmp_path / "2020-x.txt"
    report.write_text(f"---\nagency: '{hostile}'\n---\n{text}", encoding="utf-8")
    result = run(str(report), script=".github/scripts/pr_summary.py")
    (row,) = [line for line in result.stdout.splitlines() if "tracker" in line]
    for raw in ("![", "](", "<img", "**", "[a]"):
        assert raw not in row
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in row and row.count(" | ") == 4


def test_pull_request_summary_without_reports() -> None:
    result = run(script=".github/scripts/pr_summary.py")
    assert result.returncode == 0
    assert "没有新增或修改" in result.stdout


def test_a_report_without_its_source_url_is_asked_for_it(tmp_path: Path) -> None:
    """`check` asks for the original's address when the front matter has none (a warning of the
    pull request, not a finding of the report)."""
    seed = ROOT / "content" / "reports" / "2020-dehui-zhengfu-bangongshi.txt"
    plain = tmp_path / "2020-dehui.txt"
    plain.write_bytes(seed.read_bytes())
    dated = tmp_path / "2020-dehui-with-url.txt"
    dated.write_text(
        "---\nsource_url: http://www.dehui.gov.cn/xxgk/2020.html\n---\n" + seed.read_text("utf-8"), "utf-8"
    )
    asked = check(str(plain)).stdout
    assert (
        f"{plain.relative_to(ROOT) if plain.is_relative_to(ROOT) else plain}:1: warning[source-url-missing]"
        in asked
    )
    assert "source-url-missing" not in check(str(dated)).stdout
