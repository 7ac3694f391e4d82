"""Redirect pages: when a registry row says an agency id was replaced (`replaced_by`), its old URLs,
the agency page and one report page per year of the agency, lead to the new ones, so links people
published keep working. A meta refresh (no script, which the Content Security Policy forbids); an
English page's old address leads to the English new one."""

from __future__ import annotations

from collections.abc import Sequence

from generator.site.model import Agency, Corpus, agency_url, report_url
from generator.site.pages import Page
from generator.site.romanise import agency_name


def redirected(corpus: Corpus) -> Sequence[tuple[str, str]]:
    """(old id, new id) for every replaced id whose new id has reports on the site."""
    live = {agency.id for agency in corpus.agencies}
    return sorted((old, new) for old, new in corpus.redirects.items() if new in live and old not in live)


def redirect_pages(corpus: Corpus, ids: tuple[str, str]) -> list[Page]:
    old, new = ids
    agency = corpus.agency_by_id(new)
    pages = [_page(f"agencies/{old}/", agency_url(new), agency, ids)]
    for report in agency.reports:
        new_url = report_url(report)
        pages.append(_page(new_url.replace(f"reports/{new}-", f"reports/{old}-", 1), new_url, agency, ids))
    return pages


def _page(old_url: str, target: str, agency: Agency, ids: tuple[str, str]) -> Page:
    context = {
        "title": f"{agency.name}：页面已迁移",
        "title_en": f"{agency_name(agency.name, agency.region)}: page moved",
        "target": target,
        "old_id": ids[0],
        "new_id": ids[1],
    }
    return Page(f"{old_url}index.html", "redirect.html", context)
