"""Corrections are visible: a report file changed after it was published shows so, with history links."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.read.history import parse_log, read_history, web_url
from tests.parse_helpers import ROOT, SEEDS
from tests.test_build import build

SEED = "2020-tonghua-dongchangqu.txt"


def git(repo: Path, *args: str, date: str = "2026-03-01T10:00:00+08:00") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "贡献者",
        "GIT_AUTHOR_EMAIL": "c@example.org",
        "GIT_COMMITTER_NAME": "贡献者",
        "GIT_COMMITTER_EMAIL": "c@example.org",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository where one seed was published, then corrected twice; the others never changed."""
    repo = tmp_path_factory.mktemp("repo")
    shutil.copytree(SEEDS, repo / "content" / "reports")
    shutil.copytree(ROOT / "content" / "pages", repo / "content" / "pages")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "remote", "add", "origin", "git@github.com:open-data/gov-reports.git")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Add five reports", date="2026-02-01T10:00:00+08:00")
    report = repo / "content" / "reports" / SEED
    for day, subject in (
        ("2026-03-05", "Fix a cell of 东昌区 2020"),
        ("2026-04-10", "东昌区: restore the title"),
    ):
        report.write_bytes(report.read_bytes() + b"\n")
        git(repo, "commit", "-q", "-am", subject, date=f"{day}T09:00:00+08:00")
    return repo


def test_history_lists_changes_after_publication(repo: Path) -> None:
    history = read_history(repo, "content")
    changed = history.of(f"content/reports/{SEED}")
    assert changed is not None
    assert changed.published.date == "2026-02-01"
    assert [(r.date, r.subject) for r in changed.corrections] == [
        ("2026-04-10", "东昌区: restore the title"),
        ("2026-03-05", "Fix a cell of 东昌区 2020"),
    ]
    untouched = history.of("content/reports/2020-shanggao-jiguan-shiwuju.txt")
    assert untouched is not None and untouched.corrections == ()


def test_a_folder_outside_git_has_no_history(tmp_path: Path) -> None:
    assert read_history(tmp_path, "content").files == {}
    assert read_history(tmp_path, "content").key_of("content/reports/a.txt") is None


def test_a_files_history_is_keyed_by_its_newest_commit(repo: Path, tmp_path: Path) -> None:
    """Report units' digests take the history by this key: a new correction changes it, a commit
    that does not touch the file does not."""
    repo = shutil.copytree(repo, tmp_path / "repo")  # the other tests share the original
    path = f"content/reports/{SEED}"
    log = ["git", "-C", str(repo), "log", "-1", "--format=%H", "--", path]
    newest = subprocess.run(log, check=True, capture_output=True, text=True).stdout.strip()
    before = read_history(repo, "content")
    assert before.key_of(path) == newest
    other = repo / "content" / "reports" / "2020-shanggao-jiguan-shiwuju.txt"
    other.write_bytes(other.read_bytes() + b"\n")
    git(repo, "commit", "-q", "-am", "Another report", date="2026-05-01T09:00:00+08:00")
    assert read_history(repo, "content").key_of(path) == newest
    report = repo / "content" / "reports" / SEED
    report.write_bytes(report.read_bytes() + b"\n")
    git(repo, "commit", "-q", "-am", "A third correction", date="2026-06-01T09:00:00+08:00")
    assert read_history(repo, "content").key_of(path) not in (None, newest)


def test_a_correction_committed_after_a_build_remakes_its_report_page(repo: Path, tmp_path: Path) -> None:
    """The file's bytes are the same before and after the commit: only its history tells the
    report unit to be made again."""
    repo = shutil.copytree(repo, tmp_path / "repo")
    report = repo / "content" / "reports" / SEED
    report.write_bytes(report.read_bytes() + b"\n")
    first = build(repo / "content", repo / "site")
    assert first.returncode == 0, first.stderr
    page = next((repo / "site" / "reports").glob("*dong-chang*/index.html"))
    assert "更正过 2 次" in page.read_text(encoding="utf-8")
    git(repo, "commit", "-q", "-am", "A third correction", date="2026-06-01T09:00:00+08:00")
    again = build(repo / "content", repo / "site")
    assert again.returncode == 0, again.stderr
    assert "更正过 3 次</strong>，最近一次在 2026-06-01" in page.read_text(encoding="utf-8")


def test_corrected_report_page_says_so_and_links_to_the_history(repo: Path) -> None:
    result = build(repo / "content", repo / "site")
    assert result.returncode == 0, result.stderr
    page = next((repo / "site" / "reports").glob("*dong-chang*/index.html")).read_text(encoding="utf-8")
    assert "更正过 2 次</strong>，最近一次在 2026-04-10" in page
    base = "https://github.com/open-data/gov-reports"
    assert f'href="{base}/commits/main/content/reports/{SEED}"' in page
    assert f'href="{base}/blob/main/content/reports/{SEED}"' in page
    assert "Fix a cell of 东昌区 2020" in page and "/commit/" in page
    others = [p for p in (repo / "site" / "reports").glob("*/index.html") if "dong-chang" not in str(p)]
    assert len(others) == 4
    for other in others:
        text = other.read_text(encoding="utf-8")
        assert "更正过" not in text and "收录后未更正" in text and "2026-02-01" in text


def test_repository_url_can_be_set(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SITE_REPO_URL", "https://git.example.cn/mirror/reports")
    monkeypatch.setenv("SITE_BRANCH", "trunk")
    result = build(repo / "content", repo / "site-mirror")
    assert result.returncode == 0, result.stderr
    page = next((repo / "site-mirror" / "reports").glob("*dong-chang*/index.html")).read_text(
        encoding="utf-8"
    )
    assert f'href="https://git.example.cn/mirror/reports/commits/trunk/content/reports/{SEED}"' in page


def test_a_shallow_clone_shows_no_corrections(repo: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    history = read_history(clone, "content")
    assert history.shallow and history.of(f"content/reports/{SEED}") is None


def test_parse_log_reads_several_files_per_commit() -> None:
    log = "\x1eabc\x1f2026-01-02\x1fSecond\n\ncontent/a.txt\n\x1edef\x1f2026-01-01\x1fFirst\n\ncontent/a.txt\ncontent/b.txt\n"
    files = parse_log(log)
    assert [r.commit for r in files["content/a.txt"].revisions] == ["abc", "def"]
    assert files["content/b.txt"].corrections == ()


@pytest.mark.parametrize(
    ("remote", "url"),
    [
        ("git@github.com:org/repo.git", "https://github.com/org/repo"),
        ("https://github.com/org/repo.git", "https://github.com/org/repo"),
        ("https://x-access-token:abc@github.com/org/repo", "https://github.com/org/repo"),
        ("ssh://git@gitee.com:22/org/repo.git", "https://gitee.com/org/repo"),
        ("/srv/git/repo.git", None),
    ],
)
def test_web_url_from_remote(remote: str, url: str | None) -> None:
    assert web_url(remote) == url
