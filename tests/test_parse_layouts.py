"""Layouts that lose a report's structure on the way (issue #20), as the benchmark's synthetic
generator makes them (`DERIVED_LAYOUTS`: a crawler's dump on one line, a PDF's text, a table per
row), scored cell by cell against its manifest: a value read must be the printed one (not one wrong
value), and at least 99.5% of the cells are read."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.parse_helpers import parse_json
from tests.test_synth import synth, write

N = 2000  # about 60 reports of each derived layout


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Counter[str]]:
    """Per layout: cells exact, read, wrong; and the wrong ones listed."""
    out = tmp_path_factory.mktemp("layouts")
    manifest = write(out, N, seed=23)
    found: dict[str, Counter[str]] = {}
    for entry in manifest["reports"]:
        counts = found.setdefault(entry["layout"], Counter())
        counts["reports"] += 1
        document = parse_json(out / entry["path"])
        for row, truth in entry["applications"].items():
            read = document["applications"].get(row, [None] * 7)
            for expected, got in zip(truth, read, strict=True):
                counts["cells"] += 1
                counts["exact"] += got == expected
                counts["wrong"] += got is not None and got != expected
    return found


def test_the_generator_makes_every_derived_layout() -> None:
    assert set(synth().DERIVED_LAYOUTS) == {"one-line", "pdf-text", "table-per-row"}


@pytest.mark.parametrize("layout", ["one-line", "pdf-text", "table-per-row"])
def test_every_cell_is_the_printed_one_or_null(scores: dict[str, Counter[str]], layout: str) -> None:
    counts = scores[layout]
    assert counts["reports"] >= 30
    assert counts["wrong"] == 0
    assert counts["exact"] / counts["cells"] >= 0.995, counts


def test_the_usual_layouts_are_read_as_before(scores: dict[str, Counter[str]]) -> None:
    usual = sum((scores[layout] for layout in ("word", "web", "tabs", "pipes")), Counter())
    assert usual["wrong"] == 0
    assert usual["exact"] / usual["cells"] >= 0.995, usual
