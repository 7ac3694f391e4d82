"""OCR results kept between builds, so that a rebuild never reads a scan again (issue #25).

A scan's text (the `Source` that `read/ocr.py` makes) depends on the file's bytes, the OCR code and
the OCR libraries and models, not on the parser: it is kept under a key of those alone, so a change
to the parser (which makes every parse-cache entry stale) parses the kept text again in
milliseconds instead of recognising every page again (seconds a page). The build sets the store
(`engine/sources.py`: `.cache/ocr/`); without one (`check`, `parse`, the pure pipeline) every
scan is read. A module of its own, without OpenCV or onnxruntime, so that setting the store costs
a build nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from generator.model import Source

# What decides the text OCR gives: these modules and these distributions (the models are in the wheel).
_MODULES = ("ocr.py", "grid.py", "pdf.py", "layout.py", "ocr_cache.py")
_PACKAGES = ("rapidocr-onnxruntime", "onnxruntime", "opencv-python", "pypdfium2", "pillow", "numpy")


class Store(Protocol):
    def get(self, key: str) -> Source | None: ...

    def put(self, key: str, source: Source) -> None: ...


_store: Store | None = None


def use(store: Store | None) -> None:
    """Keep OCR results in `store` (None: keep nothing)."""
    global _store
    _store = store


@lru_cache(maxsize=1)
def ocr_version() -> str:
    from importlib import metadata

    digest = hashlib.sha256()
    folder = Path(__file__).resolve().parent
    for name in _MODULES:
        digest.update(name.encode() + hashlib.sha256((folder / name).read_bytes()).digest())
    for package in _PACKAGES:
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=-".encode())
    return digest.hexdigest()


def key_of(data: bytes) -> str:
    return hashlib.sha256(ocr_version().encode() + b"\0" + data).hexdigest()


def kept(data: bytes, name: str) -> Source | None:
    """The text OCR gave for these bytes in an earlier build, named as the file is now."""
    if _store is None:
        return None
    source = _store.get(key_of(data))
    return replace(source, path=name) if source is not None else None


def keep(data: bytes, source: Source) -> None:
    if _store is not None:
        _store.put(key_of(data), source)
