"""Markdown with raw HTML and images disabled: nothing in a report or a page can inject markup or
make the browser fetch from another host."""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup, escape


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    # markdown-it's validateLink already refuses javascript:, vbscript:, file: and data: links.
    return MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")


def render_markdown(text: str) -> str:
    return markdown().render(text)


_CODE_SPAN = re.compile(r"`([^`]+)`")


def code_spans(text: str) -> Markup:
    """Plain text whose `backticked` parts are code (the rule explanations): escaped first, so no
    other markup can come through."""
    return Markup(_CODE_SPAN.sub(r"<code>\1</code>", str(escape(text))))


def render_narrative(text: str) -> str:
    """A report's narrative: every non-empty line is a paragraph. Leading spaces (often full-width
    indentation) are dropped so that an indented line does not become a code block."""
    stripped = (line.strip(" \t\u3000\u00a0") for line in text.splitlines())
    lines = [line for line in stripped if line]
    if all(_plain(line) for line in lines):
        # What markdown-it makes of such lines, without parsing them: half of a report page's
        # rendering time (tests compare both ways on every narrative of the seeds and the synth).
        return "".join("<p>" + line.replace('"', "&quot;") + "</p>\n" for line in lines)
    return render_markdown("\n\n".join(lines))


# Characters that may start Markdown syntax anywhere in a line (emphasis, code, links, entities,
# escapes, tables, raw HTML), and those that may only at its start (lists, headings, quotes, rules).
_INLINE = re.compile(r"[\\`*_\[\]<>&|~\x00]")
_LINE_START = frozenset("-+*#>=_~|")
_ORDERED_ITEM = re.compile(r"\d{1,9}[.)](?:[ \t]|$)")  # "1. " starts a list; "1.主动公开" does not


def _plain(line: str) -> bool:
    """A line that markdown-it renders as one paragraph of its escaped text."""
    return (
        line[0] not in _LINE_START
        and line == line.strip()
        and not _INLINE.search(line)
        and not _ORDERED_ITEM.match(line)
    )
