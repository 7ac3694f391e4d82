"""Table A: 主动公开政府信息情况 (第二十条 blocks), template detection, and the provincial total line."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from generator.messages import listed, named, printed, raw, say
from generator.model import Cell, Finding, ProactiveRow, Source
from generator.parse.rows import fit_width, token_cell, values_after
from generator.parse.text import clean, norm, read_number
from generator.parse.tokens import Token
from generator.rules import finding
from generator.spec import ProactiveBlock, ProactiveItem, proactive_blocks

_CAPTION = re.compile(r"第二十条第\(?([一二三四五六七八九十]+)\)?项")
_NOTE = re.compile(r"\(.*?\)|（.*?）")
# Header words that only one template prints (template-spec §8). Table A decides; Table B is the fallback.
_MARKERS_2019 = (
    "本年新制作",
    "本年新公开",
    "上一年项目",
    "增/减",
    "采购项目数量",
    "采购总金额",
    "政府集中采购",
)
_MARKERS_2021 = ("本年制发", "本年废止", "现行有效", "本年处理决定", "本年收费金额")
_TOTAL_LINE = re.compile(r"(?:\d{4}\s*年|本年).{0,30}发布总数量.*?[:：](?P<value>.*)$")


@dataclass(frozen=True)
class Block:
    number: str  # 一, 五, 六, 八, 九
    caption: Token
    tokens: tuple[Token, ...]  # the block's cells after its caption


def _is_end(token: Token) -> bool:
    key = token.key
    return any(w in key for w in ("发布总数量", "收到和处理", "本列数据", "申请人情况", "本年新收"))


def find_blocks(tokens: Sequence[Token]) -> list[Block]:
    starts = [(i, m.group(1)) for i, t in enumerate(tokens) if (m := _CAPTION.search(t.key))]
    blocks = []
    for n, (start, number) in enumerate(starts):
        stop = starts[n + 1][0] if n + 1 < len(starts) else len(tokens)
        end = next((j for j in range(start + 1, stop) if _is_end(tokens[j])), stop)
        blocks.append(Block(number, tokens[start], tuple(tokens[start + 1 : end])))
    return blocks


def detect_from_headers(blocks: Sequence[Block]) -> str | None:
    keys = [t.key for b in blocks for t in b.tokens] + [b.caption.key for b in blocks]
    has_2019 = any(m in k for k in keys for m in _MARKERS_2019) or any(b.number == "九" for b in blocks)
    has_2019 = has_2019 or "本年新" in keys  # header cut off after 本年新 (template-spec §9 item 2)
    has_2021 = any(m in k for k in keys for m in _MARKERS_2021)
    if has_2019 == has_2021:
        return None
    return "2019" if has_2019 else "2021"


def _item_matchers(item: ProactiveItem) -> Callable[[str], bool]:
    matchers: dict[str, Callable[[str], bool]] = {
        "regulations": lambda k: k == "规章",
        "normative_documents": lambda k: k.startswith(("规范性", "行政规范性")),
        "administrative_licensing": lambda k: "行政许可" in k and "其他" not in k,
        "other_admin_services": lambda k: "对外管理服务" in k,
        "administrative_penalty": lambda k: "行政处罚" in k,
        "administrative_coercion": lambda k: "行政强制" in k,
        "administrative_fees": lambda k: k.startswith("行政事业性收费"),
        "government_procurement": lambda k: k.startswith("政府集中采购"),
    }
    return matchers[item.id]


def _label_key(token: Token) -> str:
    """A row label without the notes some provinces add in brackets (Hubei: 规章(设区的市…))."""
    return _NOTE.sub("", norm(token.text))


def _caption_rest(block: Block) -> tuple[Token, ...]:
    """What a caption's cell holds after the caption, when the next cells ran into it (a PDF's text:
    “第二十条第（五）项信息内容本年处理决定数量行政许可”): a label of its own."""
    caption = block.caption
    match = _CAPTION.search(caption.key)
    rest = caption.key[match.end() :] if match else ""
    return (Token.of(rest, caption.line, caption.row),) if rest else ()


def _without_header(key: str, spec: ProactiveBlock) -> str:
    """A row label run into the block's header words (text whose line breaks were lost, or a PDF's:
    “信息内容本年制发件数…现行有效件数规章”), without them."""
    for word in ("信息内容", *(norm(m.label) for m in spec.measures)):
        if key.startswith(word) and len(key) > len(word):
            key = key[len(word) :]
    return key


def parse_block(block: Block, spec: ProactiveBlock) -> tuple[list[ProactiveRow], list[Finding]]:
    rows: list[ProactiveRow] = []
    findings: list[Finding] = []
    width = len(spec.measures)
    tokens = (*_caption_rest(block), *block.tokens)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.is_value:
            i += 1
            continue
        values, nxt = values_after(tokens, i)
        key = _without_header(_label_key(token), spec)
        item = next((it for it in spec.items if _item_matchers(it)(key)), None)
        if item is not None:
            row, problems = _read_item(item, spec, token, values, width)
            rows.append(row)
            findings.extend(problems)
        elif values and any(not v.is_blank for v in values):
            message = say(
                "主动公开表中“{row}”一行不属于国家模板，未纳入：{printed}",
                row=raw(token.text),
                printed=printed([v.text for v in values]),
            )
            findings.append(finding("unknown-row", message, token.line))
        i = nxt
    return rows, findings


def _read_item(
    item: ProactiveItem, spec: ProactiveBlock, label: Token, values: list[Token], width: int
) -> tuple[ProactiveRow, list[Finding]]:
    refs = tuple(f"proactive.{item.id}.{m.id}" for m in spec.measures)
    fitted = fit_width(values, width)
    if fitted is None:
        message = say(
            "主动公开表“{row}”有 {count} 个数字，该栏有 {width} 列（{columns}），无法确定对应关系，记为空值；原文：{printed}",
            row=named(label.text),
            count=str(len(values)),
            width=str(width),
            columns=listed("、", [m.label for m in spec.measures]),
            printed=printed([v.text for v in values]),
        )
        cells = {m.id: Cell(line=label.line) for m in spec.measures}
        return ProactiveRow(item.id, label.text, label.line, cells), [
            finding("row-width", message, label.line, refs)
        ]
    cells = {}
    findings = []
    for measure, token in zip(spec.measures, fitted, strict=True):
        cell = token_cell(token)
        if measure.kind != "money" and isinstance(cell.value, float):
            ref = f"proactive.{item.id}.{measure.id}"
            message = say(
                "主动公开表“{row} · {column}”为“{printed}”，应为整数，记为空值",
                row=named(label.text),
                column=measure.label,
                printed=raw(token.text),
            )
            findings.append(finding("not-integer", message, token.line, (ref,)))
            cell = Cell(None, cell.raw, cell.unit, cell.line)
        cells[measure.id] = cell
    return ProactiveRow(item.id, label.text, label.line, cells), findings


def parse_proactive(blocks: Sequence[Block], template: str) -> tuple[tuple[ProactiveRow, ...], list[Finding]]:
    if not blocks:
        message = say("没有找到“主动公开政府信息情况”表格（应有“第二十条第（一）项”等栏目）")
        return _blank_rows(template), [finding("table-missing", message)]
    by_number = {b.number: b for b in blocks}
    rows: list[ProactiveRow] = []
    findings: list[Finding] = []
    for spec in proactive_blocks(template):
        block = by_number.get(spec.block)
        found, problems = parse_block(block, spec) if block else ([], [])
        findings.extend(problems)
        found_ids = {r.item for r in found}
        for item in spec.items:
            if item.id not in found_ids:
                line = block.caption.line if block else blocks[0].caption.line
                message = say(
                    "主动公开表缺少“{block} {row}”一行，记为空值", block=spec.caption, row=item.label
                )
                refs = tuple(f"proactive.{item.id}.{m.id}" for m in spec.measures)
                findings.append(finding("row-missing", message, line, refs))
                found.append(ProactiveRow(item.id, item.label, None, {m.id: Cell() for m in spec.measures}))
        rows.extend(sorted(found, key=lambda r: [it.id for it in spec.items].index(r.item)))
    return tuple(rows), findings


def _blank_rows(template: str) -> tuple[ProactiveRow, ...]:
    return tuple(
        ProactiveRow(item.id, item.label, None, {m.id: Cell() for m in spec.measures})
        for spec in proactive_blocks(template)
        for item in spec.items
    )


def parse_total_line(source: Source) -> Cell | None:
    """The provincial line `20XX年本行政区域（或本部门）政府信息公开发布总数量（…）：N` (blank N allowed)."""
    for index, line in enumerate(source.lines):
        text = line.replace("\t", "") if "\t" in line else line
        match = _TOTAL_LINE.search(text) if "发布总数量" in text else None  # the words first: far faster
        if match:
            raw = clean(match["value"])
            number = read_number(raw)
            value = number.value if number else None
            unit = number.unit if number else None
            return Cell(value=value, raw=raw, unit=unit, line=source.line_no(index))
    return None
