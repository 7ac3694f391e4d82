"""Tables, descriptors and data files: the round trip of every number, determinism, and writing."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from generator.data.analyst import analyst_paths
from generator.data.files import CORPUS_NAME, csv_header, report_lines, schema_files
from generator.data.package import (
    RESOURCES,
    agency_descriptor,
    corpus_descriptor,
    field_names,
    report_tables,
    schema_path,
)
from generator.engine.write import check_paths, write_files
from generator.errors import OutputClash
from generator.model import report_to_json
from generator.spec import APPLICANT_IDS, APPLICATION_ROWS, REVIEW_CELLS, application_rows
from tests.factories import data_files, make_report, row
from tests.parse_helpers import SEEDS, parse_path

SCHEMAS = Path(__file__).resolve().parents[1] / "generator" / "data" / "schemas"
MONEY = (477.35, "万元", "477.35万元")
VARIED = make_report(
    "2019",
    {
        "new_received": row(821, 35, None, None, 2, 1, 859),
        "carried_over": row(18, None, None, None, None, None, 18),
        "disclosed": row(258, 0, 0, 0, 1, 0, 259),
    },
    {
        "reconsideration_upheld": 5,
        "reconsideration_pending": 2,
        "reconsideration_total": 7,
        "litigation_direct_total": None,
    },
    {
        "government_procurement": {"procurement_projects": 12, "procurement_amount": MONEY},
        "administrative_licensing": {"items_previous_year": 30, "items_change": -8, "decisions": 313},
        "regulations": {"new_made": None},
    },
    agency="上海市人民政府办公厅",
    agency_id="shang-hai-shi-ren-min-zheng-fu-ban-gong-ting",
    year=2019,
    published="2020-01-31",
    source_url="https://www.shanghai.gov.cn/report-2019.html",
    published_total=(1234, "条", "1234条"),
)
LATER = make_report(
    "2021",
    {"carried_over": row(72, 0, 0, 0, 0, 0)},
    agency="上海市人民政府办公厅",
    agency_id="shang-hai-shi-ren-min-zheng-fu-ban-gong-ting",
    year=2021,
    published="2022-01-20",
)
OTHER = make_report(
    "2021", agency="北京市人民政府办公厅", agency_id="bei-jing-shi-ren-min-zheng-fu-ban-gong-ting", year=2021
)


@pytest.fixture(scope="module")
def seed_reports():
    return [parse_path(p) for p in sorted(SEEDS.glob("*.txt"))]


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so that Excel on Chinese Windows reads it"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def typed(text: str):
    if text == "":
        return None
    return float(text) if any(c in text for c in ".eE") else int(text)


def assert_numbers_round_trip(report, files: dict[str, bytes], folder: str) -> None:
    """Every number of the model appears unchanged in the CSVs and in report.json."""
    rid = report.meta.report_id
    apps = {r["row_id"]: r for r in read_csv(files[f"{folder}/applications.csv"]) if r["report_id"] == rid}
    assert list(apps) == [r.id for r in application_rows(report.meta.template)]
    for row_id, cells in report.applications.rows.items():
        assert [typed(apps[row_id][c]) for c in APPLICANT_IDS] == [c.value for c in cells], row_id
    review = {
        r["proceeding"]: r
        for r in read_csv(files[f"{folder}/review_litigation.csv"])
        if r["report_id"] == rid
    }
    for cell_id in REVIEW_CELLS:
        proceeding, outcome = cell_id.rsplit("_", 1)
        assert typed(review[proceeding][outcome]) == report.review(cell_id).value, cell_id
    proactive = {
        (r["item"], r["measure"]): r
        for r in read_csv(files[f"{folder}/proactive.csv"])
        if r["report_id"] == rid
    }
    for item in report.proactive:
        for measure, cell in item.cells.items():
            published = proactive[(item.item, measure)]
            assert typed(published["value"]) == cell.value and type(typed(published["value"])) is type(
                cell.value
            )
            assert (published["unit"] or None, published["raw"] or None) == (cell.unit, cell.raw or None)
    document = json.loads(files[f"data/reports/{rid}/report.json"])
    assert document == json.loads(json.dumps(report_to_json(report), ensure_ascii=False))


def test_every_number_round_trips_through_csv_and_json():
    files = data_files([VARIED, LATER])
    for report in (VARIED, LATER):
        assert_numbers_round_trip(report, files, "data")
        assert_numbers_round_trip(report, files, f"data/agencies/{report.meta.agency_id}")


def test_seed_numbers_round_trip(seed_reports):
    files = data_files(seed_reports)
    for report in seed_reports:
        assert_numbers_round_trip(report, files, "data")


def test_blank_stays_empty_and_is_not_zero():
    files = data_files([VARIED])
    apps = {r["row_id"]: r for r in read_csv(files["data/applications.csv"])}
    assert apps["new_received"]["research"] == "" and apps["disclosed"]["research"] == "0"
    headline = read_csv(files["data/reports.csv"])[0]
    assert headline["new_applications"] == "859" and headline["reconsiderations"] == "7"
    assert headline["lawsuits"] == "0"  # 直接起诉 blank + 复议后起诉 0
    assert headline["published_total"] == "1234"
    assert headline["source_url"] == "https://www.shanghai.gov.cn/report-2019.html"


def test_tables_hold_one_row_per_report_item_and_proceeding():
    tables = report_tables(VARIED)
    assert [len(tables[n]) for n in RESOURCES] == [1, 22, 23, 3, 0, 0]
    later = report_tables(LATER)
    assert [len(later[n]) for n in RESOURCES] == [1, 10, 25, 3, 0, 0]
    positions = [(r["row_id"], r["position"]) for r in later["applications"]]
    assert positions[0] == ("new_received", 1) and positions[-1] == ("carried_forward", 25)
    for name in RESOURCES:
        for table_row in tables[name] + later[name]:
            assert list(table_row) == list(field_names(name)), name


def test_findings_table():
    report = make_report("2019", {"new_received": row(3, 0, 0, 0, 0, 0)})
    from generator.checks.cross import check_report

    report = report.with_findings(check_report(report))
    rows = report_tables(report)["findings"]
    assert [(r["number"], r["rule"], r["severity"]) for r in rows] == [(1, "applications-balance", "warning")]
    assert rows[0]["cells"].split(" ")[0] == "applications.new_received.natural_person"
    assert report_tables(report)["reports"][0]["warnings"] == 1


def test_descriptors_carry_the_metadata_people_expect():
    corpus = corpus_descriptor([VARIED, LATER])
    assert corpus["name"] == "gov-disclosure-reports"
    assert corpus["licenses"][0]["name"] == "CC-BY-4.0"
    assert corpus["created"] == "2022-01-20T00:00:00Z"  # from the content, not the clock
    assert "政府信息公开" in corpus["title"] and "Government" in corpus["title"]
    assert "2 reports from 1 agencies, years 2019–2021" in corpus["description"]
    assert [r["name"] for r in corpus["resources"]] == list(RESOURCES)
    assert {"version", "contributors", "keywords", "sources"} <= set(corpus)
    agency = agency_descriptor([LATER, VARIED])
    assert agency["name"] == VARIED.meta.agency_id and agency["created"] == "2022-01-20T00:00:00Z"
    assert agency["sources"][0] == {"title": VARIED.meta.title, "path": VARIED.meta.source_url}
    assert [s.get("path") for s in agency["sources"]] == [VARIED.meta.source_url, None]


def test_descriptors_name_the_published_schemas_by_path():
    """Not a copy of each schema in every descriptor: one file per schema, in data/schemas/, beside
    which every descriptor is (a path may not go up a folder: no `../`)."""
    files = data_files([VARIED, LATER, OTHER])
    descriptors = [path for path in files if path.endswith("datapackage.json")]
    assert len(descriptors) == 3  # the corpus and two agencies
    for path in descriptors:
        assert path.count("/") == 1  # in data/, beside data/schemas/
        for resource in json.loads(files[path])["resources"]:
            assert resource["schema"] == schema_path(resource["name"]) == f"schemas/{resource['name']}.json"
            published = files[f"data/{resource['schema']}"]
            assert published == (SCHEMAS / f"{resource['name']}.json").read_bytes()
            assert f"data/{resource['path']}" in files
    assert set(schema_files()) == {f"data/schemas/{n}.json" for n in RESOURCES}


def test_agency_package_holds_every_year_of_it_and_only_its_rows():
    files = data_files([VARIED, LATER, OTHER])
    folder = f"data/agencies/{LATER.meta.agency_id}"
    for name in RESOURCES:
        ids = {r["report_id"] for r in read_csv(files[f"{folder}/{name}.csv"])}
        assert ids <= {VARIED.meta.report_id, LATER.meta.report_id}
    assert [r["report_id"] for r in read_csv(files[f"{folder}/reports.csv"])] == [
        VARIED.meta.report_id,
        LATER.meta.report_id,
    ]
    assert {r["report_id"] for r in read_csv(files["data/reports.csv"])} == {
        VARIED.meta.report_id,
        LATER.meta.report_id,
        OTHER.meta.report_id,
    }
    corpus_rows = {"applications": [row for r in (LATER, VARIED) for row in report_tables(r)["applications"]]}
    assert len(read_csv(files[f"{folder}/applications.csv"])) == len(corpus_rows["applications"]) == 48


def test_every_output_path_of_the_architecture(seed_reports):
    files = data_files(seed_reports)
    expected = {f"data/{n}.csv" for n in RESOURCES} | {f"data/schemas/{n}.json" for n in RESOURCES}
    expected |= {"data/datapackage.json", f"data/{CORPUS_NAME}.zip", "data/checksums.sha256"}
    expected |= {f"data/{name}" for name in CODELISTS}
    expected |= set(analyst_paths())  # data/parquet/<table>.parquet, data/<corpus>.sqlite
    expected |= {"data/changes.csv", "data/schemas/changes.json", "data/releases/index.json"}
    expected |= {"data/corrections.csv", "data/schemas/corrections.json"}
    expected.add(f"data/releases/unreleased/{CORPUS_NAME}.zip")  # the release's own path (no git here)
    for report in seed_reports:
        expected.add(f"data/reports/{report.meta.report_id}/report.json")  # a report's only data file
        agency = report.meta.agency_id
        expected.add(f"data/agency-{agency}.datapackage.json")
        expected |= {f"data/agencies/{agency}/{n}.csv" for n in RESOURCES}
    assert set(files) == expected


def test_builds_are_byte_identical_whatever_the_input_order(seed_reports):
    first = data_files(seed_reports)
    second = data_files(list(reversed(seed_reports)))
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


CODELISTS = [
    f"codelists/{n}.csv"
    for n in ("applicant_types", "application_rows", "proactive_items", "regions", "review_cells", "rules")
]


def test_zip_is_deterministic_and_holds_the_corpus_package():
    files = data_files([VARIED, LATER])
    archive = zipfile.ZipFile(io.BytesIO(files[f"data/{CORPUS_NAME}.zip"]))
    names = archive.namelist()
    tables = [f"{n}.csv" for n in RESOURCES]
    assert (
        names
        == sorted(names)
        == sorted(
            [
                "datapackage.json",
                *tables,
                "changes.csv",
                "corrections.csv",
                *(f"schemas/{n}.json" for n in (*RESOURCES, "changes", "corrections")),
                *CODELISTS,
            ]
        )
    )
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert all(archive.read(n) == files[f"data/{n}"] for n in names)


# --- write ---------------------------------------------------------------------------------------------


def test_second_write_writes_nothing(tmp_path: Path):
    files = {"data/a.csv": b"1", "index.html": b"<p>"}
    assert write_files(tmp_path, files) == 2
    assert write_files(tmp_path, files) == 0
    assert write_files(tmp_path, {**files, "index.html": b"<p>new"}) == 1
    assert (tmp_path / "index.html").read_bytes() == b"<p>new"


def test_a_file_cut_short_is_written_again_and_no_temporary_file_is_left(tmp_path: Path):
    files = {"index.html": b"<p>whole page</p>", "data/a.csv": b"1,2"}
    write_files(tmp_path, files)
    (tmp_path / "index.html").write_bytes(b"<p>who")  # what a crash in the middle of a write leaves
    (tmp_path / "data/a.csv").write_bytes(b"9,9")  # the same size, other bytes
    assert write_files(tmp_path, files) == 2
    assert all((tmp_path / path).read_bytes() == data for path, data in files.items())
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.csv", "data", "index.html"]


@pytest.mark.parametrize(
    "paths",
    [
        ["data/Report.csv", "data/report.csv"],
        ["data/reports", "data/reports/x.csv"],
        ["../outside.txt"],
        ["/etc/passwd"],
    ],
)
def test_clashing_or_unsafe_paths_are_refused(paths):
    with pytest.raises(OutputClash):
        check_paths(paths)


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("\tx", "'\tx"),
        ("+170", "+170"),
        ("-5", "-5"),
        ("-", "-"),
        ("德惠市人民政府办公室", "德惠市人民政府办公室"),
    ],
)
def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised(text: str, written: str) -> None:
    report = make_report()
    report = replace(report, meta=replace(report.meta, agency=text))
    lines = csv_header("reports") + report_lines(report)["reports"].decode("utf-8")
    (row,) = csv.DictReader(io.StringIO(lines))
    assert row["agency"] == written
    assert json.loads(json.dumps(report_to_json(report)))["agency"] == text  # the JSON keeps it


def test_review_rows_name_the_line_of_their_numbers(seed_reports):
    """Each proceeding's row of review_litigation.csv gives the line of its first number (#21)."""
    report = next(r for r in seed_reports if r.meta.source_file.endswith("2020-tonghua-dongchangqu.txt"))
    for proceeding in report_tables(report)["review_litigation"]:
        assert proceeding["line"] == report.review(f"{proceeding['proceeding']}_upheld").line
        assert proceeding["line"] is not None


def test_codelists_list_every_identifier_and_map_the_templates():
    """data/codelists/ (issue #21): every applications row with its place in each template and the
    2019 ↔ 2021 mapping of （六）其他处理; every rule of the registry."""
    from generator.data.codelists import codelist_files
    from generator.rules import RULES

    files = codelist_files()
    rows = list(csv.DictReader(io.StringIO(files["data/codelists/application_rows.csv"].decode("utf-8-sig"))))
    assert [r["row_id"] for r in rows] == [r.id for r in APPLICATION_ROWS]
    by_id = {r["row_id"]: r for r in rows}
    assert by_id["other"]["position_2021"] == "" and by_id["other"]["maps_to"].split("+") == [
        "other_overdue_correction",
        "other_unpaid_fee",
        "other_misc",
    ]
    assert by_id["other_misc"]["position_2019"] == "" and by_id["other_misc"]["maps_to"] == "other"
    for template in ("2019", "2021"):
        placed = sorted(
            (int(r[f"position_{template}"]), r["row_id"]) for r in rows if r[f"position_{template}"]
        )
        assert [row_id for _, row_id in placed] == [r.id for r in application_rows(template)]
    rules = list(csv.DictReader(io.StringIO(files["data/codelists/rules.csv"].decode("utf-8-sig"))))
    assert sorted(r["rule"] for r in rules) == sorted(RULES)
    assert all(path in data_files([VARIED]) for path in files)  # published with the corpus (and zipped)
