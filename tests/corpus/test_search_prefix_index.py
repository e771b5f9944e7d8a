"""A migration gives the search index prefix indexes (two and three characters): a corpus made
before it finds the same articles, in the same order and with the same scores, and the rebuilt
index still follows every write another SQLite tool makes."""

from __future__ import annotations

import sqlite_utils

from corpus.migrations import MIGRATIONS, migrate
from corpus.search import search
from tests.corpus.test_search import DOCS

PREFIX_INDEX = next(version for version, name, _ in MIGRATIONS if name.startswith("prefix indexes"))
# Prefixes of two and three characters (read from their own index), of one and four (gathered from
# every syllable as before), exact and folded, beside phrases, words, AND and OR.
QUERIES = ["ch*", "chu*", "chuyen doi s*", "chuyển đổi s*", "đầu t*", "h*", "ngân*", "dau tu", "Hội đồng",
           "nhân AND dân", '"cử tri" OR "đầu tư"', "hoi dong nhan dan OR ha t*"]


def _found(db: sqlite_utils.Database) -> dict[str, list[tuple[int, float]]]:
    return {query: [(hit["id"], hit["score"]) for hit in search(db, query)] for query in QUERIES}


def _write(db: sqlite_utils.Database, rows) -> None:
    """Articles written with plain SQL and no folded copies, as another tool would: triggers fold them."""
    db.conn.executemany("INSERT INTO articles (id, url, title, text, content_hash, kind, imported_at) "
                        "VALUES (?, ?, ?, ?, ?, 'article', '2026-01-01')",
                        [(n, f"https://bao.example.vn/{key}", title, text, key) for n, key, title, text in rows])
    db.conn.commit()


def test_a_corpus_made_before_the_prefix_index_finds_the_same_and_the_index_follows_writes(tmp_path):
    db = sqlite_utils.Database(tmp_path / "old.db")
    migrate(db, [m for m in MIGRATIONS if m[0] < PREFIX_INDEX])
    rows = [(n + 1, key, title, text) for n, (key, (title, text)) in enumerate(DOCS.items())]
    _write(db, rows[:-1])
    before = _found(db)
    assert sum(bool(hits) for hits in before.values()) == len(QUERIES)
    assert PREFIX_INDEX in migrate(db)
    assert "prefix='2 3'" in db.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()[0]
    assert _found(db) == before

    _write(db, rows[-1:])  # "dong": Đồng Nai
    db.conn.execute("UPDATE articles SET title = 'Ngân sách xã' WHERE id = 1")
    db.conn.execute("DELETE FROM articles WHERE id = 2")
    db.conn.commit()
    assert [hit["id"] for hit in search(db, "ngan s*")] == [1]
    assert [hit["id"] for hit in search(db, "nai co*")] == [len(rows)]
    assert search(db, "đầu t*") == []  # article 2 alone held it
    assert 1 not in {hit["id"] for hit in search(db, "Kỳ h*")}
    db.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')")  # prefix lists included
