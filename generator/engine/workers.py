"""The one place that starts processes: a pool of forked workers for many pieces of work.

Workers are forked, so they share what the build process holds (the corpus, the state) instead of
receiving a pickled copy; only each piece's result comes back. The results are the same as running
the work in this process, in the same order (`jobs=1` does exactly that).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from generator.clock import absorb, take

T = TypeVar("T")
R = TypeVar("R")

POOL_FROM = 50  # pieces of work; below this, forking a pool costs more than it saves
_CHUNKS_PER_WORKER = 8  # small enough to share the work out evenly, large enough to pay its trip

# What forked workers read: set just before the pool starts, inherited, never pickled.
_shared: tuple[Callable[[Any], Any], Sequence[Any]] | None = None


def workers_for(jobs: int) -> int:
    """`--jobs`: 0 means one worker per core."""
    return jobs or os.cpu_count() or 1


def pooled(count: int, jobs: int, heavy: bool = False) -> bool:
    """Whether `run` forks workers for `count` pieces of work (`heavy`: some take long enough to pay
    for a pool however few they are)."""
    return workers_for(jobs) > 1 and count >= (2 if heavy or jobs != 0 else POOL_FROM)


def run(
    items: Sequence[T],
    work: Callable[[T], R],
    jobs: int,
    *,
    heavy: int = 0,
    done: Callable[[R], object] = id,
) -> list[R]:
    """`work(item)` for every item, in order: in forked workers when there are enough items to gain
    (`pooled`). The first `heavy` items take long: each is a piece of work of its own, so that they
    share the workers out evenly. `done` is called with each result as it arrives (progress)."""
    if not pooled(len(items), jobs, heavy > 0):
        results = []
        for item in items:
            results.append(work(item))
            done(results[-1])
        return results
    out = []
    for result in _in_workers(items, work, workers_for(jobs), heavy):
        done(result)
        out.append(result)
    return out


def _in_workers(items: Sequence[T], work: Callable[[T], R], workers: int, heavy: int) -> Iterator[R]:
    import multiprocessing  # here: most rebuilds need no pool
    from concurrent.futures import ProcessPoolExecutor

    global _shared
    _shared = (work, items)
    size = max(1, -(-(len(items) - heavy) // (workers * _CHUNKS_PER_WORKER)))
    spans = [(i, i + 1) for i in range(heavy)]
    spans += [(start, min(start + size, len(items))) for start in range(heavy, len(items), size)]
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for results, seconds in pool.map(_run_span, spans):
                absorb(seconds)
                yield from results
    finally:
        _shared = None


def _run_span(span: tuple[int, int]) -> tuple[list[Any], dict[str, float]]:
    assert _shared is not None, "workers are forked by `run`"
    work, items = _shared
    take()  # time spent before this piece belongs to the parent
    return [work(items[i]) for i in range(*span)], take()
