"""The site built from the seed reports in content/reports: the parsed numbers reach the pages intact."""

from __future__ import annotations

import pytest

from generator.site.model import report_title
from generator.site.textfmt import format_number
from generator.spec import APPLICANT_IDS, REVIEW_CELLS
from tests.site_html import broken_links, cell_value, outside_fetches, seed_site, text


def seed_pages() -> list[str]:
    return sorted(seed_site().pages)


def report_pages() -> list[str]:
    return [p for p in seed_pages() if p.startswith("reports/")]


@pytest.mark.parametrize("path", seed_pages())
def test_seed_site_links_resolve_and_nothing_is_fetched_elsewhere(path: str) -> None:
    site = seed_site()
    assert broken_links(site, path) == []
    assert outside_fetches(site.html(path)) == []
    assert site.html(path).get("lang") == ("en" if path.startswith("en/") else "zh-CN")


def test_every_seed_report_has_a_page_and_its_source_file() -> None:
    from generator.pipeline import load_report
    from generator.read.text import discover
    from tests.site_html import ROOT

    site = seed_site()
    for path in discover(ROOT / "content"):
        report = load_report(path, ROOT)
        page = site.html(f"reports/{report.meta.report_id}/index.html")
        assert text(page.xpath("//h1")[0]) == report_title(report)
        rows = report.applications.rows
        for row_id in rows:
            tds = page.xpath(f"//tr[@id='applications.{row_id}']/td")
            expected = [format_number(report.applications.cell(row_id, c).value) for c in APPLICANT_IDS]
            assert [cell_value(td) for td in tds] == expected, (path.name, row_id)
        review = [cell_value(td) for td in page.xpath("//tr[@id='review_litigation']/td")]
        assert review == [format_number(report.review(c).value) for c in REVIEW_CELLS]
        copy = f"../../reports/{report.meta.report_id}/source{report.meta.source_suffix}"
        assert page.xpath(f"//section[@id='source']//a[@href='{copy}']"), path.name


def test_seed_with_inconsistent_totals_shows_its_findings_beside_the_cells() -> None:
    page = seed_site().html("reports/tong-hua-shi-dong-chang-qu-ren-min-zheng-fu-2020/index.html")
    total = page.xpath("//tr[@id='applications.total_processed']/td[last()]")[0]
    assert cell_value(total) == "0" and "flag" in total.get("class")
    assert page.xpath("//section[@id='s4']//li[contains(@class, 'finding')]")


@pytest.mark.parametrize("path", report_pages())
def test_seed_report_pages_stay_small(path: str) -> None:
    # 30,000 reports in GitHub Pages' 1 GB, beside the data; the seed with 21 findings is the largest.
    assert len(seed_site().pages[path]) < 40_000


def test_a_change_keeps_its_sign() -> None:
    """本年增/减 as seed 东昌区 prints it: +170 and −5, not 170 and -5."""
    page = seed_site().html("reports/tong-hua-shi-dong-chang-qu-ren-min-zheng-fu-2020/index.html")
    licensing = page.xpath("//tr[@id='proactive.administrative_licensing']/td")
    fees = page.xpath("//tr[@id='proactive.administrative_fees']/td")
    assert cell_value(licensing[1]) == "+170"
    assert cell_value(fees[1]) == "−5"
