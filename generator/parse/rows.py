"""Shared rules for reading one table row: the values after a label, fitting them to the columns, and
splitting digits that were run together (never guessing: only where the table's arithmetic leaves one
reading)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import product

from generator.model import Cell
from generator.parse.text import digits_only, read_number
from generator.parse.tokens import Token

MAX_RUN_DIGITS = 24  # C(23, 6) ≈ 100k readings of a 7-cell row at most: fast enough, and still certain


def values_after(tokens: Sequence[Token], index: int) -> tuple[list[Token], int]:
    """The value cells after the label at `index`, and the index of the next label.

    Blank cells that stand in the next label's physical row, before that label, are rowspan spacers of
    the next row (Word export), not blank values of this one.
    """
    end = index + 1
    while end < len(tokens) and tokens[end].is_value:
        end += 1
    values = list(tokens[index + 1 : end])
    if end < len(tokens):
        next_row, own_row = tokens[end].row, tokens[index].row
        while values and values[-1].is_blank and values[-1].row == next_row and next_row != own_row:
            values.pop()
    return values, end


def fit_width(values: list[Token], width: int) -> list[Token] | None:
    """Drop surplus blank cells at the ends (page padding); the row fits when exactly `width` remain.
    Surplus with a blank at both ends does not fit: which end is padding cannot be told, and
    trimming the wrong one would move every number by a column."""
    fitted = list(values)
    if len(fitted) > width and fitted[0].is_blank and fitted[-1].is_blank:
        return None
    while len(fitted) > width and fitted[-1].is_blank:
        fitted.pop()
    while len(fitted) > width and fitted[0].is_blank:
        fitted.pop(0)
    return fitted if len(fitted) == width else None


def token_cell(token: Token) -> Cell:
    number = read_number(token.text)
    value = number.value if number else None
    unit = number.unit if number else None
    return Cell(value=value, raw=token.text, unit=unit, line=token.line)


@dataclass(frozen=True)
class Reading:
    values: tuple[int | None, ...]
    lines: tuple[int, ...]
    raws: tuple[str, ...]


def _pieces(digits: str, count: int) -> list[tuple[str, ...]]:
    """Every way to cut a digit string into `count` numbers without leading zeros."""
    if count == 1:
        return [(digits,)] if digits == "0" or not digits.startswith("0") else []
    out: list[tuple[str, ...]] = []
    for cut in range(1, len(digits) - count + 2):
        head = digits[:cut]
        if len(head) > 1 and head.startswith("0"):
            break
        out.extend((head, *rest) for rest in _pieces(digits[cut:], count - 1))
    return out


def _splits_per_token(tokens: list[Token], width: int) -> list[list[int]]:
    """How many cells each token may stand for: blanks and non-digit cells are one cell each."""
    options = []
    for token in tokens:
        digits = digits_only(token.text)
        options.append(list(range(1, len(digits) + 1)) if digits and len(digits) > 1 else [1])
    return [list(combo) for combo in product(*options) if sum(combo) == width]


def run_together_readings(
    tokens: list[Token],
    width: int,
    accept: Callable[[tuple[int | None, ...]], bool],
    limit: int | None = 2,
) -> list[Reading]:
    """Readings of a row with too few cells where some cells are digits run together, filtered by
    `accept`; at most `limit` of them (two already make a row ambiguous; None: every one)."""
    total_digits = sum(len(digits_only(t.text) or "") for t in tokens)
    if len(tokens) >= width or total_digits > MAX_RUN_DIGITS:
        return []
    readings: list[Reading] = []
    for counts in _splits_per_token(tokens, width):
        for reading in _readings_for_counts(tokens, counts):
            if accept(reading.values):
                readings.append(reading)
            if limit is not None and len(readings) >= limit:
                return readings
    return readings


def _readings_for_counts(tokens: list[Token], counts: list[int]) -> list[Reading]:
    per_token: list[list[tuple[tuple[int | None, ...], tuple[str, ...]]]] = []
    for token, count in zip(tokens, counts, strict=True):
        if count == 1:
            number = read_number(token.text)
            value = number.value if number else None
            per_token.append([((value if isinstance(value, int) or value is None else None,), (token.text,))])
        else:
            digits = digits_only(token.text) or ""
            per_token.append([(tuple(int(p) for p in cut), cut) for cut in _pieces(digits, count)])
    readings = []
    for combo in product(*per_token):
        values = tuple(v for part, _ in combo for v in part)
        raws = tuple(r for _, part in combo for r in part)
        lines = tuple(t.line for t, n in zip(tokens, counts, strict=True) for _ in range(n))
        readings.append(Reading(values, lines, raws))
    return readings


def sums_to_last(values: Sequence[int | float | None]) -> bool:
    """The last value is the total of the others (blank counts as 0)."""
    *parts, total = values
    return (total or 0) == sum(v or 0 for v in parts)
