"""`units.standby`: a process forked when the build starts, given its work later, which it does while
the build goes on."""

from __future__ import annotations

import os
import signal
import time

import pytest

from generator.clock import stage, take
from generator.engine.units import BACKGROUND_NICENESS, standby


def work() -> tuple[int, int]:
    with stage("validate"):
        time.sleep(0.01)
    return os.getpid(), 42


def failing() -> None:
    raise ValueError("bad bucket")


def dying() -> None:
    os._exit(3)


def slow() -> None:
    time.sleep(60)


def niceness() -> int:
    return os.nice(0)


def prepare() -> None:
    os.environ["STANDBY_PREPARED"] = str(os.getpid())  # in the child only


def prepared() -> tuple[str | None, int]:
    return os.environ.get("STANDBY_PREPARED"), os.getpid()


def test_standby_prepares_then_runs_the_work_it_is_sent() -> None:
    with standby(prepare, jobs=2) as submit:
        result = submit(prepared)
        marker, pid = result()
    assert pid != os.getpid() and marker == str(pid)
    assert "STANDBY_PREPARED" not in os.environ


def test_standby_with_one_job_runs_the_work_here() -> None:
    with standby(prepare, jobs=1) as submit:
        assert submit(work)() == (os.getpid(), 42)


def test_standby_raises_the_work_s_exception() -> None:
    with standby(prepare, jobs=2) as submit, pytest.raises(ValueError, match="bad bucket"):
        submit(failing)()


def test_standby_without_work_or_with_an_unwanted_one_leaves_no_child() -> None:
    with standby(prepare, jobs=2):
        pass
    with pytest.raises(KeyError), standby(prepare, jobs=2) as submit:
        submit(slow)
        raise KeyError("the pages failed")
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_standby_answers_while_a_later_fork_holds_its_pipe() -> None:
    """A worker forked after the standby process holds a copy of the pipe the work is sent down:
    the work must not wait for that copy to close."""
    with standby(prepare, jobs=2) as submit:
        holder = os.fork()
        if holder == 0:
            time.sleep(30)
            os._exit(0)
        try:
            started = time.perf_counter()
            assert submit(work)()[1] == 42
            assert time.perf_counter() - started < 10
        finally:
            os.kill(holder, signal.SIGKILL)
            os.waitpid(holder, 0)


def test_the_work_runs_in_another_process_and_its_result_and_time_come_back() -> None:
    take()
    with standby(prepare, jobs=2) as submit:
        result = submit(work)
        pid, answer = result()
        assert result() == (pid, answer)  # asked twice, answered from the one outcome
    assert pid != os.getpid()
    assert answer == 42
    assert take().get("validate", 0) >= 0.01  # the child's time is counted as this process's


def test_a_child_that_dies_without_answering_is_an_error_not_a_hang() -> None:
    with standby(prepare, jobs=2) as submit, pytest.raises(RuntimeError, match="without a result"):
        submit(dying)()


def test_the_standby_work_yields_to_the_build() -> None:
    with standby(prepare, jobs=2) as submit:
        assert submit(niceness)() == min(os.nice(0) + BACKGROUND_NICENESS, 19)


def test_work_the_caller_will_wait_for_can_keep_its_priority() -> None:
    with standby(prepare, jobs=2, nice=False) as submit:
        assert submit(niceness)() == os.nice(0)
