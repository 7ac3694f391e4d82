"""Reports built directly from the model, for the website tests (no parser needed).

The corpus covers what the pages must handle: an agency with two years, both templates, a township,
blank cells, a failed cross-check pointing at cells, numbers that could not be assigned to columns,
and a hostile report (markup and a javascript: URL in its text).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from generator.messages import Text, listed, named, printed, say
from generator.model import (
    ApplicationsTable,
    Cell,
    Finding,
    Metadata,
    ProactiveRow,
    Region,
    Report,
    Section,
    Severity,
)
from generator.pipeline import SourceFile
from generator.site.model import Corpus, SiteConfig, build_corpus
from generator.spec import REVIEW_CELLS, application_rows, proactive_blocks

DEHUI = Region("220183", "吉林省", "220000", "长春市", "220100", "德惠市", "220183")
SHUANGYANG = Region("220112", "吉林省", "220000", "长春市", "220100", "双阳区", "220112")
SHANGGAO = Region("360923", "江西省", "360000", "宜春市", "360900", "上高县", "360923")

Row7 = Sequence[int | None]


def cells(values: Row7, line: int = 1) -> tuple[Cell, ...]:
    return tuple(Cell(v, None if v is None else str(v), None, line) for v in values)


def consistent_applications(template: str, new: Row7 = (3, 1, 0, 0, 0, 0, 4)) -> dict[str, list[int | None]]:
    """An applications table whose every cross-check holds: all new applications are disclosed."""
    rows: dict[str, list[int | None]] = {r.id: [0] * 7 for r in application_rows(template)}
    rows["new_received"] = list(new)
    rows["disclosed"] = list(new)
    rows["total_processed"] = list(new)
    return rows


def applications(
    template: str, values: Mapping[str, Row7], unassigned: Mapping[str, tuple[str, ...]] | None = None
) -> ApplicationsTable:
    rows = {rid: cells(v, 40 + i) for i, (rid, v) in enumerate(values.items())}
    return ApplicationsTable(rows=rows, labels={}, lines={}, unassigned=dict(unassigned or {}))


def proactive(template: str, value: int = 2) -> tuple[ProactiveRow, ...]:
    out = []
    for block in proactive_blocks(template):
        for item in block.items:
            row_cells = {
                m.id: Cell(12.5, "12.5万元", "万元", 20)
                if m.kind == "money"
                else Cell(value, str(value), None, 20)
                for m in block.measures
            }
            out.append(ProactiveRow(item.id, item.label, 20, row_cells))
    return tuple(out)


def review(values: Mapping[str, int | None] | None = None) -> dict[str, Cell]:
    base: dict[str, int | None] = dict.fromkeys(REVIEW_CELLS, 0)
    base.update({"reconsideration_upheld": 1, "reconsideration_total": 1})
    base.update(values or {})
    return {k: Cell(v, None if v is None else str(v), None, 80) for k, v in base.items()}


SECTION_TEXT = {
    1: "　　2020年，本机关坚持以公开为常态、不公开为例外。\n    （一）主动公开\n全年主动公开政府信息67条。",
    5: "存在的主要问题：公开内容还不够全面。\n改进措施：加强培训。",
    6: "本年度未收取信息处理费。",
}


def make_report(
    *,
    agency: str = "德惠市人民政府办公室",
    agency_id: str = "de-hui-shi-ren-min-zheng-fu-ban-gong-shi",
    year: int = 2020,
    template: str = "2019",
    region: Region | None = DEHUI,
    published: str | None = "2021-01-20",
    source_url: str | None = "http://www.dehui.gov.cn/xxgk/2020.html",
    values: Mapping[str, Row7] | None = None,
    review_values: Mapping[str, int | None] | None = None,
    findings: Sequence[Finding] = (),
    sections: Mapping[int, str] | None = None,
    unassigned: Mapping[str, tuple[str, ...]] | None = None,
    published_total: Cell | None = None,
) -> Report:
    rid = f"{agency_id}-{year}"
    meta = Metadata(
        agency=agency,
        year=year,
        template=template,
        published=published,
        region=region,
        source_file=f"content/reports/{year}-{agency_id}.txt",
        source_url=source_url,
        title=f"{agency}{year}年政府信息公开工作年度报告",
        report_id=rid,
        agency_id=agency_id,
    )
    texts = SECTION_TEXT if sections is None else sections
    return Report(
        meta=meta,
        proactive=proactive(template),
        applications=applications(template, values or consistent_applications(template), unassigned),
        review_litigation=review(review_values),
        published_total=published_total,
        sections=tuple(Section(n, f"{n}、", t, 10 * n) for n, t in sorted(texts.items())),
        findings=tuple(findings),
    )


def inconsistent_values() -> dict[str, list[int | None]]:
    """Like seed 002: （七）总计 is 0 although 3 were disclosed; some cells left blank."""
    rows = consistent_applications("2019", (3, 0, 0, 0, 0, 0, 3))
    rows["total_processed"] = [0, 0, 0, 0, 0, 0, 0]
    rows["carried_over"] = [None] * 7
    rows["partially_disclosed"] = [None, None, None, None, None, None, 0]
    return rows


def _finding(rule: str, severity: Severity, message: Text, line: int, cells: tuple[str, ...]) -> Finding:
    return Finding(rule, severity, str(message), line, cells, text=message)


TOTAL_FINDING = _finding(
    "result-total",
    "warning",
    say(
        "（七）总计 ≠ （一）至（六）各办理结果行之和：{parts}{blank}",
        parts=listed(
            "；",
            [say("{column} {left} ≠ {right}", column=say("{column}列", column="总计"), left="0", right="3")],
        ),
        blank="",
    ),
    52,
    ("applications.total_processed.total", "applications.disclosed.total"),
)
REVIEW_FINDING = _finding(
    "review-total",
    "warning",
    say(
        "{proceeding}：总计 {total} ≠ {addends} = {sum}{blank}",
        proceeding="行政复议",
        total="0",
        addends=listed(
            " + ",
            [
                say("{outcome} {value}", outcome=o, value=v)
                for o, v in (("结果维持", "0"), ("结果纠正", "0"), ("其他结果", "1"), ("尚未审结", "0"))
            ],
        ),
        sum="1",
        blank="",
    ),
    80,
    ("review_litigation.reconsideration_total", "review_litigation.reconsideration_other"),
)
ROW_WIDTH = _finding(
    "row-width",
    "error",
    say(
        "{row} 有 {count} 个数字，表格有 {width} 列（自然人…总计），无法确定对应关系，记为空值；原文数字：{printed}",
        row=say("“{row}”", row=named("（一）予以公开")),
        count="5",
        width="7",
        printed=printed(["0"] * 5),
    ),
    45,
    ("applications.disclosed",),
)
HOSTILE = "<script>alert('x')</script>"


def seed_reports() -> list[Report]:
    return [
        make_report(
            year=2019, published="2020-01-15", values=consistent_applications("2019", (1, 0, 0, 0, 0, 0, 1))
        ),
        make_report(year=2020, published="2021-02-10"),
        make_report(
            agency="双阳区齐家镇人民政府",
            agency_id="shuang-yang-qu-qi-jia-zhen-ren-min-zheng-fu",
            region=SHUANGYANG,
            values=inconsistent_values(),
            review_values={
                "reconsideration_upheld": 0,
                "reconsideration_other": 1,
                "reconsideration_total": 0,
            },
            findings=(TOTAL_FINDING, REVIEW_FINDING),
            published=None,
            source_url=None,
        ),
        make_report(
            agency="上高县机关事务局",
            agency_id="shang-gao-xian-ji-guan-shi-wu-ju",
            region=SHANGGAO,
            year=2021,
            template="2021",
            published="2022-01-28",
            findings=(ROW_WIDTH,),
            values=_with_blank_row(consistent_applications("2021", (123456, 0, 0, 0, 0, 0, 123456))),
            unassigned={"disclosed": ("0", "0", "0", "0", "0")},
            published_total=Cell(1010, "1010件", "件", 30),
        ),
        make_report(
            agency=f"{HOSTILE}局",
            agency_id="e-yi-ju",
            region=None,
            source_url="javascript:alert(1)",
            sections={1: f"{HOSTILE}\n[点我](javascript:alert(1))\n![图](http://evil.example/x.png)"},
            findings=(Finding("unknown-row", "warning", f"原文有一行 {HOSTILE}", 33, ()),),
        ),
    ]


def _with_blank_row(values: dict[str, list[int | None]]) -> dict[str, list[int | None]]:
    values = dict(values)
    values["disclosed"] = [None] * 7
    return values


SCHEMA_FIXTURE: dict[str, Any] = {
    "description": "每份报告的收到和处理申请情况表，一行是一个办理结果。\n\nEach report's applications table; a row is one outcome.",
    "fields": [
        {
            "name": "report_id",
            "title": "报告 ID / Report ID",
            "type": "string",
            "description": "机关 ID 加年度\n\nThe agency's ID and the year",
            "constraints": {"required": True},
        },
        {
            "name": "row",
            "title": "行 / Row",
            "type": "string",
            "description": "行标识\n\nRow identifier",
            "constraints": {"enum": ["new_received", "carried_over"]},
        },
        {
            "name": "natural_person",
            "title": "自然人 / Individuals",
            "type": "integer",
            "description": "空白为空值，不是 0\n\nBlank is null, not 0",
            "constraints": {"minimum": 0},
        },
    ],
    "primaryKey": ["report_id", "row"],
}


def make_corpus(reports: Sequence[Report] | None = None, **config: Any) -> Corpus:
    pages = {
        "about": "# 关于本站\n\n本站整理[数据](../data/)。<b>不是 HTML</b>",
        "methodology": "# 方法说明\n\n| 规则 | 含义 |\n|---|---|\n| a | b |\n",
        "contribute": "# 参与贡献\n\n欢迎提交拉取请求。",
    }
    return build_corpus(
        reports if reports is not None else seed_reports(),
        pages=pages,
        schemas={"applications": SCHEMA_FIXTURE},
        config=SiteConfig(**config),
    )


def make_sources(corpus: Corpus) -> list[SourceFile]:
    """Each report's original file, in miniature."""
    return [SourceFile(r.meta.source_file, f"{r.meta.agency}\n年度报告原文".encode()) for r in corpus.reports]
