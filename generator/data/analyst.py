"""The corpus for analysts: each table as Parquet, and all of them in one SQLite database.

```
data/parquet/<table>.parquet                one file per table of the corpus package, and
                                            applications_long (the applications in long form)
data/gov-disclosure-reports.sqlite          every table, typed, with its primary key and indexes;
                                            applications_long is a view of applications
```

`applications_long` (one row per report × row × applicant) is made here from the wide table, not
published as a CSV: its cells are the wide table's, and as CSV it would be four times their bytes.

Both are made from the bulk CSVs' bytes, read back with the Table Schemas' types, so every format
holds exactly the CSVs' values: a blank cell is null (never 0), an integer is an integer, a region
code is text, a date is a date (ISO text in SQLite). Text a spreadsheet would run as a formula keeps
the CSV's leading apostrophe (see files.inert).

Frictionless type → Arrow / SQLite / pandas:

| schema    | Parquet (Arrow) | SQLite           | pandas (`pd.read_parquet`)   |
|-----------|-----------------|------------------|------------------------------|
| integer   | int64           | INTEGER          | Int64 (NA for a blank)       |
| year      | int64           | INTEGER          | Int64                        |
| number    | float64         | REAL             | Float64                      |
| boolean   | bool            | INTEGER (0/1)    | boolean                      |
| date      | date32          | DATE (ISO text)  | object (datetime.date)       |
| string, … | string          | TEXT             | string                       |

The pandas dtypes come from pandas metadata written into each Parquet file by hand (pandas is not a
dependency of the build), which `pd.read_parquet` honours, so no option is needed to keep the counts
integers. A column whose cells do not all read as its type (a schema problem the validation reports)
is kept as text rather than stopping the build; a table whose rows break its primary key or a
required field is kept in SQLite without those constraints, with plain indexes instead.

Every byte is a function of the CSVs (and the library versions): Parquet stores no time and a fixed
`created_by`; the database is made in memory, in key order, and serialised.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.data.package import LONG_APPLICATIONS, RESOURCES

DATA_DIR = "data"
PARQUET_DIR = f"{DATA_DIR}/parquet"
SQLITE_PATH = f"{DATA_DIR}/gov-disclosure-reports.sqlite"


def parquet_path(table: str) -> str:
    return f"{PARQUET_DIR}/{table}.parquet"


LONG = LONG_APPLICATIONS


def parquet_tables(tables: Iterable[str] = RESOURCES) -> list[str]:
    """The tables as Parquet, in table order: the applications' long form after the wide one."""
    return [n for name in tables for n in ((name, LONG) if name == "applications" else (name,))]


def analyst_paths(tables: Iterable[str] = RESOURCES) -> list[str]:
    """The files this module makes: the Parquet files (in table order), then the database."""
    return [*map(parquet_path, parquet_tables(tables)), SQLITE_PATH]


def analyst_files(csvs: Mapping[str, bytes]) -> dict[str, bytes]:
    """`{path: bytes}` of the Parquet files and the database, from the bulk CSVs (`table: bytes`, in
    the order the tables are to be created). pyarrow is imported only here: a seventh of a second and
    70 MB that a build which makes no data file never pays."""
    import threading

    from generator.data.arrow import read_csv, sqlite_bytes

    tables = {name: read_csv(name, data) for name, data in csvs.items()}
    # Parquet in a thread beside the database: Arrow's writer leaves the interpreter free, and a
    # rebuild after one change waits for these files (2.0 -> 1.4 s at 10,000 reports).
    parquet: dict[str, bytes] = {}
    thread = threading.Thread(target=lambda: parquet.update(_parquet_files(tables)))
    thread.start()
    database = sqlite_bytes(tables)
    thread.join()
    if len(parquet) < len(tables):  # the thread failed: make them here, where an error is raised
        parquet = _parquet_files(tables)
    return {**parquet, SQLITE_PATH: database}


def _parquet_files(tables: Mapping[str, Any]) -> dict[str, bytes]:
    from generator.data.arrow import long_parts, parquet_bytes

    files = {parquet_path(name): parquet_bytes(name, table) for name, table in tables.items()}
    if "applications" in tables:
        files[parquet_path(LONG)] = parquet_bytes(LONG, long_parts(tables["applications"]))
    return files


@dataclass(frozen=True)
class Example:
    """A snippet of the data page's "how to load" section, run as it is written from a folder holding
    the downloaded `data/` (`runs`: "python", "duckdb" (SQL) or "" for one the tests do not run)."""

    title: str
    language: str
    code: str
    runs: str = ""


_TABLES = ", ".join(f'"{name}"' for name in RESOURCES)

EXAMPLES: tuple[Example, ...] = (
    Example(
        "pandas：CSV",
        "python",
        f"""import json

import pandas as pd

# Each column with the type its Table Schema gives (data/schemas/<table>.json): region codes and
# other identifiers stay text, counts are nullable integers (a cell left blank in the report is
# <NA>, never 0), and only an empty cell is missing (not the text "NA").
DTYPES = {{"integer": "Int64", "number": "Float64", "boolean": "boolean"}}


def read_table(name):
    with open(f"data/schemas/{{name}}.json", encoding="utf-8") as file:
        fields = json.load(file)["fields"]
    return pd.read_csv(
        f"data/{{name}}.csv",
        encoding="utf-8-sig",
        dtype={{f["name"]: DTYPES.get(f["type"], "string") for f in fields if f["type"] != "date"}},
        parse_dates=[f["name"] for f in fields if f["type"] == "date"],
        keep_default_na=False,
        na_values=[""],
    )


tables = {{name: read_table(name) for name in ({_TABLES})}}
""",
        "python",
    ),
    Example(
        "pandas：Parquet",
        "python",
        f"""import pandas as pd

# The types are in the files: Int64 counts (<NA> for a blank), text codes, dates.
tables = {{
    name: pd.read_parquet(f"data/parquet/{{name}}.parquet")
    for name in ({_TABLES})
}}
""",
        "python",
    ),
    Example(
        "pandas：SQLite",
        "python",
        f"""import sqlite3

import pandas as pd

con = sqlite3.connect("data/{SQLITE_PATH.removeprefix(f"{DATA_DIR}/")}")
tables = {{
    name: pd.read_sql(f"SELECT * FROM {{name}}", con, dtype_backend="numpy_nullable")
    for name in ({_TABLES})
}}
con.close()
""",
        "python",
    ),
    Example(
        "DuckDB：直接查询 Parquet 文件",
        "sql",
        """-- Applications received (row new_received, column total) by province and year.
-- sum() skips blanks; count(a.total) says how many reports printed the number.
SELECT r.province, r.year, sum(a.total) AS received, count(a.total) AS reports_with_number
FROM 'data/parquet/applications.parquet' AS a
JOIN 'data/parquet/reports.parquet' AS r USING (report_id)
WHERE a.row_id = 'new_received'
GROUP BY ALL
ORDER BY ALL;
""",
        "duckdb",
    ),
    Example(
        "DuckDB：打开 SQLite 数据库",
        "sql",
        f"""INSTALL sqlite;
LOAD sqlite;
ATTACH 'data/{SQLITE_PATH.removeprefix(f"{DATA_DIR}/")}' AS gov (TYPE sqlite, READ_ONLY);
SELECT report_id, agency, year, new_applications
FROM gov.reports
ORDER BY report_id;
""",
        "duckdb",
    ),
    Example(
        "R：readr（CSV）或 arrow（Parquet）",
        "r",
        """library(readr)
# Region codes as text; na = "" so that only a blank cell is missing.
codes <- cols(.default = col_guess(), region_code = col_character(),
              province_code = col_character(), city_code = col_character(),
              county_code = col_character())
reports <- read_csv("data/reports.csv", col_types = codes, na = "")

library(arrow)
applications <- read_parquet("data/parquet/applications.parquet")
""",
    ),
    Example(
        "校验下载的数据包（Frictionless）",
        "shell",
        """pip install frictionless
frictionless validate data/datapackage.json
""",
    ),
)
