"""Originals served safely (issue #21): nothing a contributor writes ever runs on the site's origin.

A site is built from reports that carry hostile content (a web-page original with a <script>, onerror=
attributes and javascript: links; front matter whose title and agency hold markup; narrative text that
spells out a <script>; a Markdown page with raw HTML) and every one of its pages, and every published
original, is opened in headless Chromium. It is served as GitHub Pages serves it, with no security
header: the <meta> Content Security Policy first in every page's <head> is all the protection there is.
Any dialog (alert), console error, page error, CSP violation or request to another host fails the test;
the charts must still draw under that policy. `build.py serve` is checked for the same policy as a
header, nosniff and UTF-8 text.
"""

from __future__ import annotations

import functools
import http.server
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from generator.commands.serve import make_server
from generator.site.render import content_security_policy
from tests.site_html import CACHE, ROOT
from tests.test_browser import BROWSER_ARGS, QuietHandler, browser_path

pytestmark = pytest.mark.browser

SEEDS = ROOT / "content" / "reports"
FORMATS = ROOT / "tests" / "fixtures" / "formats"

# What a contributor might slip in. Each alert names where it came from, so a failure says which hole.
ORIGINAL_MARKUP = (
    b"<script>alert('script in original')</script>"
    b'<img src="x" onerror="alert(\'onerror in original\')">'
    b"<svg onload=\"alert('svg onload in original')\"></svg>"
    b"<a href=\"javascript:alert('javascript: link in original')\">link</a>"
    b"<p>&lt;script&gt;alert('escaped script in original text')&lt;/script&gt;"
    b"&lt;img src=x onerror=alert('escaped onerror in original text')&gt;</p>"
)
FRONT_MATTER = """---
title: "<script>alert('script in title')</script>上高县机关事务局2020年政府信息公开工作年度报告"
agency: "上高县机关事务局<img src=x onerror=alert('onerror in agency')>"
source_url: "javascript:alert('javascript: source_url')"
---
"""
NARRATIVE = (
    "<script>alert('script in narrative')</script><img src=x onerror=alert('onerror in narrative')>"
    " [链接](javascript:alert('javascript: link in narrative'))"
    ' <a href="javascript:alert(1)" onclick="alert(\'onclick in narrative\')">点此</a>\n'
)
PAGE = """# 说明<script>alert('script in page title')</script>

<script>alert('script in page')</script>

<img src="x" onerror="alert('onerror in page')">

<a href="javascript:alert('javascript: link in page')">链接</a> [链接](javascript:alert('markdown link'))

<div style="position:fixed;inset:0;background:red">style attribute in page</div>

<style>body { display: none }</style>
"""
INJECTED = (
    b"<script>alert('inline script')</script><img src=\"x\" onerror=\"alert('inline handler')\">"
    b"<style>main { display: none }</style>"
)

# Every CSP violation, reported from inside the page (the event carries what console text may not).
WATCH_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} in ${e.sourceFile}`);
});
"""
CHARTS_SETTLED = """() => [...document.querySelectorAll("figure[data-chart] .vis")]
  .every((vis) => vis.hidden || vis.querySelector("svg.marks, canvas"))"""
CSP_META = "head > meta[http-equiv='Content-Security-Policy']:first-child"


def hostile_content(folder: Path) -> Path:
    """content/ with two seed reports as they are and three carrying hostile content."""
    reports, pages = folder / "content" / "reports", folder / "content" / "pages"
    reports.mkdir(parents=True)
    pages.mkdir()
    for name in ("2020-tonghua-dongchangqu.txt", "2020-dingzhou-zhengfu-bangongshi.txt"):
        (reports / name).write_bytes((SEEDS / name).read_bytes())
    # A web page: published as source.html.txt; its own markup must not run, its text must stay text.
    paragraphs = (FORMATS / "2020-dehui-zhengfu-bangongshi.html").read_bytes().split(b"</p>")
    paragraphs[4] += b"</p>" + ORIGINAL_MARKUP  # in the first section's text
    (reports / "2020-dehui.html").write_bytes(b"</p>".join(paragraphs))
    shanggao = (SEEDS / "2020-shanggao-jiguan-shiwuju.txt").read_text(encoding="utf-8")
    (reports / "2020-shanggao-jiguan-shiwuju.txt").write_text(FRONT_MATTER + shanggao, encoding="utf-8")
    lines = (SEEDS / "2020-shuangyang-qijiazhen.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "一、总体情况" in line) + 1
    lines.insert(at, NARRATIVE)
    (reports / "2020-shuangyang-qijiazhen.txt").write_text("".join(lines), encoding="utf-8")
    (pages / "notice.md").write_text(PAGE, encoding="utf-8")
    (pages / "about.md").write_bytes((ROOT / "content" / "pages" / "about.md").read_bytes())
    return folder / "content"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile content built as the build builds it, written out."""
    from generator.pipeline import build_site, read_sources

    folder = tmp_path_factory.mktemp("hostile")
    sources, unreadable = read_sources(hostile_content(folder))
    assert not unreadable
    out = folder / "site"
    for path, data in build_site(sources, vega_cache=CACHE).files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    # A report page with a script written straight into it, as if escaping had failed: only the
    # policy stands between it and the reader.
    report = next(p for p in sorted(out.glob("reports/*/index.html")))
    (report.parent / "injected.html").write_bytes(
        report.read_bytes().replace(b"<main", INJECTED + b"<main", 1)
    )
    return out


def serve(server: http.server.ThreadingHTTPServer) -> Iterator[str]:
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def pages_url(site: Path) -> Iterator[str]:
    """The site as GitHub Pages serves it: files only, no Content-Security-Policy header."""
    yield from serve(
        http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site))
        )
    )


@pytest.fixture(scope="module")
def preview_url(site: Path) -> Iterator[str]:
    """The site as `build.py serve` serves it."""
    yield from serve(make_server(site, 0))


@dataclass
class Watched:
    """One browser context, with everything that must never happen recorded."""

    context: Any
    page: Any = None
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return self.dialogs + self.errors + self.violations + self.outside

    def clear(self) -> None:
        for found in (self.dialogs, self.errors, self.violations, self.outside):
            found.clear()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = browser_path()
    if executable is None:
        pytest.skip("no Chromium or Chrome found (set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def watched(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    seen = Watched(context)

    def route(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            seen.outside.append(f"request to another host: {route.request.url}")
            route.abort()

    def console(message: Any) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            seen.errors.append(f"console {message.type}: {message.text}")

    def dialog(opened: Any) -> None:
        seen.dialogs.append(f"dialog: {opened.message}")
        opened.dismiss()

    context.route("**/*", route)
    context.expose_binding("__cspViolation", lambda source, text: seen.violations.append(f"CSP: {text}"))
    context.add_init_script(WATCH_VIOLATIONS)
    seen.page = page = context.new_page()
    page.on("console", console)
    page.on("pageerror", lambda error: seen.errors.append(f"page error: {error}"))
    page.on("dialog", dialog)
    yield seen
    context.close()


def open_page(seen: Watched, url: str) -> Any:
    page = seen.page
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, url
    if page.query_selector("figure[data-chart]"):
        page.wait_for_function(CHARTS_SETTLED, timeout=10_000)
    page.wait_for_timeout(50)  # a violation event is reported asynchronously
    return page


def html_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "injected.html")


def originals(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.glob("reports/*/source.*"))


def test_the_hostile_site_is_what_this_test_needs(site: Path) -> None:
    copies = originals(site)
    assert any(p.endswith("/source.html.txt") for p in copies) and not any(
        p.endswith(".html") for p in copies
    )
    html_copy = next(p for p in copies if p.endswith("/source.html.txt"))
    assert b"<script>alert('script in original')</script>" in (site / html_copy).read_bytes()
    assert "notice/index.html" in html_pages(site)
    shown = b"".join((site / p).read_bytes() for p in html_pages(site))
    for where in ("original text", "title", "agency", "narrative", "page", "source_url"):
        assert f"in {where}".encode() in shown or f"javascript: {where}".encode() in shown, where
    assert 20 <= len(html_pages(site)) <= 80  # every page is opened: keep the corpus small


def test_no_page_and_no_original_runs_anything_contributed(
    watched: Watched, pages_url: str, site: Path
) -> None:
    """Every page and every original, served with no header: no dialog, error or CSP violation; the
    policy <meta> is the first thing in every page's <head>; nothing contributed became markup."""
    policy, problems = content_security_policy(), []
    for path in html_pages(site) + originals(site):
        page = open_page(watched, pages_url + path)
        if path.endswith(".html"):
            meta = page.query_selector(CSP_META)
            expected = content_security_policy(base=True) if path == "404.html" else policy  # its <base>
            if meta is None or meta.get_attribute("content") != expected:
                problems.append(f"{path}: the policy is not the first element of <head>")
            active = page.evaluate(
                """() => [...document.querySelectorAll("*")].flatMap((e) => [...e.attributes]
                  .filter((a) => /^on/i.test(a.name) || /^\\s*javascript:/i.test(a.value))
                  .map((a) => `<${e.localName} ${a.name}="${a.value}">`))
                  .concat([...document.querySelectorAll("script:not([src]):not([type='application/json'])")]
                  .map((s) => `<script>${s.textContent}`))"""
            )
            problems.extend(f"{path}: contributed markup is live: {a}" for a in active)
        else:
            assert page.evaluate("document.contentType") == "text/plain", path
        problems.extend(f"{path}: {p}" for p in watched.problems())
        watched.clear()
    assert problems == []


def test_a_script_that_escapes_into_a_page_is_blocked_by_the_policy(
    watched: Watched, pages_url: str, site: Path
) -> None:
    """Were escaping ever to fail, the policy alone stops the script: blocked and reported, never run."""
    (injected,) = [p.relative_to(site).as_posix() for p in site.glob("reports/*/injected.html")]
    page = open_page(watched, pages_url + injected)
    assert watched.dialogs == []
    blocked = " ".join(watched.violations)
    assert "script-src-elem blocked inline" in blocked and "script-src-attr blocked inline" in blocked
    assert "style-src-elem blocked inline" in blocked and page.locator("main").is_visible()


def test_charts_draw_under_the_policy(watched: Watched, pages_url: str, site: Path) -> None:
    report = next(
        p for p in html_pages(site) if p.startswith("reports/") and b"data-chart" in (site / p).read_bytes()
    )
    for path in ("index.html", report):
        page = open_page(watched, pages_url + path)
        figures = page.query_selector_all("figure[data-chart]")
        assert figures, path
        for figure in figures:  # each drawn at build time, and by Vega when asked for
            assert figure.query_selector(".bar i, svg.trend-svg") is not None, path
            figure.query_selector(".fig-tools button:has-text('交互图表')").click()
            assert figure.wait_for_selector(".vis svg.marks, .vis canvas", timeout=10_000), path
    # The tooltip and the export menu are styled by static/vega.css, not by a <style> Vega would add.
    page.hover("figure[data-chart] .vis svg.marks text[role='graphics-symbol']")
    tooltip = page.wait_for_selector("#vg-tooltip-element.visible")
    assert tooltip.evaluate("e => getComputedStyle(e).position") == "fixed"
    menu = page.locator("figure[data-chart] .vis details").first
    assert not menu.locator(".vega-actions").is_visible()
    menu.locator("summary").click()
    assert menu.locator(".vega-actions").is_visible()
    assert page.query_selector("style") is None
    assert watched.problems() == []


def test_the_preview_server_sends_the_policy_nosniff_and_utf8_text(
    watched: Watched, preview_url: str, site: Path
) -> None:
    html_copy = next(p for p in originals(site) if p.endswith("/source.html.txt"))
    report = html_copy.rsplit("/", 1)[0] + "/"
    for path, policy in (("", content_security_policy()), ("404.html", content_security_policy(base=True))):
        with urllib.request.urlopen(preview_url + path, timeout=5) as response:
            assert response.headers["Content-Security-Policy"] == policy
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    with urllib.request.urlopen(preview_url + html_copy, timeout=5) as response:
        assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(preview_url + "no-such-page/", timeout=5)
    assert missing.value.headers["X-Content-Type-Options"] == "nosniff"
    # Header and <meta> together: the pages still work, the original is still text.
    for path in ("", report, "404.html", html_copy):
        open_page(watched, preview_url + path)
    assert watched.problems() == []
