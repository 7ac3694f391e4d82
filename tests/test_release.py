"""Data releases: a version that changes only when the data does, the changes table, the releases
kept under versioned paths, and the descriptors that cite them."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator.data.release import changes, next_version
from generator.pipeline import build_site, read_sources
from generator.read.history import read_history
from generator.read.release import read_release_inputs
from tests.parse_helpers import ROOT, SEEDS
from tests.test_build import build

DEHUI = "de-hui-shi-ren-min-zheng-fu-ban-gong-shi"
FRICTIONLESS = Path(sys.executable).parent / "frictionless"


def git(project: Path, *args: str, date: str = "2026-03-01T08:00:00+00:00") -> str:
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "PATH": "/usr/bin:/bin"}
    identity = ["-c", "user.email=test@example.org", "-c", "user.name=test"]
    done = subprocess.run(["git", *identity, *args], cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(SEEDS, project / "content" / "reports")
    shutil.copytree(ROOT / "content" / "pages", project / "content" / "pages")
    shutil.copy(ROOT / "content" / "agencies.csv", project / "content" / "agencies.csv")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "first reports")
    return project


def publish(project: Path, previous: Path | None = None) -> Path:
    """Build as the Pages workflow does, and copy what it would download next time."""
    args = ("--previous", str(previous)) if previous else ()
    result = build(project / "content", project / "site", *args)
    assert result.returncode == 0, result.stdout + result.stderr
    kept = project.parent / f"releases-{len(list(project.parent.glob('releases-*')))}"
    shutil.copytree(project / "site" / "data" / "releases", kept)
    return kept


def correct_a_number(project: Path, date: str) -> None:
    report = project / "content" / "reports" / "2020-dehui-zhengfu-bangongshi.txt"
    lines = report.read_text(encoding="utf-8").split("\n")
    assert lines[31] == "\t45"  # 规范性文件 对外公开总数量
    lines[31] = "\t46"
    report.write_text("\n".join(lines), encoding="utf-8")
    git(project, "commit", "-qam", "correct a number", date=date)


def rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def data_digests(site: Path) -> dict[str, str]:
    data = site / "data"
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(data.rglob("*"))
        if p.is_file() and p.name != "index.html"
    }


def test_the_version_is_the_day_of_the_commit_numbered_within_a_day() -> None:
    assert next_version(None, "2026-03-01") == "2026.03.01"
    assert next_version("2026.02.27", "2026-03-01") == "2026.03.01"
    assert next_version("2026.03.01", "2026-03-01") == "2026.03.01.2"
    assert next_version("2026.03.01.2", "2026-03-01") == "2026.03.01.3"
    assert next_version(None, None) == "unreleased"


def _tables(value: str, sha: str, finding: str = "") -> dict[str, bytes]:
    reports = f"report_id,agency,source_sha256\r\nr-2020,机关,{sha}\r\ngone-2020,别的,x\r\n"
    review = f"report_id,proceeding,upheld,line\r\nr-2020,reconsideration,{value},7{finding}\r\n"
    return {"reports": reports.encode(), "review_litigation": review.encode()}


def test_each_change_says_which_cell_and_why() -> None:
    old = _tables("1", "aaa")
    assert list(changes(old, _tables("2", "aaa"))) == [
        ("r-2020", "review_litigation.reconsideration.upheld", "1", "2", "parser-fix")
    ]
    assert list(changes(old, _tables("", "bbb"))) == [
        ("r-2020", "review_litigation.reconsideration.upheld", "1", "", "correction")
    ]
    assert list(changes(old, _tables("1", "aaa", "8"))) == [("r-2020", "", "", "", "details")]
    fewer = {name: b"\r\n".join(data.split(b"\r\n")[:2]) + b"\r\n" for name, data in old.items()}
    assert list(changes(fewer, old)) == [("gone-2020", "", "", "", "new-report")]
    assert list(changes(old, fewer)) == [("gone-2020", "", "", "", "removed-report")]


def test_releases_change_version_only_when_the_data_does(project: Path) -> None:
    first = publish(project)
    site = project / "site"
    head = git(project, "rev-parse", "HEAD")
    descriptor = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["version"] == "2026.03.01" and descriptor["created"] == "2026-03-01T08:00:00Z"
    assert descriptor["$schema"].startswith("https://datapackage.org/profiles/")
    assert descriptor["id"].startswith("urn:uuid:")
    agency = json.loads((site / "data" / f"agency-{DEHUI}.datapackage.json").read_text(encoding="utf-8"))
    assert (agency["version"], agency["created"]) == ("2026.03.01", "2026-03-01T08:00:00Z")
    assert agency["id"] != descriptor["id"]
    assert {(r["version"], r["commit"], r["reason"]) for r in rows(site / "data" / "changes.csv")} == {
        ("2026.03.01", head, "new-report")
    }
    zip_bytes = (site / "data" / "gov-disclosure-reports.zip").read_bytes()
    assert (
        site / "data" / "releases" / "2026.03.01" / "gov-disclosure-reports.zip"
    ).read_bytes() == zip_bytes

    correct_a_number(project, "2026-03-01T17:00:00+00:00")
    second = publish(project, first)
    head = git(project, "rev-parse", "HEAD")
    changed = rows(site / "data" / "changes.csv")
    assert changed[0] == {
        "version": "2026.03.01.2",
        "date": "2026-03-01",
        "commit": head,
        "report_id": f"{DEHUI}-2020",
        "cell": "proactive.normative_documents.total_published.value",
        "old_value": "45",
        "new_value": "46",
        "reason": "correction",
    }
    assert len(changed) == 1 + 5  # this release's change, then the first release's five reports
    index = json.loads((site / "data" / "releases" / "index.json").read_text(encoding="utf-8"))
    assert [entry["version"] for entry in index] == ["2026.03.01.2", "2026.03.01"]
    kept = site / "data" / "releases" / "2026.03.01" / "gov-disclosure-reports.zip"
    assert kept.read_bytes() == zip_bytes  # a version's zip never changes
    assert hashlib.sha256(zip_bytes).hexdigest() == index[1]["sha256"]
    corrections = [r for r in rows(site / "data" / "corrections.csv") if r["report_id"] == f"{DEHUI}-2020"]
    assert [(r["kind"], r["date"], r["subject"]) for r in corrections] == [
        ("published", "2026-03-01", "first reports"),
        ("correction", "2026-03-01", "correct a number"),
    ]
    assert corrections[1]["commit"] == head
    page = (site / "data" / "index.html").read_text(encoding="utf-8")
    assert "当前数据版本 <strong>2026.03.01.2</strong>（2026-03-01 发布）" in page
    assert "本版本的变更：更正原文 1 项。" in page
    assert 'href="../data/releases/2026.03.01/gov-disclosure-reports.zip"' in page
    assert index[1]["sha256"] in page

    # A commit that changes no published value (a page's wording) is no new release.
    about = project / "content" / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n更新。\n", encoding="utf-8")
    git(project, "commit", "-qam", "wording", date="2026-03-02T09:00:00+00:00")
    before = data_digests(site)
    publish(project, second)
    assert data_digests(site) == before
    with zipfile.ZipFile(site / "data" / "gov-disclosure-reports.zip") as archive:
        assert json.loads(archive.read("datapackage.json"))["version"] == "2026.03.01.2"


def test_a_release_validates_and_the_pipeline_makes_the_same_data(project: Path) -> None:
    first = publish(project)
    correct_a_number(project, "2026-03-04T10:00:00+00:00")
    publish(project, first)
    site = project / "site"
    result = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", str(site / "data" / "datapackage.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert json.loads(result.stdout)["valid"], result.stdout[:2000]
    history = read_history(project, "content")
    sources, _ = read_sources(
        project / "content", history=history, release=read_release_inputs(project, first)
    )
    files = build_site(sources, vega_cache=ROOT / ".cache").files
    expected = {
        path: hashlib.sha256(data).hexdigest()
        for path, data in files.items()
        if path.startswith("data/") and not path.endswith("index.html")
    }
    assert data_digests(site) == dict(sorted(expected.items()))
