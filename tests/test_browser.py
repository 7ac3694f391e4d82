"""The site in a real browser: headless Chromium (Debian's package, or Chrome on CI), driven by Playwright.

Checks what only a browser shows: no console errors, no request leaving 127.0.0.1, charts drawn, the
agency filter, no sideways scrolling at phone width, axe-core accessibility (the copy shipped inside
axe-playwright-python, injected into the page: nothing is fetched). Screenshots of the home, an agency
and a report page at phone and desktop widths go to tests/screenshots/ for a person to look at.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.site_html import SCRIPT, BuiltSite, built_site, hostile_site, seed_site

pytestmark = pytest.mark.browser

BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BROWSER_PATHS = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
)
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PHONE, DESKTOP = 375, 1280

REPORT = "reports/shuang-yang-qu-qi-jia-zhen-ren-min-zheng-fu-2020/"
AGENCY = "agencies/de-hui-shi-ren-min-zheng-fu-ban-gong-shi/"
SEED_REPORT = "seeds/reports/tong-hua-shi-dong-chang-qu-ren-min-zheng-fu-2020/"
PAGES = (
    "",
    "agencies/",
    "regions/220000/",
    AGENCY,
    REPORT,
    "reports/shang-gao-xian-ji-guan-shi-wu-ju-2021/",
    "reports/e-yi-ju-2020/",
    "data/",
    "quality/",
    "compare/",
    "compare/220100-2020/",
    "about/",
    "methodology/",
    "404.html",
    "seeds/",
    SEED_REPORT,
    "seeds/reports/shang-gao-xian-ji-guan-shi-wu-ju-2020/",
    "seeds/data/",
    # the English edition
    "en/",
    "en/agencies/",
    "en/regions/220000/",
    "en/" + AGENCY,
    "en/" + REPORT,
    "en/data/",
    "en/methodology/",
)


def browser_path() -> str | None:
    for variable in ("CHROMIUM_PATH", "CHROME_PATH"):
        if os.environ.get(variable):
            return os.environ[variable]
    return next((p for p in BROWSER_PATHS if Path(p).exists()), shutil.which("chromium"))


def write_site(site: BuiltSite, folder: Path) -> None:
    for path, data in site.files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The test site (factory corpus) at /, the seed reports' site at /seeds/, on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("site")
    write_site(built_site(), folder)
    write_site(seed_site(), folder / "seeds")
    write_site(hostile_site(), folder / "hostile")
    with served(folder) as url:
        yield url


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """The folder served on 127.0.0.1 (a free port) while the block runs: its address."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = browser_path()
    if executable is None:
        message = "no Chromium or Chrome found (set CHROMIUM_PATH)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must prove the browser tests ran
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        yield instance
        instance.close()


class Visit:
    """A page with everything the tests watch: console errors, page errors, requests to other hosts."""

    def __init__(self, browser, width: int = DESKTOP, javascript: bool = True) -> None:  # type: ignore[no-untyped-def]
        self.context = browser.new_context(
            viewport={"width": width, "height": 800}, java_script_enabled=javascript
        )
        self.javascript = javascript
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.scripts: list[str] = []  # every script fetched, in order (reset by open)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.scripts.append(r.url) if r.resource_type == "script" else None)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route) -> None:  # type: ignore[no-untyped-def]
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, url: str) -> object:
        self.scripts = []
        self.page.goto(url, wait_until="load")
        return self.page

    def interactive(self, figure: str) -> object:
        """Ask for a figure's interactive chart (Vega, loaded then) and wait until it is drawn."""
        self.page.click(f"{figure} .fig-tools button:nth-child(2)")  # the interactive chart's
        self.page.wait_for_selector(f"{figure} .vis svg", timeout=10_000)
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser) -> Iterator[Visit]:  # type: ignore[no-untyped-def]
    opened = Visit(browser)
    yield opened
    opened.close()


def test_a_script_in_a_contributed_web_page_never_runs_on_the_site(visit: Visit, base_url: str) -> None:
    """The original of an HTML report is published as text (source.html.txt), its bytes unchanged."""
    (copy,) = [p for p in hostile_site().files if p.startswith("reports/") and "/source." in p]
    assert copy.endswith("/source.html.txt") and SCRIPT in hostile_site().files[copy]
    page = visit.open(base_url + "hostile/" + copy.rsplit("/", 1)[0] + "/")
    with page.expect_navigation():
        page.click("section#source a[href$='/source.html.txt']")
    assert page.evaluate("window.__ran") is None and page.title() != "ran"
    assert "window.__ran" in page.inner_text("body")  # shown as text


def test_pages_load_without_console_errors_or_requests_to_other_hosts(visit: Visit, base_url: str) -> None:
    for path in PAGES:
        visit.open(base_url + path)
    assert visit.errors == []
    assert visit.outside == []


def test_charts_are_drawn_in_the_page_and_vega_loads_only_on_demand(visit: Visit, base_url: str) -> None:
    page = visit.open(base_url + "reports/shang-gao-xian-ji-guan-shi-wu-ju-2021/")
    figures = page.query_selector_all("figure[data-chart]")
    # fig-results has nothing to draw (予以公开 blank, the rest 0): it keeps only its table.
    assert [f.get_attribute("id") for f in figures] == ["fig-applicants", "fig-review"]
    assert page.locator("#fig-results table").is_visible() and not page.query_selector("#fig-results .bar")
    # Drawn without Vega: a bar in each count's cell, as long as its share of the largest count.
    assert [s.rsplit("/", 1)[1] for s in visit.scripts] == ["figures.js"]
    bars = page.eval_on_selector_all(
        "#fig-applicants tbody tr",
        "rows => rows.map(r => [r.querySelector('td').innerText, "
        "r.querySelector('.bar i') ? r.querySelector('.bar i').getBoundingClientRect().width : null])",
    )
    widest = max(width for _, width in bars if width is not None)
    assert widest > 100
    for shown, width in bars:
        if shown in ("—", ""):
            assert width is None
        elif int(shown.replace(",", "")) == 0:
            assert width == 0
        else:
            assert width > 0
    assert all(not f.query_selector(".vis").is_visible() for f in figures)
    # On demand: the interactive chart, with zh-CN numbers and an export menu.
    visit.interactive("#fig-applicants")
    assert page.locator("#fig-applicants .vis").is_visible()
    assert [s.rsplit("/", 1)[1] for s in visit.scripts] == ["figures.js", "vega.js", "charts.js"]
    labels = page.eval_on_selector("#fig-applicants .vis svg", "svg => svg.textContent")
    assert "123,456" in labels and "e+" not in labels
    menu = page.eval_on_selector_all(
        "#fig-applicants .vega-actions a", "links => links.map(a => a.textContent)"
    )
    assert menu == ["保存为 SVG 图片", "保存为 PNG 图片"]  # export only
    assert not page.query_selector("#fig-applicants table.bars")  # the bars give way to the chart
    visit.interactive("#fig-review")  # the runtime is loaded once
    assert [s.rsplit("/", 1)[1] for s in visit.scripts] == ["figures.js", "vega.js", "charts.js"]
    assert visit.errors == []


def test_agency_trend_chart_is_drawn_as_svg_with_its_legend(visit: Visit, base_url: str) -> None:
    page = visit.open(base_url + AGENCY)
    drawn = page.locator("figure[data-chart='trend'] .drawn")
    assert drawn.locator("svg.trend-svg").is_visible()
    assert drawn.locator(".legend li").all_inner_texts() == ["本年新收申请", "本年办理总计", "予以公开"]
    years = page.eval_on_selector_all(
        "figure[data-chart='trend'] svg.trend-svg text", "ts => ts.map(t => t.textContent)"
    )
    assert years[-2:] == ["2019", "2020"]  # the x axis: its two years
    visit.interactive("figure[data-chart='trend']")
    assert not drawn.is_visible()
    assert visit.errors == []


def test_a_chart_exports_its_data_as_a_named_csv(visit: Visit, base_url: str) -> None:
    page = visit.open(base_url + "reports/shang-gao-xian-ji-guan-shi-wu-ju-2021/")
    with page.expect_download() as info:
        page.click("#fig-applicants .fig-tools button:has-text('CSV')")
    download = info.value
    assert download.suggested_filename == "shang-gao-xian-ji-guan-shi-wu-ju-2021-fig-applicants.csv"
    data = Path(download.path()).read_bytes()
    assert data.startswith("\ufeff".encode())  # Excel reads the UTF-8
    lines = data.decode("utf-8-sig").splitlines()
    rows = page.eval_on_selector_all(
        "#fig-applicants tbody tr",
        "rows => rows.map(r => [r.querySelector('th').innerText, "
        "r.querySelector('td').innerText.replace(/,/g, '')])",
    )
    assert lines[0] == "项目(label),件数(value)"
    assert lines[1:] == [f"{label},{value}" for label, value in rows if value not in ("—", "")]


def test_no_page_loads_more_than_100_kb_of_script_up_front(visit: Visit, base_url: str) -> None:
    for path in PAGES:
        visit.open(base_url + path)
        sizes = {url: len(visit.page.request.get(url).body()) for url in visit.scripts}
        assert sum(sizes.values()) <= 100_000, (path, sizes)


def test_the_agency_filter_matches_any_part_of_a_name(visit: Visit, base_url: str) -> None:
    """A province's page of agencies filters them by any part of a name (all agencies: search)."""
    page = visit.open(base_url + "agencies/")
    assert page.locator("tbody a").all_inner_texts() == ["吉林省", "江西省", "地区不详"]
    page = visit.open(base_url + "regions/220000/")
    box = page.locator("#agency-filter")
    assert box.is_visible()
    visible = "() => [...document.querySelectorAll('li[data-name]')].filter(li => !li.hidden).length"
    total = page.evaluate(visible)
    assert total == 2
    box.fill("齐家")
    assert page.evaluate(visible) == 1
    assert page.locator("li[data-name]:not([hidden]) a").first.inner_text() == "双阳区齐家镇人民政府"
    assert page.locator("#filter-status").inner_text() == "找到 1 个机关"
    box.fill("教育局")
    assert page.evaluate(visible) == 0
    box.fill("")
    assert page.evaluate(visible) == total


def test_no_sideways_scrolling_at_phone_width(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    phone = Visit(browser, PHONE)
    try:
        for path in PAGES:
            page = phone.open(base_url + path)
            widths = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert widths[0] <= widths[1], (path, widths)
    finally:
        phone.close()


def test_no_table_beside_a_chart_is_cut_on_a_desktop(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """At 1280 px a figure's table keeps its columns (the review table was cut beside its chart)."""
    desktop = Visit(browser, DESKTOP)
    try:
        for path in (REPORT, SEED_REPORT, "seeds/reports/shang-gao-xian-ji-guan-shi-wu-ju-2020/", AGENCY):
            page = desktop.open(base_url + path)
            page.wait_for_timeout(300)  # the charts take their room
            cut = page.evaluate(
                "[...document.querySelectorAll('.fig-table')].filter(e => e.scrollWidth > e.clientWidth + 1)"
                ".map(e => e.closest('figure').id)"
            )
            assert cut == [], (path, cut)
    finally:
        desktop.close()


def test_without_javascript_figures_fall_back_to_their_tables(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    plain = Visit(browser, javascript=False)
    try:
        page = plain.open(base_url + REPORT)
        assert page.locator("#fig-results table").is_visible()
        assert not page.locator("#fig-results .vis").is_visible()
        assert page.locator("#fig-results .bar").first.is_visible()  # drawn at build time
        assert page.locator(".fig-tools").count() == 0  # no button that cannot work
        page = plain.open(base_url + "regions/220000/")
        assert not page.locator("#agency-filter").is_visible()  # useless without its script
        assert page.locator("li[data-name]").count() == 2
    finally:
        plain.close()


def test_axe_finds_no_serious_or_critical_violation(visit: Visit, base_url: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = []
    for path in (
        "",
        "agencies/",
        AGENCY,
        REPORT,
        "data/",
        "quality/",
        "compare/220100-2020/",
        "about/",
        SEED_REPORT,
        "en/",
        "en/" + REPORT,
        "en/data/",
    ):
        results = axe.run(visit.open(base_url + path))
        for violation in results.response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:3]
                problems.append(f"{path}: {violation['id']} ({violation['impact']}) {targets}")
    assert problems == []
    assert visit.outside == []  # axe is injected from the package, not fetched


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_screenshots_of_home_agency_and_report(browser, base_url: str, width: int) -> None:  # type: ignore[no-untyped-def]
    SCREENSHOTS.mkdir(exist_ok=True)
    shots = Visit(browser, width)
    try:
        for name, path in (
            ("home", ""),
            ("agency", AGENCY),
            ("report", REPORT),
            ("seed-report", SEED_REPORT),
        ):
            shots.open(base_url + path).screenshot(
                path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True
            )
            assert (SCREENSHOTS / f"{name}-{width}.png").stat().st_size > 10_000
    finally:
        shots.close()


def test_an_english_page_draws_its_interactive_chart_in_english(visit: Visit, base_url: str) -> None:
    page = visit.open(base_url + "en/reports/shang-gao-xian-ji-guan-shi-wu-ju-2021/")
    buttons = page.eval_on_selector_all(
        "#fig-applicants .fig-tools button", "bs => bs.map(b => b.textContent)"
    )
    assert buttons == ["Chart data (CSV)", "Interactive chart"]
    visit.interactive("#fig-applicants")
    assert [s.rsplit("/", 1)[1] for s in visit.scripts] == ["figures.js", "vega.js", "charts.en.js"]
    labels = page.eval_on_selector("#fig-applicants .vis svg", "svg => svg.textContent")
    assert "Cases" in labels and "件数" not in labels
    assert visit.errors == []
