"""Recorded forward migrations of the corpus schema.

Each migration runs once, in order, inside one transaction, and is recorded in
``schema_migrations``; ``PRAGMA user_version`` mirrors the highest applied number so any
SQLite tool can tell the schema version. Never edit an applied migration: add one.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

import sqlite_utils

Migration = tuple[int, str, str]

MIGRATIONS: list[Migration] = [
    (
        1,
        "articles, sources, runs and the two-column search index",
        """
        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            domain TEXT NOT NULL UNIQUE,
            name TEXT
        );
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,
            source_id INTEGER REFERENCES sources(id),
            title TEXT,
            lead TEXT,
            author TEXT,
            published TEXT,
            section TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            language TEXT,
            text TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'article',
            encoding TEXT,
            raw_html BLOB,
            imported_at TEXT NOT NULL,
            updated_at TEXT,
            pipeline_version TEXT,
            processed_at TEXT
        );
        CREATE INDEX articles_content_hash ON articles(content_hash);
        CREATE INDEX articles_published ON articles(published);
        CREATE INDEX articles_source ON articles(source_id);
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            command TEXT NOT NULL,
            args TEXT NOT NULL DEFAULT '{}',
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL DEFAULT 'running',
            counts TEXT NOT NULL DEFAULT '{}',
            problems TEXT NOT NULL DEFAULT '[]'
        );
        -- The index stores no text of its own: its content is this view, whose folded
        -- columns (marks stripped, đ→d) are computed by hdnd_fold(), a function every
        -- connection registers (corpus.db.connect).
        CREATE VIEW articles_fts_content AS
            SELECT id, title, text, hdnd_fold(title) AS title_folded, hdnd_fold(text) AS text_folded
            FROM articles;
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, title_folded, text_folded,
            content='articles_fts_content', content_rowid='id',
            tokenize='unicode61 remove_diacritics 0'
        );
        CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text, title_folded, text_folded)
            VALUES (new.id, new.title, new.text, hdnd_fold(new.title), hdnd_fold(new.text));
        END;
        CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text, title_folded, text_folded)
            VALUES ('delete', old.id, old.title, old.text, hdnd_fold(old.title), hdnd_fold(old.text));
        END;
        CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text, title_folded, text_folded)
            VALUES ('delete', old.id, old.title, old.text, hdnd_fold(old.title), hdnd_fold(old.text));
            INSERT INTO articles_fts(rowid, title, text, title_folded, text_folded)
            VALUES (new.id, new.title, new.text, hdnd_fold(new.title), hdnd_fold(new.text));
        END;
        """,
    ),
]


def current_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database, migrations: list[Migration] | None = None,
            now: Callable[[], str] | None = None) -> list[int]:
    """Apply the migrations the file has not seen yet; returns their numbers.

    Runs under BEGIN IMMEDIATE so that two processes opening a new file at once do not
    both create the schema.
    """
    migrations = MIGRATIONS if migrations is None else migrations
    if migrations and current_version(db) >= max(m[0] for m in migrations):
        return []  # up to date: no write lock taken, so readers never wait on writers here
    stamp = now or (lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    applied: list[int] = []
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
        for version, name, sql in migrations:
            if version in done:
                continue
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (version, name, stamp()),
            )
            conn.execute(f"PRAGMA user_version = {int(version)}")
            applied.append(version)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return applied


def _statements(sql: str) -> list[str]:
    """Split a migration into statements; trigger bodies contain semicolons."""
    import sqlite3

    statements, current = [], ""
    for line in sql.strip().splitlines():
        if line.strip().startswith("--"):
            continue
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements
