"""Codelists: the identifiers the data uses, with their labels, as CSV beside the packages
(`data/codelists/`): the applications table's rows in both templates and how they map, the applicant
types, the review and litigation cells, the proactive items and measures, and the finding rules.
Made from `generator/spec.py` and `generator/rules.py`, so they cannot drift from the data."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from generator.rules import RULES
from generator.spec import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    OUTCOMES,
    PROCEEDINGS,
    TEMPLATES,
    application_rows,
    proactive_blocks,
)

FOLDER = "data/codelists"
BOM = "\ufeff"
# 2019's single （六）其他处理 row is the sum of 2021's three rows under that group.
_OTHER_2021 = ("other_overdue_correction", "other_unpaid_fee", "other_misc")


def codelist_files() -> dict[str, bytes]:
    """data/codelists/<name>.csv, UTF-8 with BOM (as the data's CSVs)."""
    lists = {
        "application_rows": (
            ("row_id", "label", "row_group", "position_2019", "position_2021", "result_row", "maps_to"),
            _application_rows(),
        ),
        "applicant_types": (("column", "label"), APPLICANT_COLUMNS),
        "review_cells": (
            ("proceeding", "proceeding_label", "outcome", "outcome_label"),
            [(p, pl, o, ol) for p, pl in PROCEEDINGS for o, ol in OUTCOMES],
        ),
        "proactive_items": (
            ("template", "block", "caption", "item", "item_label", "measure", "measure_label", "kind"),
            _proactive_items(),
        ),
        "rules": (
            ("rule", "severity", "stage", "title", "description"),
            [
                (r.id, r.severity, r.stage, r.title, r.description)
                for r in sorted(RULES.values(), key=lambda r: r.id)
            ],
        ),
    }
    return {f"{FOLDER}/{name}.csv": _csv(header, rows) for name, (header, rows) in lists.items()}


def _application_rows() -> list[tuple[object, ...]]:
    positions = {t: {row.id: n for n, row in enumerate(application_rows(t), start=1)} for t in TEMPLATES}
    out: list[tuple[object, ...]] = []
    for row in APPLICATION_ROWS:
        maps_to = "+".join(_OTHER_2021) if row.id == "other" else ("other" if row.id in _OTHER_2021 else "")
        out.append(
            (
                row.id,
                row.label,
                row.group,
                positions["2019"].get(row.id, ""),
                positions["2021"].get(row.id, ""),
                "yes" if row.is_result else "no",
                maps_to,
            )
        )
    return out


def _proactive_items() -> list[tuple[object, ...]]:
    return [
        (template, block.block, block.caption, item.id, item.label, measure.id, measure.label, measure.kind)
        for template in TEMPLATES
        for block in proactive_blocks(template)
        for item in block.items
        for measure in block.measures
    ]


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (BOM + buffer.getvalue()).encode("utf-8")
