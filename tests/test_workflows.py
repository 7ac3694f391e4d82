"""The GitHub Actions workflows: actionlint-clean, minimal Pages permissions, nothing secret in CI."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"


def actionlint() -> str:
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.is_file() else shutil.which("actionlint")
    if not found:
        pytest.fail("actionlint not found: install the test extras (pip install -e '.[test]')")
    return found


def workflow(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def test_actionlint() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert {f.name for f in files} >= {"ci.yml", "pages.yml"}
    result = subprocess.run(
        [actionlint(), "-no-color", *map(str, files)], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_pages_permissions_and_concurrency() -> None:
    """The build runs contributors' files and only reads; only the deploy job may write to Pages."""
    pages = workflow("pages.yml")
    assert pages["permissions"] == {"contents": "read"}
    assert pages["jobs"]["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert pages["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert pages["concurrency"] == {"group": "pages", "cancel-in-progress": False}


@pytest.mark.parametrize("name", ["ci.yml", "pages.yml"])
def test_every_job_has_a_time_limit_and_every_action_a_commit(name: str) -> None:
    """A hung job stops at its limit (GitHub's default is six hours); an action is pinned to a
    commit, its release in a comment, so a moved tag cannot change what runs."""
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    for job in workflow(name)["jobs"].values():
        assert 0 < job["timeout-minutes"] <= 60
    uses = re.findall(r"uses: (\S+)(.*)", text)
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), (action, comment)


def test_ci_needs_no_secrets() -> None:
    text = (WORKFLOWS / "ci.yml").read_text(encoding="utf-8")
    assert not re.search(r"\bsecrets\s*[.\[]", text), "ci.yml must work for fork pull requests: no secrets"
    assert workflow("ci.yml")["permissions"] == {"contents": "read"}


@pytest.mark.parametrize("name", ["data-error.yml", "add-report.yml"])
def test_issue_forms(name: str) -> None:
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / name).read_text(encoding="utf-8"))
    assert form["name"] and form["description"]
    fields = [item for item in form["body"] if item["type"] != "markdown"]
    assert {item["type"] for item in fields} <= {"input", "textarea", "dropdown", "checkboxes"}
    assert all(item["attributes"]["label"] for item in fields)
    ids = [item["id"] for item in fields]
    assert len(ids) == len(set(ids))


def _steps_using(job: dict, action: str) -> list[dict]:
    return [step for step in job["steps"] if step.get("uses", "").startswith(action + "@")]


def test_site_builds_start_from_the_build_cache_and_only_main_saves_it() -> None:
    build = workflow("pages.yml")["jobs"]["build"]
    (saved,) = _steps_using(build, "actions/cache")
    names = [step.get("run") or step.get("uses", "") for step in build["steps"]]
    site = next(i for i, name in enumerate(names) if name.startswith("make site"))
    assert names.index(saved["uses"]) < site
    assert saved["with"]["path"] == ".cache" and saved["with"]["restore-keys"] == "build-cache-"
    assert saved["with"]["key"].startswith("build-cache-")
    preview = workflow("ci.yml")["jobs"]["reports"]
    (restored,) = _steps_using(preview, "actions/cache/restore")
    assert not _steps_using(preview, "actions/cache")  # a pull request never writes a cache
    assert restored["with"]["path"] == ".cache" and restored["with"]["restore-keys"] == "build-cache-"
    steps = preview["steps"]
    assert steps.index(restored) < next(i for i, s in enumerate(steps) if s.get("run") == "make site")


def test_the_pages_build_compares_with_the_published_releases() -> None:
    """The live site's releases are downloaded before the build, which is given them."""
    steps = workflow("pages.yml")["jobs"]["build"]["steps"]
    runs = [step.get("run", "") for step in steps]
    fetch = next(i for i, run in enumerate(runs) if "data/releases/index.json" in run)
    build = next(i for i, run in enumerate(runs) if run.startswith("make site"))
    assert fetch < build and runs[build] == 'make site BUILD_ARGS="--previous .previous"'
    assert steps[build]["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}"
