"""The whole build on a content folder: bad input never stops the others; output is deterministic."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.data.package import RESOURCES
from generator.engine.cache import site_version
from generator.engine.state import load_state, state_path
from tests.parse_helpers import ROOT, SEEDS


def _content(tmp_path: Path, extra: dict[str, bytes] | None = None) -> Path:
    content = tmp_path / "content"
    shutil.copytree(SEEDS, content / "reports")
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    for name, data in (extra or {}).items():
        (content / "reports" / name).write_bytes(data)
    return content


def build(content: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        str(ROOT / "build.py"),
        "build",
        "--content",
        str(content),
        "--out",
        str(out),
        *args,
    ]
    return subprocess.run(
        command, cwd=content.parent, capture_output=True, text=True, encoding="utf-8", check=False
    )


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    tmp = tmp_path_factory.mktemp("seeds")
    content = _content(tmp)
    result = build(content, tmp / "site")
    return tmp, result


def test_seeds_build_with_findings_published(
    seed_site: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tmp, result = seed_site
    assert result.returncode == 0, result.stderr
    assert "content/reports/2020-shanggao-jiguan-shiwuju.txt:128: error[row-width]" in result.stdout
    assert (
        "content/reports/2020-tonghua-dongchangqu.txt:587: warning[review-litigation-total]" in result.stdout
    )
    assert result.stderr.strip().splitlines()[-1].startswith("built 5 reports (0 unreadable), 5 agencies")
    assert (tmp / "site" / "index.html").is_file()
    assert (tmp / "site" / "data" / "datapackage.json").is_file()


def test_a_report_publishes_its_page_its_original_and_its_json(
    seed_site: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    """A report unit makes four files (its page in both editions, its original, its JSON); its rows
    are published in its agency's package and the corpus's (the build keeps them in its state)."""
    tmp, _ = seed_site
    state = load_state(state_path(tmp / ".cache", tmp / "site"), site_version())
    reports = {
        unit.removeprefix("report:"): r for unit, r in state.units.items() if unit.startswith("report:")
    }
    assert len(reports) == 5
    for rid, record in reports.items():
        page, data = f"reports/{rid}/index.html", f"data/reports/{rid}/report.json"
        english = f"en/{page}"
        (source,) = set(record.outputs) - {page, english, data}
        assert source.startswith(f"reports/{rid}/source.") and {page, english, data} <= set(record.outputs)
        assert all((tmp / "site" / path).stat().st_size == size for path, size in record.outputs.items())
    data_files = sorted(
        p.relative_to(tmp / "site" / "data" / "reports").as_posix()
        for p in (tmp / "site" / "data" / "reports").rglob("*")
        if p.is_file()
    )
    assert data_files == sorted(f"{rid}/report.json" for rid in reports)


def test_an_agency_publishes_its_page_and_its_package(
    seed_site: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    tmp, _ = seed_site
    state = load_state(state_path(tmp / ".cache", tmp / "site"), site_version())
    agencies = {
        unit.removeprefix("agency:"): r for unit, r in state.units.items() if unit.startswith("agency:")
    }
    assert len(agencies) == 5
    for agency, record in agencies.items():
        assert set(record.outputs) == {
            f"agencies/{agency}/index.html",
            f"en/agencies/{agency}/index.html",
            f"data/agency-{agency}.datapackage.json",
            *(f"data/agencies/{agency}/{table}.csv" for table in RESOURCES),
        }


def test_second_build_writes_nothing(seed_site: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    tmp, _ = seed_site
    before = {p: p.stat().st_mtime_ns for p in (tmp / "site").rglob("*") if p.is_file()}
    again = build(tmp / "content", tmp / "site")
    assert again.returncode == 0
    assert "(0 written)" in again.stderr
    assert {p: p.stat().st_mtime_ns for p in (tmp / "site").rglob("*") if p.is_file()} == before


def test_one_process_and_two_give_identical_sites(
    seed_site: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    tmp, _ = seed_site
    result = build(tmp / "content", tmp_path / "two", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    single = build(tmp / "content", tmp_path / "one", "--jobs", "1")
    assert single.returncode == 0
    assert tree_digest(tmp_path / "two") == tree_digest(tmp_path / "one") == tree_digest(tmp / "site")


def test_strict_fails_on_error_findings(
    seed_site: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    tmp, _ = seed_site
    assert build(tmp / "content", tmp_path / "site", "--strict").returncode == 1


def test_a_file_that_is_not_a_report_fails_the_build_but_not_the_others(tmp_path: Path) -> None:
    content = _content(tmp_path, {"notice.txt": "关于开展防汛演练的通知\n请各单位按时参加。\n".encode()})
    result = build(content, tmp_path / "site")
    assert result.returncode == 1
    assert "content/reports/notice.txt:1: error[not-a-report] no disclosure tables found" in result.stdout
    assert "built 5 reports (1 unreadable)" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(list((tmp_path / "site" / "reports").iterdir())) == 5


def test_same_agency_and_year_twice_names_both_files(tmp_path: Path) -> None:
    twin = (SEEDS / "2020-dehui-zhengfu-bangongshi.txt").read_bytes()
    content = _content(tmp_path, {"2020-dehui-copy.txt": twin})
    result = build(content, tmp_path / "site")
    assert result.returncode == 1
    expected = (
        "content/reports/2020-dehui-copy.txt:1: error[duplicate-report] 德惠市人民政府办公室 2020 年度的报告重复："
        "另见 content/reports/2020-dehui-zhengfu-bangongshi.txt"
    )
    assert expected in result.stdout


def test_an_id_that_is_not_lowercase_ascii_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    """A front-matter id becomes folder names and URLs: one with capitals (two ids one case apart
    would share a folder on a case-insensitive disk) or a path in it is a front-matter-invalid error
    naming its line, and the report is published under the id spelled from its name."""
    text = (SEEDS / "2020-dehui-zhengfu-bangongshi.txt").read_text(encoding="utf-8")
    content = _content(
        tmp_path,
        {
            "2020-a.txt": f"---\nid: Dehui-Office\n---\n{text}".encode(),
            "2020-b.txt": f"---\nid: ../../escape\nyear: 2021\n---\n{text}".encode(),
        },
    )
    result = build(content, tmp_path / "site")
    assert "internal error" not in result.stderr
    assert (
        "content/reports/2020-a.txt:2: error[front-matter-invalid] front matter: id should be"
        in result.stdout
    )
    assert (
        "content/reports/2020-b.txt:2: error[front-matter-invalid] front matter: id should be"
        in result.stdout
    )
    assert not (tmp_path / "site" / "reports" / "Dehui-Office-2020").exists()
    assert not (tmp_path / "escape-2021").exists() and not (tmp_path / "site" / "escape-2021").exists()
    registered = (content / "agencies.csv").read_text(encoding="utf-8")
    assert "de-hui-shi-ren-min-zheng-fu-ban-gong-shi,德惠市人民政府办公室" in registered
    assert (
        tmp_path / "site" / "reports" / "de-hui-shi-ren-min-zheng-fu-ban-gong-shi-2021" / "index.html"
    ).is_file()


def test_a_count_printed_negative_leaves_the_site_building_with_a_visible_finding(tmp_path: Path) -> None:
    """A `-1` where a count stands is kept as printed: the packages still validate, the build does
    not fail, and the negative-count warning is in the output, the data and the page."""
    content = _content(tmp_path)
    seed = content / "reports" / "2020-dehui-zhengfu-bangongshi.txt"
    text = seed.read_text(encoding="utf-8")
    seed.write_text(
        text.replace(
            "\t一、本年新收政府信息公开申请数量\n\t2\n", "\t一、本年新收政府信息公开申请数量\n\t-1\n", 1
        )
    )
    result = build(content, tmp_path / "site")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "schema-invalid" not in result.stdout
    assert "content/reports/2020-dehui-zhengfu-bangongshi.txt:109: warning[negative-count]" in result.stdout
    findings = (tmp_path / "site" / "data" / "findings.csv").read_text(encoding="utf-8-sig")
    assert "negative-count" in findings
    page = next((tmp_path / "site" / "reports").glob("de-hui-*/index.html")).read_text(encoding="utf-8")
    assert "出现负数" in page and ">-1<" in page


def test_a_dot_file_is_listed_as_skipped_not_passed_over_silently(tmp_path: Path) -> None:
    content = _content(tmp_path, {".draft.txt": b"not yet"})
    result = build(content, tmp_path / "site")
    assert "content/reports/.draft.txt:1: warning[not-a-report] a dot-file: skipped" in result.stdout
    assert result.returncode == 0, result.stderr
