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
