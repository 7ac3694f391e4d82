"""The synthetic corpus generator of the benchmark (benchmarks/synth.py): deterministic, complete, varied,
and its manifest tells the truth about the arithmetic."""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator.spec import REVIEW_CELLS, application_rows, result_rows

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "synth.py"
SAMPLE_N = 200


def synth() -> ModuleType:
    # benchmarks/ is not an installed package: make the repository root importable, as `python -m pytest` does
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("benchmarks.synth")


def write(out: Path, n: int, seed: int, jobs: int = 1) -> dict[str, Any]:
    module = synth()
    module.write_corpus(out, n, module.Options(seed), jobs)
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    out = tmp_path_factory.mktemp("synth-sample")
    return write(out, SAMPLE_N, seed=11), out


def _zero(value: Any) -> int:
    return value or 0  # a blank cell counts as 0 (template-spec §7.4)


def arithmetic_failures(entry: dict[str, Any]) -> list[str]:
    """The template's checks V1, V3, V4 (Table B) and V5 (Table C) that the printed numbers break."""
    table = entry["applications"]
    failures = []
    for row, values in table.items():
        if _zero(values[6]) != sum(_zero(v) for v in values[:6]):
            failures.append(f"V3 {row}")
    results = [r.id for r in result_rows(entry["template"])]
    for column in range(7):
        if _zero(table["total_processed"][column]) != sum(_zero(table[r][column]) for r in results):
            failures.append(f"V4 column {column}")
        received = _zero(table["new_received"][column]) + _zero(table["carried_over"][column])
        if received != _zero(table["total_processed"][column]) + _zero(table["carried_forward"][column]):
            failures.append(f"V1 column {column}")
    review = entry["review_litigation"]
    for group in range(3):
        cells = review[group * 5 : group * 5 + 5]
        if _zero(cells[4]) != sum(_zero(v) for v in cells[:4]):
            failures.append(f"V5 group {group}")
    return failures


def test_same_arguments_give_byte_identical_files(tmp_path: Path) -> None:
    write(tmp_path / "a", 40, seed=3)
    write(tmp_path / "b", 40, seed=3)
    write(tmp_path / "parallel", 40, seed=3, jobs=2)
    first = tree(tmp_path / "a")
    assert first == tree(tmp_path / "b")
    assert first == tree(tmp_path / "parallel")


def test_another_seed_gives_another_corpus(tmp_path: Path) -> None:
    write(tmp_path / "a", 20, seed=1)
    write(tmp_path / "b", 20, seed=2)
    assert tree(tmp_path / "a") != tree(tmp_path / "b")


def test_command_line_writes_n_reports_and_a_manifest(tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(out), "-n", "12", "--seed", "5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    files = sorted(p.name for p in (out / "reports").iterdir())
    assert len(files) == 12
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["n"] == 12 and manifest["seed"] == 5
    assert sorted(Path(r["path"]).name for r in manifest["reports"]) == files
    for entry in manifest["reports"]:
        assert re.fullmatch(r"reports/(\d{4})-[a-z0-9-]+\.txt", entry["path"])
        assert entry["path"].startswith(f"reports/{entry['year']}-")


def test_a_smaller_rerun_leaves_no_stray_files(tmp_path: Path) -> None:
    write(tmp_path, 15, seed=4)
    manifest = write(tmp_path, 5, seed=4)
    assert len(list((tmp_path / "reports").iterdir())) == 5 == len(manifest["reports"])


def test_sample_has_both_templates_every_layout_and_the_planted_faults(
    sample: tuple[dict[str, Any], Path],
) -> None:
    reports = sample[0]["reports"]
    assert len(reports) == SAMPLE_N
    assert {r["template"] for r in reports} == {"2019", "2021"}
    assert {"word", "web", "tabs", "pipes"} <= {r["layout"] for r in reports}
    assert {r["layout"] for r in reports} <= {"word", "web", "tabs", "pipes", *synth().DERIVED_LAYOUTS}
    assert any(not r["consistent"] for r in reports)
    assert any(r["blank_cells"] for r in reports)
    quirks = Counter(q for r in reports for q in r["quirks"])
    for quirk in ("broken_headers", "halfwidth", "heading_variant"):  # common enough to be in any sample
        assert quirks[quirk], quirk


def test_template_follows_the_year(sample: tuple[dict[str, Any], Path]) -> None:
    for entry in sample[0]["reports"]:
        if entry["year"] <= 2020:
            assert entry["template"] == "2019"
        rows = [r.id for r in application_rows(entry["template"])]
        assert list(entry["applications"]) == rows
        assert len(entry["review_litigation"]) == len(REVIEW_CELLS)


def test_manifest_numbers_add_up_unless_a_defect_was_planted(sample: tuple[dict[str, Any], Path]) -> None:
    for entry in sample[0]["reports"]:
        failures = arithmetic_failures(entry)
        if entry["consistent"]:
            assert failures == [], (entry["path"], failures)
        else:
            assert failures and entry["defects"], entry["path"]


def test_blank_cells_are_null_in_the_manifest(sample: tuple[dict[str, Any], Path]) -> None:
    for entry in sample[0]["reports"]:
        nulls = sum(v is None for values in entry["applications"].values() for v in values)
        nulls += sum(v is None for v in entry["review_litigation"])
        nulls += sum(v is None for measures in entry["proactive"].values() for v in measures.values())
        assert nulls == entry["blank_cells"], entry["path"]


def test_most_years_carry_last_years_open_requests_forward(sample: tuple[dict[str, Any], Path]) -> None:
    by_agency: dict[str, dict[int, dict[str, Any]]] = {}
    for entry in sample[0]["reports"]:
        by_agency.setdefault(entry["agency"], {})[entry["year"]] = entry
    pairs = [(years[y - 1], e) for years in by_agency.values() for y, e in years.items() if y - 1 in years]
    assert len(by_agency) < SAMPLE_N / 2  # several years per agency
    matches = sum(a["applications"]["carried_forward"] == b["applications"]["carried_over"] for a, b in pairs)
    assert matches >= 0.7 * len(pairs)


def test_reports_read_like_reports(sample: tuple[dict[str, Any], Path]) -> None:
    manifest, out = sample
    for entry in manifest["reports"]:
        text = (out / entry["path"]).read_bytes().decode(entry["encoding"]).replace("\r\n", "\n")
        head = "".join(text.split("\n")[:12])[:600]
        assert entry["agency"] in head and f"{entry['year']}年" in head, entry["path"]
        for heading in entry["headings"]:
            # the layouts that lose the structure lose the spaces after a heading too
            assert heading in text or heading.strip() in text
        if entry["signed"]:
            year, month, day = (int(part) for part in entry["signed"].split("-"))
            assert f"{year}年{month}月{day}日" in text
        if entry["published"]:
            assert entry["published"] in head
        assert len(text) > 2000, entry["path"]  # narrative plus three tables, like the seeds (2.5–4.3k)


def test_regions_are_real_divisions(sample: tuple[dict[str, Any], Path]) -> None:
    module = synth()
    known = {
        line.split(",")[0][:6] for line in module.adcodes_path().read_text(encoding="utf-8").splitlines()[1:]
    }
    for entry in sample[0]["reports"]:
        assert entry["region"]["adcode"] in known
