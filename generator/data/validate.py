"""Validate stage: the data packages, checked with frictionless in memory (no disk I/O).

The corpus tables are the per-report tables one after another, under one header. So the rows are
validated in buckets of reports (a stable hash of `report_id` picks the bucket): each bucket is a
package of the five tables with the corpus schemas, validated on its own, in parallel. Primary keys
start with `report_id` and foreign keys point into the same report, so a bucket holds every row a key
can involve: validating the buckets validates the corpus tables, and also every per-report and
per-agency package (the same schemas over subsets of the rows). Results are kept per report, so after
a one-report change only that report is validated again.

A frictionless error becomes a `ValidationProblem` naming the report, the table, the row in that
report's own CSV and the line of the cell in the report text; `to_finding()` makes it an
`error[schema-invalid]` of the report.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from generator.engine.clock import absorb, stage, take
from generator.model import Finding, Report
from generator.rules import finding
from generator.spec import APPLICANT_IDS

if TYPE_CHECKING:
    from frictionless import Package

MAX_ERRORS = 1000  # per table; a systematic bug would otherwise list every row
# Each package validated costs about 0.1 s of frictionless set-up (copying and checking the
# descriptors) besides about 1.1 ms per report: buckets of up to a thousand reports spend a tenth of
# their time on it, and hold about 80 MB. At least one bucket per worker, unless that would make
# buckets of fewer than a hundred reports.
REPORTS_PER_BUCKET = 1000
MIN_REPORTS_PER_BUCKET = 100
MAX_BUCKETS = 64
BOM = "\ufeff".encode()

RawError = dict[str, Any]  # a frictionless error as plain data (it crosses process boundaries)


@dataclass(frozen=True)
class ValidationProblem:
    table: str  # resource name, e.g. "applications"; "datapackage" for the descriptor itself
    message: str  # what frictionless found, with the table and row
    report_id: str | None = None
    source_file: str | None = None  # the report's file, as findings name it
    row: int | None = None  # row number in the report's own CSV file (the header is row 1)
    field: str | None = None
    line: int | None = None  # line of the cell in the report text

    def to_finding(self) -> Finding:
        return finding("schema-invalid", self.message, self.line, self.cells)

    @property
    def cells(self) -> tuple[str, ...]:
        return (f"{self.table}.{self.field}",) if self.field else ()

    def __str__(self) -> str:
        where = f"{self.source_file}:{self.line or 1}: " if self.source_file else ""
        return f"{where}error[schema-invalid] {self.message}"


@dataclass(frozen=True)
class Bucket:
    """Some reports' rows of every table, as one package's CSV bytes."""

    report_ids: tuple[str, ...]
    tables: dict[str, bytes]  # resource name -> CSV (BOM, header, the reports' rows in order)


def in_memory_package(resources: Sequence[Mapping[str, Any]], tables: Mapping[str, bytes]) -> Package:
    """A package of `resources` (descriptors with schemas) whose CSVs are the given bytes."""
    from frictionless import Package, Resource, Schema  # a fifth of a second: only where it is used

    return Package(
        resources=[
            Resource(
                name=spec["name"],
                data=tables[spec["name"]],
                format="csv",
                encoding=spec.get("encoding", "utf-8"),
                schema=Schema.from_descriptor(spec["schema"]),
            )
            for spec in resources
        ]
    )


def table_errors(resources: Sequence[Mapping[str, Any]], tables: Mapping[str, bytes]) -> list[RawError]:
    """Every row of every table against its schema, errors as plain data."""
    report = in_memory_package(resources, tables).validate(limit_errors=MAX_ERRORS)
    errors = [_raw(task.name, error) for task in report.tasks for error in task.errors]
    return errors + [_raw("datapackage", error) for error in report.errors]


def _raw(table: str, error: Any) -> RawError:
    return {
        "table": table,
        "cells": list(getattr(error, "cells", None) or []),
        "row": getattr(error, "row_number", None),
        "field": getattr(error, "field_name", None),
        "cell": getattr(error, "cell", None),
        "title": error.title,
        "note": error.note,
        "message": error.message,
    }


def metadata_problems(descriptor: dict[str, Any]) -> list[ValidationProblem]:
    from frictionless import Package

    return [
        ValidationProblem("datapackage", f"datapackage.json: {error.message}")
        for error in Package.metadata_validate(descriptor)
    ]


def validate_package(
    descriptor_bytes: bytes, files: Mapping[str, bytes], reports: Sequence[Report]
) -> list[ValidationProblem]:
    """Problems of one small package: its descriptor's metadata, then every row of every table
    (`files` by file name, e.g. "applications.csv"; rows are numbered as in these files)."""
    descriptor = json.loads(descriptor_bytes)
    problems = metadata_problems(descriptor)
    if problems:
        return problems
    tables = {spec["name"]: files[spec["path"]] for spec in descriptor["resources"]}
    by_id = {r.meta.report_id: r for r in reports}
    return [_problem(error, by_id, error["row"]) for error in table_errors(descriptor["resources"], tables)]


Bodies = Mapping[str, Mapping[str, bytes]]  # report_id -> table name -> its CSV rows (no BOM, no header)


def validate_data(
    files: Mapping[str, bytes],
    reports: Sequence[Report],
    folder: str = "data",
    *,
    jobs: int = 1,
    cache_dir: Path | None = None,
) -> list[ValidationProblem]:
    """Validate the corpus package inside the output of `datafiles.data_files`, bucket by bucket."""
    descriptor = files[f"{folder}/datapackage.json"]
    names = [spec["name"] for spec in json.loads(descriptor).get("resources", [])]
    headers = {name: len(_header(files[f"{folder}/{name}.csv"])) for name in names}
    bodies = {
        rid: {name: files[f"{folder}/reports/{rid}/{name}.csv"][headers[name] :] for name in names}
        for rid in sorted(r.meta.report_id for r in reports if r.meta.report_id)
    }
    return validate_corpus(descriptor, bodies, reports, jobs=jobs, cache_dir=cache_dir)


class ResultStore(Protocol):
    def get(self, key: str) -> list[RawError] | None: ...
    def put(self, key: str, errors: list[RawError]) -> None: ...
    def prune(self, used: Iterable[str]) -> None: ...


def validate_corpus(
    descriptor_bytes: bytes,
    bodies: Bodies,
    reports: Sequence[Report],
    *,
    jobs: int = 1,
    cache_dir: Path | None = None,
    results: ResultStore | None = None,
    full_report: Callable[[Report], Report] | None = None,
    row_digests: Mapping[str, str] | None = None,
) -> list[ValidationProblem]:
    """Validate the corpus package given its descriptor and every report's rows.

    Results are kept per report (`results`, else files in `cache_dir`), keyed by the schemas and the
    report's rows (or `row_digests[report_id]`, a digest of whatever decides them, which spares
    hashing the whole corpus's rows again); the reports without one are validated together, in
    buckets. `full_report` turns a brief into the whole report when a problem needs a cell's line.
    The three steps are apart so that a build can check the rows in another process: only
    `check_rows` needs frictionless."""
    store: ResultStore = results if results is not None else _ResultCache(cache_dir)
    plan = plan_validation(descriptor_bytes, bodies, store, row_digests)
    checked = check_rows(plan.descriptor, plan.todo, jobs=jobs, metadata=plan.metadata is None)
    return finish_validation(plan, checked, store, reports, full_report)


@dataclass(frozen=True)
class ValidationPlan:
    """What is already known (kept results) and what is left to check."""

    descriptor: bytes
    metadata_key: str
    metadata: list[RawError] | None  # the descriptor's kept problems; None: not checked yet
    keys: dict[str, str]  # report_id -> key of its kept result
    found: dict[str, list[RawError]]  # report_id -> kept errors
    todo: dict[str, Mapping[str, bytes]]  # report_id -> rows, for the reports without a result


Checked = tuple[list[RawError] | None, dict[str, list[RawError]]]  # descriptor's problems, each report's


def plan_validation(
    descriptor_bytes: bytes, bodies: Bodies, store: ResultStore, row_digests: Mapping[str, str] | None = None
) -> ValidationPlan:
    resources = json.loads(descriptor_bytes)["resources"]
    names = [spec["name"] for spec in resources]
    schemas = hashlib.sha256(json.dumps(resources, sort_keys=True, ensure_ascii=False).encode()).digest()
    keys = {
        rid: _report_key(schemas, rid, bodies[rid], names)
        if row_digests is None
        else hashlib.sha256(schemas + f"{rid}\0{row_digests[rid]}".encode()).hexdigest()
        for rid in sorted(bodies)
    }
    found: dict[str, list[RawError]] = {}
    for rid, key in keys.items():
        cached = store.get(key)
        if cached is not None:
            found[rid] = cached
    metadata_key = "datapackage-" + hashlib.sha256(descriptor_bytes).hexdigest()
    todo = {rid: bodies[rid] for rid in keys if rid not in found}
    return ValidationPlan(descriptor_bytes, metadata_key, store.get(metadata_key), keys, found, todo)


def check_rows(descriptor_bytes: bytes, todo: Bodies, *, jobs: int = 1, metadata: bool = True) -> Checked:
    """With frictionless: the descriptor's problems (when `metadata`) and, if it has none, every row
    of the reports in `todo`, in buckets; errors by report, rows numbered as in its own CSV."""
    descriptor = json.loads(descriptor_bytes)
    problems = [{"message": p.message} for p in metadata_problems(descriptor)] if metadata else None
    if problems:
        return problems, {}
    resources = descriptor["resources"]
    buckets = make_buckets(todo, [spec["name"] for spec in resources], _workers(jobs))
    errors: dict[str, list[RawError]] = {}
    for bucket, found in zip(buckets, _run(resources, buckets, jobs), strict=True):
        errors.update(_per_report(bucket, todo, found))
    return problems, errors


def finish_validation(
    plan: ValidationPlan,
    checked: Checked,
    store: ResultStore,
    reports: Sequence[Report],
    full_report: Callable[[Report], Report] | None = None,
) -> list[ValidationProblem]:
    """Keep the new results, forget the unused ones, and turn every error into a problem."""
    metadata, errors = checked
    if metadata is not None:
        store.put(plan.metadata_key, metadata)
    else:
        metadata = plan.metadata or []
    if metadata:  # a broken descriptor: its rows are not looked at
        return [ValidationProblem("datapackage", error["message"]) for error in metadata]
    found = {**plan.found}
    for rid, own in errors.items():
        store.put(plan.keys[rid], own)
        found[rid] = own
    store.prune([plan.metadata_key, *plan.keys.values()])
    by_id = {r.meta.report_id: r for r in reports}
    problems: list[ValidationProblem] = []
    for rid in plan.keys:
        problems.extend(_problem(e, by_id, e["row"], full_report) for e in found[rid])
    return problems


def _report_key(schemas: bytes, rid: str, tables: Mapping[str, bytes], names: Sequence[str]) -> str:
    digest = hashlib.sha256(schemas + rid.encode() + b"\0")
    for name in names:
        digest.update(hashlib.sha256(tables[name]).digest())
    return digest.hexdigest()


def _per_report(bucket: Bucket, bodies: Bodies, errors: list[RawError]) -> dict[str, list[RawError]]:
    """A bucket's errors by report, rows numbered as in the report's own CSV; an error that names no
    report (a table-level one) goes with the bucket's first report."""
    own: dict[str, list[RawError]] = {rid: [] for rid in bucket.report_ids}
    rows = _RowNumbers(bucket, bodies) if errors else None
    for error in errors:
        rid = error["cells"][0] if error["cells"] and error["cells"][0] in own else bucket.report_ids[0]
        own[rid].append({**error, "row": rows.in_report(error) if rows else error["row"]})
    return own


def _run(
    resources: Sequence[Mapping[str, Any]], buckets: Sequence[Bucket], jobs: int
) -> list[list[RawError]]:
    if jobs == 1 or len(buckets) < 2:
        return [table_errors(resources, b.tables) for b in buckets]
    from concurrent.futures import ProcessPoolExecutor  # here: the build process plans, others check

    with ProcessPoolExecutor(max_workers=jobs or None) as pool:
        found = []
        for errors, seconds in pool.map(_bucket_errors, [(resources, b.tables) for b in buckets]):
            absorb(seconds)  # the workers' time counts as validation work
            found.append(errors)
        return found


def _bucket_errors(
    args: tuple[Sequence[Mapping[str, Any]], Mapping[str, bytes]],
) -> tuple[list[RawError], dict[str, float]]:
    take()  # time spent before this bucket belongs to the parent
    with stage("validate"):
        errors = table_errors(*args)
    return errors, take()


def bucket_count(reports: int, workers: int = 1) -> int:
    needed = -(-reports // REPORTS_PER_BUCKET)  # ceiling
    shared = min(workers, reports // MIN_REPORTS_PER_BUCKET)
    return max(1, min(MAX_BUCKETS, max(needed, shared)))


def bucket_of(report_id: str, count: int) -> int:
    return zlib.crc32(report_id.encode("utf-8")) % count


def _workers(jobs: int) -> int:
    return jobs or os.cpu_count() or 1


def make_buckets(bodies: Bodies, names: Sequence[str], workers: int = 1) -> list[Bucket]:
    """The non-empty buckets, each one package of its reports' rows under the corpus headers."""
    from generator.data.files import csv_header

    ids = sorted(bodies)
    count = bucket_count(len(ids), workers)
    members: dict[int, list[str]] = {}
    for rid in ids:
        members.setdefault(bucket_of(rid, count), []).append(rid)
    buckets = []
    for _, rids in sorted(members.items()):
        tables = {
            name: BOM + csv_header(name).encode() + b"".join(bodies[rid][name] for rid in rids)
            for name in names
        }
        buckets.append(Bucket(tuple(rids), tables))
    return buckets


def _header(data: bytes) -> bytes:
    """BOM and header line of a CSV (field names are ASCII: no quoted line breaks)."""
    return data[: data.index(b"\n") + 1]


class _RowNumbers:
    """Turns a row number of a bucket's table into the row in the report's own CSV (only computed
    for buckets with errors: it parses the rows)."""

    def __init__(self, bucket: Bucket, bodies: Bodies) -> None:
        self._starts: dict[tuple[str, str], int] = {}
        for name in bucket.tables:
            row = 2  # the header is row 1
            for rid in bucket.report_ids:
                self._starts[(name, rid)] = row
                row += sum(1 for _ in csv.reader(io.StringIO(bodies[rid][name].decode("utf-8"))))

    def in_report(self, error: RawError) -> int | None:
        start = self._starts.get((error["table"], error["cells"][0] if error["cells"] else ""))
        return error["row"] - start + 2 if start and error["row"] else error["row"]


class _ResultCache:
    """Validation results by bucket key, in `.cache/validate/` (JSON: plain data only)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def get(self, key: str) -> list[RawError] | None:
        if self.folder is None:
            return None
        try:
            value = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return value if isinstance(value, list) else None

    def put(self, key: str, errors: list[RawError]) -> None:
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            text = json.dumps(errors, ensure_ascii=False, default=str)
            (self.folder / f"{key}.json").write_text(text, encoding="utf-8")
        except OSError:
            pass

    def prune(self, used: Any) -> None:
        if self.folder is None or not self.folder.is_dir():
            return
        keep = {f"{key}.json" for key in used}
        for path in self.folder.glob("*.json"):
            if path.name not in keep:
                path.unlink(missing_ok=True)


def problems_by_report(problems: Sequence[ValidationProblem]) -> dict[str, tuple[Finding, ...]]:
    """The problems that belong to a report, as its findings (others belong to the build)."""
    out: dict[str, list[Finding]] = {}
    for problem in problems:
        if problem.report_id:
            out.setdefault(problem.report_id, []).append(problem.to_finding())
    return {rid: tuple(found) for rid, found in out.items()}


# --- from a frictionless error to the report text --------------------------------------------------


def _problem(
    error: RawError,
    by_id: Mapping[str | None, Report],
    row_number: int | None,
    full_report: Callable[[Report], Report] | None = None,
) -> ValidationProblem:
    table, cells, field = error["table"], error["cells"], error["field"]
    report = by_id.get(cells[0]) if cells else None
    if report is not None and full_report is not None:
        report = full_report(report)
    where = f"{table} 表第 {row_number} 行" if row_number else f"{table} 表"
    what = f"{_row_name(table, cells)}{field or ''}".strip()
    subject = f"{where}（{what}）" if what else where
    value = error["cell"]
    detail = f"{error['title']}: {error['note']}" if error["note"] else error["message"]
    message = f"{subject}的值“{value}”不符合表结构：{detail}" if value is not None else f"{subject}：{detail}"
    return ValidationProblem(
        table=table,
        message=message,
        report_id=report.meta.report_id if report else (cells[0] if cells else None),
        source_file=report.meta.source_file if report else None,
        row=row_number,
        field=field,
        line=source_line(report, table, cells, field) if report else None,
    )


def _row_name(table: str, cells: list[str]) -> str:
    """How the row is identified within its report, e.g. "disclosed " or "regulations/new_made "."""
    if len(cells) < 2 or table == "reports":
        return ""
    if table == "proactive" and len(cells) > 4:
        return f"{cells[1]}/{cells[4]} "
    return f"{cells[1]} "


def source_line(report: Report, table: str, cells: list[str], field: str | None) -> int | None:
    """The line in the report text of the cell (or row) a table error is about."""
    key = cells[1] if len(cells) > 1 else ""
    if table == "applications":
        if field in APPLICANT_IDS:
            return report.applications.cell(key, field).line or report.applications.lines.get(key)
        return report.applications.lines.get(key)
    if table == "proactive" and len(cells) > 4:
        return report.proactive_cell(key, cells[4]).line
    if table == "review_litigation" and field:
        return report.review(f"{key}_{field}").line
    if table == "findings" and key.isdigit() and 0 < int(key) <= len(report.findings):
        return report.findings[int(key) - 1].line
    if table == "reports":
        return _headline_line(report, field)
    return None


def _headline_line(report: Report, field: str | None) -> int | None:
    cell_of = {
        "new_applications": report.applications.cell("new_received", "total"),
        "processed_applications": report.applications.cell("total_processed", "total"),
        "carried_forward": report.applications.cell("carried_forward", "total"),
        "reconsiderations": report.review("reconsideration_total"),
        "lawsuits": report.review("litigation_direct_total"),
        "published_total": report.published_total,
    }
    cell = cell_of.get(field or "")
    return cell.line if cell else 1  # metadata: the front matter or the title, at the top of the file
