"""Issue #22, what the build keeps and writes: a damaged cache or state is never trusted (the site is
then what a clean build makes), a damaged Vega bundle is never published, two builds of one folder
at once are refused, nothing is written or removed outside the output folder, a rebuild leaves no
empty folder behind, and `serve` answers only requests for localhost."""

from __future__ import annotations

import hashlib
import http.client
import os
import pickle
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.commands.serve import make_server
from generator.engine.cache import (
    CHECKED_FORMAT,
    DamagedEntry,
    ReportCache,
    dump_checked,
    load_checked,
    read_checked,
    site_version,
    write_checked,
)
from generator.engine.session import BuildLocked, build_lock
from generator.engine.state import UnitRecord, load_state, state_path
from generator.engine.units import Engine, Unit
from generator.engine.write import write_files
from generator.errors import OutputClash
from generator.families import Made
from tests.parse_helpers import ROOT, SEEDS
from tests.test_build import build, tree_digest

TIMEOUT = 180  # seconds for any one build here


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(SEEDS, tmp_path / "content" / "reports")
    shutil.copytree(ROOT / "content" / "pages", tmp_path / "content" / "pages")
    return tmp_path


def built(project: Path, out: str, *args: str) -> subprocess.CompletedProcess[str]:
    result = build(project / "content", project / out, *args)
    assert result.returncode == 0, result.stderr
    assert "internal error" not in result.stderr
    return result


def folders_and_files(folder: Path) -> dict[str, str]:
    """Every file's digest and every folder (empty ones included), as `diff -r` compares them."""
    found = {p.relative_to(folder).as_posix() + "/": "" for p in folder.rglob("*") if p.is_dir()}
    return {**found, **tree_digest(folder)}


def version_of(state: Path) -> str:
    """The version the build saved its state with (not `site_version()` of this process: the
    generator's files may change while the tests run)."""
    try:
        return str(read_checked(state / "head.pickle")["version"])
    except DamagedEntry:
        return site_version()


# --- 1. the cache is never trusted more than the source ----------------------------------------------


def test_a_damaged_entry_is_detected_before_it_is_unpickled() -> None:
    good = dump_checked({"a": 1})
    assert load_checked(good) == {"a": 1}
    damaged = [
        b"",
        os.urandom(4096),
        good[:-1],  # cut short
        good[:-1] + bytes([good[-1] ^ 1]),  # one bit changed
        pickle.dumps({"a": 1}),  # the old format: no header
    ]
    for data in damaged:
        with pytest.raises(DamagedEntry):
            load_checked(data)


def test_any_unpickling_error_discards_the_entry(tmp_path: Path) -> None:
    """Even with a matching digest (a bug, another version of the code): never an exception."""
    cache = ReportCache(tmp_path)
    (tmp_path / "ab").mkdir()
    for key, payload in {
        "ab01": os.urandom(300),
        "ab02": pickle.dumps({"not": "a report"}),
        "ab03": b"\x80\x05cno_such_module\nThing\n)\x81.",
        "ab04": pickle.dumps(list(range(5)))[:-3],
    }.items():
        data = CHECKED_FORMAT + hashlib.sha256(payload).digest() + payload
        (tmp_path / "ab" / f"{key}.pickle").write_bytes(data)
        assert cache.get(key) is None
    (tmp_path / "ab" / "ab05.pickle").mkdir()  # not even a file
    assert cache.get("ab05") is None


def test_random_bytes_in_the_parse_cache_build_the_same_site_as_a_clean_build(project: Path) -> None:
    built(project, "clean", "--no-cache")
    built(project, "site")
    entries = sorted((project / ".cache" / "reports").glob("*/*.pickle"))
    assert len(entries) == 5
    entries[0].write_bytes(b"\x80\x05X\x02\x00\x00\x00\xff\xfe." + os.urandom(2000))  # UnicodeDecodeError
    entries[1].write_bytes(entries[1].read_bytes()[:100])  # cut short
    write_checked(entries[2], {"not": "a report"})
    entries[3].write_bytes(b"\x80\x05\x8e" + (2**62).to_bytes(8, "little") + b".")  # MemoryError
    entries[4].write_bytes(os.urandom(2000))
    shutil.rmtree(project / "site")  # every report page is made again, from the cached whole reports
    built(project, "site")
    assert tree_digest(project / "site") == tree_digest(project / "clean")
    again = built(project, "site")  # not poisoned: the entries were replaced
    assert "(0 written)" in again.stderr
    cache = ReportCache(project / ".cache" / "reports")
    assert all(cache.get(e.stem) is not None for e in (project / ".cache" / "reports").glob("*/*.pickle"))


@pytest.mark.parametrize("damage", ["random", "truncated", "wrong-type", "empty-folder"])
def test_a_damaged_build_state_means_a_clean_build(project: Path, damage: str) -> None:
    built(project, "clean", "--no-cache")
    built(project, "site")
    state = state_path(project / ".cache", project / "site")
    shard = sorted(state.glob("units-*.pickle"))[3]
    if damage == "random":
        (state / "head.pickle").write_bytes(os.urandom(500))
    elif damage == "truncated":
        shard.write_bytes(shard.read_bytes()[:-10])
    elif damage == "wrong-type":
        write_checked(shard, {"version": version_of(state), "values": {"report:x": "not a record"}})
    else:
        shutil.rmtree(state)
        state.mkdir()
    assert load_state(state, version_of(state)).units == {}
    for lines in state.glob("lines-*.pickle"):
        lines.write_bytes(os.urandom(100))
    built(project, "site")
    assert tree_digest(project / "site") == tree_digest(project / "clean")
    assert load_state(state, version_of(state)).units  # saved whole again: the next build is incremental
    assert "(0 written)" in built(project, "site").stderr


def test_a_damaged_vega_bundle_in_the_cache_is_not_published(project: Path) -> None:
    built(project, "site")
    bundles = sorted((project / ".cache").glob("vega-bundle-*.js"))
    assert len(bundles) == 1 and (bundles[0].parent / (bundles[0].name + ".sha256")).is_file()
    good = (project / "site" / "static" / "vega.js").read_bytes()
    assert bundles[0].read_bytes() == good
    bundles[0].write_bytes(b"alert('not the bundle');" + good[30:])
    built(project, "again", "--no-cache")
    assert (project / "again" / "static" / "vega.js").read_bytes() == good
    assert bundles[0].read_bytes() == good  # made again and kept


# --- 3. nothing is written or removed outside the output folder -------------------------------------


@pytest.mark.parametrize(
    "path", ["../escape.txt", "reports/../../escape.txt", "/tmp/escape.txt", "a/./b", "a//b", "a/b/", "a\0b"]
)
def test_a_crafted_output_path_is_refused_before_anything_is_written(tmp_path: Path, path: str) -> None:
    out = tmp_path / "site"
    made = Made({"reports/fine/index.html": b"<p>", path: b"escaped"})
    engine = Engine(out, 1, {})
    with pytest.raises(OutputClash, match="output path"):
        engine.run([Unit("report:x", "d", lambda: made)])
    assert not out.exists() or not any(out.rglob("*"))
    assert sorted(p.name for p in tmp_path.rglob("*")) == (["site"] if out.exists() else [])


def test_a_symlink_planted_in_the_site_is_not_written_through(project: Path) -> None:
    built(project, "site")
    outside = project / "elsewhere"
    shutil.move(project / "site" / "reports", outside)
    shutil.rmtree(outside / next(iter(sorted(os.listdir(outside)))))  # a report's folder is missing
    before = tree_digest(outside)
    (project / "site" / "reports").symlink_to(outside, target_is_directory=True)
    result = build(project / "content", project / "site")
    assert result.returncode != 0
    assert "would go through the symlink 'reports'" in result.stderr
    assert tree_digest(outside) == before  # nothing written there


def test_files_are_not_removed_through_a_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    (outside / "x").mkdir(parents=True)
    (outside / "x" / "index.html").write_bytes(b"keep me")
    out = tmp_path / "site"
    out.mkdir()
    (out / "reports").symlink_to(outside, target_is_directory=True)
    engine = Engine(out, 1, {"report:x": UnitRecord("d", {"reports/x/index.html": 7})})
    with pytest.raises(OutputClash, match="symlink 'reports'"):
        engine.finish()
    assert (outside / "x" / "index.html").read_bytes() == b"keep me"


def test_a_link_or_a_fifo_at_an_output_path_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_bytes(b"secret")
    out = tmp_path / "site"
    (out / "a").mkdir(parents=True)
    (out / "a" / "link.txt").symlink_to(outside)
    os.mkfifo(out / "a" / "fifo.txt")  # reading it would wait forever
    assert write_files(out, {"a/link.txt": b"secret", "a/fifo.txt": b""}) == 2
    assert outside.read_bytes() == b"secret"
    assert not (out / "a" / "link.txt").is_symlink() and (out / "a" / "fifo.txt").read_bytes() == b""


# --- 2. one build at a time per output folder and cache ---------------------------------------------


def test_a_folder_locked_by_a_build_refuses_another(tmp_path: Path) -> None:
    with build_lock(tmp_path / "site"):
        with pytest.raises(BuildLocked, match="another build is using"), build_lock(tmp_path / "site"):
            pass
        with build_lock(tmp_path / "other"):  # another folder: free
            pass
    with build_lock(tmp_path / "site"):  # released
        pass


def _holds_a_lock(pid: int) -> bool:
    locks = Path("/proc/locks").read_text(encoding="ascii").splitlines()
    return any(line.split()[1:5] == ["FLOCK", "ADVISORY", "WRITE", str(pid)] for line in locks)


@pytest.mark.skipif(not Path("/proc/locks").exists(), reason="needs Linux's /proc/locks")
def test_two_builds_at_once_one_refuses_and_the_other_builds_whole(project: Path) -> None:
    first = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "build", "--content", "content", "--out", "site"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not _holds_a_lock(first.pid) and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _holds_a_lock(first.pid), "the first build never took its lock"
        same_out = build(project / "content", project / "site")
        same_cache = build(project / "content", project / "other")
        assert first.poll() is None, "the first build ended before the others were tried"
    finally:
        _, errors = first.communicate(timeout=TIMEOUT)
    assert first.returncode == 0, errors
    for refused, folder in ((same_out, "site"), (same_cache, ".cache")):
        assert refused.returncode == 4, refused.stderr
        assert refused.stderr.count("\n") == 1 and "internal error" not in refused.stderr
        assert f"another build is using {project / folder} now" in refused.stderr
    assert not (project / "other").exists() or not any((project / "other").iterdir())
    built(project, "clean", "--no-cache")
    assert folders_and_files(project / "site") == folders_and_files(project / "clean")


# --- 5. serve answers only requests for localhost (DNS rebinding) ------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[int]:
    (tmp_path / "index.html").write_text("<title>首页</title>", encoding="utf-8")
    served = make_server(tmp_path, 0)
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    try:
        yield served.server_address[1]
    finally:
        served.shutdown()
        served.server_close()


def _status(port: int, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.putrequest("GET", "/", skip_host=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.parametrize(
    "host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "LOCALHOST", "[::1]"]
)
def test_serve_answers_a_local_host(server: int, host: str) -> None:
    assert _status(server, {"Host": host.format(port=server)}) == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "evil.example:{port}"},
        {"Host": "evil.example"},
        {"Host": "localhost.evil.example:{port}"},
        {"Host": "127.0.0.1:1"},  # another port: not this server's name
        {"Host": "127.0.0.1.nip.io:{port}"},
        {},  # no Host at all
    ],
)
def test_serve_refuses_any_other_host(server: int, headers: dict[str, str]) -> None:
    assert _status(server, {k: v.format(port=server) for k, v in headers.items()}) == 400


def test_serve_refuses_two_host_headers(server: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server, timeout=5)
    connection.putrequest("GET", "/", skip_host=True)
    connection.putheader("Host", f"127.0.0.1:{server}")
    connection.putheader("Host", "evil.example")
    connection.endheaders()
    assert connection.getresponse().status == 400
    connection.close()


# --- 4. a rebuild leaves no empty folder behind -----------------------------------------------------


def test_a_rebuild_after_reports_are_removed_equals_a_clean_build_folders_included(project: Path) -> None:
    built(project, "site")
    reports = project / "content" / "reports"
    for name in ("2020-dehui-zhengfu-bangongshi.txt", "2020-dingzhou-zhengfu-bangongshi.txt"):
        (reports / name).unlink()
    (project / "content" / "agencies.csv").unlink()  # their ids were not published yet: no redirect due
    built(project, "site")
    built(project, "clean", "--no-cache")
    assert folders_and_files(project / "site") == folders_and_files(project / "clean")
    compared = subprocess.run(["diff", "-r", "site", "clean"], cwd=project, capture_output=True, check=False)
    assert compared.returncode == 0, compared.stdout
