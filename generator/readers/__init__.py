"""Input formats: each reader turns a file's bytes into a `Source` the text parser reads.

A new format is a new module plus one line in READERS.
"""

from __future__ import annotations

from collections.abc import Callable

from generator.model import Source
from generator.read import decode_source
from generator.readers.docx import read_docx
from generator.readers.html import read_html
from generator.readers.pdf import read_pdf

Reader = Callable[[bytes, str], Source]

READERS: dict[str, Reader] = {
    ".txt": decode_source,
    ".html": read_html,
    ".htm": read_html,
    ".docx": read_docx,
    ".pdf": read_pdf,
}
