"""Read a saved report page (.html / .htm) into the text the parser reads (see `layout.py`).

- Encoding: a byte-order mark, else `<meta charset>` / `http-equiv` in the first 4 KB (gb2312 and gbk are
  read as their superset GB18030), else UTF-8, GB18030, then charset-normalizer's guess.
- Safety: nothing is executed or fetched. lxml parses the text with `no_network` and no entity
  resolution; scripts, styles, frames, objects, form controls and hidden elements (unless they hold the
  report's tables) are dropped; images are ignored.
- The report body: the smallest element that holds the report's tables (the texts 第二十条, 本年新收 and
  复议后起诉), widened to the nearest ancestor that also holds the title (…年…信息公开…年度报告). The site's
  navigation, sidebars and footer outside it are not read.
- Tables: a `<table>` without nested tables is a data table: one line per `<tr>`, each `<td>`/`<th>`
  once in row order (rowspan/colspan cells are not repeated), `<br>` and nested `<p>` inside a cell joined
  without a separator, `&nbsp;`-only cells empty. Tables that hold tables (page layout), single-column
  tables and tables built from `<div>`s are read as text: one line per block.
- Locations: `line_map` holds the HTML source line of the element each line comes from.
- Front matter: `source_url` from the browser's `<!-- saved from url=… -->` note or `<link rel=canonical>`.
"""

from __future__ import annotations

import bisect
import codecs
import re
from collections.abc import Iterator

import lxml.html
from charset_normalizer import from_bytes
from lxml import etree

from generator.errors import NotAReport
from generator.model import Source
from generator.read.layout import LineWriter, cell_text, inline_text, suffix_of
from generator.read.text import MAX_BYTES

# The report's tables, by a text only they print (traditional forms for mirrored pages).
TABLE_MARKERS = (("第二十条", "第二十條"), ("本年新收",), ("复议后起诉", "復議後起訴"))
_TITLE = re.compile(
    r"(?:19|20)\d{2}.*(?:政府信息公开|政务公开|信息公开|政府資訊公開|信息公開).*(?:年度报告|年报|年度報告)"
)
_TITLE_MAX = 80
_DROP = (
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
    "applet", "svg", "math", "canvas", "select", "button", "input", "textarea", "head",
    "video", "audio", "map", "link", "meta", "base",
)  # fmt: skip
_BLOCKS = frozenset((
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
))  # fmt: skip
_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_GB = {"gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80", "csgb2312", "euc-cn", "gb18030"}
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(https?://[^\s>]+?)\s*-->", re.IGNORECASE)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def read_html(data: bytes, name: str) -> Source:
    """A saved report page → `Source`. Raises NotAReport for pages without the report's tables."""
    if len(data) > MAX_BYTES:
        raise NotAReport(name, f"page is {len(data):,} bytes; the limit is {MAX_BYTES:,}")
    text, encoding = decode_page(data, name)
    root = _parse(text, name)
    front = {"source_url": url} if (url := _page_url(text, root)) else {}
    _drop_unsafe(root)
    body = report_body(root, name)
    out = LineWriter()
    _Walker(out).block(body)
    return out.source(data, name, suffix=suffix_of(name, ".html"), encoding=encoding, front_matter=front)


def decode_page(data: bytes, name: str) -> tuple[str, str]:
    """The page's text and the encoding it was read with."""
    if not data.strip():
        raise NotAReport(name, "empty file: no report page")
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    declared = _declared_encoding(data[:4096])
    for encoding in dict.fromkeys(e for e in (declared, "utf-8", "gb18030") if e):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    if declared:  # a few bad bytes in a page that says what it is: keep its word rather than guess
        text = data.decode(declared, errors="replace")
        if text.count("\ufffd") <= len(text) // 100:
            return text, declared
    best = from_bytes(data).best()
    if best is None:
        raise NotAReport(name, "cannot decode the page: not UTF-8, GB18030 or any encoding detected")
    return str(best), best.encoding


def _declared_encoding(head: bytes) -> str | None:
    match = _CHARSET.search(head)
    if not match:
        return None
    label = match.group(1).decode("ascii", errors="replace").lower()
    if label in _GB:
        return "gb18030"  # pages declare gb2312 but use GBK/GB18030 characters
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _parse(text: str, name: str) -> lxml.html.HtmlElement:
    # The text is already decoded: an XML declaration would contradict it, and lxml refuses one in str.
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    parser = lxml.html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, recover=True)
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise NotAReport(name, f"cannot read the page as HTML: {exc}") from None


def _drop_unsafe(root: lxml.html.HtmlElement) -> None:
    """Remove everything that is not page text: scripts, styles, frames, objects, form controls, hidden parts
    (hidden text is often injected spam; hidden parts that hold the report's tables are kept)."""
    doomed = list(root.iter(*_DROP))
    hidden = [el for el in root.iter() if isinstance(el.tag, str) and _is_hidden(el)]
    if hidden:
        text = TextIndex(root)
        doomed += [el for el in hidden if not any(text.holds(el, w) for ws in TABLE_MARKERS for w in ws)]
    for el in doomed:
        if el.getparent() is not None:
            el.drop_tree()


def _is_hidden(el: lxml.html.HtmlElement) -> bool:
    return el.get("hidden") is not None or bool(_HIDDEN.search(el.get("style") or ""))


class TextIndex:
    """Every element's text without whitespace, as a span of the page's (one pass over the tree), so
    that whether an element holds a word, and how long its text is, costs no walk of its subtree:
    asking each element for its own text costs the page's size times its depth, and a page of many
    title-like elements took minutes."""

    def __init__(self, root: lxml.html.HtmlElement) -> None:
        pieces: list[str] = []
        size = 0
        self.spans: dict[lxml.html.HtmlElement, tuple[int, int]] = {}
        starts: dict[lxml.html.HtmlElement, int] = {}
        for event, el in etree.iterwalk(root, events=("start", "end")):
            if event == "start":
                starts[el] = size
                piece = _WHITESPACE.sub("", el.text or "") if isinstance(el.tag, str) else ""
            else:
                self.spans[el] = (starts.pop(el), size)
                piece = _WHITESPACE.sub("", el.tail or "") if el is not root else ""
            pieces.append(piece)
            size += len(piece)
        self.text = "".join(pieces)
        self._found: dict[str, list[int]] = {}

    def length(self, el: lxml.html.HtmlElement) -> int:
        start, end = self.spans.get(el, (0, len(self.text) + 1))  # outside: longer than any inside
        return end - start

    def squeezed(self, el: lxml.html.HtmlElement) -> str:
        start, end = self.spans[el]
        return self.text[start:end]

    def holds(self, el: lxml.html.HtmlElement, word: str) -> bool:
        if word not in self._found:
            self._found[word] = [m.start() for m in re.finditer(re.escape(word), self.text)]
        found = self._found[word]
        start, end = self.spans[el]
        at = bisect.bisect_left(found, start)
        return at < len(found) and found[at] + len(word) <= end


_WHITESPACE = re.compile(r"\s+")


def _deepest_holding(
    el: lxml.html.HtmlElement, words: tuple[str, ...], text: TextIndex
) -> lxml.html.HtmlElement | None:
    """The deepest element, first in document order, whose text holds one of `words` whole."""
    if not any(text.holds(el, w) for w in words):
        return None
    while True:
        child = next((c for c in el if isinstance(c.tag, str) and any(text.holds(c, w) for w in words)), None)
        if child is None:
            return el
        el = child


def _common_ancestor(elements: list[lxml.html.HtmlElement]) -> lxml.html.HtmlElement:
    chains = [[el, *el.iterancestors()] for el in elements]
    shared = set.intersection(*(set(chain) for chain in chains[1:])) if len(chains) > 1 else set(chains[0])
    return next(el for el in chains[0] if el in shared)


def report_body(root: lxml.html.HtmlElement, name: str) -> lxml.html.HtmlElement:
    """The element that holds the report: its tables and, when it can be found, its title."""
    body = root.find("body")
    body = root if body is None else body
    text = TextIndex(body)
    found = [_deepest_holding(body, words, text) for words in TABLE_MARKERS]
    anchors = [a for a in found if a is not None]
    if found[0] is None and found[1] is None:
        raise NotAReport(
            name,
            "this page holds no report tables (no 第二十条… or 本年新收… text): a listing page, "
            "a page whose report is an attachment or images, or not a report",
        )
    tables = _outside_data_table(_common_ancestor(anchors))
    order = {el: i for i, el in enumerate(body.iter())}
    first_table = min(order[a] for a in anchors)
    titled: set[lxml.html.HtmlElement] = set()  # the titles before the tables, and their ancestors
    for title in _title_elements(body, text):
        if order[title] < first_table:
            for el in (title, *title.iterancestors()):
                if el in titled:
                    break
                titled.add(el)
    for candidate in [tables, *tables.iterancestors()]:
        if candidate in titled:
            return candidate
        if candidate is body:
            break
    return tables


def _outside_data_table(el: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The parent of the outermost data table `el` is part of (all three tables printed as one), else `el`."""
    tables = [t for t in [el, *el.iterancestors()] if t.tag == "table" and _is_data_table(t)]
    parent = tables[-1].getparent() if tables else None
    return parent if parent is not None else el


def _title_elements(body: lxml.html.HtmlElement, text: TextIndex) -> list[lxml.html.HtmlElement]:
    """Short elements whose own text is a report title (with a year), deepest ones only."""
    found = [
        el
        for el in body.iter()
        if isinstance(el.tag, str) and text.length(el) <= _TITLE_MAX and _TITLE.search(text.squeezed(el))
    ]
    has_title_inside = {ancestor for el in found for ancestor in _short_ancestors(el, text)}
    return [el for el in found if el not in has_title_inside]


def _short_ancestors(el: lxml.html.HtmlElement, text: TextIndex) -> Iterator[lxml.html.HtmlElement]:
    """The ancestors that may be titles too (no longer than one): the others hold more text."""
    for ancestor in el.iterancestors():
        if text.length(ancestor) > _TITLE_MAX:
            return
        yield ancestor


def _page_url(text: str, root: lxml.html.HtmlElement) -> str | None:
    """Where the page was saved from (a note browsers write), or its canonical address. Never fetched."""
    match = _SAVED_FROM.search(text[:2048])
    if match:
        return match.group(1)
    for link in root.iter("link"):
        href = (link.get("href") or "").strip()
        if "canonical" in (link.get("rel") or "").lower() and href.lower().startswith(
            ("http://", "https://")
        ):
            return href
    return None


def _is_data_table(table: lxml.html.HtmlElement) -> bool:
    """A table of values: no tables inside it and at least one row of two or more cells."""
    if any(True for _ in table.iterdescendants("table")):
        return False
    return any(len(row.xpath("./td | ./th")) >= 2 for row in _rows(table))


def _rows(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")


class _Walker:
    """Writes the text of an element tree: blocks as paragraphs, data tables as rows."""

    def __init__(self, out: LineWriter) -> None:
        self.out = out
        self.parts: list[str] = []
        self.start = 1  # source line of the paragraph being collected

    def _text(self, text: str | None, line: int | None) -> None:
        if text:
            if not self.parts:
                self.start = line or self.start
            self.parts.append(text)

    def _flush(self) -> None:
        if self.parts:
            self.out.paragraph(inline_text("".join(self.parts)), self.start)
            self.parts = []

    def block(self, el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "br":
            self._flush()
            return
        if tag == "table" and _is_data_table(el):
            self._flush()
            self._table(el)
            return
        is_block = tag in _BLOCKS
        if is_block:
            self._flush()
        self._text(el.text, el.sourceline)
        for child in el:
            self.block(child)
            self._text(child.tail, child.sourceline)
        if is_block:
            self._flush()

    def _table(self, table: lxml.html.HtmlElement) -> None:
        self.out.blank(table.sourceline)
        for caption in table.iterchildren("caption"):
            self.out.paragraph(cell_text(caption.itertext()), caption.sourceline or 1)
        for row in _rows(table):
            cells = [_cell(cell) for cell in row.xpath("./td | ./th")]
            self.out.row(cells, row.sourceline or 1)
        self.out.blank(table.sourceline)


def _cell(cell: lxml.html.HtmlElement) -> str:
    """A cell's text, its `<br>`- and `<p>`-separated parts joined without a separator."""
    return cell_text(cell.itertext())
