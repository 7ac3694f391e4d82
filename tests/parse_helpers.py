"""Helpers for parser tests: parse a file the way `build.py parse` does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.model import Report, report_to_json
from generator.pipeline import load_report

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "content" / "reports"
FIXTURES = ROOT / "tests" / "fixtures"


def parse_path(path: Path) -> Report:
    return load_report(path, ROOT)


def parse_json(path: Path) -> dict[str, Any]:
    return report_to_json(parse_path(path))


def rules_of(document: dict[str, Any]) -> list[str]:
    return [f["rule"] for f in document["findings"]]
