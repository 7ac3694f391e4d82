"""sitemap.xml and robots.txt: every page's address, for search engines.

A sitemap must give full addresses, so it is made only when the site's address is known
(`SITE_URL`; the Pages workflow sets it); robots.txt is always made, and names the sitemap then.
Redirect pages and 404.html are left out (they say `noindex`).
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.sax.saxutils import escape

from generator.site import pages_corpus, pages_quality, pages_trends
from generator.site.i18n import edition_path, has_english
from generator.site.model import Corpus, agency_url, page_slugs, report_url

FIXED = ("", "agencies/", "search/", "compare/", "quality/", "data/")
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def page_urls(corpus: Corpus) -> Iterator[str]:
    """Every page's address relative to the site, home first; then the English edition's."""
    chinese = list(_chinese_urls(corpus))
    yield from chinese
    yield from (edition_path(url, "en") for url in chinese if has_english(url + "index.html"))


def _chinese_urls(corpus: Corpus) -> Iterator[str]:
    yield from FIXED
    yield from (f"{slug}/" for slug in page_slugs(corpus))
    provinces = corpus.derived("agencies_by_province", pages_corpus.agencies_by_province)
    yield from (pages_corpus.region_page_path(code).removesuffix("index.html") for code, _ in provinces)
    yield from (agency_url(agency.id) for agency in corpus.agencies)
    yield from (report_url(report) for report in corpus.reports)
    for code, _, year in pages_corpus.compare_groups(corpus):
        yield pages_corpus.compare_page_path(code, year).removesuffix("index.html")
    yield from (province.url for province in pages_quality.province_groups(corpus))
    yield from (
        pages_trends.trend_page_path(item).removesuffix("index.html")
        for item in pages_trends.trend_items(corpus)
    )


def sitemap_files(corpus: Corpus) -> dict[str, bytes]:
    site_url = corpus.config.site_url
    robots = "User-agent: *\nAllow: /\n"
    if not site_url:
        return {"robots.txt": robots.encode("utf-8")}
    entries = "".join(f"<url><loc>{escape(site_url + url)}</loc></url>\n" for url in page_urls(corpus))
    sitemap = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NAMESPACE}">\n{entries}</urlset>\n'
    return {
        "sitemap.xml": sitemap.encode("utf-8"),
        "robots.txt": f"{robots}Sitemap: {site_url}sitemap.xml\n".encode(),
    }
