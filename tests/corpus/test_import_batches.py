"""``hdnd import`` stores articles in batches: one transaction, a savepoint per article."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import corpus.db
from corpus import store
from corpus.db import CorpusError, batch, transaction
from corpus.ingest import import_entries, import_paths
from tests.conftest import SENTENCES, article_html, article_text, locked_after_first


def _pages(folder, count: int):
    folder.mkdir()
    for n in range(count):
        paragraphs = [" ".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(4)) for _ in range(3)]
        html = article_html(f"Kỳ họp thứ {n} của HĐND tỉnh bàn về đầu tư công", [f"Bài {n}. {p}" for p in paragraphs],
                            url=f"https://bao{n}.example.vn/ky-hop-{n}.html", published="2024-06-12T08:00:00+07:00")
        (folder / f"bai-{n}.html").write_text(html, encoding="utf-8")
    return folder


def test_a_refused_article_leaves_nothing_and_the_batch_commits_once(fresh_db, tmp_path, monkeypatch):
    """The refused article's source row, written before it failed, is undone with it; the
    other four are stored by one COMMIT (the run's start and end are one each)."""
    original = store._source_id

    def refuse_bao2(conn, domain):
        found = original(conn, domain)
        if domain == "bao2.example.vn":
            raise CorpusError("refused for the test")
        return found

    monkeypatch.setattr(store, "_source_id", refuse_bao2)
    statements: list[str] = []
    fresh_db.conn.set_trace_callback(statements.append)
    summary = import_paths(fresh_db, [_pages(tmp_path / "bai", 5)])
    fresh_db.conn.set_trace_callback(None)

    assert summary.counts["new"] == 4 and summary.counts["failed"] == 1
    assert [p.reason for p in summary.problems] == ["refused for the test"]
    domains = [row[0] for row in fresh_db.execute("SELECT domain FROM sources ORDER BY domain")]
    assert domains == ["bao0.example.vn", "bao1.example.vn", "bao3.example.vn", "bao4.example.vn"]
    assert fresh_db.execute("SELECT count(*) FROM articles").fetchone()[0] == 4
    assert statements.count("COMMIT") == 3
    fresh_db.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")


def test_a_failed_transaction_inside_a_batch_is_undone_alone(fresh_db):
    with batch(fresh_db):
        with transaction(fresh_db) as conn:
            conn.execute("INSERT INTO sources (domain) VALUES ('giu.example.vn')")
        try:
            with transaction(fresh_db) as conn:
                conn.execute("INSERT INTO sources (domain) VALUES ('bo.example.vn')")
                raise CorpusError("undone")
        except CorpusError:
            pass
        assert fresh_db.conn.in_transaction
    assert not fresh_db.conn.in_transaction
    assert [row[0] for row in fresh_db.execute("SELECT domain FROM sources")] == ["giu.example.vn"]


def test_a_disk_full_in_a_batch_keeps_what_fits_and_stops(fresh_db, db_path, tmp_path):
    """The batch fails whole; its articles are then stored one a transaction until the disk
    is full, so the import stops at the first article that does not fit, as it would alone; that
    one and the rest of the batch are counted as failed, each named."""
    folder = tmp_path / "bai"
    folder.mkdir()
    for seed in range(10, 70):
        (folder / f"b-{seed}.txt").write_text(article_text(seed, paragraphs=12), encoding="utf-8")
    pages = fresh_db.execute("PRAGMA page_count").fetchone()[0]
    fresh_db.execute(f"PRAGMA max_page_count = {pages + 40}")

    summary = import_paths(fresh_db, [folder])

    new = summary.counts["new"]
    assert 0 < new < 60 and summary.counts["failed"] == 60 - new
    assert [p.where for p in summary.problems] == [(folder / f"b-{seed}.txt").as_uri() for seed in range(10 + new, 70)]
    assert summary.stopped.startswith(f"the import stopped at {(folder / f'b-{10 + new}.txt').as_uri()}: the disk")
    with closing(sqlite3.connect(db_path)) as conn:
        stored = [row[0] for row in conn.execute("SELECT url FROM articles ORDER BY url")]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert stored == [(folder / f"b-{seed}.txt").as_uri() for seed in range(10, 10 + new)]


def test_long_pages_end_a_batch_before_its_count(fresh_db, tmp_path, monkeypatch):
    """A batch holds at most BATCH_CHARS characters of text and page: with the limit below
    two pages, five pages are five commits (plus the run's start and end), all stored."""
    from corpus import ingest

    folder = _pages(tmp_path / "bai", 5)
    size = max(len(p.read_bytes()) for p in folder.iterdir())
    monkeypatch.setattr(ingest, "BATCH_CHARS", size + 1)
    statements: list[str] = []
    fresh_db.conn.set_trace_callback(statements.append)
    summary = import_paths(fresh_db, [folder])
    fresh_db.conn.set_trace_callback(None)
    assert summary.counts["new"] == 5 and fresh_db.execute("SELECT count(*) FROM articles").fetchone()[0] == 5
    assert statements.count("COMMIT") == 7


def test_a_batch_the_locked_corpus_did_not_take_counts_every_article(fresh_db, db_path, tmp_path, monkeypatch):
    """Another process takes the corpus while a batch of five is read and keeps it: the batch's
    transaction never begins, so all five are counted as failed, each named, none stored."""
    monkeypatch.setattr(corpus.db, "BUSY_TIMEOUT_MS", 300)
    fresh_db.execute("PRAGMA busy_timeout = 50")
    files = sorted(_pages(tmp_path / "bai", 5).iterdir())
    with locked_after_first(db_path, files) as entries:
        summary = import_entries(fresh_db, entries, [str(files[0].parent)])

    assert summary.counts["new"] == 0 and summary.counts["failed"] == 5
    assert [(p.where, p.reason) for p in summary.problems] == [
        (f"https://bao{n}.example.vn/ky-hop-{n}.html", "could not be stored (the corpus stayed locked)") for n in range(5)]
    assert summary.stopped.startswith("the import stopped at https://bao0.example.vn/ky-hop-0.html: ")
    assert fresh_db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
