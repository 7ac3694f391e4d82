"""Normalising labels and reading numbers as agencies print them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from generator.spec import UNITS

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』")
BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")


def clean(text: str) -> str:
    """Strip whitespace of every kind (NBSP, ideographic, en spaces) from both ends."""
    return text.strip(" \t\n\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff")


@lru_cache(maxsize=65536)
def norm(text: str) -> str:
    """A label in a comparable form: NFKC (full-width → half-width), simplified characters, no spaces or quotes."""
    text = BOOKMARK.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = _SPACE.sub("", text).translate(_QUOTES)
    if not text.isascii():
        text = _traditional_to_simplified().convert(text)
    return text


@cache
def _traditional_to_simplified() -> Any:
    """OpenCC's converter, made when a label is first compared: loading its dictionaries costs a
    hundredth of a second of every process that imports this module (the build's own, for blank
    cells)."""
    import opencc

    return opencc.OpenCC("t2s")


# Placeholders that mean "no value" (never zero): blank, dashes, slashes, 无.
_NO_VALUE = {"", "-", "--", "/", "—", "——", "–", "无", "空", "N/A", "n/a", "NA", "/-"}
_NUMBER = re.compile(
    r"^(?P<sign>[+-]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<unit>" + "|".join(UNITS) + r")?$"
)
_CHANGE = re.compile(r"^(?P<word>增加|增|减少|减)(?P<rest>.+)$")


@dataclass(frozen=True)
class Number:
    value: int | float | None  # None for a blank or placeholder cell
    unit: str | None = None
    signed: bool = False  # written with an explicit sign or 增/减
    leading_zero: bool = False  # e.g. "00": kept as 0, raw text keeps the zeros


def _canonical(raw: str) -> str:
    text = unicodedata.normalize("NFKC", clean(raw))
    text = text.replace("−", "-").replace("－", "-").replace("＋", "+")
    return _SPACE.sub("", text)


@lru_cache(maxsize=65536)
def read_number(raw: str) -> Number | None:
    """The number in a cell, or None when the text is not a number (a label, a sentence)."""
    text = _canonical(raw)
    if text in _NO_VALUE:
        return Number(None)
    change = _CHANGE.match(text)
    if change:
        inner = read_number(change["rest"])
        if inner is None or inner.value is None or inner.value < 0:
            return None
        sign = -1 if change["word"].startswith("减") else 1
        return Number(sign * inner.value, inner.unit, signed=True)
    match = _NUMBER.match(text)
    if not match:
        return None
    digits = match["int"].replace(",", "")
    value: int | float = float(digits + match["frac"]) if match["frac"] else int(digits)
    if match["sign"] == "-":
        value = -value
    return Number(
        value,
        match["unit"],
        signed=bool(match["sign"]),
        leading_zero=len(digits) > 1 and digits.startswith("0"),
    )


def is_value_text(raw: str) -> bool:
    """A cell that holds a number or a 'no value' placeholder (as opposed to a label)."""
    return read_number(raw) is not None


def is_blank(raw: str) -> bool:
    number = read_number(raw)
    return number is not None and number.value is None


def digits_only(raw: str) -> str | None:
    """The digit string of a cell that could be several cells run together (no sign, unit or decimals)."""
    text = _canonical(raw)
    return text if text.isdigit() else None
