"""The registry of every finding rule: stable id, severity, what it means and an example.

The documentation table of rules is generated from this registry, and a test fails when a rule is
used without being registered here.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.model import Finding, Severity


@dataclass(frozen=True)
class Rule:
    id: str  # stable kebab-case id: never rename, researchers filter on it
    severity: Severity
    title: str  # short Chinese name shown on the site
    description: str  # what it checks, in Chinese, for contributors
    example: str  # an example message
    stage: str  # "read", "parse", "check"


RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.id in RULES:
        raise ValueError(f"rule {rule.id} registered twice")
    RULES[rule.id] = rule
    return rule


def finding(rule_id: str, message: str, line: int | None = None, cells: tuple[str, ...] = ()) -> Finding:
    """A finding of a registered rule, with the rule's severity."""
    rule = RULES[rule_id]
    return Finding(rule=rule.id, severity=rule.severity, message=message, line=line, cells=cells)


# --- reading and parsing -------------------------------------------------------------------------
for _rule in (
    Rule(
        "front-matter-invalid",
        "error",
        "文件头信息无法读取",
        "文件开头 `---` 之间的文件头（front matter）不是合法的 `键: 值` 格式，或含有未知字段、格式错误的日期/代码。",
        "front matter: published 应为 YYYY-MM-DD 格式的日期，实际为 “2021年1月”",
        "read",
    ),
    Rule(
        "table-missing",
        "error",
        "缺少表格",
        "没有找到某张法定表格（主动公开、收到和处理申请、行政复议和行政诉讼）。表格可能是图片，或复制时丢失。",
        "没有找到“收到和处理政府信息公开申请情况”表格（应包含“本年新收政府信息公开申请数量”等行）",
        "parse",
    ),
    Rule(
        "table-truncated",
        "error",
        "表格不完整",
        "表格提前结束：模板中后面的行或单元格没有出现。缺少的单元格记为空值（null），不当作 0。",
        "申请情况表在“（五）不予处理 2.重复申请”之后结束，缺少 7 行",
        "parse",
    ),
    Rule(
        "row-missing",
        "error",
        "缺少行",
        "表格中间缺少模板规定的某一行；该行记为空值。",
        "申请情况表缺少“（三）不予公开 4.保护第三方合法权益”一行",
        "parse",
    ),
    Rule(
        "row-width",
        "error",
        "行内数字个数不符",
        "一行中的数字个数与表格列数不一致，无法确定每个数字属于哪一列。已读到的数字保留在原文中，"
        "但不分配到列（记为空值），以免猜错。",
        "（一）予以公开 有 5 个数字，表格有 7 列（自然人…总计）；原文数字：0 0 0 0 0",
        "parse",
    ),
    Rule(
        "cell-unreadable",
        "error",
        "单元格无法识别",
        "应为数字的单元格中是无法识别为数字的文字，记为空值。",
        "行政许可 · 上一年项目数量 的内容“约二十”不是数字",
        "parse",
    ),
    Rule(
        "not-integer",
        "error",
        "应为整数",
        "件数类单元格中出现了小数，记为空值（原文保留）。",
        "（一）予以公开 · 自然人 为“1.5”，件数应为整数",
        "parse",
    ),
    Rule(
        "cells-run-together",
        "warning",
        "数字粘连已拆分",
        "多个单元格的数字连在一起（如 PDF 或网页抓取产生的“640020470”），依据表格自身的勾稽关系只有唯一一种"
        "拆分方式，已按此拆分。请核对原件。",
        "“（一）予以公开”一行的“1000001”按行合计唯一拆分为 1 0 0 0 0 0 1",
        "parse",
    ),
    Rule(
        "cells-run-together-ambiguous",
        "error",
        "数字粘连无法拆分",
        "多个单元格的数字连在一起，按表格的勾稽关系有多种或没有拆分方式，无法确定，记为空值。",
        "“（一）予以公开”一行的“1111111”有 3 种拆分方式，无法确定",
        "parse",
    ),
    Rule(
        "unknown-row",
        "warning",
        "无法识别的行",
        "表格中出现了模板中没有的行（例如省级表格增加的行），未纳入数据；原文保留在此消息中。",
        "主动公开表中“其他主动公开文件”一行不属于国家模板，未纳入：12 0 30",
        "parse",
    ),
    Rule(
        "template-undetected",
        "error",
        "无法判断模板版本",
        "根据表格标签无法判断使用的是 2019 年还是 2021 年模板（见模板说明第 8 节）。",
        "表格标签中既没有 2019 年模板的“本年新制作数量”等，也没有 2021 年模板的“本年制发件数”等",
        "parse",
    ),
    Rule(
        "template-conflict",
        "warning",
        "模板版本不一致",
        "主动公开表与申请情况表指向不同的模板版本；以主动公开表为准。",
        "主动公开表为 2021 年模板，但申请情况表“（六）其他处理”带有数字（2019 年模板）",
        "parse",
    ),
    Rule(
        "agency-missing",
        "error",
        "无法确定机关名称",
        "标题、落款和正文中都找不到发布机关的名称。可在文件头写明 agency。",
        "标题中没有机关名称",
        "parse",
    ),
    Rule(
        "year-missing",
        "error",
        "无法确定报告年度",
        "标题和正文中找不到报告所属年度。可在文件头写明 year。",
        "标题中没有“20XX年”",
        "parse",
    ),
    Rule(
        "region-ambiguous",
        "warning",
        "行政区划不确定",
        "文中的地名对应多个行政区划（许多县区名称在不同省份重复），无法确定；地区留空。可在文件头写明 region。",
        "“朝阳区”对应 北京市朝阳区、吉林省长春市朝阳区，无法确定",
        "parse",
    ),
    Rule(
        "region-unknown",
        "warning",
        "无法确定行政区划",
        "标题、落款和正文中没有可识别的地名；地区留空。可在文件头写明 region。",
        "文中没有可识别的省、市、县名称",
        "parse",
    ),
):
    register(_rule)
