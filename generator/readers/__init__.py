"""Input formats: each reader turns a file's bytes into a `Source` the text parser reads.

A new format is a new module plus one line in READERS.
"""

from __future__ import annotations

from collections.abc import Callable

from generator.model import Source
from generator.read import decode_source

Reader = Callable[[bytes, str], Source]

READERS: dict[str, Reader] = {
    ".txt": decode_source,
}
