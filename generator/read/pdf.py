"""Read a PDF report that has a text layer into the text the parser reads (see `layout.py`), with pdfplumber.

- Limits: the file's size and the pages actually present (not the count the file declares) are checked
  before any page is read; streams are inflated within a byte budget; an encrypted PDF and a file
  that is not a PDF are refused in one line.
- Pages of images are read by OCR (`read/ocr.py`, with its own limits): every page of a scan (a PDF
  without any text), and in a PDF with text each page that has no text but shows an image (tables
  pasted in as a scan). They take their place among the text pages, located as these are; the
  `Source` lists them (`ocr_page_numbers`), and `checks/ocr.py` publishes only the readings on them
  that the tables' arithmetic confirms.
- Tables with ruling lines (pdfplumber's `find_tables`): one line per row, a merged cell once (pdfplumber
  gives the covered positions as None), a cell's lines joined without a separator, so header text set
  vertically one character per line reads as one word. A table that goes on at the top of the next page
  goes on as the same table; header rows repeated there are dropped.
- Text outside tables: one line per printed line, split into tab-separated cells where words stand far
  apart (tables without rules); lines of a paragraph that wrap at the right margin are joined again;
  page numbers in the top and bottom margins are dropped.
- Locations: a PDF has no lines, so `line_map` holds page × 1000 + the line's number on its page (the
  n-th text line or table row from the top, from 1; capped at 999): 3012 is page 3, line 12.
"""

from __future__ import annotations

import io
import itertools
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pdfplumber
from pdfminer import pdftypes
from pdfminer.pdfdocument import PDFEncryptionError
from pdfplumber.utils import cluster_objects
from pdfplumber.utils.exceptions import PdfminerException

from generator.errors import NotAReport, let_limits_through
from generator.model import Source
from generator.read.layout import LineWriter, cell_text
from generator.read.page_lines import Item, Pages, has_text, without_page_numbers, write_page

MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 60  # reports run to 5–15 pages; a bigger PDF is a yearbook or a scan, not one report
_CELL_GAP = 1.5  # a gap wider than this many character widths separates two cells of a line
_CID = re.compile(r"\(cid:\d+\)")


def read_pdf(data: bytes, name: str) -> Source:
    """A PDF report → `Source`: its text layer, and OCR of its pages of images (every page when it has
    no text at all: a scan). Raises NotAReport (encrypted, too large, over an OCR limit)."""
    if len(data) > MAX_BYTES:
        raise NotAReport(name, f"PDF is {len(data):,} bytes; the limit is {MAX_BYTES:,}")
    if b"%PDF-" not in data[:1024]:
        raise NotAReport(name, "not a PDF file (no %PDF- header)")
    pages: list[tuple[int, list[Item], bool]] = []  # number, items of the text layer, has images
    with _inflating(name), _open(data, name) as pdf:
        for number, page in _pages(pdf, name):
            try:
                pages.append((number, page_items(page), bool(page.images)))
            except Exception as exc:  # a broken content stream raises anything; it means "not readable"
                _INFLATED.check(name)
                let_limits_through(exc)
                raise NotAReport(
                    name, f"cannot read page {number} of the PDF: {exc.__class__.__name__}: {exc}"
                ) from None
            page.close()  # free the page's parsed objects as we go
    to_read = pages_of_images(pages)
    read: dict[int, list[Item]] = {}
    if to_read:
        from generator.read.ocr import read_pdf_pages

        read = read_pdf_pages(data, name, to_read, len(pages))
    state = Pages()
    for number, items, _ in pages:
        write_page(read.get(number, items), number, state)
    if not state.found_text and read:
        scanned = f"{len(pages)} page{'s' if len(pages) != 1 else ''} of images"
        raise NotAReport(name, f"scanned PDF ({scanned}): no text found by OCR")
    _check_decodable(state.out, name)
    encoding = "pdf" if not read else "ocr" if len(read) == len(pages) else "pdf+ocr"
    source = state.out.source(data, name, suffix=".pdf", encoding=encoding)
    return replace(source, ocr_pages=len(read), ocr_page_numbers=tuple(read))


def pages_of_images(pages: list[tuple[int, list[Item], bool]]) -> list[int]:
    """The pages OCR reads: every page of a PDF without any text (a scan); in a PDF with text, the pages
    without text that show an image (a table pasted in as a scan). A page with text is read from its
    text layer only, a blank page not at all."""
    empty = [(number, images) for number, items, images in pages if not has_text(items)]
    if len(empty) == len(pages):
        return [number for number, _ in empty]
    return [number for number, images in empty if images]


def _check_decodable(out: LineWriter, name: str) -> None:
    """Refuse text that is mostly `(cid:123)` codes: fonts without a Unicode mapping."""
    text = "".join(out.lines)
    rest, codes = _CID.subn("", text)
    if codes > len(re.sub(r"\s", "", rest)):
        raise NotAReport(
            name,
            "the PDF's text cannot be decoded (its fonts map no characters to Unicode): "
            "add the report as text (.txt) or its Word/HTML version",
        )


def _open(data: bytes, name: str) -> Any:
    try:
        return pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        _INFLATED.check(name)
        let_limits_through(exc)
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFEncryptionError):
            raise NotAReport(
                name,
                "PDF is encrypted (password-protected): add the report as text (.txt) or its Word/HTML version",
            ) from None
        raise NotAReport(name, f"not a readable PDF: {cause.__class__.__name__}: {cause}") from None
    except Exception as exc:  # pdfminer raises many types for broken files; all mean "not readable"
        _INFLATED.check(name)
        let_limits_through(exc)
        raise NotAReport(name, f"not a readable PDF: {exc.__class__.__name__}: {exc}") from None


def _pages(pdf: Any, name: str) -> Iterator[tuple[int, Any]]:
    """The pages actually present in the page tree (never its declared /Count, which may say anything
    or refer to itself), refused before any is parsed when there are more than MAX_PAGES."""
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    try:
        found = list(itertools.islice(PDFPage.create_pages(pdf.doc), MAX_PAGES + 1))
    except Exception as exc:  # a broken or looping page tree
        _INFLATED.check(name)
        let_limits_through(exc)
        raise NotAReport(name, f"cannot read the PDF's page tree: {exc.__class__.__name__}: {exc}") from None
    if len(found) > MAX_PAGES:
        raise NotAReport(name, f"PDF has at least {MAX_PAGES + 1} pages; the limit is {MAX_PAGES}")
    if not found:
        raise NotAReport(name, "PDF has no pages")
    top = 0.0
    for number, page_object in enumerate(found, start=1):
        page = Page(pdf, page_object, page_number=number, initial_doctop=top)
        top += float(page.height)
        yield number, page


class _Inflation:
    """A running count of the bytes pdfminer's Flate streams inflate to, for the file being read:
    a 20 MB PDF whose streams inflate to gigabytes is refused before they are in memory. pdfminer
    calls `zlib.decompress` (and `zlib.decompressobj` for damaged streams) through its module's
    `zlib` name, which is this object; the other filters (LZW, run-length) expand less and are left
    to the worker's memory limit."""

    error = zlib.error
    MAX_BYTES = 256 * 2**20  # every stream of a file, inflated; a report's are a few MB

    def __init__(self) -> None:
        self.total, self.over = 0, False

    def decompress(self, data: bytes) -> bytes:
        inflater = self.decompressobj()
        out = inflater.decompress(data)
        return out + inflater.flush()

    def decompressobj(self) -> _Inflater:
        return _Inflater(self)

    def count(self, size: int) -> None:
        self.total += size
        if self.total > self.MAX_BYTES:
            self.over = True
            raise _TooMuch()

    def check(self, name: str) -> None:
        if self.over:
            limit = f"{self.MAX_BYTES // 2**20} MB"
            raise NotAReport(name, f"the PDF's streams inflate to more than {limit}; the limit is {limit}")


class _TooMuch(Exception):
    pass


class _Inflater:
    def __init__(self, owner: _Inflation) -> None:
        self.owner, self.inner = owner, zlib.decompressobj()

    def decompress(self, data: bytes) -> bytes:
        room = self.owner.MAX_BYTES - self.owner.total + 1
        out = self.inner.decompress(data, room)
        self.owner.count(len(out))
        return out

    def flush(self) -> bytes:
        out = self.inner.flush()
        self.owner.count(len(out))
        return out


_INFLATED = _Inflation()
pdftypes.zlib = _INFLATED  # type: ignore[assignment]


@contextmanager
def _inflating(name: str) -> Iterator[None]:
    """Count this file's inflated bytes from zero; refuse the file when they went over the limit."""
    _INFLATED.total, _INFLATED.over = 0, False
    try:
        yield
    except _TooMuch:
        _INFLATED.check(name)
        raise
    _INFLATED.check(name)


def page_items(page: Any) -> list[Item]:
    """The page's tables and the text lines outside them, top to bottom."""
    page = page.dedupe_chars()  # bold set by printing each character twice
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    items = [Item(t.bbox[1], _table_rows(t.extract()), is_table=True) for t in tables]
    chars = [c for c in page.chars if c["text"].strip() and not any(_inside(c, b) for b in boxes)]
    for line in cluster_objects(chars, lambda c: (c["top"] + c["bottom"]) / 2, tolerance=2):
        items.append(_text_line(line))
    items.sort(key=lambda item: item.top)
    return without_page_numbers(items, float(page.height))


def _inside(char: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _table_rows(rows: list[list[str | None]]) -> list[list[str]]:
    """Cells in row order; None marks a position a merged cell covers."""
    out = []
    for row in rows:
        cells = [cell_text((cell or "").split("\n")) for cell in row if cell is not None]
        if cells:
            out.append(cells)
    return out


def _text_line(chars: list[dict[str, Any]]) -> Item:
    """One printed line: characters left to right, split into cells at wide gaps."""
    chars = sorted(chars, key=lambda c: c["x0"])
    size = max(float(c.get("size") or 10.0) for c in chars)
    cells, current = [], chars[0]["text"]
    for prev, char in itertools.pairwise(chars):
        gap = char["x0"] - prev["x1"]
        if gap > _CELL_GAP * size:
            cells.append(current)
            current = ""
        elif gap > 0.2 * size and (prev["text"] + char["text"]).isascii():
            current += " "
        current += char["text"]
    cells.append(current)
    top, bottom = min(c["top"] for c in chars), max(c["bottom"] for c in chars)
    return Item(top, [cells], x0=chars[0]["x0"], x1=chars[-1]["x1"], bottom=bottom, size=size)
