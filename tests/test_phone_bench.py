"""The phone benchmark (benchmarks/phone.py) measures a first view in a real headless Chromium.

Only the shape of its results and facts that do not depend on speed are checked: how fast a page is
on the throttled phone is measured by running the benchmark, never asserted by a test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks import phone
from tests.site_html import built_site

pytestmark = pytest.mark.browser

OUTSIDE_PAGE = b'<!doctype html><title>x</title><p>outside</p><img src="http://example.com/x.png" alt="">'


def write_site(folder: Path) -> None:
    for path, data in built_site().files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (folder / "outside").mkdir()
    (folder / "outside" / "index.html").write_bytes(OUTSIDE_PAGE)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    executable = phone.browser_path()
    if executable is None or not Path(executable).exists():
        message = "no Chromium found (set CHROMIUM_PATH)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI must prove the browser tests ran
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("phone-site")
    write_site(folder)
    return folder


def test_default_pages_are_the_home_a_report_and_an_agency_with_charts_trends_and_search(site: Path) -> None:
    pages = phone.default_pages(site)
    assert pages[0] == "" and pages[-2:] == ["trends/", "search/"]
    assert pages[1].startswith("reports/") and "data-chart=" in (site / pages[1] / "index.html").read_text()
    assert pages[2].startswith("agencies/") and "trend-svg" in (site / pages[2] / "index.html").read_text()


def test_a_report_page_first_view_is_measured_with_its_chart_bytes_and_no_outside_request(site: Path) -> None:
    report = phone.default_pages(site)[1]
    results = phone.measure(site, [report], repeat=1)
    assert set(results) >= {"date", "browser", "profile", "gzip", "pages", "vega", "outside_requests"}
    assert results["profile"]["name"] == "slow-4g" and results["profile"]["cpu_slowdown"] == 4
    [page] = results["pages"]
    assert page["page"] == report and len(page["runs"]) == 1
    for key in ("fcp_ms", "chart_visible_ms", "dcl_ms", "load_ms"):
        assert page[key] > 0, key
    assert page["figure"] and page["chart_kind"] == "bars" and page["chart_never_drawn"] == 0
    assert page["chart_visible_ms"] >= page["fcp_ms"] and page["runs"][0]["chart_frame_ms"] > 0
    assert page["load_ms"] >= page["dcl_ms"]
    assert page["requests"] >= 3 and page["bytes"] > page["script_bytes"] > 0
    assert page["script_bytes"] < 100 * 1024  # figures.js only: Vega is not loaded for the first view
    assert results["outside_requests"] == []
    vega = results["vega"]
    assert vega["status"] == 200 and vega["bytes"] == (site / "static/vega.js").stat().st_size
    assert 0 < vega["transferred_bytes"] < vega["bytes"]  # gzip-compressed, as GitHub Pages serves it
    table = phone.table(results)
    assert table.count("\n") == 2 and f"`/{report}`" in table


def test_a_page_without_a_chart_has_no_chart_time_and_outside_requests_are_aborted_and_counted(
    site: Path,
) -> None:
    results = phone.measure(site, ["outside/"], repeat=1, compress=False, vega=False)
    [page] = results["pages"]
    assert page["figure"] is False and page["chart_visible_ms"] is None and page["fcp_ms"] > 0
    assert results["outside_requests"] == ["http://example.com/x.png"] and results["vega"] is None
    assert page["script_bytes"] == 0 and page["bytes"] > len(OUTSIDE_PAGE)  # sent as is, headers counted
