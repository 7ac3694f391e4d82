"""Render stage: corpus -> {relative path: bytes} for every page of the site, plus its static assets.

Pure: nothing here writes to disk (`write.write_outputs` does). The orchestrator calls

    pages = render_site(corpus, data_files)      # HTML pages
    assets = static_assets(cache_dir)            # CSS, scripts, the Vega bundle

`data_files` are the files other stages publish (data packages under `data/…` and the original
files at `reports/<id>/source.<ext>`); pages link to them and show their sizes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from generator import pages_corpus
from generator.charts import charts_script
from generator.pages import Files, Page, agency_page, home_page, report_page
from generator.pages_quality import quality_pages
from generator.site_model import (
    REPO_ROOT,
    Corpus,
    SiteConfig,
    agency_url,
    report_id,
    report_title,
    report_url,
    root_for,
)
from generator.textfmt import format_change, format_number, format_or_dash, format_percent, format_size
from generator.timing import absorb, stage, take

TEMPLATES_DIR = REPO_ROOT / "templates"
STATIC_DIR = TEMPLATES_DIR / "static"
NAV = (
    ("agencies/", "机关"),
    ("data/", "数据"),
    ("quality/", "质量"),
    ("compare/", "比较"),
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
        report_url=report_url, agency_url=agency_url, report_id=report_id, report_title=report_title, nav=NAV
    )
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


def render_page(page: Page, config: SiteConfig) -> bytes:
    template = environment().get_template(page.template)
    html = template.render(root=root_for(page.path), path=page.path, config=config, **page.context)
    return html.encode("utf-8")


def site_pages(
    corpus: Corpus, files: Files, *, per_item: bool = True, per_group: bool = True
) -> Iterator[Page]:
    """Every page; without `per_item`, not the agency and report pages (see `item_pages`); without
    `per_group`, only the national comparison and quality pages, not each region's and province's,
    nor the list of agencies (the build makes those on their own)."""
    yield home_page(corpus, files)
    if per_group:
        yield pages_corpus.agencies_page(corpus)
    if per_item:
        yield from (item_page(corpus, files, task) for task in item_tasks(corpus))
    yield from quality_pages(corpus, provinces=per_group)
    if per_group:
        yield from pages_corpus.compare_pages(corpus)
    else:
        yield pages_corpus.compare_index_page(pages_corpus.compare_groups(corpus))
    yield from pages_corpus.markdown_pages(corpus)
    yield pages_corpus.not_found_page()
    # Last: it lists the size of the corpus zip, which another process may still be compressing.
    yield pages_corpus.data_page(corpus, files)


Task = tuple[str, int]  # ("agency" | "report", index in the corpus)


def item_tasks(corpus: Corpus) -> list[Task]:
    """One page per agency and per report: most of the site, rendered in parallel when large."""
    return [("agency", i) for i in range(len(corpus.agencies))] + [
        ("report", i) for i in range(len(corpus.reports))
    ]


def item_page(corpus: Corpus, files: Files, task: Task) -> Page:
    kind, index = task
    if kind == "agency":
        return agency_page(corpus, corpus.agencies[index], files)
    return report_page(corpus, corpus.reports[index], files)


PARALLEL_FROM = 500  # agency and report pages; below this a pool costs more than it saves
_CHUNK = 250
# What forked render workers read (set just before the pool starts, inherited, never pickled).
_shared: tuple[Corpus, Files] | None = None


def render_site(corpus: Corpus, data_files: Mapping[str, bytes], *, jobs: int = 1) -> dict[str, bytes]:
    """Every HTML page of the site, keyed by its path relative to the site root. With `jobs` other
    than 1 and a large corpus, the agency and report pages are rendered by worker processes; the
    bytes are the same either way (each page depends only on the corpus)."""
    files = Files(data_files)
    tasks = item_tasks(corpus)
    parallel = jobs != 1 and len(tasks) >= PARALLEL_FROM
    out: dict[str, bytes] = {}
    with stage("render"):
        for page in site_pages(corpus, files, per_item=not parallel):
            _add(out, page.path, render_page(page, corpus.config))
    if parallel:
        for path, data in _render_in_workers(corpus, files, tasks, jobs):
            _add(out, path, data)
    return out


def _add(out: dict[str, bytes], path: str, data: bytes) -> None:
    if path in out:
        raise ValueError(f"two pages would be written to {path}")
    out[path] = data


def _render_in_workers(
    corpus: Corpus, files: Files, tasks: list[Task], jobs: int
) -> Iterator[tuple[str, bytes]]:
    import multiprocessing  # here: most builds need no pool
    from concurrent.futures import ProcessPoolExecutor

    global _shared
    _shared = (corpus, files)
    chunks = [tasks[i : i + _CHUNK] for i in range(0, len(tasks), _CHUNK)]
    try:
        # fork: the workers inherit the corpus instead of receiving a pickled copy of it.
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs or None, mp_context=context) as pool:
            for pages, seconds in pool.map(_render_chunk, chunks):
                absorb(seconds)
                yield from pages
    finally:
        _shared = None


def _render_chunk(tasks: list[Task]) -> tuple[list[tuple[str, bytes]], dict[str, float]]:
    assert _shared is not None, "render workers are forked from render_site"
    corpus, files = _shared
    take()  # time spent before this chunk belongs to the parent
    with stage("render"):
        pages = [
            (page.path, render_page(page, corpus.config))
            for page in (item_page(corpus, files, t) for t in tasks)
        ]
    return pages, take()


# What the bundle exposes: static/charts.js calls window.vegaEmbed (vega-embed brings vega and vega-lite).
BUNDLE_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"


def vega_bundle(cache_dir: Path | None = None) -> bytes:
    """vega + vega-lite + vega-embed as one script (vl_convert builds it; it takes a few seconds,
    so it is cached by vl-convert version when a cache folder is given)."""
    from importlib import metadata  # these are slow to import and needed only when static/ is made

    import altair as alt
    import vl_convert

    vl_version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])  # the version Altair writes
    snippet_id = hashlib.sha256(BUNDLE_SNIPPET.encode()).hexdigest()[:8]
    name = f"vega-bundle-{metadata.version('vl-convert-python')}-vl{vl_version}-{snippet_id}.js"
    cached = cache_dir / name if cache_dir else None
    if cached and cached.is_file():
        return cached.read_bytes()
    bundle = vl_convert.javascript_bundle(BUNDLE_SNIPPET, vl_version=vl_version).encode("utf-8")
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(bundle)
    return bundle


def static_assets(cache_dir: Path | None = None) -> dict[str, bytes]:
    """static/: the stylesheet and scripts from templates/static/, the chart specs and the Vega bundle."""
    out = {f"static/{p.name}": p.read_bytes() for p in sorted(STATIC_DIR.iterdir()) if p.is_file()}
    with stage("charts"):
        out["static/charts.js"] = charts_script().encode("utf-8")
        out["static/vega.js"] = vega_bundle(cache_dir)
    return out
