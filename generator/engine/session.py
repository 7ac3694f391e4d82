"""A build session: what one build reads and writes, instead of values passed from hand to hand.

One build at a time writes an output folder and a cache: the session holds an exclusive `flock` on
both folders for its length (`build_lock`), and a second build of either is refused at once
(`BuildLocked`) rather than mixing its files with the first's. The kernel releases the lock when the
process and the workers it forked are gone, however they end: no lock file is left to clean up.
"""

from __future__ import annotations

import fcntl
import gc
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from generator.clock import Clock
from generator.engine.cache import ReportCache, gc_relaxed, site_version
from generator.engine.state import state_path
from generator.site.render import keep_compiled_templates

Progress = Callable[[int, str], Callable[[Any], object]]  # (how many, what) -> called per one done


def no_progress(total: int, label: str) -> Callable[[Any], object]:
    return id


class BuildLocked(Exception):
    """Another build holds the lock of this folder (the output folder or the cache)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(f"another build is using {folder} now: wait for it to finish, then build again")
        self.folder = folder


@contextmanager
def build_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the folder (made if missing) for the block; BuildLocked at once if
    another process holds it. A file system that cannot lock is built without a lock."""
    folder.mkdir(parents=True, exist_ok=True)
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)  # not inherited by programs run (CLOEXEC)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BuildLocked(folder) from exc
        except OSError:
            pass  # no locks here (some network file systems): build as before
        yield
    finally:
        os.close(handle)  # releases the lock (forked workers that still hold it release it as they end)


@dataclass
class Session:
    content: Path  # content/, with reports/ and pages/
    out: Path  # the site folder
    cache_root: Path  # .cache/ beside content/ (a temporary folder when nothing is kept)
    keep: bool  # whether the state and the parse cache are kept for the next build
    jobs: int = 0  # worker processes; 0: one per core
    progress: Progress = no_progress
    clock: Clock = field(default_factory=Clock)
    previous: Path | None = None  # a copy of the published data/releases/, to compare the data with

    @property
    def root(self) -> Path:
        """The project folder, which holds content/: report paths are relative to it."""
        return self.content.resolve().parent

    @cached_property
    def version(self) -> str:
        """The site version: the generator, the templates and the libraries."""
        return site_version()

    @property
    def state_file(self) -> Path | None:
        return state_path(self.cache_root, self.out) if self.keep else None

    @cached_property
    def reports(self) -> ReportCache:
        """Whole parsed reports, by file key (workers hand them on through it)."""
        return ReportCache(self.cache_root / "reports")

    @property
    def vega_cache(self) -> Path:
        return self.root / ".cache"  # the Vega bundle is kept even without a cache: it takes seconds


@contextmanager
def open_session(
    content: Path,
    out: Path,
    *,
    keep: bool = True,
    jobs: int = 0,
    progress: Progress = no_progress,
    previous: Path | None = None,
) -> Iterator[Session]:
    """A session building `content` into `out`; without `keep`, its caches live in a temporary
    folder removed at the end. BuildLocked when another build uses `out` or the cache."""
    with ExitStack() as stack:
        root = content.resolve().parent
        stack.enter_context(build_lock(out))
        if keep:
            stack.enter_context(build_lock(root / ".cache"))
        cache_root = root / ".cache" if keep else Path(stack.enter_context(tempfile.TemporaryDirectory()))
        stack.enter_context(gc_relaxed())
        stack.callback(gc.unfreeze)  # the build freezes its loaded state (engine.build.load_previous)
        if keep:
            keep_compiled_templates(cache_root / "templates")
        yield Session(content, out, cache_root, keep, jobs, progress, previous=previous)
