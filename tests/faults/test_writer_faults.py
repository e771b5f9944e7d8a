"""The writer under pressure: other processes writing at the same time, runs killed with
SIGKILL and started again, runs stopped with Ctrl-C or SIGTERM, a corpus locked for too
long under a crawl, ids no SQLite row can have, and SQLite files that belong to another
application."""

from __future__ import annotations

import hashlib
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.db import connect, transaction
from crawler.settings import CONCURRENT_REQUESTS
from pipeline import PIPELINE_VERSION
from tests.conftest import ROOT, article_html, article_text
from tests.crawler.mock_site import MockSite, html, xml

FTS_TABLES = ("articles_fts", "commitments_fts", "status_reports_fts")


def _texts(folder: Path, seeds: range, paragraphs: int = 6) -> Path:
    folder.mkdir(parents=True)
    for seed in seeds:
        (folder / f"bai-{seed:04d}.txt").write_text(article_text(seed, paragraphs), encoding="utf-8")
    return folder


def _hdnd(*args: str, db: Path, **popen) -> subprocess.Popen:
    """``python -m corpus ARGS --db DB`` as a user runs it, in the background."""
    return subprocess.Popen([sys.executable, "-m", "corpus", *args, "--db", str(db)], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def _run(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "corpus", *args, "--db", str(db)], cwd=ROOT, text=True,
                          capture_output=True, timeout=600)


def _waiting(seconds: int, *args: str, db: Path) -> list[str]:
    """The command line of ``python -m corpus ARGS --db DB``, but waiting ``seconds`` (not
    60) for a corpus another process keeps locked."""
    code = (f"import runpy, corpus.db; corpus.db.BUSY_TIMEOUT_MS = {seconds * 1000}; "
            "runpy.run_module('corpus', run_name='__main__')")
    return [sys.executable, "-c", code, *args, "--db", str(db)]


def _read(db_path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows read through a connection of its own, closed at once (never migrates)."""
    conn = sqlite3.connect(db_path, timeout=60)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def _wait_for(condition, what: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


# 1. hdnd process beside other writers

def test_process_finishes_while_an_import_confirmations_and_direct_writes_go_on(tmp_path, db_path):
    seeded = _run("import", str(_texts(tmp_path / "a", range(8))), db=db_path)
    assert seeded.returncode == 0, seeded.stderr
    assert _run("process", db=db_path).returncode == 0
    promises = [row[0] for row in _read(db_path, "SELECT id FROM commitments ORDER BY id")]
    assert promises, "the seed texts should yield commitments to confirm"
    assert _run("import", str(_texts(tmp_path / "b", range(100, 180), paragraphs=10)), db=db_path).returncode == 0
    pending = {row[0] for row in _read(db_path, "SELECT id FROM articles WHERE pipeline_version IS NULL")}
    assert len(pending) == 80

    process = _hdnd("process", "--workers", "2", db=db_path)
    _wait_for(lambda: _read(db_path, "SELECT 1 FROM runs WHERE command = 'process' AND status = 'running'"),
              "hdnd process to start its run")
    importer = _hdnd("import", str(_texts(tmp_path / "c", range(300, 330))), db=db_path)
    writer = connect(db_path)
    direct_writes = confirmations = 0
    while process.poll() is None:
        with transaction(writer) as conn:  # a write of this test's own, between hdnd's
            conn.execute("INSERT INTO sources (domain, name) VALUES (?, 'concurrent writer')",
                         (f"writer-{direct_writes}.example",))
        direct_writes += 1
        if direct_writes % 25 == 0:
            confirmed = _run("promise", str(promises[confirmations % len(promises)]), "--confirm", "in_progress",
                             "--evidence", "https://example.vn/a", "--by", "Lan Anh",
                             "--note", "written while hdnd process runs", db=db_path)
            assert confirmed.returncode == 0, confirmed.stderr
            confirmations += 1
        time.sleep(0.01)
    out, err = process.communicate(timeout=60)
    imported, import_err = importer.communicate(timeout=300)
    writer.conn.close()

    assert process.returncode == 0, err
    assert importer.returncode == 0, import_err
    assert "locked" not in err and "locked" not in import_err
    assert "30 new" in imported
    assert confirmations >= 1 and direct_writes >= 25, "the writers did not overlap hdnd process"
    left = {row[0] for row in _read(db_path, "SELECT id FROM articles WHERE pipeline_version IS NOT ?",
                                    (PIPELINE_VERSION,))}
    assert not left & pending, "articles pending when hdnd process started were left unprocessed"
    assert _read(db_path, "SELECT count(*) FROM sources WHERE name = 'concurrent writer'")[0][0] == direct_writes
    assert _read(db_path, "SELECT status FROM runs WHERE command = 'process' ORDER BY id DESC LIMIT 1") == [("done",)]


def test_a_writer_waits_for_the_lock_and_then_says_so_in_one_sentence(db_path, monkeypatch):
    from corpus import db as corpus_db

    monkeypatch.setattr(corpus_db, "BUSY_TIMEOUT_MS", 1500)
    connect(db_path).conn.close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's long write
    waiter = corpus_db.connect(db_path)
    waiter.conn.execute("PRAGMA busy_timeout = 100")  # SQLite's own wait shorter than ours
    started = time.monotonic()
    with pytest.raises(corpus_db.CorpusBusy, match=r"hdnd\.db stayed locked by another process for 1 s, so nothing"):
        with transaction(waiter) as conn:
            conn.execute("INSERT INTO sources (domain) VALUES ('never.example')")
    assert 1.0 < time.monotonic() - started < 10
    holder.execute("ROLLBACK")
    with transaction(waiter) as conn:  # the lock released, the same connection writes
        conn.execute("INSERT INTO sources (domain) VALUES ('later.example')")
    assert [r[0] for r in waiter.execute("SELECT domain FROM sources")] == ["later.example"]
    holder.close()
    waiter.conn.close()



def test_a_command_that_waited_too_long_for_the_lock_ends_with_the_sentence(tmp_path, db_path, monkeypatch):
    """Not only import and process: every command stopped by the lock says so in one line (exit 2)."""
    from click.testing import CliRunner

    from corpus import db as corpus_db
    from corpus.cli import cli

    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(_texts(tmp_path / "in", range(3))), "--db", str(db_path)]).exit_code == 0
    assert runner.invoke(cli, ["process", "--db", str(db_path)]).exit_code == 0
    promise_id = connect(db_path).execute("SELECT MIN(id) FROM commitments").fetchone()[0]
    assert promise_id is not None
    monkeypatch.setattr(corpus_db, "BUSY_TIMEOUT_MS", 1000)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    result = runner.invoke(cli, ["promise", str(promise_id), "--confirm", "kept", "--evidence", "https://example.vn/a",
                                 "--by", "Lan Anh", "--db", str(db_path)])
    holder.execute("ROLLBACK")
    holder.close()
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and "stayed locked by another process for 1 s" in result.stderr
    assert connect(db_path).execute("SELECT COUNT(*) FROM commitment_events WHERE kind = 'kept'").fetchone()[0] == 0

# 6d. killed runs do not stay "running"

def test_a_killed_process_run_is_marked_interrupted_by_the_next_run(tmp_path, db_path):
    assert _run("import", str(_texts(tmp_path / "in", range(40), paragraphs=10)), db=db_path).returncode == 0
    alive = connect(db_path)  # a run of this very process, still going: it must stay running
    with transaction(alive) as conn:
        conn.execute("INSERT INTO runs (command, started_at, pid, host) VALUES ('crawl', '2026-01-01', ?, ?)",
                     (os.getpid(), socket.gethostname()))
    alive.conn.close()
    process = _hdnd("process", db=db_path)
    _wait_for(lambda: _read(db_path, "SELECT 1 FROM articles WHERE pipeline_version IS NOT NULL"),
              "hdnd process to store an article")
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    killed = _read(db_path, "SELECT id, status, finished_at, pid, host FROM runs WHERE command = 'process'")
    assert killed == [(killed[0][0], "running", None, process.pid, socket.gethostname())]

    again = _run("import", str(tmp_path / "in" / "bai-0000.txt"), db=db_path)
    assert again.returncode == 0, again.stderr
    runs = {row[0]: row[1:] for row in _read(db_path, "SELECT command, status, finished_at IS NOT NULL FROM runs")}
    assert runs["process"] == ("interrupted", 1)
    assert runs["crawl"] == ("running", 0)
    assert runs["import"] == ("ok", 1)


@pytest.mark.parametrize("stop, workers", [(signal.SIGINT, "1"), (signal.SIGTERM, "1"), (signal.SIGTERM, "2")])
def test_process_stopped_with_ctrl_c_or_sigterm_records_its_run_as_interrupted(tmp_path, db_path, stop, workers):
    """Ctrl-C and SIGTERM (kill, a service manager) end hdnd process alike: exit 130, the run
    recorded as interrupted, no traceback from it or its workers."""
    assert _run("import", str(_texts(tmp_path / "in", range(40), paragraphs=10)), db=db_path).returncode == 0
    process = _hdnd("process", "--workers", workers, db=db_path)
    _wait_for(lambda: _read(db_path, "SELECT 1 FROM articles WHERE pipeline_version IS NOT NULL"),
              "hdnd process to store an article")
    process.send_signal(stop)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert err.endswith("Interrupted; the articles analysed so far are kept, and hdnd process run again goes on from "
                        "there.\n") and "Traceback" not in err, err
    assert _read(db_path, "SELECT status, finished_at IS NOT NULL FROM runs WHERE command = 'process'") == \
        [("interrupted", 1)]
    assert _read(db_path, "SELECT count(*) FROM articles WHERE pipeline_version IS NULL")[0][0] > 0


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_import_stopped_with_ctrl_c_or_sigterm_records_its_run_as_interrupted(tmp_path, db_path, stop):
    folder = _texts(tmp_path / "in", range(300))
    connect(db_path).conn.close()  # the schema first, so that the count polled below exists from the start
    importer = _hdnd("import", str(folder), db=db_path)
    _wait_for(lambda: importer.poll() is not None or _read(db_path, "SELECT count(*) FROM articles")[0][0] >= 5,
              "hdnd import to store five articles")
    importer.send_signal(stop)
    out, err = importer.communicate(timeout=60)

    assert importer.returncode == 130, (out, err)
    assert err.endswith("Interrupted; the articles stored so far are kept, and the same import run again stores the "
                        "rest.\n") and "Traceback" not in err, err
    assert _read(db_path, "SELECT status, finished_at IS NOT NULL FROM runs") == [("interrupted", 1)]
    assert 5 <= _read(db_path, "SELECT count(*) FROM articles")[0][0] < 300
    again = _run("import", str(folder), db=db_path)
    assert again.returncode == 0, again.stderr
    assert _read(db_path, "SELECT count(*) FROM articles") == [(300,)]


# Ids beyond SQLite's integers, and one full stop per sentence

def test_ids_no_row_can_have_are_one_sentence_each(db_path):
    connect(db_path).conn.close()
    huge = "9" * 20
    cases = {
        ("versions", huge): f"no article has the id {huge}.",
        ("promise", huge): f"there is no commitment {huge} in this corpus.",
        ("session", huge): f"there is no session {huge} in this corpus.",
        ("promise", "1", "--confirm", "rejected", "--followup", huge): f"there is no follow-up event {huge} in this corpus.",
        ("session", "1" * 5000): "there is no session " + "1" * 24 + "… in this corpus.",
        ("promise", "7"): "there is no commitment 7 in this corpus.",   # the lookup's own sentence: one full stop
        ("session", "7"): "there is no session 7 in this corpus; hdnd sessions lists them.",
    }
    for args, sentence in cases.items():
        result = _run(*args, db=db_path)
        assert (result.returncode, result.stderr) == (2, f"Error: {sentence}\n"), args


# A corpus another process keeps locked under a crawl

def _feed_site(server: MockSite, count: int) -> list[str]:
    """A feed of ``count`` council articles on the loopback server; their paths."""
    paths = [f"/thoi-su/ky-hop-hdnd-chat-van-so-{i}-{1000000 + i}.html" for i in range(count)]
    server.pages["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
    server.pages["/rss.xml"] = xml('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>' + "".join(
        f"<item><title>x</title><link>{server.base}{path}</link><pubDate>Fri, 05 Jul 2024 10:00:00 +0700</pubDate>"
        "</item>" for path in paths) + "</channel></rss>")
    for i, path in enumerate(paths):
        server.pages[path] = html(article_html(f"Kỳ họp HĐND: chất vấn số {i}", article_text(i).splitlines()[2:],
                                               url=server.base + path, published="2024-07-05T10:00:00+07:00"))
    return paths


def test_a_crawl_stops_at_the_first_article_a_locked_corpus_does_not_take(tmp_path, db_path):
    """Not one wait per article (each blocking the whole crawl): the crawl closes with the
    store's sentence (exit 2), the articles still arriving counted as not stored."""
    connect(db_path).conn.close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    with MockSite({}) as site:
        paths = _feed_site(site, 60)
        site.delay = 0.5  # the lock is taken before the first article arrives
        crawl = subprocess.Popen(_waiting(1, "crawl", "--url", f"{site.base}/rss.xml", "--log-file",
                                          str(tmp_path / "crawl.log"), db=db_path),
                                 cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 env={**os.environ, "HDND_DOWNLOAD_DELAY": "0"})
        _wait_for(lambda: crawl.poll() is not None or _read(db_path, "SELECT 1 FROM runs WHERE status = 'running'"),
                  "hdnd crawl to record its run")
        holder.execute("BEGIN IMMEDIATE")
        out, err = crawl.communicate(timeout=120)
        holder.execute("ROLLBACK")
        holder.close()
        fetched = [path for path in site.log if path in paths]

    assert crawl.returncode == 2 and "Traceback" not in err, err
    assert re.search(r"\nError: \S+hdnd\.db stayed locked by another process for 1 s, so nothing more was written; run "
                     r"the command again when that process has finished\.\n$", err), err
    assert "could not be stored (the corpus stayed locked)" in err
    assert "0 new" in out
    # the first article, and those Scrapy's downloader had already taken on when the crawl closed
    assert 0 < len(fetched) <= CONCURRENT_REQUESTS + 1 < len(paths), fetched
    assert _read(db_path, "SELECT count(*) FROM articles") == [(0,)]


def test_a_crawl_whose_run_cannot_be_recorded_says_so_in_one_sentence(db_path):
    connect(db_path).conn.close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    result = subprocess.run(_waiting(1, "crawl", "--url", "http://127.0.0.1:9/rss.xml", db=db_path), cwd=ROOT,
                            text=True, capture_output=True, timeout=120)
    holder.execute("ROLLBACK")
    holder.close()
    assert result.returncode == 2
    assert re.fullmatch(r"Error: \S+hdnd\.db stayed locked by another process for 1 s, so nothing more was written; run "
                        r"the command again when that process has finished\.\n", result.stderr), result.stderr


# Kill -9 at a random point, then run again: the same corpus as a clean run

def _counts(db_path: Path) -> dict[str, int]:
    """Rows per table, except the run log (a killed run adds one)."""
    tables = [row[0] for row in _read(db_path, "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'runs' "
                                               "AND name NOT LIKE '%fts%'")]
    return {table: _read(db_path, f'SELECT count(*) FROM "{table}"')[0][0] for table in tables}


def _assert_sound(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    db = connect(db_path)
    try:
        for fts in FTS_TABLES:
            db.execute(f"INSERT INTO {fts}({fts}) VALUES('integrity-check')")  # raises if the index is off
        indexed = db.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'title_folded:ky'").fetchone()[0]
        assert indexed == db.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        db.conn.close()


def _kill_when(process: subprocess.Popen, db_path: Path, sql: str, target: int, delay: float) -> int:
    """SIGKILL ``process`` ``delay`` seconds after ``sql`` counts ``target`` rows (or when it ends); returns
    the count at the kill."""
    _wait_for(lambda: process.poll() is not None or (_read(db_path, sql) or [(0,)])[0][0] >= target,
              f"{target} rows of {sql!r}")
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    return _read(db_path, sql)[0][0]


@pytest.mark.parametrize("seed", [int(os.environ.get("HDND_KILL_SEED", "17"))])
def test_import_and_process_killed_at_a_random_point_resume_to_a_clean_run(tmp_path, seed):
    texts = _texts(tmp_path / "in", range(500, 560), paragraphs=8)
    clean, killed = tmp_path / "clean.db", tmp_path / "killed.db"
    for args in (["import", str(texts)], ["process"]):
        result = _run(*args, db=clean)
        assert result.returncode == 0, result.stderr
    rng = random.Random(seed)
    # an import stores a file every few milliseconds: kill it early and soon enough to land mid-run
    plan = {"import_after": rng.randint(1, 30), "import_delay": round(rng.uniform(0, 0.05), 3),
            "process_after": rng.randint(1, 59), "process_delay": round(rng.uniform(0, 0.3), 3)}
    print(f"kill plan (seed {seed}, HDND_KILL_SEED=N to change): {plan}")
    # the schema first, so that the count polled below exists from the start
    connect(killed).conn.close()
    at = _kill_when(_hdnd("import", str(texts), db=killed), killed, "SELECT count(*) FROM articles",
                    plan["import_after"], plan["import_delay"])
    print(f"import killed with {at} articles stored")
    assert _run("import", str(texts), db=killed).returncode == 0
    at = _kill_when(_hdnd("process", db=killed), killed,
                    "SELECT count(*) FROM articles WHERE pipeline_version IS NOT NULL",
                    plan["process_after"], plan["process_delay"])
    print(f"process killed with {at} articles analysed")
    again = _run("process", db=killed)
    assert again.returncode == 0, again.stderr

    assert _counts(killed) == _counts(clean)
    assert _counts(clean)["commitments"] > 0 and _counts(clean)["index_values"] > 0
    _assert_sound(killed)
    statuses = dict(_read(killed, "SELECT command || ' ' || id, status FROM runs"))
    assert "running" not in statuses.values(), statuses


# 7c. another application's SQLite file

def _foreign(path: Path, table: str = "birds") -> str:
    """An SQLite file of some other program (rollback journal, a table of its own); its sha256."""
    conn = sqlite3.connect(path)
    conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, seen TEXT)")
    conn.executemany(f"INSERT INTO {table} (name, seen) VALUES (?, ?)",
                     [("chào mào", "2024-03-01"), ("sáo sậu", "2024-03-02")])
    conn.commit()
    conn.close()
    return hashlib.sha256(path.read_bytes()).hexdigest()


REFUSAL = "is another application's SQLite database, not an hdnd corpus, so it was left unchanged; " \
          "--migrate adds the corpus tables beside its own."


def test_another_applications_database_is_refused_untouched(tmp_path):
    path = tmp_path / "birds.sqlite"
    digest = _foreign(path)
    page = tmp_path / "bai.txt"
    page.write_text(article_text(1), encoding="utf-8")
    for args in (["search", "chim"], ["stats"], ["sessions"], ["promises"], ["export", "--table", "birds", "--format",
                 "csv", "--out", str(tmp_path / "out.csv")], ["import", str(page)], ["process"],
                 ["serve", "--port", "0"], ["crawl", "--url", "http://127.0.0.1:9/rss"]):
        result = _run(*args, db=path)
        assert result.returncode != 0, args
        assert result.stderr.strip().splitlines() == [f"Error: {path} {REFUSAL}"], (args, result.stderr)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, args
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bai.txt", "birds.sqlite"]  # no -wal, no -journal left
    assert _read(path, "PRAGMA journal_mode") == [("delete",)]


def test_with_migrate_it_becomes_a_corpus_and_keeps_its_own_table(tmp_path):
    path = tmp_path / "birds.sqlite"
    _foreign(path)
    page = tmp_path / "bai.txt"
    page.write_text(article_text(1), encoding="utf-8")
    result = _run("import", str(page), "--migrate", db=path)
    assert result.returncode == 0, result.stderr
    assert _read(path, "SELECT name FROM birds ORDER BY id") == [("chào mào",), ("sáo sậu",)]
    assert _read(path, "SELECT count(*) FROM articles") == [(1,)]
    assert _read(path, "PRAGMA journal_mode") == [("wal",)]
    stats = _run("stats", db=path)  # a corpus now: no --migrate needed any more
    assert stats.returncode == 0, stats.stderr


def test_a_foreign_table_named_like_ours_is_refused_even_with_migrate(tmp_path):
    path = tmp_path / "app.db"
    digest = _foreign(path, table="articles")
    result = _run("stats", "--migrate", db=path)
    assert result.returncode != 0
    assert "cannot be opened as an hdnd corpus (table articles already exists)" in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert _read(path, "PRAGMA journal_mode") == [("delete",)]


def test_an_empty_file_still_becomes_a_corpus(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    result = _run("stats", db=path)
    assert result.returncode == 0, result.stderr
    assert _read(path, "SELECT count(*) FROM schema_migrations")[0][0] >= 12


def test_an_article_replaced_while_being_analysed_stays_pending(db_path):
    from corpus.process import process_corpus
    from corpus.store import save_article
    from crawler.extract import ArticleItem

    def item(n: int, seed: int) -> ArticleItem:
        return ArticleItem(url=f"https://bao.example.vn/bai-{n}", title=f"Bài {n}", text=article_text(seed),
                           source="bao.example.vn")

    db = connect(db_path)
    for n in range(3):
        save_article(db, item(n, n))
    other = connect(db_path)  # an import in another process, replacing the third text after the first is stored
    replaced = []

    def replace_third() -> None:
        if not replaced:
            replaced.append(save_article(other, item(2, 40)))

    summary = process_corpus(db, on_article=replace_third)
    assert replaced == [("updated", 3)]
    assert summary.counts["analysed"] == 2 and summary.counts["changed"] == 1
    assert "1 article changed while being analysed, left for the next run." in summary.line()
    assert db.execute("SELECT pipeline_version FROM articles WHERE id = 3").fetchone() == (None,)
    again = process_corpus(db)
    assert again.counts["analysed"] == 1
    quotes = [row[0] for row in db.execute("SELECT quote FROM mentions WHERE article_id = 3")]
    text = db.execute("SELECT text FROM articles WHERE id = 3").fetchone()[0]
    assert quotes and all(quote in text for quote in quotes) and "Kỳ họp thứ 40" in text
    db.conn.close()
    other.conn.close()


def test_a_write_runs_no_sql_function_of_ours(db_path):
    """The search index's triggers call no Python (hdnd_fold): a Ctrl-C cannot land inside
    SQLite during a write, where SQLite would turn it into "user-defined function raised
    exception" and an import would take it for a bad file and go on."""
    db = connect(db_path)

    def interrupted(text: str) -> str:
        raise KeyboardInterrupt

    for name in ("hdnd_fold", "hdnd_person_key"):
        db.conn.create_function(name, 1, interrupted, deterministic=True)
    with transaction(db) as conn:
        conn.execute("INSERT INTO articles (url, text, content_hash, kind, imported_at) "
                     "VALUES ('https://bao.example.vn/a-1.htm', 'Hội đồng nhân dân', 'h1', 'article', '2026-12-05')")
    assert db.execute("SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'text_folded:hoi'").fetchone()[0] == 1
