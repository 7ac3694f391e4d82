"""The build cache: unchanged files are not parsed again, and the site is the same with or without it."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest

from generator.engine.cache import _PARSE_PACKAGES, _SITE_PACKAGES, ReportCache, entry_key, package_version
from tests.parse_helpers import ROOT, SEEDS
from tests.test_build import build, tree_digest


def stats(folder: Path, name: str) -> dict:
    return json.loads((folder / name).read_text(encoding="utf-8"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(SEEDS, tmp_path / "content" / "reports")
    shutil.copytree(ROOT / "content" / "pages", tmp_path / "content" / "pages")
    return tmp_path


def test_second_build_parses_nothing_and_writes_nothing(project: Path) -> None:
    first = build(project / "content", project / "site", "--stats", str(project / "first.json"))
    assert first.returncode == 0, first.stderr
    assert stats(project, "first.json")["parsed"] == 5
    before = {p: p.stat().st_mtime_ns for p in (project / "site").rglob("*") if p.is_file()}
    second = build(project / "content", project / "site", "--stats", str(project / "second.json"))
    figures = stats(project, "second.json")
    assert (figures["parsed"], figures["cached"], figures["written"]) == (0, 5, 0)
    assert "(0 written)" in second.stderr
    assert {p: p.stat().st_mtime_ns for p in (project / "site").rglob("*") if p.is_file()} == before


def test_a_changed_file_is_parsed_again_and_only_its_outputs_change(project: Path) -> None:
    build(project / "content", project / "site")
    report = project / "content" / "reports" / "2020-dehui-zhengfu-bangongshi.txt"
    report.write_bytes(report.read_bytes() + b"\n")  # new bytes, same numbers
    again = build(project / "content", project / "site", "--stats", str(project / "again.json"))
    assert again.returncode == 0, again.stderr
    figures = stats(project, "again.json")
    assert (figures["parsed"], figures["cached"]) == (1, 4)
    written = figures["written"]
    assert 0 < written < figures["files"] // 4


def test_cached_and_uncached_builds_are_identical(project: Path) -> None:
    assert build(project / "content", project / "cold", "--no-cache").returncode == 0
    assert build(project / "content", project / "warm1").returncode == 0
    assert build(project / "content", project / "warm2").returncode == 0  # from the cache
    assert tree_digest(project / "cold") == tree_digest(project / "warm1") == tree_digest(project / "warm2")


def test_entries_not_used_any_more_are_removed(project: Path) -> None:
    build(project / "content", project / "site")
    entries = lambda: sorted((project / ".cache" / "reports").glob("*/*.pickle"))  # noqa: E731
    assert len(entries()) == 5
    (project / "content" / "reports" / "2020-dehui-zhengfu-bangongshi.txt").unlink()
    build(project / "content", project / "site")
    assert len(entries()) == 4
    changed = project / "content" / "reports" / "2020-dingzhou-zhengfu-bangongshi.txt"
    before = set(entries())
    changed.write_bytes(changed.read_bytes() + b"\n")
    build(project / "content", project / "site")
    after = set(entries())
    assert len(after) == 4 and len(before - after) == 1 and len(after - before) == 1


def test_key_depends_on_bytes_path_and_generator_version() -> None:
    base = entry_key("content/reports/a.txt", b"x", "v1")
    assert base == entry_key("content/reports/a.txt", b"x", "v1")
    assert base != entry_key("content/reports/a.txt", b"y", "v1")
    assert base != entry_key("content/reports/b.txt", b"x", "v1")
    assert base != entry_key("content/reports/a.txt", b"x", "v2")


@pytest.mark.parametrize("name", [*_SITE_PACKAGES, *_PARSE_PACKAGES, "Jinja2", "markdown_it_py"])
def test_package_versions_are_the_installed_ones(name: str) -> None:
    # Read from the .dist-info folders' names, and so the same as importlib.metadata's.
    from importlib import metadata

    assert package_version(name) == metadata.version(name)


def test_a_package_not_installed_has_no_version() -> None:
    assert package_version("no-such-package-here") is None


def test_a_broken_entry_is_parsed_again(tmp_path: Path) -> None:
    cache = ReportCache(tmp_path)
    (tmp_path / "ab").mkdir()
    (tmp_path / "ab" / "abcd.pickle").write_bytes(b"not a pickle")
    assert cache.get("abcd") is None
    (tmp_path / "ab" / "abce.pickle").write_bytes(pickle.dumps({"not": "a report"}))
    assert cache.get("abce") is None
    assert ReportCache(None).get("abcd") is None
