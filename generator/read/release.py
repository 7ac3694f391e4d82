"""What a data release is made from besides the reports: the commit being built, and the previous
release as it was published (read by `build --previous FOLDER`).

The Pages workflow downloads the live site's `data/releases/` (its index and the kept zips) into a
folder before building; the new release is compared with the newest of them, cell by cell
(`data/release.py`). Without a previous release (a first publication, a local build) every report is
new. Outside a git checkout there is no commit, and the version is "unreleased".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import subprocess
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from generator.errors import NotAReport

INDEX = "index.json"  # in the releases folder: [{"version", "created", "path", ...}], newest first
ARCHIVE = "gov-disclosure-reports.zip"  # a release's zip, as published under data/releases/<version>/
MAX_ARCHIVE_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class Commit:
    sha: str
    time: str  # ISO 8601 in UTC, e.g. 2026-12-05T03:08:23Z: the package's `created`
    date: str  # YYYY-MM-DD in UTC: the day in the version


@dataclass(frozen=True)
class PreviousRelease:
    version: str
    created: str | None
    tables: dict[str, bytes]  # its CSVs by table name (changes.csv included)
    archives: dict[str, bytes] = field(default_factory=dict)  # version -> zip, the newest first


@dataclass(frozen=True)
class ReleaseInputs:
    commit: Commit | None = None
    previous: PreviousRelease | None = None

    @cached_property
    def key(self) -> str:
        """What the release depends on, in one word (a unit's inputs)."""
        parts = [self.commit.sha if self.commit else "", self.previous.version if self.previous else ""]
        for version, data in (self.previous.archives if self.previous else {}).items():
            parts.append(f"{version}:{hashlib.sha256(data).hexdigest()}")
        return "|".join(parts)


NO_RELEASE = ReleaseInputs()


def read_release_inputs(root: Path, previous: Path | None = None) -> ReleaseInputs:
    return ReleaseInputs(head_commit(root), read_previous(previous) if previous else None)


def head_commit(root: Path) -> Commit | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%H %ct"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0 or not out.stdout.strip():
        return None
    sha, seconds = out.stdout.split()
    moment = dt.datetime.fromtimestamp(int(seconds), tz=dt.UTC)
    return Commit(sha, moment.strftime("%Y-%m-%dT%H:%M:%SZ"), moment.strftime("%Y-%m-%d"))


def read_previous(folder: Path) -> PreviousRelease | None:
    """The releases in `folder` (a copy of a published data/releases/): the newest one's tables and
    every kept zip. An empty or missing folder is no previous release; a damaged one is refused
    (NotAReport naming the file), since comparing with it would publish wrong changes."""
    index_path = folder / INDEX
    if not index_path.is_file():
        return None
    try:
        entries = json.loads(index_path.read_text(encoding="utf-8"))
        versions = [str(entry["version"]) for entry in entries]
    except (ValueError, TypeError, KeyError) as exc:
        raise NotAReport(str(index_path), f"not a releases index: {exc}") from exc
    archives = {version: _archive(folder / version / ARCHIVE) for version in versions}
    if not versions:
        return None
    newest = versions[0]
    tables, descriptor = _unpack(archives[newest], folder / newest / ARCHIVE)
    return PreviousRelease(newest, descriptor.get("created"), tables, archives)


def _archive(path: Path) -> bytes:
    if not path.is_file() or path.stat().st_size > MAX_ARCHIVE_BYTES:
        raise NotAReport(str(path), f"a release's zip is missing or over {MAX_ARCHIVE_BYTES:,} bytes")
    return path.read_bytes()


def _unpack(data: bytes, shown: Path) -> tuple[dict[str, bytes], dict]:
    """The CSVs at the top of a release zip, by table name, and its descriptor."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [n for n in archive.namelist() if "/" not in n and n.endswith(".csv")]
            if sum(archive.getinfo(n).file_size for n in names) > MAX_ARCHIVE_BYTES * 10:
                raise NotAReport(str(shown), "the release's CSVs unpack to more than 2 GB")
            tables = {n.removesuffix(".csv"): archive.read(n) for n in names}
            descriptor = json.loads(archive.read("datapackage.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise NotAReport(str(shown), f"not a release zip: {exc}") from exc
    return tables, descriptor
