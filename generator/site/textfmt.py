"""Numbers and sizes as a Chinese reader expects them: 1,234 (zh-CN grouping), never 1.2e+3."""

from __future__ import annotations

from functools import lru_cache

from generator.model import Number


@lru_cache(maxsize=4096, typed=True)  # every cell of every table: mostly the same few hundred values
def format_number(value: Number | None) -> str:
    """ "" for a blank cell; integers with thousands separators; decimals as published."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    text = f"{value:,.6f}".rstrip("0").rstrip(".")
    return text


def format_or_dash(value: Number | None) -> str:
    """For derived tables: "—" where the published cells were blank."""
    return format_number(value) or "—"


def format_change(value: Number | None) -> str:
    if value is None:
        return "—"
    if value > 0:
        return "+" + format_number(value)
    if value < 0:
        return "−" + format_number(-value)  # U+2212, the minus sign
    return "0"


def format_percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
