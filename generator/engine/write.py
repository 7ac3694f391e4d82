"""Write stage: `{relative path: bytes}` → files under the output folder.

The only stage besides `read` that touches the disk. `check_paths` refuses outputs that would leave
the output folder or land on one file (paths differing only in case collide on Windows and macOS
checkouts); `write_files` skips files whose bytes are already on disk, so a second build writes
nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from generator.clock import timed
from generator.errors import OutputClash


def check_paths(paths: Iterable[str]) -> None:
    """Raise OutputClash for a path that would leave the output folder, and for `check_clashes`."""
    paths = list(paths)
    for path in paths:
        pure = PurePosixPath(path)
        if not path or pure.is_absolute() or ".." in pure.parts or "\\" in path or path.endswith("/"):
            raise OutputClash(f"output path {path!r} is not a relative path inside the output folder")
    check_clashes(paths)


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


@timed("write")
def write_files(out_dir: Path, files: Mapping[str, bytes]) -> int:
    """Write the files whose bytes changed (their paths checked with `check_paths`); return how many."""
    root = str(out_dir)
    for folder in sorted({path.rpartition("/")[0] for path in files}):
        os.makedirs(f"{root}/{folder}" if folder else root, exist_ok=True)
    return sum(_write_if_changed(f"{root}/{path}", files[path]) for path in sorted(files))
