"""Encodings, bad input and the `parse` command's contract (exit status, one line on stderr)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.model import report_to_json
from tests.parse_helpers import FIXTURES, ROOT, SEEDS, parse_path

SAMPLE = FIXTURES / "parse" / "2021-tabs.txt"


def _numbers(path: Path) -> dict:
    doc = report_to_json(parse_path(path))
    return {
        k: doc[k] for k in ("agency", "year", "template", "applications", "review_litigation", "proactive")
    }


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_encodings_and_line_ends_give_the_same_numbers(tmp_path: Path, encoding: str, newline: str) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace("\n", newline)
    target = tmp_path / "report.txt"
    target.write_bytes(text.encode(encoding))
    assert _numbers(target) == _numbers(SAMPLE)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "build.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


NO_TABLES = (
    "not a report: no disclosure tables found: expected the 主动公开 table (第二十条第（一）项…) "
    "and the 收到和处理政府信息公开申请情况 table (本年新收政府信息公开申请数量…)"
)
BAD_INPUTS = {
    "empty.txt": "not a report: empty file: no report text",
    "blank.txt": "not a report: empty file: no report text",
    "binary.txt": "not a report: binary file: expected the report's text (UTF-8 or GB18030)",
    "notice.txt": NO_TABLES,
    "no-tables.txt": NO_TABLES,
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_and_exit_2(name: str) -> None:
    result = run_cli("parse", f"tests/fixtures/bad/{name}")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"tests/fixtures/bad/{name}: {BAD_INPUTS[name]}\n"


def test_missing_file_is_one_line() -> None:
    result = run_cli("parse", "tests/fixtures/bad/does-not-exist.txt")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "does-not-exist.txt" in result.stderr
    assert "Traceback" not in result.stderr


def test_parse_one_file_prints_one_object() -> None:
    result = run_cli("parse", "content/reports/2020-dehui-zhengfu-bangongshi.txt")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["agency"] == "德惠市人民政府办公室" and "file" not in doc
    assert doc["applications"]["new_received"] == [2, 0, 0, 0, 0, 0, 2]


def test_parse_several_files_prints_json_lines_in_order() -> None:
    files = sorted(str(p.relative_to(ROOT)) for p in SEEDS.glob("*.txt"))
    result = run_cli("parse", *files, "tests/fixtures/bad/notice.txt")
    assert result.returncode == 2  # one bad file; the others are still printed
    lines = result.stdout.splitlines()
    assert [json.loads(line)["file"] for line in lines] == files
    assert result.stderr.startswith("tests/fixtures/bad/notice.txt: not a report")
