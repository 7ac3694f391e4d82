"""Read stage: find report files, decode their bytes, split off the front matter.

This and `write.py` are the only stages that touch the disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator.errors import NotAReport
from generator.model import Finding, Source
from generator.read.registry import valid_id
from generator.rules import finding

MAX_BYTES = 5 * 1024 * 1024  # a text report is a few tens of KB; anything this big is not one
MAX_FILE_BYTES = 25 * 1024 * 1024  # any format; each reader applies its own tighter limit

# Fields a contributor may state in front matter; they win over what the parser infers.
FRONT_MATTER_FIELDS = {
    "agency": "发布机关全称",
    "year": "报告年度（整数）",
    "published": "发布日期 YYYY-MM-DD",
    "region": "行政区划：6 位代码（如 360923）或全称（如 江西省宜春市上高县）",
    "source_url": "原文网址",
    "title": "报告标题",
    "id": "机关 ID（小写字母、数字和 -；一般不用写：ID 登记在 content/agencies.csv）",
    "acknowledge": "原件本身的问题：[{rule: 规则, reason: 说明}]",
}


def discover(content_dir: Path) -> list[Path]:
    """Report files under content/reports, in a stable order."""
    return [Path(name) for name in discover_names(content_dir)]


def discover_names(content_dir: Path) -> list[str]:
    """The same, as path strings (the build looks at every file each time: no Path objects)."""
    reports = content_dir / "reports"
    if not reports.is_dir():
        return []
    found: list[str] = []
    for folder, dirs, files in os.walk(reports):  # one directory listing per folder, no stat per file
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(f"{folder}/{f}" for f in files if not f.startswith(".") and f != "README.md")
    return sorted(found)


def decode_source(data: bytes, name: str) -> Source:
    if len(data) > MAX_BYTES:
        raise NotAReport(
            name, f"file is {len(data):,} bytes; a text report is expected to be under {MAX_BYTES:,}"
        )
    text, encoding = decode_bytes(data, name)
    lines = text.split("\n")
    body_start, front, findings = split_front_matter(lines, name)
    body = tuple(lines[body_start:])
    if not any(line.strip() for line in body):
        raise NotAReport(name, "empty file: no report text")
    return Source(
        path=name,
        lines=body,
        first_line=body_start + 1,
        front_matter=front,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        findings=tuple(findings),
    )


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode UTF-8 (with or without BOM), GB18030/GBK or what charset-normalizer finds; normalise line ends."""
    if not data.strip():
        raise NotAReport(name, "empty file: no report text")
    if data.startswith(b"\xef\xbb\xbf"):
        text, encoding = data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = data.decode("utf-16"), "utf-16"
    else:
        text, encoding = _decode_without_bom(data, name)
    if _looks_binary(text):
        raise NotAReport(name, "binary file: expected the report's text (UTF-8 or GB18030)")
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _decode_without_bom(data: bytes, name: str) -> tuple[str, str]:
    if b"\x00" in data:
        raise NotAReport(name, "binary file: expected the report's text (UTF-8 or GB18030)")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes  # only for text in neither encoding

    best = from_bytes(data).best()
    if best is None:
        raise NotAReport(name, "binary file: expected the report's text (UTF-8 or GB18030)")
    return str(best), best.encoding


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # below space, but for \t \n \f \r


def _looks_binary(text: str) -> bool:
    sample = text[:4000]
    return len(_CONTROL.findall(sample)) > max(8, len(sample) // 50)


_FENCE = re.compile(r"^---\s*$")


def split_front_matter(lines: list[str], name: str) -> tuple[int, dict[str, Any], list[Finding]]:
    """Return (index of first body line, front matter fields, findings)."""
    if not lines or not _FENCE.match(lines[0].lstrip("\ufeff")):
        return 0, {}, []
    try:
        end = next(i for i in range(1, min(len(lines), 200)) if _FENCE.match(lines[i]))
    except StopIteration:
        return (
            0,
            {},
            [finding("front-matter-invalid", "front matter opened with --- on line 1 is never closed", 1)],
        )
    import yaml  # only for files with front matter

    block = "\n".join(lines[1:end])
    try:
        loaded = yaml.safe_load(block) if block.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "not valid `key: value` lines"
        return end + 1, {}, [finding("front-matter-invalid", f"front matter: {problem}", line)]
    if not isinstance(loaded, dict):
        return end + 1, {}, [finding("front-matter-invalid", "front matter must be `key: value` lines", 2)]
    fields, findings = validate_front_matter(loaded, lines[1:end])
    return end + 1, fields, findings


def _line_of_key(block_lines: list[str], key: str) -> int:
    for i, line in enumerate(block_lines):
        if line.startswith(f"{key}:"):
            return i + 2
    return 1


def validate_front_matter(
    loaded: Mapping[Any, Any], block_lines: list[str]
) -> tuple[dict[str, Any], list[Finding]]:
    fields: dict[str, Any] = {}
    findings: list[Finding] = []
    for key, value in loaded.items():
        key = str(key)
        line = _line_of_key(block_lines, key)
        if key not in FRONT_MATTER_FIELDS:
            known = ", ".join(FRONT_MATTER_FIELDS)
            findings.append(
                finding("front-matter-invalid", f"front matter: unknown field {key!r} (known: {known})", line)
            )
            continue
        problem, clean = _clean_field(key, value)
        if problem:
            findings.append(finding("front-matter-invalid", f"front matter: {key} {problem}", line))
        else:
            fields[key] = clean
    return fields, findings


def _clean_field(key: str, value: Any) -> tuple[str | None, Any]:
    if key == "year":
        if isinstance(value, int) and 2008 <= value <= 2100:  # the Regulations took effect in 2008
            return None, value
        return f"should be a year such as 2020, got {value!r}", None
    if key == "published":
        if isinstance(value, dt.date):
            return None, value.isoformat()
        try:
            return None, dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            return f"should be a date YYYY-MM-DD, got {value!r}", None
    if key == "acknowledge":
        return _clean_acknowledge(value)
    if key == "id" and not valid_id(str(value)):
        return (
            f"should be lowercase letters, digits and single hyphens (e.g. dehui-shi-zhengfu), got {value!r}",
            None,
        )
    if value is None or str(value).strip() == "":
        return "is empty", None
    return None, str(value).strip()


def _clean_acknowledge(value: Any) -> tuple[str | None, Any]:
    items = value if isinstance(value, list) else [value]
    clean: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict) or not item.get("rule") or not item.get("reason"):
            return "should be a list of {rule: …, reason: …}", None
        entry: dict[str, Any] = {"rule": str(item["rule"]), "reason": str(item["reason"])}
        if "line" in item:
            if not isinstance(item["line"], int):
                return f"line should be a line number, got {item['line']!r}", None
            entry["line"] = item["line"]
        clean.append(entry)
    return None, clean
