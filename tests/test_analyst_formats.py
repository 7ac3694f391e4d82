"""Parquet and SQLite (generator/data/analyst.py): from the published files, pandas and DuckDB read the
same values as the CSVs, cell for cell, with the right types; the data page's snippets run as shown;
the bytes are the same build after build."""

from __future__ import annotations

import csv
import datetime
import hashlib
import html
import io
import math
import sqlite3
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from generator.data.analyst import EXAMPLES, SQLITE_PATH, analyst_files, analyst_paths, parquet_path
from generator.data.files import CHECKSUMS, csv_body, csv_bytes
from generator.data.package import RESOURCES, load_schema
from generator.model import Finding
from generator.site.pages import Files
from generator.site.pages_corpus import data_page
from generator.site.render import render_page
from tests import factories, site_factories

CODES = ("region_code", "province_code", "city_code", "county_code")
MONEY = (477.35, "万元", "477.35万元")


def corpus_reports() -> list[Any]:
    """The website tests' corpus (two templates, blank cells and a blank row, a report without region
    or date, hostile text), plus a report with a sum of money, a blank count and text that a
    spreadsheet would run as a formula."""
    formula = factories.make_report(
        "2019",
        {"new_received": factories.row(821, 35, None, None, 2, 1, 859)},
        {"reconsideration_upheld": 5, "litigation_direct_total": None},
        {"government_procurement": {"procurement_amount": MONEY}, "regulations": {"new_made": None}},
        agency="=SUM(A1)市人民政府",
        agency_id="sum-a1-shi",
        year=2019,
        published="2020-01-31",
    )
    # a row whose numbers could not be placed (the unplaced table)
    unplaced = replace(formula.applications, unassigned={"disclosed": ("3", "", "1", "4")})
    width = Finding(
        "row-width", "error", "“（一）予以公开” 有 4 个数字", 101, ("applications.disclosed.natural_person",)
    )
    formula = replace(formula, applications=unplaced, findings=(width,))
    return [*site_factories.seed_reports(), formula]


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return factories.data_files(corpus_reports())


@pytest.fixture(scope="module")
def site(files: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data files as published, under a folder standing for a download of the site."""
    root = tmp_path_factory.mktemp("site")
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return root


def csv_cells(site: Path, table: str) -> list[dict[str, Any]]:
    """A bulk CSV's rows, each cell read by its schema type: a blank is None, never 0."""
    types = {f["name"]: f["type"] for f in load_schema(table)["fields"]}
    text = (site / "data" / f"{table}.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert rows, table
    return [{name: typed(types[name], cell) for name, cell in row.items()} for row in rows]


def in_key_order(table: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows as SQLite stores them (WITHOUT ROWID): in primary key order, not the CSV's."""
    return sorted(rows, key=lambda row: tuple(row[k] for k in load_schema(table)["primaryKey"]))


def typed(kind: str, cell: str) -> Any:
    if cell == "":
        return None
    if kind == "integer":
        return int(cell)
    if kind == "number":
        return float(cell)
    if kind == "boolean":
        return {"True": True, "False": False}[cell]
    return cell  # text, and dates as ISO text


def in_sqlite(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows as SQLite holds them: a boolean is the integer 1 or 0."""
    return [{k: int(v) if isinstance(v, bool) else v for k, v in row.items()} for row in rows]


def plain(value: Any) -> Any:
    """A value read by pandas or DuckDB as the CSV's: NA is None, a date is ISO text, a float that
    holds an integer is still a float (so that 3 read as 3.0 is caught by the type check)."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp | datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if hasattr(value, "item"):  # a NumPy scalar
        return value.item()
    return value


def frame_cells(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: plain(v) for k, v in row.items()} for row in frame.astype(object).to_dict("records")]


def assert_same_cells(read: list[dict[str, Any]], expected: list[dict[str, Any]], where: str) -> None:
    assert len(read) == len(expected), where
    for number, (got, want) in enumerate(zip(read, expected, strict=True)):
        assert list(got) == list(want), where
        for name, value in want.items():
            assert got[name] == value and type(got[name]) is type(value), (where, number, name, got[name])


def run_python(code: str, site: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.chdir(site)
    namespace: dict[str, Any] = {}
    exec(compile(code, "<data page>", "exec"), namespace)
    return namespace


def example(title_start: str) -> str:
    return next(e.code for e in EXAMPLES if e.title.startswith(title_start))


@pytest.fixture()
def duck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, site: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection in the site folder whose `INSTALL sqlite` finds the extension installed:
    from the wheel of the test dependencies, into a folder of its own (no network, no ~/.duckdb)."""
    import duckdb_extension_sqlite_scanner

    monkeypatch.chdir(site)
    extension = next(Path(duckdb_extension_sqlite_scanner.__file__).parent.rglob("*.duckdb_extension"))
    con = duckdb.connect(config={"extension_directory": str(tmp_path / "extensions")})
    con.execute(f"INSTALL '{extension}'")
    yield con
    con.close()


# --- the files ------------------------------------------------------------------------------------


def test_same_rows_give_the_same_bytes_and_the_checksums_cover_them(files: dict[str, bytes]) -> None:
    again = factories.data_files(list(reversed(corpus_reports())))
    for path in analyst_paths():
        assert files[path] == again[path], path
        assert len(files[path]) > 0
    sums = dict(line.split("  ")[::-1] for line in files[CHECKSUMS].decode().splitlines())
    for path in analyst_paths():
        assert sums[path.removeprefix("data/")] == hashlib.sha256(files[path]).hexdigest(), path


def test_the_files_are_made_from_the_csvs_bytes(files: dict[str, bytes]) -> None:
    csvs = {name: files[f"data/{name}.csv"] for name in RESOURCES}
    assert analyst_files(csvs) == {p: files[p] for p in analyst_paths()}
    with zipfile.ZipFile(io.BytesIO(files["data/gov-disclosure-reports.zip"])) as archive:
        assert not [n for n in archive.namelist() if n.endswith((".parquet", ".sqlite"))]  # the package only


# --- pandas -----------------------------------------------------------------------------------------


def assert_pandas_types(frame: pd.DataFrame, table: str, where: str) -> None:
    for field in load_schema(table)["fields"]:
        name = field["name"]
        dtype = frame[name].dtype
        if field["type"] == "integer":
            assert str(dtype) == "Int64", (where, table, name, dtype)
        elif field["type"] == "number":
            assert str(dtype) in ("Float64", "float64"), (where, table, name, dtype)
        elif field["type"] == "string":
            assert pd.api.types.is_string_dtype(dtype), (where, table, name, dtype)
        elif field["type"] == "boolean":  # SQLite has no booleans: 1 and 0
            assert str(dtype) == ("Int64" if where == "SQLite" else "boolean"), (where, table, name, dtype)


@pytest.mark.parametrize("fmt", ["CSV", "Parquet", "SQLite"])
def test_pandas_reads_every_table_with_its_types_and_the_csv_values(
    fmt: str, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = run_python(example(f"pandas：{fmt}"), site, monkeypatch)["tables"]
    assert list(tables) == list(RESOURCES)
    for name, frame in tables.items():
        if fmt == "CSV" and name == "reports":  # the snippet parses its dates
            assert str(frame["published"].dtype).startswith("datetime64"), frame["published"].dtype
        assert_pandas_types(frame, name, fmt)
        expected = (
            in_sqlite(in_key_order(name, csv_cells(site, name))) if fmt == "SQLite" else csv_cells(site, name)
        )
        assert_same_cells(frame_cells(frame), expected, f"{fmt} {name}")
    reports = tables["reports"].set_index("report_id")
    township = reports.loc["shuang-yang-qu-qi-jia-zhen-ren-min-zheng-fu-2020"]
    assert township["region_code"] == "220112" and township["county_code"] == "220112"
    assert pd.isna(reports.loc["e-yi-ju-2020", "region_code"])
    blank = tables["applications"]
    blank = blank[
        (blank.report_id == "shang-gao-xian-ji-guan-shi-wu-ju-2021") & (blank.row_id == "disclosed")
    ]
    assert blank["natural_person"].isna().all() and not (blank["natural_person"] == 0).any()


def test_pandas_reads_the_parquet_with_no_option(site: Path) -> None:
    """The nullable dtypes come from the pandas metadata in the files, not from an option."""
    frame = pd.read_parquet(site / parquet_path("applications"))
    assert str(frame["natural_person"].dtype) == "Int64" and frame["natural_person"].isna().any()
    reports = pd.read_parquet(site / parquet_path("reports"))
    assert reports["published"].dropna().map(type).eq(datetime.date).all()


# --- DuckDB ----------------------------------------------------------------------------------------


def duck_cells(con: duckdb.DuckDBPyConnection, query: str) -> list[dict[str, Any]]:
    result = con.execute(query)
    names = [d[0] for d in result.description]
    return [{n: plain(v) for n, v in zip(names, row, strict=True)} for row in result.fetchall()]


def test_duckdb_reads_the_parquet_files_with_their_types_and_the_csv_values(
    duck: duckdb.DuckDBPyConnection, site: Path
) -> None:
    for name in RESOURCES:
        query = f"SELECT * FROM '{parquet_path(name)}'"
        assert_same_cells(duck_cells(duck, query), csv_cells(site, name), f"parquet {name}")
    described = duck.execute(f"DESCRIBE SELECT * FROM '{parquet_path('reports')}'").fetchall()
    types = {row[0]: row[1] for row in described}
    assert types["new_applications"] == "BIGINT" and types["region_code"] == "VARCHAR"
    assert types["published"] == "DATE" and types["published_total"] == "DOUBLE"


def test_duckdb_attaches_the_sqlite_database(duck: duckdb.DuckDBPyConnection, site: Path) -> None:
    rows = duck_cells(duck, example("DuckDB：打开 SQLite"))
    reports = csv_cells(site, "reports")
    assert rows == [{k: r[k] for k in ("report_id", "agency", "year", "new_applications")} for r in reports]
    for name in RESOURCES:
        assert_same_cells(
            duck_cells(duck, f"SELECT * FROM gov.{name}"),
            in_sqlite(in_key_order(name, csv_cells(site, name))),
            f"sqlite {name}",
        )
    types = {row[0]: row[1] for row in duck.execute("DESCRIBE gov.reports").fetchall()}
    assert types["new_applications"] == "BIGINT" and types["region_code"] == "VARCHAR"


def test_the_duckdb_query_on_parquet_adds_up_the_csv(duck: duckdb.DuckDBPyConnection, site: Path) -> None:
    rows = duck.execute(example("DuckDB：直接查询 Parquet")).fetchall()
    reports = {r["report_id"]: r for r in csv_cells(site, "reports")}
    expected: dict[tuple[Any, Any], list[int]] = {}
    for row in csv_cells(site, "applications"):
        if row["row_id"] == "new_received":
            report = reports[row["report_id"]]
            numbers = expected.setdefault((report["province"], report["year"]), [])
            if row["total"] is not None:
                numbers.append(row["total"])
    got = {(p, y): (received, count) for p, y, received, count in rows}
    assert got == {key: (sum(v) if v else None, len(v)) for key, v in expected.items()}


# --- SQLite ----------------------------------------------------------------------------------------


def test_sqlite_has_typed_columns_primary_keys_foreign_keys_and_report_id_indexes(site: Path) -> None:
    con = sqlite3.connect(site / SQLITE_PATH)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        for name in RESOURCES:
            schema = load_schema(name)
            info = {row[1]: row for row in con.execute(f"PRAGMA table_info({name})")}
            assert list(info) == [f["name"] for f in schema["fields"]]
            declared = {
                "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "DATE", "string": "TEXT"
            }  # fmt: skip
            for field in schema["fields"]:
                assert info[field["name"]][2] == declared[field["type"]], (name, field["name"])
            key = sorted((row[5], row[1]) for row in info.values() if row[5])
            assert [n for _, n in key] == schema["primaryKey"], name
            if name != "reports":
                foreign = con.execute(f"PRAGMA foreign_key_list({name})").fetchall()
                assert [(f[2], f[3], f[4]) for f in foreign] == [("reports", "report_id", "report_id")]
            first_columns = [
                con.execute(f"PRAGMA index_info('{index[1]}')").fetchone()[2]
                for index in con.execute(f"PRAGMA index_list({name})")
            ]
            assert "report_id" in first_columns, name
        stored = con.execute(
            "SELECT typeof(published), typeof(region_code), typeof(year) FROM reports"
        ).fetchall()
        assert {s for s in stored if s[0] != "null" and s[1] != "null"} == {("text", "text", "integer")}
        blank = con.execute(
            "SELECT count(*) FROM applications WHERE row_id = 'disclosed' AND natural_person IS NULL"
        ).fetchone()
        assert blank == (1,)
    finally:
        con.close()


# --- what a broken table still gives -----------------------------------------------------------------


def analyst_tables(rows: Mapping[str, list[dict[str, Any]]]) -> dict[str, bytes]:
    return analyst_files({name: csv_bytes(name, [csv_body(name, rows.get(name, []))]) for name in RESOURCES})


def test_a_duplicate_key_or_a_value_of_the_wrong_type_keeps_every_row_as_written() -> None:
    review = {"report_id": "a-2020", "proceeding": "reconsideration", "total": 3}
    made = analyst_tables(
        {
            "reports": [
                {"report_id": "a-2020", "agency_id": "a", "source_file": "x.txt", "year": "二〇二〇"}
            ],
            "review_litigation": [review, {**review, "total": 4}],
        }
    )
    reports = pd.read_parquet(io.BytesIO(made[parquet_path("reports")]))
    assert reports["year"].tolist() == ["二〇二〇"]  # kept as text, not dropped or zeroed
    db = sqlite3.connect(":memory:")
    db.deserialize(made[SQLITE_PATH])
    assert db.execute("SELECT total FROM review_litigation ORDER BY total").fetchall() == [(3,), (4,)]
    assert db.execute("SELECT year FROM reports").fetchall() == [("二〇二〇",)]


# --- the data page -----------------------------------------------------------------------------------


def test_the_data_page_lists_the_files_and_shows_the_snippets_the_tests_run(files: dict[str, bytes]) -> None:
    corpus = site_factories.make_corpus(corpus_reports())
    page = data_page(corpus, Files(files))
    listed = {d.path: d for d in page.context["analyst"]}
    assert list(listed) == analyst_paths()
    assert all(d.size for d in listed.values())
    assert listed[SQLITE_PATH].label == "全部表格（SQLite 数据库）"
    assert listed[parquet_path("applications")].label == "收到和处理申请情况（Parquet）"
    text = html.unescape(render_page(page, corpus.config).decode("utf-8"))
    for path, download in listed.items():
        assert f'href="../{path}"' in text and download.size in text
    for snippet in EXAMPLES:
        assert snippet.code in text, snippet.title
    assert {e.runs for e in EXAMPLES} >= {"python", "duckdb"}
