"""The project's own exceptions. `commands/cli.py` turns them into messages and exit codes."""

from __future__ import annotations


class NotAReport(Exception):
    """The file cannot be read as a report at all (empty, binary, no disclosure tables)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class OutputClash(ValueError):
    """Two outputs would be written to one file, or a path would leave the output folder."""


def let_limits_through(exc: BaseException) -> None:
    """Readers turn any exception of a format library into NotAReport; the memory limit (MemoryError,
    maybe wrapped by the library) must still reach the worker, which names the limit."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return
        if isinstance(seen, MemoryError):
            raise MemoryError from exc
        inner = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = seen.__cause__ or inner or seen.__context__
