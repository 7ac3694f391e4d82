"""Shared test options: `pytest --update-golden` rewrites golden files (never done in CI). The site
settings a build reads from the environment are cleared for the whole run, so that a developer's
own SITE_REPO_URL does not change what the tests expect (tests that need one set it themselves)."""

from __future__ import annotations

import os

import pytest

SITE_SETTINGS = ("SITE_REPO_URL", "SITE_BRANCH", "SITE_BASE_PATH")


def pytest_sessionstart(session: pytest.Session) -> None:
    for name in SITE_SETTINGS:
        os.environ.pop(name, None)  # also for the builds tests run as subprocesses


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden", action="store_true", help="rewrite golden files from the current output"
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    wanted = bool(request.config.getoption("--update-golden"))
    if wanted and os.environ.get("CI"):
        pytest.fail("golden files are never rewritten in CI")
    return wanted
