"""Read stage: find report files, decode their bytes, split off the front matter.

This and `write.py` are the only stages that touch the disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from generator.errors import NotAReport
from generator.messages import raw, say
from generator.model import Finding, Source
from generator.read.registry import valid_id
from generator.rules import finding

MAX_BYTES = 5 * 1024 * 1024  # a text report is a few tens of KB; anything this big is not one
MAX_FILE_BYTES = 25 * 1024 * 1024  # any format; each reader applies its own tighter limit
# C0 and C1 control characters, DEL and NUL, but for tab and line ends: never in a report's text.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

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
    return discover_entries(content_dir).names


@dataclass(frozen=True)
class Discovered:
    """What is under content/reports: the regular files to read (absolute paths, sorted); what is
    not read and why (symbolic links, devices, FIFOs, sockets, names that are not UTF-8 text); and
    the dot-files and dot-folders passed over. Paths that are refused or skipped are printable."""

    names: list[str]
    refused: list[tuple[str, str]]
    skipped: list[str]


def discover_entries(content_dir: Path) -> Discovered:
    """Only regular files inside the repository are reports: a symbolic link may point anywhere (a
    file outside the repository would be published, /dev/zero read for ever), so none is followed."""
    reports = content_dir / "reports"
    if os.path.islink(reports):
        return Discovered([], [(str(reports), "a symbolic link, not a folder: skipped")], [])
    if not reports.is_dir():
        return Discovered([], [], [])
    names: list[str] = []
    refused: list[tuple[str, str]] = []
    skipped: list[str] = []
    folders = [str(reports)]
    while folders:  # one directory listing per folder; the entry's type comes with it (no stat)
        with os.scandir(folders.pop()) as listing:
            for entry in listing:
                if entry.name.startswith("."):
                    skipped.append(printable(entry.path))
                elif problem := _not_a_file(entry):
                    refused.append((printable(entry.path), problem))
                elif entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.name != "README.md":
                    names.append(entry.path)
    return Discovered(sorted(names), sorted(refused), sorted(skipped))


def _not_a_file(entry: os.DirEntry[str]) -> str | None:
    """Why this entry is not read (None: a regular file or a folder)."""
    if problem := name_problem(entry.name):
        return problem
    if entry.is_symlink():
        return "a symbolic link, not a file: skipped"
    if entry.is_dir(follow_symlinks=False) or entry.is_file(follow_symlinks=False):
        return None
    return f"{kind_of(entry.stat(follow_symlinks=False).st_mode)}, not a file: skipped"


def name_problem(name: str) -> str | None:
    """A file name that cannot be shown as it is: not UTF-8, or holding control characters."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "the file name is not valid UTF-8: skipped (rename the file)"
    if CONTROL_CHARACTERS.search(name) or "\t" in name or "\n" in name:
        return "the file name holds control characters: skipped (rename the file)"
    return None


def printable(path: str) -> str:
    """A path as messages can show it: bytes that are not UTF-8 and control characters escaped."""
    text = os.fsencode(path).decode("utf-8", errors="backslashreplace")
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: f"\\x{ord(m.group()):02x}", text)


def kind_of(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a folder" if stat.S_ISDIR(mode) else "not a regular file"


def read_regular(path: str, shown: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes, never following a symbolic link and never reading past `limit`
    (what the file's size said when it was listed is not trusted). Raises NotAReport or OSError."""
    mode = os.lstat(path).st_mode
    if not stat.S_ISREG(mode):
        raise NotAReport(shown, f"{kind_of(mode)}, not a file: skipped")
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)  # replaced by a link or a pipe since: refused below
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise NotAReport(shown, f"{kind_of(status.st_mode)}, not a file: skipped")
        if status.st_size > limit:
            raise NotAReport(shown, f"file is {status.st_size:,} bytes; the limit is {limit:,}")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise NotAReport(shown, f"file is over {limit:,} bytes; the limit is {limit:,}")
    return data


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
        text, encoding = _decode_marked(data[3:], "utf-8", name), "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text, encoding = _decode_marked(data, "utf-16", name), "utf-16"
    else:
        text, encoding = _decode_without_bom(data, name)
    if _looks_binary(text):
        raise NotAReport(name, "binary file: expected the report's text (UTF-8 or GB18030)")
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _decode_marked(data: bytes, encoding: str, name: str) -> str:
    """Text that starts with a byte-order mark is in that encoding, or it is not a report."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n" if encoding == "utf-8" else b"\n\x00") + 1
        raise NotAReport(
            name,
            f"the file starts with a {encoding.upper()} byte-order mark, but byte {exc.start:,} "
            f"(line {line}) is not {encoding.upper()}: save the file again as UTF-8",
        ) from None


def _decode_without_bom(data: bytes, name: str) -> tuple[str, str]:
    if data.count(b"\x00") > 8:  # UTF-16 without a mark, or binary; a stray NUL is removed later
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


MAX_DIGITS = 100  # a report's largest numbers have a dozen digits; a row run together, a few dozen
_DIGIT_RUN = r"(?:\d[,，.．\u00a0\u3000 ]?)"  # a digit and what may stand inside a number
_LONG_NUMBER = re.compile(f"{_DIGIT_RUN}{{{MAX_DIGITS + 1}}}")
_NUMBER_RUN = re.compile(_DIGIT_RUN + "+")


def without_controls(source: Source) -> Source:
    """The text the parser sees, without control characters: they would reach pages and CSVs (a
    warning names the first line that had one)."""
    lines = list(source.lines)
    first = None
    for index, line in enumerate(lines):
        if CONTROL_CHARACTERS.search(line):
            lines[index] = CONTROL_CHARACTERS.sub("", line)
            first = index if first is None else first
    front = {
        k: CONTROL_CHARACTERS.sub("", v) if isinstance(v, str) else v for k, v in source.front_matter.items()
    }
    if first is None:
        return source if front == source.front_matter else replace(source, front_matter=front)
    message = say("文本含不可见的控制字符（如 NUL、ESC），已删除；此行是第一处")
    found = finding("control-characters", message, source.line_no(first))
    return replace(source, lines=tuple(lines), front_matter=front, findings=(*source.findings, found))


def check_numbers(source: Source) -> Source:
    """A number too long to be one (a million digits would not even convert) is not a report."""
    for index, line in enumerate(source.lines):
        _check_digits(line, source, index)
    return source


def _check_digits(line: str, source: Source, index: int) -> None:
    if len(line) <= MAX_DIGITS or not (long := _LONG_NUMBER.search(line)):
        return
    run = _NUMBER_RUN.match(line, long.start())
    digits = sum(map(str.isdigit, run.group())) if run else MAX_DIGITS + 1
    raise NotAReport(
        source.path,
        f"line {source.line_no(index)} holds a number of {digits:,} digits; "
        f"a number in a report has at most {MAX_DIGITS}",
    )


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
            [
                finding(
                    "front-matter-invalid", say("front matter opened with --- on line 1 is never closed"), 1
                )
            ],
        )
    import yaml  # only for files with front matter

    block = "\n".join(lines[1:end])
    try:
        loaded = load_front_matter(block) if block.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or "not valid `key: value` lines"
        message = say("front matter: {problem}", problem=raw(problem))
        return end + 1, {}, [finding("front-matter-invalid", message, line)]
    except ValueError:  # an integer of more digits than Python converts
        message = say("front matter: a number too long to be any field's value")
        return end + 1, {}, [finding("front-matter-invalid", message, 1)]
    if not isinstance(loaded, dict):
        return (
            end + 1,
            {},
            [finding("front-matter-invalid", say("front matter must be `key: value` lines"), 2)],
        )
    fields, findings = validate_front_matter(loaded, lines[1:end])
    return end + 1, fields, findings


MAX_FRONT_MATTER_DEPTH = 8  # acknowledge: [{rule, reason}] is three levels deep


def load_front_matter(block: str) -> Any:
    """YAML as plain data, with no alias (`*name`: a kilobyte of aliases can expand to gigabytes)
    and no nesting deeper than MAX_FRONT_MATTER_DEPTH (deeper input would exhaust the stack)."""
    import yaml
    from yaml.composer import ComposerError

    class Loader(yaml.SafeLoader):
        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                mark = self.peek_event().start_mark
                raise ComposerError(None, None, "aliases (*name) are not allowed in front matter", mark)
            if self.depth >= MAX_FRONT_MATTER_DEPTH:
                mark = self.peek_event().start_mark
                problem = f"nested more than {MAX_FRONT_MATTER_DEPTH} levels deep"
                raise ComposerError(None, None, problem, mark)
            self.depth += 1
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    loader = Loader(block)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


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
                finding(
                    "front-matter-invalid",
                    say(
                        "front matter: unknown field {key} (known: {known})",
                        key=raw(repr(key)),
                        known=raw(known),
                    ),
                    line,
                )
            )
            continue
        problem, clean = _clean_field(key, value)
        if problem:
            message = say("front matter: {key} {problem}", key=raw(key), problem=raw(problem))
            findings.append(finding("front-matter-invalid", message, line))
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
