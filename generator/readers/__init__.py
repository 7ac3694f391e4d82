"""Input formats: each reader turns a file's bytes into a `Source` the text parser reads.

A new format is a new module plus one line in READERS.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from generator.model import Source
from generator.read import decode_source

Reader = Callable[[bytes, str], Source]


def _imported_when_used(module: str) -> Reader:
    """The reader `read_<format>` of `generator.readers.<format>`, imported at its first file: the
    format libraries (python-docx, pdfplumber, lxml) take a tenth of a second to import, and a build
    that reads only text files, such as a one-report rebuild, never needs them."""

    def read(data: bytes, name: str) -> Source:
        reader: Reader = getattr(importlib.import_module(f"generator.readers.{module}"), f"read_{module}")
        return reader(data, name)

    return read


READERS: dict[str, Reader] = {
    ".txt": decode_source,
    ".html": _imported_when_used("html"),
    ".htm": _imported_when_used("html"),
    ".docx": _imported_when_used("docx"),
    ".pdf": _imported_when_used("pdf"),
}
