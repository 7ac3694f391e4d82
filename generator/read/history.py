"""Correction history: which report files changed after they were first published, from git.

A report is published when its file first lands on the main branch; every later change to the file
is a correction, and the report page says so and links to the file's history in the repository.
Read with one local `git log` for the whole content folder (no network). `--first-parent` counts a
merged pull request as one change, however many commits it had before it was merged. Outside a git
checkout, or when git is missing, there is simply no history.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

_RECORD = "\x1e"  # starts each commit in the log output
_FIELD = "\x1f"


@dataclass(frozen=True)
class Revision:
    commit: str
    date: str  # YYYY-MM-DD, the date the change reached the branch
    subject: str


@dataclass(frozen=True)
class FileHistory:
    path: str  # relative to the repository root, as `Metadata.source_file`
    revisions: tuple[Revision, ...]  # newest first; the last one published the file

    @property
    def published(self) -> Revision:
        return self.revisions[-1]

    @property
    def corrections(self) -> tuple[Revision, ...]:
        """The changes after the first publication, newest first."""
        return self.revisions[:-1]


@dataclass(frozen=True)
class History:
    files: dict[str, FileHistory]
    shallow: bool = False  # a shallow clone: older changes are missing, so none are shown

    def of(self, path: str) -> FileHistory | None:
        return None if self.shallow else self.files.get(path)

    def key_of(self, path: str) -> str | None:
        """What a file's history as shown depends on, in one word: its newest revision's commit (the
        revisions before it are the commits before that one on the branch that touched the file).
        Every report unit's digest needs it, and digesting the whole history of 10,000 files cost a
        tenth of a second of every build in a git checkout."""
        found = self.of(path)
        return found.revisions[0].commit if found else None


NO_HISTORY = History({})


def read_history(root: Path, folder: str) -> History:
    """The history of every file under `folder` (relative to `root`, the repository root)."""
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    if shallow is None:
        return NO_HISTORY
    log = _git(
        root,
        "log",
        "--first-parent",
        "--no-renames",
        "--relative",
        "--name-only",
        f"--format={_RECORD}%H{_FIELD}%cs{_FIELD}%s",
        "--",
        folder,
    )
    if log is None:
        return NO_HISTORY
    return History(parse_log(log), shallow=shallow.strip() == "true")


def parse_log(log: str) -> dict[str, FileHistory]:
    revisions: dict[str, list[Revision]] = {}
    for record in log.split(_RECORD)[1:]:
        header, _, names = record.partition("\n")
        commit, date, subject = header.split(_FIELD, 2)
        revision = Revision(commit, date, subject)
        for name in names.splitlines():
            if name.strip():
                revisions.setdefault(name.strip(), []).append(revision)
    return {path: FileHistory(path, tuple(items)) for path, items in sorted(revisions.items())}


def remote_repo_url(root: Path) -> str | None:
    """The web address of the `origin` remote, when it is a GitHub-style host (for history links)."""
    remote = _git(root, "config", "--get", "remote.origin.url")
    return web_url(remote.strip()) if remote else None


_SCP_LIKE = re.compile(r"^[\w.-]+@([\w.-]+):(.+?)(?:\.git)?/?$")
_HTTP = re.compile(r"^(?:https?|ssh|git)://(?:[^@/]+@)?([\w.-]+)(?::\d+)?/(.+?)(?:\.git)?/?$")


def web_url(remote: str) -> str | None:
    """git@github.com:org/repo.git or https://github.com/org/repo.git → https://github.com/org/repo."""
    match = _SCP_LIKE.match(remote) or _HTTP.match(remote)
    if not match:
        return None
    host, path = match.groups()
    return f"https://{host}/{path}"


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None
