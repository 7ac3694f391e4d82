"""Input formats: each reader turns a file's bytes into a `Source` the text parser reads.

A new format is a new module plus one line in READERS.
"""

from __future__ import annotations

from collections.abc import Callable

from generator.model import Source
from generator.read import decode_source

Reader = Callable[[bytes, str], Source]


# The format libraries (python-docx, pdfplumber, lxml) take a tenth of a second to import: a build
# that reads only text files, such as a one-report rebuild, never imports them.
def read_html(data: bytes, name: str) -> Source:
    from generator.readers.html import read_html

    return read_html(data, name)


def read_docx(data: bytes, name: str) -> Source:
    from generator.readers.docx import read_docx

    return read_docx(data, name)


def read_pdf(data: bytes, name: str) -> Source:
    from generator.readers.pdf import read_pdf

    return read_pdf(data, name)


READERS: dict[str, Reader] = {
    ".txt": decode_source,
    ".html": read_html,
    ".htm": read_html,
    ".docx": read_docx,
    ".pdf": read_pdf,
}
