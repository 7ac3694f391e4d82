"""HTML of the official tables, written in Python rather than a Jinja macro.

A report page has about 200 value cells; a Jinja macro call per cell made the tables most of the render
time. Every text goes through `escape` (report text is untrusted), exactly as autoescaping would.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from generator.site.i18n import PRIMARY, translate
from generator.site.official_tables import Head, OfficialTable, Row, ValueCell

_SPECIAL = re.compile(r"[<>&\"']")


def escaped(text: str) -> str:
    """Text escaped as autoescaping would; most texts (numbers, names, URLs) need none, and this is a hot
    path: the look is faster than markupsafe's escape."""
    return str(escape(text)) if _SPECIAL.search(text) else text


def official_table_html(table: OfficialTable, lang: str = PRIMARY) -> Markup:
    """The table's HTML; its labels in `lang` (the numbers and the published text as they are)."""
    label = translate(table.title, lang) + translate("（表格，可左右滑动）", lang)
    parts = [
        f'<div class="scroll swipe" tabindex="0" role="region" aria-label="{escape(label)}">',
        f'<table class="official" id="t-{escape(table.id)}">',
    ]
    if table.cols:
        parts.append("<colgroup>" + "".join(f'<col class="{escape(c)}">' for c in table.cols) + "</colgroup>")
    if table.head:
        rows = ("<tr>" + "".join(_th(h, (), lang) for h in row) + "</tr>" for row in table.head)
        parts.append("<thead>\n" + "\n".join(rows) + "\n</thead>")
    for block in table.blocks:
        parts.append("<tbody>")
        if block.caption:
            caption = escape(translate(block.caption, lang))
            parts.append(
                f'<tr><th colspan="{table.columns}" scope="rowgroup" class="cap">{caption}</th></tr>'
            )
        parts.extend(_row(row, lang) for row in block.rows)
        parts.append("</tbody>")
    parts.append("</table>\n</div>")
    return Markup("\n".join(parts))


def _marks(numbers: tuple[int, ...]) -> str:
    if not numbers:
        return ""
    return "".join(f'<a class="fm" href="#f{n}">※{n}</a>' for n in numbers)


def _th(head: Head, marks: tuple[int, ...] = (), lang: str = PRIMARY) -> str:
    attrs = ""
    if head.colspan > 1:
        attrs += f' colspan="{head.colspan}"'
    if head.rowspan > 1:
        attrs += f' rowspan="{head.rowspan}"'
    if head.scope:
        attrs += f' scope="{head.scope}"'
    if marks:
        attrs += ' class="flag"'
    return f"<th{attrs}>{escaped(translate(head.text, lang))}{_marks(marks)}</th>"


def _td(cell: ValueCell, lang: str = PRIMARY) -> str:
    text = cell.text if lang == PRIMARY else _unit_in(cell.text, lang)
    if not cell.marks and cell.colspan == 1 and text:  # the common case: a plain number
        return f"<td>{escaped(text)}</td>"
    attrs = f' id="{escape(cell.ref)}"' if cell.anchored else ""
    classes = " ".join(c for c, on in (("flag", bool(cell.marks)), ("b", not cell.text)) if on)
    if classes:
        attrs += f' class="{classes}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    return f"<td{attrs}>{escaped(text)}{_marks(cell.marks)}</td>"


def _unit_in(text: str, lang: str) -> str:
    """A value with its unit as published (12.5 万元) with the unit in `lang` (12.5 ×10,000 yuan)."""
    for unit in ("万元", "元", "件", "条", "项"):
        if text.endswith(unit):
            return text[: -len(unit)].rstrip() + " " + translate(f"单位：{unit}", lang)
    return text


def _row(row: Row, lang: str = PRIMARY) -> str:
    attrs = f' id="{escape(row.id)}"' if row.id else ""
    if row.marks:
        attrs += ' class="flag"'
    last = len(row.heads) - 1
    heads = "".join(_th(h, row.marks if i == last else (), lang) for i, h in enumerate(row.heads))
    return f"<tr{attrs}>{heads}{''.join(_td(c, lang) for c in row.cells)}</tr>"
