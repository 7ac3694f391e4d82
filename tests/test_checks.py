"""The cross-checks (勾稽关系): each passing and failing, with the exact message a contributor sees."""

from __future__ import annotations

import pytest

from generator.checks.cross import check_corpus, check_report, non_rulemaking_level
from generator.model import Region
from generator.rules import RULES
from tests.factories import APP_LINE, PROACTIVE_LINE, REVIEW_LINE, UNASSIGNED, make_report, row

ZERO = row(0, 0, 0, 0, 0, 0, 0)
ONE_DISCLOSED = {  # one application by a natural person, disclosed: consistent everywhere
    "new_received": row(1, 0, 0, 0, 0, 0),
    "disclosed": row(1, 0, 0, 0, 0, 0),
    "total_processed": row(1, 0, 0, 0, 0, 0),
}
# seed 2020-tonghua-dongchangqu: 3 received and 3 disclosed, but （七）总计 and 行政复议 总计 printed as 0
TONGHUA = {"new_received": row(3, 0, 0, 0, 0, 0), "disclosed": row(3, 0, 0, 0, 0, 0)}


def rules_of(findings) -> list[str]:
    return [f.rule for f in findings]


def only(findings, rule: str):
    matching = [f for f in findings if f.rule == rule]
    assert len(matching) == 1, findings
    return matching[0]


def app_line(template: str, row_id: str) -> int:
    from generator.spec import application_rows

    return APP_LINE + [r.id for r in application_rows(template)].index(row_id)


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_consistent_reports_have_no_findings(template):
    assert check_report(make_report(template)) == ()
    assert check_report(make_report(template, ONE_DISCLOSED)) == ()


def test_tonghua_yields_exactly_its_three_inconsistencies():
    found = check_report(make_report("2019", TONGHUA, {"reconsideration_other": 1}))
    assert rules_of(found) == ["applications-balance", "applications-result-total", "review-litigation-total"]
    balance, result, review = found
    assert balance.message == (
        "一、本年新收 + 二、上年结转 ≠ （七）总计 + 四、结转下年度继续办理：自然人列 3 + 0 ≠ 0 + 0；总计列 3 + 0 ≠ 0 + 0"
    )
    assert result.message == "（七）总计 ≠ （一）至（六）各办理结果行之和：自然人列 0 ≠ 3；总计列 0 ≠ 3"
    assert review.message == "行政复议：总计 0 ≠ 结果维持 0 + 结果纠正 0 + 其他结果 1 + 尚未审结 0 = 1"
    assert {f.severity for f in found} == {"warning"}
    assert balance.line == result.line == app_line("2019", "total_processed")
    assert review.line == REVIEW_LINE
    assert balance.cells == (
        "applications.new_received.natural_person",
        "applications.carried_over.natural_person",
        "applications.total_processed.natural_person",
        "applications.carried_forward.natural_person",
        "applications.new_received.total",
        "applications.carried_over.total",
        "applications.total_processed.total",
        "applications.carried_forward.total",
    )
    assert "applications.disclosed.natural_person" in result.cells
    assert len(result.cells) == 2 * 20  # （七）总计 and the 19 result rows of 2019, in two columns
    assert review.cells[0] == "review_litigation.reconsideration_total"


def test_balance_holds_with_carry_over():
    values = {
        "new_received": row(5, 0, 0, 0, 0, 0),
        "carried_over": row(2, 0, 0, 0, 0, 0),
        "disclosed": row(6, 0, 0, 0, 0, 0),
        "total_processed": row(6, 0, 0, 0, 0, 0),
        "carried_forward": row(1, 0, 0, 0, 0, 0),
    }
    assert check_report(make_report("2019", values)) == ()


def test_row_total_fails_per_row():
    values = {**ONE_DISCLOSED, "disclosed": row(2, 1, 0, 0, 0, 0, 5)}
    found = check_report(make_report("2019", values))
    item = only(found, "applications-row-total")
    assert item.message == "“（一）予以公开”的总计 5 ≠ 六类申请人之和 2 + 1 + 0 + 0 + 0 + 0 = 3"
    assert item.line == app_line("2019", "disclosed")
    assert item.cells[0] == "applications.disclosed.total"
    assert len(item.cells) == 7


def test_row_total_names_sub_items_with_their_group():
    values = {"withheld_state_secret": row(1, 0, 0, 0, 0, 0, 0)}
    item = only(check_report(make_report("2019", values)), "applications-row-total")
    assert item.message.startswith("“（三）不予公开 1.属于国家秘密”的总计 0 ≠ 六类申请人之和 1 + 0")


def test_result_total_uses_the_rows_of_the_2021_template():
    values = {
        "new_received": row(2, 0, 0, 0, 0, 0),
        "disclosed": row(1, 0, 0, 0, 0, 0),
        "other_misc": row(1, 0, 0, 0, 0, 0),  # a 2021 result row
        "total_processed": row(2, 0, 0, 0, 0, 0),
    }
    assert check_report(make_report("2021", values)) == ()
    without = {**values, "total_processed": row(1, 0, 0, 0, 0, 0)}
    found = check_report(make_report("2021", without))
    assert only(found, "applications-result-total").message == (
        "（七）总计 ≠ （一）至（六）各办理结果行之和：自然人列 1 ≠ 2；总计列 1 ≠ 2"
    )


def test_review_totals_checked_per_proceeding():
    review = {
        "litigation_direct_upheld": 2,
        "litigation_direct_total": 2,
        "litigation_after_reconsideration_pending": 1,
    }
    found = check_report(make_report("2019", review=review))
    item = only(found, "review-litigation-total")
    assert item.message == (
        "行政诉讼 · 复议后起诉：总计 0 ≠ 结果维持 0 + 结果纠正 0 + 其他结果 0 + 尚未审结 1 = 1"
    )
    assert item.cells[0] == "review_litigation.litigation_after_reconsideration_total"


def test_blank_cells_count_as_zero_and_are_named():
    values = {
        "new_received": row(3, None, None, None, None, None, 3),
        "carried_over": row(None, None, None, None, None, None, None),
        "disclosed": row(3, 0, 0, 0, 0, 0),
        "total_processed": row(3, 0, 0, 0, 0, 0),
        "carried_forward": row(1, 0, 0, 0, 0, 0),
    }
    found = check_report(make_report("2019", values))
    assert only(found, "applications-balance").message == (
        "一、本年新收 + 二、上年结转 ≠ （七）总计 + 四、结转下年度继续办理：自然人列 3 + 0 ≠ 3 + 1；总计列 3 + 0 ≠ 3 + 1"
        "（空白单元格按 0 计：二、上年结转 · 自然人、二、上年结转 · 总计）"
    )


def test_a_long_list_of_blank_cells_is_shortened():
    blank_rows = (
        "disclosed",
        "partially_disclosed",
        "withheld_state_secret",
        "withheld_prohibited_by_law",
        "other",
    )
    values = {**{r: row(*[None] * 7) for r in blank_rows}, "total_processed": row(1, 0, 0, 0, 0, 0)}
    message = only(check_report(make_report("2019", values)), "applications-result-total").message
    assert message == (
        "（七）总计 ≠ （一）至（六）各办理结果行之和：自然人列 1 ≠ 0；总计列 1 ≠ 0（空白单元格按 0 计："
        "（一）予以公开 · 自然人、（二）部分公开 · 自然人、（三）不予公开 1.属于国家秘密 · 自然人、"
        "（三）不予公开 2.其他法律行政法规禁止公开 · 自然人、（六）其他处理 · 自然人、"
        "（一）予以公开 · 总计、（二）部分公开 · 总计、（三）不予公开 1.属于国家秘密 · 总计 等共 10 个）"
    )


def test_an_all_blank_equation_is_skipped():
    blank = row(*[None] * 7)
    values = {r: blank for r in ("new_received", "carried_over", "total_processed", "carried_forward")}
    assert check_report(make_report("2019", values)) == ()


def test_cells_the_parser_could_not_assign_are_never_checked():
    # seed shanggao: result rows printed with 5 numbers under 7 columns are left unassigned
    unassigned = row(*[UNASSIGNED] * 7)
    values = {
        "new_received": row(1, 0, 0, 0, 0, 0),
        "disclosed": unassigned,
        "total_processed": row(1, 0, 0, 0, 0, 0),
    }
    assert check_report(make_report("2019", values)) == ()
    values["total_processed"] = unassigned
    assert check_report(make_report("2019", values)) == ()  # V1 would need the unassigned （七）总计


def test_unreadable_text_is_not_taken_for_a_blank():
    from generator.checks.equations import readable
    from generator.model import Cell
    from generator.parse.text import is_blank

    assert readable(Cell(None, "", None, 1)) and readable(Cell(None, "-", None, 1)) and is_blank("无")
    assert not readable(Cell(None, "1.5", None, 1))  # not-integer: the parser kept the text, no value
    assert not readable(Cell(None, None, None, None))


def test_negative_counts():
    values = {
        **ONE_DISCLOSED,
        "carried_forward": row(-1, 0, 0, 0, 0, 0, -1),
        "carried_over": row(-1, 0, 0, 0, 0, 0, -1),
    }
    proactive = {"regulations": {"new_made": -2}, "administrative_licensing": {"items_change": -8}}
    found = check_report(make_report("2019", values, {"reconsideration_pending": -1}, proactive))
    negatives = [f for f in found if f.rule == "negative-count"]
    assert [f.message for f in negatives] == [
        "“二、上年结转”出现负数：自然人 -1、总计 -1（件数、项目数和金额不能为负）",
        "“四、结转下年度继续办理”出现负数：自然人 -1、总计 -1（件数、项目数和金额不能为负）",
        "行政复议 出现负数：尚未审结 -1（件数、项目数和金额不能为负）",
        "主动公开表“规章”出现负数：本年新制作数量 -2（件数、项目数和金额不能为负）",
    ]  # the signed 本年增/减 (items_change) of the 2019 template may be negative
    assert negatives[0].line == app_line("2019", "carried_over")
    assert negatives[3].cells == ("proactive.regulations.new_made",)
    assert negatives[3].line == PROACTIVE_LINE


def test_new_published_within_total_published():
    proactive = {"normative_documents": {"new_made": 12, "new_published": 12, "total_published": 8}}
    item = only(check_report(make_report("2019", proactive=proactive)), "new-published-exceeds-total")
    assert (
        item.message
        == "规范性文件：本年新公开数量 12 > 对外公开总数量 8（本年新公开的文件应包含在对外公开总数之内）"
    )
    assert item.cells == (
        "proactive.normative_documents.new_published",
        "proactive.normative_documents.total_published",
    )
    fine = {"normative_documents": {"new_published": 8, "total_published": 8}}
    assert check_report(make_report("2019", proactive=fine)) == ()
    blank_total = {"normative_documents": {"new_published": 8, "total_published": None}}
    assert check_report(make_report("2019", proactive=blank_total)) == ()


TOWNSHIP_REGULATIONS = {"regulations": {"new_made": 2, "total_published": 2}}


def test_regulations_from_a_township():
    report = make_report("2019", proactive=TOWNSHIP_REGULATIONS, agency="双阳区齐家镇人民政府")
    item = only(check_report(report), "regulations-unexpected")
    assert item.message == (
        "“双阳区齐家镇人民政府”是乡镇（街道）机关，没有规章制定权（只有国务院部门、省级政府和设区的市、自治州政府可以制定规章），"
        "但“规章”一行填报了 本年新制作数量 2、对外公开总数量 2；请核对是否应填在规范性文件一行"
    )
    assert item.cells == ("proactive.regulations.new_made", "proactive.regulations.total_published")
    assert item.line == PROACTIVE_LINE


@pytest.mark.parametrize(
    ("agency", "region", "level"),
    [
        ("某某乡人民政府", None, "乡镇（街道）机关"),
        ("朝阳区三里屯街道办事处", None, "乡镇（街道）机关"),
        ("上高县机关事务局", None, "县级机关"),
        (
            "通化市东昌区人民政府",
            Region("220502", "吉林省", "220000", "通化市", "220500", "东昌区", "220502"),
            "县级机关",
        ),
        (
            "德惠市人民政府办公室",
            Region("220183", "吉林省", "220000", "长春市", "220100", "德惠市", "220183"),
            "县级机关",
        ),
        ("镇江市人民政府", Region("321100", "江苏省", "320000", "镇江市", "321100"), None),
        ("长春市司法局", Region("220100", "吉林省", "220000", "长春市", "220100"), None),
        ("吉林省人民政府办公厅", Region("220000", "吉林省", "220000"), None),
        ("某开发区管理委员会", None, None),  # unclear: left alone
    ],
)
def test_who_cannot_make_regulations(agency, region, level):
    report = make_report("2019", proactive=TOWNSHIP_REGULATIONS, agency=agency, region=region)
    assert non_rulemaking_level(report) == level
    assert ("regulations-unexpected" in rules_of(check_report(report))) == (level is not None)


def test_regulations_at_zero_are_fine_anywhere():
    assert check_report(make_report("2021", agency="某某镇人民政府")) == ()


def test_carry_over_between_consecutive_years():
    before = make_report(
        "2019",
        {**ONE_DISCLOSED, "new_received": row(3, 0, 0, 0, 0, 0), "carried_forward": row(2, 0, 0, 0, 0, 0)},
        year=2019,
    )
    after = make_report("2019", ONE_DISCLOSED, year=2020)
    found = check_corpus([after, before])
    assert list(found) == [after.meta.report_id]
    (item,) = found[after.meta.report_id]
    assert item.rule == "carry-over-mismatch" and item.severity == "warning"
    assert item.message == (
        f"二、上年结转 ≠ 2019 年报告（{before.meta.report_id}）的 四、结转下年度继续办理：自然人列 0 ≠ 2；总计列 0 ≠ 2"
    )
    assert item.cells == ("applications.carried_over.natural_person", "applications.carried_over.total")
    assert item.line == app_line("2019", "carried_over")


def test_carry_over_holds_or_cannot_be_checked():
    before = make_report(
        "2019",
        {**ONE_DISCLOSED, "new_received": row(3, 0, 0, 0, 0, 0), "carried_forward": row(2, 0, 0, 0, 0, 0)},
        year=2019,
    )
    after = make_report(
        "2019",
        {
            **ONE_DISCLOSED,
            "carried_over": row(2, 0, 0, 0, 0, 0),
            "disclosed": row(3, 0, 0, 0, 0, 0),
            "total_processed": row(3, 0, 0, 0, 0, 0),
        },
        year=2020,
    )
    assert check_corpus([before, after]) == {}
    two_years_later = make_report("2019", ONE_DISCLOSED, year=2021)
    assert check_corpus([before, two_years_later]) == {}
    other_agency = make_report("2019", ONE_DISCLOSED, year=2020, agency_id="other")
    assert check_corpus([before, other_agency]) == {}
    duplicate = make_report("2019", ONE_DISCLOSED, year=2020)
    assert check_corpus([before, make_report("2019", ONE_DISCLOSED, year=2020), duplicate]) == {}


@pytest.mark.parametrize(
    ("rule_id", "report"),
    [
        ("applications-balance", make_report("2019", TONGHUA)),
        ("applications-result-total", make_report("2019", TONGHUA)),
        (
            "applications-row-total",
            make_report("2019", {**ONE_DISCLOSED, "disclosed": row(2, 1, 0, 0, 0, 0, 5)}),
        ),
        ("review-litigation-total", make_report("2019", review={"reconsideration_other": 1})),
        ("negative-count", make_report("2019", {**ONE_DISCLOSED, "disclosed": row(-1, 0, 0, 0, 0, 0, -1)})),
        (
            "new-published-exceeds-total",
            make_report(
                "2019", proactive={"normative_documents": {"new_published": 12, "total_published": 8}}
            ),
        ),
        (
            "regulations-unexpected",
            make_report("2019", proactive=TOWNSHIP_REGULATIONS, agency="某某镇人民政府"),
        ),
    ],
)
def test_each_rule_example_is_a_real_message(rule_id, report):
    assert only(check_report(report), rule_id).message == RULES[rule_id].example


def test_carry_over_example_is_a_real_message():
    before = make_report(
        "2019",
        {**ONE_DISCLOSED, "new_received": row(3, 0, 0, 0, 0, 0), "carried_forward": row(2, 0, 0, 0, 0, 0)},
        year=2019,
    )
    after = make_report("2019", ONE_DISCLOSED, year=2020)
    (item,) = check_corpus([before, after])[after.meta.report_id]
    assert item.message == RULES["carry-over-mismatch"].example
