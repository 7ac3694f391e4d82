"""Table Schemas and validation: schemas in sync with the registries, frictionless errors mapped to the
report text, and the frictionless CLI on written packages."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from generator.checks.cross import check_report
from generator.data.files import (
    CORPUS_ZIP,
    agency_descriptor_path,
    corpus_descriptor_bytes,
    csv_body,
    csv_head,
    json_bytes,
    report_lines,
)
from generator.data.package import RESOURCES, corpus_descriptor, load_schema, report_tables, sort_reports
from generator.data.validate import descriptor_problems, problems_by_report, rows_problems, validate_reports
from generator.engine.write import write_files
from generator.rules import RULES
from generator.spec import APPLICATION_ROWS, OUTCOMES, PROACTIVE_BLOCKS, PROCEEDINGS
from tests.factories import data_files, make_report, row
from tests.parse_helpers import SEEDS, parse_path

FRICTIONLESS = Path(sys.executable).parent / "frictionless"


def enum(table: str, field: str) -> list[str]:
    (spec,) = [f for f in load_schema(table)["fields"] if f["name"] == field]
    return spec["constraints"]["enum"]


# --- the schemas ---------------------------------------------------------------------------------


def test_rule_enum_is_the_registry():
    assert enum("findings", "rule") == sorted(RULES)
    assert enum("findings", "severity") == ["error", "warning"]


def test_identifier_enums_are_the_template_spec():
    assert enum("applications", "row_id") == [r.id for r in APPLICATION_ROWS]
    assert enum("review_litigation", "proceeding") == [p for p, _ in PROCEEDINGS]
    blocks = [b for bs in PROACTIVE_BLOCKS.values() for b in bs]
    assert set(enum("proactive", "item")) == {i.id for b in blocks for i in b.items}
    assert set(enum("proactive", "measure")) == {m.id for b in blocks for m in b.measures}
    assert set(enum("proactive", "block")) == {b.block for b in blocks}
    outcome_fields = [f["name"] for f in load_schema("review_litigation")["fields"]][3:]
    outcomes = [o for o, _ in OUTCOMES]
    assert outcome_fields == [*outcomes, "line", *(f"{o}_line" for o in outcomes), "ocr"]


@pytest.mark.parametrize("table", RESOURCES)
def test_schema_conventions(table):
    schema = load_schema(table)
    assert schema["missingValues"] == [""]  # a blank published cell stays empty, not 0
    assert schema["fields"][0]["name"] == "report_id"
    for field in schema["fields"]:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", field["name"]), field["name"]
        assert re.search(r"[\u4e00-\u9fff]", field["title"]), field["name"]
        assert field["description"], field["name"]
    names = {f["name"] for f in schema["fields"]}
    assert set(schema["primaryKey"]) <= names
    if table == "reports":
        assert "foreignKeys" not in schema
    else:
        assert schema["foreignKeys"] == [
            {"fields": ["report_id"], "reference": {"resource": "reports", "fields": ["report_id"]}}
        ]


def test_a_count_printed_negative_is_valid_data_and_a_finding():
    """The schemas accept every integer a report can print: a count misprinted as -1 is kept, the
    packages stay valid, and the negative-count cross-check says so (issue #21)."""
    for table in ("applications", "review_litigation", "reports"):
        for field in load_schema(table)["fields"]:
            if field["type"] == "integer" and "minimum" in field.get("constraints", {}):
                # only what the build counts (years, positions, lines, findings, days, pages), never a printed value
                assert field["name"] in (
                    "year", "position", "line", "errors", "warnings", "acknowledged", "days_late", "ocr_pages",
                    *(f"{o}_line" for o, _ in OUTCOMES)
                )  # fmt: skip
    report = make_report(applications={"disclosed": row(-1, 0, 0, 0, 0, 0, -1)}, year=2021)
    assert validate_data([report]) == []
    assert "negative-count" in {f.rule for f in check_report(report)}


# --- validation in memory -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_reports():
    return [parse_path(p) for p in sorted(SEEDS.glob("*.txt"))]


def validate_data(reports):
    """What the build's validation units find, all at once."""
    return validate_reports(corpus_descriptor_bytes(sort_reports(reports)), reports, report_lines)


def test_seed_corpus_is_valid(seed_reports):
    assert validate_data(seed_reports) == []


def test_a_schema_error_names_report_table_row_and_source_line():
    good = make_report(agency_id="b")
    bad = make_report(applications={"disclosed": row(1.5, 0, 0, 0, 0, 0, 1.5)}, year=2021)
    problems = validate_data([good, bad])
    assert [(p.table, p.row, p.field) for p in problems] == [
        ("applications", 4, "natural_person"),
        ("applications", 4, "total"),
    ]
    first = problems[0]
    own = csv_head("applications") + report_lines(bad)["applications"]  # its rows alone, under a header
    assert own.decode("utf-8-sig").splitlines()[3].split(",")[1] == "disclosed"  # row 4
    assert first.message == RULES["schema-invalid"].example
    assert first.report_id == bad.meta.report_id and first.source_file == bad.meta.source_file
    assert first.line == bad.applications.cell("disclosed", "natural_person").line
    assert str(first) == f"{bad.meta.source_file}:{first.line}: error[schema-invalid] {first.message}"
    findings = problems_by_report(problems)[bad.meta.report_id]
    assert next((f.rule, f.severity, f.line, f.cells) for f in findings) == (
        "schema-invalid",
        "error",
        first.line,
        ("applications.natural_person",),
    )


def _problems(report, tables):
    """The rows of `tables` (one report's, edited) against the schemas."""
    lines = {n: csv_body(n, tables[n]).encode() for n in RESOURCES}
    return rows_problems([report], lambda _: lines, lambda r: r)


def test_primary_and_foreign_keys_are_enforced():
    report = make_report()
    tables = report_tables(report)
    tables["review_litigation"] = tables["review_litigation"] * 2  # every proceeding twice
    tables["findings"] = [
        {"report_id": "no-such-report", "number": 1, "rule": "row-width", "severity": "error", "message": "x"}
    ]
    problems = _problems(report, tables)
    kinds = sorted({(p.table, p.message.split("：")[-1].split(":")[0]) for p in problems})
    assert kinds == [("findings", "ForeignKey Error"), ("review_litigation", "PrimaryKey Error")]
    foreign = next(p for p in problems if p.table == "findings")
    assert foreign.report_id == "no-such-report" and foreign.source_file is None


def test_unknown_rule_ids_and_bad_dates_are_schema_errors():
    report = make_report(published="2021年1月")
    tables = report_tables(report)
    tables["findings"] = [
        {
            "report_id": report.meta.report_id,
            "number": 1,
            "rule": "made-up",
            "severity": "error",
            "message": "x",
        }
    ]
    problems = _problems(report, tables)
    assert sorted((p.table, p.field) for p in problems) == [("findings", "rule"), ("reports", "published")]


def test_descriptor_metadata_errors_are_reported():
    report = make_report()
    broken = corpus_descriptor([report]) | {"created": "yesterday"}
    problems = descriptor_problems(json_bytes(broken))
    assert [p.table for p in problems] == ["datapackage"]
    assert "created" in problems[0].message


# --- the frictionless command line on written packages ----------------------------------------------


def frictionless_validate(descriptor: Path) -> subprocess.Popen[bytes]:
    """The plain command a downloader runs (no --trusted, which would follow unsafe paths)."""
    return subprocess.Popen(
        [str(FRICTIONLESS), "validate", "--json", str(descriptor)], stdout=subprocess.PIPE
    )


def assert_valid(path: object, process: subprocess.Popen[bytes]) -> None:
    output, _ = process.communicate(timeout=120)
    report = json.loads(output)
    assert report["valid"], (path, report["errors"], [t["errors"] for t in report["tasks"]])
    names = [t["name"] for t in report["tasks"]]
    assert (
        names == [*RESOURCES, "changes", "corrections"]
        if path in (CORPUS_ZIP, "data/datapackage.json")
        else list(RESOURCES)
    )
    assert all(
        t["stats"]["errors"] == 0 and t["stats"]["rows"] > 0
        for t in report["tasks"]
        if t["name"] not in ("findings", "unplaced", "corrections")  # most reports have none
    )


def test_frictionless_cli_validates_every_written_package(seed_reports, tmp_path: Path):
    """From the disk, as published: the corpus and every agency's package, whose descriptors name the
    schemas in data/schemas/ by path."""
    files = data_files(seed_reports)
    write_files(tmp_path, files)
    packages = sorted(p for p in files if p.endswith("datapackage.json"))
    agencies = {r.meta.agency_id for r in seed_reports}
    assert packages == sorted(["data/datapackage.json", *(agency_descriptor_path(a) for a in agencies)])
    runs = [(p, frictionless_validate(tmp_path / p)) for p in packages]
    for path, process in runs:
        assert_valid(path, process)


def test_frictionless_cli_validates_the_corpus_zip_unpacked(seed_reports, tmp_path: Path):
    """The zip holds the schemas its descriptor names."""
    with zipfile.ZipFile(io.BytesIO(data_files(seed_reports)[CORPUS_ZIP])) as archive:
        archive.extractall(tmp_path)
    assert_valid(CORPUS_ZIP, frictionless_validate(tmp_path / "datapackage.json"))


def test_frictionless_api_validates_an_agency_package_from_disk(seed_reports, tmp_path: Path, monkeypatch):
    """With frictionless's Python API, untrusted (its default), from another working directory."""
    from frictionless import Package, system

    write_files(tmp_path, data_files(seed_reports))
    monkeypatch.chdir(tmp_path.parent)
    assert not system.trusted
    descriptor = tmp_path / agency_descriptor_path(seed_reports[0].meta.agency_id)
    report = Package(str(descriptor)).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert all(task.stats["rows"] > 0 for task in report.tasks[:4])  # findings, unplaced may have none


def test_a_schema_path_that_is_not_published_is_a_descriptor_problem():
    report = make_report()
    files = data_files([report])
    descriptor = json.loads(files["data/datapackage.json"])
    descriptor["resources"][1]["schema"] = "schemas/made-up.json"
    problems = descriptor_problems(json.dumps(descriptor).encode())
    assert [(p.table, p.message) for p in problems] == [
        ("datapackage", "datapackage.json: schema 'schemas/made-up.json' is not one of the published schemas")
    ]
    descriptor["resources"][1]["schema"] = "../schemas/proactive.json"
    problems = descriptor_problems(json.dumps(descriptor).encode())
    assert [p.table for p in problems] == ["datapackage"] and "not safe" in problems[0].message


def test_the_per_report_check_finds_what_frictionless_finds_in_the_whole_package():
    """The build checks each report's rows in the check stage instead of validating the package:
    frictionless, over the corpus package of the same reports, finds the same problems, in words."""
    from dataclasses import replace

    from generator.data.validate import report_schema_findings

    good = [make_report(agency_id=f"a{i}") for i in range(3)]
    typed = make_report(agency_id="b", applications={"disclosed": row(1.5, 0, 0, 0, 0, 0, 1.5)}, year=2021)
    early = make_report(agency_id="c")
    early = replace(early, meta=replace(early.meta, year=2005, source_sha256="not-a-digest"))
    reports = [*good, typed, early]
    whole = validate_data(reports)
    assert len(whole) == 4
    per_report = sorted((r.meta.report_id, f.message) for r in reports for f in report_schema_findings(r))
    assert per_report == sorted((p.report_id, p.message) for p in whole)


def test_a_damaged_or_altered_download_fails_validation(seed_reports, tmp_path: Path):
    """Every resource carries its size and sha256: one cell changed, or a CSV cut short, fails
    `frictionless validate`; `sha256sum -c checksums.sha256` checks the zip and the rest."""
    write_files(tmp_path, data_files(seed_reports))
    data = tmp_path / "data"
    descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert all(r["bytes"] > 0 and r["hash"].startswith("sha256:") for r in descriptor["resources"])

    def valid(path: Path) -> bool:
        output = subprocess.run(
            [str(FRICTIONLESS), "validate", "--json", str(path)], capture_output=True, check=False
        )
        return json.loads(output.stdout)["valid"]

    def checksums_hold() -> bool:
        return (
            subprocess.run(
                ["sha256sum", "--quiet", "-c", "checksums.sha256"], cwd=data, check=False
            ).returncode
            == 0
        )

    assert valid(data / "datapackage.json") and checksums_hold()
    agency = next(data.glob("agency-*.datapackage.json"))
    assert valid(agency)
    applications = data / "applications.csv"
    original = applications.read_bytes()
    applications.write_bytes(original.replace(b",0,", b",1,", 1))  # one cell changed, the same size
    assert not valid(data / "datapackage.json") and not checksums_hold()
    applications.write_bytes(original[: len(original) // 2])  # cut short
    assert not valid(data / "datapackage.json")
    applications.write_bytes(original)
    zipped = data / "gov-disclosure-reports.zip"
    zipped.write_bytes(zipped.read_bytes()[:-10])
    assert not checksums_hold()


# Words PostgreSQL and DuckDB reserve: a column of that name has to be quoted in every query.
SQL_RESERVED = {
    "all", "and", "as", "by", "case", "check", "column", "default", "end", "from", "group", "in",
    "is", "limit", "not", "offset", "on", "or", "order", "primary", "references", "select", "table",
    "to", "user", "when", "where",
}  # fmt: skip


def test_no_column_is_named_with_an_sql_keyword():
    """A column an analyst's query would have to quote (issue #21)."""
    for table in RESOURCES:
        assert not {field["name"] for field in load_schema(table)["fields"]} & SQL_RESERVED, table


def test_every_field_has_a_bilingual_title_and_description():
    """Chinese first, then English: "<中文> / <English>" and "<中文>\\n\\n<English>" (issue #21)."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    for table in RESOURCES:
        for field in load_schema(table)["fields"]:
            where = f"{table}.{field['name']}"
            zh, slash, en = field["title"].partition(" / ")
            assert slash and cjk.search(zh), where
            assert re.fullmatch(r"[ -~·]*[A-Za-z][ -~·]*", en) and " / " not in en, where
            zh, blank, en = field["description"].partition("\n\n")
            assert blank and cjk.search(zh) and "\n" not in zh, where
            assert re.search(r"[A-Za-z]", en) and "\n" not in en, where


@pytest.fixture
def stricter_reports_schema(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The published `reports` schema with `year` at most 2019: every 2020 seed breaks it (no value
    a report prints breaks the real schemas any more, so the path is proven with a stricter one)."""
    import generator.data.package as package
    import generator.data.validate as validate

    def load(name: str) -> dict:
        schema = load_schema(name)
        if name == "reports":
            (year,) = [f for f in schema["fields"] if f["name"] == "year"]
            year["constraints"]["maximum"] = 2019
        return schema

    caches = (
        validate._resources,
        validate._frictionless_schema,
        validate._table_names,
        validate._cell_readers,
    )
    for cached in caches:
        cached.cache_clear()
    monkeypatch.setattr(package, "load_schema", load)
    yield
    monkeypatch.undo()
    for cached in caches:
        cached.cache_clear()


def test_a_value_the_schema_refuses_is_a_finding_of_its_report_and_the_site_still_builds(
    stricter_reports_schema: None,
) -> None:
    from generator.pipeline import build_site, read_sources
    from tests.parse_helpers import ROOT

    sources, _ = read_sources(ROOT / "content")
    site = build_site(sources, vega_cache=ROOT / ".cache")
    assert not site.failed and site.problems == ()  # the corpus validation adds no build problem
    rid = "de-hui-shi-ren-min-zheng-fu-ban-gong-shi-2020"
    report = next(r for r in site.checked.kept if r.meta.report_id == rid)
    (found,) = [f for f in report.findings if f.rule == "schema-invalid"]
    assert found.message == (
        'reports 表第 2 行（year）的值“2020”不符合表结构：Constraint Error: constraint "maximum" is "2019"'
    )
    assert found.line == 1 and found.cells == ("reports.year",)
    document = json.loads(site.files[f"data/reports/{rid}/report.json"])
    assert any(f["rule"] == "schema-invalid" for f in document["findings"])
    findings_csv = site.files["data/findings.csv"].decode("utf-8-sig")
    assert f"{rid}," in findings_csv and ",schema-invalid,error," in findings_csv
    assert "schema-invalid" in site.files[f"reports/{rid}/index.html"].decode()
    reports_csv = site.files["data/reports.csv"].decode("utf-8-sig")
    header, *lines = reports_csv.splitlines()
    row = next(line for line in lines if line.startswith(rid))
    assert row.split(",")[header.split(",").index("errors")] == str(len(report.errors))
