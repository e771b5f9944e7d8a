"""The store: migrations, idempotent imports, one transaction per document."""

from __future__ import annotations

import gzip
import sqlite3

import pytest

from corpus import store
from corpus.db import connect
from corpus.ingest import import_paths
from corpus.migrations import MIGRATIONS, current_version
from crawler.extract import ArticleItem
from tests.conftest import article_text


def _item(url="https://bao.example.vn/bai-1-100001.htm", text=None, **kw) -> ArticleItem:
    return ArticleItem(url=url, title="Kỳ họp thứ 7 HĐND tỉnh", text=text or article_text(7),
                       source="bao.example.vn", raw_html=b"<html>...</html>", **kw)


def test_new_file_is_migrated_and_recorded(fresh_db):
    assert current_version(fresh_db) == MIGRATIONS[-1][0]
    recorded = [r["version"] for r in fresh_db.query("SELECT version FROM schema_migrations")]
    assert recorded == [m[0] for m in MIGRATIONS]
    assert fresh_db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert fresh_db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopening_applies_nothing_again(db_path):
    connect(db_path).conn.close()
    db = connect(db_path)
    assert db.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(MIGRATIONS)


def test_save_twice_is_unchanged(fresh_db):
    assert store.save_article(fresh_db, _item())[0] == "new"
    assert store.save_article(fresh_db, _item())[0] == "unchanged"
    assert fresh_db["articles"].count == 1


def test_changed_text_at_same_url_is_updated_and_reprocessed(fresh_db):
    _, article_id = store.save_article(fresh_db, _item())
    fresh_db.execute("UPDATE articles SET pipeline_version = '1' WHERE id = ?", [article_id])
    outcome, same_id = store.save_article(fresh_db, _item(text=article_text(8)))
    row = fresh_db["articles"].get(article_id)
    assert (outcome, same_id) == ("updated", article_id)
    assert row["text"].startswith("Kỳ họp thứ 8") and row["pipeline_version"] is None


def test_same_text_other_url_is_a_duplicate(fresh_db):
    store.save_article(fresh_db, _item())
    assert store.save_article(fresh_db, _item(url="https://khac.example.vn/copy.htm"))[0] == "duplicate"
    assert fresh_db["articles"].count == 1


def test_text_is_normalised_and_raw_html_compressed(fresh_db):
    _, article_id = store.save_article(fresh_db, _item(text="Hoà bình và thuỷ lợi. " + article_text(1)))
    row = fresh_db["articles"].get(article_id)
    assert row["text"].startswith("Hòa bình và thủy lợi.")
    assert gzip.decompress(row["raw_html"]) == b"<html>...</html>"
    assert fresh_db["sources"].get(row["source_id"])["domain"] == "bao.example.vn"


def test_a_failing_write_leaves_no_half_article(fresh_db, monkeypatch):
    store.save_article(fresh_db, _item())
    # the source row is written before the article: fail the article insert after it
    original = store._source_id

    def source_then_crash(conn, domain):
        original(conn, domain)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "_source_id", source_then_crash)
    with pytest.raises(sqlite3.OperationalError):
        store.save_article(fresh_db, _item(url="https://moi.example.vn/bai-2.htm", text=article_text(2)))
    assert fresh_db["articles"].count == 1
    assert [r["domain"] for r in fresh_db.query("SELECT domain FROM sources")] == ["bao.example.vn"]
    fresh_db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")  # index matches rows


def test_import_run_is_recorded_with_counts(fresh_db, tmp_path):
    (tmp_path / "a.txt").write_text(article_text(1), encoding="utf-8")
    (tmp_path / "b.html").write_bytes(b"")
    summary = import_paths(fresh_db, [tmp_path])
    run = fresh_db["runs"].get(summary.run_id)
    assert run["status"] == "failed" and '"new": 1' in run["counts"] and "b.html" in run["problems"]


def test_not_a_database_is_one_sentence(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    from corpus.db import CorpusError

    with pytest.raises(CorpusError, match="cannot be opened as an hdnd corpus"):
        connect(bad)
