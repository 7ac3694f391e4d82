"""The site's two editions: Chinese (the primary one, at the root) and English (under en/).

Every string a page shows is written in Chinese in the templates and the code, and looked up in one
catalogue per language (`generator/data/i18n/<lang>.json`, Chinese → that language), so the English
edition is the same templates rendered with `lang="en"`. `tests/test_i18n.py` fails when a string
the pages use has no English, instead of a page showing a blank or Chinese where English belongs.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from generator.messages import Text

CATALOGUES = Path(__file__).resolve().parent.parent / "data" / "i18n"
PRIMARY = "zh"
LANGS = ("zh", "en")
HTML_LANG = {"zh": "zh-CN", "en": "en"}
PREFIX = {"zh": "", "en": "en/"}  # where each edition's pages are, under the site


@lru_cache(maxsize=4)
def catalogue(lang: str) -> dict[str, str]:
    if lang == PRIMARY:
        return {}
    data: dict[str, str] = json.loads((CATALOGUES / f"{lang}.json").read_text(encoding="utf-8"))
    return data


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_QUOTED = re.compile(r"“([^”]*)”")
_JOINERS = (" · ", "：", " ")  # a label made of labels: 行 · 列, 行：说明, 组 行
_SUFFIXES = ("（整行）",)


def translate(text: str, lang: str) -> str:
    """`text` (Chinese) in `lang`; the Chinese itself when the catalogue lacks it (a test makes sure
    it never does for what the pages show). Text made in code is looked up as its pattern: numbers
    as {0}, {1}… (与问题 3 有关), a quoted value as {0}, a label joined from labels part by part."""
    if lang == PRIMARY or not text:
        return text
    catalogue_ = catalogue(lang)
    found = catalogue_.get(text)
    if found is not None:
        return found
    for pattern, values in (_numbered(text), _quoted(text)):
        if values and pattern in catalogue_:
            return catalogue_[pattern].format(*values)
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and text != suffix:
            return translate(text[: -len(suffix)], lang) + translate(suffix, lang)
    for joiner in _JOINERS:
        parts = text.split(joiner, 1) if joiner == "：" else text.split(joiner)
        if len(parts) > 1 and all(parts):
            shown = [translate(part, lang) for part in parts]
            if all(s != p or not _CJK.search(p) for s, p in zip(shown, parts, strict=True)):
                return translate(joiner, lang).join(shown) if joiner == "：" else joiner.join(shown)
    return text


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _numbered(text: str) -> tuple[str, list[str]]:
    numbers = _NUMBER.findall(text)
    count = iter(range(len(numbers)))
    return _NUMBER.sub(lambda _: "{" + str(next(count)) + "}", text), numbers


def _quoted(text: str) -> tuple[str, list[str]]:
    quoted = _QUOTED.findall(text)
    return (_QUOTED.sub("“{0}”", text, count=1), quoted[:1]) if len(quoted) == 1 else (text, [])


def message_label(text: str, lang: str) -> str:
    """A part of a finding message in `lang`: a pattern (it has slots) as the catalogue has it, a
    label as any label is looked up."""
    return catalogue(lang).get(text, text) if "{" in text else translate(text, lang)


def message_in(text: Text, lang: str, html: bool = False) -> str:
    """A finding message in `lang`: what the report printed as it is (`html`: escaped, and marked
    lang="zh-CN" where it is Chinese)."""
    if html:
        said = text.say(lambda part: str(escape(message_label(part, lang))), _as_printed)
    else:
        said = text.say(lambda part: message_label(part, lang))
    return said[:1].upper() + said[1:]  # a sentence, though its pattern may start mid-sentence


def _as_printed(text: str) -> str:
    return str(Markup('<span lang="zh-CN">{}</span>').format(text) if _CHINESE.search(text) else escape(text))


_CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # with full-width forms: marked too


@pass_context
def gettext(context: Context, text: str, ctx: str = "", **params: Any) -> Markup:
    """`{{ _("共 %(n)s 份报告", n=count) }}` in a template: the page's language, with the values
    escaped into it. Catalogue strings are the project's own (they may hold markup); values are not.
    `ctx` tells apart one Chinese word that English says two ways (机关: Agencies in the menu,
    Agency for one report's): its catalogue key is "<text>|<ctx>"."""
    lang = context.get("lang", PRIMARY)
    found = Markup(text if lang == PRIMARY else translate(f"{text}|{ctx}" if ctx else text, lang))
    return found % params if params else found


@pass_context
def translate_filter(context: Context, text: str | None) -> str:
    """`{{ label|t }}`: a label made in code (table rows, levels, rules) in the page's language."""
    return translate(text or "", context.get("lang", PRIMARY))


# The sections of the site that have an English edition (en/<section>…); a link from an English page
# to any other section goes to its Chinese page.
ENGLISH_SECTIONS = (
    "",
    "agencies/",
    "regions/",
    "reports/",
    "data/",
    "methodology/",
    "about/",
    "contribute/",
    "quality/",
    "compare/",
    "trends/",
    "search/",
)
ENGLISH_TEMPLATES = frozenset(
    {
        "index.html",
        "agencies.html",
        "region.html",
        "agency.html",
        "report.html",
        "data.html",
        "page.html",
        "quality.html",
        "quality_province.html",
        "compare_index.html",
        "compare.html",
        "trends.html",
        "search.html",
        "redirect.html",
    }
)


def has_english(path: str) -> bool:
    """Whether the page at `path` (a Chinese edition path) has an English edition."""
    section = path.split("/", 1)[0] + "/" if "/" in path else ""
    return section in ENGLISH_SECTIONS and (section != "" or path == "index.html")


def edition_path(path: str, lang: str) -> str:
    """A page's path in an edition: reports/x/index.html → en/reports/x/index.html."""
    return PREFIX[lang] + path
