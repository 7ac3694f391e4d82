"""Unit tests of the site's building blocks: number formats, figures, timeliness, findings, charts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import vl_convert

from generator.model import Finding
from generator.site import charts
from generator.site.figures import RESULT_GROUPS, legal_deadline, result_group_values, timeliness
from generator.site.findings import cell_label, finding_views, places
from generator.site.markdown import render_markdown, render_narrative
from generator.site.model import agency_kind, agency_level
from generator.site.textfmt import format_change, format_number, format_percent, format_size
from tests.site_factories import DEHUI, SHANGGAO, SHUANGYANG, make_report


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, ""),
        (0, "0"),
        (200000, "200,000"),
        (1e5, "100,000"),
        (2e5, "200,000"),
        (477.35, "477.35"),
        (-8, "-8"),
        (1234567.5, "1,234,567.5"),
    ],
)
def test_numbers_are_formatted_for_zh_cn_never_in_scientific_notation(value, shown) -> None:
    assert format_number(value) == shown


def test_changes_percentages_and_sizes() -> None:
    assert [format_change(v) for v in (3, -2, 0, None)] == ["+3", "−2", "0", "—"]
    assert format_percent(0.4567) == "45.7%" and format_percent(None) == "—"
    assert [format_size(n) for n in (560, 2048, 3 * 1024 * 1024)] == ["560 字节", "2.0 KB", "3.0 MB"]


@pytest.mark.parametrize(
    ("name", "region", "level", "kind"),
    [
        ("德惠市人民政府办公室", DEHUI, "county", "department"),
        ("双阳区齐家镇人民政府", SHUANGYANG, "township", "government"),
        ("双阳区齐家镇", SHUANGYANG, "township", "government"),
        ("某街道办事处", None, "township", "government"),
        ("上高县机关事务局", SHANGGAO, "county", "department"),
        ("上高县乡村振兴局", SHANGGAO, "county", "department"),  # 乡 inside a word is not a township
        ("上高县人民政府", SHANGGAO, "county", "government"),
        ("上高县", SHANGGAO, "county", "government"),
    ],
)
def test_agency_level_and_kind(name, region, level, kind) -> None:
    assert (agency_level(name, region), agency_kind(name, region)) == (level, kind)


def test_legal_deadlines_follow_article_49() -> None:
    assert str(legal_deadline(2020, "department")) == "2021-01-31"
    assert str(legal_deadline(2020, "government")) == "2021-03-31"
    assert str(legal_deadline(2018, "department")) == "2019-03-31"  # before the 2019 revision


def test_timeliness_statuses() -> None:
    def status(published, level="county", kind="department"):
        return timeliness(make_report(published=published), level, kind)

    assert status("2021-01-31").status == "on_time"
    late = status("2021-02-10")
    assert (late.status, late.days_late, late.label) == ("late", 10, "逾期 10 天")
    assert status("2021-03-31", kind="government").status == "on_time"
    assert status(None).status == "unknown"
    assert status("2021年2月").status == "unknown"
    assert status("2021-09-01", level="township").status == "not_applicable"


def test_result_groups_sum_the_total_column_and_keep_blank_as_none() -> None:
    assert [label for label, _ in RESULT_GROUPS] == [
        "予以公开",
        "部分公开",
        "不予公开",
        "无法提供",
        "不予处理",
        "其他处理",
    ]
    groups = dict(
        result_group_values(
            make_report(
                values={
                    "disclosed": [None] * 7,
                    "withheld_state_secret": [1] * 7,
                    "withheld_query_matters": [2] * 7,
                }
            )
        )
    )
    assert groups["予以公开"] is None and groups["不予公开"] == 3 and groups["无法提供"] is None


def test_findings_naming_a_whole_row_collapse_to_the_row() -> None:
    refs = tuple(
        f"applications.disclosed.{c}"
        for c in (
            "natural_person",
            "commercial",
            "research",
            "social_welfare",
            "legal_service",
            "other_org",
            "total",
        )
    )
    assert [(p.ref, p.kind) for p in places(refs, "2019")] == [("applications.disclosed", "row")]
    assert [(p.ref, p.kind) for p in places(refs[:2], "2019")] == [(refs[0], "cell"), (refs[1], "cell")]
    assert places(("applications.other_misc.total",), "2019")[0].kind == "other"  # not in the 2019 table
    assert places(("published_total",), "2019")[0].kind == "other"


def test_cell_labels_are_chinese() -> None:
    assert cell_label("applications.partially_disclosed.natural_person") == "（二）部分公开 · 自然人"
    assert cell_label("applications.withheld_state_secret.total") == "（三）不予公开 1.属于国家秘密 · 总计"
    assert cell_label("review_litigation.reconsideration_total") == "行政复议 · 总计"
    assert cell_label("proactive.regulations.new_made") == "规章 · 本年新制作数量"
    assert cell_label("something.else") == "something.else"


def test_finding_views_number_findings_and_point_at_their_first_cell() -> None:
    report = make_report(
        findings=(
            Finding("x", "warning", "m", None, ()),
            Finding("y", "warning", "m", 3, ("review_litigation.reconsideration_total",)),
        )
    )
    first, second = finding_views(report)
    assert (first.anchor, first.target, first.table) == ("f1", "f1", None)
    assert (second.target, second.table) == ("review_litigation.reconsideration_total", "review_litigation")


def test_narrative_lines_become_paragraphs_and_indentation_is_not_code() -> None:
    html = render_narrative("　　第一段\n    第二段\n\n\n1.第三段")
    assert html == "<p>第一段</p>\n<p>第二段</p>\n<p>1.第三段</p>\n"


def test_markdown_has_no_raw_html_no_images_no_javascript_links() -> None:
    html = render_markdown(
        "<b>x</b> [a](javascript:alert(1)) ![i](http://evil.example/i.png) [b](https://a.example/)"
    )
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert "<img" not in html and 'href="javascript' not in html
    assert '<a href="https://a.example/">b</a>' in html


def test_chart_specs_are_built_once_and_compile_with_any_data() -> None:
    assert charts.chart_specs() is charts.chart_specs()  # cached: Altair runs once per process
    bar = charts.with_data("bar", [{"label": "予以公开", "value": 200000}, {"label": "部分公开", "value": 3}])
    assert bar["data"] == {
        "values": [{"label": "予以公开", "value": 200000}, {"label": "部分公开", "value": 3}]
    }
    assert charts.chart_specs()["bar"]["data"] == {"name": "values"}  # the shared spec is not modified
    for kind, values in (
        ("bar", bar["data"]["values"]),
        (
            "trend",
            [
                {"year": "2019", "measure": "新收", "value": 1},
                {"year": "2020", "measure": "新收", "value": 5},
            ],
        ),
    ):
        vega = vl_convert.vegalite_to_vega(charts.with_data(kind, values))
        assert vega["marks"]
    svg = vl_convert.vegalite_to_svg(bar, format_locale="zh-CN")
    assert "200,000" in svg and "e+" not in svg


def test_charts_script_carries_the_specs_export_only_actions_and_the_zh_cn_locale() -> None:
    script = charts.charts_script()
    specs = json.loads(script.split("var SPECS = ", 1)[1].split(";\n", 1)[0])
    options = json.loads(script.split("var OPTIONS = ", 1)[1].split(";\n", 1)[0])
    assert specs == charts.chart_specs()
    assert options["actions"] == {"export": True, "source": False, "compiled": False, "editor": False}
    assert options["formatLocale"] == vl_convert.get_format_locale("zh-CN")


def test_figures_keep_blank_values_in_the_table_but_out_of_the_chart() -> None:
    fig = charts.bar_figure("f", "图", [("予以公开", 3), ("部分公开", None)])
    assert fig.rows == (("予以公开", "3"), ("部分公开", "—"))
    assert fig.payload == {"spec": "bar", "height": 28, "values": [{"label": "予以公开", "value": 3}]}
    assert not charts.bar_figure("g", "图", [("予以公开", None)]).drawable
    assert not charts.bar_figure("h", "图", [("予以公开", 0), ("部分公开", 0)]).drawable  # nothing to draw


def _markdown_it_narrative(text: str) -> str:
    """render_narrative without its fast path: every line through markdown-it."""
    lines = (line.strip(" \t\u3000\u00a0") for line in text.splitlines())
    return render_markdown("\n\n".join(line for line in lines if line))


@pytest.mark.parametrize(
    "text",
    [
        '本机关"依法"公开。\n（一）主动公开',
        "1.第一项\n2) 第二项",
        "2020年共收到申请\n3.\n12.结尾\n1234567890. 太长不算列表",
        "- 一项\n+ 二项\n* 三项",
        "# 标题\n> 引文\n=== \n---",
        "a *b* c\n`代码`\n[链接](https://a.example/)\n&amp; <br>",
        "表 | 格\n~~删~~ 除\n\\转义",
        "结尾有全角空格\u2003\n\u2002开头有空格",
        "```\n围栏里的行\n```\n之后的行",
        "普通的一行：包括 ! $ % ^ { } @ = + - : 等字符",
    ],
)
def test_narrative_fast_path_renders_as_markdown_it_does(text: str) -> None:
    assert render_narrative(text) == _markdown_it_narrative(text)


def test_narrative_of_every_seed_and_synthetic_report_renders_as_markdown_it_does(tmp_path) -> None:
    from benchmarks.synth import Options, write_corpus
    from generator.pipeline import load_report
    from generator.read.text import discover

    write_corpus(tmp_path / "content", 60, Options(seed=3), jobs=1)
    root = Path(__file__).resolve().parent.parent
    files = [(p, root) for p in discover(root / "content")] + [
        (p, tmp_path) for p in discover(tmp_path / "content")
    ]
    sections = [s for path, base in files for s in load_report(path, base).sections if s.text]
    assert len(sections) > 100
    for section in sections:
        assert render_narrative(section.text) == _markdown_it_narrative(section.text), section.title
