"""Folders the benchmark no longer needs are set aside while it measures and deleted at the end.

Why not delete them at once: on an ext4 file system without a journal (such as the one of this
project's standard benchmark machine), the kernel will not reuse an inode freed less than one to six minutes
ago, and every new file scans past those inodes first. Right after a tree of 100,000 files is
deleted, creating a file costs some 700 µs instead of 50 µs, which added half a minute to a full
build of 10,000 reports (and less to Hugo's, which writes a tenth of the files). A rename frees
nothing, so the builds measured meanwhile write at the file system's usual speed.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

FOLDER = ".trash"
EMPTIED = ".trash-emptied"  # when the last run deleted its trash (seconds since the epoch)
SETTLE_SECONDS = 360  # the kernel's longest wait before it reuses a freed inode (60 s + 300 s)


def set_aside(path: Path, work: Path) -> None:
    """Move `path` (if it exists) into `work`'s trash, to be emptied by `empty`."""
    if not path.exists():
        return
    trash = work / FOLDER
    trash.mkdir(parents=True, exist_ok=True)
    number = sum(1 for _ in trash.iterdir())
    while (trash / f"{number}-{path.name}").exists():
        number += 1
    path.rename(trash / f"{number}-{path.name}")


def empty(work: Path) -> None:
    """Delete what was set aside (after the last measurement), and note when."""
    trash = work / FOLDER
    if trash.exists():
        print(f"deleting the folders set aside in {trash} …", file=sys.stderr)
        shutil.rmtree(trash)
        (work / EMPTIED).write_text(f"{time.time():.0f}\n", encoding="utf-8")


def settle(work: Path) -> None:
    """Before measuring: if a previous run deleted its trash less than six minutes ago, wait out
    the rest of those six minutes (else this run's first builds would pay for that deletion)."""
    try:
        emptied = float((work / EMPTIED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    left = emptied + SETTLE_SECONDS - time.time()
    if left > 0:
        print(f"waiting {left:.0f} s: the previous run's files were deleted just now …", file=sys.stderr)
        time.sleep(left)
