"""`build.py build`: run the incremental build and say what it found, in one line per problem."""

from __future__ import annotations

import json
import os
import resource
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from generator.clock import Clock
from generator.commands.check import text_line
from generator.commands.progress import Progress
from generator.engine.build import Built, run_build
from generator.engine.session import BuildLocked, open_session
from generator.read.registry import REGISTRY_FILE, registry_bytes

PAGES_LIMIT = 1024**3  # GitHub Pages publishes sites up to 1 GB
PAGES_WARN_SHARE = 0.8
EXIT_LOCKED = 4  # another build is using the output folder or the cache


@dataclass(frozen=True)
class BuildStats:
    """What a build did: the summary line, and `build --stats FILE` as JSON (the benchmark reads it)."""

    reports: int
    agencies: int
    unreadable: int
    errors: int
    warnings: int
    parsed: int  # files read and parsed (the others came from the cache)
    cached: int
    files: int
    written: int
    total_bytes: int
    seconds: float
    wall: dict[str, float]  # seconds the build waited for each phase
    stages: dict[str, float]  # seconds of work per stage, summed over processes
    peak_rss_bytes: int  # the build process
    peak_worker_rss_bytes: int  # the largest worker process
    jobs: int

    def as_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def cmd_build(
    content: Path,
    out: Path,
    *,
    strict: bool,
    jobs: int,
    cache: bool = True,
    stats_path: Path | None = None,
    previous: Path | None = None,
) -> int:
    try:
        with open_session(
            content, out, keep=cache, jobs=jobs, progress=progress_bar, previous=previous
        ) as session:
            built = run_build(session)
    except BuildLocked as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    print_built(built)
    keep_registry(content, built)
    stats = build_stats(built, session.clock, jobs)
    print_summary(stats)
    if stats_path:
        stats_path.write_text(stats.as_json(), encoding="utf-8")
    # A published id left without a report fails the build (a pull request's preview, and the Pages
    # build if one was merged anyway): its pages and data would vanish, and every link to them break.
    return 1 if built.failed or built.dropped_ids or (strict and stats.errors) else 0


def progress_bar(total: int, label: str) -> Callable[[object], object]:
    return Progress(total, label).step


def print_built(built: Built) -> None:
    """Files that are not reports, every finding of every report, then the data's problems."""
    if built.shallow:
        print(
            "note: shallow git clone, so corrections are not shown (fetch the full history)", file=sys.stderr
        )
    for path, problem in built.unreadable:
        print(f"{path}:1: error[not-a-report] {problem}")
    for path in built.skipped:
        print(f"{path}:1: warning[not-a-report] a dot-file: skipped, never read as a report")
    for report in built.reports:
        for item in report.findings:
            print(text_line(report.meta.source_file, item))
    for line in built.problems:
        print(line)


def keep_registry(content: Path, built: Built) -> None:
    """Write content/agencies.csv when this build registered an agency or a new name (commit it with
    the reports: it is what keeps ids stable). A registry with unreadable rows is left as it is,
    since writing it would drop them."""
    registry = built.registry
    for problem in (*registry.problems, *built.dropped_ids):
        print(f"warning: {problem}", file=sys.stderr)
    if registry.problems:
        return
    path = content / REGISTRY_FILE
    data = registry_bytes(registry)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
        print(f"note: {registry.path} updated (new agencies or names): commit it", file=sys.stderr)


def build_stats(built: Built, clock: Clock, jobs: int) -> BuildStats:
    published = {r.meta.report_id or r.meta.source_file for r in built.reports}
    return BuildStats(
        reports=len(published),
        agencies=built.agencies,
        unreadable=len(built.unreadable),
        errors=sum(len(r.errors) for r in built.reports),
        warnings=sum(len(r.warnings) for r in built.reports),
        parsed=built.parsed,
        cached=len(built.reports) + len(built.unreadable) - built.parsed,
        files=built.files,
        written=built.written,
        total_bytes=built.total_bytes,
        seconds=round(clock.seconds(), 3),
        wall={name: round(seconds, 3) for name, seconds in clock.wall.items()},
        stages=clock.stages(),
        peak_rss_bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,  # kB on Linux
        peak_worker_rss_bytes=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
        jobs=jobs or os.cpu_count() or 1,
    )


def print_summary(stats: BuildStats) -> None:
    print(
        f"built {stats.reports} reports ({stats.unreadable} unreadable), {stats.agencies} agencies, "
        f"findings: {stats.errors} errors, {stats.warnings} warnings; {stats.files} files "
        f"({stats.written} written), {stats.total_bytes / 1024 / 1024:.1f} MB in {stats.seconds:.1f}s",
        file=sys.stderr,
    )
    if stats.total_bytes > PAGES_LIMIT * PAGES_WARN_SHARE:
        share = stats.total_bytes / PAGES_LIMIT
        print(f"warning: the site is {share:.0%} of GitHub Pages' 1 GB limit", file=sys.stderr)
