"""The English edition (issue #24): one catalogue of translations, the same templates rendered with
lang="en" under en/, hreflang links both ways, romanised names beside the official Chinese ones, the
agencies' own words kept in Chinese and marked so, and no string left untranslated."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

import generator.site.i18n as i18n
from generator.model import Region
from generator.site.romanise import agency_name, division_name, pinyin
from tests.site_html import CJK, ENGLISH, built_site, resolve, seed_site, text, unmarked_chinese

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "generator" / "data" / "i18n" / "en.json"
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")
TAG = re.compile(r"</?([a-z]+)")


def _catalogue() -> dict[str, str]:
    data: dict[str, str] = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return data


def template_msgids() -> list[str]:
    ids = []
    for template in sorted((ROOT / "templates").glob("*.html")):
        for match in re.finditer(r'_\("((?:[^"\\]|\\.)*)"', template.read_text(encoding="utf-8")):
            ids.append(match.group(1).replace('\\"', '"'))
    return sorted(set(ids))


def test_every_template_string_has_its_english() -> None:
    catalogue = _catalogue()
    assert [msgid for msgid in template_msgids() if msgid not in catalogue] == []


def test_translations_keep_their_placeholders_and_markup_and_are_english() -> None:
    for chinese, english in _catalogue().items():
        assert english.strip() or not chinese.strip(), chinese
        assert sorted(PLACEHOLDER.findall(english)) == sorted(PLACEHOLDER.findall(chinese)), chinese
        assert sorted(TAG.findall(english)) == sorted(TAG.findall(chinese)), chinese
        assert not CJK.search(re.sub(r"<code>.*?</code>", "", english)), english


def test_every_string_an_english_page_shows_is_translated(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render both test sites' English pages, recording every lookup the catalogue cannot answer."""
    missing: set[str] = set()
    original = i18n.translate

    def recording(text: str, lang: str) -> str:
        found = original(text, lang)
        if lang != i18n.PRIMARY and found == text and CJK.search(text):
            missing.add(text)
        return found

    monkeypatch.setattr(i18n, "translate", recording)
    modules = ("edition", "table_html", "pages_corpus", "pages_quality", "romanise")
    for module in (f"generator.site.{name}" for name in modules):
        monkeypatch.setattr(f"{module}.translate", recording)
    from tests.site_factories import make_corpus
    from tests.site_html import site_files

    site_files(make_corpus())
    assert sorted(missing) == []


def _english_pages() -> list[tuple[object, str]]:
    return [
        (site, path) for site in (built_site(), seed_site()) for path in site.pages if path.startswith("en/")
    ]


def test_english_pages_show_no_chinese_but_the_agencies_own_words() -> None:
    """Chinese text on an English page is inside an element marked lang="zh-CN": names, narratives,
    finding details as the report gave them."""
    problems = []
    for site, path in _english_pages():
        page = site.html(path)  # type: ignore[attr-defined]
        problems += [f"{path}: {found}" for found in unmarked_chinese(page)]
    assert problems == []


def test_each_edition_links_the_other_with_hreflang_and_a_switch() -> None:
    site = built_site()
    for path in ("index.html", "agencies/index.html", "reports/e-yi-ju-2020/index.html", "data/index.html"):
        chinese, english = site.html(path), site.html(f"en/{path}")
        assert chinese.get("lang") == "zh-CN" and english.get("lang") == "en"
        for page, own, other in ((chinese, path, f"en/{path}"), (english, f"en/{path}", path)):
            links = {a.get("hreflang"): a.get("href") for a in page.xpath("//link[@rel='alternate']")}
            assert set(links) == {"zh-CN", "en"}
            assert resolve(own, links["en"])[0] == f"en/{path}"  # type: ignore[index]
            assert resolve(own, links["zh-CN"])[0] == path  # type: ignore[index]
            switch = page.xpath("//p[@class='lang-switch']/a")[0]
            assert resolve(own, switch.get("href"))[0] == other  # type: ignore[index]
    assert "en/404.html" not in site.pages  # one page for both editions: no hreflang there
    assert not site.html("404.html").xpath("//link[@rel='alternate']")


def test_an_english_report_page_has_english_tables_and_chinese_narratives() -> None:
    page = built_site().html("en/reports/de-hui-shi-ren-min-zheng-fu-ban-gong-shi-2020/index.html")
    heads = [text(th) for th in page.xpath("//table[@id='t-applications']//thead//th")]
    assert "Individuals" in heads and "Total" in heads
    narrative = page.xpath("//section[@id='s1']/div[@class='prose']")[0]
    assert narrative.get("lang") == "zh-CN" and CJK.search(text(narrative))
    h1 = text(page.xpath("//h1")[0])
    assert h1.startswith("Dehui City People's Government Office") and "2020" in h1
    assert page.xpath("//p[@class='lead'][@lang='zh-CN']")  # the title as published


def test_romanised_names() -> None:
    assert pinyin("成都") == "Chengdu" and pinyin("西安") == "Xi'an" and pinyin("陕西") == "Shaanxi"
    assert division_name("四川省", "510000") == "Sichuan Province"
    assert division_name("凉山彝族自治州") == "Liangshan Yi Autonomous Prefecture"
    assert division_name("黔东南苗族侗族自治州") == "Qiandongnan Miao and Dong Autonomous Prefecture"
    assert division_name("武侯区") == "Wuhou District"
    chengdu = Region("510107", "四川省", "510000", "成都市", "510100", "武侯区", "510107")
    assert agency_name("成都市武侯区教育局", chengdu) == "Chengdu City Wuhou District Education Bureau"
    assert agency_name("武侯区人民政府办公室", chengdu) == "Wuhou District People's Government Office"
    assert agency_name("成都市卫生健康委员会", chengdu) == "Chengdu City Health Commission"
    assert agency_name("成都市市场监督管理局", chengdu) == "Chengdu City Administration for Market Regulation"
    assert agency_name("成都市某某中心", chengdu) == "Chengdu City Moumouzhongxin"  # pinyin, not a guess


def labels_the_pages_show() -> set[str]:
    """Every label made in code that a page of some corpus may show (not only the test corpora's)."""
    from generator import rules, spec
    from generator.site import charts, compare_builder, pages
    from generator.site.figures import (
        APPLICANT_LABELS,
        HEADLINES,
        OUTCOME_LABELS,
        RESULT_GROUPS,
        REVIEW_SHORT,
    )
    from generator.site.model import KIND_LABELS, LEVEL_LABELS, SITE_TITLE
    from generator.site.pages import FILE_LABELS
    from generator.site.render import FIGURE_STRINGS, NAV

    labels = {SITE_TITLE, *(label for _, label in NAV), *FILE_LABELS.values(), *FIGURE_STRINGS}
    labels |= {f"{level}{kind}" for level in LEVEL_LABELS.values() for kind in KIND_LABELS.values()}
    labels |= {*LEVEL_LABELS.values(), *KIND_LABELS.values(), *compare_builder.js_strings()}
    labels |= {h.label for h in HEADLINES} | {label for label, _ in RESULT_GROUPS}
    labels |= {*APPLICANT_LABELS, *OUTCOME_LABELS, *REVIEW_SHORT.values()}
    labels |= {label for _, label in spec.APPLICANT_COLUMNS} | {label for _, label in spec.OUTCOMES}
    labels |= {label for _, label in spec.PROCEEDINGS} | {title for _, title in spec.SECTIONS}
    labels |= {row.label for row in spec.APPLICATION_ROWS} | {
        row.group for row in spec.APPLICATION_ROWS if row.group
    }
    labels |= {text for rule in rules.RULES.values() for text in (rule.title, rule.description)}
    labels |= {charts.TREND_FLAG_NOTE, pages.SUM_NOTE, pages.SUM_FLAG}
    return labels


def test_every_label_made_in_code_has_its_english() -> None:
    catalogue = _catalogue()
    assert sorted(label for label in labels_the_pages_show() if label not in catalogue) == []


def test_the_interactive_charts_of_english_pages_speak_english() -> None:
    from generator.site.charts import charts_script

    assert not CJK.search(charts_script("en")) and CJK.search(charts_script())
    files = built_site().files
    assert files["static/charts.en.js"].decode() == charts_script("en")


def test_an_english_finding_is_said_in_english_with_what_the_report_printed_marked() -> None:
    page = built_site().html("en/reports/shuang-yang-qu-qi-jia-zhen-ren-min-zheng-fu-2020/index.html")
    messages = page.xpath("//li[@class='finding']/p[@class='fmsg']")
    assert messages
    for message in messages:
        # what the report printed is shown as printed, marked Chinese
        said = "".join(message.xpath(".//text()[not(ancestor::span[@lang='zh-CN'])]"))
        assert ENGLISH.search(said) and not CJK.search(said), said


def _message_strings() -> dict[str, str]:
    """Every message pattern in generator/ (`say("…")`) and every constant label its values use,
    but what is marked as printed (raw, named): where each is."""
    found: dict[str, str] = {}

    def constants(node: ast.AST, where: str) -> None:
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"raw", "Raw", "named", "str"}:
            return
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.setdefault(node.value, where)
        for child in ast.iter_child_nodes(node):
            constants(child, where)

    for path in sorted((ROOT / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"say", "listed"}:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                if node.args:
                    constants(node.args[0], where)
                for keyword in node.keywords:
                    constants(keyword.value, where)
    return found


def test_every_finding_message_has_its_english() -> None:
    """A message pattern is looked up as it is; its labels as labels are (tests above check that
    the English keeps the pattern's slots)."""
    catalogue = _catalogue()
    strings = _message_strings()
    assert len(strings) > 40
    missing = {
        text: where
        for text, where in strings.items()
        if CJK.search(text)
        and (text not in catalogue if "{" in text else CJK.search(i18n.translate(text, "en")))
    }
    assert missing == {}


def test_text_made_in_code_is_looked_up_by_its_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    entries = {
        "与问题 {0} 有关": "About finding {0}",
        "（七）总计": "(7) Total",
        "原文数字“{0}”无法确定各属哪一列，未填入表中。": "the numbers “{0}” could not be placed.",
        "：": ": ",
        "（整行）": " (whole row)",
        "（三）不予公开": "(3) Not disclosed",
        "1.属于国家秘密": "1. State secret",
    }
    monkeypatch.setattr(i18n, "catalogue", lambda lang: entries)
    assert i18n.translate("与问题 12 有关", "en") == "About finding 12"
    assert i18n.translate("（七）总计：原文数字“0 3 1”无法确定各属哪一列，未填入表中。", "en") == (
        "(7) Total: the numbers “0 3 1” could not be placed."
    )
    assert (
        i18n.translate("（三）不予公开 1.属于国家秘密（整行）", "en")
        == "(3) Not disclosed 1. State secret (whole row)"
    )
    assert i18n.translate("（三）不予公开 某某", "en") == "（三）不予公开 某某"  # a part unknown: all Chinese
    assert i18n.translate("与问题 12 有关", "zh") == "与问题 12 有关"


def test_the_findings_table_says_each_message_in_english_too() -> None:
    from generator.data.package import finding_rows
    from tests.site_factories import ROW_WIDTH, TOTAL_FINDING, make_report

    rows = finding_rows(make_report(findings=[TOTAL_FINDING, ROW_WIDTH]))
    assert [row["message_en"] for row in rows] == [
        "(7) Total ≠ the sum of the outcome rows (1) to (6): Total column 0 ≠ 3",
        "“(1) Disclosed” has 5 number(s) for the table's 7 columns (Individuals … Total): which number"
        " belongs to which column cannot be told, so the row is left blank; the numbers as printed: 0 0 0 0 0",
    ]
    assert [row["message"] for row in rows] == [TOTAL_FINDING.message, ROW_WIDTH.message]


def test_text_the_stylesheet_writes_has_its_english_rule() -> None:
    """CSS `content:` in Chinese (a phone's swipe hint) needs an html[lang="en"] rule of its own."""
    css = (ROOT / "templates" / "static" / "site.css").read_text(encoding="utf-8")
    rules = re.findall(r"([^{}]+)\{[^{}]*content:\s*\"([^\"]*)\"", css)
    chinese = [selector.strip() for selector, content in rules if CJK.search(content)]
    english = {selector.strip() for selector, content in rules if not CJK.search(content)}
    assert chinese and all(f'html[lang="en"] {selector}' in english for selector in chinese)
