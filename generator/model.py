"""The report model: one typed value that every pipeline stage reads and none mutates.

`parse` builds a `Report` from a source file; `checks`, `package`, `charts` and `render` only read it.
Every published cell keeps the text as printed (`raw`), the normalised value and unit, and the line
of the source file it came from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, NamedTuple, TypeVar

from generator.messages import Text
from generator.spec import APPLICANT_IDS, REVIEW_CELLS

_COLUMN_INDEX = {column: index for index, column in enumerate(APPLICANT_IDS)}

T = TypeVar("T")

Severity = Literal["error", "warning"]
Number = int | float
PAGE_LINES = 1000  # a PDF's or a scan's line is located at page × PAGE_LINES + its line on the page


class Cell(NamedTuple):
    """One published cell. `value is None` means blank or not assignable with certainty (never 0).

    A named tuple, not a frozen dataclass: a report has about 200 cells, made and unpickled twice as
    fast this way."""

    value: Number | None = None
    raw: str | None = None  # the cell's text as published, trimmed; None when the cell is missing
    unit: str | None = None  # e.g. "万元", "件"; None when the cell carries no unit
    line: int | None = None  # 1-based line in the source file

    @property
    def is_blank(self) -> bool:
        return self.value is None


BLANK = Cell()


@dataclass(frozen=True)
class Finding:
    """A problem found in a report: stable rule id, severity, message and where it is."""

    rule: str
    severity: Severity
    message: str
    line: int | None = None
    cells: tuple[str, ...] = ()  # cell references, e.g. "applications.disclosed.natural_person"
    acknowledged: str | None = None  # reason given in front matter when the source itself is wrong
    # The message as pattern and values, which the English pages say in English (generator/messages.py)
    text: Text | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "line": self.line,
            "cells": list(self.cells),
        }
        if self.acknowledged:
            out["acknowledged"] = self.acknowledged
        return out


@dataclass(frozen=True)
class Source:
    """A report file as read from disk: decoded text and the contributor's front matter."""

    path: str  # as shown in messages, e.g. "content/reports/2020-dehui.txt"
    lines: tuple[str, ...]  # the report text below the front matter, one entry per line, no line ends
    first_line: int  # file line number of lines[0] (1 when there is no front matter)
    front_matter: Mapping[str, Any]
    encoding: str  # the encoding the bytes were decoded with
    sha256: str  # checksum of the file's bytes
    findings: tuple[Finding, ...] = ()  # problems found while reading (front matter)
    # For formats turned into text (HTML, Word, PDF): the original line / paragraph / page of each line.
    line_map: tuple[int, ...] | None = None
    original_suffix: str = ".txt"  # the file type as published, offered as the source download
    ocr_pages: int = 0  # pages read by OCR (pages without a text layer); 0: the text was in the file
    ocr_page_numbers: tuple[int, ...] = ()  # which pages (from 1): their lines are OCR readings

    def line_no(self, index: int) -> int:
        """File line number of lines[index] (for converted formats, the location in the original)."""
        if self.line_map is not None and 0 <= index < len(self.line_map):
            return self.line_map[index]
        return self.first_line + index

    def line_numbers(self) -> Sequence[int]:
        """`line_no` of every line, in order."""
        if self.line_map is not None and len(self.line_map) >= len(self.lines):
            return self.line_map[: len(self.lines)]
        return [self.line_no(index) for index in range(len(self.lines))]


@dataclass(frozen=True)
class Region:
    """Where the agency sits, as GB/T 2260 divisions (any level may be unknown)."""

    code: str  # 6-digit code of the most specific known division
    province: str | None = None
    province_code: str | None = None
    city: str | None = None
    city_code: str | None = None
    county: str | None = None
    county_code: str | None = None

    @property
    def name(self) -> str:
        return "".join(p for p in (self.province, self.city, self.county) if p)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "province": self.province,
            "province_code": self.province_code,
            "city": self.city,
            "city_code": self.city_code,
            "county": self.county,
            "county_code": self.county_code,
        }


@dataclass(frozen=True)
class Section:
    number: int  # 1…6
    title: str  # heading as printed
    text: str  # body text (narrative sections); tables are parsed separately
    line: int | None = None


@dataclass(frozen=True)
class Metadata:
    agency: str | None
    year: int | None
    template: str | None  # "2019" or "2021", detected from the table labels
    published: str | None  # ISO date
    region: Region | None
    source_file: str  # path relative to the content folder's parent (e.g. content/reports/x.txt)
    source_url: str | None = None
    title: str | None = None
    report_id: str | None = None  # stable ASCII id, e.g. "de-hui-shi-...-2020"
    agency_id: str | None = None
    front_matter: Mapping[str, Any] = field(default_factory=dict)  # fields the contributor stated
    source_sha256: str | None = None  # checksum of the file as committed
    source_suffix: str = ".txt"  # file type of the original (offered as the source download)
    printed_agency: str | None = None  # the name in the title or signature, when front matter corrects it
    ocr_pages: int = 0  # pages read by OCR: every number on them is an OCR reading (checks/ocr.py)
    ocr_page_numbers: tuple[int, ...] = ()  # which pages (from 1); the others were read from text
    ocr_agency: str | None = None  # the agency name OCR read, withheld until the registry confirms it

    def read_by_ocr(self, line: int | None) -> bool:
        """Whether what stands at `line` is an OCR reading: it is on a page OCR read (a PDF's or a
        scan's line is page × PAGE_LINES + its line on the page). A place not known counts as one when
        any page was read by OCR."""
        if not self.ocr_pages:
            return False
        if line is None or not self.ocr_page_numbers:
            return True
        return line // PAGE_LINES in self.ocr_page_numbers


@dataclass(frozen=True)
class ProactiveRow:
    item: str  # spec.ProactiveItem.id
    label: str  # as printed
    line: int | None
    cells: Mapping[str, Cell]  # measure id -> cell


@dataclass(frozen=True)
class ApplicationsTable:
    rows: Mapping[str, tuple[Cell, ...]]  # row id -> 7 cells in APPLICANT_IDS order
    labels: Mapping[str, str] = field(default_factory=dict)  # row id -> label as printed
    lines: Mapping[str, int] = field(default_factory=dict)  # row id -> line of the label
    unassigned: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # row id -> raw texts kept

    def cell(self, row: str, column: str) -> Cell:
        cells = self.rows.get(row)
        return cells[_COLUMN_INDEX[column]] if cells else BLANK

    def values(self, row: str) -> list[Number | None]:
        cells = self.rows.get(row)
        return [c.value for c in cells] if cells else [None] * len(APPLICANT_IDS)

    @property
    def template(self) -> str:
        """The template this table's rows follow: 2021 splits （六）其他处理 into three rows. Usually
        the report's; a report may print a 2021 proactive table beside a 2019 applications table."""
        return "2021" if "other_misc" in self.rows else "2019"


@dataclass(frozen=True)
class Report:
    meta: Metadata
    proactive: tuple[ProactiveRow, ...]
    applications: ApplicationsTable
    review_litigation: Mapping[str, Cell]  # REVIEW_CELLS id -> cell
    published_total: Cell | None  # the provincial "本年…发布总数量" line, when printed
    sections: tuple[Section, ...]
    findings: tuple[Finding, ...]

    def with_findings(self, extra: tuple[Finding, ...]) -> Report:
        return replace(self, findings=self.findings + extra)

    def derived(self, name: str, make: Callable[[Report], T]) -> T:
        """A value computed from the report once and kept on it: pickled with it too, so that a
        brief kept in the build's state brings its figures (the corpus pages sum them every build).
        A report `replace`d into another computes them again."""
        return derived(self, name, make)

    def proactive_cell(self, item: str, measure: str) -> Cell:
        for row in self.proactive:
            if row.item == item:
                return row.cells.get(measure, BLANK)
        return BLANK

    def review(self, cell_id: str) -> Cell:
        return self.review_litigation.get(cell_id, BLANK)

    @property
    def errors(self) -> tuple[Finding, ...]:
        # Most reports have no findings, and the corpus pages count every report's.
        return (
            tuple(f for f in self.findings if f.severity == "error" and not f.acknowledged)
            if self.findings
            else ()
        )

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return (
            tuple(f for f in self.findings if f.severity == "warning" and not f.acknowledged)
            if self.findings
            else ()
        )


def cell_json(cell: Cell) -> dict[str, Any]:
    return {"value": cell.value, "unit": cell.unit, "raw": cell.raw, "line": cell.line}


def report_to_json(report: Report, *, with_file: bool = False) -> dict[str, Any]:
    """The `build.py parse` document (see README: "The parse JSON")."""
    meta = report.meta
    out: dict[str, Any] = {}
    if with_file:
        out["file"] = meta.source_file
    out.update(
        {
            "report_id": meta.report_id,
            "agency_id": meta.agency_id,
            "agency": meta.agency,
            "year": meta.year,
            "template": meta.template,
            "published": meta.published,
            "title": meta.title,
            "region": meta.region.to_json() if meta.region else None,
            "source": {"file": meta.source_file, "url": meta.source_url},
            "ocr_pages": meta.ocr_pages,
            "proactive": {
                row.item: {m: cell_json(c) for m, c in row.cells.items()} for row in report.proactive
            },
            "published_total": cell_json(report.published_total) if report.published_total else None,
            "applications": {r: [c.value for c in cells] for r, cells in report.applications.rows.items()},
            "review_litigation": {k: report.review(k).value for k in REVIEW_CELLS},
            "lines": {
                "applications": {r: [c.line for c in cells] for r, cells in report.applications.rows.items()},
                "review_litigation": {k: report.review(k).line for k in REVIEW_CELLS},
            },
            "unassigned": {r: list(v) for r, v in report.applications.unassigned.items()},
            "sections": [
                {"number": s.number, "title": s.title, "text": s.text, "line": s.line}
                for s in report.sections
            ],
            "findings": [f.to_json() for f in report.findings],
        }
    )
    return out


def derived(instance: Any, name: str, make: Callable[[Any], T]) -> T:
    """`make(instance)`, computed once and kept on the frozen instance (object.__setattr__ is the
    frozen-safe way), in a `_derived` dict that equality, hashing and repr do not see."""
    values = instance.__dict__.get("_derived")
    if values is None:
        values = {}
        object.__setattr__(instance, "_derived", values)
    if name not in values:
        values[name] = make(instance)
    return values[name]
