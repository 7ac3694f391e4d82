"""Command line: build, parse, check, serve. The only place that turns exceptions into exit codes."""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from generator.errors import NotAReport, OutputClash
from generator.model import report_to_json

EXIT_OK, EXIT_FINDINGS, EXIT_NOT_A_REPORT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py", description="政府信息公开工作年度报告 → open data packages and a static site"
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command")
    build = sub.add_parser("build", help="parse every report in CONTENT and write the site to OUT (default)")
    build.add_argument("--content", type=Path, default=Path("content"))
    build.add_argument("--out", type=Path, default=Path("site"))
    build.add_argument("--strict", action="store_true", help="fail when any error finding exists")
    build.add_argument("--jobs", type=int, default=0, help="worker processes (0: one per core)")
    build.add_argument("--no-cache", action="store_true", help="parse every file (ignore .cache/reports)")
    build.add_argument("--stats", type=Path, help="write the build's figures (times, sizes, memory) as JSON")
    build.add_argument(
        "--previous",
        type=Path,
        help="a copy of the published data/releases/ (index.json and the zips): the data is compared "
        "with its newest release for the version and the changes table",
    )
    parse = sub.add_parser("parse", help="print each report as JSON (JSON Lines for several files)")
    parse.add_argument("files", nargs="+", type=Path)
    check = sub.add_parser("check", help="parse, package and validate reports; print findings")
    check.add_argument("files", nargs="+", type=Path, help="report files or folders")
    check.add_argument("--format", choices=("text", "github"), default="text")
    serve = sub.add_parser("serve", help="build, then serve the site on localhost")
    serve.add_argument("--content", type=Path, default=Path("content"))
    serve.add_argument("--out", type=Path, default=Path("site"))
    serve.add_argument("--port", type=int, default=8000)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "build"
    try:
        if command == "parse":
            return cmd_parse(args.files)
        if command == "check":
            return cmd_check(args.files, args.format)
        if command == "serve":
            return cmd_serve(args.content, args.out, args.port)
        return cmd_build(
            getattr(args, "content", Path("content")),
            getattr(args, "out", Path("site")),
            strict=getattr(args, "strict", False),
            jobs=getattr(args, "jobs", 0),
            cache=not getattr(args, "no_cache", False),
            stats_path=getattr(args, "stats", None),
            previous=getattr(args, "previous", None),
        )
    except KeyboardInterrupt:
        return 130
    except OutputClash as exc:  # a path outside the site, or through a link: refused, not a crash
        print(f"build.py: refused to write the site: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:  # a bug: say so in one line unless --debug
        if args.debug:
            traceback.print_exc()
        else:
            print(
                f"build.py: internal error: {exc.__class__.__name__}: {exc} (run with --debug for details)",
                file=sys.stderr,
            )
        return 3


def cmd_parse(files: list[Path]) -> int:
    from generator.pipeline import load_report  # the parser: not imported by the other commands

    status = EXIT_OK
    for path in files:
        try:
            report = load_report(path, Path.cwd())
        except NotAReport as exc:
            print(f"{exc.path}: not a report: {exc.problem}", file=sys.stderr)
            status = EXIT_NOT_A_REPORT
            continue
        except OSError as exc:
            print(f"{path}: cannot read file: {exc.strerror}", file=sys.stderr)
            status = EXIT_NOT_A_REPORT
            continue
        document = report_to_json(report, with_file=len(files) > 1)
        indent = 2 if len(files) == 1 else None
        print(json.dumps(document, ensure_ascii=False, indent=indent))
    return status


def cmd_check(files: list[Path], fmt: str) -> int:
    from generator.commands.check import run_check

    return run_check(files, fmt)


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
    from generator.commands.build import cmd_build as build

    return build(
        content, out, strict=strict, jobs=jobs, cache=cache, stats_path=stats_path, previous=previous
    )


def cmd_serve(content: Path, out: Path, port: int) -> int:
    from generator.commands.serve import serve

    status = cmd_build(content, out, strict=False, jobs=0)
    if status not in (EXIT_OK, EXIT_FINDINGS):
        return status
    return serve(out, port)
