"""Structural tests of the rendered pages: titles, the official tables' numbers, findings, downloads."""

from __future__ import annotations

import hashlib
import json

import pytest

from generator.data.package import RESOURCES
from generator.site.model import report_id, report_title
from generator.site.textfmt import format_change, format_number
from generator.spec import APPLICANT_IDS, REVIEW_CELLS, application_rows, proactive_blocks
from tests.site_factories import make_corpus, seed_reports
from tests.site_html import built_site, cell_value, render_pages, text

REPORTS = seed_reports()
REPORT_IDS = [report_id(r) for r in REPORTS]


def report_path(report) -> str:
    return f"reports/{report_id(report)}/index.html"


def test_the_site_has_every_page_of_the_layout() -> None:
    pages = built_site().pages
    for path in (
        "index.html",
        "agencies/index.html",
        "data/index.html",
        "quality/index.html",
        "compare/index.html",
        "about/index.html",
        "methodology/index.html",
        "contribute/index.html",
        "404.html",
    ):
        assert path in pages, path
    for report in REPORTS:
        assert report_path(report) in pages
        assert f"agencies/{report.meta.agency_id}/index.html" in pages


@pytest.mark.parametrize("path", sorted(built_site().pages))
def test_every_page_is_utf8_in_its_edition_s_language_with_one_title_and_one_h1(path: str) -> None:
    page = built_site().html(path)
    assert page.get("lang") == ("en" if path.startswith("en/") else "zh-CN")
    assert page.xpath("//meta[@charset]")[0].get("charset").lower() == "utf-8"
    assert page.xpath("//meta[@name='viewport']")
    assert len(page.xpath("//h1")) == 1
    assert text(page.xpath("//title")[0]).strip()


@pytest.mark.parametrize("report", REPORTS, ids=REPORT_IDS)
def test_report_page_title_names_the_report(report) -> None:
    page = built_site().html(report_path(report))
    assert text(page.xpath("//h1")[0]) == report_title(report)
    assert text(page.xpath("//title")[0]).startswith(report_title(report))


@pytest.mark.parametrize("report", REPORTS, ids=REPORT_IDS)
def test_applications_table_cells_equal_the_model_and_blank_stays_blank(report) -> None:
    page = built_site().html(report_path(report))
    table = page.xpath("//table[@id='t-applications']")[0]
    for row in application_rows(report.meta.template):
        cells = table.xpath(f".//tr[@id='applications.{row.id}']/td")
        assert len(cells) == len(APPLICANT_IDS), row.id
        for td, column in zip(cells, APPLICANT_IDS, strict=True):
            value = report.applications.cell(row.id, column).value
            assert cell_value(td) == format_number(value), (row.id, column)
            if value is None:
                assert "b" in td.get("class", "").split(), (row.id, column)


def test_blank_cells_are_empty_not_zero() -> None:
    township = REPORTS[2]
    assert township.applications.cell("carried_over", "natural_person").value is None
    page = built_site().html(report_path(township))
    tds = page.xpath("//tr[@id='applications.carried_over']/td")
    assert [cell_value(td) for td in tds] == [""] * 7


@pytest.mark.parametrize("report", REPORTS, ids=REPORT_IDS)
def test_review_and_proactive_cells_equal_the_model(report) -> None:
    page = built_site().html(report_path(report))
    review = page.xpath("//tr[@id='review_litigation']/td")
    assert [cell_value(td) for td in review] == [format_number(report.review(c).value) for c in REVIEW_CELLS]
    for block in proactive_blocks(report.meta.template):
        for item in block.items:
            tds = page.xpath(f"//tr[@id='proactive.{item.id}']/td")
            expected = [_shown(report.proactive_cell(item.id, m.id).value, m.kind) for m in block.measures]
            assert [cell_value(td).split(" ")[0] for td in tds] == expected, item.id


def _shown(value, kind: str) -> str:
    return format_change(value) if kind == "signed" and value is not None else format_number(value)


def test_money_cells_show_their_unit() -> None:
    page = built_site().html(report_path(REPORTS[0]))
    td = page.xpath("//tr[@id='proactive.government_procurement']/td")[-1]
    assert cell_value(td) == "12.5 万元"


def test_cells_of_a_failed_cross_check_are_marked_with_the_finding_beside_them() -> None:
    township = REPORTS[2]
    page = built_site().html(report_path(township))
    td = page.xpath("//td[@id='applications.total_processed.total']")[0]
    assert "flag" in td.get("class").split()
    assert cell_value(td) == "0"  # the published number, not corrected
    assert [a.get("href") for a in td.xpath("a")] == ["#f1"]
    finding = page.xpath("//li[@id='f1']")[0]
    assert "各办理结果行之和：总计列 0 ≠ 3" in text(finding)
    # The finding sits under its own table, and links back to each cell it names.
    assert finding.xpath("ancestor::section[@id='s3']")
    links = [(a.get("href"), text(a)) for a in finding.xpath(".//a")]
    assert links == [
        ("#applications.total_processed.total", "（七）总计 · 总计"),
        ("#applications.disclosed.total", "（一）予以公开 · 总计"),
    ]
    review_td = page.xpath("//td[@id='review_litigation.reconsideration_total']")[0]
    assert [a.get("href") for a in review_td.xpath("a")] == ["#f2"]
    assert page.xpath("//li[@id='f2']/ancestor::section[@id='s4']")


def test_a_row_level_finding_marks_the_row_and_unassigned_numbers_are_shown() -> None:
    shanggao = REPORTS[3]
    page = built_site().html(report_path(shanggao))
    row = page.xpath("//tr[@id='applications.disclosed']")[0]
    assert row.get("class") == "flag"
    label = row.xpath("th[@scope='row']")[0]
    assert [a.get("href") for a in label.xpath("a")] == ["#f1"]  # once, beside the row's label
    assert not row.xpath("td/a")  # not repeated in each of the seven cells
    finding = page.xpath("//li[@id='f1']")[0]
    assert [(a.get("href"), text(a)) for a in finding.xpath(".//a")] == [
        ("#applications.disclosed", "（一）予以公开（整行）")
    ]
    notes = " ".join(text(p) for p in page.xpath("//section[@id='s3']//p[@class='note']"))
    assert "0 0 0 0 0" in notes
    assert "1,010" in text(page.xpath("//section[@id='s2']")[0])  # the provincial 发布总数量 line


def test_2021_template_lays_out_its_own_rows() -> None:
    page = built_site().html(report_path(REPORTS[3]))
    ids = [tr.get("id") for tr in page.xpath("//table[@id='t-applications']/tbody/tr")]
    assert "applications.other_misc" in ids and "applications.other" not in ids
    assert page.xpath("//th[@rowspan='22' and text()='三、本年度办理结果']")


def test_narrative_sections_are_paragraphs_not_code_blocks() -> None:
    page = built_site().html(report_path(REPORTS[0]))
    prose = page.xpath("//section[@id='s1']//div[@class='prose']")[0]
    assert not prose.xpath(".//pre|.//code")
    assert [text(p) for p in prose.xpath("p")][1] == "（一）主动公开"


def test_report_page_provenance_and_downloads() -> None:
    site = built_site()
    report = REPORTS[0]
    page = site.html(report_path(report))
    source = page.xpath("//section[@id='source']")[0]
    assert source.xpath(".//a[@href='http://www.dehui.gov.cn/xxgk/2020.html']")
    copy = f"reports/{report_id(report)}/source.txt"
    assert hashlib.sha256(site.files[copy]).hexdigest() in text(source)
    assert "2019 年版" in text(source)
    downloads = page.xpath("//section[@id='downloads']")[0]
    rid, agency = report_id(report), report.meta.agency_id
    # Its JSON, its original and its agency's package (every year of the agency, this one's rows too).
    links = [a.get("href") for a in downloads.xpath(".//a[@download]")]
    tables = {f"../../data/agencies/{agency}/{table}.csv" for table in RESOURCES}
    assert [link for link in links if link not in tables] == [
        f"../../data/reports/{rid}/report.json",
        f"../../{copy}",
        f"../../data/agency-{agency}.datapackage.json",
    ]
    assert set(links) >= tables and links[2:7] == [
        f"../../data/agencies/{agency}/{table}.csv"
        for table in ("reports", "proactive", "applications", "review_litigation", "findings")
    ]
    assert f"{len(site.files[copy])} 字节" in text(downloads)
    assert "收录该机关每一年的报告，其中包括本报告的各行" in text(downloads)
    assert downloads.xpath(f".//a[@href='../../agencies/{agency}/#downloads']")


def test_charts_sit_in_figures_with_a_caption_and_the_same_numbers_as_a_table() -> None:
    report = REPORTS[1]
    page = built_site().html(report_path(report))
    figures = page.xpath("//figure[@data-chart]")
    assert [f.get("id") for f in figures] == ["fig-results", "fig-applicants", "fig-review"]
    applicants = figures[1]
    assert "申请人" in text(applicants.xpath("figcaption")[0])
    payload = json.loads(applicants.xpath(".//script[@type='application/json']")[0].text)
    table = [(text(tr.xpath("th")[0]), text(tr.xpath("td")[0])) for tr in applicants.xpath(".//tbody/tr")]
    assert payload["values"] == [{"label": label, "value": int(value)} for label, value in table]
    assert payload["values"][0] == {"label": "自然人", "value": 3}
    scripts = [s.get("src") for s in page.xpath("//script[@src]")]
    assert scripts == ["../../static/figures.js"]  # Vega only on demand
    widths = [tr.xpath(".//span[@class='bar']/i/@class") for tr in applicants.xpath(".//tbody/tr")]
    top = max(v["value"] for v in payload["values"])
    for (_, shown), width in zip(table, widths, strict=True):
        expected = 0 if int(shown) == 0 else max(1, round(100 * int(shown) / top))
        assert width == [f"w{expected}"]


def test_pages_without_charts_do_not_load_the_vega_bundle() -> None:
    site = built_site()
    for path in (
        "data/index.html",
        "quality/index.html",
        "agencies/index.html",
        "about/index.html",
        "agencies/e-yi-ju/index.html",
    ):
        assert b"vega.js" not in site.pages[path], path


def test_agency_page_shows_change_against_the_previous_year_and_a_multi_year_chart() -> None:
    page = built_site().html("agencies/de-hui-shi-ren-min-zheng-fu-ban-gong-shi/index.html")
    rows = {text(tr.xpath("th")[0]): [text(td) for td in tr.xpath("td")] for tr in page.xpath("//tbody/tr")}
    assert rows["本年新收申请"] == ["4", "1", "+3"]
    assert page.xpath("//figure[@data-chart='trend']")
    links = {a.get("href") for a in page.xpath("//a")}
    assert "../../reports/de-hui-shi-ren-min-zheng-fu-ban-gong-shi-2019/" in links
    assert "../../data/agency-de-hui-shi-ren-min-zheng-fu-ban-gong-shi.datapackage.json" in links
    assert "../../data/agencies/de-hui-shi-ren-min-zheng-fu-ban-gong-shi/applications.csv" in links


def test_agency_with_one_year_has_no_trend_chart() -> None:
    page = built_site().html("agencies/shang-gao-xian-ji-guan-shi-wu-ju/index.html")
    assert not page.xpath("//figure")


def test_agencies_index_lists_provinces_and_each_province_its_agencies_with_a_filter_box() -> None:
    """One page of provinces (a list of every agency grew to 1.5 MB at 10,000 reports), each linking
    its own page of agencies, grouped by level, with a filter box."""
    site = built_site()
    page = site.html("agencies/index.html")
    rows = [[text(cell) for cell in tr.xpath("th|td")] for tr in page.xpath("//tbody/tr")]
    assert [row[0] for row in rows] == ["吉林省", "江西省", "地区不详"]
    assert page.xpath("//form[@action='../search/']//input[@name='q']")
    links = page.xpath("//tbody//a/@href")
    assert links[0] == "../regions/220000/" and links[-1] == "../regions/unknown/"
    jilin = site.html("regions/220000/index.html")
    assert [text(h) for h in jilin.xpath("//section[@class='lvl']/h2")] == ["县级部门", "乡镇、街道政府"]
    item = jilin.xpath("//li[@data-name][1]")[0]
    assert "德惠市人民政府办公室" in item.get("data-name")
    filter_box = jilin.xpath("//input[@id='agency-filter']")[0]
    assert filter_box.xpath("ancestor::div[@hidden]")  # shown by the script; useless without it
    assert jilin.xpath("//script[@src='../../static/filter.js']")
    assert (
        sum(
            len(site.html(f"regions/{code}/index.html").xpath("//li[@data-name]"))
            for code in ("220000", "360000", "unknown")
        )
        == 4
    )


def test_quality_summary_counts_findings_by_rule_and_province() -> None:
    page = built_site().html("quality/index.html")
    rules = {
        text(tr.xpath("th")[0]): [text(td) for td in tr.xpath("td")]
        for tr in page.xpath("//section[@id='by-rule']//tbody/tr")
    }
    assert rules["result-total result-total"] == ["警告", "1", "1"]
    provinces = [text(tr.xpath("th")[0]) for tr in page.xpath("//section[@id='by-province']//tbody/tr")]
    assert provinces == ["吉林省", "江西省", "地区不详"]
    jilin = [text(td) for td in page.xpath("//section[@id='by-province']//tbody/tr[1]/td")]
    assert jilin == [
        "3",
        "0",
        "2",
        "1",
        "1",
        "0",
        "1",
    ]  # reports, errors, warnings, on time, late, unknown, n/a
    assert page.xpath("//a[@href='../quality/220000/']")


def test_quality_province_page_links_each_finding_to_its_cell_and_shows_timeliness_apart() -> None:
    page = built_site().html("quality/220000/index.html")
    rule = page.xpath("//section[@id='rule-result-total']")[0]
    assert rule.xpath(
        ".//a[@href='../../reports/shuang-yang-qu-qi-jia-zhen-ren-min-zheng-fu-2020/"
        "#applications.total_processed.total']"
    )
    headers = [text(th) for th in page.xpath("//section[@id='by-agency']//thead//th")]
    assert headers == ["报告", "错误", "警告", "按时发布", "发布日期"]
    rows = {
        text(tr.xpath("th")[0]): text(tr.xpath("td")[2])
        for tr in page.xpath("//section[@id='by-agency']//tbody/tr")
    }
    assert rows["德惠市人民政府办公室 2019年度"] == "按时期限 2020-01-31"
    assert rows["德惠市人民政府办公室 2020年度"] == "逾期 10 天期限 2021-01-31"
    assert rows["双阳区齐家镇人民政府 2020年度"].startswith("不适用")


def test_compare_page_puts_counts_first_explains_the_ratio_and_does_not_rank() -> None:
    site = built_site()
    page = site.html("compare/220100-2020/index.html")
    headers = [text(th) for th in page.xpath("//thead//th")]
    assert headers[1] == "本年新收申请" and headers[-1].startswith("予以公开占比")
    assert "÷" in text(page.xpath("//p[@id='share-method']")[0])
    names = [text(tr.xpath("th")[0]) for tr in page.xpath("//tbody/tr")]
    assert names == ["德惠市人民政府办公室", "双阳区齐家镇人民政府"]  # by agency id (pinyin), not by a value
    assert "排名" not in headers


def test_data_page_lists_downloads_with_sizes_and_a_dictionary_from_the_schemas() -> None:
    page = built_site().html("data/index.html")
    downloads = page.xpath("//ul[@class='files']/li")
    assert any(
        "datapackage.json" in text(li) and ("字节" in text(li) or "KB" in text(li)) for li in downloads
    )
    fields = [text(tr.xpath("th")[0]) for tr in page.xpath("//section[@id='schema-applications']//tbody/tr")]
    assert fields == ["report_id", "row", "natural_person"]
    row = page.xpath("//section[@id='schema-applications']//tbody/tr[3]/td")
    assert [text(td) for td in row] == [
        "自然人 / Individuals",
        "integer",
        "空白为空值，不是 0 Blank is null, not 0",
        "最小值 0",
    ]
    assert "Creative Commons Attribution 4.0" in text(page.xpath("//section[@id='licence']")[0])


def test_markdown_pages_render_markdown_but_not_raw_html() -> None:
    site = built_site()
    about = site.html("about/index.html")
    assert text(about.xpath("//h1")[0]) == "关于本站"
    assert not about.xpath("//article//b")
    assert "<b>不是 HTML</b>" in text(about.xpath("//article")[0])
    assert site.html("methodology/index.html").xpath("//article//table")


def test_home_page_headline_figures_and_latest_reports() -> None:
    page = built_site().html("index.html")
    stats = [text(li) for li in page.xpath("//ul[@class='stats']/li")]
    assert stats[0] == "5 份报告" and stats[1] == "4 个机关"
    year_rows = page.xpath("//table[@class='grid']/tbody/tr")
    assert [text(tr.xpath("th")[0]) for tr in year_rows] == ["2019", "2020", "2021"]
    assert page.xpath("//figure[@data-chart='bar']")
    assert len(page.xpath("//section/ul[@class='list']/li")) == 5


def test_report_pages_stay_small() -> None:
    # 30,000 reports must fit in GitHub Pages' 1 GB together with the data downloads.
    for report in REPORTS:
        assert len(built_site().pages[report_path(report)]) < 24_500  # the largest has three findings


def test_site_config_links_the_source_file_in_the_repository() -> None:
    corpus = make_corpus(repo_url="https://github.com/example/reports")
    page = render_pages(corpus)[report_path(REPORTS[0])].decode()
    assert (
        'href="https://github.com/example/reports/blob/main/content/reports/'
        '2019-de-hui-shi-ren-min-zheng-fu-ban-gong-shi.txt"' in page
    )


def test_404_page_knows_the_site_root_when_given() -> None:
    assert b'<base href="/">' in built_site().pages["404.html"]  # the server's root, as `serve` has it
    corpus = make_corpus(base_path="/gov-reports/")
    page = render_pages(corpus)["404.html"]
    assert b'<base href="/gov-reports/">' in page and b'href="./agencies/"' in page


def test_the_site_renders_with_no_report_yet() -> None:
    pages = render_pages(make_corpus([]))
    assert {"index.html", "data/index.html", "agencies/index.html", "404.html"} <= set(pages)
    assert not any(path.startswith(("reports/", "agencies/x")) for path in pages)


def test_a_report_of_mixed_templates_shows_each_table_in_its_own() -> None:
    """A 2021 proactive table beside a 2019-style applications table (one （六）其他处理 row): the page
    shows the applications table as printed, the data holds its rows, and nothing fails to validate."""
    from generator.pipeline import SourceFile, Sources, build_site
    from tests.parse_helpers import FIXTURES
    from tests.site_html import CACHE, parse

    data = (FIXTURES / "parse" / "2021-mixed-templates.txt").read_bytes()
    site = build_site(Sources([SourceFile("content/reports/2021-mixed.txt", data)]), vega_cache=CACHE)
    (report,) = site.checked.kept
    page = parse(site.files[f"reports/{report_id(report)}/index.html"])
    (other,) = page.xpath("//tr[@id='applications.other']")
    assert [cell_value(td) for td in other.xpath("td")] == ["0", "1", "0", "0", "0", "0", "1"]
    assert not page.xpath("//tr[@id='applications.other_misc']")
    assert page.xpath("//tr[@id='proactive.administrative_fees']")  # the 2021 proactive table
    csv = site.files["data/applications.csv"].decode("utf-8-sig")
    assert ",other," in csv and ",other_misc," not in csv
    assert site.problems == ()


def test_a_flagged_number_in_a_chart_s_table_links_its_finding() -> None:
    """The ※ beside a count in a figure is the report's first finding about the cells it sums."""
    from generator.site.figures import RESULT_GROUP_CELLS, RESULT_GROUPS, flagging_finding
    from tests.site_factories import make_corpus

    path = "reports/shuang-yang-qu-qi-jia-zhen-ren-min-zheng-fu-2020/index.html"
    page = built_site().html(path)
    report = next(r for r in make_corpus().reports if path.startswith(f"reports/{r.meta.report_id}/"))
    rows = page.xpath("//figure[@id='fig-results']//tbody/tr")
    for (label, _), cells, tr in zip(RESULT_GROUPS, RESULT_GROUP_CELLS, rows, strict=True):
        number = flagging_finding(report, cells)
        links = tr.xpath(".//a[@class='flag']/@href")
        assert links == ([f"#f{number}"] if number else []), label
        if number:
            assert page.xpath(f"//li[@id='f{number}']")
    assert any(tr.xpath(".//a[@class='flag']") for tr in rows)
    assert "※：该报告中有与这个数字有关的问题" in text(page.xpath("//figure[@id='fig-results']")[0])
    review = page.xpath("//figure[@id='fig-review']//a[@class='flag']/@href")
    assert review and all(page.xpath(f"//li[@id='{href[1:]}']") for href in review)


def test_a_sum_over_reports_flags_the_rows_some_report_has_a_finding_about() -> None:
    from generator.site.pages import _corpus_figures
    from tests.site_factories import make_corpus

    reports = [r for r in make_corpus().reports if r.meta.year == 2020]
    results, applicants = _corpus_figures(reports, 2020)
    flagged = {row[0]: flag for row, (flag,) in zip(results.rows, results.flags, strict=True) if flag}
    assert flagged == {"予以公开": ("quality/", "其中 1 份报告有与此有关的问题")}
    assert "合计中有报告存在与这个数字有关的问题" in results.note
    assert not any(flag for (flag,) in applicants.flags) and applicants.note == ""
