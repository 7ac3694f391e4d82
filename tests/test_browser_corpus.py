"""The site of a 1,000-report synthetic corpus (benchmarks/synth.py, seed 1) in a real browser: finding
agencies by the names people type, building and sharing a comparison, flags that link their finding,
and pages that load little script. Queries and expected rows are derived from the built site's own
files (the search index, the comparison data), so the tests hold for any corpus the generator makes.

Building the corpus takes about ten seconds; the module builds it once."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from tests.site_html import parse, unmarked_chinese
from tests.test_browser import PHONE, browser, served  # noqa: F401
from tests.test_browser_search import RESULTS, Watched

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
REPORTS = 1000


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus-1000")
    content, out = folder / "content", folder / "site"
    python = sys.executable
    subprocess.run(
        [python, str(ROOT / "benchmarks" / "synth.py"), str(content), "-n", str(REPORTS), "--seed", "1"],
        check=True,
        capture_output=True,
    )
    build = [python, str(ROOT / "build.py"), "build", "--content", str(content), "--out", str(out)]
    subprocess.run([*build, "--no-cache"], check=True, capture_output=True, cwd=folder)
    return out


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with served(site) as url:
        yield url


@pytest.fixture
def visit(browser) -> Iterator[Watched]:  # type: ignore[no-untyped-def]  # noqa: F811
    opened = Watched(browser)
    yield opened
    assert opened.clean(), (opened.errors, opened.outside, opened.violations)
    opened.close()


def _json(site: Path, path: str) -> Any:
    return json.loads((site / path).read_text(encoding="utf-8"))


# --- search -----------------------------------------------------------------------------------------


def _sample(index: dict[str, Any], count: int = 12) -> list[list[Any]]:
    """Agencies whose id spells their name in pinyin (every one the parser named in Chinese), spread
    over the list."""
    named = [a for a in index["agencies"] if a[0].replace("-", "").isalpha() and not a[1].isascii()]
    step = max(1, len(named) // count)
    return named[::step][:count]


def _traditional(text: str, t2s: dict[str, str]) -> str:
    s2t = {simple: trad for trad, simple in t2s.items()}
    return "".join(s2t.get(ch, ch) for ch in text)


def _results(visit: Watched, base_url: str, query: str) -> list[str]:
    page = visit.search(base_url + "search/?q=" + quote(query))
    return page.evaluate(RESULTS)  # type: ignore[attr-defined, no-any-return]


def test_search_finds_agencies_by_their_name_pinyin_initials_and_traditional_characters(
    visit: Watched, base_url: str, site: Path
) -> None:
    index = _json(site, "search/index.json")
    sample = _sample(index)
    assert len(sample) >= 10
    misses = []
    for agency_id, name, *_ in sample:
        syllables = agency_id.split("-")
        queries = {
            "name": name,
            "pinyin": "".join(syllables),
            "initials": "".join(s[0] for s in syllables),
            "traditional": _traditional(name, index["t2s"]),
        }
        for kind, query in queries.items():
            found = _results(visit, base_url, query)
            # the full name and its pinyin name it first; initials may be shared by a few
            if name not in (found[:1] if kind in ("name", "pinyin", "traditional") else found[:5]):
                misses.append((kind, query, name, found[:5]))
    assert misses == []


def test_search_finds_a_name_without_its_region_and_by_its_abbreviation(
    visit: Watched, base_url: str, site: Path
) -> None:
    index = _json(site, "search/index.json")
    regions = index["regions"]
    tried = []
    for _, name, code, _, _, _, keys, *_ in index["agencies"]:
        region = regions.get(code)
        if not region or not region[2] or not name.startswith(region[0]) or not keys:
            continue
        rest = name[len(region[0]) :]
        for query in (region[2] + rest, region[2] + keys[0]):  # 藁城生态环境局, 藁城环保局
            tried.append((query, name, name in _results(visit, base_url, query)[:5]))
        if len(tried) >= 12:
            break
    assert len(tried) >= 6
    assert [t for t in tried if not t[2]] == []


def test_a_year_in_the_query_links_that_year_s_report(visit: Watched, base_url: str, site: Path) -> None:
    index = _json(site, "search/index.json")
    agency_id, name, _, _, years, *_ = next(a for a in _sample(index) if len(a[4]) > 1)
    page = visit.search(base_url + "search/?q=" + quote(f"{name} {years[-1]}"))
    assert page.evaluate(RESULTS)[0] == name  # type: ignore[attr-defined]
    links = page.eval_on_selector_all(  # type: ignore[attr-defined]
        "#search-results li:first-child .yrs a", "links => links.map(a => a.getAttribute('href'))"
    )
    assert links == [f"../reports/{agency_id}-{years[-1]}/"]


# --- the comparison builder ---------------------------------------------------------------------------

# Each cell's text without the ※ link that may follow its number.
CELLS = """() => [...document.querySelectorAll('#b-out tbody tr')].map(tr => [...tr.children].map(
  c => c.firstChild ? c.firstChild.textContent.trim() : ''))"""


def _biggest_province(site: Path) -> dict[str, Any]:
    files = sorted((site / "compare" / "data").glob("*.json"), key=lambda p: p.stat().st_size)
    return _json(site, files[-1].relative_to(site).as_posix())


def _measure_index(site: Path, measure: str) -> int:
    config = json.loads(
        (site / "compare" / "index.html")
        .read_text(encoding="utf-8")
        .split('<script type="application/json" id="builder-config">', 1)[1]
        .split("</script>", 1)[0]
    )
    return [m[0] for m in config["measures"]].index(measure)


def _shown(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _expected(data: dict[str, Any], level: str, years: set[int], index: int) -> list[list[str]]:
    """The rows the builder should show, sorted by the measure, largest first, blanks last."""
    rows = [
        (r[3][index], r[0], r[1], data["agencies"][r[0]][1])
        for r in data["reports"]
        if data["agencies"][r[0]][3] == level and r[1] in years
    ]
    rows.sort(key=lambda r: (r[0] is None, -(r[0] or 0), r[1], r[2]))
    return [[name, str(year), _shown(value)] for value, _, year, name in rows]


def _builder(visit: Watched, url: str) -> Any:
    page = visit.open(url)
    page.wait_for_selector("#b-out tbody tr, #b-out p")  # type: ignore[attr-defined]
    return page


def test_the_builder_shows_a_region_level_and_years_sorted_as_the_address_says(
    visit: Watched, base_url: str, site: Path
) -> None:
    data = _biggest_province(site)
    years = sorted({r[1] for r in data["reports"]})[-2:]
    index = _measure_index(site, "new_received")
    query = f"compare/?p={data['code']}&l=county&y={years[0]},{years[1]}&m=new_received&s=-new_received"
    page = _builder(visit, base_url + query)
    expected = _expected(data, "county", set(years), index)
    assert len(expected) >= 10
    shown = page.evaluate(CELLS)
    assert [row[2] for row in shown] == [row[2] for row in expected]
    assert sorted(map(tuple, (r[:2] for r in shown))) == sorted(map(tuple, (r[:2] for r in expected)))
    assert page.get_attribute("thead th:nth-child(3)", "aria-sort") == "descending"
    # Sorting by a header: ascending, blanks last.
    page.click("thead th:nth-child(3) button")
    values = [row[2] for row in page.evaluate(CELLS)]
    numbers = [int(v.replace(",", "")) for v in values if v != "—"]
    assert numbers == sorted(numbers) and values[len(numbers) :] == ["—"] * (len(values) - len(numbers))
    assert "s=new_received" in page.url


def test_a_built_comparison_is_shared_by_its_address(visit: Watched, base_url: str, site: Path) -> None:
    data = _biggest_province(site)
    page = _builder(visit, base_url + f"compare/?p={data['code']}")
    page.select_option("select[name=l]", "county")
    page.check("input[name=m][value=reconsideration]")
    page.uncheck("input[name=m][value=disclosed]")
    report = next(r for r in data["reports"] if data["agencies"][r[0]][3] == "county")
    year = str(report[1])
    page.check(f"input[name=y][value='{year}']")
    page.fill("#b-f", data["agencies"][report[0]][1][:3])  # a county agency: the level chosen
    page.check("#b-agencies input >> nth=0")
    page.wait_for_function("() => location.search.includes('a=')")
    address, shown = page.url, page.evaluate(CELLS)
    assert f"y={year}" in address and "reconsideration" in address and "disclosed," not in address
    heads = page.eval_on_selector_all("#b-out thead th", "ths => ths.map(th => th.innerText)")
    assert "行政复议" in " ".join(heads) and "予以公开" not in heads
    other = Watched(visit.context.browser)  # a reader who opens the shared address
    try:
        again = _builder(other, address)
        assert again.evaluate(CELLS) == shown
        assert again.input_value("select[name=l]") == "county"
        assert again.is_checked(f"input[name=y][value='{year}']")
        assert other.clean()
    finally:
        other.close()


def test_the_builder_downloads_its_view_as_csv_and_json(visit: Watched, base_url: str, site: Path) -> None:
    data = _biggest_province(site)
    page = _builder(visit, base_url + f"compare/?p={data['code']}&l=county&m=new_received,share_disclosed")
    shown = page.evaluate(CELLS)
    with page.expect_download() as info:
        page.click("#b-out button:has-text('CSV')")
    csv = Path(info.value.path()).read_bytes()
    assert csv.startswith("\ufeff".encode()) and info.value.suggested_filename.endswith(".csv")
    lines = csv.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("机关ID(agency_id),机关(agency),城市(city),年度(year),报告ID(report_id)")
    assert len(lines) == len(shown) + 1
    with page.expect_download() as info:
        page.click("#b-out button:has-text('JSON')")
    body = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert [m["id"] for m in body["measures"]] == ["new_received", "share_disclosed"]
    assert "method" in body["measures"][1] and len(body["rows"]) == len(shown)
    first = body["rows"][0]
    assert [first["agency"], str(first["year"])] == shown[0][:2]


def test_a_flagged_number_links_its_finding(visit: Watched, base_url: str, site: Path) -> None:
    data = _biggest_province(site)
    measures = json.loads(
        (site / "compare" / "index.html")
        .read_text(encoding="utf-8")
        .split('id="builder-config">', 1)[1]
        .split("</script>", 1)[0]
    )["measures"]
    report = next(r for r in data["reports"] if r[4])
    measure, number = measures[report[4][0][0]][0], report[4][0][1]
    agency = data["agencies"][report[0]][0]
    page = _builder(visit, base_url + f"compare/?p={data['code']}&a={agency}&y={report[1]}&m={measure}")
    flag = page.locator("#b-out tbody a.flag").first
    href = flag.get_attribute("href")
    assert href is not None and urlsplit(href).path.endswith(f"/reports/{report[2]}/")
    assert urlsplit(href).fragment == f"f{number}"
    flag.click()
    page.wait_for_url(f"**/reports/{report[2]}/#f{number}")
    assert page.locator(f"#f{number}").is_visible()


def test_agencies_side_by_side_across_years_show_a_trend_and_sort_by_a_year(
    visit: Watched, base_url: str, site: Path
) -> None:
    data = _biggest_province(site)
    index = _measure_index(site, "new_received")
    years = sorted({r[1] for r in data["reports"]})
    last = years[-1]
    page = _builder(visit, base_url + f"compare/?p={data['code']}&l=county&m=new_received&v=years")
    assert page.is_checked("input[name=v][value=years]")
    heads = page.eval_on_selector_all("#b-out thead tr:nth-child(2) th", "ths => ths.map(t => t.innerText)")
    assert heads == [str(y) for y in years]
    expected: dict[str, dict[int, int | None]] = {}
    for r in data["reports"]:
        agency = data["agencies"][r[0]]
        if agency[3] == "county":
            expected.setdefault(agency[1], {})[r[1]] = r[3][index]
    shown = {row[0]: row[1:] for row in page.evaluate(CELLS)}
    assert set(shown) == set(expected)
    for name, cells in shown.items():
        want = ["" if y not in expected[name] else _shown(expected[name][y]) for y in years]
        assert [c for c in cells] == want, name
    page.click(f"#b-out thead tr:nth-child(2) th:nth-child({len(years)}) button")  # the last year
    page.click(f"#b-out thead tr:nth-child(2) th:nth-child({len(years)}) button")  # largest first
    assert f"s=-new_received%40{last}" in page.url or f"s=-new_received@{last}" in page.url
    column = [row[-1] for row in page.evaluate(CELLS)]
    numbers = [int(v.replace(",", "")) for v in column if v not in ("", "—")]
    assert numbers == sorted(numbers, reverse=True) and numbers
    assert all(v in ("", "—") for v in column[len(numbers) :])


def test_on_a_phone_the_agency_column_stays_in_view(browser, base_url: str, site: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    data = _biggest_province(site)
    phone = Watched(browser, PHONE)
    try:
        page = _builder(
            phone,
            base_url
            + f"compare/?p={data['code']}&m=new_received,total_processed,disclosed,withheld,share_disclosed",
        )
        box = page.locator("#b-out .scroll")
        assert (
            page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")[0]
            <= PHONE
        )
        assert box.evaluate("e => e.scrollWidth > e.clientWidth")
        box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
        left = box.evaluate("e => e.getBoundingClientRect().left")
        first = page.locator("#b-out tbody th").first.evaluate("e => e.getBoundingClientRect().left")
        assert abs(first - left) < 2
        assert phone.clean()
    finally:
        phone.close()


# --- script up front ----------------------------------------------------------------------------------


def test_no_page_of_the_big_site_loads_more_than_100_kb_of_script_up_front(
    visit: Watched, base_url: str, site: Path
) -> None:
    reports = sorted((site / "reports").iterdir())
    agencies = [p for p in sorted((site / "agencies").iterdir()) if p.is_dir()]
    pages = ["", "agencies/", "search/", "compare/", "trends/", "quality/", "data/"]
    pages += [f"reports/{reports[0].name}/", f"agencies/{agencies[0].name}/"]
    for path in pages:
        visit.open(base_url + path)
        sizes = [len(visit.page.request.get(url).body()) for url in visit.scripts]
        assert sum(sizes) <= 100_000, (path, visit.scripts, sizes)


def test_the_english_builder_names_agencies_in_english_and_links_the_english_pages(
    visit: Watched, base_url: str, site: Path
) -> None:
    data = _biggest_province(site)
    page = _builder(visit, base_url + f"en/compare/?p={data['code']}&l=county&m=new_received")
    heads = page.eval_on_selector_all("#b-out thead th", "ths => ths.map(t => t.innerText)")
    assert not any(re.search(r"[\u4e00-\u9fff]", h) for h in heads), heads
    first = page.locator("#b-out tbody th a").first
    assert first.get_attribute("href").startswith("../en/agencies/") or "/en/agencies/" in (
        first.get_attribute("href") or ""
    )
    assert first.locator("span[lang='zh-CN']").count() == 1  # the official name beside the romanised one
    status = page.inner_text("#b-status")
    assert data["name_en"] in status and not re.search(r"[\u4e00-\u9fff]", status)


def test_every_english_page_of_the_big_site_shows_chinese_only_where_marked(site: Path) -> None:
    """At scale, texts the small test sites never make (a flagged trend point, a sum with findings,
    every rule's message) are English too; Chinese is only the agencies' words, marked zh-CN."""
    problems = {}
    for path in sorted((site / "en").rglob("*.html")):
        found = unmarked_chinese(parse(path.read_bytes()))
        if found:
            problems[str(path.relative_to(site))] = found[:3]
    assert list(problems.items())[:10] == []
