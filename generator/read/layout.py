"""The text every reader writes: the layout `generator/parse/tokens.py` reads, plus where each line came from.

- A paragraph is one line (a paragraph with line breaks is several lines), followed by a blank line so
  that the tokenizer never joins two paragraphs into one cell.
- A table row is ONE line: a tab, then the row's cells joined by tabs. The leading tab marks the line as
  table cells (never a section heading) and keeps a leading empty cell. Every cell is written once, in
  its order within the row: a colspan/rowspan cell is not repeated into the columns or rows it covers,
  so values are read by their order in the row (template-spec §9 item 11).
- Text inside a cell that the original breaks over lines (`本年新<br>制作数量`, several paragraphs) is
  joined without a separator; a cell holding only spaces is empty.
- A blank line stands before and after every table.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.errors import NotAReport
from generator.model import Source

_BREAKING_SPACE = re.compile(r"[ \t\f\v]*[\r\n][\s]*")  # a line break in the source, with its indentation
_SPACES = re.compile(r"[ \t\f\v]+")
_EMPTY = " \t\r\n\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff"


def inline_text(text: str) -> str:
    """Text as it reads on one line: a source line break disappears (Chinese text is not spaced), other
    runs of spaces become one space."""
    text = _BREAKING_SPACE.sub("", text)
    return _SPACES.sub(" ", text).strip(" ")


def cell_text(pieces: Iterable[str]) -> str:
    """One table cell: its pieces (lines, paragraphs, `<br>` parts) joined without a separator.

    `|` becomes `｜` because a line with two pipes would be read as a pipe-flattened row.
    """
    text = "".join(inline_text(piece) for piece in pieces).replace("|", "｜")
    return "" if not text.strip(_EMPTY) else text


def is_empty(text: str) -> bool:
    return not text.strip(_EMPTY)


@dataclass
class LineWriter:
    """Collects the lines of the converted text and, for each, its location in the original file."""

    lines: list[str] = field(default_factory=list)
    where: list[int] = field(default_factory=list)

    def _add(self, line: str, location: int) -> None:
        self.lines.append(line)
        self.where.append(location)

    def blank(self, location: int | None = None) -> None:
        """A separator line (never two in a row, never at the start)."""
        if self.lines and self.lines[-1] != "":
            self._add("", location if location is not None else self.where[-1])

    def paragraph(self, text: str, location: int) -> None:
        """A paragraph: one line per line break in it, then a blank line. Empty text adds nothing."""
        written = False
        for line in text.split("\n"):
            line = line.strip(" \t\r\f\v")
            if not is_empty(line):
                self._add(line, location)
                written = True
        if written:
            self.blank(location)

    def row(self, cells: list[str], location: int) -> None:
        """One table row; a row without cells is skipped."""
        if cells and not (len(cells) == 1 and cells[0] == ""):
            self._add("\t" + "\t".join(cells), location)

    def source(
        self,
        data: bytes,
        name: str,
        *,
        suffix: str,
        encoding: str,
        front_matter: Mapping[str, Any] | None = None,
    ) -> Source:
        """The `Source` the parser reads. Raises NotAReport when no text was found at all."""
        if not any(not is_empty(line) for line in self.lines):
            raise NotAReport(name, f"no text found in this {suffix.lstrip('.').upper()} file")
        return Source(
            path=name,
            lines=tuple(self.lines),
            first_line=1,
            front_matter=dict(front_matter or {}),
            encoding=encoding,
            sha256=hashlib.sha256(data).hexdigest(),
            line_map=tuple(self.where),
            original_suffix=suffix,
        )


def suffix_of(name: str, default: str) -> str:
    """The file's suffix as published (`.htm` stays `.htm`), lower case."""
    base = name.rsplit("/", 1)[-1]
    return "." + base.rsplit(".", 1)[-1].lower() if "." in base else default
