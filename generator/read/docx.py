"""Read a Word report (.docx) into the text the parser reads (see `layout.py`), with python-docx.

- Safety: before python-docx opens the file, the zip's member count and total unpacked size are checked,
  the size as counted while inflating every member, not as the headers state it (a zip bomb is
  refused with the limit named); a file that is not a zip (corrupt, a renamed .doc, a
  password-protected Office file) is refused in one line. python-docx parses XML without resolving
  entities, and nothing the document links to is opened.
- Paragraphs and tables in document order (content controls included); a paragraph with line breaks
  is several lines. Tables: one line per row; a merged cell once (python-docx repeats a horizontally
  merged cell in every column it spans and a vertically merged one in every row: repeats are recognised
  by their `w:tc` element and skipped); a cell's paragraphs (and nested tables) joined without a separator.
- Locations: `line_map` holds the number of the paragraph or table row in document order, counted from 1
  (paragraphs and table rows share one count; rows of nested tables are not counted).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

import docx
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from generator.errors import NotAReport, let_limits_through
from generator.model import Source
from generator.read.layout import LineWriter, cell_text

MAX_BYTES = 20 * 1024 * 1024  # the file as published
MAX_UNPACKED = 50 * 1024 * 1024  # all members unpacked: a report is well under 1 MB of XML and images
MAX_MEMBERS = 2000  # zip members; Word writes a few dozen


def read_docx(data: bytes, name: str) -> Source:
    """A Word .docx report → `Source`. Raises NotAReport for corrupt, oversized or non-Word files."""
    if len(data) > MAX_BYTES:
        raise NotAReport(name, f"Word file is {len(data):,} bytes; the limit is {MAX_BYTES:,}")
    check_archive(data, name)
    document = _open(data, name)
    out = LineWriter()
    try:
        _write_body(document, out)
    except Exception as exc:  # malformed tables (a vertical merge with nothing above) raise anything
        let_limits_through(exc)
        raise NotAReport(
            name, f"cannot read the Word file's content ({exc.__class__.__name__}: {exc})"
        ) from None
    return out.source(data, name, suffix=".docx", encoding="utf-8")


def check_archive(data: bytes, name: str) -> None:
    """Refuse what is not a zip, and zips that unpack too large, before anything is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise NotAReport(
            name,
            "not a Word .docx file: not a valid zip archive (corrupt, password-protected, "
            "or an old .doc or other file renamed .docx)",
        ) from None
    if len(members) > MAX_MEMBERS:
        raise NotAReport(name, f"Word file has {len(members):,} zip members; the limit is {MAX_MEMBERS:,}")
    if sum(m.file_size for m in members) > MAX_UNPACKED or _unpacked(data, name) > MAX_UNPACKED:
        raise NotAReport(
            name,
            f"Word file unpacks to more than {MAX_UNPACKED:,} bytes; the limit is {MAX_UNPACKED:,} "
            f"({MAX_UNPACKED // 2**20} MB): refused as a possible zip bomb",
        )


def _unpacked(data: bytes, name: str) -> int:
    """The bytes every member actually inflates to, counted while inflating (the sizes a zip's
    headers state may understate them), up to just past MAX_UNPACKED."""
    total = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                with archive.open(member) as stream:
                    while total <= MAX_UNPACKED and (chunk := stream.read(2**16)):
                        total += len(chunk)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ValueError,
        OSError,
        EOFError,
        NotImplementedError,
    ) as exc:
        problem = str(exc).splitlines()[0][:200] if str(exc) else exc.__class__.__name__
        raise NotAReport(name, f"not a readable Word .docx file: {problem}") from None
    return total


def _open(data: bytes, name: str) -> Any:
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for broken packages; all mean "not readable"
        let_limits_through(exc)
        problem = str(exc).splitlines()[0][:200] if str(exc) else exc.__class__.__name__
        raise NotAReport(name, f"not a readable Word .docx file: {problem}") from None


def _blocks(container: Any, parent: Any) -> Iterator[Paragraph | Table]:
    """Paragraphs and tables directly in `container`, in document order, looking inside content controls."""
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent)
        elif child.tag == qn("w:tbl"):
            yield Table(child, parent)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content, parent)


def _write_body(document: Any, out: LineWriter) -> None:
    number = 0  # paragraph / table row number in document order
    for block in _blocks(document.element.body, document):
        if isinstance(block, Paragraph):
            number += 1
            out.paragraph(block.text, number)
            continue
        out.blank(number)
        for cells in table_rows(block):
            number += 1
            out.row(cells, number)
        out.blank(number)


def table_rows(table: Table) -> Iterator[list[str]]:
    """Each row's cells, a merged cell only where it starts."""
    seen: set[Any] = set()  # the w:tc elements already written
    for row in table.rows:
        cells = []
        for cell in row.cells:
            tc = cell._tc  # python-docx yields a merged cell once per grid column / row it covers
            if tc in seen:
                continue
            seen.add(tc)
            cells.append(_cell(cell))
        yield cells


def _cell(cell: _Cell) -> str:
    return cell_text(_cell_pieces(cell))


def _cell_pieces(cell: _Cell) -> Iterator[str]:
    """A cell's paragraphs, and the cells of tables nested in it, in order."""
    for block in _blocks(cell._tc, cell):
        if isinstance(block, Paragraph):
            yield block.text
        else:
            for cells in table_rows(block):
                yield from cells
