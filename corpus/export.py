"""Exports of any corpus table: JSONL, CSV for Excel, Parquet, a Hugging Face dataset folder.

Rows are streamed in batches, never loaded whole. Output is written beside its target
and moved into place at the end, so a failed export never leaves a half-written file.
Binary columns (the compressed raw HTML) are left out: they are for re-extraction, not
analysis; so are the ``*_folded`` columns, the search index's folded copies of a text, which
would double an export and add nothing to it. JSONL and CSV keep SQLite's text (times ISO 8601 with their offset); Parquet and
the Hugging Face folder hold the types of models/dataset_fields.tsv: booleans, lists, times
as UTC timestamps and days as dates.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import sqlite_utils

from corpus.db import CorpusError

FORMATS = ("jsonl", "csv", "parquet", "hf")
BATCH_ROWS = 1000
SHARD_ROWS = 100_000
INTERNAL_TABLES = ("schema_migrations",)
# articles.title_folded / text_folded: marks stripped for the search index, not data.
INTERNAL_COLUMN_SUFFIX = "_folded"
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
    """Tables and views a user can export (``promises`` is a view): not full-text indexes,
    their shadow tables or content views, or bookkeeping."""
    names = db.table_names() + db.view_names()
    virtual = [t for t in db.table_names() if db[t].virtual_table_using]
    return [t for t in names if t not in INTERNAL_TABLES and t not in virtual
            and not any(t.startswith(f"{v}_") for v in virtual)]


def columns_of(db: sqlite_utils.Database, table: str) -> list[tuple[str, str]]:
    """(name, type) of the columns that are exported, by every format: not binary or search-only
    (``*_folded``) ones. A view's computed column has no declared type, so its first stored
    value's type stands in: Parquet needs one."""
    columns = [(c.name, (c.type or "").upper()) for c in db[table].columns if not c.name.endswith(INTERNAL_COLUMN_SUFFIX)]
    typed = [(name, declared or _stored_type(db, table, name)) for name, declared in columns]
    return [(name, declared) for name, declared in typed if "BLOB" not in declared]


def _stored_type(db: sqlite_utils.Database, table: str, column: str) -> str:
    """SQLite's type of the first non-null value of ``column``; TEXT when all are null."""
    row = db.conn.execute(f'SELECT typeof("{column}") FROM "{table}" WHERE "{column}" IS NOT NULL LIMIT 1').fetchone()
    return {"integer": "INTEGER", "real": "REAL", "blob": "BLOB"}.get(row[0] if row else "", "TEXT")


def iter_rows(db: sqlite_utils.Database, table: str, columns: list[str]) -> Iterator[list[dict[str, Any]]]:
    quoted = ", ".join(f'"{c}"' for c in columns)
    order = "rowid" if table not in db.view_names() else ('"id"' if "id" in db[table].columns_dict else "1")
    cursor = db.conn.execute(f'SELECT {quoted} FROM "{table}" ORDER BY {order}')
    while batch := cursor.fetchmany(BATCH_ROWS):
        yield [dict(zip(columns, row)) for row in batch]


def _arrow_schema(columns: list[tuple[str, str]]):
    import pyarrow as pa

    def kind(declared: str):
        if declared == "BOOLEAN":
            return pa.bool_()
        if declared == "LIST":
            return pa.list_(pa.string())
        if declared == "TIMESTAMP":
            return pa.timestamp("us", tz="UTC")
        if declared == "DATE":
            return pa.date32()
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
    """One Parquet file with the dataset's types (booleans, lists, timestamps, dates), as hf writes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = _typed_columns(db, table, columns)
    schema = _arrow_schema(columns)
    count = 0
    with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
        for batch in _typed_batches(db, table, columns):
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
        if count == 0:
            writer.write_table(schema.empty_table())
    return count


LICENSE_NOTE = ("The article texts and quotes belong to their publishers (each row keeps its URL or "
                "source); they are shared for research under the publishers' terms. hdnd's code is Apache-2.0.")


def field_notes() -> dict[tuple[str, str], tuple[str, str]]:
    """(table, column) → (kind, description) from models/dataset_fields.tsv; table ``*`` is any table."""
    from importlib import resources

    notes = {}
    for line in resources.files("models").joinpath("dataset_fields.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            table, column, kind, description = line.split("\t")
            notes[(table, column)] = (kind, description)
    return notes


def _note(notes, table: str, column: str) -> tuple[str, str]:
    return notes.get((table, column)) or notes.get(("*", column)) or ("", f"The {column} column of {table}.")


def _typed_columns(db, table: str, columns: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Columns with the dataset's types (models/dataset_fields.tsv): 0/1 flags as BOOLEAN,
    JSON-list text as LIST, instants as TIMESTAMP and days as DATE; a time or date column
    keeps its text when a stored value does not read as one, so no value is lost."""
    notes = field_notes()
    kinds = {"bool": "BOOLEAN", "list": "LIST", "time": "TIMESTAMP", "date": "DATE"}
    typed = []
    for name, declared in columns:
        kind = kinds.get(_note(notes, table, name)[0], declared)
        if kind in READERS and not _every_value_reads(db, table, name, READERS[kind]):
            kind = declared
        typed.append((name, kind))
    return typed


def _as_instant(value: Any) -> datetime | None:
    """A stored date-time as UTC; a time without offset, or a date alone, is Vietnam's (as
    ``corpus.display.local_time`` reads it). None when the value is not ISO 8601."""
    from corpus.display import local_time

    try:
        datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    return local_time(value).astimezone(timezone.utc)


def _as_day(value: Any) -> date | None:
    """The day of a stored date (or of a date-time, as written); None when it is not one."""
    try:
        return date.fromisoformat(value[:10]) if value[10:11] in ("", "T", " ") else None
    except (TypeError, ValueError):
        return None


READERS = {"TIMESTAMP": _as_instant, "DATE": _as_day}


def _every_value_reads(db, table: str, column: str, reader) -> bool:
    cursor = db.conn.execute(f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')
    return all(reader(value) is not None for (value,) in cursor)


def _typed_batches(db, table, columns) -> Iterator[list[dict[str, Any]]]:
    """Rows with booleans as bool, JSON lists decoded and dates read, so Parquet holds them as such."""
    flags = [n for n, d in columns if d == "BOOLEAN"]
    lists = [n for n, d in columns if d == "LIST"]
    read = [(n, READERS[d]) for n, d in columns if d in READERS]
    for batch in iter_rows(db, table, [c for c, _ in columns]):
        for row in batch:
            for name in flags:
                row[name] = None if row[name] is None else bool(row[name])
            for name in lists:
                row[name] = _as_list(row[name])
            for name, reader in read:
                row[name] = None if row[name] is None else reader(row[name])
        yield batch


def _as_list(value: Any) -> list[str] | None:
    if value is None or value == "":
        return None
    try:
        items = json.loads(value)
    except (TypeError, ValueError):
        return [str(value)]
    return [str(item) for item in items] if isinstance(items, list) else [str(items)]


def _hf_dtype(declared: str) -> str:
    if declared == "BOOLEAN":
        return "bool"
    if declared == "TIMESTAMP":
        return "timestamp[us, tz=UTC]"
    if declared == "DATE":
        return "date32"
    if "INT" in declared:
        return "int64"
    if any(t in declared for t in ("REAL", "FLOA", "DOUB", "NUM")):
        return "float64"
    return "string"


def _frictionless_type(declared: str) -> str:
    if declared == "LIST":
        return "array"
    if declared == "TIMESTAMP":
        return "datetime"
    return {"int64": "integer", "float64": "number", "bool": "boolean", "date32": "date"}.get(_hf_dtype(declared), "string")


def _feature(name: str, declared: str) -> str:
    kind = "sequence: string" if declared == "LIST" else f"dtype: {_hf_dtype(declared)}"
    return f"  - name: {name}\n    {kind}"


def _corpus_facts(db) -> tuple[str, str, list[tuple[str, int]]]:
    """Publication date range and articles per source domain, for the card."""
    if "articles" not in db.table_names():
        return "", "", []
    first, last = db.conn.execute("SELECT min(published), max(published) FROM articles").fetchone()
    sources = db.conn.execute(
        "SELECT COALESCE(s.domain, '(no source)'), count(*) FROM articles a LEFT JOIN sources s ON s.id = a.source_id "
        "GROUP BY 1 ORDER BY 2 DESC, 1").fetchall()
    return (first or "")[:10], (last or "")[:10], [(d, n) for d, n in sources]


def _dataset_card(db, configs: list[dict[str, Any]]) -> str:
    """README.md of the dataset folder: YAML front matter (configs, dataset_info, license) and text."""
    notes = field_notes()
    single = len(configs) == 1
    yaml_configs, infos, sections = [], [], []
    for index, config in enumerate(configs):
        name = "default" if single else config["table"]
        yaml_configs.append(f"- config_name: {name}\n" + ("" if single or index else "  default: true\n")
                            + f"  data_files:\n  - split: train\n    path: {config['prefix']}train-*.parquet")
        features = "\n".join(_feature(n, d) for n, d in config["columns"])
        info = f"  features:\n{features}\n  splits:\n  - name: train\n    num_examples: {config['rows']}"
        infos.append(info if single else f"- config_name: {name}\n" + info)
        rows = "\n".join(f"| `{n}` | {_hf_dtype(d) if d != 'LIST' else 'list<string>'} | {_note(notes, config['table'], n)[1]} |"
                         for n, d in config["columns"])
        sections.append(f"### `{config['table']}` ({config['rows']} rows, config `{name}`)\n\n"
                        f"| column | type | description |\n|---|---|---|\n{rows}\n")
    first, last, sources = _corpus_facts(db)
    tables = ", ".join(c["table"] for c in configs)
    source_lines = "\n".join(f"| {domain} | {count} |" for domain, count in sources) or "| (none) | 0 |"
    splits = "\n".join(f"| {'default' if single else c['table']} | train | {c['rows']} |" for c in configs)
    return f"""---
configs:
{chr(10).join(yaml_configs)}
dataset_info:
{chr(10).join(infos)}
language:
- vi
license: other
license_name: publishers-copyright
license_link: LICENSE.md
pretty_name: hdnd {tables}
tags:
- vietnamese
- news
- local-government
---

# hdnd — {tables}

Exported by `hdnd export --format hf` from an hdnd corpus of Vietnamese news and
session records about People's Council (HĐND) sessions.

## License

{LICENSE_NOTE}

## Coverage

Articles published from {first or 'unknown'} to {last or 'unknown'}.

| source | articles |
|---|---|
{source_lines}

## Splits

| config | split | rows |
|---|---|---|
{splits}

## Fields

{chr(10).join(sections)}
Load with `datasets.load_dataset("path/to/this/folder"{'' if single else ', "<config>"'})`. A Frictionless
`datapackage.json` describes the same files.

## Citation

```bibtex
@misc{{hdnd_dataset,
  title        = {{hdnd: Vietnamese People's Council news and promises ({tables})}},
  note         = {{Articles published {first or '?'} to {last or '?'}; texts belong to their publishers}},
  howpublished = {{Exported with hdnd}},
  year         = {{{(last or '????')[:4]}}}
}}
```
"""


def _write_shards(db, table: str, columns: list[tuple[str, str]], folder: Path, prefix: str) -> tuple[int, list[str]]:
    """Parquet shards ``{prefix}train-NNNNN-of-NNNNN.parquet`` of at most SHARD_ROWS rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    (folder / prefix).mkdir(parents=True, exist_ok=True)
    schema = _arrow_schema(columns)
    shards: list[Path] = []
    writer, in_shard, total = None, 0, 0
    for batch in _typed_batches(db, table, columns):
        if writer is None:
            shards.append(folder / prefix / f"part-{len(shards):05d}.parquet")
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
        shards.append(folder / prefix / "part-00000.parquet")
        pq.write_table(schema.empty_table(), str(shards[0]))
    final = []
    for index, shard in enumerate(shards):
        renamed = f"{prefix}train-{index:05d}-of-{len(shards):05d}.parquet"
        shard.rename(folder / renamed)
        final.append(renamed)
    return total, final


def write_hf(db, tables: list[str], folder: Path) -> list[int]:
    """A dataset folder: README.md card with one config per table, Parquet shards under data/
    (data/<table>/ when there are several), datapackage.json. Returns rows per table."""
    configs, resources = [], []
    for table in tables:
        columns = _typed_columns(db, table, columns_of(db, table))
        prefix = "data/" if len(tables) == 1 else f"data/{table}/"
        rows, shards = _write_shards(db, table, columns, folder, prefix)
        configs.append({"table": table, "columns": columns, "rows": rows, "prefix": prefix})
        resources += [{
            "name": f"{table}-{i}".lower().replace("_", "-"),
            "path": path,
            "format": "parquet",
            "mediatype": "application/vnd.apache.parquet",
            "schema": {"fields": [{"name": n, "type": _frictionless_type(d)} for n, d in columns]},
        } for i, path in enumerate(shards)]
    (folder / "README.md").write_text(_dataset_card(db, configs), encoding="utf-8")
    (folder / "LICENSE.md").write_text(f"# License\n\n{LICENSE_NOTE}\n", encoding="utf-8")
    package = {"name": "hdnd-" + "-".join(tables).lower().replace("_", "-"),
               "title": f"hdnd corpus: {', '.join(tables)}", "resources": resources}
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    return [c["rows"] for c in configs]


def _readable(path: Path) -> None:
    """Files 0644 and folders 0755: an export is meant to be shared, not tempfile's 0600."""
    if path.is_dir():
        path.chmod(0o755)
        for child in path.rglob("*"):
            child.chmod(0o755 if child.is_dir() else 0o644)
    else:
        path.chmod(0o644)


WRITERS = {"jsonl": write_jsonl, "csv": write_csv, "parquet": write_parquet}


def export_table(db: sqlite_utils.Database, table: str, fmt: str, out: str | os.PathLike) -> int:
    """Write ``table`` (or view) to ``out`` in ``fmt``; returns the number of rows."""
    return export_tables(db, [table], fmt, out)[0]


def export_tables(db: sqlite_utils.Database, tables: list[str], fmt: str, out: str | os.PathLike) -> list[int]:
    """Write ``tables`` to ``out``: one file, or for hf one folder with a config per table.
    Returns the rows written per table."""
    if fmt not in FORMATS:
        raise CorpusError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    known = exportable_tables(db)
    tables = list(dict.fromkeys(tables))
    for table in tables:
        if table not in known:
            raise CorpusError(f"there is no table {table!r} in this corpus; tables: {', '.join(known)}.")
    if len(tables) != 1 and fmt != "hf":
        raise CorpusError(f"{fmt} holds one table; export several tables with --format hf (one config each).")
    out = Path(out)
    if not out.parent.exists():
        raise CorpusError(f"cannot write {out}: the folder {out.parent} does not exist.")
    if fmt == "hf":
        staging = Path(tempfile.mkdtemp(prefix=".hdnd-export-", dir=out.parent))
        try:
            counts = write_hf(db, tables, staging / "dataset")
            _readable(staging / "dataset")
            if out.exists():
                shutil.rmtree(out) if out.is_dir() else out.unlink()
            (staging / "dataset").rename(out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return counts
    handle, temp = tempfile.mkstemp(prefix=".hdnd-export-", dir=out.parent)
    os.close(handle)
    try:
        count = WRITERS[fmt](db, tables[0], columns_of(db, tables[0]), Path(temp))
        _readable(Path(temp))
        os.replace(temp, out)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return [count]
