"""Exports read back equal to the table they came from."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pyarrow.parquet as pq
import pytest

from corpus import store
from corpus.db import CorpusError
from corpus.export import columns_of, export_table
from crawler.extract import ArticleItem
from tests.conftest import article_text


@pytest.fixture
def db(fresh_db):
    for n in range(1, 8):
        store.save_article(fresh_db, ArticleItem(
            url=f"https://bao.example.vn/bai-{n}", title=f"Kỳ họp thứ {n} HĐND tỉnh", text=article_text(n),
            source="bao.example.vn", published=f"2024-05-0{n}T08:00:00+07:00" if n % 2 else None,
            tags=["chất vấn", f"kỳ họp {n}"], raw_html=b"<html></html>"))
    return fresh_db


def table_rows(db, table="articles"):
    names = [c for c, _ in columns_of(db, table)]
    return [{k: row[k] for k in names} for row in db.query(f"SELECT * FROM {table} ORDER BY rowid")]


def typed(row: dict) -> dict:
    """A stored article as Parquet holds it: its times as instants, its tags as a list."""
    times = {k: datetime.fromisoformat(row[k]).astimezone(timezone.utc) if row[k] else None
             for k in ("published", "imported_at", "updated_at", "processed_at")}
    return {**row, **times, "tags": json.loads(row["tags"]) if row["tags"] else None}


def test_jsonl_round_trip(db, tmp_path):
    out = tmp_path / "a.jsonl"
    assert export_table(db, "articles", "jsonl", out) == 7
    assert [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] == table_rows(db)


def test_parquet_round_trip(db, tmp_path):
    out = tmp_path / "a.parquet"
    export_table(db, "articles", "parquet", out)
    assert pq.read_table(out).to_pylist() == [typed(r) for r in table_rows(db)]


def test_raw_html_is_not_exported(db, tmp_path):
    export_table(db, "articles", "jsonl", tmp_path / "a.jsonl")
    assert "raw_html" not in (tmp_path / "a.jsonl").read_text(encoding="utf-8")


def test_csv_has_bom_and_vietnamese(db, tmp_path):
    out = tmp_path / "a.csv"
    export_table(db, "articles", "csv", out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Kỳ họp thứ 3 HĐND tỉnh" in data.decode("utf-8-sig")


def test_hf_folder(db, tmp_path):
    out = tmp_path / "ds"
    assert export_table(db, "articles", "hf", out) == 7
    card = (out / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\nconfigs:") and "path: data/train-*.parquet" in card
    shards = sorted((out / "data").glob("train-*.parquet"))
    assert [s.name for s in shards] == ["train-00000-of-00001.parquet"]
    # The dataset holds tags as list<string> and times as timestamps, not the text SQLite stores.
    assert pq.read_table(shards[0]).to_pylist() == [typed(r) for r in table_rows(db)]
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["resources"][0]["path"] == "data/train-00000-of-00001.parquet"
    fields = {f["name"]: f["type"] for f in package["resources"][0]["schema"]["fields"]}
    assert fields["id"] == "integer" and fields["title"] == "string"


def test_empty_table_exports(db, tmp_path):
    out = tmp_path / "s.parquet"
    db.execute("DELETE FROM runs")
    assert export_table(db, "runs", "parquet", out) == 0
    assert pq.read_table(out).num_rows == 0


def test_unknown_table_is_one_sentence_and_writes_nothing(db, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(CorpusError, match="no table 'artikles'"):
        export_table(db, "artikles", "csv", out / "x.csv")
    with pytest.raises(CorpusError, match="no table"):
        export_table(db, "articles_fts", "csv", out / "x.csv")
    assert list(out.iterdir()) == []


def test_failed_export_keeps_the_previous_file(db, tmp_path, monkeypatch):
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "a.jsonl"
    out.write_text("previous export\n", encoding="utf-8")
    import corpus.export as export

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setitem(export.WRITERS, "jsonl", broken)
    with pytest.raises(RuntimeError):
        export_table(db, "articles", "jsonl", out)
    assert out.read_text(encoding="utf-8") == "previous export\n"
    assert [p.name for p in out.parent.iterdir()] == ["a.jsonl"]


def test_folded_search_copies_are_in_no_export(db, tmp_path):
    """The search index's folded copies stay in the corpus: no format carries a ``*_folded`` column."""
    assert {"title_folded", "text_folded"} <= set(db["articles"].columns_dict)
    for fmt in ("jsonl", "csv", "parquet", "hf"):
        export_table(db, "articles", fmt, tmp_path / fmt)
    first_row = json.loads((tmp_path / "jsonl").read_text(encoding="utf-8").splitlines()[0])
    header = (tmp_path / "csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    package = json.loads((tmp_path / "hf" / "datapackage.json").read_text(encoding="utf-8"))
    card = (tmp_path / "hf" / "README.md").read_text(encoding="utf-8")
    exported = {
        "jsonl": list(first_row), "csv": header, "parquet": pq.read_schema(tmp_path / "parquet").names,
        "hf": pq.read_schema(next((tmp_path / "hf" / "data").glob("train-*.parquet"))).names,
        "frictionless": [f["name"] for r in package["resources"] for f in r["schema"]["fields"]],
    }
    for fmt, names in exported.items():
        assert "title" in names and "text" in names, fmt
        assert [n for n in names if n.endswith("_folded")] == [], fmt
    assert "_folded" not in card
