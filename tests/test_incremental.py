"""Incremental builds: after adding, changing or deleting reports, the site equals a clean build of
the same content, and only the affected units were made again. Briefs carry everything the corpus
pages and corpus checks read."""

from __future__ import annotations

import contextlib
import hashlib
import json
import pickle
import shutil
from dataclasses import replace
from itertools import chain
from pathlib import Path

import pytest

from generator.checks.cross import check_corpus
from generator.engine.briefs import Interner, brief, known_slugs
from generator.engine.cache import site_version
from generator.engine.state import load_state, state_path
from generator.errors import NotAReport
from generator.parse import metadata
from generator.pipeline import build_site, load_report, read_sources
from generator.read.text import discover
from generator.site.figures import summed_figures
from tests.test_build import build, tree_digest
from tests.test_synth import write as write_synthetic

ROOT = Path(__file__).resolve().parents[1]
N = 40


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic corpus of several agencies with several years each (carry-over checks apply)."""
    folder = tmp_path_factory.mktemp("synthetic")
    write_synthetic(folder / "content", N, seed=7)
    shutil.copytree(ROOT / "content" / "pages", folder / "content" / "pages")
    return folder


def stats(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def full_reports(content: Path) -> list:
    reports = []
    for path in discover(content):
        with contextlib.suppress(NotAReport):
            reports.append(load_report(path, content.parent))
    return reports


def test_corpus_checks_on_briefs_find_what_they_find_on_whole_reports(synthetic: Path) -> None:
    reports = full_reports(synthetic / "content")
    intern = Interner()
    briefs = [brief(r, intern) for r in reports]
    on_full = check_corpus(reports)
    assert on_full, "the synthetic corpus plants carry-over mismatches"
    assert check_corpus(briefs) == on_full


def test_a_brief_keeps_its_summed_figures_through_the_state(synthetic: Path) -> None:
    """The corpus pages sum every report's figures on every build: a brief brings them from the
    state already made, and they are those of the whole report, to the type (0 is not 0.0)."""
    for report in full_reports(synthetic / "content")[:10]:
        kept = pickle.loads(pickle.dumps(brief(report, Interner())))
        assert "summed_figures" in kept.__dict__["_derived"]
        figures = summed_figures(kept)
        assert figures == summed_figures(report)
        assert [type(v) for v in chain(*figures)] == [type(v) for v in chain(*summed_figures(report))]
        assert "_derived" not in replace(kept, findings=()).__dict__  # another report: made again


def oracle(content: Path) -> dict[str, str]:
    """What the pure pipeline makes of `content`, as `tree_digest` gives a built folder."""
    sources, _ = read_sources(content)
    files = build_site(sources, vega_cache=ROOT / ".cache").files
    return {path: hashlib.sha256(data).hexdigest() for path, data in sorted(files.items())}


def test_a_clean_build_equals_build_site(synthetic: Path, tmp_path: Path) -> None:
    """The build renders agency and corpus pages from briefs, in units and workers; the pure
    pipeline, from the whole reports: the same files, byte for byte."""
    result = build(synthetic / "content", tmp_path / "site", "--no-cache")
    assert result.returncode in (0, 1), result.stderr
    assert tree_digest(tmp_path / "site") == oracle(synthetic / "content")


def _edit_pages(content: Path) -> None:
    """Change one Markdown page, delete another, add a third."""
    pages = content / "pages"
    about = pages / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n本页已更新。\n", encoding="utf-8")
    (pages / "contribute.md").unlink()
    (pages / "faq.md").write_text("# 常见问题\n\n数据每年更新。\n", encoding="utf-8")


def _rename(content: Path) -> None:
    """Rename one report file (its id comes from its agency and year, so the page stays)."""
    files = [p for p in sorted((content / "reports").glob("*.txt")) if _plain_utf8(p)]
    files[5].rename(files[5].with_name("renamed-" + files[5].name))


@pytest.mark.parametrize("jobs", ["0", "1"])
def test_every_rebuild_equals_build_site(synthetic: Path, tmp_path: Path, jobs: str) -> None:
    """After reports are added, changed, deleted and renamed, and Markdown pages changed, added and
    deleted, each rebuild's folder is exactly what `build_site` makes of the content."""
    project = tmp_path / "project"
    shutil.copytree(synthetic / "content", project / "content")
    first = build(project / "content", project / "site", "--jobs", jobs)
    assert first.returncode in (0, 1), first.stderr
    for edit in (_edit, _rename, _edit_pages):
        edit(project / "content")
        again = build(project / "content", project / "site", "--jobs", jobs)
        assert again.returncode in (0, 1), again.stderr
        assert tree_digest(project / "site") == oracle(project / "content"), edit.__name__


def _plain_utf8(path: Path) -> bool:
    """A UTF-8 text file without front matter (the corpus also has GBK files and front matter)."""
    try:
        return not path.read_bytes().decode("utf-8").startswith(("---", "\ufeff"))
    except UnicodeDecodeError:
        return False


def _edit(content: Path) -> None:
    """Change one report, delete another and add a copy of a third under a new agency."""
    files = [p for p in sorted((content / "reports").glob("*.txt")) if _plain_utf8(p)]
    changed, deleted, template = files[3], files[10], files[20]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n附：本报告有更正。\n", encoding="utf-8")
    deleted.unlink()
    front = "---\nagency: 测试县测试局\n---\n"
    (content / "reports" / "2023-added-agency.txt").write_text(front + template.read_text("utf-8"), "utf-8")


@pytest.mark.parametrize("jobs", ["0", "1"])  # 1: the zipper's work (splicing the bulk CSVs) done in-process
def test_after_adding_changing_and_deleting_the_site_equals_a_clean_build(
    synthetic: Path, tmp_path: Path, jobs: str
) -> None:
    project = tmp_path / "project"
    shutil.copytree(synthetic / "content", project / "content")
    first = build(
        project / "content", project / "site", "--jobs", jobs, "--stats", str(tmp_path / "first.json")
    )
    assert first.returncode in (0, 1), first.stderr
    _edit(project / "content")
    again = build(
        project / "content", project / "site", "--jobs", jobs, "--stats", str(tmp_path / "again.json")
    )
    assert again.returncode in (0, 1), again.stderr
    figures = stats(tmp_path / "again.json")
    assert figures["parsed"] == 2  # the added and the changed file; the others come from the cache
    assert 0 < figures["written"] < figures["files"] // 3

    clean = build(project / "content", tmp_path / "clean", "--no-cache", "--jobs", "1")
    assert clean.returncode == again.returncode
    assert tree_digest(project / "site") == tree_digest(tmp_path / "clean")
    assert again.stdout == clean.stdout  # the same findings, in the same order


def test_bulk_files_whose_lines_did_not_change_are_kept_and_still_zipped(
    synthetic: Path, tmp_path: Path
) -> None:
    """An edit to one report's narrative changes its line of reports.csv (the file's checksum), not
    its rows of the other tables: those bulk CSVs are left as they are on disk, and the zipper reads
    them from there. One deleted by hand is written again."""
    project = tmp_path / "project"
    shutil.copytree(synthetic / "content", project / "content")
    build(project / "content", project / "site")
    data = project / "site" / "data"
    before = {p.name: p.stat().st_mtime_ns for p in data.glob("*.csv")}
    edited = next(p for p in sorted((project / "content" / "reports").glob("*.txt")) if _plain_utf8(p))
    edited.write_text(edited.read_text(encoding="utf-8") + "\n附：本报告有更正。\n", encoding="utf-8")
    (data / "proactive.csv").unlink()
    again = build(project / "content", project / "site")
    assert again.returncode in (0, 1), again.stderr
    after = {p.name: p.stat().st_mtime_ns for p in data.glob("*.csv")}
    assert after["reports.csv"] != before["reports.csv"]
    assert after["applications.csv"] == before["applications.csv"]
    assert after["review_litigation.csv"] == before["review_litigation.csv"]
    assert "proactive.csv" in after

    clean = build(project / "content", tmp_path / "clean", "--no-cache", "--jobs", "1")
    assert clean.returncode == again.returncode
    assert tree_digest(project / "site") == tree_digest(tmp_path / "clean")


def test_a_page_edited_with_no_report_changed_makes_the_corpus_again(synthetic: Path, tmp_path: Path) -> None:
    """The corpus pages show the Markdown pages' links and titles: an edit to one of them makes the
    corpus unit again though no report's lines changed (the bulk files are then started after the
    report units, not before), and the site equals a clean build."""
    project = tmp_path / "project"
    shutil.copytree(synthetic / "content", project / "content")
    first = build(project / "content", project / "site")
    assert first.returncode in (0, 1), first.stderr
    about = project / "content" / "pages" / "about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\n本页已更新。\n", encoding="utf-8")
    again = build(project / "content", project / "site", "--stats", str(tmp_path / "again.json"))
    assert again.returncode == first.returncode
    assert stats(tmp_path / "again.json")["parsed"] == 0
    clean = build(project / "content", tmp_path / "clean", "--no-cache", "--jobs", "1")
    assert clean.returncode == again.returncode
    assert tree_digest(project / "site") == tree_digest(tmp_path / "clean")


def test_a_deleted_output_folder_is_built_again(synthetic: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(synthetic / "content", project / "content")
    build(project / "content", project / "site")
    reference = tree_digest(project / "site")
    shutil.rmtree(project / "site" / "reports")
    again = build(project / "content", project / "site", "--stats", str(tmp_path / "again.json"))
    assert again.returncode in (0, 1)
    assert tree_digest(project / "site") == reference
    one = next((project / "site" / "data" / "reports").iterdir())  # one report's data folder
    shutil.rmtree(one)
    (project / "site" / "index.html").unlink()
    again = build(project / "content", project / "site", "--stats", str(tmp_path / "again.json"))
    assert stats(tmp_path / "again.json")["written"] == len(list(one.iterdir())) + 1
    assert tree_digest(project / "site") == reference


def test_a_build_without_the_last_build_s_records_removes_what_that_build_left(
    synthetic: Path, tmp_path: Path
) -> None:
    """A new version (or a lost state) starts without records: a page left by a report renamed in
    between is removed all the same; a file the build never writes into (CNAME at the top) stays."""
    project = tmp_path / "project"
    shutil.copytree(synthetic / "content", project / "content")
    build(project / "content", project / "site")
    reference = tree_digest(project / "site")
    stale = [project / "site" / "reports" / "gone-2019" / "index.html", project / "site" / "data" / "x.csv"]
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("left by an earlier build", encoding="utf-8")
    (project / "site" / "CNAME").write_text("example.org", encoding="utf-8")
    shutil.rmtree(project / ".cache" / "build")  # as after a new version of the generator
    assert build(project / "content", project / "site").returncode in (0, 1)
    assert not any(path.exists() for path in stale) and not stale[0].parent.exists()
    assert tree_digest(project / "site") == {**reference, "CNAME": tree_digest(project / "site")["CNAME"]}


def test_parallel_units_give_the_same_site(synthetic: Path, tmp_path: Path) -> None:
    """`--jobs 2` forks workers for the parse, report and agency units even on a small corpus."""
    two = build(synthetic / "content", tmp_path / "two", "--no-cache", "--jobs", "2")
    one = build(synthetic / "content", tmp_path / "one", "--no-cache", "--jobs", "1")
    assert two.returncode == one.returncode
    assert two.stdout == one.stdout
    assert tree_digest(tmp_path / "two") == tree_digest(tmp_path / "one")


def test_a_rebuild_reuses_slugs_and_compiled_templates(synthetic: Path, tmp_path: Path) -> None:
    """What a one-report rebuild need not compute again: the agency slugs it spelled before (pypinyin's
    dictionaries take a fifth of a second to load) and the compiled templates."""
    project = tmp_path / "project"
    shutil.copytree(synthetic / "content", project / "content")
    assert build(project / "content", project / "site").returncode in (0, 1)
    assert list((project / ".cache" / "templates").glob("*.cache"))

    state = load_state(state_path(project / ".cache", project / "site"), site_version())
    known = dict(known_slugs(parsed.brief for parsed in state.parsed.values()))
    agencies = {r.meta.agency for r in full_reports(project / "content") if r.meta.agency}
    assert set(known) == agencies
    assert all(metadata._spell(name) == known[name] for name in known)


def test_a_remembered_slug_is_not_spelled_again(monkeypatch: pytest.MonkeyPatch) -> None:
    def spell(text: str) -> str:
        raise AssertionError(f"{text} was spelled again")

    monkeypatch.setattr(metadata, "_known_slugs", {})
    metadata.remember_slugs([("某某县统计局", "mou-mou-xian-tong-ji-ju")])
    monkeypatch.setattr(metadata, "_spell", spell)
    assert metadata.slug("某某县统计局") == "mou-mou-xian-tong-ji-ju"


def test_an_id_from_front_matter_is_not_taken_for_a_slug(synthetic: Path) -> None:
    report = full_reports(synthetic / "content")[0]
    meta = replace(report.meta, agency_id="own-id", front_matter={"id": "own-id", "agency": "某机关"})
    assert list(known_slugs([brief(replace(report, meta=meta), Interner())])) == []
    plain = brief(report, Interner())
    assert list(known_slugs([plain, None])) == [(report.meta.agency, report.meta.agency_id)]


def test_the_list_of_agencies_is_made_again_only_when_an_agency_changes(
    synthetic: Path, tmp_path: Path
) -> None:
    """Its unit's inputs are the agencies' facts, not their reports' contents."""
    from generator.engine.build import plan_first, plan_rest
    from generator.engine.context import EngineContext
    from generator.engine.session import open_session
    from generator.engine.state import LineStore
    from generator.site.model import build_corpus

    def digests(reports: list, keys: dict) -> dict[str, str]:
        with open_session(synthetic / "content", tmp_path / "site", keep=False) as session:
            context = EngineContext(session, build_corpus(reports), keys, LineStore(None))
            first = plan_first(context, "v")
            rest = plan_rest(context, "v")
        return {unit.id: unit.digest for unit in [*first, *rest]}

    reports = full_reports(synthetic / "content")
    keys = {r.meta.report_id: f"key-{r.meta.report_id}" for r in reports}
    before = digests(reports, keys)
    after = digests(reports, {**keys, reports[0].meta.report_id: "another file"})  # its content changed
    assert after[f"report:{reports[0].meta.report_id}"] != before[f"report:{reports[0].meta.report_id}"]
    assert after["agencies:index"] == before["agencies:index"]
    assert after["home:index"] != before["home:index"]
    fewer = digests(reports[1:], keys)  # a year of an agency gone
    assert fewer["agencies:index"] != before["agencies:index"]
