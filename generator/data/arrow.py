"""Arrow's half of `analyst.py`: the bulk CSVs read back with the Table Schemas' types, the
applications' long form, and their bytes as Parquet and as one SQLite database (see analyst.py for
what the files hold and how types map)."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from generator.data.package import LONG_APPLICATIONS as LONG
from generator.data.package import load_schema
from generator.spec import APPLICANT_IDS

PARQUET_COMPRESSION = "zstd"  # read by pyarrow, R arrow, DuckDB, Spark; a third smaller than snappy here
BOM = b"\xef\xbb\xbf"

# Frictionless type -> (Arrow type, SQLite declared type, pandas pandas_type, pandas dtype)
TYPES: dict[str, tuple[pa.DataType, str, str, str]] = {
    "integer": (pa.int64(), "INTEGER", "int64", "Int64"),
    "year": (pa.int64(), "INTEGER", "int64", "Int64"),
    "number": (pa.float64(), "REAL", "float64", "Float64"),
    "boolean": (pa.bool_(), "INTEGER", "bool", "boolean"),
    "date": (pa.date32(), "DATE", "date", "object"),
}
TEXT = (pa.string(), "TEXT", "unicode", "string")  # string, and any type not above (kept as written)


def long_form(wide: pa.Table) -> pa.Table:
    """applications_long: one row per wide row × applicant, in the wide table's order, each with its
    row's line (a blank cell is a row with a null value)."""
    types = {f["name"]: _arrow_type(f) for f in _fields(LONG)}
    count, width = wide.num_rows, len(APPLICANT_IDS)
    parts = [
        pa.table(
            {
                "report_id": wide["report_id"],
                "row_id": wide["row_id"],
                "applicant": pa.array([applicant] * count, types["applicant"]),
                "value": wide[applicant].cast(types["value"]),
                "line": wide["line"].cast(types["line"]),
                "ocr": wide["ocr"].cast(types["ocr"]),
            }
        )
        for applicant in APPLICANT_IDS
    ]
    # Row i of the k-th applicant's part is at k·count + i; interleaved by row (a take, not a sort:
    # a fifth of the time).
    order = [k * count + i for i in range(count) for k in range(width)]
    return pa.concat_tables(parts).take(pa.array(order, pa.int64()))


# --- CSV -> Arrow ---------------------------------------------------------------------------------


def _fields(table: str) -> list[dict[str, Any]]:
    return list(load_schema(table)["fields"])


def _arrow_type(field: Mapping[str, Any]) -> pa.DataType:
    return TYPES.get(field.get("type", "string"), TEXT)[0]


def read_csv(table: str, data: bytes) -> pa.Table:
    """One bulk CSV as an Arrow table with its schema's types: "" is null (the schemas' only missing
    value), as frictionless reads it. A column that fails its type is read as text."""
    names = [f["name"] for f in _fields(table)]
    types = {f["name"]: _arrow_type(f) for f in _fields(table)}
    try:
        return _read(data, types, names)
    except pa.ArrowInvalid:
        pass
    columns = []
    for name in names:
        try:
            columns.append(_read(data, {name: types[name]}, [name]).column(0))
        except pa.ArrowInvalid:
            columns.append(_read(data, {name: pa.string()}, [name]).column(0))
    return pa.table(columns, names=names)


def _read(data: bytes, types: Mapping[str, pa.DataType], names: Sequence[str]) -> pa.Table:
    body = data[len(BOM) :] if data.startswith(BOM) else data
    return pacsv.read_csv(
        io.BytesIO(body),
        read_options=pacsv.ReadOptions(encoding="utf8"),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),  # messages and titles may span lines
        convert_options=pacsv.ConvertOptions(
            column_types=dict(types),
            include_columns=list(names),
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
            true_values=["true", "True", "TRUE", "1"],  # frictionless's defaults (csv writes True)
            false_values=["false", "False", "FALSE", "0"],
        ),
    )


# --- Parquet ----------------------------------------------------------------------------------------


def parquet_bytes(table: str, data: pa.Table | Iterable[pa.Table]) -> bytes:
    """One table as Parquet (zstd, a row group per part given, up to a million rows each), with the
    pandas metadata that makes `pd.read_parquet` give nullable dtypes."""
    parts = [data] if isinstance(data, pa.Table) else data
    buffer = io.BytesIO()
    writer: pq.ParquetWriter | None = None
    for part in parts:
        metadata = {
            b"pandas": json.dumps(_pandas_metadata(part.schema), separators=(",", ":")).encode("utf-8")
        }
        part = part.cast(part.schema.with_metadata(metadata))
        if writer is None:
            writer = pq.ParquetWriter(
                buffer,
                part.schema,
                compression=PARQUET_COMPRESSION,
                write_statistics=True,
                store_schema=True,  # the Arrow schema (and its metadata) for pyarrow and R arrow
            )
        writer.write_table(part)
    if writer is not None:
        writer.close()
    return buffer.getvalue()


LONG_ROWS_PER_PART = 40_000  # wide rows: the long form of all of them at once took 360 MB at 10,000 reports


def long_parts(wide: pa.Table) -> Iterator[pa.Table]:
    """The long form a slice of wide rows at a time, in order."""
    for start in range(0, max(wide.num_rows, 1), LONG_ROWS_PER_PART):
        yield long_form(wide.slice(start, LONG_ROWS_PER_PART))


def _pandas_metadata(schema: pa.Schema) -> dict[str, Any]:
    """What pandas writes in a Parquet file, for a table without an index: the dtype of each column
    (`numpy_type`), which pyarrow's `to_pandas` restores (Int64 rather than float64 for counts)."""
    by_arrow = {str(arrow): (kind, dtype) for arrow, _, kind, dtype in (*TYPES.values(), TEXT)}
    columns = []
    for field in schema:
        kind, dtype = by_arrow.get(str(field.type), TEXT[2:])
        columns.append(
            {
                "name": field.name,
                "field_name": field.name,
                "pandas_type": kind,
                "numpy_type": dtype,
                "metadata": None,
            }
        )
    return {"index_columns": [], "column_indexes": [], "columns": columns}


# --- SQLite ---------------------------------------------------------------------------------------


def sqlite_bytes(tables: Mapping[str, pa.Table]) -> bytes:
    """Every table in one SQLite database, made in memory and serialised: typed columns (dates as ISO
    text), each schema's primary key (the table stored in its order, WITHOUT ROWID) and foreign keys,
    an index on report_id where the primary key does not begin with it, and on reports.agency_id."""
    with closing(sqlite3.connect(":memory:")) as db:
        kept_as_written = [_create(db, name, data) for name, data in tables.items()]
        if "applications" in tables:
            db.execute(long_view())
        if any(kept_as_written):
            db.execute("VACUUM")  # the pages of the table dropped on the way are free: leave none
        return db.serialize()


def long_view() -> str:
    """applications_long as a view of applications (the same cells, no more bytes)."""
    selects = " UNION ALL ".join(
        f"SELECT report_id, row_id, '{applicant}' AS applicant, {_q(applicant)} AS value, line, ocr FROM applications"
        for applicant in APPLICANT_IDS
    )
    return f"CREATE VIEW {_q(LONG)} AS {selects}"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _create(db: sqlite3.Connection, name: str, data: pa.Table) -> bool:
    """One table and its indexes; True when its rows break its key or a required field, and it was
    made again without those constraints."""
    schema = load_schema(name)
    key = _key(schema)
    if key and set(key) <= set(data.schema.names):
        # In key order: each row is appended at the end of the b-tree, which leaves every page full
        # (no VACUUM needed) and takes half the time of inserting in the CSVs' order.
        data = data.sort_by([(column, "ascending") for column in key])
    kept_as_written = False
    try:
        with db:
            db.execute(_create_table(name, schema, data.schema, constrained=True))
            _insert(db, name, data.schema, _rows(data))
    except sqlite3.IntegrityError:  # a duplicate key or a blank required cell: keep every row as it is
        kept_as_written = True
        db.execute(f"DROP TABLE IF EXISTS {_q(name)}")
        with db:
            db.execute(_create_table(name, schema, data.schema, constrained=False))
            _insert(db, name, data.schema, _rows(data))
        if key:
            db.execute(f"CREATE INDEX {_q(f'{name}_key')} ON {_q(name)} ({', '.join(map(_q, key))})")
    for column in ("report_id", "agency_id") if name == "reports" else ("report_id",):
        if column in data.schema.names and key[:1] != [column]:
            db.execute(f"CREATE INDEX {_q(f'{name}_{column}')} ON {_q(name)} ({_q(column)})")
    db.commit()
    return kept_as_written


def _create_table(name: str, schema: Mapping[str, Any], arrow: pa.Schema, *, constrained: bool) -> str:
    declared = {f["name"]: TYPES.get(f.get("type", "string"), TEXT)[1] for f in schema["fields"]}
    required = {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")}
    columns = []
    for field in arrow:
        kind = declared[field.name] if field.type == _arrow_type_of(schema, field.name) else "TEXT"
        columns.append(
            f"{_q(field.name)} {kind}" + (" NOT NULL" if constrained and field.name in required else "")
        )
    key = _key(schema)
    if constrained and key:
        columns.append(f"PRIMARY KEY ({', '.join(map(_q, key))})")
    for foreign in schema.get("foreignKeys", []):
        fields, reference = foreign["fields"], foreign["reference"]
        fields = [fields] if isinstance(fields, str) else fields
        target = reference["fields"]
        target = [target] if isinstance(target, str) else target
        columns.append(
            f"FOREIGN KEY ({', '.join(map(_q, fields))}) REFERENCES "
            f"{_q(reference['resource'] or name)} ({', '.join(map(_q, target))})"
        )
    # WITHOUT ROWID: the rows are stored in their key's order, with no second copy of the key in an
    # index (a third of the database otherwise); DuckDB, Datasette and pandas read it as any table.
    rowid = " WITHOUT ROWID" if constrained and key else ""
    return f"CREATE TABLE {_q(name)} (\n  " + ",\n  ".join(columns) + "\n)" + rowid


def _key(schema: Mapping[str, Any]) -> list[str]:
    key = schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def _arrow_type_of(schema: Mapping[str, Any], name: str) -> pa.DataType:
    return next(_arrow_type(f) for f in schema["fields"] if f["name"] == name)


ROWS_PER_BATCH = (
    50_000  # Python values for this many rows at a time (all at once took 500 MB at 10,000 reports)
)


def _rows(data: pa.Table) -> Iterator[tuple[Any, ...]]:
    """The rows as Python values, dates as ISO text (a column at a time: far faster than by row), a
    batch of rows at a time."""
    for batch in data.to_batches(max_chunksize=ROWS_PER_BATCH):
        columns = []
        for column in batch.columns:
            if pa.types.is_date(column.type):
                column = column.cast(pa.string())
            columns.append(column.to_pylist())
        yield from zip(*columns, strict=True)


def _insert(db: sqlite3.Connection, name: str, arrow: pa.Schema, rows: Iterator[tuple[Any, ...]]) -> None:
    marks = ", ".join("?" * len(arrow.names))
    db.executemany(f"INSERT INTO {_q(name)} VALUES ({marks})", rows)


# --- how to load it: the data page shows these, tests/test_analyst_formats.py runs them --------------
