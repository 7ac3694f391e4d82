"""Render stage: a page's context -> HTML bytes, and the site's static assets.

Pure: nothing here writes to disk (`engine.write` does). The families (`families.py`) call

    html = render_page(page, config)             # one page (`site.pages` makes its context)
    files = render_editions(page, config)        # the page in Chinese and, when it has one, English
    assets = static_assets(cache_dir)            # CSS, scripts, the Vega bundle
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from generator.clock import stage, timed
from generator.site.charts import charts_script
from generator.site.edition import (
    FIGURE_STRINGS,
    english_half,
    message_of,
    name_of,
    own_words,
    page_href,
    region_of,
    roman_of,
    strings_in,
)
from generator.site.i18n import (
    ENGLISH_TEMPLATES,
    HTML_LANG,
    LANGS,
    PRIMARY,
    edition_path,
    gettext,
    has_english,
    translate_filter,
)
from generator.site.model import (
    REPO_ROOT,
    SiteConfig,
    agency_url,
    report_id,
    report_title,
    report_url,
    root_for,
)
from generator.site.pages import Page
from generator.site.romanise import province_en, province_name_en
from generator.site.textfmt import format_change, format_number, format_or_dash, format_percent, format_size

TEMPLATES_DIR = REPO_ROOT / "templates"
STATIC_DIR = TEMPLATES_DIR / "static"
# Every page's Content Security Policy (a <meta> first in <head>; `build.py serve` also sends it as a
# header). Only the site's own files run or style anything: a script or style="" that reaches a page
# from a report, a Markdown page or a published original is inert, and nothing is fetched from another
# host. No 'unsafe-eval': Vega evaluates its expressions with vega-embed's interpreter (BUNDLE_SNIPPET),
# not `new Function`. No 'unsafe-inline': Vega's stylesheets are a static file (static/vega.css), and
# what it sets through element.style is not an inline style attribute. The one relaxation beyond
# 'self': img-src data:, for the empty favicon (`<link rel="icon" href="data:,">`), which would
# otherwise make the browser fetch /favicon.ico. frame-ancestors is ignored in a <meta>, so not written.
CSP_DIRECTIVES = (
    ("default-src", "'none'"),
    ("script-src", "'self'"),
    ("style-src", "'self'"),
    ("img-src", "'self' data:"),
    ("connect-src", "'self'"),
    ("font-src", "'self'"),
    ("base-uri", "'none'"),
    ("form-action", "'self'"),
)


def content_security_policy(base: bool = False) -> str:
    """The policy; `base=True` for 404.html, the one page with a <base> (same origin only)."""
    directives = dict(CSP_DIRECTIVES)
    if base:
        directives["base-uri"] = "'self'"
    return "; ".join(f"{name} {value}" for name, value in directives.items())


NAV = (
    ("agencies/", "机关"),
    ("data/", "数据"),
    ("quality/", "质量"),
    ("compare/", "比较"),
    ("trends/", "趋势"),
    ("about/", "关于"),
)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """One Jinja environment per process, autoescaping everything (report text is untrusted)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        auto_reload=False,  # a build never sees a template change: no stat of it for every page
    )
    env.filters.update(
        num=format_number,
        dash=format_or_dash,
        change=format_change,
        pct=format_percent,
        size=format_size,
        json_script=json_script,
    )
    env.globals.update(
        report_url=report_url,
        agency_url=agency_url,
        report_id=report_id,
        report_title=report_title,
        nav=NAV,
        csp=content_security_policy,
        _=gettext,
        href=page_href,
        name_of=name_of,
        roman_of=roman_of,
        region_of=region_of,
        english_half=english_half,
        province_en=province_en,
        province_name_en=province_name_en,
        strings=strings_in,
        own=own_words,
        message_of=message_of,
        figure_strings=FIGURE_STRINGS,
    )
    env.filters["t"] = translate_filter
    return env


def keep_compiled_templates(folder: Path) -> None:
    """Keep the compiled templates in `folder` (the build cache): compiling them again is a tenth of
    a one-report rebuild. Jinja keys each entry by the template's source, so an edit is seen."""
    folder.mkdir(parents=True, exist_ok=True)
    environment().bytecode_cache = FileSystemBytecodeCache(str(folder))


def json_script(value: object) -> Markup:
    """JSON for a <script type="application/json"> element: compact, UTF-8 (half the bytes of \\u
    escapes), with the characters that could end the element escaped."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@timed("render")
def render_page(page: Page, config: SiteConfig, lang: str = PRIMARY) -> bytes:
    """The page in one language, for its path in that edition (en/… for English)."""
    path = edition_path(page.path, lang)
    root = root_for(path)
    bilingual = is_bilingual(page)
    alternates = (
        {other: root + _page_url(edition_path(page.path, other)) for other in LANGS} if bilingual else {}
    )
    template = environment().get_template(page.template)
    html = template.render(
        root=root,
        path=page.path,
        config=config,
        lang=lang,
        html_lang=HTML_LANG[lang],
        alternates=alternates,
        **page.context,
    )
    return html.encode("utf-8")


def is_bilingual(page: Page) -> bool:
    """Whether the page has an English edition (a Markdown page of an English section without its
    content/pages/en/<slug>.md shows its Chinese text there, saying so)."""
    return page.template in ENGLISH_TEMPLATES and has_english(page.path)


def _page_url(path: str) -> str:
    return path[: -len("index.html")] if path.endswith("index.html") else path


def render_editions(page: Page, config: SiteConfig) -> dict[str, bytes]:
    """{path: html} of the page in Chinese and, when it has an English edition, in English."""
    files = {page.path: render_page(page, config)}
    if is_bilingual(page):
        files[edition_path(page.path, "en")] = render_page(page, config, "en")
    return files


# What the bundle exposes: static/charts.js calls window.vegaEmbed (vega-embed brings vega and vega-lite).
# Its vegaEmbed always runs under the Content Security Policy: expressions evaluated by vega-embed's
# interpreter (`ast: true`; Vega would otherwise compile them with `new Function`), and no <style>
# element added for the chart's menu or its tooltip (static/vega.css has those rules instead;
# forceActionsMenu keeps the export menu folded behind its button without vega-embed's own style).
BUNDLE_SNIPPET = (
    "const CSP_SAFE = {ast: true, defaultStyle: false, forceActionsMenu: true,"
    " tooltip: {disableDefaultStyle: true}};"
    " window.vegaEmbed = (el, spec, options) => vegaEmbed(el, spec, {...options, ...CSP_SAFE});"
    " window.vega = vega; window.vegaLite = vegaLite;"
)


def vega_bundle(cache_dir: Path | None = None) -> bytes:
    """vega + vega-lite + vega-embed as one script (vl_convert builds it; it takes a few seconds,
    so it is cached by vl-convert version when a cache folder is given). The cached bundle is
    published only when its bytes still have the SHA-256 recorded beside it when it was made
    (`<name>.sha256`); otherwise it is made again."""
    from importlib import metadata  # these are slow to import and needed only when static/ is made

    import altair as alt
    import vl_convert

    vl_version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])  # the version Altair writes
    snippet_id = hashlib.sha256(BUNDLE_SNIPPET.encode()).hexdigest()[:8]
    name = f"vega-bundle-{metadata.version('vl-convert-python')}-vl{vl_version}-{snippet_id}.js"
    cached = cache_dir / name if cache_dir else None
    if cached:
        kept = _verified(cached)
        if kept is not None:
            return kept
    bundle = vl_convert.javascript_bundle(BUNDLE_SNIPPET, vl_version=vl_version).encode("utf-8")
    if cached:
        _keep(cached, bundle)
    return bundle


def _verified(path: Path) -> bytes | None:
    """The file's bytes when they match the digest recorded with them, None otherwise."""
    try:
        data = path.read_bytes()
        recorded = path.with_name(path.name + ".sha256").read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None
    return data if hashlib.sha256(data).hexdigest() == recorded else None


def _keep(path: Path, data: bytes) -> None:
    """The bundle, then its digest, each replaced atomically (a temporary name of this process): a
    build that stops between the two leaves a bundle without its digest, made again next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for target, content in (
            (path, data),
            (path.with_name(path.name + ".sha256"), hashlib.sha256(data).hexdigest().encode("ascii")),
        ):
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            temporary.write_bytes(content)
            os.replace(temporary, target)
    except OSError:
        pass  # a bundle that cannot be kept is only made again next time


def static_assets(cache_dir: Path | None = None) -> dict[str, bytes]:
    """static/: the stylesheet and scripts from templates/static/, the chart specs and the Vega bundle."""
    out = {f"static/{p.name}": p.read_bytes() for p in sorted(STATIC_DIR.iterdir()) if p.is_file()}
    with stage("charts"):
        out["static/charts.js"] = charts_script().encode("utf-8")
        out["static/charts.en.js"] = charts_script("en").encode("utf-8")
        out["static/vega.js"] = vega_bundle(cache_dir)
    return out
