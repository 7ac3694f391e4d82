"""The build benchmark: synthetic corpora of N reports, built from scratch and then incrementally.

    python benchmarks/run.py                 # N = 1,000 and 10,000 (what `make bench` runs)
    python benchmarks/run.py -n 500 --jobs 2 --out benchmarks/out

For each N it writes a `content/`-shaped corpus with `synth.py` (deterministic from `--seed`), then
runs `build.py build` in a separate process four times and reads each run's `--stats` JSON:

1. full: no site and no cache (everything read, parsed, packaged, validated, rendered, written);
2. unchanged: the same corpus again (the cache test of `make test`, at scale: nothing is written);
3. added: one new report (a copy of one report under a new agency name);
4. changed: one existing report edited (a sentence added to its text).

Each incremental build is run `--repeat` times (3 by default: another new report or another edit
each time) and the run of median wall time is kept, with every time in `samples`: a rebuild of a
few seconds varies by a tenth or more from one run to the next on a shared machine.

Memory is sampled from outside every 0.1 s over the build and all its worker processes: the sum of
their proportional set sizes (PSS: shared pages divided between the processes that share them), so
forked workers are not counted twice. Results are printed and written as JSON (`results.json`, one
entry per N and run) so that runs can be compared. When `hugo` is installed, the same reports are also built by Hugo as plain
Markdown pages (`hugo.py`), the issue's yardstick for the full build.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.hugo import HugoRun, run_hugo  # noqa: E402
from benchmarks.synth import Options, write_corpus  # noqa: E402
from benchmarks.trash import empty, set_aside, settle  # noqa: E402
from generator.clock import STAGES  # noqa: E402

# The corpus-wide files, whatever the number of reports (and data/<table>.csv: see is_bulk).
BULK = ("data/datapackage.json", "data/gov-disclosure-reports.zip", "data/gov-disclosure-reports.sqlite")
BULK_FOLDERS = ("data/schemas/", "data/parquet/", "data/releases/")
PAGES_LIMIT = 1024**3


@dataclass(frozen=True)
class Run:
    n: int
    kind: str  # full | unchanged | added | changed
    seconds: float  # wall time of the build process, start to exit
    exit_code: int
    peak_pss_bytes: int  # build + workers, sampled
    peak_rss_bytes: int  # the same, resident sizes (counts shared pages once per process)
    stats: dict[str, Any]  # the build's own --stats JSON
    site_bytes: int
    site_files: int
    bulk_bytes: int  # the corpus-wide downloads (data/*.csv, the zip, the corpus datapackage.json)
    samples: tuple[float, ...] = ()  # wall seconds of every repetition (this run is their median)

    @property
    def per_report_bytes(self) -> float:
        return (self.site_bytes - self.bulk_bytes) / max(1, self.stats.get("reports", 0))


class MemorySampler(threading.Thread):
    """Peak total memory of a process and its descendants. Reading a process's PSS walks its page
    tables and holds its memory lock meanwhile: sampling slows the build it measures (by a fifth
    of a one-report rebuild at 10,000 reports, sampled every 0.1 s), so timed runs are not sampled."""

    def __init__(self, pid: int, interval: float) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak_pss = self.peak_rss = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            pss = rss = 0
            try:
                processes = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            for process in processes:
                try:
                    info = process.memory_full_info()
                except psutil.Error:
                    continue
                pss += getattr(info, "pss", info.rss)
                rss += info.rss
            self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
            self.stop.wait(self.interval)


def build_environment() -> dict[str, str]:
    """The builds' environment: a repository address (pages link to it), and Python's bytecode cache
    on, as it is by default. A shell that sets PYTHONDONTWRITEBYTECODE (this project's sandbox does)
    would make every build compile the generator again, a third of a second of every rebuild."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["SITE_REPO_URL"] = "https://github.com/example/gov-reports"
    return env


def build(project: Path, kind: str, n: int, jobs: int, *, sample_every: float | None = None) -> Run:
    """One build; its peak memory is sampled every `sample_every` seconds, else not measured."""
    stats_file = project / f"stats-{kind}.json"
    command = [
        sys.executable,
        str(ROOT / "build.py"),
        "build",
        "--content",
        str(project / "content"),
        "--out",
        str(project / "site"),
        "--jobs",
        str(jobs),
        "--stats",
        str(stats_file),
    ]
    started = time.perf_counter()
    env = build_environment()
    process = subprocess.Popen(
        command, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    )
    sampler = MemorySampler(process.pid, sample_every) if sample_every else None
    if sampler:
        sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    if sampler:
        sampler.stop.set()
        sampler.join()
    if not stats_file.is_file():
        raise SystemExit(
            f"build failed without figures ({kind}, N={n}):\n{stderr.decode(errors='replace')[-2000:]}"
        )
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    site_bytes, site_files, bulk_bytes = site_size(project / "site")
    peak_pss, peak_rss = (sampler.peak_pss, sampler.peak_rss) if sampler else (0, 0)
    return Run(
        n, kind, round(seconds, 2), process.returncode, peak_pss, peak_rss, stats,
        site_bytes, site_files, bulk_bytes,
    )  # fmt: skip


def is_bulk(relative: str) -> bool:
    return (
        relative in BULK
        or relative.startswith(BULK_FOLDERS)
        or (relative.startswith("data/") and relative.count("/") == 1 and relative.endswith(".csv"))
    )


def site_size(site: Path) -> tuple[int, int, int]:
    total = files = bulk = 0
    for path in site.rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            size = path.stat().st_size
            total, files = total + size, files + 1
            if is_bulk(path.relative_to(site).as_posix()):
                bulk += size
    return total, files, bulk


def prepare(project: Path, n: int, seed: int, jobs: int) -> None:
    """A fresh project folder: content/reports from synth.py, content/pages from this repository.
    A previous one is set aside, not deleted: see `trash.py`."""
    set_aside(project, project.parent)
    write_corpus(project / "content", n, Options(seed), jobs=max(1, jobs or os.cpu_count() or 1))
    shutil.copytree(ROOT / "content" / "pages", project / "content" / "pages")


def _manifest(project: Path) -> list[dict[str, Any]]:
    return json.loads((project / "content" / "manifest.json").read_text(encoding="utf-8"))["reports"]


def add_report(project: Path, number: int) -> None:
    """A new report: the first UTF-8 report of the corpus, its agency renamed (so a new id)."""
    entry = next(e for e in _manifest(project) if e["encoding"] == "utf-8")
    source = project / "content" / entry["path"]
    renamed = entry["agency"] + f"基准测试第{number}分局"
    text = source.read_text(encoding="utf-8").replace(entry["agency"], renamed)
    (source.parent / f"bench-added-{number}-{source.name}").write_text(text, encoding="utf-8")


def change_report(project: Path, number: int) -> None:
    """One existing report edited: a sentence added at the end of its text (another one each time)."""
    entry = next(e for e in reversed(_manifest(project)) if e["encoding"] == "utf-8")
    target = project / "content" / entry["path"]
    sentence = f"\n本报告已按原件更正（第{number}次）。\n"
    target.write_text(target.read_text(encoding="utf-8") + sentence, encoding="utf-8")


INCREMENTAL: tuple[tuple[str, Callable[[Path, int], None] | None], ...] = (
    ("unchanged", None),
    ("added", add_report),
    ("changed", change_report),
)


def run_n(n: int, work: Path, seed: int, jobs: int, repeat: int = 3) -> list[Run]:
    """The full build once (memory sampled every half second: a small share of a long build); each
    incremental build `repeat` times (a new edit each time), keeping the run of median wall time (a
    one-report rebuild lasts seconds, so one run is too noisy), then once more for its memory."""
    project = work / f"n{n}"
    print(f"N = {n:,}: writing the synthetic corpus …", file=sys.stderr)
    prepare(project, n, seed, jobs)
    runs = [build(project, "full", n, jobs, sample_every=0.5)]
    print(f"  {'full':<9} {runs[0].seconds:7.1f} s  (exit {runs[0].exit_code})", file=sys.stderr)
    for kind, edit in INCREMENTAL:
        tries = []
        for number in range(1, repeat + 2):
            if edit:
                edit(project, number)
            tries.append(build(project, kind, n, jobs, sample_every=0.1 if number > repeat else None))
        measured = tries.pop()
        middle = sorted(tries, key=lambda run: run.seconds)[len(tries) // 2]
        run = replace(
            middle,
            samples=tuple(t.seconds for t in tries),
            peak_pss_bytes=measured.peak_pss_bytes,
            peak_rss_bytes=measured.peak_rss_bytes,
        )
        shown = ", ".join(f"{t:.1f}" for t in run.samples)
        print(f"  {kind:<9} {run.seconds:7.1f} s  (median of {shown}; exit {run.exit_code})", file=sys.stderr)
        runs.append(run)
    return runs


# --- the report -----------------------------------------------------------------------------------

MB = 1024 * 1024


def table(runs: Sequence[Run]) -> str:
    lines = [
        "| N | build | wall s | reports/s | " + " | ".join(f"{s} ms/report" for s in STAGES) + " | parsed | "
        "peak memory MB (PSS) | files | written | site MB | per report KB (no bulk) | 30,000 reports MB |",
        "|" + "---|" * (11 + len(STAGES)),
    ]
    for run in runs:
        stats, reports = run.stats, max(1, run.stats.get("reports", 0))
        stage_ms = " | ".join(f"{stats['stages'].get(s, 0) * 1000 / reports:.2f}" for s in STAGES)
        lines.append(
            f"| {run.n:,} | {run.kind} | {run.seconds:.1f} | {reports / run.seconds:,.0f} | {stage_ms} | "
            f"{stats['parsed']:,} | {run.peak_pss_bytes / MB:,.0f} | {run.site_files:,} | {stats['written']:,} | "
            f"{run.site_bytes / MB:,.1f} | {run.per_report_bytes / 1024:.1f} | "
            f"{(run.per_report_bytes * 30_000 + run.bulk_bytes / reports * 30_000) / MB:,.0f} |"
        )
    return "\n".join(lines)


def hugo_n(n: int, work: Path) -> list[HugoRun]:
    """Hugo on plain Markdown pages of the same corpus (the issue's yardstick), when installed."""
    print(f"N = {n:,}: Hugo on the same reports as plain Markdown pages …", file=sys.stderr)
    result = run_hugo(work / f"n{n}" / "content" / "reports", work / f"hugo-n{n}")
    if result is None:
        print("  hugo is not installed (Debian: apt install hugo): no comparison", file=sys.stderr)
        return []
    print(f"  hugo      {result.seconds:7.1f} s", file=sys.stderr)
    return [result]


def hugo_table(hugo: Sequence[tuple[int, HugoRun]], runs: Sequence[Run]) -> str:
    """Hugo beside the full build of the same N (Hugo runs last, so its pages include the report
    the incremental runs added)."""
    full = {run.n: run.seconds for run in runs if run.kind == "full"}
    lines = [
        "| N | Hugo pages | Hugo s (plain Markdown) | this build s (full) | ratio | Hugo site MB | Hugo version |",
        "|---|---|---|---|---|---|---|",
    ]
    for n, run in hugo:
        ours = full.get(n)
        ratio = f"{ours / run.seconds:.1f}×" if ours and run.seconds else "–"
        version = run.version.split()[1] if len(run.version.split()) > 1 else run.version
        lines.append(
            f"| {n:,} | {run.pages:,} | {run.seconds:.1f} | {ours if ours is not None else '–'} | {ratio} | "
            f"{run.site_bytes / MB:,.1f} | {version} |"
        )
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "memory_bytes": psutil.virtual_memory().total,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, nargs="+", default=[1000, 10000], help="corpus sizes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=0, help="build worker processes (0: one per core)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out", help="work folder")
    parser.add_argument("--no-hugo", action="store_true", help="skip the Hugo comparison")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each incremental build (median kept)")
    args = parser.parse_args(argv)
    runs: list[Run] = []
    hugo: list[tuple[int, HugoRun]] = []
    settle(args.out)
    for n in args.n:
        runs.extend(run_n(n, args.out, args.seed, args.jobs, args.repeat))
        if not args.no_hugo:
            hugo.extend((n, result) for result in hugo_n(n, args.out))
    document = {
        "command": "python benchmarks/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
        "machine": machine(),
        "seed": args.seed,
        "runs": [asdict(run) | {"per_report_bytes": round(run.per_report_bytes)} for run in runs],
        "hugo": [{"n": n, **asdict(result)} for n, result in hugo],
    }
    (args.out / "results.json").write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    empty(args.out)
    print(table(runs))
    if hugo:
        print("\n" + hugo_table(hugo, runs))
    print(f"\nJSON: {args.out / 'results.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
