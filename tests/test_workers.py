"""`engine.workers`: the one place that starts processes. Work done in forked workers gives the same
results, in the same order, as work done in the build process, and its time comes back."""

from __future__ import annotations

import os
import time

import pytest

from generator.clock import stage, take
from generator.engine import workers


def square(n: int) -> tuple[int, int]:
    with stage("render"):
        time.sleep(0.001)
    return n * n, os.getpid()


def failing(n: int) -> int:
    if n == 3:
        raise ValueError("bad item")
    return n


def test_pooled_work_equals_work_done_here_in_order() -> None:
    items = list(range(40))
    here = workers.run(items, square, jobs=1)
    pooled = workers.run(items, square, jobs=2, heavy=3)
    assert [value for value, _ in pooled] == [value for value, _ in here] == [n * n for n in items]
    assert {pid for _, pid in here} == {os.getpid()}
    assert os.getpid() not in {pid for _, pid in pooled}


def test_the_workers_time_is_counted_with_the_build_s() -> None:
    take()
    workers.run(list(range(20)), square, jobs=2)
    assert take().get("render", 0) >= 0.015


def test_a_worker_s_exception_reaches_the_build() -> None:
    with pytest.raises(ValueError, match="bad item"):
        workers.run(list(range(10)), failing, jobs=2)


def test_progress_sees_every_result() -> None:
    seen: list[int] = []
    workers.run(list(range(12)), failing_free := (lambda n: n + 1), jobs=1, done=seen.append)
    assert seen == [failing_free(n) for n in range(12)]


def test_few_items_run_here_unless_some_are_heavy() -> None:
    assert not workers.pooled(3, jobs=0)
    assert workers.pooled(3, jobs=0, heavy=True) == (workers.workers_for(0) > 1)
    assert workers.pooled(3, jobs=2)
    assert not workers.pooled(300, jobs=1, heavy=True)


def test_heavy_items_are_shared_out_one_by_one() -> None:
    items = list(range(30))
    results = workers.run(items, square, jobs=2, heavy=5)
    assert [value for value, _ in results] == [n * n for n in items]
