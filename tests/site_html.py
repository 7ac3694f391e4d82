"""Helpers for the website tests: a rendered site, parsed pages, and link resolution."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

from generator.pipeline import PipelineContext, make_families
from generator.site.model import Corpus
from tests.site_factories import make_corpus, make_sources

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"  # git-ignored; holds the Vega bundle between runs


@dataclass(frozen=True)
class BuiltSite:
    pages: dict[str, bytes]  # rendered HTML
    files: dict[str, bytes]  # every file of the site: pages, data files, static assets

    def html(self, path: str) -> lxml.html.HtmlElement:
        return parse(self.pages[path])


def site_files(corpus: Corpus) -> dict[str, bytes]:
    """Every file the pipeline makes of a corpus (with its reports' originals)."""
    return make_families(PipelineContext(corpus, make_sources(corpus), CACHE))[0]


def render_pages(corpus: Corpus) -> dict[str, bytes]:
    """The HTML pages the pipeline makes of a corpus."""
    return {path: data for path, data in site_files(corpus).items() if path.endswith(".html")}


@lru_cache(maxsize=1)
def built_site() -> BuiltSite:
    files = site_files(make_corpus())
    return BuiltSite({p: d for p, d in files.items() if p.endswith(".html")}, files)


def parse(data: bytes) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(data.decode("utf-8"))


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def cell_value(td: lxml.html.HtmlElement) -> str:
    """A value cell's number, without the ※ marks that link to findings."""
    return (td.text or "").strip()


def resolve(page_path: str, href: str) -> tuple[str, str] | None:
    """The site file a relative link points to, and its fragment; None for links leaving the site."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    base = posixpath.dirname(page_path)
    target = posixpath.normpath(posixpath.join(base, unquote(parts.path))) if parts.path else page_path
    if parts.path.endswith("/") or parts.path in ("./", "."):
        target = posixpath.join(target, "index.html")
    if target == ".":
        target = "index.html"
    return target.removeprefix("./"), unquote(parts.fragment)


@lru_cache(maxsize=1)
def seed_site() -> BuiltSite:
    """The site of the seed reports in content/reports, parsed and checked as the build does."""
    from generator.pipeline import build_site, read_sources

    sources, unreadable = read_sources(ROOT / "content")
    assert not unreadable
    site = build_site(sources, vega_cache=CACHE)
    pages = {path: data for path, data in site.files.items() if path.endswith(".html")}
    return BuiltSite(pages, dict(site.files))


SCRIPT = b"<script>window.__ran = 1; document.title = 'ran';</script>"


@lru_cache(maxsize=1)
def hostile_site() -> BuiltSite:
    """A contributed web page that carries a script: its report, built as the pipeline builds it."""
    from generator.pipeline import SourceFile, Sources, build_site

    page = (ROOT / "tests" / "fixtures" / "formats" / "2020-dehui-zhengfu-bangongshi.html").read_bytes()
    data = page.replace(b"</body>", SCRIPT + b"</body>", 1)
    site = build_site(Sources([SourceFile("content/reports/2020-dehui.html", data)]), vega_cache=CACHE)
    pages = {path: data for path, data in site.files.items() if path.endswith(".html")}
    return BuiltSite(pages, dict(site.files))


# Elements whose URL the browser fetches by itself (as opposed to a link the reader may follow).
FETCHED = "//script[@src]|//link[@href]|//img|//iframe|//source|//video|//audio|//embed|//object"


def broken_links(site: BuiltSite, path: str) -> list[str]:
    """Links of one page that do not resolve to a file (and an id, for fragments) of the site."""
    problems = []
    for element in site.html(path).xpath("//*[@href or @src]"):
        url = element.get("href") or element.get("src")
        if url.startswith("data:") or element.tag == "base":  # the 404 page's root, not a link
            continue
        target = resolve(path, url)
        if target is None:
            if not (element.tag == "a" and url.startswith(("http://", "https://"))):
                problems.append(f"{element.tag} leaves the site: {url}")
            continue
        file, fragment = target
        if file not in site.files:
            problems.append(f"{url} -> {file}: no such file")
        elif (
            fragment
            and file.endswith(".html")
            and not parse(site.files[file]).xpath(f"//*[@id='{fragment}']")
        ):
            problems.append(f"{url}: no element with id {fragment!r}")
    return problems


def outside_fetches(page: lxml.html.HtmlElement) -> list[str]:
    """URLs on another host that the browser would fetch while loading the page."""
    urls = [e.get("src") or e.get("href") or e.get("data") or "" for e in page.xpath(FETCHED)]
    return [u for u in urls if u.startswith(("http:", "https:", "//"))]


CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# An English sentence quoting Chinese terms, as the Table Schemas' English descriptions do ("e.g.
# “通化市东昌区人民政府”").
ENGLISH = re.compile(r"(?:\b[A-Za-z]{2,}\b.*){4}")


def unmarked_chinese(page: lxml.html.HtmlElement) -> list[str]:
    """Chinese text of an English page outside any element marked lang="zh-CN" (the agencies' own
    words, names, what a report printed), but for Chinese terms quoted in an English sentence."""
    found = []
    for element in page.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        ancestors = list(element.iterancestors())
        marked = any((e.get("lang") or "").startswith("zh") for e in (element, *ancestors))
        # an element's tail (the text after it) is its parent's text
        parent_marked = any((e.get("lang") or "").startswith("zh") for e in ancestors)
        for own, own_marked in ((element.text or "", marked), (element.tail or "", parent_marked)):
            if own.strip() and CJK.search(own) and not own_marked and not ENGLISH.search(own):
                found.append(own.strip()[:60])
        for attribute in ("title", "aria-label", "placeholder"):
            value = element.get(attribute) or ""
            if CJK.search(value) and not marked:
                found.append(f"@{attribute} {value[:60]}")
    return found
