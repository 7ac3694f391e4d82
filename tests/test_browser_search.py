"""Site search in a real browser (headless Chromium, driven as tests/test_browser.py does), over the
agencies of tests/test_search.py: names as people type them (region left out, abbreviations,
traditional characters, pinyin and its initials, two words, a year), the query kept in the address,
no console error or CSP violation, nothing fetched from another host, no sideways scroll at 375 px.
Screenshots of the results at 375 and 1280 px go to tests/screenshots/ for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest

from tests.test_browser import DESKTOP, PHONE, SCREENSHOTS, Visit, browser, served  # noqa: F401
from tests.test_search import search_site

pytestmark = pytest.mark.browser

WATCH_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"} in ${e.sourceFile}`);
});
"""
RESULTS = "() => [...document.querySelectorAll('#search-results .search-list li > a:first-child')].map(a => a.textContent)"
GROUPS = "() => [...document.querySelectorAll('#search-results .search-group h2')].map(h => h.textContent)"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("search-site")
    for path, data in search_site().items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    with served(folder) as url:
        yield url


class Watched(Visit):
    """A Visit that also records every Content Security Policy violation."""

    def __init__(self, chromium, width: int = DESKTOP, javascript: bool = True) -> None:  # type: ignore[no-untyped-def]
        super().__init__(chromium, width, javascript)
        self.violations: list[str] = []
        self.context.expose_binding("__cspViolation", lambda source, text: self.violations.append(text))
        self.context.add_init_script(WATCH_VIOLATIONS)

    def search(self, url: str) -> object:
        page = self.open(url)
        page.wait_for_selector("#search-form[data-ready]")  # type: ignore[attr-defined]
        return page

    def clean(self) -> bool:
        return not (self.errors or self.outside or self.violations)


@pytest.fixture
def visit(browser) -> Iterator[Watched]:  # type: ignore[no-untyped-def]  # noqa: F811
    opened = Watched(browser)
    yield opened
    assert opened.clean(), (opened.errors, opened.outside, opened.violations)
    opened.close()


def results_for(visit: Watched, base_url: str, query: str) -> list[str]:
    page = visit.search(base_url + "search/?q=" + quote(query))
    return page.evaluate(RESULTS)  # type: ignore[attr-defined, no-any-return]


def test_a_name_without_its_region_suffix(visit: Watched, base_url: str) -> None:
    found = results_for(visit, base_url, "成都教育局")
    assert found[0] == "成都市教育局"
    assert "武侯区教育局" in found  # a district of 成都, after the city's own
    assert "绵阳市教育局" not in found
    found = results_for(visit, base_url, "教育局")
    assert sorted(found) == ["成都市教育局", "武侯区教育局", "绵阳市教育局"]
    assert results_for(visit, base_url, "成都市武侯区教育局") == ["武侯区教育局"]


def test_abbreviations(visit: Watched, base_url: str) -> None:
    assert results_for(visit, base_url, "卫健委") == ["成都市卫生健康委员会"]
    assert results_for(visit, base_url, "成都卫健委") == ["成都市卫生健康委员会"]
    assert results_for(visit, base_url, "发改委") == ["四川省发展和改革委员会"]
    assert results_for(visit, base_url, "人社局") == ["成都市人力资源和社会保障局"]
    assert results_for(visit, base_url, "绵阳住建局") == ["绵阳市住房和城乡建设局"]
    assert results_for(visit, base_url, "广西市监局") == ["广西壮族自治区市场监督管理局"]
    assert results_for(visit, base_url, "德惠政府办") == ["德惠市人民政府办公室"]


def test_traditional_characters(visit: Watched, base_url: str) -> None:
    assert results_for(visit, base_url, "成都市衛生健康委員會") == ["成都市卫生健康委员会"]
    assert results_for(visit, base_url, "綿陽 教育局") == ["绵阳市教育局"]


def test_pinyin_and_its_initials(visit: Watched, base_url: str) -> None:
    assert results_for(visit, base_url, "chengdushijiaoyuju")[0] == "成都市教育局"
    assert results_for(visit, base_url, "ChengDu JiaoYuJu")[0] == "成都市教育局"
    assert results_for(visit, base_url, "chengdujiaoyuju")[0] == "成都市教育局"
    assert results_for(visit, base_url, "cdsjyj")[0] == "成都市教育局"
    assert results_for(visit, base_url, "cdjyj")[0] == "成都市教育局"
    assert sorted(results_for(visit, base_url, "jiaoyuju")) == [
        "成都市教育局",
        "武侯区教育局",
        "绵阳市教育局",
    ]
    assert results_for(visit, base_url, "weijianwei") == ["成都市卫生健康委员会"]


def test_several_words_all_match_in_any_order(visit: Watched, base_url: str) -> None:
    assert results_for(visit, base_url, "教育局 武侯") == ["武侯区教育局"]
    assert results_for(visit, base_url, "武侯 教育局") == ["武侯区教育局"]
    assert sorted(results_for(visit, base_url, "四川 教育局")) == [
        "成都市教育局",
        "武侯区教育局",
        "绵阳市教育局",
    ]
    assert results_for(visit, base_url, "成都 住建局") == []


def test_a_year_keeps_agencies_with_its_report_and_links_it(visit: Watched, base_url: str) -> None:
    assert sorted(results_for(visit, base_url, "教育局 2021")) == ["成都市教育局", "武侯区教育局"]
    page = visit.search(base_url + "search/?q=" + quote("成都教育局 2020年"))
    assert page.evaluate(RESULTS) == ["成都市教育局"]  # type: ignore[attr-defined]
    links = page.eval_on_selector_all(  # type: ignore[attr-defined]
        "#search-results li .yrs a", "links => links.map(a => [a.textContent, a.getAttribute('href')])"
    )
    assert links == [["2020年报告", "../reports/cheng-du-shi-jiao-yu-ju-2020/"]]
    with page.expect_navigation():  # type: ignore[attr-defined]
        page.click("#search-results li .yrs a")  # type: ignore[attr-defined]
    assert page.url.endswith("/reports/cheng-du-shi-jiao-yu-ju-2020/")  # type: ignore[attr-defined]
    assert "成都市教育局" in page.title()  # type: ignore[attr-defined]


def test_results_are_grouped_by_region_and_link_the_agency(visit: Watched, base_url: str) -> None:
    page = visit.search(base_url + "search/?q=" + quote("局"))
    # equally good matches: in the order of the agencies list (by region code)
    assert page.evaluate(GROUPS) == ["广西壮族自治区", "四川省"]  # type: ignore[attr-defined]
    href = page.get_attribute("#search-results li > a >> text=成都市教育局", "href")  # type: ignore[attr-defined]
    assert href == "../agencies/cheng-du-shi-jiao-yu-ju/"
    assert page.inner_text("#search-status") == "找到 6 个机关"  # type: ignore[attr-defined]
    page = visit.search(base_url + "search/?q=" + quote("成都市教育局"))
    assert page.evaluate(GROUPS) == ["四川省"]  # type: ignore[attr-defined]
    where = page.inner_text("#search-results li .where")  # type: ignore[attr-defined]
    assert where == "四川省成都市 · 市级部门"


def test_typing_keeps_the_query_in_the_address_and_a_reload_shows_the_same(
    visit: Watched, base_url: str
) -> None:
    page = visit.search(base_url + "search/")
    assert page.evaluate(RESULTS) == []  # type: ignore[attr-defined]
    page.fill("#search-q", "卫健委")  # type: ignore[attr-defined]
    page.wait_for_function("() => location.search.length > 1")  # type: ignore[attr-defined]
    assert page.evaluate("() => new URLSearchParams(location.search).get('q')") == "卫健委"  # type: ignore[attr-defined]
    shown = page.evaluate(RESULTS)  # type: ignore[attr-defined]
    assert shown == ["成都市卫生健康委员会"]
    page.reload()  # type: ignore[attr-defined]
    page.wait_for_selector("#search-form[data-ready]")  # type: ignore[attr-defined]
    assert page.input_value("#search-q") == "卫健委"  # type: ignore[attr-defined]
    assert page.evaluate(RESULTS) == shown  # type: ignore[attr-defined]
    page.fill("#search-q", "")  # type: ignore[attr-defined]
    page.wait_for_function("() => location.search === ''")  # type: ignore[attr-defined]
    assert page.evaluate(RESULTS) == []  # type: ignore[attr-defined]


def test_the_header_box_submits_to_the_search_page(visit: Watched, base_url: str) -> None:
    page = visit.open(base_url + "agencies/cheng-du-shi-jiao-yu-ju/")
    page.fill("#site-q", "发改委")  # type: ignore[attr-defined]
    with page.expect_navigation():  # type: ignore[attr-defined]
        page.press("#site-q", "Enter")  # type: ignore[attr-defined]
    page.wait_for_selector("#search-form[data-ready]")  # type: ignore[attr-defined]
    assert page.evaluate(RESULTS) == ["四川省发展和改革委员会"]  # type: ignore[attr-defined]


def test_without_javascript_the_page_says_so(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    plain = Watched(browser, javascript=False)
    try:
        page = plain.open(base_url + "search/?q=" + quote("教育局"))
        notice = page.locator(".js-needed")  # type: ignore[attr-defined]
        assert notice.is_visible() and "JavaScript" in notice.inner_text()
        assert notice.locator("a").get_attribute("href") == "../agencies/"
    finally:
        plain.close()


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_results_fit_the_screen_and_are_screenshot(browser, base_url: str, width: int) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    SCREENSHOTS.mkdir(exist_ok=True)
    shots = Watched(browser, width)
    try:
        for path in ("search/?q=" + quote("教育局"), "agencies/"):
            page = shots.search(base_url + path) if path.startswith("search") else shots.open(base_url + path)
            widths = page.evaluate(  # type: ignore[attr-defined]
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            assert widths[0] <= widths[1], (path, widths)
        page = shots.search(base_url + "search/?q=" + quote("教育局"))
        page.screenshot(path=str(SCREENSHOTS / f"search-{width}.png"), full_page=True)  # type: ignore[attr-defined]
        assert shots.clean(), (shots.errors, shots.outside, shots.violations)
    finally:
        shots.close()


def test_the_english_search_page_finds_agencies_by_english_words_and_links_english_pages(
    visit: Watched, base_url: str
) -> None:
    page = visit.search(base_url + "en/search/?q=" + quote("chengdu education"))
    names = page.evaluate(RESULTS)  # type: ignore[attr-defined]
    assert names and names[0].startswith("Chengdu City Education Bureau")
    assert "成都市教育局" in names[0]  # the official name beside it
    href = page.get_attribute("#search-results li > a", "href")  # type: ignore[attr-defined]
    assert href == "../../en/agencies/cheng-du-shi-jiao-yu-ju/"
    assert page.inner_text("#search-status").endswith("agencies found")  # type: ignore[attr-defined]
    assert page.evaluate(GROUPS)[0] == "Sichuan Province"  # type: ignore[attr-defined]
    chinese = visit.search(base_url + "en/search/?q=" + quote("卫健委"))  # Chinese works too
    assert chinese.evaluate(RESULTS)[0].startswith("Chengdu City Health Commission")  # type: ignore[attr-defined]
