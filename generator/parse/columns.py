"""The applications table's column equations (template-spec §7), used to read a row only where the
arithmetic leaves one reading: digits run together more than one way, or a row printed without its
label. Every other row of the equation must have been read without doubt."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from generator.model import Cell
from generator.parse.rows import Reading, run_together_readings, sums_to_last
from generator.parse.text import is_blank
from generator.parse.tokens import Token
from generator.spec import APPLICANT_IDS, result_rows

WIDTH = len(APPLICANT_IDS)


# The column equations of the applications table (template-spec §7): in every column, the left
# rows add up to the right rows.
def equations(template: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    results = tuple(r.id for r in result_rows(template))
    return (("total_processed",), results), (
        ("new_received", "carried_over"),
        ("total_processed", "carried_forward"),
    )


def resolve_by_columns(
    template: str, rows: Mapping[str, tuple[Cell, ...]], ambiguous: Mapping[str, list[Token]]
) -> dict[str, Reading]:
    """Rows whose digits run together more than one way, read where a column equation leaves one
    reading: every other row of the equation was read without doubt, and exactly one of the row's
    readings (each already adding up to its own total) makes the equation hold in every column."""
    pending = dict(ambiguous)
    certain = {row_id for row_id in rows if row_id not in pending and all(map(known, rows[row_id]))}
    values = {row_id: [c.value or 0 for c in rows[row_id]] for row_id in certain}
    resolved: dict[str, Reading] = {}
    progress = True
    while progress and pending:
        progress = False
        for row_id, tokens in list(pending.items()):
            expected = required(row_id, values, equations(template))
            if expected is None:
                continue
            readings = run_together_readings(tokens, WIDTH, sums_to_last, limit=None)
            fitting = [r for r in readings if [v or 0 for v in r.values] == expected]
            if len(fitting) == 1:
                resolved[row_id] = fitting[0]
                values[row_id] = expected
                del pending[row_id]
                progress = True
    return resolved


def known(cell: Cell) -> bool:
    """A cell read as printed: a number, or a blank (which the equations count as 0)."""
    return cell.raw is not None and (cell.value is not None or is_blank(cell.raw))


def required(
    row_id: str, values: Mapping[str, list[int | float]], system: Sequence[tuple[tuple[str, ...], ...]]
) -> list[int | float] | None:
    """The values a row must have for an equation of `system` whose other rows are all known."""
    for left, right in system:
        if row_id not in (*left, *right) or any(r not in values for r in (*left, *right) if r != row_id):
            continue
        own, other = (left, right) if row_id in left else (right, left)
        return [
            sum(values[r][c] for r in other) - sum(values[r][c] for r in own if r != row_id)
            for c in range(WIDTH)
        ]
    return None
