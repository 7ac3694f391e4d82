"""The tables and columns for analysts (issue #21): `unplaced`, `applications_long`, the agency kind,
level and timeliness columns of `reports`, `proactive.value_yuan`, and the regions codelist."""

from __future__ import annotations

import csv
import io

import pytest

from generator.data.codelists import codelist_files
from generator.data.package import RESOURCES, load_schema, report_tables
from generator.data.tables import value_yuan
from generator.model import Cell, Region
from generator.site.figures import timeliness
from generator.site.model import agency_kind, agency_level
from generator.spec import APPLICANT_IDS, OUTCOMES, application_rows
from tests import factories
from tests.parse_helpers import FIXTURES, SEEDS, parse_path

PIPES = FIXTURES / "parse" / "2021-pipes.txt"


@pytest.fixture(scope="module")
def misprinted(tmp_path_factory: pytest.TempPathFactory):
    """The pipes fixture with a row of each table printed with the wrong number of cells."""
    text = PIPES.read_text(encoding="utf-8")
    edits = {
        "| 行政规范性文件 | 5 | 12 | 8\n": "| 行政规范性文件 | 5 | 12 | 8 | 9\n",
        "| （一）予以公开 | 5 | 1 | 0 | 0 | 0 | 0 | 6\n": "| （一）予以公开 | 5 |  | 1 | 6\n",
        "| 1 | 0 | 0 | 1 | 2 | 0 | 0 | 0 | 1 | 1 | 0 | 0 | 0 | 0 | 0\n": "| 1 | 0 | 0 | 1 | 2 | 0 | 0 | 0 | 1 | 1 | 0 | 0 | 0 | 0\n",
    }
    for old, new in edits.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path_factory.mktemp("reports") / PIPES.name
    path.write_text(text, encoding="utf-8")
    return parse_path(path)


def test_numbers_the_parser_could_not_place_are_a_table(misprinted) -> None:
    rows = report_tables(misprinted)["unplaced"]
    lines = PIPES.read_text(encoding="utf-8").split("\n")
    assert [(r["number"], r["table_name"], r["row_id"]) for r in rows] == [
        (1, "applications", "disclosed"),
        (2, "proactive", "normative_documents"),
        (3, "review_litigation", None),
    ]
    applications, proactive, review = rows
    assert applications["printed"] == "5 （空） 1 6" and applications["printed_cells"] == 4
    assert applications["expected_cells"] == 7 and applications["label"] == "（一）予以公开"
    assert lines[applications["line"] - 1].startswith("| （一）予以公开")
    assert proactive["printed"] == "5 12 8 9" and (
        proactive["printed_cells"],
        proactive["expected_cells"],
    ) == (4, 3)
    assert lines[proactive["line"] - 1].startswith("| 行政规范性文件")
    assert review["printed"] == "1 0 0 1 2 0 0 0 1 1 0 0 0 0" and review["expected_cells"] == 15
    for row in rows:  # each points at the finding that reports it
        finding = misprinted.findings[row["finding"] - 1]
        assert finding.rule == "row-width" and finding.line == row["line"]
        assert finding.cells[0].startswith(f"{row['table_name']}.")
    # the cells themselves stay blank, never guessed
    assert misprinted.applications.values("disclosed") == [None] * 7
    assert all(
        r["value"] is None
        for r in report_tables(misprinted)["proactive"]
        if r["item"] == "normative_documents"
    )


def test_a_report_read_without_doubt_has_no_unplaced_numbers() -> None:
    assert report_tables(parse_path(PIPES))["unplaced"] == []


def test_the_seed_s_short_rows_are_in_the_unplaced_table() -> None:
    report = parse_path(SEEDS / "2020-shanggao-jiguan-shiwuju.txt")
    rows = report_tables(report)["unplaced"]
    assert len(rows) == len(report.applications.unassigned) == 21
    assert rows[0]["printed"] == "0 0 0 0 0" and rows[0]["line"] == 128


def test_the_long_applications_table_holds_the_wide_one_cell_for_cell() -> None:
    """Made from the wide CSV for Parquet and SQLite only: one row per row × applicant, in order,
    blank stays null, a printed -1 stays -1, each row with its row's line."""
    from generator.data.arrow import long_form, read_csv
    from generator.data.files import csv_bytes, report_lines

    report = factories.make_report(
        "2021",
        {
            "disclosed": factories.row(5, None, 0, 0, 0, 0, 5),
            "new_received": factories.row(-1, 0, 0, 0, 0, 0),
        },
    )
    assert "applications_long" not in report_tables(report)  # no CSV of its own
    wide = report_tables(report)["applications"]
    long = long_form(
        read_csv("applications", csv_bytes("applications", [report_lines(report)["applications"]]))
    )
    assert long.num_rows == len(application_rows("2021")) * len(APPLICANT_IDS) == len(wide) * 7
    assert long.column_names == [f["name"] for f in load_schema("applications_long")["fields"]]
    rows = long.to_pylist()
    for number, row in enumerate(wide):
        for offset, applicant in enumerate(APPLICANT_IDS):
            cell = rows[number * 7 + offset]
            assert (cell["row_id"], cell["applicant"]) == (row["row_id"], applicant)
            assert cell["value"] == row[applicant] and cell["line"] == row["line"]
    by_cell = {(r["row_id"], r["applicant"]): r["value"] for r in rows}
    assert by_cell["disclosed", "commercial"] is None  # blank, not 0
    assert by_cell["new_received", "natural_person"] == -1  # as printed


@pytest.mark.parametrize(
    ("measure", "kind", "cell", "expected"),
    [
        ("procurement_amount", "money", Cell(28204, "28204万元", "万元"), 282_040_000),
        ("procurement_amount", "money", Cell(2.5, "2.5万元", "万元"), 25_000),
        ("procurement_amount", "money", Cell(0.0001, "0.0001万元", "万元"), 1),
        ("procurement_amount", "money", Cell(410.816, "410.816万元", "万元"), 4_108_160),
        ("procurement_amount", "money", Cell(1.23456, "1.23456万元", "万元"), 12345.6),
        ("procurement_amount", "money", Cell(1234.5, "1234.5元", "元"), 1234.5),
        ("procurement_amount", "money", Cell(3, "3亿元", "亿元"), 300_000_000),
        ("procurement_amount", "money", Cell(75.77, "75.77", None), None),  # unit unknown
        ("fee_amount", "money", Cell(12.5, "12.5", None), 125_000),  # the header says 万元
        ("fee_amount", "money", Cell(800, "800元", "元"), 800),
        ("procurement_amount", "money", Cell(None, "", None), None),
        ("decisions", "count", Cell(5, "5件", "件"), None),
    ],
)
def test_amounts_in_yuan_are_exact(measure: str, kind: str, cell: Cell, expected: object) -> None:
    got = value_yuan(measure, kind, cell)
    assert got == expected and type(got) is type(expected)


def test_the_proactive_table_has_amounts_in_yuan() -> None:
    rows = report_tables(parse_path(PIPES))["proactive"]
    fee = next(r for r in rows if r["measure"] == "fee_amount")
    assert (fee["value"], fee["unit"], fee["value_yuan"]) == (12.5, None, 125_000)
    assert all(r["value_yuan"] is None for r in rows if r["measure"] != "fee_amount")
    seed = report_tables(parse_path(SEEDS / "2020-tonghua-dongchangqu.txt"))["proactive"]
    amount = next(r for r in seed if r["measure"] == "procurement_amount")
    assert (amount["raw"], amount["value_yuan"]) == ("28204万元", 282_040_000)


def _reports_row(**kwargs: object) -> dict[str, object]:
    return report_tables(factories.make_report(**kwargs))["reports"][0]  # type: ignore[arg-type]


def test_agency_kind_level_and_timeliness_are_the_pages_own() -> None:
    county = Region("220581", "吉林省", "220000", None, None, "梅河口市", "220581")
    cases = [
        ({"agency": "梅河口市教育局", "region": county, "published": "2022-01-31", "year": 2021}, ("department", "county", "2022-01-31", True, 0)),
        ({"agency": "梅河口市人民政府", "region": county, "published": "2022-04-02", "year": 2021}, ("government", "county", "2022-03-31", False, 2)),
        ({"agency": "齐家镇人民政府", "region": None, "published": "2022-05-01", "year": 2021}, ("government", "township", None, None, None)),
        ({"agency": "某某局", "region": None, "published": None, "year": 2021}, ("department", None, "2022-01-31", None, None)),
        ({"agency": "某某局", "region": None, "published": "2019-03-01", "year": 2018}, ("department", None, "2019-03-31", True, 0)),
    ]  # fmt: skip
    for given, expected in cases:
        row = _reports_row(**given)
        got = (row["agency_kind"], row["agency_level"], row["deadline"], row["on_time"], row["days_late"])
        assert got == expected, given
        report = factories.make_report(**given)  # type: ignore[arg-type]
        kind = agency_kind(report.meta.agency or "", report.meta.region)
        level = agency_level(report.meta.agency or "", report.meta.region)
        assert (kind, level if level != "unknown" else None) == got[:2]
        assert timeliness(report, level, kind).deadline == got[2]


def _codelist(name: str) -> list[dict[str, str]]:
    data = codelist_files()[f"data/codelists/{name}.csv"]
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_regions_codelist_has_every_division_the_parser_knows() -> None:
    data = codelist_files()["data/codelists/regions.csv"]
    assert len(data) < 300_000
    rows = _codelist("regions")
    by_code = {r["code"]: r for r in rows}
    assert len(by_code) == len(rows) > 3000
    assert by_code["220000"] == {
        "code": "220000",
        "name": "吉林省",
        "level": "province",
        "parent_code": "",
        "full_name": "吉林省",
    }
    assert (
        by_code["220502"]["parent_code"] == "220500"
        and by_code["220502"]["full_name"] == "吉林省通化市东昌区"
    )
    assert by_code["429004"]["parent_code"] == "420000"  # 仙桃市, administered by the province
    assert by_code["110105"]["parent_code"] == "110000"  # a district of a municipality
    assert "110100" not in by_code and not any(c.startswith(("71", "81", "82")) for c in by_code)
    for row in rows:  # every parent is listed, one level up
        assert len(row["code"]) == 6 and row["code"].isdigit()
        if row["parent_code"]:
            assert by_code[row["parent_code"]]["level"] in ("province", "city")
    seeds = [parse_path(p) for p in sorted(SEEDS.glob("*.txt"))]
    assert {r.meta.region.code for r in seeds if r.meta.region} <= set(by_code)


def test_new_tables_are_resources_with_bilingual_schemas() -> None:
    assert "unplaced" in RESOURCES and "applications_long" not in RESOURCES  # Parquet and SQLite only
    for table in ("applications_long", "unplaced"):
        schema = load_schema(table)
        assert schema["primaryKey"][0] == "report_id"


def test_the_data_page_lists_the_new_tables_and_their_dictionary() -> None:
    from generator.site.model import build_corpus
    from generator.site.pages import Files
    from generator.site.pages_corpus import data_page
    from generator.site.render import render_page
    from tests import site_factories

    reports = site_factories.seed_reports()
    corpus = build_corpus(reports, pages={})  # the schemas of generator/data/schemas/
    page = data_page(corpus, Files(factories.data_files(reports)))
    labels = {d.path: d.label for d in page.context["downloads"]}
    assert labels["data/unplaced.csv"] == "未能归位的数字"
    assert "data/applications_long.csv" not in labels
    assert "data/codelists/regions.csv" in {d.path for d in page.context["codelists"]}
    text = render_page(page, corpus.config).decode("utf-8")
    for anchor in ("schema-unplaced", "schema-applications_long"):
        assert f'id="{anchor}"' in text
    for column in ("value_yuan", "on_time", "agency_kind", "printed_cells"):
        assert f"<code>{column}</code>" in text


def test_the_long_table_is_published_as_parquet_and_as_a_sqlite_view(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    import pyarrow.parquet as pq

    from generator.data.analyst import SQLITE_PATH, parquet_path

    reports = [parse_path(p) for p in sorted(SEEDS.glob("*.txt"))]
    files = factories.data_files(reports)
    parquet = pq.read_table(io.BytesIO(files[parquet_path("applications_long")])).to_pylist()
    (tmp_path / "db.sqlite").write_bytes(files[SQLITE_PATH])
    with sqlite3.connect(tmp_path / "db.sqlite") as db:
        viewed = db.execute(
            "SELECT report_id, row_id, applicant, value, line FROM applications_long"
        ).fetchall()
    as_rows = sorted((r["report_id"], r["row_id"], r["applicant"], r["value"], r["line"]) for r in parquet)
    assert sorted(viewed, key=str) == sorted(as_rows, key=str)
    assert len(parquet) == 7 * sum(len(report_tables(r)["applications"]) for r in reports)
    assert "data/applications_long.csv" not in files


def test_every_review_and_litigation_cell_has_its_line() -> None:
    """A Word export prints each number on its own line: the CSV names each one's."""
    report = parse_path(SEEDS / "2020-dehui-zhengfu-bangongshi.txt")
    (first, *_) = report_tables(report)["review_litigation"]
    lines = [first[f"{outcome}_line"] for outcome, _ in OUTCOMES]
    assert lines == [report.review(f"reconsideration_{outcome}").line for outcome, _ in OUTCOMES]
    assert lines == list(range(lines[0], lines[0] + 5)) and first["line"] == lines[0]
