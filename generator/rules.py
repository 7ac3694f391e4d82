"""The registry of every finding rule: stable id, severity, what it means and an example.

The documentation table of rules is generated from this registry, and a test fails when a rule is
used without being registered here.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.messages import Text
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


def finding(rule_id: str, message: Text, line: int | None = None, cells: tuple[str, ...] = ()) -> Finding:
    """A finding of a registered rule, with the rule's severity. The message is a `say(…)` pattern, so
    that the English pages can say it too."""
    rule = RULES[rule_id]
    return Finding(rule.id, rule.severity, str(message), line, cells, text=message)


# --- reading and parsing -------------------------------------------------------------------------
for _rule in (
    Rule(
        "not-a-report",
        "error",
        "不是年度报告",
        "文件无法作为年度报告读取：空文件、二进制文件、编码无法识别，或者找不到任何法定表格。",
        "no disclosure tables found: expected the 主动公开 table (第二十条第（一）项…) and …",
        "read",
    ),
    Rule(
        "duplicate-report",
        "error",
        "报告重复",
        "同一机关同一年度有两个报告文件。请删除其中一个，或在文件头用 agency / year / id 区分。",
        "上高县机关事务局 2020 年度的报告重复：另见 content/reports/2020-shanggao-jiguan.txt",
        "check",
    ),
    Rule(
        "front-matter-invalid",
        "error",
        "文件头信息无法读取",
        "文件开头 `---` 之间的文件头（front matter）不是合法的 `键: 值` 格式，或含有未知字段、格式错误的日期/代码。",
        "front matter: published 应为 YYYY-MM-DD 格式的日期，实际为 “2021年1月”",
        "read",
    ),
    Rule(
        "control-characters",
        "warning",
        "含控制字符",
        "文本含不可见的控制字符（NUL、ESC 等 C0/C1 控制字符，制表符和换行除外），已在解析前删除，"
        "不会出现在网页和数据中。多半是复制或转换时带入的：请检查该行附近的文字是否完整。",
        "文本含不可见的控制字符（如 NUL、ESC），已删除；此行是第一处",
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
        "agency-id-dropped",
        "error",
        "已发布的机关 ID 不再使用",
        "content/agencies.csv 登记的机关 ID 一经发布就不再改变（网址、数据中的外键都依赖它）。若某个已登记的 ID 不再有报告使用"
        "（常见原因：机关名称被更正后拼出了新 ID），build.py check 拒绝这次修改：把新名称写入原来那一行（原名称移入 former_names）"
        "并删除新名称自动生成的行；确需改用新 ID 时在 replaced_by 写明新 ID，旧网址会转到新网址。只在 check 中报告，"
        "不属于任何一份报告。",
        "机关 ID de-hui-shi-ren-min-zheng-fu-ban-gong-shi（德惠市人民政府办公室）已经发布，现在却没有报告使用它……",
        "check",
    ),
    Rule(
        "source-url-missing",
        "warning",
        "没有原文网址",
        "文件头没有填写原文网址 source_url，网站无法链接到机关发布的原文。只在 build.py check（提交前的检查）中"
        "提示，不计入报告的问题。",
        "文件头没有原文网址 source_url：请填写机关发布这份报告的网址",
        "read",
    ),
    Rule(
        "row-placed-by-position",
        "warning",
        "无行名的行按位置归入",
        "一行数字没有印出行名（常见于由 PDF 转换的文本），紧接在另一行的数字之后。只有在它前后的行都已确定、"
        "它自己的行合计成立、且表格的列合计（如（七）总计 = 各办理结果行之和）恰好给出这些数字时，才按它在模板"
        "中的位置归入该行。请核对原件。",
        "“（三）不予公开 2.其他法律行政法规禁止公开”一行没有行名，按模板中的位置（紧邻“（三）不予公开 1.属于国家秘密”）"
        "和行合计、列合计归入该行",
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
        "标题、落款和正文中都找不到发布机关的名称。可在文件头写明 agency。扫描件由 OCR 读出的机关名称，只有与 "
        "content/agencies.csv 登记的名称或曾用名一致才予公布，否则记为空值并报本问题：请对照原件，在该文件中添加该机关一行。",
        "标题中没有机关名称",
        "parse",
    ),
    Rule(
        "year-missing",
        "error",
        "无法确定报告年度",
        "标题和正文中找不到报告所属年度。可在文件头写明 year。扫描件由 OCR 读出的年度，须与文件名开头的年度一致才予公布。",
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


# --- cross-checks (勾稽关系, generator/checks.py) and data validation (generator/validate.py) ----------
for _rule in (
    Rule(
        "applications-balance",
        "warning",
        "申请数量前后不平衡",
        "申请情况表每一列应满足表头注明的勾稽关系：一、本年新收 + 二、上年结转 = 三（七）总计 + 四、结转下年度继续办理。"
        "空白单元格按 0 计算，并在消息中列出。",
        "一、本年新收 + 二、上年结转 ≠ （七）总计 + 四、结转下年度继续办理：自然人列 3 + 0 ≠ 0 + 0；总计列 3 + 0 ≠ 0 + 0",
        "check",
    ),
    Rule(
        "applications-row-total",
        "warning",
        "行合计不符",
        "申请情况表每一行的“总计”应等于自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他六列之和。",
        "“（一）予以公开”的总计 5 ≠ 六类申请人之和 2 + 1 + 0 + 0 + 0 + 0 = 3",
        "check",
    ),
    Rule(
        "applications-result-total",
        "warning",
        "办理结果总计不符",
        "（七）总计 应等于本模板全部办理结果行之和（（一）予以公开 至（六）其他处理的各小项；2019 年模板 19 行，"
        "2021 年模板 21 行），逐列核对。",
        "（七）总计 ≠ （一）至（六）各办理结果行之和：自然人列 0 ≠ 3；总计列 0 ≠ 3",
        "check",
    ),
    Rule(
        "review-litigation-total",
        "warning",
        "复议诉讼总计不符",
        "行政复议、未经复议直接起诉、复议后起诉三组中，每组的“总计”应等于结果维持、结果纠正、其他结果、尚未审结四项之和。",
        "行政复议：总计 0 ≠ 结果维持 0 + 结果纠正 0 + 其他结果 1 + 尚未审结 0 = 1",
        "check",
    ),
    Rule(
        "negative-count",
        "warning",
        "出现负数",
        "件数、项目数和金额不能为负数（只有 2019 年模板主动公开表的“本年增/减”可以为负）。",
        "“（一）予以公开”出现负数：自然人 -1、总计 -1（件数、项目数和金额不能为负）",
        "check",
    ),
    Rule(
        "ocr-unconfirmed",
        "warning",
        "OCR 读数未经确认",
        "扫描件（没有文字层的 PDF、PNG/JPEG 页面）和 PDF 中只有图片的页面由 OCR 识别。只有表格的勾稽关系（各行总计、各列等式、"
        "复议诉讼总计）能够确认的读数才予公布；其余单元格记为空值，本问题写明页码、行号和读出的内容。主动公开表没有可以核对的等式，"
        "其数字一律不公布；OCR 读出的标题和发布日期也没有可以核对的来源，一律不公布。请对照原件核对，或添加报告的文字版（.txt、Word 或网页）。",
        "扫描件第 2 页第 5 行申请情况表“（三）不予公开 3.危及“三安全一稳定””：OCR 读数未能由表格的勾稽关系确认（可能是识别错误，"
        "也可能原件本身不符），不予公布，记为空值；读出的是：自然人 读作“8”",
        "check",
    ),
    Rule(
        "new-published-exceeds-total",
        "warning",
        "本年新公开数量大于对外公开总数量",
        "2019 年模板主动公开表中，本年新公开的文件包含在对外公开总数之内，“本年新公开数量”不应大于“对外公开总数量”。",
        "规范性文件：本年新公开数量 12 > 对外公开总数量 8（本年新公开的文件应包含在对外公开总数之内）",
        "check",
    ),
    Rule(
        "regulations-unexpected",
        "warning",
        "无规章制定权的机关填报了规章",
        "只有国务院部门、省级政府和设区的市、自治州政府可以制定规章。乡镇（街道）、县级政府和县级政府部门在“规章”一行填报"
        "非零数字，多半是把规范性文件填进了规章一行。根据机关名称和行政区划判断，判断不了的不提示。",
        "“某某镇人民政府”是乡镇（街道）机关，没有规章制定权（只有国务院部门、省级政府和设区的市、自治州政府可以制定规章），"
        "但“规章”一行填报了 本年新制作数量 2、对外公开总数量 2；请核对是否应填在规范性文件一行",
        "check",
    ),
    Rule(
        "carry-over-mismatch",
        "warning",
        "上年结转与上年报告不符",
        "同一机关相邻两年的报告中，本年的“二、上年结转政府信息公开申请数量”应等于上一年的“四、结转下年度继续办理”，逐列核对。"
        "机构调整或重新统计时常有出入。",
        "二、上年结转 ≠ 2019 年报告（ce-shi-shi-ren-min-zheng-fu-ban-gong-shi-2019）的 四、结转下年度继续办理：自然人列 0 ≠ 2；"
        "总计列 0 ≠ 2",
        "check",
    ),
    Rule(
        "schema-invalid",
        "error",
        "数据不符合表结构",
        "生成的开放数据表不符合其 Table Schema（类型、取值、主键或外键），无法发布为有效的数据包。消息指明数据表、行（只数该报告自己的各行，表头为第 1 行）和原文行号。",
        'applications 表第 4 行（disclosed natural_person）的值“1.5”不符合表结构：Type Error: type is "integer/default"',
        "validate",
    ),
):
    register(_rule)
