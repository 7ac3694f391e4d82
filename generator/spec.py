"""The two official templates (2019 and 2021) as data: identifiers, labels and table layout.

Identifiers are a public contract (they appear in the parse JSON, the CSVs and the Table Schemas):
add to them, never rename them.
"""

from __future__ import annotations

from dataclasses import dataclass

TEMPLATES = ("2019", "2021")

# Applicant columns of the applications table, in table order.
APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social_welfare", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
APPLICANT_IDS: tuple[str, ...] = tuple(c for c, _ in APPLICANT_COLUMNS)
APPLICANT_LABELS: dict[str, str] = dict(APPLICANT_COLUMNS)


@dataclass(frozen=True)
class ApplicationRow:
    id: str
    label: str  # canonical label, as printed in the template
    group: str  # the rowspan group label the row sits under ("" for top-level rows)
    templates: tuple[str, ...]
    is_result: bool  # an addend of （七）总计


def _row(
    id_: str, label: str, group: str = "", templates: str = "both", result: bool = True
) -> ApplicationRow:
    tpl = TEMPLATES if templates == "both" else (templates,)
    return ApplicationRow(id_, label, group, tpl, result)


_G3 = "（三）不予公开"
_G4 = "（四）无法提供"
_G5 = "（五）不予处理"
_G6 = "（六）其他处理"

APPLICATION_ROWS: tuple[ApplicationRow, ...] = (
    _row("new_received", "一、本年新收政府信息公开申请数量", result=False),
    _row("carried_over", "二、上年结转政府信息公开申请数量", result=False),
    _row("disclosed", "（一）予以公开"),
    _row("partially_disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    _row("withheld_state_secret", "1.属于国家秘密", _G3),
    _row("withheld_prohibited_by_law", "2.其他法律行政法规禁止公开", _G3),
    _row("withheld_security_stability", "3.危及“三安全一稳定”", _G3),
    _row("withheld_third_party_rights", "4.保护第三方合法权益", _G3),
    _row("withheld_internal_affairs", "5.属于三类内部事务信息", _G3),
    _row("withheld_process_information", "6.属于四类过程性信息", _G3),
    _row("withheld_enforcement_files", "7.属于行政执法案卷", _G3),
    _row("withheld_query_matters", "8.属于行政查询事项", _G3),
    _row("unavailable_not_held", "1.本机关不掌握相关政府信息", _G4),
    _row("unavailable_needs_creation", "2.没有现成信息需要另行制作", _G4),
    _row("unavailable_still_unclear", "3.补正后申请内容仍不明确", _G4),
    _row("not_processed_petition", "1.信访举报投诉类申请", _G5),
    _row("not_processed_duplicate", "2.重复申请", _G5),
    _row("not_processed_publication", "3.要求提供公开出版物", _G5),
    _row("not_processed_excessive", "4.无正当理由大量反复申请", _G5),
    _row("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息", _G5),
    _row("other", "（六）其他处理", templates="2019"),
    _row(
        "other_overdue_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        _G6,
        templates="2021",
    ),
    _row(
        "other_unpaid_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        _G6,
        templates="2021",
    ),
    _row("other_misc", "3.其他", _G6, templates="2021"),
    _row("total_processed", "（七）总计", result=False),
    _row("carried_forward", "四、结转下年度继续办理", result=False),
)
APPLICATION_ROW_BY_ID: dict[str, ApplicationRow] = {r.id: r for r in APPLICATION_ROWS}


def application_rows(template: str) -> tuple[ApplicationRow, ...]:
    """The data rows of the applications table of one template, in table order."""
    return tuple(r for r in APPLICATION_ROWS if template in r.templates)


def result_rows(template: str) -> tuple[ApplicationRow, ...]:
    """The addends of （七）总计 in one template (19 rows in 2019, 21 in 2021)."""
    return tuple(r for r in application_rows(template) if r.is_result)


# Review and litigation: three proceedings × five outcomes, one published row of 15 cells.
PROCEEDINGS: tuple[tuple[str, str], ...] = (
    ("reconsideration", "行政复议"),
    ("litigation_direct", "行政诉讼 · 未经复议直接起诉"),
    ("litigation_after_reconsideration", "行政诉讼 · 复议后起诉"),
)
OUTCOMES: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
REVIEW_CELLS: tuple[str, ...] = tuple(f"{p}_{o}" for p, _ in PROCEEDINGS for o, _ in OUTCOMES)
REVIEW_LABELS: dict[str, str] = {
    f"{p}_{o}": f"{plabel} · {olabel}" for p, plabel in PROCEEDINGS for o, olabel in OUTCOMES
}


# Proactive disclosure (第二十条): blocks, rows (items) and measures per template.
@dataclass(frozen=True)
class Measure:
    id: str
    label: str
    kind: str  # "count" (integer ≥ 0), "signed" (integer), "money" (decimal ≥ 0, unit as published)


@dataclass(frozen=True)
class ProactiveItem:
    id: str
    label: str
    block: str  # "一", "五", "六", "八", "九": the paragraph of Article 20


@dataclass(frozen=True)
class ProactiveBlock:
    block: str
    caption: str
    measures: tuple[Measure, ...]
    items: tuple[ProactiveItem, ...]


_NEW_MADE = Measure("new_made", "本年新制作数量", "count")
_NEW_PUBLISHED = Measure("new_published", "本年新公开数量", "count")
_TOTAL_PUBLISHED = Measure("total_published", "对外公开总数量", "count")
_PREV_ITEMS = Measure("items_previous_year", "上一年项目数量", "count")
_ITEMS_CHANGE = Measure("items_change", "本年增/减", "signed")
_DECISIONS_2019 = Measure("decisions", "处理决定数量", "count")
_DECISIONS_2021 = Measure("decisions", "本年处理决定数量", "count")

_REGULATIONS = ProactiveItem("regulations", "规章", "一")
_LICENSING = ProactiveItem("administrative_licensing", "行政许可", "五")
_PENALTY = ProactiveItem("administrative_penalty", "行政处罚", "六")
_COERCION = ProactiveItem("administrative_coercion", "行政强制", "六")

PROACTIVE_BLOCKS: dict[str, tuple[ProactiveBlock, ...]] = {
    "2019": (
        ProactiveBlock(
            "一",
            "第二十条第（一）项",
            (_NEW_MADE, _NEW_PUBLISHED, _TOTAL_PUBLISHED),
            (_REGULATIONS, ProactiveItem("normative_documents", "规范性文件", "一")),
        ),
        ProactiveBlock(
            "五",
            "第二十条第（五）项",
            (_PREV_ITEMS, _ITEMS_CHANGE, _DECISIONS_2019),
            (_LICENSING, ProactiveItem("other_admin_services", "其他对外管理服务事项", "五")),
        ),
        ProactiveBlock(
            "六", "第二十条第（六）项", (_PREV_ITEMS, _ITEMS_CHANGE, _DECISIONS_2019), (_PENALTY, _COERCION)
        ),
        ProactiveBlock(
            "八",
            "第二十条第（八）项",
            (_PREV_ITEMS, _ITEMS_CHANGE),
            (ProactiveItem("administrative_fees", "行政事业性收费", "八"),),
        ),
        ProactiveBlock(
            "九",
            "第二十条第（九）项",
            (
                Measure("procurement_projects", "采购项目数量", "count"),
                Measure("procurement_amount", "采购总金额", "money"),
            ),
            (ProactiveItem("government_procurement", "政府集中采购", "九"),),
        ),
    ),
    "2021": (
        ProactiveBlock(
            "一",
            "第二十条第（一）项",
            (
                Measure("issued", "本年制发件数", "count"),
                Measure("repealed", "本年废止件数", "count"),
                Measure("in_force", "现行有效件数", "count"),
            ),
            (_REGULATIONS, ProactiveItem("normative_documents", "行政规范性文件", "一")),
        ),
        ProactiveBlock("五", "第二十条第（五）项", (_DECISIONS_2021,), (_LICENSING,)),
        ProactiveBlock("六", "第二十条第（六）项", (_DECISIONS_2021,), (_PENALTY, _COERCION)),
        ProactiveBlock(
            "八",
            "第二十条第（八）项",
            (Measure("fee_amount", "本年收费金额（单位：万元）", "money"),),
            (ProactiveItem("administrative_fees", "行政事业性收费", "八"),),
        ),
    ),
}


def proactive_blocks(template: str) -> tuple[ProactiveBlock, ...]:
    return PROACTIVE_BLOCKS[template]


# The six narrative sections (一…六) with their canonical headings.
SECTIONS: tuple[tuple[int, str], ...] = (
    (1, "一、总体情况"),
    (2, "二、主动公开政府信息情况"),
    (3, "三、收到和处理政府信息公开申请情况"),
    (4, "四、政府信息公开行政复议、行政诉讼情况"),
    (5, "五、存在的主要问题及改进情况"),
    (6, "六、其他需要报告的事项"),
)

# Units a published number may carry, longest first where one starts another (万元 before 元).
UNITS = ("万元", "亿元", "万宗", "人次", "元", "件", "条", "个", "项", "次", "宗", "份", "家", "笔", "篇")

# The six narrative sections' headings, by keyword (template-spec §3: real headings vary, e.g.
# 五、存在的问题及整改措施, 二、行政机关主动公开政府信息情况).
SECTION_KEYWORDS: dict[int, tuple[str, ...]] = {
    1: ("总体情况", "基本情况", "概述"),
    2: ("主动公开",),
    3: ("收到和处理", "依申请公开"),
    4: ("行政复议", "行政诉讼"),
    5: ("问题",),
    6: ("其他需要报告", "其他事项"),
}
