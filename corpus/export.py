"""Exports of any corpus table: JSONL, CSV for Excel, Parquet, a Hugging Face dataset folder.

Rows are streamed in batches, never loaded whole. Output is written beside its target
and moved into place at the end, so a failed export never leaves a half-written file.
Binary columns (the compressed raw HTML) are left out: they are for re-extraction, not
analysis.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

import sqlite_utils

from corpus.db import CorpusError

FORMATS = ("jsonl", "csv", "parquet", "hf")
BATCH_ROWS = 1000
SHARD_ROWS = 100_000
INTERNAL_TABLES = ("schema_migrations",)
# A cell that starts like this is a formula to Excel and LibreOffice ("=HYPERLINK(…)"),
# unless it is a plain number such as -3,5.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)*(?:[eE][-+]?\d+)?")


def defuse(value: Any) -> Any:
    """A text cell made inert for spreadsheets: a leading apostrophe before anything a
    spreadsheet would run as a formula (OWASP's CSV-injection advice); other values as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def exportable_tables(db: sqlite_utils.Database) -> list[str]:
    """Tables a user can export: not full-text indexes, their shadow tables, or bookkeeping."""
    names = db.table_names()
    virtual = [t for t in names if db[t].virtual_table_using]
    return [t for t in names if t not in INTERNAL_TABLES and t not in virtual
            and not any(t.startswith(f"{v}_") for v in virtual)]


def columns_of(db: sqlite_utils.Database, table: str) -> list[tuple[str, str]]:
    """(name, declared type) of the columns that are exported."""
    return [(c.name, (c.type or "").upper()) for c in db[table].columns if "BLOB" not in (c.type or "").upper()]


def iter_rows(db: sqlite_utils.Database, table: str, columns: list[str]) -> Iterator[list[dict[str, Any]]]:
    quoted = ", ".join(f'"{c}"' for c in columns)
    cursor = db.conn.execute(f'SELECT {quoted} FROM "{table}" ORDER BY rowid')
    while batch := cursor.fetchmany(BATCH_ROWS):
        yield [dict(zip(columns, row)) for row in batch]


def _arrow_schema(columns: list[tuple[str, str]]):
    import pyarrow as pa

    def kind(declared: str):
        if "INT" in declared:
            return pa.int64()
        if any(t in declared for t in ("REAL", "FLOA", "DOUB", "NUM")):
            return pa.float64()
        return pa.string()

    return pa.schema([(name, kind(declared)) for name, declared in columns])


def write_jsonl(db, table, columns, path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for batch in iter_rows(db, table, [c for c, _ in columns]):
            for row in batch:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += len(batch)
    return count


def write_csv(db, table, columns, path: Path) -> int:
    """UTF-8 with a byte-order mark: Excel then opens Vietnamese text correctly; formulas defused."""
    names = [c for c, _ in columns]
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=names)
        writer.writeheader()
        for batch in iter_rows(db, table, names):
            writer.writerows({k: defuse(v) for k, v in row.items()} for row in batch)
            count += len(batch)
    return count


def write_parquet(db, table, columns, path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema(columns)
    count = 0
    with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
        for batch in iter_rows(db, table, [c for c, _ in columns]):
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
        if count == 0:
            writer.write_table(schema.empty_table())
    return count


def _dataset_card(table: str, columns: list[tuple[str, str]], rows: int, shards: list[str]) -> str:
    features = "\n".join(f"  - name: {name}\n    dtype: {_hf_dtype(declared)}" for name, declared in columns)
    listed = "\n".join(f"| `{name}` | {declared or 'TEXT'} |" for name, declared in columns)
    return f"""---
configs:
- config_name: default
  data_files:
  - split: train
    path: data/train-*.parquet
dataset_info:
  features:
{features}
  splits:
  - name: train
    num_examples: {rows}
language:
- vi
license: other
pretty_name: hdnd {table}
---

# hdnd — `{table}`

Exported by `hdnd export --table {table} --format hf` from an hdnd corpus of Vietnamese
news and session records about People's Council (HĐND) sessions. {rows} rows in
{len(shards)} Parquet shard(s) under `data/`. Texts remain the property of their
publishers; each row that came from an article keeps its URL.

| column | SQLite type |
|---|---|
{listed}

Load with `datasets.load_dataset("path/to/this/folder")`. A Frictionless
`datapackage.json` describes the same files.
"""


def _hf_dtype(declared: str) -> str:
    if "INT" in declared:
        return "int64"
    if any(t in declared for t in ("REAL", "FLOA", "DOUB", "NUM")):
        return "float64"
    return "string"


def _frictionless_type(declared: str) -> str:
    return {"int64": "integer", "float64": "number"}.get(_hf_dtype(declared), "string")


def write_hf(db, table, columns, folder: Path) -> int:
    """A dataset folder: README.md card with ``configs``, Parquet shards, datapackage.json."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    (folder / "data").mkdir(parents=True)
    schema = _arrow_schema(columns)
    shards: list[Path] = []
    writer, in_shard, total = None, 0, 0
    for batch in iter_rows(db, table, [c for c, _ in columns]):
        if writer is None:
            shards.append(folder / "data" / f"part-{len(shards):05d}.parquet")
            writer, in_shard = pq.ParquetWriter(str(shards[-1]), schema, compression="zstd"), 0
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        in_shard += len(batch)
        total += len(batch)
        if in_shard >= SHARD_ROWS:
            writer.close()
            writer = None
    if writer is not None:
        writer.close()
    if not shards:
        shards.append(folder / "data" / "part-00000.parquet")
        pq.write_table(schema.empty_table(), str(shards[0]))
    final = []
    for index, shard in enumerate(shards):
        renamed = f"data/train-{index:05d}-of-{len(shards):05d}.parquet"
        shard.rename(folder / renamed)
        final.append(renamed)
    (folder / "README.md").write_text(_dataset_card(table, columns, total, final), encoding="utf-8")
    package = {
        "name": f"hdnd-{table}".lower().replace("_", "-"),
        "title": f"hdnd corpus table {table}",
        "resources": [
            {
                "name": f"{table}-{i}".lower().replace("_", "-"),
                "path": path,
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "schema": {"fields": [{"name": n, "type": _frictionless_type(d)} for n, d in columns]},
            }
            for i, path in enumerate(final)
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    return total


WRITERS = {"jsonl": write_jsonl, "csv": write_csv, "parquet": write_parquet, "hf": write_hf}


def export_table(db: sqlite_utils.Database, table: str, fmt: str, out: str | os.PathLike) -> int:
    """Write ``table`` to ``out`` in ``fmt``; returns the number of rows."""
    if fmt not in WRITERS:
        raise CorpusError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    tables = exportable_tables(db)
    if table not in tables:
        raise CorpusError(f"there is no table {table!r} in this corpus; tables: {', '.join(tables)}.")
    out = Path(out)
    if not out.parent.exists():
        raise CorpusError(f"cannot write {out}: the folder {out.parent} does not exist.")
    columns = columns_of(db, table)
    if fmt == "hf":
        staging = Path(tempfile.mkdtemp(prefix=".hdnd-export-", dir=out.parent))
        try:
            count = write_hf(db, table, columns, staging / "dataset")
            if out.exists():
                shutil.rmtree(out) if out.is_dir() else out.unlink()
            (staging / "dataset").rename(out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return count
    handle, temp = tempfile.mkstemp(prefix=".hdnd-export-", dir=out.parent)
    os.close(handle)
    try:
        count = WRITERS[fmt](db, table, columns, Path(temp))
        os.replace(temp, out)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return count
