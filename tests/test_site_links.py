"""Site-wide invariants: links resolve, nothing is fetched from another host, report text cannot inject
markup, and the output is byte-identical between builds."""

from __future__ import annotations

import pytest

from generator.site.render import root_for
from tests.site_factories import HOSTILE, make_corpus
from tests.site_html import BuiltSite, broken_links, built_site, outside_fetches, parse, render_pages, text

PAGES = sorted(built_site().pages)


@pytest.mark.parametrize("path", PAGES)
def test_every_internal_link_resolves_within_the_site(path: str) -> None:
    assert broken_links(built_site(), path) == []


@pytest.mark.parametrize("path", PAGES)
def test_no_page_fetches_anything_from_another_host(path: str) -> None:
    page = built_site().html(path)
    assert outside_fetches(page) == []
    assert "@import" not in "".join(page.xpath("//style/text()"))


def test_the_link_checker_catches_broken_links() -> None:
    site = built_site()
    broken = BuiltSite(
        {
            "x/index.html": b'<a href="../nowhere/">a</a><a href="#nope">b</a>'
            b'<script src="https://cdn.example/x.js"></script>'
        },
        dict(site.files),
    )
    broken.files["x/index.html"] = broken.pages["x/index.html"]
    assert len(broken_links(broken, "x/index.html")) == 3
    assert outside_fetches(broken.html("x/index.html")) == ["https://cdn.example/x.js"]


def test_all_links_are_relative() -> None:
    for path, data in built_site().pages.items():
        page = parse(data)
        for element in page.xpath("//a[@href]|//link[@href]|//script[@src]"):
            url = element.get("href") or element.get("src")
            assert not url.startswith("/"), f"{path}: {url}"


def test_root_prefix_matches_the_page_depth() -> None:
    assert root_for("index.html") == "./"
    assert root_for("reports/x/index.html") == "../../"
    assert root_for("agencies/index.html") == "../"


def test_report_text_renders_as_text_never_as_markup() -> None:
    site = built_site()
    path = "reports/e-yi-ju-2020/index.html"
    raw = site.pages[path].decode()
    assert "<script>alert" not in raw
    page = parse(site.pages[path])
    assert text(page.xpath("//h1")[0]).startswith(f"{HOSTILE}局")
    assert HOSTILE in text(page.xpath("//section[@id='s1']")[0])
    assert HOSTILE in text(page.xpath("//section[@id='findings']")[0])
    assert not page.xpath("//script[not(@src) and not(@type='application/json')]")
    assert not page.xpath("//img")  # the narrative's ![图](http://…) is not an image


def test_javascript_urls_never_become_links() -> None:
    site = built_site()
    for path, data in site.pages.items():
        page = parse(data)
        for a in page.xpath("//a[@href]"):
            assert a.get("href").split(":", 1)[0].lower() not in ("javascript", "data", "vbscript"), path
    page = site.html("reports/e-yi-ju-2020/index.html")
    source = page.xpath("//section[@id='source']")[0]
    assert "javascript:alert(1)" in text(source)  # shown, as text
    assert not source.xpath(".//a[contains(@href, 'alert')]")


def test_agency_names_with_markup_are_escaped_everywhere() -> None:
    for path, data in built_site().pages.items():
        assert b"<script>alert" not in data, path


def test_build_is_deterministic() -> None:
    first = render_pages(make_corpus())
    second = render_pages(make_corpus())
    assert first == second
    assert first == built_site().pages


def test_output_does_not_depend_on_the_order_reports_arrive_in() -> None:
    from tests.site_factories import seed_reports

    corpus = make_corpus(list(reversed(seed_reports())))
    assert render_pages(corpus) == built_site().pages


def test_a_finding_that_names_no_shown_cell_links_to_itself() -> None:
    page = built_site().html("quality/unknown/index.html")
    hrefs = [a.get("href") for a in page.xpath("//section[@id='rule-unknown-row']//a")]
    assert hrefs == ["../../reports/e-yi-ju-2020/#f1"]
