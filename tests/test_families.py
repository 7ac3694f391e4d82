"""The registry of families: adding a page family is one entry (here with an existing template), and
both the pure pipeline and the incremental engine then make its pages, the same bytes."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from markupsafe import Markup

from generator import families
from generator.engine import build as engine_build
from generator.engine.build import run_build
from generator.engine.session import open_session
from generator.families import FAMILIES, Family, agency_facts, page_of
from generator.pipeline import build_site, read_sources
from generator.site import pages_quality
from generator.site.pages import Page
from tests.parse_helpers import ROOT, SEEDS
from tests.test_build import tree_digest


def province_agencies(corpus: object, province: pages_quality.Province) -> Page:
    names = sorted({agency.name for agency, _ in province.members})
    html = Markup("<ul>") + Markup("").join(Markup("<li>{}</li>").format(n) for n in names) + Markup("</ul>")
    return Page(
        f"provinces/{province.code}/index.html",
        "page.html",
        {"title": province.name, "slug": "p", "html": html},
    )


PROVINCE_AGENCIES = Family(
    "province-agencies",
    pages_quality.province_groups,
    lambda province: province.code,
    lambda context, province: tuple(dict.fromkeys(agency_facts(a) for a, _ in province.members)),
    page_of(province_agencies),
)


@pytest.fixture
def registry_with_a_new_family(monkeypatch: pytest.MonkeyPatch) -> None:
    extended = (*FAMILIES, PROVINCE_AGENCIES)
    monkeypatch.setattr(families, "FAMILIES", extended)
    monkeypatch.setattr(engine_build, "FAMILIES", extended)


def oracle(content: Path) -> dict[str, str]:
    sources, _ = read_sources(content)
    files = build_site(sources, vega_cache=ROOT / ".cache").files
    return {path: hashlib.sha256(data).hexdigest() for path, data in sorted(files.items())}


def build(content: Path, out: Path) -> None:
    with open_session(content, out, jobs=1) as session:
        run_build(session)


def test_a_new_family_is_made_by_the_pipeline_and_the_engine(
    registry_with_a_new_family: None, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(SEEDS, content / "reports")
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    build(content, tmp_path / "site")
    expected = oracle(content)
    assert tree_digest(tmp_path / "site") == expected
    assert "德惠市人民政府办公室" in province_pages(tmp_path / "site")

    (content / "reports" / "2020-dehui-zhengfu-bangongshi.txt").unlink()  # one agency of its province gone
    build(content, tmp_path / "site")
    assert tree_digest(tmp_path / "site") == oracle(content)
    assert "德惠市人民政府办公室" not in province_pages(tmp_path / "site")


def province_pages(site: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted((site / "provinces").rglob("*.html")))
