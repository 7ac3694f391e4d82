"""The registry of page families: every kind of page of the site, in the order they are made.

A family lists its items in a corpus (one page each) and makes an item's page. The pure pipeline
(`pipeline.build_site`) renders every item of every family; the incremental build
(`build.py`) makes each family's pages in the unit its `unit` names:

- `report` / `agency`: with that report's or agency's other files (its data, its original);
- `group`: each page a unit of its own, made again when what `inputs` returns changes (the
  digests of the reports it shows, say);
- `corpus`: with the corpus unit, whenever any report changed.

Adding a page family is one entry here plus its template.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from generator.site import pages_corpus, pages_quality
from generator.site.model import Agency, Corpus, report_id
from generator.site.pages import Files, Page, agency_page, home_page, report_page

Unit = Literal["report", "agency", "group", "corpus"]
ReportDigest = Callable[[Any], str]  # a report -> its report unit's digest


@dataclass(frozen=True)
class PageFamily:
    name: str
    unit: Unit
    items: Callable[[Corpus], Sequence[Any]]
    page: Callable[[Corpus, Any, Files], Page]
    # Unit "group" only: an item's page path (its unit's id, known without making the page), and
    # its inputs besides the site version and settings.
    path: Callable[[Any], str] | None = None
    inputs: Callable[[Corpus, Any, ReportDigest], object] | None = None


def _one(corpus: Corpus) -> Sequence[None]:
    return (None,)


def agency_facts(agency: Agency) -> tuple[object, ...]:
    """What the pages of other units show of an agency (not its reports' contents)."""
    years = tuple((r.meta.year, report_id(r)) for r in agency.reports)
    return (agency.id, agency.name, agency.region, agency.level, agency.kind, years)


def _compare_inputs(corpus: Corpus, group: pages_corpus.CompareGroup, digest_of: ReportDigest) -> object:
    key, reports = group
    return (key, tuple(map(digest_of, reports)))


def _province_inputs(corpus: Corpus, province: pages_quality.Province, digest_of: ReportDigest) -> object:
    return (province.code, province.name, tuple(digest_of(report) for _, report in province.members))


FAMILIES: tuple[PageFamily, ...] = (
    PageFamily("home", "corpus", _one, lambda corpus, _, files: home_page(corpus, files)),
    PageFamily(
        "agencies",
        "group",
        _one,
        lambda corpus, _, files: pages_corpus.agencies_page(corpus),
        lambda _: pages_corpus.AGENCIES_PATH,
        lambda corpus, _, digest_of: tuple(map(agency_facts, corpus.agencies)),
    ),
    PageFamily("agency", "agency", lambda corpus: corpus.agencies, agency_page),
    PageFamily("report", "report", lambda corpus: corpus.reports, report_page),
    PageFamily("quality", "corpus", _one, lambda corpus, _, files: pages_quality.quality_index_page(corpus)),
    PageFamily(
        "quality-province",
        "group",
        pages_quality.province_groups,
        lambda corpus, province, files: pages_quality.province_page(province),
        lambda province: f"{province.url}index.html",
        _province_inputs,
    ),
    PageFamily(
        "compare",
        "corpus",
        _one,
        lambda corpus, _, files: pages_corpus.compare_index_page(pages_corpus.compare_groups(corpus)),
    ),
    PageFamily(
        "compare-group",
        "group",
        lambda corpus: tuple(pages_corpus.compare_groups(corpus).items()),
        lambda corpus, group, files: pages_corpus.compare_group_page(group),
        lambda group: pages_corpus.compare_page_path(group[0][0], group[0][2]),
        _compare_inputs,
    ),
    PageFamily(
        "markdown",
        "corpus",
        lambda corpus: sorted(corpus.pages),
        lambda c, slug, f: pages_corpus.markdown_page(c, slug),
    ),
    PageFamily("404", "corpus", _one, lambda corpus, _, files: pages_corpus.not_found_page()),
    # Last: it lists the size of the corpus zip, which another process may still be compressing.
    PageFamily("data", "corpus", _one, lambda corpus, _, files: pages_corpus.data_page(corpus, files)),
)

FAMILY = {family.name: family for family in FAMILIES}


def pages_of(corpus: Corpus, files: Files, unit: Unit | None = None) -> Iterator[Page]:
    """The pages of every family (or of those made by `unit`), family by family, item by item."""
    for family in FAMILIES:
        if unit is None or family.unit == unit:
            for item in family.items(corpus):
                yield family.page(corpus, item, files)
