"""What the families read in an incremental build (`families.Context`): a corpus of briefs, and the
whole report, its CSV lines and its unit's digest when asked for."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from generator.data.files import ReportLines, report_lines
from generator.data.release import Edition
from generator.engine.session import Session
from generator.engine.state import LineStore
from generator.model import Report
from generator.site.model import Corpus, report_id


class EngineContext:
    def __init__(self, session: Session, corpus: Corpus, keys: Mapping[str, str], store: LineStore) -> None:
        self.corpus = corpus
        self.vega_cache: Path | None = session.vega_cache
        self.digests: dict[str, str] = {}  # report id -> its report unit's digest (set by the engine)
        self._session, self._keys, self._store = session, keys, store
        self._lines: dict[str, ReportLines] = {}  # made in this build, by report id
        self._corpus_digest: str | None = None
        self._edition: Edition | None = None

    def report(self, brief: Report) -> Report:
        """The whole report behind a brief, with the brief's findings (which include the corpus's)."""
        key = self._keys[report_id(brief)]
        whole = self._session.reports.get(key)
        if whole is None:  # the cache entry went missing: parse the file again
            from generator.pipeline import load_report

            root = self._session.root
            whole = load_report(root / brief.meta.source_file, root)
            self._session.reports.put(key, whole)
        meta = brief.meta  # as the identity stage left it: the registered id, a name OCR read confirmed
        registered = replace(
            whole.meta,
            agency=meta.agency,
            agency_id=meta.agency_id,
            report_id=meta.report_id,
            region=meta.region,
        )
        return replace(whole, meta=registered, findings=brief.findings)

    def lines(self, report: Report) -> ReportLines:
        """Its CSV lines: made in this build, kept by the last one, or made now from the whole report."""
        rid = report_id(report)
        found = self._lines.get(rid) or self._store.get(self.digests[rid])
        if found is None:
            found = self._lines[rid] = report_lines(self.report(report))
        return found

    def add_lines(self, made: Mapping[str, ReportLines]) -> None:
        self._lines.update(made)

    def made_lines(self) -> dict[str, ReportLines]:
        """The lines made in this build (by the report units, or here), by report id."""
        return self._lines

    def source(self, report: Report) -> bytes | None:
        path = self._session.root / report.meta.source_file
        return path.read_bytes() if path.is_file() else None

    def key_of(self, report: Report) -> str:
        return self._keys[report_id(report)]

    def digest_of(self, report: Report) -> str:
        return self.digests[report_id(report)]

    def edition(self) -> Edition:
        """Settled once, in the build process, when the other units are planned (after the reports)."""
        if self._edition is None:
            from generator.families import settle_edition

            self._edition = settle_edition(self)
        return self._edition

    def corpus_digest(self) -> str:
        """Every report unit's digest (which covers its agency's facts) and the Markdown pages."""
        if self._corpus_digest is None:
            parts = repr((tuple(self.digests.items()), tuple(sorted(self.corpus.pages.items()))))
            self._corpus_digest = hashlib.sha256(parts.encode("utf-8")).hexdigest()
        return self._corpus_digest
