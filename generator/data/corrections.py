"""The corrections table: when each report was published and corrected, from git (`read/history.py`).

One row per change of a report's file that reached the branch: the first is `published`, the later
ones `correction` (a merged pull request counts once), with the date, the commit and its subject (a
pull request's title). The report pages show the same history. A shallow clone has none: no rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from generator.model import Report
from generator.read.history import History

CORRECTIONS = "corrections"


def correction_rows(reports: Sequence[Report], history: History) -> list[dict[str, Any]]:
    """`reports` in report_id order, each report's changes oldest first."""
    rows = []
    for report in reports:
        found = history.of(report.meta.source_file)
        if found is None:
            continue
        for revision in reversed(found.revisions):
            rows.append(
                {
                    "report_id": report.meta.report_id,
                    "date": revision.date,
                    "commit": revision.commit,
                    "kind": "published" if revision is found.published else "correction",
                    "subject": revision.subject,
                }
            )
    return rows
