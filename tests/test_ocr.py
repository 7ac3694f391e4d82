"""Scanned reports (issue #25): a PDF of page images, a PNG page, or the pages of images of a PDF with
text, read by OCR; no reading published that something independent does not confirm.

The scans are made here (benchmarks/scan.py): a seed and two synthetic reports (both templates) drawn
as ruled tables, with a red seal over the applications table, skew, noise and specks, saved as
image-only PDFs. The truth is the report they were drawn from, so every cell is scored. A mixed PDF is
the seed's text PDF (tests/fixtures/formats) with its page of the applications table replaced by a
scan of that page.
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
from generator.spec import REVIEW_CELLS
from tests.factories import make_report, row

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "content" / "reports" / "2020-dehui-zhengfu-bangongshi.txt"
TEXT_PDF = ROOT / "tests" / "fixtures" / "formats" / f"{SEED.stem}.pdf"


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


# --- a PDF with text and pages of images ------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed() -> tuple[Report, Report, bytes]:
    """(the text PDF's report, the mixed PDF's, the mixed PDF's bytes). The mixed PDF is the text PDF
    with its page 2 (the provincial total line and the whole applications table) replaced by a scan
    of that page: skewed, grained and specked, an image only."""
    data = scan().mixed_pdf(TEXT_PDF.read_bytes(), 2)
    read = load_report(Path("mixed.pdf"), ROOT, data, f"content/reports/{SEED.stem}.pdf")
    return load_report(TEXT_PDF, ROOT), read, data


def test_a_pdf_with_text_reads_its_page_of_images_by_ocr_in_its_place(
    mixed: tuple[Report, Report, bytes],
) -> None:
    from generator.data.package import report_tables

    truth, read, _ = mixed
    assert (read.meta.ocr_pages, read.meta.ocr_page_numbers) == (1, (2,))
    assert {c.line // 1000 for cells in read.applications.rows.values() for c in cells if c.line} == {2}
    result = scan().score(truth, read)
    assert result.wrong == () and result.checked_exact / result.checked >= 0.99
    # The text pages as read: the proactive table (page 1), which no equation confirms, and the
    # review table (page 3), whose header rows stand on the page of images.
    assert [r.cells for r in read.proactive] == [r.cells for r in truth.proactive]
    assert {c: read.review(c) for c in REVIEW_CELLS} == {c: truth.review(c) for c in REVIEW_CELLS}
    # The provincial total line stands on the page of images: no equation, withheld and said.
    assert truth.published_total is not None and truth.published_total.value == 67
    assert read.published_total == (None, None, None, 2001)
    doubts = [f for f in read.findings if f.rule == "ocr-unconfirmed"]
    assert [f.line for f in doubts] == [2001] and "发布总数量 读作“67”" in doubts[0].message
    # Title (page 1) and signature (page 3) are text: the metadata is as read.
    for field in ("agency", "agency_id", "report_id", "year", "title", "published", "region"):
        assert getattr(read.meta, field) == getattr(truth.meta, field), field
    assert not any(f.rule in ("agency-missing", "year-missing") for f in read.findings)
    tables = report_tables(read)
    assert tables["reports"][0]["ocr_pages"] == 1
    assert all(r["ocr"] for r in tables["applications"])
    assert not any(r["ocr"] for name in ("proactive", "review_litigation") for r in tables[name])


def test_numbers_on_text_pages_are_never_withheld() -> None:
    numbers = {"new_received": row(5, 0, 0, 0, 0, 0), "total_processed": row(5, 0, 0, 0, 0, 0)}
    numbers["disclosed"] = [8, 0, 0, 0, 0, 0, 5]  # 5 read as 8
    report = make_report(
        applications=numbers,
        review={"reconsideration_upheld": 1, "reconsideration_total": 2},  # printed so: 1 ≠ 2
        proactive={"regulations": {"new_made": 3}},
    )
    on_page_2 = {
        r: tuple(c._replace(line=2000 + (c.line or 0)) for c in cells)
        for r, cells in report.applications.rows.items()
    }
    lines = {r: 2000 + line for r, line in report.applications.lines.items()}
    applications = replace(report.applications, rows=on_page_2, lines=lines)
    meta = replace(report.meta, ocr_pages=1, ocr_page_numbers=(2,))  # the other lines: text pages
    checked = confirm_ocr(replace(report, meta=meta, applications=applications))
    assert checked.applications.cell("disclosed", "natural_person") == (None, None, None, 2102)
    assert checked.applications.cell("new_received", "total").value == 5
    assert checked.review("reconsideration_total").value == 2  # as printed: the cross-checks flag it
    assert checked.proactive_cell("regulations", "new_made").value == 3  # text: no equation needed
    assert checked.published_total is None
    assert {(f.line or 0) // 1000 for f in checked.findings if f.rule == "ocr-unconfirmed"} == {2}


def test_which_pages_of_a_pdf_are_read_by_ocr() -> None:
    from generator.read.page_lines import Item
    from generator.read.pdf import pages_of_images

    text, blank = [Item(0.0, [["一、总体情况"]])], [Item(0.0, [[""]])]
    pages = [(1, text, True), (2, [], True), (3, blank, True), (4, [], False), (5, text, False)]
    assert pages_of_images(pages) == [2, 3]  # without text, with an image; a blank page is not read
    assert pages_of_images([(1, [], False), (2, blank, True)]) == [1, 2]  # a scan: every page
    assert pages_of_images([(1, text, True)]) == []


def test_a_page_of_images_is_recognised_once(
    mixed: tuple[Report, Report, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.engine.cache import OcrCache
    from generator.read import ocr_cache
    from generator.read.pdf import read_pdf

    _, read, data = mixed
    calls: list[int] = []
    recognise = ocr.recognise

    def counted(crops: list[object]) -> list[tuple[str, float]]:
        calls.append(len(crops))
        return recognise(crops)

    monkeypatch.setattr(ocr, "recognise", counted)
    store = OcrCache(tmp_path / "ocr")
    ocr_cache.use(store)
    try:
        first = read_pdf(data, "mixed.pdf")
        assert len(calls) == 1 and first.ocr_page_numbers == (2,)
        assert read_pdf(data, "mixed.pdf") == first and len(calls) == 1  # kept: not recognised again
    finally:
        ocr_cache.use(None)
    kept = store.get(ocr_cache.key_of(data))
    assert kept is not None and list(kept.pages) == [2]  # only the page of images is kept
    assert ocr_cache.used_keys([read]) == {ocr_cache.key_of(data)}  # the build finds it from the report


def test_the_build_removes_what_ocr_read_for_files_it_no_longer_has(
    table_page: bytes, tmp_path: Path
) -> None:
    from generator.engine.build import forget_unused_ocr
    from generator.engine.cache import OcrCache
    from generator.engine.session import Session
    from generator.read.ocr_cache import Recognised, key_of

    content = tmp_path / "content"
    (content / "reports").mkdir(parents=True)
    page = content / "reports" / "2020-scan.png"
    page.write_bytes(table_page)
    session = Session(content, tmp_path / "site", tmp_path / ".cache", keep=True, jobs=1)
    folder = tmp_path / ".cache" / "ocr"
    OcrCache(folder).put(key_of(b"a scan removed before this build"), Recognised({}))

    def kept() -> set[str]:
        return {path.stem for path in folder.glob("*/*.pickle")}

    first = sources.scan(content, BuildState("v"), session.reports, 1, no_progress)
    state = BuildState("v", files=first.files, parsed=first.parsed)
    forget_unused_ocr(session, BuildState("v"), state, first.fresh)  # files parsed: the folder swept
    assert kept() == {key_of(table_page)}
    page.unlink()
    again = sources.scan(content, state, session.reports, 1, no_progress)
    assert again.fresh == 0
    forget_unused_ocr(session, state, BuildState("v", files=again.files, parsed=again.parsed), again.fresh)
    assert kept() == set()  # its report is gone: so is what OCR read for it


# --- metadata OCR read -------------------------------------------------------------------------------


def test_a_scan_s_agency_is_published_only_when_the_registry_confirms_it(
    scans: list[tuple[Report, Report, int]],
) -> None:
    from generator.checks.identity import identify
    from generator.read.registry import EMPTY, parse_registry

    truth, read, _ = scans[0]
    meta = read.meta
    assert (meta.agency, meta.region, meta.title, meta.ocr_agency) == (None, None, None, truth.meta.agency)
    assert meta.year == 2020 and meta.agency_id == SEED.stem  # the file name agrees; the id is the file's
    withheld = next(f for f in read.findings if f.cells == ("agency",))
    assert withheld.rule == "agency-missing" and withheld.severity == "error" and withheld.line
    assert withheld.line // 1000 == 1 and f"读作“{truth.meta.agency}”" in withheld.message
    registry = parse_registry((ROOT / "content" / "agencies.csv").read_bytes())
    [confirmed] = identify([read], registry).reports
    for field in ("agency", "agency_id", "report_id", "year"):
        assert getattr(confirmed.meta, field) == getattr(truth.meta, field), field
    assert confirmed.meta.region is not None and confirmed.meta.region.code == "220183"  # the registered
    assert not any(f.cells == ("agency",) for f in confirmed.findings)
    unknown = identify([read], EMPTY)
    assert unknown.reports[0].meta.agency is None and unknown.registry.entries == ()  # never registered
    misread = replace(read, meta=replace(meta, ocr_agency="德惠市人民政府办公宝"))
    assert identify([misread], registry).reports[0].meta.agency is None


def test_a_year_ocr_read_is_published_only_when_the_file_name_agrees() -> None:
    from generator.model import Source

    title = "测试市人民政府办公室2020年政府信息公开工作年度报告"
    report = make_report()  # its metadata as the parser read it from that title, on a scanned page
    source = Source(
        "content/reports/x.pdf", (title, "", "一、总体情况"), 1, {}, "ocr", "0" * 64,
        line_map=(1001, 1001, 1002), original_suffix=".pdf", ocr_pages=1, ocr_page_numbers=(1,),
    )  # fmt: skip
    found = {}
    for name in ("2020-ceshi.pdf", "2021-ceshi.pdf", "ceshi.pdf"):
        path = f"content/reports/{name}"
        scanned = replace(report, meta=replace(report.meta, source_file=path))
        found[name] = confirm_ocr(scanned, replace(source, path=path))
    assert [r.meta.year for r in found.values()] == [2020, None, None]
    assert [r.meta.report_id for r in found.values()] == [
        "2020-ceshi-2020",
        "2021-ceshi-unknown",
        "ceshi-unknown",
    ]
    [other] = [f for f in found["2021-ceshi.pdf"].findings if f.rule == "year-missing"]
    assert other.line == 1001 and "读作“2020”" in other.message and "“2021”" in other.message
    [unnamed] = [f for f in found["ceshi.pdf"].findings if f.rule == "year-missing"]
    assert "不以年度开头" in unnamed.message
    confirmed = found["2020-ceshi.pdf"]
    assert not any(f.rule == "year-missing" for f in confirmed.findings)
    assert (confirmed.meta.title, confirmed.meta.published) == (None, None)  # nothing to check them by
    [said] = [f for f in confirmed.findings if f.rule == "ocr-unconfirmed"]
    assert f"标题 读作“{title}”" in said.message and "发布日期 读作“2021-01-20”" in said.message


def test_a_scan_of_a_registered_agency_is_built_under_its_id_as_build_site_makes_it(
    table_page: bytes, tmp_path: Path
) -> None:
    import json
    import shutil

    from tests.test_build import build, tree_digest
    from tests.test_incremental import oracle

    content = tmp_path / "content"
    (content / "reports").mkdir(parents=True)
    (content / "reports" / f"{SEED.stem}.png").write_bytes(table_page)
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    shutil.copy(ROOT / "content" / "agencies.csv", content / "agencies.csv")
    done = build(content, tmp_path / "site")
    assert "Traceback" not in done.stderr, done.stderr
    truth = load_report(SEED, ROOT)
    path = tmp_path / "site" / "data" / "reports" / str(truth.meta.report_id) / "report.json"
    published = json.loads(path.read_text(encoding="utf-8"))
    assert (published["agency"], published["agency_id"]) == (truth.meta.agency, truth.meta.agency_id)
    assert published["region"]["code"] == "220183" and published["title"] is None
    assert not any(f["rule"] == "agency-missing" for f in published["findings"])
    assert len(list((tmp_path / ".cache" / "ocr").glob("*/*.pickle"))) == 1
    assert tree_digest(tmp_path / "site") == oracle(content)
