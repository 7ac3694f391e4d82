"""The one place that starts processes: forked workers for many pieces of work (`run`), and for
work that must stay inside limits whatever its input (`bounded`: parsing contributed files).

Workers are forked, so they share what the build process holds (the corpus, the state) instead of
receiving a pickled copy; only each piece's result comes back. The results are the same as running
the work in this process, in the same order (`run` with `jobs=1` does exactly that). Every worker
dies with the build process (Linux's parent-death signal), even when the build is killed.
"""

from __future__ import annotations

import os
import resource
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from generator import deadline
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
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=die_with_parent, initargs=(os.getpid(),)
        ) as pool:
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


# --- work that a hostile input must not be able to hang or exhaust -----------------------------------


@dataclass(frozen=True)
class Limits:
    """What one piece of bounded work may take: wall-clock seconds, and bytes of address space above
    what the worker holds when it starts (it shares the build's memory)."""

    seconds: float = 30.0
    memory: int = 2 * 2**30

    @classmethod
    def from_environment(cls) -> Limits:
        """The defaults, or `REPORT_PARSE_SECONDS` / `REPORT_PARSE_MEMORY_MB` (the tests lower them)."""
        seconds = float(os.environ.get("REPORT_PARSE_SECONDS") or cls.seconds)
        megabytes = os.environ.get("REPORT_PARSE_MEMORY_MB")
        return cls(seconds, int(float(megabytes) * 2**20) if megabytes else cls.memory)

    def too_slow(self, extra: float = 0.0) -> str:
        if extra:  # the reader asked for more (OCR of a scan, generator/deadline.py)
            return f"reading took longer than {self.seconds + extra:g} s (the limit per file read by OCR)"
        return f"parsing took longer than {self.seconds:g} s (the limit per file)"

    def too_big(self) -> str:
        size = f"{self.memory / 2**30:g} GB" if self.memory >= 2**30 else f"{self.memory / 2**20:g} MB"
        return f"parsing needed more than {size} of memory (the limit per file)"

    def crashed(self, code: int | None) -> str:
        how = f"signal {-code}" if code is not None and code < 0 else f"exit status {code}"
        return f"the parser stopped ({how}); it may have needed more memory than allowed. {self.too_big()}"


class _Tripped(Exception):
    """A piece of bounded work went over a limit; its worker is gone."""


def bounded(
    items: Sequence[T],
    work: Callable[[T], R],
    jobs: int,
    failed: Callable[[T, str], R],
    *,
    limits: Limits | None = None,
    done: Callable[[R], object] = id,
) -> list[R]:
    """`work(item)` for every item, in order, each in a forked worker inside `limits` (a deadline per
    item, an address-space limit per worker). An item that goes over a limit gives `failed(item, why)`
    (its worker is killed and replaced); the others are unaffected. One worker for few items (forking
    one costs a few milliseconds), as many as `run` would use for many. An exception of `work` reaches
    the caller, as with `run`."""
    if not items:
        return []
    limits = limits or Limits.from_environment()
    count = min(workers_for(jobs), len(items)) if pooled(len(items), jobs) else 1
    size = max(1, -(-len(items) // (count * _CHUNKS_PER_WORKER)))
    spans = deque((start, min(start + size, len(items))) for start in range(0, len(items), size))
    results: dict[int, R] = {}

    def settle(index: int, result: R) -> None:
        results[index] = result
        done(result)

    global _shared
    _shared = (work, items)
    crew: list[_Worker] = []
    try:
        while spans or crew:
            while spans and len(crew) < count:
                crew.append(_Worker(spans.popleft(), limits))
            for worker in _ready(crew, limits):
                try:
                    for index, result in worker.receive():
                        settle(index, result)
                except _Tripped as trip:
                    settle(worker.at, failed(items[worker.at], str(trip)))
                    if worker.at + 1 < worker.span[1]:
                        spans.appendleft((worker.at + 1, worker.span[1]))
                    crew.remove(worker)
                    continue
                if worker.at >= worker.span[1]:
                    if spans:
                        worker.give(spans.popleft())
                    else:
                        worker.stop()
                        crew.remove(worker)
    finally:
        _shared = None
        for worker in crew:
            worker.kill()
    return [results[i] for i in range(len(items))]


def _ready(crew: list[_Worker], limits: Limits) -> list[_Worker]:
    """The workers with something to say, or past their deadline (those are killed: `receive` says so)."""
    from multiprocessing.connection import wait

    now = time.monotonic()
    timeout = max(0.0, min(worker.deadline() for worker in crew) - now)
    ready = set(wait([worker.connection for worker in crew], timeout))
    now = time.monotonic()
    for worker in crew:
        if worker.connection not in ready and now >= worker.deadline():
            worker.kill(late=True)
    return [worker for worker in crew if worker.connection in ready or worker.late]


class _Worker:
    """One forked process working through spans of items; `at` is the item it works on now."""

    def __init__(self, span: tuple[int, int], limits: Limits) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.connection, theirs = context.Pipe()
        self.limits, self.late = limits, False
        self.process = context.Process(target=_serve, args=(theirs, os.getpid(), limits.memory), daemon=True)
        self.process.start()
        theirs.close()
        self.give(span)

    def give(self, span: tuple[int, int]) -> None:
        self.span, self.at, self.since, self.extra = span, span[0], time.monotonic(), 0.0
        self.connection.send(span)

    def deadline(self) -> float:
        """When the current item's time is up: the limit, and what its reader asked for besides."""
        return self.since + self.limits.seconds + self.extra

    def receive(self) -> Iterator[tuple[int, Any]]:
        """The results that have arrived; raises _Tripped when the current item went over a limit."""
        if self.late:
            raise _Tripped(self.limits.too_slow(self.extra))
        while self.connection.poll():
            try:
                kind, index, payload, seconds = self.connection.recv()
            except (EOFError, OSError):
                self.process.join()
                raise _Tripped(self.limits.crashed(self.process.exitcode)) from None
            absorb(seconds)
            if kind == "extend":
                self.extra = max(self.extra, payload)
                continue
            if kind == "memory":
                self.kill()
                raise _Tripped(self.limits.too_big())
            if kind == "error":
                raise payload
            self.at, self.since, self.extra = index + 1, time.monotonic(), 0.0
            yield index, payload

    def stop(self) -> None:
        self.connection.send(None)
        self.connection.close()
        self.process.join()

    def kill(self, late: bool = False) -> None:
        self.late = late
        if self.process.exitcode is None:
            self.process.kill()
        self.process.join()


def _serve(connection: Any, parent: int, memory: int) -> None:
    """A worker: limit itself, then work through the spans it is given until told to stop."""
    die_with_parent(parent)
    _limit_memory(memory)
    assert _shared is not None, "workers are forked by `bounded`"
    work, items = _shared
    take()  # time spent before this piece belongs to the parent
    # A reader that needs longer (OCR) asks through generator/deadline.py; the parent moves the deadline.
    deadline.listen(lambda seconds: connection.send(("extend", -1, seconds, {})))
    while (span := connection.recv()) is not None:
        for index in range(*span):
            try:
                message = ("ok", index, work(items[index]), take())
            except MemoryError:
                message = ("memory", index, None, take())
            except Exception as exc:
                message = ("error", index, _picklable(exc), take())
            connection.send(message)
            if message[0] == "memory":
                os._exit(0)


def _picklable(exc: Exception) -> Exception:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{exc.__class__.__name__}: {exc}")
    return exc


def die_with_parent(parent: int) -> None:
    """Linux: this process gets SIGKILL when the build process ends, however it ends (even killed)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the workers are daemons, ended when the build exits
        pass
    if os.getppid() != parent:  # the build ended before the signal was set
        os._exit(1)


def _limit_memory(budget: int) -> None:
    """Limit this process's address space to what it holds now plus `budget` bytes."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            held = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return  # no /proc: the deadline still holds
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = held + budget if hard == resource.RLIM_INFINITY else min(held + budget, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
