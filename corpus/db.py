"""Opening the corpus: one SQLite file, WAL, foreign keys, our SQL functions, migrated.

Every connection to a corpus goes through ``connect`` so that readers wait instead of
failing while a writer commits and hdnd's SQL functions (``hdnd_fold``, for queries and
migrations) exist; no write needs them, so any SQLite tool can write the file too. Every
write goes through ``transaction``, which waits its turn while another process writes.
Another application's SQLite file is left as it is unless the caller asks to adopt it.
"""

from __future__ import annotations

import errno
import sqlite3
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import sqlite_utils

from corpus.migrations import MIGRATIONS, database_file, migrate, rebuilt, triggers
from pipeline import fold, person_key

DEFAULT_DB = "hdnd.db"
BUSY_TIMEOUT_MS = 60_000
MAX_ROW_ID = 2**63 - 1  # SQLite's largest integer


class CorpusError(Exception):
    """A problem the user can act on, said in one sentence."""


class CorpusUnwritable(CorpusError):
    """No write can succeed for now, and every later one would fail (or wait) as long: a
    batch (import, crawl, process) stops at it instead of trying each of its documents.
    ``short`` says why in a few words, for the document in hand."""

    short = "the corpus cannot be written"


class CorpusBusy(CorpusUnwritable):
    """Another process kept the corpus locked for longer than a writer waits."""

    short = "the corpus stayed locked"


class CorpusFull(CorpusUnwritable):
    """The disk holding the corpus (or the database's own size limit) is full."""

    short = "the disk is full"


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
    def apply(value):
        return fn(value) if isinstance(value, str) else value
    return apply


def prepare_connection(conn: sqlite3.Connection) -> None:
    """Register hdnd's SQL functions: for queries (the web server's, ``hdnd query``'s) and
    for migrations that fill a column from Python; the schema's triggers use none."""
    conn.create_function("hdnd_fold", 1, _on_text(fold), deterministic=True)
    conn.create_function("hdnd_person_key", 1, _on_text(person_key), deterministic=True)


def connect(path: str | Path = DEFAULT_DB, *, migrate_schema: bool = True, adopt: bool = False) -> sqlite_utils.Database:
    """Open (creating if needed) and migrate the corpus at ``path``. A file holding another
    application's tables is refused untouched unless ``adopt``: then hdnd's tables are added
    beside them."""
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
        if not adopt and foreign(conn):
            conn.close()
            raise CorpusError(f"{path} is another application's SQLite database, not an hdnd corpus, so it was left "
                              "unchanged; --migrate adds the corpus tables beside its own.")
        db = sqlite_utils.Database(conn, execute_plugins=False)  # hdnd's plugin would repair before migrating
        if migrate_schema:
            migrate(db)  # before WAL: a migration that fails leaves another application's file as it was
        repair(conn)
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as err:
        raise CorpusError(f"{path} cannot be opened as an hdnd corpus ({err}).") from err
    return db


def _lost(conn: sqlite3.Connection) -> dict[str, str]:
    """The triggers of the migrations that the corpus lacks (name → creating statement); none
    for a file that is not an up-to-date corpus, whose triggers are the migrations' business,
    nor for another application's file whose user_version happens to match ours."""
    if conn.execute("PRAGMA user_version").fetchone()[0] != MIGRATIONS[-1][0] or foreign(conn):
        return {}
    present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    return {name: sql for name, (_, sql) in triggers().items() if name not in present}


def repair(conn: sqlite3.Connection) -> None:
    """Re-create the triggers a tool dropped with the table it rebuilt (``sqlite-utils
    transform`` creates a new table, copies, drops the old one, renames), after rebuilding what
    they keep from the rows written meanwhile, in one transaction; one sentence on stderr
    says so. Costs one read of the schema when nothing is lost (every open). A read-only
    connection (Datasette's, a ``mode=ro`` file) reads without them; the next writer repairs."""
    if conn.execute("PRAGMA query_only").fetchone()[0] or not _lost(conn):
        return
    begin(conn)
    try:
        lost = _lost(conn)  # another process may have repaired it while this one waited
        tables = {table for name, (table, _) in triggers().items() if name in lost}
        for statement in [*rebuilt(tables), *lost.values()]:
            conn.execute(statement)
        conn.execute("COMMIT")
    except sqlite3.OperationalError as err:
        conn.execute("ROLLBACK")
        if err.sqlite_errorcode & 0xFF != sqlite3.SQLITE_READONLY:
            raise
        return  # SQLite opened the file read-only: nothing was written
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    if lost:
        print(f"{database_file(conn)}: another tool dropped {len(lost)} of hdnd's triggers with the tables it rebuilt "
              f"({', '.join(sorted(tables))}); they are back and what they keep was rebuilt from the rows.",
              file=sys.stderr)


def foreign(conn: sqlite3.Connection) -> bool:
    """Whether the file holds tables but no record of hdnd's first migration: another
    application's database, which opening must not change (not even its journal mode)."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return False
    if "schema_migrations" not in tables:
        return True
    try:
        first = conn.execute("SELECT name FROM schema_migrations WHERE version = 1").fetchone()
    except sqlite3.OperationalError:  # another tool's table of that name, without our columns
        return True
    return first is None or first[0] != MIGRATIONS[0][1]


def dict_rows(db: sqlite_utils.Database, sql: str, params: tuple = ()) -> list[dict]:
    """The rows of ``sql`` as dicts of column name to value (the record pages read many queries)."""
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def row_id(text: str) -> int | None:
    """The row id ``text`` names, or None when it names no row: not a whole number, or one
    beyond SQLite's integers (SQLite would refuse it, and Python to read over 4,300 digits)."""
    if not text.isdecimal():
        return None
    digits = text.lstrip("0") or "0"
    if len(digits) > len(str(MAX_ROW_ID)):
        return None
    value = int(digits)
    return value if value <= MAX_ROW_ID else None


# Connections (by id) inside ``batch``: their transactions are savepoints of the batch's one.
_batched: set[int] = set()


@contextmanager
def batch(db: sqlite_utils.Database) -> Iterator[None]:
    """One write transaction around many: each ``transaction`` inside it is a savepoint, so
    a document that fails leaves nothing behind, and the batch commits once (for small
    documents a commit each costs more than storing them)."""
    with transaction(db):
        _batched.add(id(db.conn))
        try:
            yield
        finally:
            _batched.discard(id(db.conn))


@contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A transaction inside ``batch``: undone alone when it fails, the batch going on."""
    conn.execute("SAVEPOINT hdnd_transaction")
    try:
        yield conn
    except BaseException as err:
        if conn.in_transaction:  # a full disk may have rolled the whole batch back already
            conn.execute("ROLLBACK TO hdnd_transaction")
            conn.execute("RELEASE hdnd_transaction")
        if disk_full(err):
            raise _full(conn, err) from err
        raise
    conn.execute("RELEASE hdnd_transaction")


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite3.Connection]:
    """One write transaction: all of it lands, or none of it. A full disk raises CorpusFull,
    so that every writer stops on it with the same sentence. Inside ``batch``, a savepoint."""
    conn = db.conn
    if id(conn) in _batched:
        with _savepoint(conn):
            yield conn
        return
    begin(conn)
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as err:
        if conn.in_transaction:  # SQLite has already rolled back on some errors (a full disk)
            conn.execute("ROLLBACK")
        if disk_full(err):
            raise _full(conn, err) from err
        raise


def begin(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, tried again with growing pauses while another process holds the
    lock: SQLite's own wait (busy_timeout) does not apply when the connection's snapshot
    went stale under another writer's commit, which fails at once. After BUSY_TIMEOUT_MS
    in all, one sentence says so; nothing of the transaction has been written."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as err:
            if disk_full(err):
                raise _full(conn, err) from err
            if not busy(err):
                raise
            if time.monotonic() + pause > deadline:
                raise CorpusBusy(f"{database_file(conn)} stayed locked by another process for {BUSY_TIMEOUT_MS // 1000} s, "
                                 "so nothing more was written; run the command again when that process has finished.") from err
        time.sleep(pause)
        pause = min(pause * 2, 0.5)


def _full(conn: sqlite3.Connection, err: BaseException) -> CorpusFull:
    """The one sentence for a write that found the disk full."""
    return CorpusFull(f"the disk holding {database_file(conn)} is full ({err}), so nothing more was written; "
                      "run the command again once there is room.")


def busy(err: sqlite3.Error) -> bool:
    """Whether ``err`` is SQLite saying another connection holds the lock (SQLITE_BUSY or
    SQLITE_LOCKED, with any extended code such as BUSY_SNAPSHOT)."""
    code = getattr(err, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(err) or "busy" in str(err)


def insert_row(conn: sqlite3.Connection, table: str, row: dict) -> int:
    """Insert ``row`` (column → value) into ``table``; returns the new rowid."""
    columns = ", ".join(f'"{c}"' for c in row)
    return conn.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})",
                        tuple(row.values())).lastrowid
