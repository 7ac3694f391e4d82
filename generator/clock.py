"""Where the build's time goes: what `build --stats` and the benchmark report.

Two measures on one clock. Work: each process (the build's and every worker) adds the seconds it
spends in a stage (`with stage("parse")`) to its own counter; workers send theirs back with their
results (`workers.run` absorbs them). Wall: the `Clock` of a build times its phases, how long the
build waited for each.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

STAGES = ("read", "parse", "check", "package", "validate", "charts", "render", "write")

P = ParamSpec("P")
R = TypeVar("R")

# This process's seconds per stage since the last `take()`.
_spent: defaultdict[str, float] = defaultdict(float)
_active: list[str] = []  # stages being timed, innermost last: a nested stage is not counted twice


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Count the time of the block to `name` (and not to an enclosing stage)."""
    started = time.perf_counter()
    outer = _active[-1] if _active else None
    _active.append(name)
    try:
        yield
    finally:
        _active.pop()
        seconds = time.perf_counter() - started
        _spent[name] += seconds
        if outer is not None:
            _spent[outer] -= seconds


def timed(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with stage(name):
                return function(*args, **kwargs)

        return wrapper

    return decorate


def take() -> dict[str, float]:
    """This process's seconds per stage, and reset (a worker calls it once per batch of work)."""
    out = dict(_spent)
    _spent.clear()
    return out


def add(total: MutableMapping[str, float], part: Mapping[str, float]) -> None:
    for name, seconds in part.items():
        total[name] += seconds


def absorb(part: Mapping[str, float]) -> None:
    """Count a worker's seconds as this process's (they are reported with its own)."""
    add(_spent, part)


class Clock:
    """One build's time: wall seconds by phase, and the work of every stage in every process."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.wall: defaultdict[str, float] = defaultdict(float)
        self.work: defaultdict[str, float] = defaultdict(float)
        take()  # what this process did before the build is not the build's

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.wall[name] += time.perf_counter() - started

    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def stages(self) -> dict[str, float]:
        """The work of each stage so far (this process's, with its workers' absorbed)."""
        add(self.work, take())
        return {name: round(self.work[name], 3) for name in STAGES}
