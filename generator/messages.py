"""Finding messages as patterns and values, so that each edition of the site can say them.

A message is written once, in Chinese, as a pattern with named slots: `say("“{row}”的总计 {total} ≠ …",
row=row_name(row_id), total=num(value))`. `str()` of it is the Chinese message every file publishes
(`findings.csv`, `report.json`, `check`); the English pages look the pattern up in the catalogue
(`generator/data/i18n/en.json`) and fill its slots there (`site/i18n.message_in`, and
`site/edition.message_of` for pages). Values say what they are, because an edition treats them
differently:

- a `str` is a label of the template or of the program (“自然人”, “（空）”): translated;
- `Raw` is what the report printed, or a name, id or path: shown as it is in every edition;
- `Named` is a label as the report printed it: translated when it is the template's, else shown as is;
- `Listed` is values joined by a separator (“、”, “；”, “ + ”): each one said, then joined;
- a `Text` is a message inside a message (a clause, a note).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple, Union


class Raw(str):
    """Text as the report printed it, or a name, id or path: never translated."""

    __slots__ = ()


class Named(Raw):
    """A row label or name as the report printed it: said in an edition's words when it is one of the
    template's labels (行政许可), else shown as it is."""

    __slots__ = ()


class Listed(NamedTuple):
    separator: str
    items: tuple[Param, ...]


class Text(NamedTuple):
    pattern: str  # Chinese, with {name} slots
    values: tuple[tuple[str, Param], ...]

    def __str__(self) -> str:
        return self.say(str)

    def say(self, label: Callable[[str], str], raw: Callable[[str], str] = str) -> str:
        """The message with `pattern` and every label passed through `label` and every raw value
        through `raw` (the Chinese message: both `str`)."""
        filled = {name: said(value, label, raw) for name, value in self.values}
        return label(self.pattern).format(**filled)


Param = Union[str, Raw, Listed, Text]  # noqa: UP007 (a forward reference: Listed and Text hold Params)

_CJK = re.compile(r"[\u4e00-\u9fff]")


def say(pattern: str, **values: Param) -> Text:
    """A message: `pattern`'s {name} slots filled with `values`."""
    return Text(pattern, tuple(values.items()))


def raw(text: object) -> Raw:
    return Raw(str(text))


def named(text: object) -> Named:
    return Named(str(text))


def raw_message(text: str) -> Text:
    """A message that is someone else's words (a library's), shown as it is in every edition."""
    return say("{message}", message=raw(text))


def listed(separator: str, items: Iterable[Param]) -> Listed:
    return Listed(separator, tuple(items))


def printed(texts: Sequence[str | None]) -> Param:
    """Cell texts as the report printed them, space-separated; （空） for a blank cell, （无） for none."""
    if not texts:
        return "（无）"
    return listed(" ", [raw(t) if t else "（空）" for t in texts])


def said(value: Param, label: Callable[[str], str], raw: Callable[[str], str] = str) -> str:
    """One value of a message in an edition (see `Text.say`)."""
    if isinstance(value, Text):
        return value.say(label, raw)
    if isinstance(value, Listed):
        return label(value.separator).join(said(v, label, raw) for v in value.items)
    if isinstance(value, Named):
        said_ = label(value)
        return said_ if said_ != value and not _CJK.search(said_) else raw(value)
    if isinstance(value, Raw):
        return raw(value)
    return label(value) if value else value
