"""Dataset exports a researcher can load and cite: views (promises) in every format, a
Hugging Face folder with one config per table, typed columns and a card that parses."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from corpus.db import connect
from tests.conftest import ROOT

TABLES = ["articles", "promises", "index_values", "turns", "commitments"]


def hdnd(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "corpus", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def table(folder: Path, prefix: str) -> pa.Table:
    return pa.concat_tables(pq.read_table(p) for p in sorted(folder.glob(f"{prefix}train-*.parquet")))


def front_matter(card: str) -> dict:
    assert card.startswith("---\n")
    return yaml.safe_load(card.split("---\n")[1])


@pytest.fixture(scope="module")
def dataset(web_corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("hf") / "hdnd-dataset"
    result = hdnd("export", *[a for t in TABLES for a in ("--table", t)], "--format", "hf", "--out", str(out),
                  "--db", str(web_corpus))
    assert result.returncode == 0, result.stderr
    return out, result.stdout


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_promises_view_exports(web_corpus, tmp_path, fmt):
    out = tmp_path / f"promises.{fmt}"
    result = hdnd("export", "--table", "promises", "--format", fmt, "--out", str(out), "--db", str(web_corpus))
    assert result.returncode == 0, result.stderr
    expected = [dict(r) for r in connect(web_corpus).query("SELECT * FROM promises ORDER BY id")]
    assert expected and f"Wrote {len(expected)} rows of promises" in result.stdout
    if fmt == "jsonl":
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    elif fmt == "csv":
        rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
        expected = [{k: "" if v is None else str(v) for k, v in row.items()} for row in expected]
    else:
        rows = pq.read_table(out).to_pylist()
        assert pq.read_schema(out).field("year").type == pa.string()
        assert pq.read_schema(out).field("made_on").type == pa.date32()  # a day, not text
        expected = [{**row, "made_on": row["made_on"] and date.fromisoformat(row["made_on"])} for row in expected]
    assert rows == expected
    assert out.stat().st_mode & 0o777 == 0o644


def test_one_config_per_table_with_all_rows(dataset, web_corpus):
    out, printed = dataset
    db = connect(web_corpus)
    for name in TABLES:
        count = db.conn.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
        assert table(out, f"data/{name}/").num_rows == count
        assert f"{count} rows of {name}" in printed or f"{count} row of {name}" in printed
    assert table(out, "data/articles/").num_rows > 0 and table(out, "data/promises/").num_rows > 0


def test_lists_and_booleans_keep_their_types(dataset, web_corpus):
    out, _ = dataset
    db = connect(web_corpus)
    articles = table(out, "data/articles/")
    assert articles.schema.field("tags").type == pa.list_(pa.string())
    stored = [json.loads(t) if t else None for (t,) in db.conn.execute("SELECT tags FROM articles ORDER BY rowid")]
    assert articles.column("tags").to_pylist() == stored
    commitments = table(out, "data/commitments/")
    assert commitments.schema.field("hedged").type == pa.bool_()
    flags = [None if h is None else bool(h) for (h,) in db.conn.execute("SELECT hedged FROM commitments ORDER BY rowid")]
    assert commitments.column("hedged").to_pylist() == flags


def test_card_parses_with_license_configs_and_sizes(dataset, web_corpus):
    out, _ = dataset
    card = (out / "README.md").read_text(encoding="utf-8")
    meta = front_matter(card)
    assert meta["license"] == "other" and meta["license_name"] and (out / meta["license_link"]).is_file()
    assert [c["config_name"] for c in meta["configs"]] == TABLES
    assert [c["data_files"][0]["path"] for c in meta["configs"]] == [f"data/{t}/train-*.parquet" for t in TABLES]
    db = connect(web_corpus)
    for info in meta["dataset_info"]:
        count = db.conn.execute(f"SELECT count(*) FROM {info['config_name']}").fetchone()[0]
        assert info["splits"] == [{"name": "train", "num_examples": count}]
    features = {f["name"]: f for f in next(i for i in meta["dataset_info"] if i["config_name"] == "articles")["features"]}
    assert features["tags"] == {"name": "tags", "sequence": "string"} and features["id"]["dtype"] == "int64"
    first, last = db.conn.execute("SELECT min(published), max(published) FROM articles").fetchone()
    assert f"from {first[:10]} to {last[:10]}" in card
    for domain, count in db.conn.execute(
            "SELECT s.domain, count(*) FROM articles a JOIN sources s ON s.id = a.source_id GROUP BY 1"):
        assert f"| {domain} | {count} |" in card
    assert "@misc{hdnd_dataset" in card and "belong to their publishers" in card
    assert "| `quote` | string | The sentence or passage" in card


def test_files_are_readable_by_others(dataset):
    out, _ = dataset
    paths = [out, *out.rglob("*")]
    assert {p.stat().st_mode & 0o777 for p in paths if p.is_file()} == {0o644}
    assert {p.stat().st_mode & 0o777 for p in paths if p.is_dir()} == {0o755}


def test_files_are_readable_by_others_whatever_the_umask(web_corpus, tmp_path):
    """A user whose umask keeps new files private (077) still writes a dataset others can read."""
    out = tmp_path / "ds"
    result = subprocess.run([sys.executable, "-m", "corpus", "export", "--table", "promises", "--format", "hf",
                             "--out", str(out), "--db", str(web_corpus)], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, preexec_fn=lambda: os.umask(0o077))
    assert result.returncode == 0, result.stderr
    paths = [out, *out.rglob("*")]
    assert {p.stat().st_mode & 0o777 for p in paths if p.is_file()} == {0o644}
    assert {p.stat().st_mode & 0o777 for p in paths if p.is_dir()} == {0o755}


def test_several_tables_need_hf(web_corpus, tmp_path):
    result = hdnd("export", "--table", "articles", "--table", "promises", "--format", "csv",
                  "--out", str(tmp_path / "x.csv"), "--db", str(web_corpus))
    assert result.returncode == 2 and "--format hf" in result.stderr and list(tmp_path.iterdir()) == []


def test_loads_with_datasets(dataset, web_corpus):
    datasets = pytest.importorskip("datasets")
    out, _ = dataset
    loaded = datasets.load_dataset(str(out), "promises", split="train")
    assert loaded.num_rows == connect(web_corpus).conn.execute("SELECT count(*) FROM promises").fetchone()[0]
