"""The comparison builder's data (compare/data/<province>.json) and its page (compare/): every
report's counts as the report page shows them, each flag the finding the report page numbers, and
a form that needs no data of its own beyond the provinces, years and measures."""

from __future__ import annotations

import json

from generator.site.compare_builder import MEASURES, RATIOS, data_path
from generator.site.figures import add, app_total, flagging_finding
from generator.site.model import report_id
from tests.site_factories import make_corpus
from tests.site_html import built_site, text


def _data() -> dict[str, dict]:  # type: ignore[type-arg]
    files = built_site().files
    return {p: json.loads(files[p]) for p in files if p.startswith("compare/data/")}


def test_one_file_per_province_listed_in_the_form() -> None:
    data = _data()
    page = built_site().html("compare/index.html")
    options = page.xpath("//form[@id='builder']//select[@name='p']/option/@value")
    assert sorted(data) == sorted(data_path(code) for code in options) and len(options) == 3
    config = json.loads(page.xpath("//script[@id='builder-config']")[0].text)
    assert [p[0] for p in config["provinces"]] == options
    ids = [m[0] for m in config["measures"]] + [r["id"] for r in config["ratios"]]
    assert len(ids) == len(set(ids)) and set(config["defaults"]) <= set(ids)
    assert page.xpath("//script[@src]/@src") == ["../static/compare.js"]


def test_every_report_s_counts_are_those_of_its_tables() -> None:
    rows = {
        row[2]: (province["agencies"][row[0]], row)
        for province in _data().values()
        for row in province["reports"]
    }
    corpus = make_corpus()
    assert sorted(rows) == sorted(report_id(r) for r in corpus.reports if r.meta.year)
    index = {m.id: i for i, m in enumerate(MEASURES)}
    for report in corpus.reports:
        agency, (_, year, _, values, flags) = rows[report_id(report)]
        assert agency[0] == corpus.agency_of(report).id and year == report.meta.year
        assert values[index["new_received"]] == app_total(report, "new_received")
        assert values[index["total_processed"]] == app_total(report, "total_processed")
        withheld = [r for r in report.applications.rows if r.startswith("withheld_")]
        assert values[index["withheld"]] == add(app_total(report, r) for r in withheld)
        assert (
            values[index["new_natural_person"]]
            == report.applications.cell("new_received", "natural_person").value
        )
        assert values[index["reconsideration"]] == report.review("reconsideration_total").value
        expected = [[i, n] for i, m in enumerate(MEASURES) if (n := flagging_finding(report, m.cells))]
        assert flags == expected


def test_a_number_a_finding_is_about_is_flagged_with_that_finding() -> None:
    flagged = [(row[2], flags) for p in _data().values() for row in p["reports"] if (flags := row[4])]
    assert flagged  # the factory corpus has reports whose totals do not add up
    for rid, flags in flagged:
        page = built_site().html(f"reports/{rid}/index.html")
        for _, number in flags:
            assert page.xpath(f"//*[@id='f{number}']"), (rid, number)


def test_the_ratio_is_made_of_two_counts_and_says_how() -> None:
    (ratio,) = RATIOS
    assert set(ratio["of"]) <= {m.id for m in MEASURES}
    page = built_site().html("compare/index.html")
    labels = [text(label) for label in page.xpath("//input[@name='m']/..")]
    assert labels[-1] == "予以公开占比" and labels[0] == "本年新收申请"  # counts first


def test_agency_names_are_data_never_markup() -> None:
    files = built_site().files
    assert b"<script>alert" not in files["compare/index.html"]
    names = [a[1] for p in _data().values() for a in p["agencies"]]
    assert "<script>alert('x')</script>局" in names  # kept as published, shown as text by the script
