"""Readers for reports as agencies publish them: saved web pages, Word files and PDFs.

The same report as .txt, .html, .docx and .pdf gives the same numbers; each reader's layout rules hold on
small inputs; bad or hostile files (corrupt zip, zip bomb, encrypted PDF, a scan without text or over the OCR page limit, a page that is not
a report) are refused with one clear line, and nothing in an input is fetched.

The HTML/DOCX/PDF fixtures in tests/fixtures/formats/ are written from the seed texts by
tests/fixtures/formats/make_fixtures.py (committed outputs; run the script after changing it).
"""

from __future__ import annotations

import functools
import io
import socket
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest
from docx.text.paragraph import Paragraph

from generator.commands import cli
from generator.errors import NotAReport
from generator.model import Source, report_to_json
from generator.parse.report import parse_report
from generator.read.docx import MAX_MEMBERS, MAX_UNPACKED, read_docx
from generator.read.formats import READERS
from generator.read.html import read_html
from generator.read.ocr import MAX_PAGES as OCR_PAGES
from generator.read.pdf import MAX_PAGES

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ROOT / "tests" / "fixtures" / "formats"
SEEDS = ROOT / "content" / "reports"
STEMS = ("2020-dehui-zhengfu-bangongshi", "2020-tonghua-dongchangqu")
SUFFIXES = (".html", ".docx", ".pdf")
TITLE = "<h1>2020年某某局政府信息公开工作年度报告</h1>"


@functools.cache
def read(path: Path) -> Source:
    return READERS[path.suffix](path.read_bytes(), path.relative_to(ROOT).as_posix())


@functools.cache
def parsed(path: Path) -> dict[str, Any]:
    return report_to_json(parse_report(read(path)))


def numbers(document: dict[str, Any]) -> dict[str, Any]:
    """What must not depend on the format: identity, template and every published number."""
    total = document["published_total"]
    return {
        "agency": document["agency"],
        "year": document["year"],
        "template": document["template"],
        "applications": document["applications"],
        "review_litigation": document["review_litigation"],
        "proactive": {
            item: {measure: cell["value"] for measure, cell in cells.items()}
            for item, cells in document["proactive"].items()
        },
        "published_total": total["value"] if total else None,
    }


def html_lines(body: str) -> list[str]:
    page = f"<html><body>{TITLE}{body}</body></html>"
    return list(read_html(page.encode("utf-8"), "page.html").lines)


# --- the same report in every format ---------------------------------------------------------------
@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("stem", STEMS)
def test_every_format_gives_the_numbers_of_the_text(stem: str, suffix: str) -> None:
    expected = numbers(parsed(SEEDS / f"{stem}.txt"))
    assert numbers(parsed(FORMATS / f"{stem}{suffix}")) == expected


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("stem", STEMS)
def test_every_format_gives_the_findings_and_sections_of_the_text(stem: str, suffix: str) -> None:
    text, converted = parsed(SEEDS / f"{stem}.txt"), parsed(FORMATS / f"{stem}{suffix}")
    assert sorted(f["rule"] for f in converted["findings"]) == sorted(f["rule"] for f in text["findings"])
    assert [s["number"] for s in converted["sections"]] == [s["number"] for s in text["sections"]]
    assert converted["title"] == text["title"] and converted["published"] == text["published"]


def test_the_compared_numbers_are_real_numbers() -> None:
    """Guard against a vacuous comparison: the seeds carry non-zero numbers in all three tables."""
    dehui = numbers(parsed(SEEDS / "2020-dehui-zhengfu-bangongshi.txt"))
    tonghua = numbers(parsed(SEEDS / "2020-tonghua-dongchangqu.txt"))
    assert dehui["applications"]["new_received"] == [2, 0, 0, 0, 0, 0, 2]
    assert dehui["proactive"]["normative_documents"] == {
        "new_made": 2,
        "new_published": 2,
        "total_published": 45,
    }
    assert tonghua["proactive"]["administrative_licensing"] == {
        "items_previous_year": 149,
        "items_change": 170,
        "decisions": 8633,
    }
    assert tonghua["review_litigation"]["reconsideration_other"] == 1
    assert dehui["agency"] == "德惠市人民政府办公室" and tonghua["agency"] == "通化市东昌区人民政府"


def test_sources_say_what_was_published() -> None:
    for suffix in SUFFIXES:
        source = read(FORMATS / f"2020-tonghua-dongchangqu{suffix}")
        assert source.original_suffix == suffix
        assert source.line_map is not None and len(source.line_map) == len(source.lines)
    assert read(FORMATS / "2020-dehui-zhengfu-bangongshi.html").encoding == "gb18030"  # gb2312 declared
    assert read(FORMATS / "2020-tonghua-dongchangqu.html").front_matter == {
        "source_url": "http://www.dc.gov.cn/xxgk/zfxxgknb/202102/t20210225_1010.html"
    }


def test_fixtures_are_written_by_their_script() -> None:
    """The committed pages are what make_fixtures.py writes from the seed texts (one source)."""
    sys.path.insert(0, str(FORMATS))
    try:
        import make_fixtures
    finally:
        sys.path.remove(str(FORMATS))
    for stem, odd_spans in make_fixtures.STEMS.items():
        blocks = make_fixtures.seed_document(stem, odd_spans)
        page = make_fixtures.cms_html(blocks) if odd_spans else make_fixtures.word_html(blocks)
        assert page == (FORMATS / f"{stem}.html").read_bytes(), f"run {FORMATS / 'make_fixtures.py'}"


# --- locations in the original ---------------------------------------------------------------------
@pytest.mark.parametrize("stem", STEMS)
def test_html_locations_are_source_lines(stem: str) -> None:
    path = FORMATS / f"{stem}.html"
    page = path.read_bytes().decode(read(path).encoding).split("\n")
    document = parsed(path)
    assert "本年新收" in page[document["lines"]["applications"]["new_received"][0] - 1]
    assert "结转下年" in page[document["lines"]["applications"]["carried_forward"][0] - 1]
    section_five = next(s for s in document["sections"] if s["number"] == 5)
    assert section_five["title"] in page[section_five["line"] - 1]


def _docx_row_number(path: Path, text: str) -> int:
    """Number (from 1, paragraphs and table rows in document order) of the first table row holding text."""
    number = 0
    for block in docx.Document(str(path)).iter_inner_content():
        if isinstance(block, Paragraph):
            number += 1
            continue
        for row in block.rows:
            number += 1
            if any(text in cell.text for cell in row.cells):
                return number
    raise AssertionError(text)


@pytest.mark.parametrize("stem", STEMS)
def test_docx_locations_count_paragraphs_and_rows(stem: str) -> None:
    path = FORMATS / f"{stem}.docx"
    lines = parsed(path)["lines"]
    assert lines["applications"]["new_received"][0] == _docx_row_number(path, "本年新收")
    values_row = _docx_row_number(path, "复议后起诉") + 2  # two header rows below it
    assert lines["review_litigation"]["reconsideration_upheld"] == values_row
    assert set(lines["applications"]["disclosed"]) == {_docx_row_number(path, "予以公开")}


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_locations_are_page_and_line(stem: str) -> None:
    path = FORMATS / f"{stem}.pdf"
    with pdfplumber.open(path) as pdf:
        page_of = {
            word: next(n for n, page in enumerate(pdf.pages, 1) if word in (page.extract_text() or ""))
            for word in ("本年新收", "结转下年")
        }
    lines = parsed(path)["lines"]["applications"]
    assert lines["new_received"][0] // 1000 == page_of["本年新收"]
    assert lines["carried_forward"][0] // 1000 == page_of["结转下年"]
    assert all(1 <= line % 1000 < 1000 for row in lines.values() for line in row if line)


# --- what each reader writes -----------------------------------------------------------------------
def test_html_table_cells_in_row_order() -> None:
    lines = html_lines(
        "<table border=1>"
        '<tr><td colspan="3">第二十条第（一）项</td></tr>'
        "<tr><th>信息内容</th><th>本年新<br>\n   制作数量</th><th><p>本年新</p>\n<p>公开数量</p></th></tr>"
        '<tr><td rowspan="2"><p><span>规章</span></p></td><td>&nbsp;1</td><td>a|b|c</td></tr>'
        "<tr><td>&nbsp;</td><td>5</td></tr>"
        "</table><p>本年新收</p>"
    )
    start = lines.index("\t第二十条第（一）项")
    assert lines[start - 1] == "" and lines[start + 4] == ""
    assert lines[start + 1 : start + 4] == [
        "\t信息内容\t本年新制作数量\t本年新公开数量",  # <br> and <p> in a cell: no separator
        "\t规章\t\u00a01\ta｜b｜c",  # a pipe would make the line look pipe-separated
        "\t\t5",  # the rowspan cell is not repeated; &nbsp; alone is an empty cell
    ]


def test_html_spans_that_disagree_keep_values_in_row_order() -> None:
    lines = html_lines(
        "<table><tr><td>第二十条第（五）项</td><td>本年增/减</td><td colspan=2>处理决定数量</td></tr>"
        "<tr><td>行政许可</td><td colspan=2>3</td><td>4</td></tr></table><p>本年新收</p>"
    )
    assert "\t行政许可\t3\t4" in lines


def test_html_without_table_markup_is_read_as_text() -> None:
    lines = html_lines(
        "<div class=tbl><div class=row><div>第二十条第（一）项</div></div>"
        "<div class=row><div>规章</div><div>0</div></div></div><table><tr><td>本年新收 1 2 3</td></tr></table>"
    )
    assert [line for line in lines if line] == [
        "2020年某某局政府信息公开工作年度报告",
        "第二十条第（一）项",
        "规章",
        "0",
        "本年新收 1 2 3",  # a one-column table is page layout: its text is read as paragraphs
    ]


def test_html_tables_printed_as_one_table_keep_the_text_around_them() -> None:
    page = (
        "<html><body><div class=nav><a>首页</a></div><div><p>前言</p><table>"
        "<tr><td>第二十条第（一）项</td><td>规章</td></tr><tr><td>一、本年新收政府信息公开申请数量</td><td>1</td></tr>"
        "</table><p>某某局</p></div><div class=footer>版权所有</div></body></html>"
    )
    lines = read_html(page.encode("utf-8"), "page.html").lines
    assert [line for line in lines if line] == [
        "前言",
        "\t第二十条第（一）项\t规章",
        "\t一、本年新收政府信息公开申请数量\t1",
        "某某局",
    ]


def test_html_hidden_text_is_dropped_unless_it_holds_the_report() -> None:
    lines = html_lines(
        '<div style="display: none">澳门赌场</div><p hidden>广告</p>'
        '<div style="display:none"><table><tr><td>一、本年新收政府信息公开申请数量</td><td>1</td></tr></table></div>'
    )
    assert "\t一、本年新收政府信息公开申请数量\t1" in lines
    assert not any("赌场" in line or "广告" in line for line in lines)


def test_html_report_body_leaves_out_navigation_sidebar_and_footer() -> None:
    text = "\n".join(read(FORMATS / "2020-tonghua-dongchangqu.html").lines)
    assert "2020年通化市东昌区政府信息公开工作年度报告" in text
    for outside in (
        "当前位置",
        "2019年通化市东昌区",
        "主办单位",
        "2021年3月1日",
        "互动交流",
        "hm.js",
        "display",
    ):
        assert outside not in text


@pytest.mark.parametrize(
    ("declaration", "expected"),
    [
        ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gb18030"),
        ('<meta charset="GBK">', "gb18030"),
        ("", "gb18030"),  # no declaration: not UTF-8, read as GB18030
    ],
)
def test_html_encodings(declaration: str, expected: str) -> None:
    page = f"<html><head>{declaration}</head><body>{TITLE}<p>本年新收</p></body></html>"
    source = read_html(page.encode("gb18030"), "page.html")
    assert source.encoding == expected
    assert source.lines[0] == "2020年某某局政府信息公开工作年度报告"


def test_docx_merged_cells_once_and_cell_paragraphs_joined() -> None:
    document = docx.Document()
    document.add_paragraph("2020年某某局政府信息公开工作年度报告")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "第二十条第（一）项"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "规章"
    table.cell(1, 1).text = "本年新"
    table.cell(1, 1).add_paragraph("制作数量")
    table.cell(1, 2).text = "7"
    table.cell(2, 1).merge(table.cell(2, 2)).text = "8"
    buffer = io.BytesIO()
    document.save(buffer)
    source = read_docx(buffer.getvalue(), "report.docx")
    assert list(source.lines) == [
        "2020年某某局政府信息公开工作年度报告",
        "",
        "\t第二十条第（一）项",
        "\t规章\t本年新制作数量\t7",
        "\t8",
        "",
    ]
    assert list(source.line_map or ()) == [1, 1, 2, 3, 4, 4]


def test_pdf_vertical_headers_read_as_words() -> None:
    lines = read(FORMATS / "2020-dehui-zhengfu-bangongshi.pdf").lines
    header = next(line for line in lines if line.startswith("\t结果维持"))
    assert header.split("\t")[1:6] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def test_pdf_table_going_on_to_the_next_page_drops_the_repeated_header() -> None:
    source = read(FORMATS / "2020-tonghua-dongchangqu.pdf")
    assert sum("申请人情况" in line for line in source.lines) == 1
    at = next(i for i, line in enumerate(source.lines) if "本年度办理结果" in line)
    assert source.line_map is not None and source.line_map[at] // 1000 > source.line_map[0] // 1000
    assert not any(line.strip() in {"1", "2", "3"} for line in source.lines)  # page numbers dropped


# --- bad and hostile files: one clear line each, nothing fetched -----------------------------------
def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _canvas_pdf(draw: Callable[[Any], None], pages: int = 1, **options: Any) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, **options)
    for _ in range(pages):
        draw(page)
        page.showPage()
    page.save()
    return buffer.getvalue()


def _text(page: Any) -> None:
    page.setFont("STSong-Light", 12)
    page.drawString(72, 720, "2020年政府信息公开工作年度报告 第二十条 本年新收")


def _image_only(page: Any) -> None:
    page.rect(72, 72, 450, 650, fill=1)  # a scan: a picture of the page, no text


HOSTILE: dict[str, tuple[str, Callable[[], bytes], str]] = {
    "corrupt zip": (".docx", lambda: b"PK\x03\x04" + b"\x00garbage" * 50, "not a valid zip archive"),
    "old Word file renamed": (
        ".docx",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
        "renamed .docx",
    ),
    "zip bomb": (
        ".docx",
        lambda: _zip({"word/document.xml": bytes(MAX_UNPACKED + 1)}),
        f"the limit is {MAX_UNPACKED:,} (50 MB)",
    ),
    "too many zip members": (
        ".docx",
        lambda: _zip({f"word/media/{i}.bin": b"" for i in range(MAX_MEMBERS + 1)}),
        f"the limit is {MAX_MEMBERS:,}",
    ),
    "zip that is not Word": (
        ".docx",
        lambda: _zip({"hello.txt": b"hello"}),
        "not a readable Word .docx file",
    ),
    "encrypted PDF": (".pdf", lambda: _canvas_pdf(_text, encrypt="secret"), "encrypted"),
    "scanned PDF without text": (".pdf", lambda: _canvas_pdf(_image_only, pages=2), "no text found by OCR"),
    "scanned PDF over the OCR page limit": (
        ".pdf",
        lambda: _canvas_pdf(_image_only, pages=OCR_PAGES + 1),
        f"scanned PDF has {OCR_PAGES + 1} pages; the limit for OCR is {OCR_PAGES}",
    ),
    "too many pages": (
        ".pdf",
        lambda: _canvas_pdf(_image_only, pages=MAX_PAGES + 1),
        f"{MAX_PAGES + 1} pages; the limit is {MAX_PAGES}",
    ),
    "not a PDF": (".pdf", lambda: b"<html>not a pdf</html>", "not a PDF file"),
    "truncated PDF": (
        ".pdf",
        lambda: (FORMATS / "2020-dehui-zhengfu-bangongshi.pdf").read_bytes()[:3000],
        "not a readable PDF",
    ),
    "page that is not a report": (
        ".html",
        lambda: (
            "<html><body><h1>政务公开</h1><p>2020年政府信息公开工作年度报告已发布，请下载附件。</p></body></html>".encode()
        ),
        "holds no report tables",
    ),
    "empty page": (".html", lambda: b"  \n", "empty file"),
}


@pytest.mark.parametrize("case", HOSTILE, ids=list(HOSTILE))
def test_bad_files_are_refused_in_one_line(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suffix, make, expected = HOSTILE[case]
    path = tmp_path / f"bad{suffix}"
    path.write_bytes(make())
    with pytest.raises(NotAReport) as raised:
        READERS[suffix](path.read_bytes(), str(path))
    assert expected in raised.value.problem and "\n" not in str(raised.value)
    assert cli.main(["parse", str(path)]) == cli.EXIT_NOT_A_REPORT
    err = capsys.readouterr().err.strip().split("\n")
    assert len(err) == 1 and err[0].startswith(str(path)) and expected in err[0]


def test_nothing_in_a_page_is_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[Any] = []

    def no_network(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        raise AssertionError(f"network access to {address}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    page = (
        '<!DOCTYPE html [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        '<html><head><link rel="stylesheet" href="http://example.invalid/a.css">'
        '<script src="http://example.invalid/a.js"></script></head><body>' + TITLE + "<p>&secret;</p>"
        '<img src="http://example.invalid/seal.png"><iframe src="http://example.invalid/frame"></iframe>'
        "<script>fetch('http://example.invalid/x'); document.write('本年新收');</script>"
        '<object data="http://example.invalid/flash.swf">本年新收</object>'
        "<table><tr><td>一、本年新收政府信息公开申请数量</td><td>1</td></tr></table></body></html>"
    )
    source = read_html(page.encode("utf-8"), "page.html")
    text = "\n".join(source.lines)
    assert "\t一、本年新收政府信息公开申请数量\t1" in source.lines
    assert "fetch" not in text and "root:" not in text and text.count("本年新收") == 1
    for suffix in SUFFIXES:  # the committed fixtures hold remote images, scripts and a stylesheet
        path = FORMATS / f"2020-tonghua-dongchangqu{suffix}"
        READERS[suffix](path.read_bytes(), path.name)
    assert attempts == []


def test_parse_command_reads_every_format(capsys: pytest.CaptureFixture[str]) -> None:
    paths = [str(FORMATS / f"2020-tonghua-dongchangqu{suffix}") for suffix in SUFFIXES]
    assert cli.main(["parse", *paths]) == cli.EXIT_OK
    import json

    documents = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [d["file"].rsplit(".", 1)[1] for d in documents] == ["html", "docx", "pdf"]
    assert len({d["report_id"] for d in documents}) == 1
