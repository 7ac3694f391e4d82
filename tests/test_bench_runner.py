"""The benchmark runner works end to end on a tiny corpus (its figures are not checked: timing is
measured by `make bench`, never by a test)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import hugo, run, trash


def test_runner_builds_once_then_repeats_each_incremental_build(tmp_path: Path) -> None:
    assert run.main(["-n", "12", "--out", str(tmp_path), "--jobs", "1", "--no-hugo", "--repeat", "2"]) == 0
    document = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    runs = {r["kind"]: r for r in document["runs"]}
    assert list(runs) == ["full", "unchanged", "added", "changed"]
    assert runs["full"]["stats"]["parsed"] == 12 and runs["full"]["exit_code"] == 0
    assert runs["unchanged"]["stats"]["written"] == 0 and runs["unchanged"]["stats"]["parsed"] == 0
    assert runs["added"]["stats"]["parsed"] == 1 and runs["added"]["stats"]["reports"] in (13, 14)
    assert len(runs["full"]["samples"]) == 0 and all(len(runs[k]["samples"]) == 2 for k in list(runs)[1:])
    assert runs["changed"]["stats"]["parsed"] == 1 and runs["changed"]["stats"]["written"] > 0
    assert all(
        r["exit_code"] == 0 and r["peak_pss_bytes"] > 0 and r["site_bytes"] > r["bulk_bytes"] > 0
        for r in runs.values()
    )


def test_hugo_project_has_one_page_per_report_with_its_text(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "2021-a.txt").write_text("标题\n\n\t第一行\n第二行\n", encoding="utf-8")
    (reports / "2022-b.txt").write_bytes("国标编码的报告".encode("gb18030"))
    pages, size = hugo.write_project(reports, tmp_path / "hugo")
    written = sorted((tmp_path / "hugo" / "content" / "reports").iterdir())
    assert pages == 2 and [p.name for p in written] == ["2021-a.md", "2022-b.md"]
    assert size == sum(p.stat().st_size for p in written)
    first = written[0].read_text(encoding="utf-8")
    assert first.startswith('---\ntitle: "2021-a"\nyear: "2021"\n---') and "标题\n\n第一行\n\n第二行" in first
    assert "国标编码的报告" in written[1].read_text(encoding="utf-8")
    assert (tmp_path / "hugo" / "layouts" / "_default" / "single.html").is_file()


def test_hugo_comparison_is_skipped_without_hugo(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(hugo.shutil, "which", lambda name: None)
    assert hugo.run_hugo(tmp_path, tmp_path / "hugo") is None


def test_builds_run_with_the_bytecode_cache_on(monkeypatch) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = run.build_environment()
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["SITE_REPO_URL"].startswith("https://")


def test_folders_are_set_aside_while_measuring_and_deleted_at_the_end(tmp_path: Path) -> None:
    for name in ("n12", "hugo-n12"):
        (tmp_path / name / "site").mkdir(parents=True)
        (tmp_path / name / "site" / "page.html").write_text("old", encoding="utf-8")
    trash.set_aside(tmp_path / "n12", tmp_path)
    trash.set_aside(tmp_path / "hugo-n12", tmp_path)
    trash.set_aside(tmp_path / "missing", tmp_path)
    assert not (tmp_path / "n12").exists()
    kept = sorted(p.name for p in (tmp_path / trash.FOLDER).iterdir())
    assert kept == ["0-n12", "1-hugo-n12"]
    assert (tmp_path / trash.FOLDER / "0-n12" / "site" / "page.html").read_text(encoding="utf-8") == "old"
    trash.empty(tmp_path)
    assert not (tmp_path / trash.FOLDER).exists() and (tmp_path / trash.EMPTIED).is_file()


def test_a_run_waits_out_a_deletion_made_less_than_six_minutes_ago(tmp_path: Path, monkeypatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(trash.time, "sleep", waits.append)
    monkeypatch.setattr(trash.time, "time", lambda: 10_000.0)
    trash.settle(tmp_path)  # nothing deleted before: no wait
    (tmp_path / trash.EMPTIED).write_text("9900\n", encoding="utf-8")
    trash.settle(tmp_path)
    (tmp_path / trash.EMPTIED).write_text("9000\n", encoding="utf-8")
    trash.settle(tmp_path)
    assert waits == [trash.SETTLE_SECONDS - 100]
