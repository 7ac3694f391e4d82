"""Markdown with raw HTML and images disabled: nothing in a report or a page can inject markup or
make the browser fetch from another host."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    # markdown-it's validateLink already refuses javascript:, vbscript:, file: and data: links.
    return MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")


def render_markdown(text: str) -> str:
    return markdown().render(text)


def render_narrative(text: str) -> str:
    """A report's narrative: every non-empty line is a paragraph. Leading spaces (often full-width
    indentation) are dropped so that an indented line does not become a code block."""
    lines = (line.strip(" \t\u3000\u00a0") for line in text.splitlines())
    return render_markdown("\n\n".join(line for line in lines if line))
