"""The yardstick of issue #6: Hugo building one plain Markdown page per report of the same corpus.

    python benchmarks/hugo.py CONTENT OUT     # CONTENT: a synth.py corpus (its reports/ folder)

Each report's text becomes one Markdown page of the same size (its non-blank lines as paragraphs,
title and year in the front matter), under a minimal layout: a base template, a page template and a
list template. Nothing is themed, nothing is minified, no taxonomies: the least a static site
generator does with 10,000 pages of that size. `hugo` is run twice from scratch (into a fresh
folder; the previous one is set aside, not deleted: see `trash.py`); the faster run counts.
Skipped, with a note, when `hugo` is not installed (Debian: `apt install hugo`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.trash import empty, set_aside, settle

CONFIG = 'baseURL = "https://example.org/"\nlanguageCode = "zh-cn"\ntitle = "benchmark"\n'
LAYOUTS = {
    "_default/baseof.html": (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
        '</head><body>{{ block "main" . }}{{ end }}</body></html>\n'
    ),
    "_default/single.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n',
    "_default/list.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n'
    ),
}
ENCODINGS = ("utf-8", "gb18030", "utf-16")


@dataclass(frozen=True)
class HugoRun:
    version: str
    pages: int
    markdown_bytes: int
    seconds: float  # the faster of two builds from scratch
    site_bytes: int
    site_files: int


def markdown_page(name: str, data: bytes) -> str:
    """One report as a Markdown page: front matter, then every non-blank line as a paragraph."""
    text = _decode(data)
    body = "\n\n".join(line.strip() for line in text.splitlines() if line.strip())
    year = name[:4] if name[:4].isdigit() else ""
    return f'---\ntitle: "{name}"\nyear: "{year}"\n---\n\n{body}\n'


def _decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def write_project(reports: Path, project: Path) -> tuple[int, int]:
    """A Hugo project with one page per report file; returns (pages, bytes of Markdown)."""
    set_aside(project, project.parent)
    pages = project / "content" / "reports"
    pages.mkdir(parents=True)
    (project / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in LAYOUTS.items():
        (project / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (project / "layouts" / name).write_text(text, encoding="utf-8")
    count = size = 0
    for source in sorted(p for p in reports.rglob("*") if p.is_file() and not p.name.startswith(".")):
        data = markdown_page(source.stem, source.read_bytes()).encode("utf-8")
        (pages / f"{source.stem}.md").write_bytes(data)
        count, size = count + 1, size + len(data)
    return count, size


def hugo_version(hugo: str) -> str:
    return subprocess.run([hugo, "version"], capture_output=True, text=True, check=True).stdout.strip()


def build_once(hugo: str, project: Path) -> float:
    public = project / "public"
    set_aside(public, project.parent)
    started = time.perf_counter()
    subprocess.run([hugo, "--quiet", "--destination", str(public)], cwd=project, check=True)
    return time.perf_counter() - started


def run_hugo(reports: Path, project: Path) -> HugoRun | None:
    """Hugo's time on the corpus under `reports`, or None when Hugo is not installed."""
    hugo = shutil.which("hugo")
    if hugo is None:
        return None
    pages, size = write_project(reports, project)
    seconds = min(build_once(hugo, project) for _ in range(2))
    files = [p for p in (project / "public").rglob("*") if p.is_file()]
    return HugoRun(
        hugo_version(hugo), pages, size, round(seconds, 2), sum(p.stat().st_size for p in files), len(files)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("content", type=Path, help="a synth.py corpus folder (with reports/)")
    parser.add_argument("out", type=Path, help="where the Hugo project is written")
    args = parser.parse_args(argv)
    settle(args.out.parent)
    result = run_hugo(args.content / "reports", args.out)
    empty(args.out.parent)
    if result is None:
        print("hugo is not installed (Debian: apt install hugo)", file=sys.stderr)
        return 1
    print(json.dumps(asdict(result), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
