"""Smaller things a reader notices (issue #23): code in the rule explanations, and a run of findings of
one rule named once."""

from __future__ import annotations

from tests.site_html import resolve, seed_site, text

SHANGGAO = "reports/shang-gao-xian-ji-guan-shi-wu-ju-2020/index.html"


def test_the_rule_explanations_show_code_not_backticks() -> None:
    page = seed_site().html("quality/index.html")
    row = page.get_element_by_id("rule-front-matter-invalid")
    assert "`" not in text(row)
    assert [code.text for code in row.iter("code")][1:] == ["---", "键: 值"]


def test_a_run_of_findings_of_one_rule_names_the_rule_once() -> None:
    """The seed whose applications rows cannot be read has 21 row-width errors in a row: the rule's
    title is said once, each later one says 同上 (the same) beside its own message and line."""
    page = seed_site().html(SHANGGAO)
    items = page.xpath("//ol[@class='findings']/li")
    titles = [text(li) for li in items if "行内数字个数不符" in text(li)]
    assert len(titles) == 1
    repeats = [li for li in items if "同上" in text(li)]
    assert len(repeats) == 20
    assert all(li.xpath(".//p[@class='fmsg']") and li.xpath(".//p[@class='fmeta']") for li in repeats)


def _site_at(url: str | None) -> dict[str, bytes]:
    from dataclasses import replace

    from generator.pipeline import build_site, read_sources
    from tests.parse_helpers import ROOT
    from tests.site_html import CACHE

    sources, _ = read_sources(ROOT / "content")
    return dict(build_site(replace(sources, config=replace(sources.config, site_url=url)), CACHE).files)


def test_the_sitemap_lists_every_page_and_each_page_names_its_address() -> None:
    import re

    files = _site_at("https://example.org/gov/")
    listed = re.findall(r"<loc>https://example\.org/gov/([^<]*)</loc>", files["sitemap.xml"].decode())
    pages = {p.removesuffix("index.html") for p in files if p.endswith(".html") and p != "404.html"}
    assert sorted(listed) == sorted(pages) and len(listed) == len(set(listed))
    assert files["robots.txt"].decode().endswith("Sitemap: https://example.org/gov/sitemap.xml\n")
    report = files[SHANGGAO].decode()
    address = f"https://example.org/gov/{SHANGGAO.removesuffix('index.html')}"
    assert f'<link rel="canonical" href="{address}">' in report
    assert f'<meta property="og:url" content="{address}">' in report
    assert '<meta property="og:locale" content="zh_CN">' in report
    assert 'rel="canonical"' not in files["404.html"].decode()


def test_without_the_site_s_address_there_is_no_sitemap_but_a_robots_txt() -> None:
    files = _site_at(None)
    assert "sitemap.xml" not in files and files["robots.txt"] == b"User-agent: *\nAllow: /\n"
    assert 'rel="canonical"' not in files[SHANGGAO].decode()


def test_the_404_page_works_at_any_depth() -> None:
    """Served at whatever address was missing: its links resolve from the site's root."""
    page = seed_site().pages["404.html"].decode()
    assert '<base href="/">' in page and "base-uri &#39;self&#39;" in page
    # one page for both editions: the English says the same and links the English pages
    english = seed_site().html("404.html").xpath("//section[@lang='en']")[0]
    assert text(english.xpath("h2")[0]) == "Page not found"
    links = [resolve("404.html", href) for href in english.xpath(".//a/@href")]
    assert [path for path, _ in links] == ["en/index.html", "en/agencies/index.html"]  # type: ignore[misc]
    assert all(path in seed_site().files for path, _ in links)  # type: ignore[misc]


def test_a_trend_breaks_at_a_missing_year_and_keeps_coinciding_series_apart() -> None:
    """Years are numbers on the axis (2020 → 2022 leaves 2021 empty); each run of consecutive years
    is its own line; equal series differ in width and ring size, listed first drawn widest."""
    from generator.site.charts import chart_specs, trend_figure

    figure = trend_figure("t", "c", [2019, 2020, 2022], [("a", [1, 2, 3]), ("b", [1, None, 3])])
    values = figure.payload["values"]
    assert [(v["year"], v["segment"]) for v in values if v["measure"] == "a"] == [
        (2019, "0-0"),
        (2020, "0-0"),
        (2022, "0-1"),
    ]
    assert [(v["year"], v["segment"]) for v in values if v["measure"] == "b"] == [
        (2019, "1-0"),
        (2022, "1-1"),
    ]
    lines, points = chart_specs()["trend"]["layer"]
    assert lines["encoding"]["x"]["type"] == "quantitative"
    assert lines["encoding"]["detail"]["field"] == "segment"
    assert (
        points["encoding"]["size"]["field"] == "order"
        and lines["encoding"]["strokeWidth"]["field"] == "order"
    )


TONGHUA = "tong-hua-shi-dong-chang-qu-ren-min-zheng-fu"


def test_a_flagged_number_is_flagged_on_the_agency_page_and_the_comparison() -> None:
    """The seed whose review totals do not add up (and whose results total does not): its agency's
    headline numbers read from those cells link the finding, as its report page marks the cells."""
    site = seed_site()
    agency = site.html(f"agencies/{TONGHUA}/index.html")
    flagged = {
        text(row.xpath("th")[0]): row.xpath(".//a[@class='flag']/@href")
        for row in agency.xpath("//table[@class='grid']")[0].xpath(".//tbody/tr")
    }
    assert flagged["行政复议"] and flagged["本年办理总计"] and not flagged["行政诉讼"]
    (link,) = flagged["行政复议"]
    anchor = link.rsplit("#", 1)[1]
    report = site.html(f"reports/{TONGHUA}-2020/index.html")
    assert "review-litigation-total" in text(report.get_element_by_id(anchor))
    compare = next(p for p in site.pages if p.startswith("compare/2205"))
    row = next(r for r in site.html(compare).xpath("//tbody/tr") if TONGHUA in r.xpath(".//a/@href")[0])
    assert len(row.xpath(".//a[@class='flag']")) >= 2
    assert "份报告中有这样的数字" in text(site.html(compare))


def test_home_totals_say_how_many_reports_in_a_sum_have_a_finding_about_it() -> None:
    home = seed_site().html("index.html")
    (row,) = [r for r in home.xpath("//tbody/tr") if text(r.xpath("th")[0]) == "2020"]
    notes = [text(cell) for cell in row.xpath("td")]
    assert any("份有相关问题" in note for note in notes)


def test_the_national_and_province_trend_pages_sum_the_reports_of_each_year() -> None:
    from generator.site.figures import app_total

    site = seed_site()
    reports = site.html("trends/index.html")
    (row,) = reports.xpath("//table[@class='grid']/tbody/tr")
    cells = [text(cell) for cell in row.xpath("th|td")]
    seeds = [r for r in _seed_reports() if r.meta.year == 2020]
    assert cells[:2] == ["2020", str(len(seeds))]
    expected = sum(app_total(r, "new_received") or 0 for r in seeds)
    assert cells[2].startswith(f"{expected:,}")
    assert "../trends/220000/" in reports.xpath("//a/@href")
    jilin = site.html("trends/220000/index.html")
    (jilin_row,) = jilin.xpath("//table[@class='grid']/tbody/tr")
    assert text(jilin_row.xpath("td")[0]) == "3"
    assert "trends/" in [a.get("href").rsplit("../", 1)[-1] for a in jilin.xpath("//nav[@class='crumbs']/a")]


def _seed_reports() -> list:  # type: ignore[type-arg]
    from tests.parse_helpers import SEEDS, parse_path

    return [parse_path(p) for p in sorted(SEEDS.glob("*.txt"))]


def test_the_tile_map_places_every_province_and_shades_it_with_its_table_beside() -> None:
    from generator.site.figures import app_total
    from generator.site.tilemap import TILES, tile_css
    from tests.parse_helpers import ROOT

    css = (ROOT / "templates" / "static" / "site.css").read_text(encoding="utf-8")
    block = css.split("/* tile places: begin */\n", 1)[1].split("/* tile places: end */", 1)[0]
    assert block == tile_css() and len({(row, col) for *_, row, col in TILES}) == len(TILES) == 34
    page = seed_site().html("trends/index.html")
    figures = page.xpath("//section[@id='map']/figure")
    assert [f.get("id") for f in figures] == ["tiles-applications", "tiles-errors", "tiles-on-time"]
    jilin = [r for r in _seed_reports() if r.meta.region and r.meta.region.province_code == "220000"]
    values = [v for r in jilin if (v := app_total(r, "new_received")) is not None]
    tile = figures[0].xpath(".//div[contains(@class, 'tile-220000')]")[0]
    assert text(tile).endswith(str(round(sum(values) / len(values), 1)).removesuffix(".0"))
    assert "shade-0" in figures[0].xpath(".//div[contains(@class, 'tile-110000')]")[0].get(
        "class"
    )  # no report
    rows = {text(tr.xpath("th")[0]): text(tr.xpath("td")[0]) for tr in figures[0].xpath(".//tbody/tr")}
    assert set(rows) == {"吉林", "江西", "河北"}


def test_an_english_tile_breaks_a_long_name_between_syllables_only() -> None:
    from generator.site.tilemap import SOFT_HYPHEN, tile_en

    assert tile_en("黑龙江", SOFT_HYPHEN) == f"Hei{SOFT_HYPHEN}long{SOFT_HYPHEN}jiang"
    assert tile_en("黑龙江") == "Heilongjiang" and tile_en("内蒙古") == "Inner Mongolia"
    assert tile_en("陕西", SOFT_HYPHEN) == f"Shaan{SOFT_HYPHEN}xi" and tile_en("西安") == "Xi'an"
    page = seed_site().html("en/trends/index.html")
    tile = page.xpath("//div[contains(@class, 'tile-220000')]")[0]
    assert text(tile).startswith(f"Ji{SOFT_HYPHEN}lin")
    table = page.xpath("//section[@id='map']//tbody/tr/th")
    assert "Jilin" in {text(th) for th in table}  # the table's names carry no soft hyphen


def test_only_the_tables_on_pages_ocr_read_say_so() -> None:
    """A PDF with text whose review table was pasted in as a picture: only that table is OCR's."""
    from dataclasses import replace

    from generator.model import Cell
    from generator.site.official_tables import official_tables
    from tests.site_factories import make_report

    report = make_report()
    review = {
        k: Cell(c.value, c.raw, c.unit, 2000 + i) for i, (k, c) in enumerate(report.review_litigation.items())
    }
    mixed = replace(
        report, review_litigation=review, meta=replace(report.meta, ocr_pages=1, ocr_page_numbers=(2,))
    )
    noted = {t.id: any("OCR" in note for note in t.notes) for t in official_tables(mixed, ())}
    assert noted == {"proactive": False, "applications": False, "review_litigation": True}
    scan = replace(report, meta=replace(report.meta, ocr_pages=3))  # every page read by OCR
    assert all(any("OCR" in note for note in t.notes) for t in official_tables(scan, ()))


def test_narrative_text_ocr_read_is_said_to_be_unchecked() -> None:
    from dataclasses import replace

    from generator.model import Report
    from generator.site.official_tables import official_tables
    from generator.site.pages import _parts
    from tests.site_factories import make_report

    def narratives(report: Report) -> dict[int, bool]:
        return {p.number: p.ocr for p in _parts(report, official_tables(report, ())) if p.html}

    report = make_report()
    assert narratives(report) and not any(narratives(report).values())
    scan = replace(report, meta=replace(report.meta, ocr_pages=3))
    assert all(narratives(scan).values())
    mixed = replace(report, meta=replace(report.meta, ocr_pages=1, ocr_page_numbers=(2,)))  # text on page 0
    assert not any(narratives(mixed).values())


def test_a_scanned_report_s_page_says_what_ocr_read_in_both_editions() -> None:
    from dataclasses import replace

    from generator.site.model import report_url
    from tests.site_factories import make_corpus, make_report
    from tests.site_html import parse, render_pages, unmarked_chinese

    report = make_report()
    scan = replace(report, meta=replace(report.meta, ocr_pages=3))
    pages = render_pages(make_corpus([scan]))
    chinese = text(parse(pages[f"{report_url(scan)}index.html"]))
    english_page = parse(pages[f"en/{report_url(scan)}index.html"])
    english = text(english_page)
    assert chinese.count("本表读自扫描件（3 页经 OCR 识别）") == 3 and "本节文字由 OCR 从图片识别" in chinese
    assert english.count("OCR") >= 4 and "This section's text was recognised by OCR" in english
    assert unmarked_chinese(english_page) == []
