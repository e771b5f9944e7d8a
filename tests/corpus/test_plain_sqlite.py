"""The corpus as a plain SQLite file: other tools write it, Datasette and sqlite-utils load hdnd's plugins.

Writes here go through Python's own ``sqlite3`` module (or the ``sqlite3`` shell), with
none of hdnd's SQL functions registered; searches through ``hdnd search`` as a user runs it.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
import sqlite_utils

from corpus import search
from corpus.db import connect
from corpus.duplicates import band_keys
from corpus.migrations import _SPELLING_ORDER, MIGRATIONS, RECORD_FIELDS, _field_rows, fold_map, migrate
from pipeline import fold
from tests.conftest import ROOT, article_text
from tests.corpus.conftest import free_port, get, serving

URL = "https://bao.example.vn/hdnd-hop-1.htm"
INSERT = ("INSERT INTO articles (url, title, text, content_hash, imported_at) "
          "VALUES (?, 'Kỳ họp thứ 12', 'Hội đồng nhân dân tỉnh chất vấn Giám đốc Sở Xây dựng.', 'h1', '2026-12-05')")


def _corpus(db_path: Path) -> Path:
    connect(db_path).conn.close()
    return db_path


def _plain(db_path: Path, sql: str, params: tuple = ()) -> None:
    """One statement through Python's sqlite3 module: no hdnd function exists on this connection."""
    conn = sqlite3.connect(db_path)
    try:
        with conn:
            conn.execute(sql, params)
    finally:
        conn.close()


def _hdnd_search(db_path: Path, query: str) -> str:
    done = subprocess.run([sys.executable, "-m", "corpus", "search", query, "--db", str(db_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _index_is_sound(db_path: Path) -> None:
    """FTS5's own check (raises if the index is broken), and the index's every entry (term,
    row, column, offset) the same as an index rebuilt from the rows holds: the check alone
    misses an entry left for a row that was replaced. Plain sqlite3."""
    _plain(db_path, "INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.entries USING fts5vocab(main, articles_fts, 'instance')")
        entries = "SELECT term, doc, col, offset FROM temp.entries ORDER BY 1, 2, 3, 4"
        held = conn.execute(entries).fetchall()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
        assert held == conn.execute(entries).fetchall()
        conn.execute("ROLLBACK")
    finally:
        conn.close()


def _derived(db_path: Path) -> dict[str, int]:
    """Every table derived from rows, checked against the rows (plain sqlite3); the rows each
    holds. The search index as _index_is_sound checks it; no row of any table with an
    article_id (the analysis, versions, signatures, bands) names an article that is gone, and
    no signature calls one its original; the near-duplicate bands are those of the signatures
    stored; the per-field search entries of promises, people and index results are the rows'
    fields as written and folded, one each (and migration 18's old indexes are gone); the words
    of promises and reports belong to rows there are; each body shows one spelling."""
    _index_is_sound(db_path)
    conn = sqlite3.connect(db_path)
    try:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        keeping = [t for t in tables if "article_id" in {c[1] for c in conn.execute(f"PRAGMA table_info('{t}')")}]
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in keeping}
        for table in keeping:
            assert conn.execute(f"SELECT count(*) FROM {table} WHERE article_id NOT IN (SELECT id FROM articles)"
                                ).fetchone() == (0,), table
        assert conn.execute("SELECT count(*) FROM article_signatures WHERE duplicate_of NOT IN (SELECT id FROM articles)"
                            ).fetchone() == (0,)
        banded = conn.execute("SELECT article_id, minhash FROM article_signatures "
                              "WHERE article_id NOT IN (SELECT article_id FROM article_lsh_unbanded)").fetchall()
        assert set(conn.execute("SELECT key, article_id FROM article_lsh")) == {
            (key, article_id) for article_id, blob in banded for key in band_keys(blob)}
        assert not [t for t in tables if t.endswith("_search")]
        for table, fields in RECORD_FIELDS.items():
            rows = conn.execute(f"{_field_rows(table, 'TRUE')} ORDER BY 1").fetchall()
            expected = [(*row, *[fold(value) for value in row[1:]]) for row in rows]
            folded = ", ".join(f"{name}_folded" for name in fields)
            assert conn.execute(f"SELECT rowid, {', '.join(fields)}, {folded} FROM {table}_fields ORDER BY 1"
                                ).fetchall() == expected, table
            counts[f"{table}_fields"] = len(expected)
        for table in ("commitments", "status_reports"):
            assert conn.execute(f"SELECT count(*) FROM {table}_fts WHERE rowid NOT IN (SELECT id FROM {table})"
                                ).fetchone() == (0,), table
            counts[f"{table}_fts"] = conn.execute(f"SELECT count(*) FROM {table}_fts").fetchone()[0]
        assert conn.execute(f"""SELECT count(*) FROM commitments c WHERE body_key IS NOT NULL AND body IS NOT
            (SELECT body_written FROM commitments WHERE body_key = c.body_key ORDER BY {_SPELLING_ORDER} LIMIT 1)"""
                            ).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM articles_fts_folding").fetchone() == (0,)
    finally:
        conn.close()
    return counts


def _copy(corpus: Path, tmp_path: Path) -> Path:
    """A copy of ``corpus`` to write to."""
    db = tmp_path / "hdnd.db"
    with sqlite3.connect(corpus) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    return db


def test_an_article_written_by_plain_sqlite3_is_found_folded(db_path):
    _plain(_corpus(db_path), INSERT, (URL,))
    assert URL in _hdnd_search(db_path, "hoi dong")
    assert URL in _hdnd_search(db_path, "Hội đồng")
    _index_is_sound(db_path)


def test_an_update_and_a_delete_by_plain_sqlite3_keep_the_index_right(db_path):
    _plain(_corpus(db_path), INSERT, (URL,))
    _plain(db_path, "UPDATE articles SET text = 'Ủy ban nhân dân thành phố Đà Nẵng trả lời cử tri.' WHERE url = ?", (URL,))
    assert URL in _hdnd_search(db_path, "da nang")
    assert URL not in _hdnd_search(db_path, "hoi dong")
    _index_is_sound(db_path)
    _plain(db_path, "DELETE FROM articles WHERE url = ?", (URL,))
    assert URL not in _hdnd_search(db_path, "da nang")
    _index_is_sound(db_path)


REPLACE = ("INSERT OR REPLACE INTO articles (id, url, title, text, content_hash, imported_at) "
           "VALUES (?, ?, 'Kỳ họp thứ 12', ?, 'h2', '2026-12-05')")


def test_insert_or_replace_by_plain_sqlite3_keeps_the_index_right(db_path):
    """SQLite fires no delete trigger for the row a REPLACE removes (recursive_triggers is
    off in Python's sqlite3 and the shell): its words stayed findable, under its id or
    under an id no row has any more."""
    _plain(_corpus(db_path), INSERT, (URL,))
    _plain(db_path, REPLACE, (1, URL, "Ủy ban nhân dân thành phố Đà Nẵng trả lời cử tri."))  # the same id
    assert URL not in _hdnd_search(db_path, "hoi dong")
    _index_is_sound(db_path)
    _plain(db_path, REPLACE, (None, URL, "Sở Nội vụ báo cáo tiến độ."))  # the same URL, a new id
    assert URL not in _hdnd_search(db_path, "da nang") and URL in _hdnd_search(db_path, "so noi vu")
    _index_is_sound(db_path)


def test_insert_or_ignore_and_upsert_keep_the_rows_entry(db_path):
    """The row an INSERT OR IGNORE or an upsert keeps stays in the index as it is."""
    _plain(_corpus(db_path), INSERT, (URL,))
    _plain(db_path, "INSERT OR IGNORE INTO articles (url, title, text, content_hash, imported_at) "
                    "VALUES (?, 'x', 'Sở Nội vụ báo cáo.', 'h3', '2026-12-05')", (URL,))
    assert URL in _hdnd_search(db_path, "hoi dong") and URL not in _hdnd_search(db_path, "so noi vu")
    _index_is_sound(db_path)
    _plain(db_path, "INSERT INTO articles (url, title, text, content_hash, imported_at) "
                    "VALUES (?, 'x', 'Sở Nội vụ báo cáo.', 'h3', '2026-12-05') "
                    "ON CONFLICT(url) DO UPDATE SET text = excluded.text", (URL,))
    assert URL in _hdnd_search(db_path, "so noi vu") and URL not in _hdnd_search(db_path, "hoi dong")
    _index_is_sound(db_path)


def _sqlite_utils_insert(db_path: Path, rows: list[dict], *options: str) -> None:
    done = subprocess.run([sys.executable, "-m", "sqlite_utils", "insert", str(db_path), "articles", "-", "--pk", "id",
                           *options], input=json.dumps(rows), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_sqlite_utils_insert_replace_keeps_the_index_right(db_path):
    row = {"url": URL, "title": "Kỳ họp thứ 12", "content_hash": "h1", "imported_at": "2026-12-05"}
    _sqlite_utils_insert(_corpus(db_path), [{**row, "text": "Hội đồng nhân dân tỉnh chất vấn."}])
    _sqlite_utils_insert(db_path, [{**row, "id": 1, "text": "Ủy ban nhân dân thành phố Đà Nẵng."}], "--replace")
    _sqlite_utils_insert(db_path, [{**row, "text": "Sở Nội vụ báo cáo."}], "--replace")
    assert URL in _hdnd_search(db_path, "so noi vu")
    assert URL not in _hdnd_search(db_path, "da nang") and URL not in _hdnd_search(db_path, "hoi dong")
    _index_is_sound(db_path)


def test_replaced_or_deleted_commitments_and_reports_leave_no_words(web_corpus, tmp_path):
    """commitments_fts and status_reports_fts (the words follow-ups are matched on, written
    by hdnd) hold no row for a commitment or report another tool replaced or deleted."""
    db = tmp_path / "hdnd.db"
    with sqlite3.connect(web_corpus) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    first, second = [row[0] for row in sqlite3.connect(db).execute("SELECT id FROM commitments ORDER BY id LIMIT 2")]
    _plain(db, "INSERT OR REPLACE INTO commitments (kind, fingerprint, quote, speaker_title, speaker_kind, created_at) "
               "SELECT kind, fingerprint, quote, speaker_title, speaker_kind, created_at FROM commitments WHERE id = ?",
           (first,))  # the same fingerprint, a new id
    _plain(db, "INSERT OR REPLACE INTO commitments (id, kind, fingerprint, quote, created_at) "
               "VALUES (?, 'promise', 'another', 'Một lời hứa khác.', '2026-12-05')", (second,))
    _plain(db, "DELETE FROM status_reports")
    conn = sqlite3.connect(db)
    words = {row[0] for row in conn.execute("SELECT rowid FROM commitments_fts")}
    assert words and first not in words and second not in words
    assert words <= {row[0] for row in conn.execute("SELECT id FROM commitments")}
    assert conn.execute("SELECT count(*) FROM status_reports_fts").fetchone() == (0,)
    conn.close()


def test_the_sqlite3_shell_can_add_an_article(db_path):
    if not shutil.which("sqlite3"):
        pytest.skip("no sqlite3 shell on this machine")
    sql = INSERT.replace("?", f"'{URL}'")
    done = subprocess.run(["sqlite3", str(_corpus(db_path)), sql + ";"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert URL in _hdnd_search(db_path, "chat van")


def test_triggers_fold_as_pipeline_fold_does_for_every_character(db_path):
    """SQL folding (for rows written without folded copies) gives hdnd's fold, character for
    character; and no character outside the blocks the migration scans is folded."""
    every = [chr(c) for c in range(0x80, 0x110000) if not 0xD800 <= c <= 0xDFFF]
    assert {c: fold(c) for c in every if fold(c) != c} == fold_map()
    text = "Hội đồng " + "".join(fold_map()) + " ĐBQH Ångström"
    _plain(_corpus(db_path), "INSERT INTO articles (url, title, text, content_hash, imported_at) "
                             "VALUES ('u', 'Đà Nẵng', ?, 'h', '2026-12-05')", (text,))
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT title_folded, text_folded FROM articles").fetchone() == ("Da Nang", fold(text))
    conn.close()


def test_an_article_written_by_hdnd_needs_no_folding_in_sql(fresh_db):
    """hdnd fills the folded copies in Python; a title changed by another tool is folded again."""
    from corpus.store import save_article
    from crawler.extract import ArticleItem

    _, article_id = save_article(fresh_db, ArticleItem(url=URL, title="Kỳ họp HĐND", text=article_text(3),
                                                       source="bao.example.vn"))
    row = fresh_db.execute("SELECT title_folded, text_folded, text FROM articles WHERE id = ?", [article_id]).fetchone()
    assert row[:2] == ("Ky hop HDND", fold(row[2]))
    fresh_db.execute("UPDATE articles SET title = 'Thường trực HĐND' WHERE id = ?", [article_id])
    assert fresh_db.execute("SELECT title_folded FROM articles").fetchone()[0] == "Thuong truc HDND"
    assert [h["id"] for h in search.search(fresh_db, "thuong truc")] == [article_id]


_WRITE_A_LONG_TEXT = """
import resource, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
with conn:
    conn.execute("INSERT INTO articles (url, title, text, content_hash, imported_at) VALUES (?, ?, ?, ?, ?)",
                 ("https://bao.example.vn/dai", "Bài dài", sys.argv[2] * 4000, "dai", "2026-12-05"))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def test_a_long_text_from_another_tool_is_folded_in_little_memory(db_path):
    """SQLite keeps a trigger's intermediate strings until it ends: folding a text whole,
    character by character, took about 3 GB for 4 million characters (23 GB for 38
    million). Folded by chunks it stays small, and the text is still found folded."""
    _corpus(db_path)
    paragraph = article_text(1)
    done = subprocess.run([sys.executable, "-c", _WRITE_A_LONG_TEXT, str(db_path), paragraph],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert len(paragraph) * 4000 > 3_000_000 and int(done.stdout) < 800, done.stdout  # MB
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT text_folded = ? FROM articles WHERE url = 'https://bao.example.vn/dai'",
                        (fold(paragraph * 4000),)).fetchone() == (1,)
    conn.close()


QUERIES = ("hoi dong nhan dan", "Hội đồng", "chat van", "PAR INDEX", "HĐND", "ky hop thu 3", "cai cach OR sipas")


def _add_articles(db) -> None:
    with db.conn:
        for seed in range(1, 7):
            db.execute("INSERT INTO articles (url, title, text, content_hash, imported_at) VALUES (?, ?, ?, ?, ?)",
                       [f"https://bao.example.vn/bai-{seed}.htm", f"Kỳ họp thứ {seed} HĐND tỉnh",
                        article_text(seed), f"h{seed}", "2026-12-05"])


def test_migrating_from_the_previous_version_keeps_search_results(db_path, tmp_path):
    """A corpus written before the folded columns (migration 13), once migrated, searches as
    a corpus that had them from the start."""
    previous = connect(db_path, migrate_schema=False)
    migrate(previous, [m for m in MIGRATIONS if m[0] < 13])
    _add_articles(previous)
    previous.conn.close()
    fresh = connect(tmp_path / "fresh.db")
    _add_articles(fresh)
    expected = {q: search.search(fresh, q) for q in QUERIES}
    fresh.conn.close()

    db = connect(db_path)
    assert {q: search.search(db, q) for q in QUERIES} == expected
    assert all(expected[q] for q in QUERIES)
    triggers = [row[0] for row in db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%articles%'")]
    assert triggers and not [sql for sql in triggers if "hdnd_" in sql]
    db.conn.close()
    _index_is_sound(db_path)


def _start(command: list[str], log: Path, port: int) -> subprocess.Popen:
    """A server as its user starts it, output to a file; waits until it answers."""
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            if get(f"http://127.0.0.1:{port}/-/versions.json")[0] == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.terminate()
            pytest.fail("the server did not start: " + log.read_text())
        time.sleep(0.2)


def test_datasette_on_the_file_loads_hdnds_plugin(db_path):
    _plain(_corpus(db_path), INSERT, (URL,))
    port = free_port()
    process = _start([sys.executable, "-m", "datasette", str(db_path), "-h", "127.0.0.1", "-p", str(port)],
                     db_path.parent / "datasette.log", port)
    try:
        status, body = get(f"http://127.0.0.1:{port}/-/search?q=hoi+dong")
        assert status == 200 and URL in body.decode("utf-8")
        status, body = get(f"http://127.0.0.1:{port}/hdnd/articles.json?_search=chat+van&_shape=array&_col=url")
        assert status == 200 and [row["url"] for row in json.loads(body)] == [URL]
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_hdnd_serve_registers_its_plugin_once(db_path):
    with serving(_corpus(db_path)) as port:
        status, body = get(f"http://127.0.0.1:{port}/-/plugins.json")
    ours = [p for p in json.loads(body) if "register_routes" in p["hooks"]]
    assert status == 200 and len(ours) == 1 and ours[0]["name"] == "hdnd"


def test_sqlite_utils_gets_hdnd_fold(db_path):
    done = subprocess.run([sys.executable, "-m", "sqlite_utils", "query", str(_corpus(db_path)),
                           "SELECT hdnd_fold('Hội đồng') AS folded"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"folded": "Hoi dong"}]


TITLE_WORDS = "cong bo ket qua chi so cai cach"  # article 1's title, folded: no other article has it


def _titled(db_path: Path, url: str) -> bool:
    """Whether ``hdnd search`` finds the article at ``url`` by its title's words."""
    return url in _hdnd_search(db_path, TITLE_WORDS)


def _url(db_path: Path, article_id: int) -> str:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT url FROM articles WHERE id = ?", (article_id,)).fetchone()[0]
    finally:
        conn.close()


def test_an_articles_new_id_takes_everything_kept_of_it_along(web_corpus, tmp_path):
    """UPDATE of an article's id by plain sqlite3 (foreign keys off): its search entry, analysis,
    signature and bands follow it; nothing is left under the old id, nothing is lost."""
    db = _copy(web_corpus, tmp_path)
    before, url = _derived(db), _url(db, 1)
    _plain(db, "UPDATE articles SET id = 900 WHERE id = 1")
    assert _titled(db, url) and _derived(db) == before
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM mentions WHERE article_id = 900").fetchone()[0] > 0
    assert conn.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'title_folded: \"cai cach\"'").fetchall() == [
        (900,)]
    conn.close()


def test_update_or_replace_onto_another_articles_url_or_id_removes_that_article_whole(web_corpus, tmp_path):
    """The row an UPDATE OR REPLACE removes (another article's URL or id taken) leaves no search
    entry, analysis, signature or bands; the row updated keeps its own."""
    db = _copy(web_corpus, tmp_path)
    before, first, third = _derived(db), _url(db, 1), _url(db, 3)
    _plain(db, "UPDATE OR REPLACE articles SET url = ? WHERE id = 3", (first,))  # article 1 removed
    assert _titled(db, first) is False and _url(db, 3) == first
    assert "PAR INDEX" in _hdnd_search(db, "par index")
    after = _derived(db)
    assert after["mentions"] < before["mentions"] and after["article_signatures"] == 3 and after["article_lsh"] == 75
    _plain(db, "UPDATE OR REPLACE articles SET id = 4 WHERE id = 3")  # article 4 removed, 3 becomes 4
    assert _derived(db)["article_signatures"] == 2 and "PAR INDEX" in _hdnd_search(db, "par index")
    assert "dai doan ket" not in _hdnd_search(db, "dai doan ket").lower() and third


def test_an_article_deleted_or_replaced_by_plain_sqlite3_leaves_nothing_behind(web_corpus, tmp_path):
    """With foreign keys off nothing cascades: the analysis, signature and near-duplicate bands of
    an article deleted, or replaced by INSERT OR REPLACE under a new id, are removed by triggers."""
    db = _copy(web_corpus, tmp_path)
    first = _url(db, 1)
    _plain(db, "DELETE FROM articles WHERE id = 2")
    counts = _derived(db)
    assert counts["turns"] == 0 and counts["article_signatures"] == 3 and counts["article_lsh"] == 75
    _plain(db, "INSERT OR REPLACE INTO articles (url, title, text, content_hash, imported_at) "
               "VALUES (?, 'Tin khác', 'Sở Nội vụ báo cáo tiến độ.', 'h9', '2026-12-05')", (first,))
    counts = _derived(db)
    assert counts["article_signatures"] == 2 and counts["article_lsh"] == 50 and counts["index_values"] < 5
    assert not _titled(db, first) and first in _hdnd_search(db, "so noi vu")


def test_records_renumbered_or_replaced_by_plain_sqlite3_keep_their_search_entries(web_corpus, tmp_path):
    """Promises, people, index results and reports: a changed id moves the search entry and the
    words; a REPLACE onto another's id, fingerprint or name removes the other's entry and words."""
    db = _copy(web_corpus, tmp_path)
    words = _derived(db)["commitments_fts"]
    for sql in ("UPDATE commitments SET id = 70 WHERE id = 1", "UPDATE persons SET id = 70 WHERE id = 2",
                "UPDATE index_values SET id = 70 WHERE id = 1", "UPDATE status_reports SET id = 70 WHERE id = 1",
                "UPDATE OR REPLACE commitments SET id = 4 WHERE id = 3",
                "UPDATE OR REPLACE commitments SET fingerprint = (SELECT fingerprint FROM commitments WHERE id = 5) "
                "WHERE id = 6",
                "INSERT OR REPLACE INTO commitments (kind, fingerprint, quote, created_at) "
                "SELECT kind, fingerprint, 'Một lời hứa khác.', created_at FROM commitments WHERE id = 7",
                "UPDATE OR REPLACE persons SET name = 'Hoàng Văn Nam' WHERE id = 3",
                "INSERT OR REPLACE INTO persons (name) VALUES ('Ngô Quang Vinh')"):
        _plain(db, sql)
        _derived(db)
    counts = _derived(db)
    assert counts["commitments_fields"] == 5 and counts["persons_fields"] == 6 and counts["status_reports_fts"] == 1
    assert words - 3 <= counts["commitments_fts"] < words
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT rowid FROM persons_fields WHERE persons_fields MATCH 'Gau'").fetchall() == [(70,)]
    conn.close()


def test_sqlite_utils_with_recursive_triggers_keeps_every_derived_table_right(web_corpus, tmp_path):
    """sqlite-utils turns recursive triggers on: a REPLACE fires delete triggers too."""
    db = _copy(web_corpus, tmp_path)
    first = _url(db, 1)
    for sql in ("UPDATE OR REPLACE articles SET id = 1 WHERE id = 4", "UPDATE articles SET id = 40 WHERE id = 3",
                "UPDATE OR REPLACE commitments SET id = 2 WHERE id = 1"):
        done = subprocess.run([sys.executable, "-m", "sqlite_utils", "query", str(db), sql], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    counts = _derived(db)
    assert not _titled(db, first) and counts["article_signatures"] == 3 and counts["commitments_fields"] == 6


def test_the_sqlite3_shell_renumbers_an_article(web_corpus, tmp_path):
    if not shutil.which("sqlite3"):
        pytest.skip("no sqlite3 shell on this machine")
    db = _copy(web_corpus, tmp_path)
    before, url = _derived(db), _url(db, 1)
    done = subprocess.run(["sqlite3", str(db), "UPDATE articles SET id = 77 WHERE id = 1;"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert _titled(db, url) and _derived(db) == before


def _sqlite_utils(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "sqlite_utils", *args], input=stdin, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


def _triggers(db_path: Path) -> set[str]:
    conn = sqlite3.connect(db_path)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    finally:
        conn.close()


def test_hdnd_repairs_what_sqlite_utils_transform_dropped(web_corpus, tmp_path):
    """sqlite-utils transform rebuilds a table without its triggers; an article added and one
    deleted by plain sqlite3 after it leave the search index and the rest wrong. The next hdnd
    command re-creates the triggers and rebuilds what they keep, saying so in one sentence; the
    one after says nothing."""
    db = _copy(web_corpus, tmp_path)
    every = _triggers(db)
    _sqlite_utils("transform", str(db), "articles", "--column-order", "url")
    lost = every - _triggers(db)
    assert lost == {t for t in every if t.startswith("articles_")} - {"articles_fts_folding_run"}
    _plain(db, INSERT, (URL,))
    _plain(db, "DELETE FROM articles WHERE id = 4")
    done = subprocess.run([sys.executable, "-m", "corpus", "search", "chat van", "--db", str(db)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and URL in done.stdout
    assert re.fullmatch(rf"\S+hdnd\.db: another tool dropped {len(lost)} of hdnd's triggers with the tables it rebuilt "
                        r"\(articles\); they are back and what they keep was rebuilt from the rows\.\n", done.stderr), done.stderr
    assert _triggers(db) == every
    assert _derived(db)["article_signatures"] == 3
    again = subprocess.run([sys.executable, "-m", "corpus", "search", "chat van", "--db", str(db)], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and again.stderr == "" and URL in again.stdout


def test_the_next_sqlite_utils_command_repairs_before_it_writes(web_corpus, tmp_path):
    """hdnd's sqlite-utils plugin repairs when sqlite-utils opens the corpus: a promise written by
    plain sqlite3 after a transform gets its body and search entry at the next command, and an
    article inserted by sqlite-utils right after a transform is indexed by the triggers."""
    db = _copy(web_corpus, tmp_path)
    _sqlite_utils("transform", str(db), "commitments", "--column-order", "kind")
    _plain(db, "INSERT INTO commitments (kind, fingerprint, quote, speaker_title, speaker_kind, created_at) "
               "VALUES ('promise', 'moi', 'Sở Nội vụ cam kết số hóa hồ sơ.', 'Giám đốc SỞ NỘI VỤ', 'person', '2026-12-05')")
    assert "(commitments)" in _sqlite_utils("transform", str(db), "articles", "--column-order", "url").stderr
    row = {"url": URL, "title": "Kỳ họp", "text": "Hội đồng nhân dân tỉnh chất vấn.", "content_hash": "h",
           "imported_at": "2026-12-05"}
    assert "(articles)" in _sqlite_utils("insert", str(db), "articles", "-", stdin=json.dumps([row])).stderr
    conn = sqlite3.connect(db)
    assert (URL,) in conn.execute("SELECT a.url FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
                                  "WHERE articles_fts MATCH 'text_folded: \"chat van\"'").fetchall()
    assert conn.execute("SELECT body_written, body FROM commitments WHERE fingerprint = 'moi'").fetchone() == (
        "SỞ NỘI VỤ", "Sở Nội vụ")  # the body's spelling in the rows already there
    conn.close()
    assert _derived(db)["commitments_fields"] == 8


def _search_json(port: int, query: str, group: str) -> tuple[list[int], int]:
    """The ids of a group's hits on the served corpus's /-/search.json, and its total."""
    status, body = get(f"http://127.0.0.1:{port}/-/search.json?q={urllib.parse.quote(query)}")
    assert status == 200, body
    found = json.loads(body)["groups"][group]
    return [hit["id"] for hit in found["hits"]], found["total"]


def test_a_replace_onto_another_persons_name_or_promises_fingerprint_is_neither_found_nor_counted(web_corpus, tmp_path):
    """SQLite removes the row a REPLACE displaces without a delete trigger: its per-field search
    entry stayed, and the web search counted a person or promise that is gone."""
    db = _copy(web_corpus, tmp_path)
    _plain(db, "UPDATE OR REPLACE persons SET name = 'Ngô Quang Vinh' WHERE id = 2")  # person 7 removed
    _plain(db, "INSERT OR REPLACE INTO commitments (kind, fingerprint, quote, created_at) "
               "SELECT kind, fingerprint, 'Sở Nội vụ số hóa hồ sơ.', created_at FROM commitments WHERE id = 5")
    counts = _derived(db)
    assert counts["persons_fields"] == 6 and counts["commitments_fields"] == 7
    with serving(db) as port:
        assert _search_json(port, "ngo quang vinh", "people") == ([2], 1)
        assert _search_json(port, "ban giao toan bo mat bang", "promises") == ([], 0)


def test_hdnd_repairs_the_record_indexes_sqlite_utils_transform_dropped(web_corpus, tmp_path):
    """After sqlite-utils transform of promises, people and index results, rows written and deleted
    by plain sqlite3 left their per-field indexes wrong; opening the corpus rebuilds them."""
    db = _copy(web_corpus, tmp_path)
    every = _triggers(db)
    rebuilding = sqlite_utils.Database(db, execute_plugins=False)  # as three commands in a row, none repairing
    for table in ("commitments", "persons", "index_values"):
        rebuilding[table].transform(column_order=["id"])
    rebuilding.close()
    assert {t for t in every - _triggers(db) if "_fields_" in t} >= {
        f"{table}_fields_{event}" for table in ("commitments", "persons", "index_values")
        for event in ("insert", "update", "delete")}
    _plain(db, "INSERT INTO persons (name, title) VALUES ('Đinh Văn Cường', 'Giám đốc Sở Tài chính')")
    _plain(db, "DELETE FROM commitments WHERE id = 5")
    _plain(db, "UPDATE index_values SET entity = 'Quảng Trị' WHERE id = 1")
    with serving(db) as port:
        assert _search_json(port, "dinh van cuong", "people")[1] == 1
        assert _search_json(port, "ban giao toan bo mat bang", "promises") == ([], 0)
        assert _search_json(port, "quang tri", "index_values") == ([1], 1)
    log = "".join(path.read_text() for path in tmp_path.glob("serve-*.log"))
    assert "(commitments, index_values, persons); they are back" in log
    assert _triggers(db) == every
    counts = _derived(db)
    assert counts["persons_fields"] == 8 and counts["commitments_fields"] == 6


def test_migrating_drops_the_old_record_indexes_and_the_entries_replaces_left(db_path):
    """A corpus written under migration 22, where a REPLACE by fingerprint left an entry behind:
    migrated, its per-field entries are the rows' and migration 18's indexes are gone."""
    previous = connect(db_path, migrate_schema=False)
    migrate(previous, [m for m in MIGRATIONS if m[0] <= 22])
    previous.conn.close()
    promise = ("INSERT OR REPLACE INTO commitments (kind, fingerprint, quote, created_at) "
               "VALUES ('commitment', 'f1', ?, '2026-12-05')")
    _plain(db_path, promise, ("Sở Xây dựng hoàn thành cải tạo.",))
    _plain(db_path, promise, ("Sở Nội vụ số hóa hồ sơ.",))
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM commitments_fields").fetchone() == (2,)
    conn.close()
    connect(db_path).conn.close()
    assert _derived(db_path)["commitments_fields"] == 1


def _drop_one_trigger(db_path: Path) -> set[str]:
    """A trigger of the articles dropped by plain sqlite3, as a tool rebuilding the table would; the triggers left."""
    lost = sorted(t for t in _triggers(db_path) if t.startswith("articles_"))[0]
    _plain(db_path, f"DROP TRIGGER {lost}")
    return _triggers(db_path)


def test_a_read_only_connection_reads_a_corpus_that_lost_a_trigger_and_writes_nothing(web_corpus, tmp_path):
    """sqlite-utils (and its hdnd plugin) on a read-only connection, and the served pages on
    Datasette's, read a corpus that lost a trigger while the server ran; nothing is repaired
    or written, and the next writing command repairs."""
    db = _copy(web_corpus, tmp_path)
    with serving(db) as port:
        left = _drop_one_trigger(db)
        assert _search_json(port, "chat van", "articles")[1] > 0
        assert get(f"http://127.0.0.1:{port}/")[0] == 200
    read_only = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    assert search.search(sqlite_utils.Database(read_only), "chat van")
    read_only.close()
    assert _triggers(db) == left
    connect(db).conn.close()
    assert len(_triggers(db)) == len(left) + 1


def test_another_applications_file_with_our_user_version_is_left_alone(tmp_path):
    """The sqlite-utils plugin repairs only an hdnd corpus, not any file whose user_version matches hdnd's."""
    other = tmp_path / "notes.db"
    _plain(other, "CREATE TABLE notes (body TEXT)")
    _plain(other, "INSERT INTO notes VALUES ('ghi chú')")
    _plain(other, f"PRAGMA user_version = {MIGRATIONS[-1][0]}")
    done = _sqlite_utils("rows", str(other), "notes")
    assert json.loads(done.stdout) == [{"body": "ghi chú"}] and done.stderr == ""
    assert _triggers(other) == set()


def test_the_command_that_rebuilds_the_search_index_says_so_once(db_path):
    """A corpus made before the prefix index (migration 25): the first command after upgrading
    rebuilds the search index, and says so in one sentence first; the next says nothing."""
    previous = connect(db_path, migrate_schema=False)
    migrate(previous, [m for m in MIGRATIONS if m[0] < 25])
    _add_articles(previous)
    previous.conn.close()
    first = subprocess.run([sys.executable, "-m", "corpus", "search", "hoi dong", "--db", str(db_path)], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert first.returncode == 0 and "bai-" in first.stdout, first.stderr
    assert re.fullmatch(r"\S+hdnd\.db: rebuilding the search index of 6 articles for migration 25 \(prefix indexes in "
                        r"the article search index\); this runs once and may take a while\.\n", first.stderr), first.stderr
    again = subprocess.run([sys.executable, "-m", "corpus", "search", "hoi dong", "--db", str(db_path)], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and again.stderr == "" and again.stdout == first.stdout
