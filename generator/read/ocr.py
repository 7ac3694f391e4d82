"""Read a scanned report (a PDF of page images, or a PNG/JPEG page), or the pages of images of a PDF
with text, by OCR, on the CPU, offline.

- Engine: RapidOCR's PP-OCRv4 Chinese recogniser (`rapidocr-onnxruntime`, whose wheel carries the
  models; onnxruntime on one thread: a build runs one worker per core). Only the recogniser is used:
  the page's structure comes from its ruling lines (`read/grid.py`), and every cell and text line is
  recognised as one crop. Measured against Tesseract in benchmarks/README.md ("Scanned pages (OCR)").
- Output: the items a PDF's text layer gives (`read/page_lines.py` writes both: a table row is one
  tab-separated line, wrapped paragraphs joined, tables going on over a page break kept as one), so
  the parser reads a scan as it reads any PDF; `line_map` holds page × 1000 + line on the page, as
  for PDFs. `read/pdf.py` decides which pages of a PDF are read here (`read_pdf_pages`) and writes
  them in their place among its text pages. The `Source` says which pages were read by OCR
  (`ocr_pages`, `ocr_page_numbers`): every number on them is an OCR reading, which `checks/ocr.py`
  keeps only when the tables' arithmetic confirms it.
- Limits, each refused in one line: pages read by OCR per file (`MAX_PAGES`), pixels per page
  (`MAX_PIXELS`, PDF pages at `DPI`), and seconds per file (`REPORT_OCR_SECONDS`, default
  `OCR_SECONDS`), checked after every page; the bounded worker's deadline is moved by as much
  (`generator/deadline.py`).
- Cache: a build keeps what was recognised on each page by the file's bytes and the OCR version
  (`read/ocr_cache.py`), so a rebuild, after a parser change too, never recognises a page again.
  Cells are tidied (`tidy`: digits, labels) after, on what was kept or read.
"""

from __future__ import annotations

import difflib
import io
import os
import re
import time
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import Any

import numpy as np

from generator import deadline
from generator.errors import NotAReport, let_limits_through
from generator.model import Source
from generator.read import grid, ocr_cache
from generator.read.page_lines import Item, Pages, without_page_numbers, write_page

DPI = 200  # PDF pages are rendered at this resolution (text about 29 px high)
MAX_PAGES = 20  # a report scans to 5–15 pages
MAX_PIXELS = 20_000_000  # an A3 page at 300 dpi is 17.4 million
OCR_SECONDS = 120.0  # per file: about 3 s a page on one core
_PAD = 4  # white around a crop: the recogniser was trained on text with a margin

Array = Any


def ocr_seconds() -> float:
    return float(os.environ.get("REPORT_OCR_SECONDS") or OCR_SECONDS)


class Budget:
    """The time a file's OCR may take, checked between pages."""

    def __init__(self, name: str) -> None:
        self.name, self.seconds, self.start = name, ocr_seconds(), time.monotonic()
        deadline.extend(self.seconds)

    def check(self, page: int) -> None:
        if time.monotonic() - self.start > self.seconds:
            raise NotAReport(
                self.name,
                f"OCR took longer than {self.seconds:g} s (the limit per file) by page {page}: "
                "add the report as text (.txt) or its Word/HTML version",
            )


@cache
def _engine() -> Any:
    """The recogniser, loaded once per process (a fifth of a second)."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)


def recognise(crops: list[Array]) -> list[tuple[str, float]]:
    """Text and confidence of each crop (grey, dark text on white)."""
    if not crops:
        return []
    import cv2

    results, _ = _engine().text_rec([cv2.cvtColor(c, cv2.COLOR_GRAY2BGR) for c in crops])
    return [(str(text), float(score)) for text, score in results]


# --- sources of page images -----------------------------------------------------------------------


def read_pdf_pages(data: bytes, name: str, numbers: Sequence[int], count: int) -> dict[int, list[Item]]:
    """The items OCR reads on these pages (from 1) of a PDF of `count` pages: its pages of images, as
    `read/pdf.py` chose them. Pages read in an earlier build are kept (`read/ocr_cache.py`); the others
    are rendered and read within the limits, then kept too."""
    if len(numbers) > MAX_PAGES:
        has = (
            f"scanned PDF has {count} pages"
            if len(numbers) == count
            else f"PDF has {count} pages, {len(numbers)} of them images to read by OCR"
        )
        raise NotAReport(name, f"{has}; the limit for OCR is {MAX_PAGES}")
    pages = ocr_cache.kept(data)
    missing = [number for number in numbers if number not in pages]
    if missing:
        pages.update(_read_pdf_pages(data, name, missing))
        ocr_cache.keep(data, pages)
    return {number: tidy(pages[number]) for number in numbers}


def _read_pdf_pages(data: bytes, name: str, numbers: Sequence[int]) -> dict[int, list[Item]]:
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except Exception as exc:  # pdfium's errors for broken files
        let_limits_through(exc)
        raise NotAReport(name, f"not a readable PDF: {exc.__class__.__name__}: {exc}") from None
    if max(numbers) > len(pdf):
        raise NotAReport(name, f"pdfium finds {len(pdf)} pages in the PDF; page {max(numbers)} is missing")
    for number in numbers:
        width, height = pdf[number - 1].get_size()
        _check_pixels(name, number, round(width * DPI / 72), round(height * DPI / 72))
    budget = Budget(name)
    read: dict[int, list[Item]] = {}
    for number in numbers:
        page = pdf[number - 1]
        bitmap = page.render(scale=DPI / 72, may_draw_forms=False)
        read[number] = recognised(bitmap.to_numpy()[:, :, :3].copy())  # BGR, as OpenCV
        page.close()
        budget.check(number)
    return read


def read_image(data: bytes, name: str) -> Source:
    """A PNG or JPEG page."""
    items = ocr_cache.kept(data).get(1)
    if items is None:
        budget = Budget(name)
        items = recognised(_bgr(data, name))
        budget.check(1)
        ocr_cache.keep(data, {1: items})
    state = Pages()
    write_page(tidy(items), 1, state)
    suffix = ".png" if data.startswith(b"\x89PNG") else ".jpg"
    if not state.found_text:
        raise NotAReport(
            name, f"scanned {suffix.lstrip('.').upper()} (1 page of images): no text found by OCR"
        )
    return replace(
        state.out.source(data, name, suffix=suffix, encoding="ocr"), ocr_pages=1, ocr_page_numbers=(1,)
    )


def _bgr(data: bytes, name: str) -> Array:
    """The image's pixels (BGR, as OpenCV), its size checked before they are decoded."""
    from PIL import Image

    try:
        opened = Image.open(io.BytesIO(data))  # reads the header only: the size is checked first
        _check_pixels(name, 1, opened.width, opened.height)
        image = opened.convert("RGB")
    except NotAReport:
        raise
    except Exception as exc:  # Pillow's errors for truncated or damaged files
        let_limits_through(exc)
        raise NotAReport(name, f"not a readable image: {exc.__class__.__name__}: {exc}") from None
    return np.asarray(image)[:, :, ::-1].copy()


def _check_pixels(name: str, page: int, width: int, height: int) -> None:
    if width * height > MAX_PIXELS:
        raise NotAReport(
            name,
            f"page {page} is {width:,} × {height:,} pixels; the limit for OCR is {MAX_PIXELS:,} pixels a page",
        )


# --- a page → the items `read/page_lines.py` writes----------------------------------------------------


def page_items(image: Array) -> list[Item]:
    """The page's tables (rows of recognised cells, tidied) and text lines, top to bottom."""
    return tidy(recognised(image))


def recognised(image: Array) -> list[Item]:
    """The page's tables (rows of cells) and text lines, top to bottom, as the recogniser read them."""
    page = grid.page_layout(image)
    crops: list[Array] = []
    places: list[tuple[int, int, int]] = []  # (item, row, cell) of each crop; row -1: a text line
    items: list[Item] = []
    for table in page.tables:
        rows: list[list[str]] = [[""] * len(row.cells) for row in table.rows]
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                for line in grid.cell_lines(page.ink, cell):
                    crops.append(_crop(page.ink, line, cell=True))
                    places.append((len(items), r, c))
        items.append(Item(table.box[1], rows, is_table=True))
    for line in page.lines:
        crops.append(_crop(page.ink, line))
        places.append((len(items), -1, 0))
        items.append(_line_item(line))
    _fill(items, places, recognise(crops))
    items = [item for item in items if item.is_table or item.rows[0][0]]
    items.sort(key=lambda item: item.top)
    return without_page_numbers(items, float(page.ink.shape[0]))


def _line_item(box: grid.Box) -> Any:
    x0, y0, x1, y1 = box
    return Item(float(y0), [[""]], x0=float(x0), x1=float(x1), bottom=float(y1), size=float(y1 - y0))


def _fill(items: list[Any], places: list[tuple[int, int, int]], texts: list[tuple[str, float]]) -> None:
    """Put each crop's text in its cell (a cell's lines joined) or text line, as recognised."""
    for (item, row, cell), (text, _) in zip(places, texts, strict=True):
        text = text.strip()
        if row < 0:
            items[item].rows[0][0] = text
        else:
            items[item].rows[row][cell] += text


def tidy(items: list[Item]) -> list[Item]:
    """The page's items with each table cell tidied: a number read with a letter for a zero as its
    digits, a label spelled as the template spells it. Done on what the recogniser read (kept or new),
    so the cache holds readings, not the tidying of the day."""
    return [
        replace(item, rows=[[template_label(digits(cell)) for cell in row] for row in item.rows])
        if item.is_table
        else item
        for item in items
    ]


_ZERO_LIKE = str.maketrans("OoDQ〇", "00000")
_NUMBER_LIKE = re.compile(r"[0-9OoDQ〇]*[OoDQ〇][0-9OoDQ〇]*")


def digits(text: str) -> str:
    """A number cell read with a letter for a zero (O, o, D, Q: a lone 0 has no context to tell them
    apart) as the digits it is. Only a cell of digits and such letters; whatever it gives must still
    be confirmed by the arithmetic (checks/ocr.py)."""
    return text.translate(_ZERO_LIKE) if _NUMBER_LIKE.fullmatch(text) else text


_CJK = re.compile(r"[\u4e00-\u9fff]")


@cache
def _labels() -> tuple[str, ...]:
    """Every label the official tables print (row, group, item, measure, column and caption)."""
    from generator.spec import (
        APPLICANT_LABELS,
        OUTCOMES,
        PROCEEDINGS,
        TEMPLATES,
        application_rows,
        proactive_blocks,
    )

    found = {
        "申请人情况",
        "法人或其他组织",
        "信息内容",
        "三、本年度办理结果",
        "行政诉讼",
        "未经复议直接起诉",
        "复议后起诉",
    }
    found.update(label.rsplit(" · ", 1)[-1] for label in APPLICANT_LABELS.values())
    found.update(label for _, label in (*OUTCOMES, *PROCEEDINGS) if " · " not in label)
    for template in TEMPLATES:
        found.update(part for row in application_rows(template) for part in (row.group, row.label) if part)
        for block in proactive_blocks(template):
            found.update([block.caption, *(i.label for i in block.items), *(m.label for m in block.measures)])
    return tuple(sorted(found))


def template_label(text: str) -> str:
    """A table label that OCR misread by a character or two, as the template prints it (labels anchor
    the rows; a number is never changed: text without two Chinese characters is left alone)."""
    if len(_CJK.findall(text)) < 2 or text in _labels():
        return text
    close = difflib.get_close_matches(text, _labels(), n=1, cutoff=0.8)
    return close[0] if close else text


def _crop(ink: Array, box: grid.Box, cell: bool = False) -> Array:
    """The line's ink as dark text on white, with a margin (from the cleaned ink, not the scan: no
    seal, no specks; in a cell, no dots beside the text either)."""
    x0, y0, x1, y1 = box
    line = ink[y0:y1, x0:x1]
    if cell:
        line = grid.without_stray_dots(line)
        columns = np.flatnonzero(line.any(axis=0))
        line = line[:, columns[0] : columns[-1] + 1] if columns.size else line
    return np.pad(255 - line, _PAD, constant_values=255)
