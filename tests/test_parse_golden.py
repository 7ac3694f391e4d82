"""Golden files: every number of every seed report exactly as published (blank as null).

The goldens in tests/golden/ were checked by hand, cell by cell, against the seed texts in
content/reports/ (line numbers included) when they were first written: Table A (22 cells), Table B
(23 rows × 7 columns), Table C (15 cells), the provincial 发布总数量 line, metadata and findings.
Rewrite them only for an intended parser change: `pytest tests/test_parse_golden.py --update-golden`,
then review the diff.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from tests.parse_helpers import ROOT, SEEDS, parse_json

GOLDEN = ROOT / "tests" / "golden"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def _dump(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


@pytest.mark.parametrize("seed", SEED_FILES, ids=[p.stem for p in SEED_FILES])
def test_seed_matches_golden(seed: Path, update_golden: bool) -> None:
    actual = _dump(parse_json(seed))
    golden = GOLDEN / f"{seed.stem}.json"
    if update_golden:
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run pytest --update-golden once and review it"
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), "golden", "parsed", n=2)
        )
        pytest.fail(f"{seed.name} no longer parses as its golden file:\n{diff[:6000]}")


def test_every_seed_has_a_golden_file() -> None:
    assert {p.stem for p in SEED_FILES} == {p.stem for p in GOLDEN.glob("*.json")}
