"""Write stage: `{relative path: bytes}` → files under the output folder.

The only stage besides `read` that touches the disk. `check_paths` refuses outputs that would leave
the output folder or land on one file (paths differing only in case collide on Windows and macOS
checkouts); `write_files` skips files whose bytes are already on disk, so a second build writes
nothing.

Every path written or removed (`write_files`, `check_inside`, and the engine's removal of dropped
files) is first checked against the disk too: each folder on its way must be a real folder, not a
symlink (`site/reports` linked to another place is refused, not written through), so nothing is
ever written or removed outside the output folder. The output folder itself may be a link.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from generator.clock import timed
from generator.errors import OutputClash


def check_paths(paths: Iterable[str]) -> None:
    """Raise OutputClash for a path that would leave the output folder, and for `check_clashes`."""
    paths = list(paths)
    check_relative(paths)
    check_clashes(paths)


def check_relative(paths: Iterable[str]) -> None:
    """Raise OutputClash for a path that is not plain `folder/…/name` (absolute, `..`, `.`, empty
    parts, a backslash or a NUL)."""
    for path in paths:
        if not path or "\\" in path or "\0" in path or any(p in ("", ".", "..") for p in path.split("/")):
            raise OutputClash(f"output path {path!r} is not a relative path inside the output folder")


def check_inside(out_dir: Path, paths: Iterable[str], *, writing: bool = True) -> None:
    """Raise OutputClash, before anything is written or removed, for a path that is not plain
    (`check_relative`) or whose way from `out_dir` passes a symlink: each existing folder on it
    must be a real folder. Writing, a file where a folder should be is refused too; removing, it
    only means there is nothing to remove. One lstat per folder (each checked once per call)."""
    paths = list(paths)
    check_relative(paths)
    root = str(out_dir)
    seen: set[str] = set()
    for path in paths:
        folder = ""
        for part in path.split("/")[:-1]:
            folder = f"{folder}/{part}" if folder else part
            if folder in seen:
                continue
            try:
                mode = os.lstat(f"{root}/{folder}").st_mode
            except FileNotFoundError:
                break  # made by `write_files` as a real folder, or nothing there to remove
            if stat.S_ISLNK(mode):
                raise OutputClash(f"output path {path!r} would go through the symlink {folder!r}")
            if not stat.S_ISDIR(mode):
                if writing:
                    raise OutputClash(f"output path {path!r} needs {folder!r} to be a folder")
                break
            seen.add(folder)


def check_clashes(paths: Iterable[str]) -> None:
    """Raise OutputClash for two paths that differ only in case, or a file that is also a folder
    (plain string work: the engine checks every file of the site after each build)."""
    seen: dict[str, str] = {}
    folders: set[str] = set()
    for path in sorted(paths):
        key = path.casefold()
        if key in seen:
            raise OutputClash(f"outputs {seen[key]!r} and {path!r} would be written to one file")
        seen[key] = path
        folder = key.rpartition("/")[0]
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    for key, path in seen.items():
        if key in folders:
            raise OutputClash(f"output {path!r} is also the folder of other outputs")


def _write_if_changed(target: str, data: bytes) -> bool:
    """Plain os calls, no Path objects: this runs once per file of the site (100,000s of them).

    A new file is written in place (a rename per file is a tenth of a full build's writing; a file
    cut short by a crash differs in size, so the next build writes it again). A file that exists
    is replaced by a rename, so a reader of the site never sees half of it."""
    try:
        found = os.lstat(target)  # a link or a device is replaced, never read or written through
        if stat.S_ISREG(found.st_mode) and found.st_size == len(data):
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
    temporary = f"{os.path.dirname(target)}/.{os.path.basename(target)}.{os.getpid()}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, target)
    return True


@timed("write")
def write_files(out_dir: Path, files: Mapping[str, bytes]) -> int:
    """Write the files whose bytes changed; return how many. Their paths are checked first
    (`check_inside`): none is written unless all stay inside `out_dir`."""
    check_inside(out_dir, files)
    root = str(out_dir)
    for folder in sorted({path.rpartition("/")[0] for path in files}):
        os.makedirs(f"{root}/{folder}" if folder else root, exist_ok=True)
    return sum(_write_if_changed(f"{root}/{path}", files[path]) for path in sorted(files))
