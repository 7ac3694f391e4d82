"""Figures the pages show, computed from the model: headline counts, result groups, timeliness.

Blank cells stay blank: a figure built only from blank cells is `None` ("—" on the page), never 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from generator.model import Number, Report
from generator.spec import APPLICANT_COLUMNS, APPLICATION_ROWS, OUTCOMES, PROCEEDINGS

Getter = Callable[[Report], Number | None]


def add(values: Iterable[Number | None]) -> Number | None:
    """Sum of the known values; None when every value is blank."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def app_total(report: Report, row: str) -> Number | None:
    """A row's 总计 cell in the applications table."""
    return report.applications.cell(row, "total").value


def _short_label(label: str) -> str:
    """ "（二）部分公开（区分处理的，…）" -> "部分公开"."""
    body = label.split("）", 1)[1] if label.startswith("（") else label
    return body.split("（", 1)[0]


def _result_groups() -> tuple[tuple[str, tuple[str, ...]], ...]:
    # （三）…（六） group several rows; （一）（二） and the 2019 （六） are rows of their own. The 2019 row
    # （六）其他处理 and the 2021 group of that name share the label, so they fall into one group.
    groups: dict[str, list[str]] = {}
    for row in APPLICATION_ROWS:
        if row.is_result:
            groups.setdefault(row.group or row.label, []).append(row.id)
    return tuple((_short_label(label), tuple(ids)) for label, ids in groups.items())


RESULT_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = _result_groups()  # ("予以公开", ("disclosed",)), …


def result_group_values(report: Report) -> list[tuple[str, Number | None]]:
    """How the applications were handled: each result group's 总计."""
    return [(label, add(app_total(report, r) for r in rows)) for label, rows in RESULT_GROUPS]


# The cells each figure row is read from, as findings name them (the row's ※ is the first finding
# about any of them): result groups, applicants, review and litigation outcomes.
RESULT_GROUP_CELLS: tuple[tuple[str, ...], ...] = tuple(
    tuple(f"applications.{row}." for row in rows) for _, rows in RESULT_GROUPS
)


def applicant_cells() -> tuple[tuple[str, ...], ...]:
    return tuple((f"applications.new_received.{cid}",) for cid, _ in APPLICANT_COLUMNS if cid != "total")


def review_cells() -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Per proceeding, per outcome (REVIEW_SHORT and OUTCOME_LABELS order)."""
    return tuple(
        tuple((f"review_litigation.{p}_{o}",) for o, _ in OUTCOMES if o != "total") for p, _ in PROCEEDINGS
    )


def applicant_values(report: Report) -> list[tuple[str, Number | None]]:
    """Who applied: new applications by applicant type (without the 总计 column)."""
    cells = report.applications.values("new_received")
    return [(label, cells[i]) for i, (cid, label) in enumerate(APPLICANT_COLUMNS) if cid != "total"]


REVIEW_SHORT = {
    "reconsideration": "行政复议",
    "litigation_direct": "直接起诉",
    "litigation_after_reconsideration": "复议后起诉",
}


def review_matrix(report: Report) -> list[tuple[str, list[Number | None]]]:
    """Review and litigation outcomes: one row per proceeding, the four outcomes without the totals."""
    return [
        (REVIEW_SHORT[p], [report.review(f"{p}_{o}").value for o, _ in OUTCOMES if o != "total"])
        for p, _ in PROCEEDINGS
    ]


OUTCOME_LABELS = tuple(label for o, label in OUTCOMES if o != "total")


def litigation_total(report: Report) -> Number | None:
    return add(
        report.review(f"{p}_total").value for p in ("litigation_direct", "litigation_after_reconsideration")
    )


@dataclass(frozen=True)
class Headline:
    id: str
    label: str
    get: Getter
    cells: tuple[str, ...]  # the prefixes of the cells it is read from, as findings name them


def _row(row: str) -> tuple[str, ...]:
    return (f"applications.{row}.",)


HEADLINES: tuple[Headline, ...] = (
    Headline("new_received", "本年新收申请", lambda r: app_total(r, "new_received"), _row("new_received")),
    Headline("carried_over", "上年结转申请", lambda r: app_total(r, "carried_over"), _row("carried_over")),
    Headline(
        "total_processed", "本年办理总计", lambda r: app_total(r, "total_processed"), _row("total_processed")
    ),
    Headline("disclosed", "予以公开", lambda r: app_total(r, "disclosed"), _row("disclosed")),
    Headline(
        "carried_forward", "结转下年度", lambda r: app_total(r, "carried_forward"), _row("carried_forward")
    ),
    Headline(
        "reconsideration",
        "行政复议",
        lambda r: r.review("reconsideration_total").value,
        ("review_litigation.reconsideration_",),
    ),
    Headline("litigation", "行政诉讼", litigation_total, ("review_litigation.litigation_",)),
)


def flagging_finding(report: Report, cells: Sequence[str]) -> int | None:
    """The number (1-based, its anchor on the report page is f<number>) of the report's first finding
    about any cell that starts with one of `cells`: a number read from them is flagged with it."""
    for number, item in enumerate(report.findings, start=1):
        if any(cell.startswith(tuple(cells)) for cell in item.cells):
            return number
    return None


def headline_flags(report: Report) -> tuple[int | None, ...]:
    """Each headline's flagging finding, in HEADLINES order."""
    return tuple(flagging_finding(report, h.cells) for h in HEADLINES)


class SummedFigures(NamedTuple):
    """What the corpus pages sum of every report, computed once per report: a brief in the build's
    state keeps them (`Report.derived`), as the home page sums the whole corpus on every build."""

    headlines: tuple[Number | None, ...]  # in HEADLINES order
    result_groups: tuple[Number | None, ...]  # in RESULT_GROUPS order
    applicants: tuple[Number | None, ...]  # in APPLICANT_LABELS order


APPLICANT_LABELS = tuple(label for cid, label in APPLICANT_COLUMNS if cid != "total")


def summed_figures(report: Report) -> SummedFigures:
    return report.derived("summed_figures", _summed_figures)


def _summed_figures(report: Report) -> SummedFigures:
    return SummedFigures(
        tuple(h.get(report) for h in HEADLINES),
        tuple(value for _, value in result_group_values(report)),
        tuple(value for _, value in applicant_values(report)),
    )


def corpus_total(values: Sequence[Number | None]) -> tuple[Number | None, int]:
    """One figure summed over reports, and how many reports left it blank."""
    return add(values), sum(v is None for v in values)


def change(current: Number | None, previous: Number | None) -> Number | None:
    if current is None or previous is None:
        return None
    return current - previous


SHARE_METHOD = "予以公开占比 =（一）予以公开 ÷（七）总计，均取“总计”列；总计为 0 或空白时不计算。"


def share_disclosed(report: Report) -> float | None:
    disclosed, processed = app_total(report, "disclosed"), app_total(report, "total_processed")
    if disclosed is None or not processed:
        return None
    return disclosed / processed


# --- timeliness (《条例》第四十九条; see the methodology page) ---------------------------------------


@dataclass(frozen=True)
class Timeliness:
    status: str  # "on_time" | "late" | "unknown" | "not_applicable"
    label: str  # what the page shows
    deadline: str | None = None  # ISO date
    days_late: int | None = None
    note: str | None = None


def legal_deadline(year: int, kind: str) -> dt.date:
    """Departments publish by 31 January and governments by 31 March of the next year (2019 revision);
    before it, every agency had until 31 March."""
    if kind == "department" and year >= 2019:
        return dt.date(year + 1, 1, 31)
    return dt.date(year + 1, 3, 31)


def timeliness(report: Report, level: str, kind: str) -> Timeliness:
    return _timeliness(report.meta.year, report.meta.published, level, kind)


@lru_cache(maxsize=8192)  # the corpus pages ask for every report's; few distinct dates per year
def _timeliness(year: int | None, published: str | None, level: str, kind: str) -> Timeliness:
    if level == "township":
        return Timeliness("not_applicable", "不适用", note="条例未规定乡镇、街道的期限")
    if year is None:
        return Timeliness("unknown", "年度不详")
    deadline = legal_deadline(year, kind)
    if not published:
        return Timeliness("unknown", "发布日期不详", deadline.isoformat())
    try:
        days = (dt.date.fromisoformat(published) - deadline).days
    except ValueError:
        return Timeliness("unknown", "发布日期无法识别", deadline.isoformat())
    if days <= 0:
        return Timeliness("on_time", "按时", deadline.isoformat(), 0)
    return Timeliness("late", f"逾期 {days} 天", deadline.isoformat(), days)
