"""Hostile contributions (issue #22): nothing a pull request sends can hang, exhaust, escape or stop
the build. Every hostile file is made by code here; one build (and one `check`) reads them all beside
ordinary reports, with the parse limits lowered through the environment so that each case stays
bounded in time and memory. Each case must be one line naming its file and what it tripped, and the
ordinary reports must still be built."""

from __future__ import annotations

import io
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from generator.engine import workers
from tests.parse_helpers import ROOT, SEEDS

LIMITS = {"REPORT_PARSE_SECONDS": "4", "REPORT_PARSE_MEMORY_MB": "1024"}
GOOD = "2020-shanggao-jiguan-shiwuju.txt"  # built untouched
SECRET = "a file outside the repository that must never be published"


# --- hostile files, made by code ---------------------------------------------------------------


def pdf(objects: list[bytes]) -> bytes:
    """A minimal PDF of these numbered objects (1: the catalog) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
_TEXT = b"BT /F1 12 Tf 72 720 Td (Hello 2020) Tj ET"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def looping_pdf() -> bytes:
    """The page tree's only kid is an object that refers to itself: pdfminer resolves it for ever."""
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [6 0 R] /Count 1 >>",
                _PAGE, _stream(_TEXT), _FONT, b"6 0 R"])  # fmt: skip


def self_counting_pdf() -> bytes:
    """The page count refers to itself (looped for ever in the page-count check)."""
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 6 0 R >>",
                _PAGE, _stream(_TEXT), _FONT, b"6 0 R"])  # fmt: skip


def many_pages_pdf(pages: int = 3000) -> bytes:
    """Declares one page, holds thousands."""
    kids = b" ".join(b"%d 0 R" % (i + 7) for i in range(pages))
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count 1 >>" % kids,
                _PAGE, _stream(_TEXT), _FONT, b"null", *[_PAGE] * pages])  # fmt: skip


def flate_bomb_pdf(megabytes: int = 400) -> bytes:
    """A page whose content stream (about 400 KB) inflates to 400 MB."""
    packer = zlib.compressobj(9)
    chunk = b" " * 2**20
    bomb = b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()
    return pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                _PAGE, _stream(bomb, b"/Filter /FlateDecode "), _FONT])  # fmt: skip


def understated_docx(megabytes: int = 80) -> bytes:
    """A Word file whose zip headers say its document is 1,000 bytes; it inflates to 80 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * (megabytes * 2**20) + b"</w:document>")
    data = bytearray(buffer.getvalue())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local and central headers
        at = 0
        while (at := data.find(signature, at)) >= 0:
            struct.pack_into("<I", data, at + offset, 1000)
            at += 4
    return bytes(data)


def alias_bomb(body: str) -> str:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        name, previous = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def many_titles_html(count: int = 12000) -> str:
    titles = "".join(f"<p>2020年某局政府信息公开工作年度报告{i}</p>" for i in range(count))
    return f"<html><body>{titles}<div><p>第二十条</p><p>本年新收</p></div></body></html>"


def _seed(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("hostile")
    content = tmp / "content"
    reports = content / "reports"
    reports.mkdir(parents=True)
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    shutil.copy(SEEDS / GOOD, reports / GOOD)
    files: dict[str, bytes | str] = {
        "hang.pdf": looping_pdf(),
        "self-count.pdf": self_counting_pdf(),
        "many-pages.pdf": many_pages_pdf(),
        "flate-bomb.pdf": flate_bomb_pdf(),
        "understated.docx": understated_docx(),
        "many-titles.html": many_titles_html(),
        "alias-bomb.txt": alias_bomb(_seed("2020-dehui-zhengfu-bangongshi.txt")),
        "deep.txt": "---\na: "
        + "[" * 10000
        + "]" * 10000
        + "\n---\n"
        + _seed("2020-dingzhou-zhengfu-bangongshi.txt"),
        "digits.txt": _seed("2020-tonghua-dongchangqu.txt") + "\n合计 " + "1" * 1_000_000 + "\n",
        "controls.txt": _seed("2020-shuangyang-qijiazhen.txt").replace("\n", "\n\x1b[31m\x00", 3),
        "bom.txt": b"\xef\xbb\xbf2020\xe5\xb9\xb4\n\xff\n",
        ".hidden.txt": _seed(GOOD),
    }
    for name, data in files.items():
        (reports / name).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    os.close(os.open(os.fsencode(reports) + b"/2020-\xff\xfe.txt", os.O_CREAT | os.O_WRONLY, 0o644))
    (tmp / "secret.txt").write_text(SECRET, encoding="utf-8")
    os.symlink(tmp / "secret.txt", reports / "outside.txt")
    os.symlink("/dev/zero", reports / "zero.txt")
    os.mkfifo(reports / "pipe.txt")
    return tmp, content


def _run(tmp: Path, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **LIMITS}
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args],
        cwd=tmp, capture_output=True, text=True, encoding="utf-8", env=environment, timeout=timeout, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def built(hostile: tuple[Path, Path]) -> tuple[subprocess.CompletedProcess[str], float]:
    tmp, content = hostile
    started = time.monotonic()
    result = _run(tmp, "build", "--content", str(content), "--out", str(tmp / "site"), "--no-cache")
    return result, time.monotonic() - started


@pytest.fixture(scope="module")
def checked(hostile: tuple[Path, Path]) -> subprocess.CompletedProcess[str]:
    tmp, content = hostile
    return _run(tmp, "check", str(content))


def _line(output: str, name: str) -> str:
    found = [line for line in output.splitlines() if f"content/reports/{name}:" in line]
    assert len(found) == 1, (name, found, output[-3000:])
    return found[0]


def _not_a_report(result: subprocess.CompletedProcess[str], name: str, *words: str) -> None:
    line = _line(result.stdout, name)
    assert "error[not-a-report]" in line, line
    for word in words:
        assert word in line, line


def test_the_build_survives_every_hostile_file_and_builds_the_others(
    built: tuple[subprocess.CompletedProcess[str], float], hostile: tuple[Path, Path]
) -> None:
    result, seconds = built
    assert "internal error" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr  # files that are not reports fail the build, nothing else
    assert seconds < 120
    tmp, _ = hostile
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith("built 5 reports (11 unreadable)"), summary  # the good one, four with findings
    assert len(list((tmp / "site" / "reports").iterdir())) == 5


def test_a_hanging_file_is_stopped_at_the_deadline(
    built: tuple[subprocess.CompletedProcess[str], float],
) -> None:
    _not_a_report(built[0], "hang.pdf", "parsing took longer than 4 s")


def test_a_self_referencing_page_count_does_not_hang(
    built: tuple[subprocess.CompletedProcess[str], float],
) -> None:
    line = _line(built[0].stdout, "self-count.pdf")
    assert "error[not-a-report]" in line and "took longer" not in line, line


def test_memory_bombs_are_refused_by_measure(built: tuple[subprocess.CompletedProcess[str], float]) -> None:
    _not_a_report(built[0], "flate-bomb.pdf", "inflate to more than 256 MB")
    line = _line(built[0].stdout, "understated.docx")
    assert "error[not-a-report]" in line and ("unpacks to more than" in line or "CRC" in line), line
    line = _line(built[0].stdout, "alias-bomb.txt")
    assert "error[front-matter-invalid]" in line and "aliases" in line, line


def test_cpu_bombs_are_bounded(built: tuple[subprocess.CompletedProcess[str], float]) -> None:
    _not_a_report(built[0], "many-pages.pdf", "at least 61 pages; the limit is 60")
    lines = [line for line in built[0].stdout.splitlines() if "content/reports/many-titles.html:" in line]
    assert lines and not any("not-a-report" in line for line in lines), lines  # read, in well under 4 s


def test_what_stopped_everything_is_one_file_s_problem(
    built: tuple[subprocess.CompletedProcess[str], float],
) -> None:
    out = built[0].stdout
    _not_a_report(built[0], "bom.txt", "byte-order mark", "line 2")
    _not_a_report(built[0], "digits.txt", "1,000,000 digits", "at most 100")
    assert "error[front-matter-invalid] front matter: nested more than 8 levels deep" in _line(
        out, "deep.txt"
    )
    assert (
        "content/reports/2020-\\xff\\xfe.txt:1: error[not-a-report] the file name is not valid UTF-8" in out
    )


def test_only_regular_files_are_read(
    built: tuple[subprocess.CompletedProcess[str], float], hostile: tuple[Path, Path]
) -> None:
    _not_a_report(built[0], "zero.txt", "a symbolic link, not a file: skipped")
    _not_a_report(built[0], "outside.txt", "a symbolic link, not a file: skipped")
    _not_a_report(built[0], "pipe.txt", "a named pipe (FIFO), not a file: skipped")
    tmp, _ = hostile
    published = b"".join(p.read_bytes() for p in (tmp / "site").rglob("*") if p.is_file())
    assert SECRET.encode() not in published
    assert "content/reports/.hidden.txt:1: warning[not-a-report] a dot-file: skipped" in built[0].stdout
    assert not (tmp / "site" / "reports" / "hidden").exists()


def test_control_characters_are_removed_with_a_warning(
    built: tuple[subprocess.CompletedProcess[str], float], hostile: tuple[Path, Path]
) -> None:
    assert "warning[control-characters]" in _line(built[0].stdout, "controls.txt")
    tmp, _ = hostile
    for path in (tmp / "site").rglob("*"):
        if path.suffix in (".html", ".csv", ".json") and path.is_file():
            data = path.read_bytes()
            assert b"\x1b" not in data and b"\x00" not in data, path


def test_check_says_the_same_on_each_file_s_first_line(checked: subprocess.CompletedProcess[str]) -> None:
    assert "internal error" not in checked.stderr, checked.stderr
    assert checked.returncode == 1
    for name, words in {
        "hang.pdf": "parsing took longer than 4 s",
        "zero.txt": "a symbolic link, not a file",
        "pipe.txt": "a named pipe (FIFO)",
        "bom.txt": "byte-order mark",
        "digits.txt": "1,000,000 digits",
    }.items():
        line = _line(checked.stdout, name)
        assert line.startswith(f"content/reports/{name}:1: error[not-a-report]") and words in line, line
    assert "content/reports/.hidden.txt:1: warning[not-a-report] a dot-file" in checked.stdout


# --- the limits themselves --------------------------------------------------------------------


def _work(n: int) -> int:
    if n == 2:
        time.sleep(60)
    if n == 4:
        bytearray(2**30)  # over the limit below
    if n == 6:
        os.kill(os.getpid(), signal.SIGKILL)  # a crash (SIGSEGV would dump pytest's faulthandler traceback)
    return n * n


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_piece_of_bounded_work_is_inside_its_limits(jobs: int) -> None:
    limits = workers.Limits(seconds=1.0, memory=256 * 2**20)
    started = time.monotonic()
    results = workers.bounded(list(range(8)), _work, jobs, lambda n, why: why, limits=limits)
    assert time.monotonic() - started < 10
    assert results[:2] == [0, 1] and results[3] == 9 and results[5] == 25 and results[7] == 49
    assert results[2] == "parsing took longer than 1 s (the limit per file)"
    assert results[4] == "parsing needed more than 256 MB of memory (the limit per file)"
    assert isinstance(results[6], str) and "signal 9" in results[6]


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_workers_die_with_a_killed_build(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "reports").mkdir(parents=True)
    (content / "reports" / "hang.pdf").write_bytes(looping_pdf())
    environment = {**os.environ, "REPORT_PARSE_SECONDS": "120"}
    command = [
        sys.executable,
        str(ROOT / "build.py"),
        "build",
        "--content",
        str(content),
        "--out",
        str(tmp_path / "site"),
    ]
    build = subprocess.Popen(
        command, cwd=tmp_path, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 20
        while not (children := _children(build.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert children, "the build started no worker"
        build.kill()
        build.wait()
        deadline = time.monotonic() + 5
        while any(Path(f"/proc/{pid}").exists() and "Z" not in _state(pid) for pid in children):
            assert time.monotonic() < deadline, "a worker outlived the build"
            time.sleep(0.05)
    finally:
        build.kill()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"
