"""Input formats: each reader turns a file's bytes into a `Source` the text parser reads.

A new format is a new module plus one line in READERS.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from generator.errors import NotAReport
from generator.model import Source
from generator.read.text import (
    MAX_FILE_BYTES,
    check_numbers,
    decode_source,
    read_regular,
    without_controls,
)
from generator.read.unfold import unfold

Reader = Callable[[bytes, str], Source]


def _imported_when_used(module: str, function: str | None = None) -> Reader:
    """The reader `read_<format>` (or `function`) of `generator.read.<format>`, imported at its first file: the
    format libraries (python-docx, pdfplumber, lxml; OpenCV and onnxruntime for OCR) take a tenth of a second to import, and a build
    that reads only text files, such as a one-report rebuild, never needs them."""

    def read(data: bytes, name: str) -> Source:
        found = importlib.import_module(f"generator.read.{module}")
        reader: Reader = getattr(found, function or f"read_{module}")
        return reader(data, name)

    return read


READERS: dict[str, Reader] = {
    ".txt": decode_source,
    ".html": _imported_when_used("html"),
    ".htm": _imported_when_used("html"),
    ".docx": _imported_when_used("docx"),
    ".pdf": _imported_when_used("pdf"),
    ".png": _imported_when_used("ocr", "read_image"),
    ".jpg": _imported_when_used("ocr", "read_image"),
    ".jpeg": _imported_when_used("ocr", "read_image"),
}


def read_source(path: Path, display: str | None = None, data: bytes | None = None) -> Source:
    """Read one report file (or decode its `data`, already read). Raises NotAReport for empty, binary
    or undecodable files."""
    name = display or str(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise NotAReport(name, f"unsupported file type {path.suffix or '(none)'!r}: expected one of {known}")
    if data is None:
        data = read_regular(str(path), name)  # never through a symbolic link, never past the limit
    if len(data) > MAX_FILE_BYTES:
        raise NotAReport(name, f"file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}")
    source = without_controls(reader(data, name))
    return check_numbers(unfold(source))
