"""Layouts that lose a report's structure on the way (issue #20), made from the synthetic corpus,
whose manifest holds the truth: every applications cell is scored. A value read must be the
printed one (not one wrong value); a cell that cannot be read is null, with a finding."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.parse.text import is_value_text
from tests.parse_helpers import parse_json
from tests.test_synth import write

N = 300
_ROW_LABEL = re.compile(r"^(（[一二三四五六七]）|[一二三四]、|\d\.)")
# The headings vary (三、收到和处理政府信息公开申请的情况, 四、因政府信息公开工作被申请行政复议…).
_APPLICATIONS = re.compile(r"^三[、.．].*收到和处理")
_REVIEW = re.compile(r"^四[、.．].*行政复议")


def cells_of(text: str) -> list[str]:
    """A report's cells and lines of text, in order. Empty cells go, as they do from a page's text;
    so these layouts are made from reports that print a blank cell as a dash or a slash (`web`)."""
    out: list[str] = []
    for line in text.replace("\r", "").split("\n"):
        if "|" in line or "\t" in line.strip("\t") or line.startswith("\t"):
            parts = line.strip().strip("|").split("|") if "|" in line else line.lstrip("\t").split("\t")
            out.extend(p.strip() for p in parts if p.strip())
        elif line.strip():
            out.append(line.strip())
    return out


def one_line(text: str) -> str:
    """A crawler's dump: every cell and line of text on one line, one space apart."""
    return " ".join(cells_of(text)) + "\n"


def pdf_text(text: str) -> str:
    """A PDF's text: one cell per line, no blank lines; in the applications table each row's numbers
    before its label, long labels broken over lines, a group's label one character per line."""
    cells = cells_of(text)
    start = next(i for i, c in enumerate(cells) if _APPLICATIONS.match(c))
    end = next(i for i, c in enumerate(cells) if _REVIEW.match(c))
    first_row = next(i for i in range(start, end) if "本年新收" in cells[i])
    out = cells[:first_row]
    i = first_row
    while i < end:
        label, values = cells[i], []
        i += 1
        while i < end and is_value_text(cells[i]):
            values.append(cells[i])
            i += 1
        pieces = [label[k : k + 14] for k in range(0, len(label), 14)] if values else list(label)
        out += [*values, *pieces]
    return "\n".join([*out, *cells[end:]]) + "\n"


def table_per_row(text: str) -> str:
    """A converter's Markdown (from a report of pipe-separated rows): each applications row a table
    of its own under generic headers, its label a heading above it."""
    out: list[str] = []
    inside = False
    for line in text.replace("\r", "").split("\n"):
        inside = (inside or bool(_APPLICATIONS.match(line.strip()))) and not _REVIEW.match(line.strip())
        parts = [p.strip() for p in line.strip().strip("|").split("|")] if inside and "|" in line else []
        if len(parts) == 8 and _ROW_LABEL.match(parts[0]):
            header = ["类别", *(f"数据{n}" for n in range(1, 7)), "总计"]
            short = _ROW_LABEL.sub("", parts[0])
            out += [f"### {parts[0]}", f"| {' | '.join(header)} |", "|" + " --- |" * 8]
            out += [f"| {short} | {' | '.join(parts[1:])} |", ""]
        elif len(parts) == 1 and _ROW_LABEL.match(parts[0]):
            out += [f"### {parts[0]}", ""]
        else:
            out.append(line)
    return "\n".join(out)


LAYOUTS: dict[str, tuple[Callable[[str], str], Callable[[dict[str, Any]], bool]]] = {
    "one-line": (one_line, lambda entry: entry["layout"] == "web"),
    "pdf-text": (pdf_text, lambda entry: entry["layout"] == "web"),
    "table-per-row": (table_per_row, lambda entry: entry["layout"] == "pipes"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    out = tmp_path_factory.mktemp("layouts")
    return write(out, N, seed=23), out


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_cell_is_the_printed_one_or_null(
    corpus: tuple[dict[str, Any], Path], tmp_path: Path, layout: str
) -> None:
    manifest, folder = corpus
    transform, applies = LAYOUTS[layout]
    exact = total = 0
    wrong: list[str] = []
    for entry in (e for e in manifest["reports"] if applies(e)):
        text = (folder / entry["path"]).read_bytes().decode(entry["encoding"])
        path = tmp_path / Path(entry["path"]).name
        path.write_text(transform(text), encoding="utf-8")
        doc = parse_json(path)
        for row, truth in entry["applications"].items():
            read = doc["applications"].get(row, [None] * 7)
            for column, (expected, got) in enumerate(zip(truth, read, strict=True)):
                total += 1
                exact += got == expected
                if got is not None and got != expected:
                    wrong.append(f"{entry['path']} {row}[{column}]: {got} (printed {expected})")
    assert total > 3000
    assert wrong == []
    assert exact / total >= 0.995, f"{layout}: {exact}/{total} cells read"
