"""The benchmark runner works end to end on a tiny corpus (its figures are not checked: timing is
measured by `make bench`, never by a test)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks import run


def test_runner_builds_four_times_and_writes_results(tmp_path: Path) -> None:
    assert run.main(["-n", "12", "--out", str(tmp_path), "--jobs", "1"]) == 0
    document = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    runs = {r["kind"]: r for r in document["runs"]}
    assert list(runs) == ["full", "unchanged", "added", "changed"]
    assert runs["full"]["stats"]["parsed"] == 12 and runs["full"]["exit_code"] == 0
    assert runs["unchanged"]["stats"]["written"] == 0 and runs["unchanged"]["stats"]["parsed"] == 0
    assert runs["added"]["stats"]["parsed"] == 1 and runs["added"]["stats"]["reports"] == 13
    assert runs["changed"]["stats"]["parsed"] == 1 and runs["changed"]["stats"]["written"] > 0
    assert all(r["exit_code"] == 0 and r["peak_pss_bytes"] > 0 and r["site_bytes"] > r["bulk_bytes"] > 0 for r in runs.values())
