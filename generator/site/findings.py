"""Findings as the pages show them: numbered, with the cells they name in Chinese and linked.

A finding names cells (`applications.disclosed.natural_person`) or whole rows (`applications.disclosed`).
When it names every cell of a row, the page marks the row once instead of each cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from generator import rules
from generator.checks.equations import template_of
from generator.messages import Text
from generator.model import Report
from generator.spec import (
    APPLICANT_IDS,
    APPLICANT_LABELS,
    APPLICATION_ROW_BY_ID,
    PROACTIVE_BLOCKS,
    REVIEW_CELLS,
    REVIEW_LABELS,
    TEMPLATES,
    application_rows,
    proactive_blocks,
)

PLACES_SHOWN = 6


@dataclass(frozen=True)
class Place:
    """A cell or row a finding names."""

    ref: str  # cell reference, also the anchor id on the report page
    label: str  # in Chinese, e.g. "（一）予以公开 · 自然人"
    kind: str  # "row", "cell", or "other" (not shown in the tables: no anchor)


@dataclass(frozen=True)
class FindingView:
    number: int  # 1-based position in report.findings; the anchor is f<number>
    rule: str
    title: str
    severity: str
    message: str
    text: Text | None  # the message as pattern and values, said in English on English pages
    line: int | None
    acknowledged: str | None
    places: tuple[Place, ...]

    @property
    def anchor(self) -> str:
        return f"f{self.number}"

    @property
    def shown_places(self) -> tuple[Place, ...]:
        """The places listed (and linked) beside the finding; a column check may name forty cells."""
        return self.places[:PLACES_SHOWN]

    @property
    def more_places(self) -> int:
        return max(0, len(self.places) - PLACES_SHOWN)

    @property
    def target(self) -> str:
        """Where a link to this finding lands: the first cell or row it names, else the finding itself."""
        return next((p.ref for p in self.places if p.kind != "other"), self.anchor)

    @property
    def table(self) -> str | None:
        """The official table the finding is listed under (that of its first shown place)."""
        return self.target.split(".", 1)[0] if self.target != self.anchor else None


def finding_views(report: Report) -> tuple[FindingView, ...]:
    """The report's findings, numbered in order (the page's anchors are f1, f2, …)."""
    template = template_of(report)
    views = []
    for number, f in enumerate(report.findings, start=1):
        rule = rules.RULES.get(f.rule)
        views.append(
            FindingView(
                number,
                f.rule,
                rule.title if rule else f.rule,
                f.severity,
                f.message,
                f.text,
                f.line,
                f.acknowledged,
                places(f.cells, template, report.applications.template),
            )
        )
    return tuple(views)


@lru_cache(maxsize=4096)  # findings of one rule name the same cells in report after report
def places(refs: tuple[str, ...], template: str, applications: str | None = None) -> tuple[Place, ...]:
    """Where a finding's cells are shown; `applications`: the template of the applications table,
    when it is not the report's."""
    rows, cells = row_cells(template, applications), cell_refs(template, applications)
    named = set(refs)
    out: list[Place] = []
    covered: set[str] = set()
    for ref in dict.fromkeys(refs):
        if ref in covered:
            continue
        row = ref if ref in rows else ref.rsplit(".", 1)[0]
        if row in rows and (row in named or named >= set(rows[row])):
            out.append(Place(row, cell_label(row), "row"))
            covered.update((row, *rows[row]))
        else:
            out.append(Place(ref, cell_label(ref), "cell" if ref in cells else "other"))
            covered.add(ref)
    return tuple(out)


@lru_cache(maxsize=len(TEMPLATES) ** 2)
def row_cells(template: str, applications: str | None = None) -> dict[str, tuple[str, ...]]:
    """The rows a finding can name whole (applications rows, proactive items) and their cells."""
    rows = {
        f"applications.{r.id}": tuple(f"applications.{r.id}.{c}" for c in APPLICANT_IDS)
        for r in application_rows(applications or template)
    }
    for block in proactive_blocks(template):
        for item in block.items:
            rows[f"proactive.{item.id}"] = tuple(f"proactive.{item.id}.{m.id}" for m in block.measures)
    return rows


@lru_cache(maxsize=len(TEMPLATES) ** 2)
def cell_refs(template: str, applications: str | None = None) -> frozenset[str]:
    """Every value cell the report page of this template shows."""
    refs = {f"review_litigation.{c}" for c in REVIEW_CELLS}
    for cells in row_cells(template, applications).values():
        refs.update(cells)
    return frozenset(refs)


def _row_label(row_id: str) -> str | None:
    row = APPLICATION_ROW_BY_ID.get(row_id)
    if row is None:
        return None
    label = row.label.split("（区分", 1)[0]  # （二）部分公开 without its long counting note
    return f"{row.group} {label}" if row.group else label


@lru_cache(maxsize=1)
def _proactive_labels() -> dict[str, str]:
    labels = {}
    for blocks in PROACTIVE_BLOCKS.values():
        for block in blocks:
            for item in block.items:
                labels[item.id] = item.label
                labels.update({f"{item.id}.{m.id}": f"{item.label} · {m.label}" for m in block.measures})
    return labels


@lru_cache(maxsize=4096)  # a few hundred references in all
def cell_label(ref: str) -> str:
    """A cell reference in words, e.g. "（七）总计 · 自然人"; the reference itself when unknown."""
    table, _, rest = ref.partition(".")
    if table == "applications":
        row_id, _, column = rest.partition(".")
        label = _row_label(row_id)
        if label is None:
            return ref
        return f"{label} · {APPLICANT_LABELS.get(column, column)}" if column else f"{label}（整行）"
    if table == "review_litigation":
        return REVIEW_LABELS.get(rest, ref)
    if table == "proactive":
        label = _proactive_labels().get(rest)
        return (label + ("" if "." in rest else "（整行）")) if label else ref
    return ref
