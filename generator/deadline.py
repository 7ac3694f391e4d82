"""Work that needs more time than the parse limit allows says so here: OCR of a scanned report
(`read/ocr.py`) asks for its own limit. The bounded worker it runs in (`engine/workers.py`, the one
module that starts processes) listens and moves that file's deadline by as much; outside a worker
nobody listens and asking does nothing. A module of its own, so that readers need not import the
engine."""

from __future__ import annotations

from collections.abc import Callable

_listener: Callable[[float], None] | None = None


def extend(seconds: float) -> None:
    """Ask for `seconds` more for the file being read."""
    if _listener is not None:
        _listener(seconds)


def listen(listener: Callable[[float], None] | None) -> None:
    """Set (or, with None, clear) who is told."""
    global _listener
    _listener = listener
