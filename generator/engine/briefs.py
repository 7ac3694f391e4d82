"""Briefs: reports cut down to what the corpus pages and the corpus checks read, kept in the build
state so that a build never loads every whole report (10,000 of them take seconds; their briefs, a
fraction of one)."""

from __future__ import annotations

import sys
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from generator.checks.equations import row_line
from generator.model import ApplicationsTable, Cell, Region, Report
from generator.site.figures import summed_figures


@dataclass(frozen=True)
class Brief(Report):
    """A report without narrative, proactive table or printed cell text: metadata, findings, the
    values and units of the applications and review tables, and the line of the 上年结转 row (the
    carry-over check cites it). Its summed figures are made once and kept on it (`Report.derived`).
    The whole report is in the parse cache (`EngineContext.report`)."""


class Interner:
    """Equal small values become one object, which the state's pickle then stores once: most cells
    of most reports are 0 or blank, so a corpus of briefs is mostly references."""

    def __init__(self) -> None:
        self._seen: dict[Hashable, Any] = {}

    def _once(self, key: Hashable, make: Any) -> Any:
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = make()
        return found

    def cell(self, cell: Cell) -> Cell:
        # The type is part of the key: 0 == 0.0, but a float is published as "0.0".
        key = ("cell", type(cell.value), cell.value, cell.unit)
        return self._once(key, lambda: Cell(cell.value, None, cell.unit, None))

    def row(self, cells: tuple[Cell, ...]) -> tuple[Cell, ...]:
        key = ("row", *(id(c) for c in cells))  # the cells are interned: same ids, same values
        return self._once(key, lambda: cells)

    def mapping(self, values: Mapping[str, Hashable]) -> Mapping[str, Any]:
        """Equal small mappings of plain values become one object too (most are empty)."""
        key = ("mapping", *((k, type(v), v) for k, v in values.items()))
        return self._once(key, lambda: dict(values))

    def region(self, region: Region | None) -> Region | None:
        return None if region is None else self._once(("region", region), lambda: region)

    @staticmethod
    def text(text: str) -> str:
        return sys.intern(text)


def _id_only(front_matter: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": front_matter["id"]} if front_matter.get("id") else {}


def brief(report: Report, intern: Interner) -> Brief:
    """The report's `Brief`. Of the front matter, only an `id` is kept: it says the agency id is not
    the name's slug."""
    meta = report.meta
    applications = report.applications
    carried_over = row_line(report, "carried_over")
    short = Brief(
        meta=replace(
            meta, region=intern.region(meta.region), front_matter=intern.mapping(_id_only(meta.front_matter))
        ),
        proactive=(),
        applications=ApplicationsTable(
            rows={
                intern.text(row): intern.row(tuple(intern.cell(c) for c in cells))
                for row, cells in applications.rows.items()
            },
            labels=intern.mapping({}),
            lines=intern.mapping({"carried_over": carried_over} if carried_over is not None else {}),
            unassigned=intern.mapping({}),
        ),
        review_litigation={intern.text(k): intern.cell(c) for k, c in report.review_litigation.items()},
        published_total=intern.cell(report.published_total) if report.published_total else None,
        sections=(),
        findings=report.findings,
    )
    summed_figures(short)  # kept on the brief, and so in the state: the corpus pages sum them
    return short


def known_slugs(briefs: Iterable[Report | None]) -> Iterator[tuple[str, str]]:
    """(agency name, agency id) of every brief whose id is its agency name's slug."""
    for found in briefs:
        meta = found.meta if found else None
        if meta and meta.agency and meta.agency_id and not meta.front_matter.get("id"):
            yield meta.agency, meta.agency_id
