"""The rows of the tables and columns that restate what the model holds for analysts (issue #21):

- `applications_long`: the applications table in long form, one row per report × row × applicant;
- `unplaced`: the numbers a report prints that the parser could not place in a cell (kept, not
  guessed: the cells stay blank), one row per row of the original;
- the `reports` columns of the agency's kind and level and of timeliness, computed by the functions
  the pages use (`site.model.agency_kind`, `agency_level`, `site.figures.timeliness`);
- `proactive.value_yuan`: a money amount in 元, whatever unit the report printed it in.

Nothing here changes a published value: every column is the model's cell or a function of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from generator.checks.equations import template_of
from generator.model import Cell, Finding, Number, Report
from generator.site.figures import timeliness
from generator.site.model import agency_kind, agency_level
from generator.spec import APPLICANT_IDS, REVIEW_CELLS, application_rows, proactive_blocks

Row = dict[str, Any]

BLANK_TEXT = "（空）"  # a blank cell among unplaced numbers, written as the findings write it
# Multipliers to 元 of the money units a cell may carry (spec.UNITS).
YUAN = {"元": 1, "万元": 10_000, "亿元": 100_000_000}
# A money measure whose template header states its unit, for a cell that prints none.
HEADER_UNITS = {"fee_amount": "万元"}  # 本年收费金额（单位：万元）


# --- applications, long ----------------------------------------------------------------------------


# --- unplaced numbers -------------------------------------------------------------------------------

# What a row-width finding of the proactive or review table ends with: the numbers as printed
# (parse/proactive.py `原文：`, parse/review.py `原文数字：`; "（无）" when there were none).
_PRINTED = re.compile(r"原文(?:数字)?：(?P<printed>[^：]*)$")
_NONE = "（无）"
_UNPLACED_RULES = ("row-width", "cells-run-together-ambiguous")


def unplaced_rows(report: Report) -> list[Row]:
    """Numbers printed in a row whose cells could not be told apart (too many or too few numbers,
    digits run together with more than one reading): the applications rows from the model
    (`ApplicationsTable.unassigned`), the proactive and review rows from their `row-width`
    findings, which alone keep them. In table order, numbered from 1 within the report."""
    rows = [*_unplaced_applications(report), *_unplaced_from_findings(report)]
    for number, row in enumerate(rows, start=1):
        row["number"] = number
    return rows


def _unplaced_applications(report: Report) -> list[Row]:
    table = report.applications
    rows = []
    for spec_row in application_rows(table.template):
        kept = table.unassigned.get(spec_row.id)
        if not kept:
            continue
        first_cell = f"applications.{spec_row.id}.{APPLICANT_IDS[0]}"
        rows.append(
            _unplaced(
                report,
                "applications",
                spec_row.id,
                table.labels.get(spec_row.id, spec_row.label),
                tuple(kept),
                len(APPLICANT_IDS),
                table.lines.get(spec_row.id),
                _finding_number(report.findings, first_cell),
            )
        )
    return rows


def _unplaced_from_findings(report: Report) -> list[Row]:
    widths = {
        item.id: len(block.measures)
        for block in proactive_blocks(template_of(report))
        for item in block.items
    }
    labels = {row.item: row.label for row in report.proactive}
    rows = []
    for number, item in enumerate(report.findings, start=1):
        if item.rule != "row-width" or not item.cells:
            continue
        table, _, rest = item.cells[0].partition(".")
        if table not in ("proactive", "review_litigation"):
            continue
        match = _PRINTED.search(item.message)
        if not match or match["printed"] == _NONE:
            continue
        printed = tuple(match["printed"].split(" "))
        if table == "proactive":
            row_id = rest.partition(".")[0]
            label, width = labels.get(row_id), widths.get(row_id)
        else:
            row_id, label, width = None, None, len(REVIEW_CELLS)
        rows.append(_unplaced(report, table, row_id, label, printed, width, item.line, number))
    return rows


def _finding_number(findings: Sequence[Finding], first_cell: str) -> int | None:
    """The number (in the findings table) of the finding that says a row's numbers were not placed."""
    return next(
        (
            n
            for n, f in enumerate(findings, start=1)
            if f.rule in _UNPLACED_RULES and f.cells[:1] == (first_cell,)
        ),
        None,
    )


def _unplaced(
    report: Report,
    table: str,
    row_id: str | None,
    label: str | None,
    printed: tuple[str, ...],
    width: int | None,
    line: int | None,
    finding: int | None,
) -> Row:
    return {
        "report_id": report.meta.report_id,
        "number": 0,  # set by unplaced_rows
        "table_name": table,
        "row_id": row_id,
        "label": label,
        "printed": " ".join(text or BLANK_TEXT for text in printed),
        "printed_cells": len(printed),
        "expected_cells": width,
        "line": line,
        "finding": finding,
        "ocr": report.meta.read_by_ocr(line),  # OCR readings, unconfirmed (as in its finding)
    }


# --- reports: agency kind and level, timeliness ----------------------------------------------------


def report_agency_columns(report: Report) -> Row:
    """The agency's kind and level and the report's timeliness, from this report's agency name and
    region, by the pages' own functions. Unknown is blank: a level the name and region do not give,
    a deadline without a year, `on_time` when the date is unknown or no deadline applies."""
    name = report.meta.agency or ""
    kind = agency_kind(name, report.meta.region)
    level = agency_level(name, report.meta.region)
    status = timeliness(report, level, kind)
    known = status.status in ("on_time", "late")
    return {
        "agency_kind": kind if name else None,
        "agency_level": None if level == "unknown" else level,
        "deadline": status.deadline,
        "on_time": status.status == "on_time" if known else None,
        "days_late": status.days_late if known else None,
    }


# --- proactive: amounts in 元 ------------------------------------------------------------------------


def value_yuan(measure: str, kind: str, cell: Cell) -> Number | None:
    """A money cell's value in 元: × 10,000 for 万元, × 100,000,000 for 亿元, as is for 元 (exact:
    decimal arithmetic, an integer when whole). Blank when the cell is blank, the measure is not an
    amount, or its unit is neither printed nor stated by the template's header."""
    unit = cell.unit or HEADER_UNITS.get(measure)
    if kind != "money" or cell.value is None or unit not in YUAN:
        return None
    amount = Decimal(repr(cell.value)) * YUAN[unit]
    return int(amount) if amount == amount.to_integral_value() else float(amount)
