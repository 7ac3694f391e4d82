"""What a template needs to speak its page's language: names, regions, links and scripts' texts in
the edition being rendered (Chinese at the root, English under en/; see site/i18n.py)."""

from __future__ import annotations

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from generator.model import Region
from generator.site.findings import FindingView
from generator.site.i18n import PRIMARY, edition_path, has_english, message_in, translate
from generator.site.model import Agency
from generator.site.romanise import agency_name, region_names


@pass_context
def name_of(context: Context, agency: Agency) -> Markup | str:
    """An agency's name as a page in its language shows it: on an English page, the romanised name
    and the official Chinese one beside it."""
    if context.get("lang", PRIMARY) == PRIMARY:
        return agency.name
    return Markup('{} <span lang="zh-CN" class="zh">{}</span>').format(roman_of(agency), agency.name)


# What static/figures.js writes (looked up in the page's language on an English page).
FIGURE_STRINGS = (
    "下载图表数据（CSV）",
    "交互图表",
    "正在载入交互图表…",
    "已显示交互图表",
    "交互图表载入失败，重试",
    "项目",
    "件数",
    "年度",
    "有相关问题",
    "是",
    "否",
)


@pass_context
def strings_in(context: Context, texts: tuple[str, ...]) -> dict[str, str]:
    """Texts a script shows, in the page's language ({} on a Chinese page: the script's own)."""
    lang = context.get("lang", PRIMARY)
    return {} if lang == PRIMARY else {text: translate(text, lang) for text in texts}


@pass_context
def own_words(context: Context, text: str | None) -> Markup | str:
    """What a report says in its own words (a finding's details, an acknowledgement, a name): as it
    is on a Chinese page, marked lang="zh-CN" on a page in another language."""
    if context.get("lang", PRIMARY) == PRIMARY:
        return text or ""
    return Markup('<span lang="zh-CN">{}</span>').format(text or "")


@pass_context
def message_of(context: Context, finding: FindingView) -> Markup | str:
    """A finding's message in the page's language: its pattern and labels from the catalogue, what
    the report printed (numbers as printed, names, row labels it made up) as it is, marked Chinese."""
    lang = context.get("lang", PRIMARY)
    if lang == PRIMARY:
        return finding.message
    if finding.text is None:  # a finding made directly, without a pattern (a test's)
        return own_words(context, finding.message)
    return Markup(message_in(finding.text, lang, html=True))


def english_half(text: str) -> str:
    """The English of a bilingual schema text: "中文\n\nEnglish" or "名称 / Title"."""
    if "\n\n" in text:
        return text.split("\n\n")[-1]
    return text.split(" / ")[-1]


def roman_of(agency: Agency) -> str:
    return agency_name(agency.name, agency.region)


@pass_context
def region_of(context: Context, region: Region | None, unknown: str = "不详") -> Markup | str:
    """A region as a page in its language names it: 四川省成都市; Chengdu City, Sichuan Province."""
    lang = context.get("lang", PRIMARY)
    if region is None:
        return translate(unknown, lang)
    if lang == PRIMARY:
        return region.name
    english = ", ".join(e for _, e in reversed(region_names(region)))
    return Markup('{} <span lang="zh-CN" class="zh">{}</span>').format(english, region.name)


@pass_context
def page_href(context: Context, target: str) -> str:
    """A link to a page of the site (`agencies/x/`), from the page being rendered: to its edition in
    the page's language when it has one, else to the Chinese page."""
    lang = context.get("lang", PRIMARY)
    root = context["root"]
    if lang != PRIMARY and _english_target(target):
        return f"{root}{edition_path(target, lang)}"
    return f"{root}{target}"


def _english_target(target: str) -> bool:
    path = target.split("#", 1)[0]
    return has_english(path + "index.html" if path == "" or path.endswith("/") else path)
