"""Build progress: a bar on a terminal, plain periodic lines in CI logs."""

from __future__ import annotations

import sys
import time
from typing import TypeVar

T = TypeVar("T")
_MIN_FOR_PROGRESS = 200  # small builds finish before progress is worth printing
_LOG_EVERY_SECONDS = 5.0


class Progress:
    def __init__(self, total: int, label: str) -> None:
        self.total, self.label, self.done = total, label, 0
        self._bar = None
        self._last_log = time.monotonic()
        if total >= _MIN_FOR_PROGRESS and sys.stderr.isatty():
            from tqdm import tqdm

            tqdm.monitor_interval = 0  # no monitor thread: the build forks render workers later
            self._bar = tqdm(total=total, desc=label, unit="份", file=sys.stderr, leave=False)

    def step(self, item: T) -> T:
        self.done += 1
        if self._bar is not None:
            self._bar.update(1)
            if self.done == self.total:
                self._bar.close()
        elif self.total >= _MIN_FOR_PROGRESS and (
            self.done == self.total or time.monotonic() - self._last_log >= _LOG_EVERY_SECONDS
        ):
            self._last_log = time.monotonic()
            print(f"{self.label}: {self.done}/{self.total}", file=sys.stderr, flush=True)
        return item
