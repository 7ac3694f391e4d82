"""The registry of families: everything a build makes, in order — every kind of file of the site, and
the validation of the corpus descriptor (which makes no file, only problems; every report's rows
were checked against the Table Schemas in the check stage, `data.validate.report_schema_findings`).

A family lists its items in a corpus and makes an item's files. Beside the code that makes them, it
declares what they depend on (`inputs`, besides the site version and settings). The pure pipeline
(`pipeline.build_site`) makes every item of every family; the incremental engine
(`engine.units`) makes each item a unit, redone when the digest of its inputs changes.

Adding a page family is one entry here plus its template.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from generator.data.files import (
    DATA_DIR,
    ReportLines,
    agency_package,
    bulk_csv_path,
    corpus_descriptor_bytes,
    corpus_package,
    csv_files,
    merge_lines,
    report_json,
    report_lines,
)
from generator.data.package import RESOURCES, sort_reports
from generator.data.release import Edition, settle_release
from generator.data.validate import descriptor_problems
from generator.model import Report, derived
from generator.site import (
    compare_builder,
    pages_corpus,
    pages_quality,
    pages_trends,
    redirects,
    search,
    sitemap,
)
from generator.site.model import Agency, Corpus, has_package, page_slugs, report_id
from generator.site.pages import Files, Page, agency_page, home_page, report_page, source_copy_path
from generator.site.render import render_editions, static_assets


class Context(Protocol):
    """What families read. The pipeline's holds whole reports; the engine's holds briefs and finds
    the whole report, its lines and its unit's digest when asked."""

    @property
    def corpus(self) -> Corpus: ...
    @property
    def vega_cache(self) -> Path | None: ...
    def report(self, report: Report) -> Report: ...  # the whole report
    def lines(self, report: Report) -> ReportLines: ...  # its CSV lines
    def source(self, report: Report) -> bytes | None: ...  # its original file
    def key_of(self, report: Report) -> str: ...  # a digest of its file
    def digest_of(self, report: Report) -> str: ...  # its report unit's digest
    def corpus_digest(self) -> str: ...  # every report unit's digest and the Markdown pages
    def edition(self) -> Edition: ...  # the data release this build makes (`settle_edition`)


@dataclass(frozen=True)
class Made:
    files: dict[str, bytes]  # path under the site folder -> bytes
    lines: dict[str, ReportLines] = field(default_factory=dict)  # made on the way, by report id
    problems: tuple[str, ...] = ()  # what making them found wrong (a validation's), one line each


@dataclass(frozen=True)
class Family:
    name: str
    items: Callable[[Corpus], Sequence[Any]]
    key: Callable[[Any], str]  # an item's unit id is "<name>:<key>"
    inputs: Callable[[Context, Any], object]  # what an item's files depend on
    make: Callable[[Context, Any], Made]
    first: bool = False  # made before the others, which read what it made (the reports' lines)
    heavy: bool = False  # long enough to be worth a worker of its own


def page_of(page: Callable[[Corpus, Any], Page]) -> Callable[[Context, Any], Made]:
    """`make` for a family of one page per item, made from the corpus."""

    def make(context: Context, item: Any) -> Made:
        made = page(context.corpus, item)
        return Made(render_editions(made, context.corpus.config))

    return make


def agency_facts(agency: Agency) -> str:
    """A digest of what the pages of other units show of an agency (not its reports' contents);
    made once per agency, though every report of it names it."""
    return derived(agency, "facts", _agency_facts)


def _agency_facts(agency: Agency) -> str:
    years = tuple((r.meta.year, report_id(r)) for r in agency.reports)
    facts = (agency.id, agency.name, agency.region, agency.level, agency.kind, years)
    return hashlib.sha256(repr(facts).encode("utf-8")).hexdigest()


# --- reports and agencies ------------------------------------------------------------------------


def report_inputs(context: Context, report: Report) -> object:
    """Its file, its findings (its own and the corpus's), its agency's facts, its history."""
    history = context.corpus.history.key_of(report.meta.source_file)
    return (context.key_of(report), report.findings, agency_facts(context.corpus.agency_of(report)), history)


def make_report(context: Context, brief: Report) -> Made:
    """The report page, its original file and its JSON (its rows are in its agency's package)."""
    report = context.report(brief)
    lines = report_lines(report)
    files = report_json(report)
    source = context.source(report)
    if source is not None:
        files[source_copy_path(report)] = source
    page = report_page(context.corpus, report, Files(files))
    files.update(render_editions(page, context.corpus.config))
    return Made(files, {report_id(report): lines})


def agency_inputs(context: Context, agency: Agency) -> object:
    return (agency_facts(agency), tuple(map(context.digest_of, agency.reports)), context.edition().stamp)


def make_agency(context: Context, agency: Agency) -> Made:
    """The agency page and its package (every year of it)."""
    files: dict[str, bytes] = {}
    if has_package(agency):
        ordered = sorted(agency.reports, key=lambda r: (report_id(r), r.meta.source_file))
        lines = [context.lines(r) for r in ordered]
        files = agency_package(agency.id, ordered, lines, context.edition().stamp)
    page = agency_page(context.corpus, agency, Files(files))
    files.update(render_editions(page, context.corpus.config))
    return Made(files)


# --- pages of several reports ---------------------------------------------------------------------


def compare_inputs(context: Context, group: pages_corpus.CompareGroup) -> object:
    key, reports = group
    return (key, tuple(map(context.digest_of, reports)))


def province_inputs(context: Context, province: pages_quality.Province) -> object:
    return (province.code, province.name, tuple(context.digest_of(report) for _, report in province.members))


def compare_data_inputs(context: Context, province: pages_quality.Province) -> object:
    """Its reports, and the names, places, levels and kinds of their agencies."""
    agencies = sorted({agency.id: agency_facts(agency) for agency, _ in province.members}.items())
    return (province_inputs(context, province), tuple(agencies))


def corpus_inputs(context: Context, item: object) -> object:
    return context.corpus_digest()


def make_redirects(context: Context, ids: tuple[str, str]) -> Made:
    pages = redirects.redirect_pages(context.corpus, ids)
    return Made(
        {path: html for page in pages for path, html in render_editions(page, context.corpus.config).items()}
    )


def redirect_inputs(context: Context, ids: tuple[str, str]) -> object:
    return tuple(map(report_id, context.corpus.agency_by_id(ids[1]).reports))


def trend_inputs(context: Context, item: str) -> object:
    """The national page: every report; a province's: its reports (their unit digests cover their
    findings and figures)."""
    if item == pages_trends.NATIONAL:
        return context.corpus_digest()
    province = next(p for p in pages_quality.province_groups(context.corpus) if p.code == item)
    return tuple(context.digest_of(report) for _, report in province.members)


def one(corpus: Corpus) -> Sequence[str]:
    return ("index",)


# --- data and static files ------------------------------------------------------------------------


def make_data(context: Context, item: object) -> Made:
    """The corpus package (descriptor, bulk CSVs, zip) and the data page that lists them."""
    ordered = sort_reports(context.corpus.reports)
    lines = [context.lines(r) for r in ordered]
    files = corpus_package(ordered, lines, context.edition(), context.corpus.history)
    page = pages_corpus.data_page(context.corpus, Files(files))
    files.update(render_editions(page, context.corpus.config))
    return Made(files)


def data_inputs(context: Context, item: object) -> object:
    edition = context.edition()
    return (context.corpus_digest(), edition.inputs.key, edition.stamp)


def settle_edition(context: Context) -> Edition:
    """The release this build makes: compared, when there is a previous release, with the bulk
    CSVs of every report's lines (called once per build, before the agency and data units)."""
    corpus = context.corpus

    def tables() -> dict[str, bytes]:
        csvs = csv_files(
            f"{DATA_DIR}/", merge_lines([context.lines(r) for r in sort_reports(corpus.reports)])
        )
        return {name: csvs[bulk_csv_path(name)] for name in RESOURCES}

    release = settle_release(corpus.release, tables)
    return Edition(corpus.release, release, corpus.config.site_url)


def make_static(context: Context, item: object) -> Made:
    return Made(static_assets(context.vega_cache))


# --- validation: no files, problems ---------------------------------------------------------------


def validate_descriptor(context: Context, item: object) -> Made:
    descriptor = corpus_descriptor_bytes(sort_reports(context.corpus.reports), context.edition().stamp)
    return Made({}, problems=tuple(map(str, descriptor_problems(descriptor))))


FAMILIES: tuple[Family, ...] = (
    Family("report", lambda c: c.reports, report_id, report_inputs, make_report, first=True),
    Family("agency", lambda c: c.agencies, lambda a: a.id, agency_inputs, make_agency),
    Family(
        "agencies",
        one,
        str,
        lambda context, _: tuple(map(agency_facts, context.corpus.agencies)),
        page_of(lambda corpus, _: pages_corpus.agencies_page(corpus)),
    ),
    Family(
        "region",
        lambda c: tuple(c.derived("agencies_by_province", pages_corpus.agencies_by_province).items()),
        lambda province: province[0][0],
        lambda context, province: tuple(map(agency_facts, province[1])),
        page_of(lambda corpus, province: pages_corpus.region_page(province)),
    ),
    Family(
        "compare-group",
        lambda c: tuple(pages_corpus.compare_groups(c).items()),
        lambda group: f"{group[0][0]}-{group[0][2]}",
        compare_inputs,
        page_of(lambda corpus, group: pages_corpus.compare_group_page(group)),
    ),
    Family(
        "quality-province",
        pages_quality.province_groups,
        lambda province: province.code,
        province_inputs,
        page_of(lambda corpus, province: pages_quality.province_page(province)),
    ),
    Family("home", one, str, corpus_inputs, page_of(lambda corpus, _: home_page(corpus))),
    Family("trends", pages_trends.trend_items, str, trend_inputs, page_of(pages_trends.trend_page)),
    Family("quality", one, str, corpus_inputs, page_of(lambda c, _: pages_quality.quality_index_page(c))),
    Family(
        "compare",
        one,
        str,
        corpus_inputs,
        page_of(lambda corpus, _: compare_builder.compare_page(corpus)),
    ),
    Family(
        "compare-data",
        pages_quality.province_groups,
        lambda province: province.code,
        compare_data_inputs,
        lambda context, province: Made(
            {compare_builder.data_path(province.code): compare_builder.province_data_bytes(province)}
        ),
    ),
    Family(
        "markdown",
        page_slugs,
        str,
        lambda context, slug: (context.corpus.pages[slug], context.corpus.pages.get(f"en/{slug}")),
        page_of(pages_corpus.markdown_page),
    ),
    Family(
        "search",
        one,
        str,
        lambda context, _: search.search_inputs(
            context.corpus, tuple(map(agency_facts, context.corpus.agencies))
        ),
        lambda context, _: Made(
            search.search_files(context.corpus, lambda p: render_editions(p, context.corpus.config))
        ),
    ),
    Family("redirect", redirects.redirected, lambda ids: ids[0], redirect_inputs, make_redirects),
    Family(
        "sitemap", one, str, corpus_inputs, lambda context, _: Made(sitemap.sitemap_files(context.corpus))
    ),
    Family("404", one, str, lambda context, _: (), page_of(lambda corpus, _: pages_corpus.not_found_page())),
    Family("data", one, str, data_inputs, make_data, heavy=True),
    Family("static", one, str, lambda context, _: (), make_static, heavy=True),
    Family("validate-descriptor", one, str, data_inputs, validate_descriptor, heavy=True),
)
