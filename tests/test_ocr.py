"""Scanned reports (issue #25): a PDF of page images, or a PNG page, read by OCR; no reading published
that the tables' arithmetic does not confirm.

The scans are made here (benchmarks/scan.py): a seed and two synthetic reports (both templates) drawn
as ruled tables, with a red seal over the applications table, skew, noise and specks, saved as
image-only PDFs. The truth is the report they were drawn from, so every cell is scored.
"""

from __future__ import annotations

import importlib
import os
import random
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PIL import Image

from generator import deadline
from generator.checks.ocr import confirm_ocr
from generator.commands import cli
from generator.engine import sources, workers
from generator.engine.cache import ReportCache
from generator.engine.session import no_progress
from generator.engine.state import BuildState
from generator.errors import NotAReport
from generator.model import Report
from generator.pipeline import load_report
from generator.read import ocr
from tests.factories import make_report, row

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "content" / "reports" / "2020-dehui-zhengfu-bangongshi.txt"


def scan() -> ModuleType:
    if str(ROOT) not in sys.path:  # benchmarks/ is not an installed package
        sys.path.insert(0, str(ROOT))
    return importlib.import_module("benchmarks.scan")


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Report, Report, int]]:
    """(truth, read from its scan, pages) for the seed and two synthetic reports."""
    folder = tmp_path_factory.mktemp("synth")
    out = []
    for path in [SEED, *scan().synthetic_reports(2, 0, folder)]:
        truth = load_report(path, ROOT)
        pages = scan().scanned_pages(truth)
        data = scan().image_pdf(pages)
        out.append(
            (truth, load_report(Path("scan.pdf"), ROOT, data, f"content/reports/{path.stem}.pdf"), len(pages))
        )
    return out


@pytest.fixture(scope="module")
def table_page() -> bytes:
    """The seed's first two scanned pages as one tall PNG (a long screenshot): title and tables."""
    pages = scan().scanned_pages(load_report(SEED, ROOT), narrative=0)
    tall = Image.fromarray(np.vstack([np.asarray(page) for page in pages[:2]]))
    return scan().png_bytes(tall)


def test_every_cell_is_scored_and_no_wrong_value_is_published(
    scans: list[tuple[Report, Report, int]],
) -> None:
    assert {truth.applications.template for truth, _, _ in scans} == {"2019", "2021"}
    wrong, checked, exact = [], 0, 0
    for truth, read, _ in scans:
        result = scan().score(truth, read)
        wrong.extend(result.wrong)
        checked, exact = checked + result.checked, exact + result.checked_exact
    assert wrong == []  # a cell OCR cannot confirm is null, never a guess
    assert exact / checked >= 0.99, f"{exact}/{checked} applications and review cells exact"


def test_every_ocr_value_is_marked_and_the_proactive_readings_are_only_in_findings(
    scans: list[tuple[Report, Report, int]],
) -> None:
    from generator.data.package import report_tables

    truth, read, pages = scans[0]
    assert read.meta.ocr_pages == pages and truth.meta.ocr_pages == 0
    tables = report_tables(read)
    assert tables["reports"][0]["ocr_pages"] == pages
    assert all(r["ocr"] for name in ("proactive", "applications", "review_litigation") for r in tables[name])
    assert not any(r["ocr"] for r in report_tables(truth)["applications"])
    assert all(c.value is None and c.raw is None for r in read.proactive for c in r.cells.values())
    normative = next(f for f in read.findings if f.rule == "ocr-unconfirmed" and "规范性文件" in f.message)
    assert normative.severity == "warning" and normative.line and normative.line // 1000 == 1
    assert "扫描件第 1 页" in normative.message and "对外公开总数量 读作“45”" in normative.message


def test_a_reading_the_arithmetic_does_not_confirm_is_null_and_says_what_was_read() -> None:
    numbers = {"new_received": row(5, 0, 0, 0, 0, 0), "disclosed": row(5, 0, 0, 0, 0, 0)}
    numbers["total_processed"] = row(5, 0, 0, 0, 0, 0)
    good = make_report(applications=numbers, review={"reconsideration_upheld": 1, "reconsideration_total": 1})
    scanned = replace(good, meta=replace(good.meta, ocr_pages=3))
    assert confirm_ocr(good) is good  # text reports are not touched
    confirmed = confirm_ocr(scanned)
    assert confirmed.applications.cell("disclosed", "natural_person").value == 5
    assert confirmed.review("reconsideration_total").value == 1
    misread = dict(numbers, disclosed=[8, 0, 0, 0, 0, 0, 5])  # 5 read as 8 in one cell
    bad = confirm_ocr(replace(make_report(applications=misread), meta=scanned.meta))
    assert bad.applications.cell("disclosed", "natural_person") == (None, None, None, 102)  # its line kept
    assert bad.applications.cell("disclosed", "total").value is None  # its row total fails too
    assert bad.applications.cell("new_received", "total").value == 5  # confirmed by its row and column
    doubt = next(f for f in bad.findings if "applications.disclosed.natural_person" in f.cells)
    assert doubt.rule == "ocr-unconfirmed" and "自然人 读作“8”" in doubt.message


def test_a_seal_over_an_empty_cell_does_not_become_a_digit() -> None:
    synth = scan().synth
    value, label = synth.Cell("value", "7"), synth.Cell("label", "（一）予以公开")
    empty = synth.Cell("value", "")
    rows = ((label, value, empty, empty, value, empty, empty, value),) * 3
    blocks = [
        scan().Block("table", rows=((label,),)),
        scan().Block("table", rows=rows),
    ]  # the second is sealed
    pages, boxes = scan().draw_report(blocks)
    page = pages[0]
    scan().stamp(
        page, [boxes[0][8]], random.Random(1)
    )  # the seal's star on the second row's first empty cell
    page = scan().degrade(page, [], scan().Scan(seal=False), random.Random(2))
    tables = [item for item in ocr.page_items(np.asarray(page)[:, :, ::-1].copy()) if item.is_table]
    assert tables[-1].rows == [["（一）予以公开", "7", "", "", "7", "", "", "7"]] * 3


def test_a_png_page_is_read(table_page: bytes) -> None:
    report = load_report(Path("page.png"), ROOT, table_page, "content/reports/page.png")
    assert report.meta.ocr_pages == 1 and report.meta.source_suffix == ".png"
    assert report.applications.values("disclosed") == [1, 0, 0, 0, 0, 0, 1]
    assert report.review("reconsideration_total").value == 0


def test_a_page_over_the_pixel_limit_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "big.png"
    Image.new("1", (5000, 4001), 1).save(path)
    with pytest.raises(NotAReport, match="limit for OCR is 20,000,000 pixels a page"):
        ocr.read_image(path.read_bytes(), str(path))
    assert cli.main(["parse", str(path)]) == cli.EXIT_NOT_A_REPORT
    err = capsys.readouterr().err.strip().split("\n")
    assert len(err) == 1 and "big.png" in err[0] and "5,000 × 4,001 pixels" in err[0]


def test_ocr_over_its_time_is_refused_in_one_line(
    table_page: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "slow.png"
    path.write_bytes(table_page)
    monkeypatch.setenv("REPORT_OCR_SECONDS", "0.01")
    assert cli.main(["parse", str(path)]) == cli.EXIT_NOT_A_REPORT
    err = capsys.readouterr().err.strip().split("\n")
    assert len(err) == 1 and "OCR took longer than 0.01 s (the limit per file)" in err[0]


def _sleep(seconds: float) -> float:
    deadline.extend(seconds * 4) if seconds > 1 else None  # the OCR reader asks for its own time
    time.sleep(seconds)
    return seconds


def test_a_worker_reading_a_scan_gets_the_time_it_asked_for() -> None:
    limits = workers.Limits(seconds=1.0)
    results = workers.bounded([1.5, 0.1], _sleep, 1, lambda item, why: why, limits=limits)
    assert results == [1.5, 0.1]
    too_slow = workers.bounded([0.1], lambda s: time.sleep(1.5), 1, lambda item, why: why, limits=limits)
    assert too_slow == ["parsing took longer than 1 s (the limit per file)"]


def test_the_build_goes_on_when_a_scan_is_refused(tmp_path: Path) -> None:
    reports = tmp_path / "content" / "reports"
    reports.mkdir(parents=True)
    (reports / SEED.name).write_bytes(SEED.read_bytes())
    Image.new("1", (6000, 6000), 1).save(reports / "2020-scan.png")
    done = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "check", str(reports)],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    refused = [line for line in done.stdout.splitlines() if "2020-scan.png" in line]
    assert len(refused) == 1 and "not-a-report" in refused[0] and "limit for OCR" in refused[0], done.stdout
    assert "Traceback" not in done.stderr and SEED.name in done.stdout + done.stderr


def test_a_rebuild_never_reads_a_scan_again(
    table_page: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    (content / "reports").mkdir(parents=True)
    (content / "reports" / "2020-scan.png").write_bytes(table_page)
    calls = tmp_path / "recognised"
    calls.touch()
    recognise = ocr.recognise

    def counted(crops: list[object]) -> list[tuple[str, float]]:
        with open(calls, "a", encoding="ascii") as handle:  # the worker is another process
            handle.write(f"{len(crops)}\n")
        return recognise(crops)

    monkeypatch.setattr(ocr, "recognise", counted)
    cache = ReportCache(tmp_path / ".cache" / "reports")
    first = sources.scan(content, BuildState("v"), cache, 1, no_progress)
    read = len(calls.read_text().split())
    assert first.fresh == 1 and read >= 1 and first.parsed[next(iter(first.files.values())).key].brief
    again = sources.scan(
        content, BuildState("v", files=first.files, parsed=first.parsed), cache, 1, no_progress
    )
    assert again.fresh == 0  # nothing changed: not even parsed
    monkeypatch.setattr(sources, "generator_version", lambda: "a parser change")
    changed = sources.scan(content, BuildState("v"), cache, 1, no_progress)
    assert changed.fresh == 1 and len(calls.read_text().split()) == read  # parsed again, not read again
    assert (tmp_path / ".cache" / "ocr").is_dir() and os.listdir(tmp_path / ".cache" / "ocr")
