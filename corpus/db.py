"""Opening the corpus: one SQLite file, WAL, foreign keys, our SQL functions, migrated.

Every connection to a corpus goes through ``connect`` so that ``hdnd_fold`` (used by the
search index) exists and readers wait instead of failing while a writer commits.
"""

from __future__ import annotations

import errno
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import sqlite_utils

from corpus.migrations import migrate
from pipeline import fold, person_key

DEFAULT_DB = "hdnd.db"
BUSY_TIMEOUT_MS = 60_000


class CorpusError(Exception):
    """A problem the user can act on, said in one sentence."""


def disk_full(err: BaseException) -> bool:
    """Whether ``err`` says the disk (or the database's size limit) is full: SQLite's
    SQLITE_FULL or the operating system's ENOSPC. A run stops at once on it."""
    if isinstance(err, sqlite3.Error):
        return getattr(err, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "is full" in str(err)
    return isinstance(err, OSError) and err.errno == errno.ENOSPC


def now() -> str:
    """The time a row is written, in UTC (ISO 8601, seconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _on_text(fn):
    """An SQL function applying ``fn`` to text values and passing others (NULL) through."""
    return lambda value: fn(value) if isinstance(value, str) else value


def prepare_connection(conn: sqlite3.Connection) -> None:
    """Register the SQL functions the schema uses (also used by the web server)."""
    conn.create_function("hdnd_fold", 1, _on_text(fold), deterministic=True)
    conn.create_function("hdnd_person_key", 1, _on_text(person_key), deterministic=True)


def connect(path: str | Path = DEFAULT_DB, *, migrate_schema: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the corpus at ``path``."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise CorpusError(f"{path} is a folder, not a database file.")
    if not path.parent.exists():
        raise CorpusError(f"cannot create {path}: the folder {path.parent} does not exist.")
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        prepare_connection(conn)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        db = sqlite_utils.Database(conn)
        if migrate_schema:
            migrate(db)
    except sqlite3.DatabaseError as err:
        raise CorpusError(f"{path} cannot be opened as an hdnd corpus ({err}).") from err
    return db


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite3.Connection]:
    """One write transaction: all of it lands, or none of it."""
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def insert_row(conn: sqlite3.Connection, table: str, row: dict) -> int:
    """Insert ``row`` (column → value) into ``table``; returns the new rowid."""
    columns = ", ".join(f'"{c}"' for c in row)
    return conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})",
                        tuple(row.values())).lastrowid
