"""Write stage: `{relative path: bytes}` → files under the output folder.

The only stage besides `read` that touches the disk. It refuses two outputs that would land on one
file (paths differing only in case collide on Windows and macOS checkouts), and skips files whose
bytes are already on disk, so a second build writes nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MANIFEST = ".written.json"  # the files the last build wrote, so that stale ones can be removed


class OutputClash(ValueError):
    """Two outputs would be written to one file, or a path would leave the output folder."""


@dataclass(frozen=True)
class WriteStats:
    written_paths: tuple[str, ...]  # paths whose bytes changed (or are new)
    unchanged: int  # files skipped because the same bytes were already there
    total_bytes: int = 0  # size of every output, written or not
    removed: tuple[str, ...] = ()  # stale files of the previous build, removed

    @property
    def written(self) -> int:
        return len(self.written_paths)

    @property
    def files(self) -> int:
        return len(self.written_paths) + self.unchanged


def check_paths(paths: Iterable[str]) -> None:
    """Raise OutputClash for unsafe paths, case-insensitive duplicates, or a file that is also a folder."""
    seen: dict[str, str] = {}
    folders: set[str] = set()
    for path in sorted(paths):
        pure = PurePosixPath(path)
        if not path or pure.is_absolute() or ".." in pure.parts or "\\" in path or path.endswith("/"):
            raise OutputClash(f"output path {path!r} is not a relative path inside the output folder")
        key = path.casefold()
        if key in seen:
            raise OutputClash(f"outputs {seen[key]!r} and {path!r} would be written to one file")
        seen[key] = path
        folders.update(str(parent).casefold() for parent in pure.parents if str(parent) != ".")
    for key, path in seen.items():
        if key in folders:
            raise OutputClash(f"output {path!r} is also the folder of other outputs")


def _same_bytes(target: Path, data: bytes) -> bool:
    try:
        return target.stat().st_size == len(data) and target.read_bytes() == data
    except OSError:
        return False


def _write_atomic(target: Path, data: bytes) -> None:
    """Write beside the target, then rename: a reader never sees half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)


def _write_if_changed(target: str, data: bytes) -> bool:
    """Plain os calls, no Path objects: this runs once per file of the site (100,000s of them).

    A new file is written in place (a rename per file is a tenth of a full build's writing; a file
    cut short by a crash differs in size, so the next build writes it again). A file that exists
    is replaced by a rename, so a reader of the site never sees half of it."""
    try:
        if os.stat(target).st_size == len(data):
            with open(target, "rb") as handle:
                if handle.read() == data:
                    return False
    except FileNotFoundError:
        try:
            with open(target, "xb") as handle:
                handle.write(data)
            return True
        except FileExistsError:
            pass  # created meanwhile: replace it
    except OSError:
        pass
    temporary = f"{os.path.dirname(target)}/.{os.path.basename(target)}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, target)
    return True


def write_files(out_dir: Path, files: Mapping[str, bytes]) -> int:
    """Write the files whose bytes changed (a unit's files: no clash checks); return how many."""
    root = str(out_dir)
    for folder in sorted({path.rpartition("/")[0] for path in files}):
        os.makedirs(f"{root}/{folder}" if folder else root, exist_ok=True)
    return sum(_write_if_changed(f"{root}/{path}", files[path]) for path in sorted(files))


def write_outputs(out_dir: Path, files: Mapping[str, bytes], *, prune: bool = False) -> WriteStats:
    """Write every file whose bytes changed. With `prune`, also remove the files the previous pruning
    build wrote that are no longer outputs (only those: nothing else in `out_dir` is touched)."""
    check_paths(files)
    paths = sorted(files)
    root = str(out_dir)
    for folder in sorted({path.rpartition("/")[0] for path in paths}):
        os.makedirs(f"{root}/{folder}" if folder else root, exist_ok=True)
    changed = [_write_if_changed(f"{root}/{path}", files[path]) for path in paths]
    written = [path for path, did in zip(paths, changed, strict=True) if did]
    removed = _prune(out_dir, files) if prune else ()
    total = sum(len(data) for data in files.values())
    return WriteStats(tuple(written), len(files) - len(written), total, removed)


def _prune(out_dir: Path, files: Mapping[str, bytes]) -> tuple[str, ...]:
    manifest = out_dir / MANIFEST
    try:
        previous = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = []
    stale = sorted(p for p in previous if isinstance(p, str) and p not in files)
    for path in stale:
        (out_dir / path).unlink(missing_ok=True)
    listing = (json.dumps(sorted(files), ensure_ascii=False, indent=0) + "\n").encode("utf-8")
    if not _same_bytes(manifest, listing):
        _write_atomic(manifest, listing)
    return tuple(stale)
