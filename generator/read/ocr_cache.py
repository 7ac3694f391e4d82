"""OCR results kept between builds, so that a rebuild never reads a page image again (issue #25).

What is kept is what the recogniser read on each page OCR read (`Recognised`: the page's tables and
text lines, `read/page_lines.Item`s, before labels and digits are tidied), by page number: for a scan
every page, for a PDF with a text layer only its pages of images. It depends on the file's bytes,
the OCR code and the OCR libraries and models, not on the parser: it is kept under a key of those
alone (`key_of`), so a change to the parser (which makes every parse-cache entry stale) writes the
kept pages out again in milliseconds instead of recognising them again (seconds a page). The key is
made from the file's SHA-256 (`Metadata.source_sha256`), so the build can tell the entries its reports
use without reading their files (`used_keys`) and prune the others (`engine/build.py`).

The build sets the store (`engine/sources.py`: `.cache/ocr/`); without one (`check`, `parse`, the pure
pipeline) every page image is read. A module of its own, without OpenCV or onnxruntime, so that
setting the store costs a build nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from generator.model import Report
from generator.read.page_lines import Item

# What decides what OCR reads on a page: these modules and these distributions (the models are in
# the wheel). Which pages are read (`pdf.py`) is not: a page missing from an entry is read and added.
_MODULES = ("ocr.py", "grid.py", "page_lines.py", "ocr_cache.py")
_PACKAGES = ("rapidocr-onnxruntime", "onnxruntime", "opencv-python", "pypdfium2", "pillow", "numpy")


@dataclass(frozen=True)
class Recognised:
    """What OCR read on a file's pages: each page's items, by page number (from 1)."""

    pages: Mapping[int, tuple[Item, ...]]


class Store(Protocol):
    def get(self, key: str) -> Recognised | None: ...

    def put(self, key: str, recognised: Recognised) -> None: ...


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


def key_of_digest(sha256: str) -> str:
    """The key of a file whose bytes have this SHA-256 (hex)."""
    return hashlib.sha256(f"{ocr_version()}\0{sha256}".encode()).hexdigest()


def key_of(data: bytes) -> str:
    return key_of_digest(hashlib.sha256(data).hexdigest())


def used_keys(reports: Iterable[Report | None]) -> set[str]:
    """The keys of the entries these reports were read from (those with pages read by OCR)."""
    return {
        key_of_digest(r.meta.source_sha256)
        for r in reports
        if r is not None and r.meta.ocr_pages and r.meta.source_sha256
    }


def kept(data: bytes) -> dict[int, list[Item]]:
    """The pages OCR read in these bytes in an earlier build (none without a store or an entry)."""
    if _store is None:
        return {}
    found = _store.get(key_of(data))
    return {number: list(items) for number, items in found.pages.items()} if found else {}


def keep(data: bytes, pages: Mapping[int, list[Item]]) -> None:
    """Keep what OCR read on these pages. Call before the items are written out (`write_page` joins
    wrapped lines in place)."""
    if _store is not None:
        _store.put(key_of(data), Recognised({number: tuple(items) for number, items in pages.items()}))
