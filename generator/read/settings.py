"""The site's settings, read once at the start of a build (never while rendering)."""

from __future__ import annotations

import os
from pathlib import Path

from generator.read.history import remote_repo_url
from generator.site.model import SiteConfig


def site_config(root: Path) -> SiteConfig:
    """Where the site and its repository live: SITE_REPO_URL (else the `origin` remote), SITE_BRANCH,
    SITE_BASE_PATH (e.g. "/repo/" on GitHub project pages), SITE_URL (the site's full address, the
    data packages' homepage)."""
    repo_url = os.environ.get("SITE_REPO_URL") or remote_repo_url(root)
    base_path = os.environ.get("SITE_BASE_PATH") or None
    if base_path and not base_path.endswith("/"):
        base_path += "/"
    site_url = os.environ.get("SITE_URL") or None
    if site_url and not site_url.endswith("/"):
        site_url += "/"
    branch = os.environ.get("SITE_BRANCH") or "main"
    return SiteConfig(repo_url=repo_url, branch=branch, base_path=base_path, site_url=site_url)
