"""HTML of the official tables, written in Python rather than a Jinja macro.

A report page has about 200 value cells; a Jinja macro call per cell made the tables most of the render
time. Every text goes through `escape` (report text is untrusted), exactly as autoescaping would.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from generator.site.official_tables import Head, OfficialTable, Row, ValueCell

_SPECIAL = re.compile(r"[<>&\"']")


def escaped(text: str) -> str:
    """Text escaped as autoescaping would; most texts (numbers, names, URLs) need none, and this is a hot
    path: the look is faster than markupsafe's escape."""
    return str(escape(text)) if _SPECIAL.search(text) else text


def official_table_html(table: OfficialTable) -> Markup:
    parts = [
        f'<div class="scroll swipe" tabindex="0" role="region" aria-label="{escape(table.title)}（表格，可左右滑动）">',
        f'<table class="official" id="t-{escape(table.id)}">',
    ]
    if table.cols:
        parts.append("<colgroup>" + "".join(f'<col class="{escape(c)}">' for c in table.cols) + "</colgroup>")
    if table.head:
        rows = ("<tr>" + "".join(_th(h) for h in row) + "</tr>" for row in table.head)
        parts.append("<thead>\n" + "\n".join(rows) + "\n</thead>")
    for block in table.blocks:
        parts.append("<tbody>")
        if block.caption:
            caption = escape(block.caption)
            parts.append(
                f'<tr><th colspan="{table.columns}" scope="rowgroup" class="cap">{caption}</th></tr>'
            )
        parts.extend(_row(row) for row in block.rows)
        parts.append("</tbody>")
    parts.append("</table>\n</div>")
    return Markup("\n".join(parts))


def _marks(numbers: tuple[int, ...]) -> str:
    if not numbers:
        return ""
    return "".join(f'<a class="fm" href="#f{n}">※{n}</a>' for n in numbers)


def _th(head: Head, marks: tuple[int, ...] = ()) -> str:
    attrs = ""
    if head.colspan > 1:
        attrs += f' colspan="{head.colspan}"'
    if head.rowspan > 1:
        attrs += f' rowspan="{head.rowspan}"'
    if head.scope:
        attrs += f' scope="{head.scope}"'
    if marks:
        attrs += ' class="flag"'
    return f"<th{attrs}>{escaped(head.text)}{_marks(marks)}</th>"


def _td(cell: ValueCell) -> str:
    if not cell.marks and cell.colspan == 1 and cell.text:  # the common case: a plain number
        return f"<td>{escaped(cell.text)}</td>"
    attrs = f' id="{escape(cell.ref)}"' if cell.anchored else ""
    classes = " ".join(c for c, on in (("flag", bool(cell.marks)), ("b", not cell.text)) if on)
    if classes:
        attrs += f' class="{classes}"'
    if cell.colspan > 1:
        attrs += f' colspan="{cell.colspan}"'
    return f"<td{attrs}>{escaped(cell.text)}{_marks(cell.marks)}</td>"


def _row(row: Row) -> str:
    attrs = f' id="{escape(row.id)}"' if row.id else ""
    if row.marks:
        attrs += ' class="flag"'
    last = len(row.heads) - 1
    heads = "".join(_th(h, row.marks if i == last else ()) for i, h in enumerate(row.heads))
    return f"<tr{attrs}>{heads}{''.join(_td(c) for c in row.cells)}</tr>"
