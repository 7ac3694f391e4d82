"""Smaller things a reader notices (issue #23): code in the rule explanations, and a run of findings of
one rule named once."""

from __future__ import annotations

from tests.site_html import seed_site, text

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
