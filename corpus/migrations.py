"""Recorded forward migrations of the corpus schema.

Each migration runs once, in order, inside one transaction, and is recorded in
``schema_migrations``; ``PRAGMA user_version`` mirrors the highest applied number so any
SQLite tool can tell the schema version. Never edit an applied migration: add one.
"""

from __future__ import annotations

import re
import sqlite3
import sys
import unicodedata
from datetime import datetime, timezone
from functools import lru_cache
from itertools import chain
from typing import Callable

import sqlite_utils

from pipeline import fold
from pipeline.resources import abbreviations, body_heads

Migration = tuple[int, str, str]
# The Unicode blocks that hold every character pipeline.fold changes: Latin-1 Supplement,
# Latin Extended-A and -B, Latin Extended Additional (Vietnamese), Letterlike Symbols (the
# Kelvin and Ångström signs). tests/corpus/test_plain_sqlite.py checks that no other folds.
FOLDING_BLOCKS = (range(0x80, 0x250), range(0x1E00, 0x1F00), range(0x2100, 0x2150))
# SQLite's parser takes about 33 nested calls in one statement; each statement folds this many characters.
REPLACES_PER_STATEMENT = 24


def fold_map() -> dict[str, str]:
    """Every character ``pipeline.fold`` changes, and the one it becomes."""
    return {char: folded for char in map(chr, chain(*FOLDING_BLOCKS)) if (folded := fold(char)) != char}


def _replaced(expr: str, pairs) -> str:
    """``expr`` with each (character, replacement) of ``pairs`` replaced, as nested replace()."""
    for char, new in pairs:
        expr = f"replace({expr}, '{char}', '{new}')"
    return expr


def _folding_statements() -> str:
    """UPDATE statements that fold title and text of articles_fts_folding's row ``new.id``
    as pipeline.fold does, one nested replace() per character (fold changes one character
    for one, and what it yields it leaves alone, so the order does not matter)."""
    pairs = sorted(fold_map().items())
    statements = []
    for start in range(0, len(pairs), REPLACES_PER_STATEMENT):
        step = pairs[start:start + REPLACES_PER_STATEMENT]
        title, text = _replaced("title", step), _replaced("text", step)
        statements.append(f"UPDATE articles_fts_folding SET title = {title}, text = {text} WHERE id = new.id;")
    return "\n".join(statements)


FOLDING_CHUNK = 65536
# Inside a trigger's UPDATE and a subquery the parser has less room left for nesting.
REPLACES_PER_STAGE = 12


def _folded(value: str) -> str:
    """A scalar subquery that folds ``value`` as pipeline.fold does, a chunk of
    ``FOLDING_CHUNK`` characters at a time: each stage applies ``REPLACES_PER_STAGE``
    nested replace() to every chunk and the chunks are joined in order. In one expression
    SQLite keeps every intermediate string of a trigger until the trigger ends, so folding
    a 38-million-character text whole took 23 GB; by chunks it takes a few hundred MB."""
    pairs = sorted(fold_map().items())
    stages, previous = [], "chunks"
    for n, start in enumerate(range(0, len(pairs), REPLACES_PER_STAGE)):
        expr = _replaced("s", pairs[start:start + REPLACES_PER_STAGE])
        stages.append(f"f{n}(i, s) AS (SELECT i, {expr} FROM {previous})")
        previous = f"f{n}"
    return (f"(WITH RECURSIVE chunks(i, s, rest) AS (SELECT 0, substr({value}, 1, {FOLDING_CHUNK}), "
            f"substr({value}, {FOLDING_CHUNK} + 1) UNION ALL SELECT i + 1, substr(rest, 1, {FOLDING_CHUNK}), "
            f"substr(rest, {FOLDING_CHUNK} + 1) FROM chunks WHERE rest <> ''), "
            + ", ".join(stages) + f" SELECT group_concat(s, '') FROM (SELECT s FROM {previous} ORDER BY i))")


def vietnamese_capitals() -> list[str]:
    """The capital letters of Vietnamese that SQLite's lower() leaves alone (it changes A-Z
    only): each vowel with each tone mark, and Đ."""
    marks = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
    letters = {unicodedata.normalize("NFC", base + mark) for base in "AĂÂEÊIOÔƠUƯY" for mark in marks} | {"Đ"}
    return sorted(letter for letter in letters if not letter.isascii())


def _lowering() -> list[tuple[str, str]]:
    """(capital, small letter) for each capital that SQLite's lower() leaves alone."""
    return [(capital, capital.lower()) for capital in vietnamese_capitals()]


def _replace_steps(column: str, pairs: list[tuple[str, str]], rows: str) -> list[str]:
    """UPDATE statements that replace each (old, new) of ``pairs`` in ``column`` of the
    commitments ``rows`` picks, REPLACES_PER_STATEMENT nested replace() to a statement."""
    return [f"UPDATE commitments SET {column} = {_replaced(column, pairs[start:start + REPLACES_PER_STATEMENT])} "
            f"WHERE {rows};" for start in range(0, len(pairs), REPLACES_PER_STATEMENT)]


def _body_statements(rows: str) -> str:
    """UPDATE statements that fill ``body`` and ``body_key`` of the commitments ``rows`` picks
    (an SQL condition) in plain SQL. A body that spoke is itself; a person's title gives the
    body from its first head of models/bodies.txt on ("Giám đốc Sở Xây dựng" → "Sở Xây
    dựng"), none when it is a job alone ("Đại biểu"). body_key is the body in lower case as
    Python writes Vietnamese (lower() changes A-Z only, so one replace() per other capital,
    REPLACES_PER_STATEMENT to a statement), and every body of one key is spelled as the
    earliest commitment's, so spellings that differ only in case show as one."""
    heads = ", ".join(f"('{head}')" for head in body_heads())
    found = "instr(' ' || commitments.speaker_title || ' ', ' ' || column1 || ' ')"
    statements = [f"""UPDATE commitments SET body = CASE WHEN speaker_kind = 'body'
            THEN COALESCE((SELECT name FROM bodies WHERE bodies.id = commitments.body_id), speaker_title)
            ELSE (SELECT substr(commitments.speaker_title, min({found})) FROM (VALUES {heads}) WHERE {found} > 0) END
        WHERE {rows};""", f"UPDATE commitments SET body_key = lower(body) WHERE {rows};"]
    statements += _replace_steps("body_key", _lowering(), rows)
    statements.append(f"""UPDATE commitments SET body = (SELECT c.body FROM commitments c
            WHERE c.body_key = commitments.body_key ORDER BY c.id LIMIT 1)
        WHERE body_key IN (SELECT body_key FROM commitments WHERE {rows});""")
    return "\n".join(statements)


def _written_body_statements(rows: str) -> list[str]:
    """UPDATE statements that fill ``body_written`` and ``body_key`` of the commitments ``rows``
    picks, in plain SQL. body_written is the body as the row names it: a body that spoke, or
    the body in a person's title from its first head of models/bodies.txt on, whatever the
    title's case ("Phó Giám đốc SỞ XÂY DỰNG" → "SỞ XÂY DỰNG"; a head must start with a
    capital, so "cán bộ" is no "Bộ"), with abbreviations written out as
    pipeline.bodies does for its canonical names ("UBND" → "Ủy ban nhân dân"); none for a job
    alone or an empty name. body_key is it in lower case, the key its spellings share."""
    heads = ", ".join(f"('{head}', '{head.lower()}')" for head in body_heads())
    found = "instr(' ' || commitments.body_key || ' ', ' ' || column2 || ' ')"
    body = f"""CASE WHEN speaker_kind = 'body'
            THEN COALESCE((SELECT name FROM bodies WHERE bodies.id = commitments.body_id), speaker_title)
            ELSE (SELECT substr(commitments.speaker_title, min(pos)) FROM (SELECT {found} AS pos, column1 AS head
                  FROM (VALUES {heads})) WHERE pos > 0 AND substr(commitments.speaker_title, pos, 1) = substr(head, 1, 1))
            END"""
    # Words two spaces apart, so that each abbreviation is replaced between spaces of its own
    # even beside another ("HĐND UBND"); "TP.Hà Nội" is "TP. Hà Nội" first, as in pipeline.bodies.
    glued = [(" TP.  ", " TP."), (" Tp.  ", " Tp."), (" TP.", " TP.  "), (" Tp.", " Tp.  ")]
    words = [(f" {short} ", f" {long} ") for short, long in sorted(abbreviations().items()) if " " not in short]
    return [f"UPDATE commitments SET body_key = lower(speaker_title) WHERE {rows};",
            *_replace_steps("body_key", _lowering(), rows),
            f"UPDATE commitments SET body_written = NULLIF(trim({body}), '') WHERE {rows};",
            f"UPDATE commitments SET body_written = ' ' || replace(body_written, ' ', '  ') || ' ' WHERE {rows};",
            *_replace_steps("body_written", glued + words, rows),
            f"UPDATE commitments SET body_written = NULLIF(trim(replace(replace(body_written, '  ', ' '), '  ', ' ')), '') "
            f"WHERE {rows};",
            f"UPDATE commitments SET body_key = lower(body_written) WHERE {rows};",
            *_replace_steps("body_key", _lowering(), rows)]


# Of the spellings of one body_key, the one shown: the earliest not written in capitals
# alone. The index commitments_body_spelling finds it without reading the key's other rows.
_SPELLING_ORDER = "body_written GLOB '*[a-z]*' DESC, id"


def _spelling_statement(key: str, row_is_first: bool = False) -> str:
    """An UPDATE that writes the chosen spelling into ``body`` of every commitment whose
    body_key is ``key`` (an SQL expression, evaluated once), changing only rows that differ;
    with ``row_is_first``, only when the row ``new.id`` is the one chosen (an inserted row
    changes its key's spelling only then, so the key's other rows are not read)."""
    first = f"(SELECT {{}} FROM commitments WHERE body_key = {key} ORDER BY {_SPELLING_ORDER} LIMIT 1)"
    chosen = first.format("body_written")
    only = f" AND {first.format('id')} = new.id" if row_is_first else ""
    return f"UPDATE commitments SET body = {chosen} WHERE body_key = {key} AND body IS NOT {chosen}{only};"


def _body_trigger_statements(old_key: bool) -> str:
    """What the insert and update triggers of migration 16 run for the row ``new.id``: its
    own spelling and key, then its body; an insert changes the other rows of its key when it
    is their first spelling now, an update rewrites the shown spelling of the key it joins
    and of the key it left (``old.body_key``): every row's body depends on the rows there
    are, not on the order they were written in."""
    new_key = "(SELECT body_key FROM commitments WHERE id = new.id)"
    own = f"(SELECT body_written FROM commitments WHERE body_key = {new_key} ORDER BY {_SPELLING_ORDER} LIMIT 1)"
    statements = [*_written_body_statements("id = new.id"), f"UPDATE commitments SET body = {own} WHERE id = new.id;"]
    if old_key:
        statements += [_spelling_statement(new_key), _spelling_statement("old.body_key")]
    else:
        statements.append(_spelling_statement(new_key, row_is_first=True))
    return "\n            ".join(statements)


# A row whose folded copies are missing or older than its title or text (written by a tool
# that does not fill them): triggers fold it in SQL (articles_fts_folding).
_NEEDS_FOLDING = """(new.text_folded IS NULL OR (new.title_folded IS NULL AND new.title IS NOT NULL)
             OR (new.title IS NOT old.title AND new.title_folded IS old.title_folded)
             OR (new.text IS NOT old.text AND new.text_folded IS old.text_folded))"""

# The text of each record as the web search matches it (corpus.lookup._FIELDS, fields joined
# by " · "), for the row ``{r}``: promises are commitments, index results carry their index's names.
_RECORD_TEXTS = {
    "commitments": "COALESCE({r}.quote, '') || ' · ' || COALESCE({r}.target, '') || ' · ' || COALESCE({r}.speaker, '')"
                   " || ' · ' || COALESCE({r}.speaker_title, '') || ' · ' || COALESCE({r}.topic, '')",
    "persons": "COALESCE({r}.name, '') || ' · ' || COALESCE({r}.title, '') || ' · ' || "
               "COALESCE((SELECT group_concat(DISTINCT title) FROM person_titles t WHERE t.person_id = {r}.id), '')",
    "index_values": "COALESCE((SELECT names FROM index_name_variants n WHERE n.code = {r}.\"index\"), '') || ' ' || "
                    "replace({r}.\"index\", '_', ' ') || ' · ' || COALESCE({r}.entity, '') || ' · ' || "
                    "COALESCE({r}.subindex, '') || ' · ' || COALESCE({r}.quote, '')",
}


def _refreshed(table: str, row_id: str) -> str:
    """Statements that write the search entry of ``table``'s row ``row_id`` (an SQL expression) anew."""
    return f"""DELETE FROM {table}_search WHERE rowid = {row_id};
            INSERT INTO {table}_search(rowid, text) SELECT r.id, {_RECORD_TEXTS[table].format(r="r")}
            FROM {table} r WHERE r.id = {row_id};"""


def _record_search(table: str, fields: str) -> str:
    """The search index of one record table (``{table}_search``), filled from its rows, and the
    triggers that keep it so when a row in it changes (``fields``: the columns its text reads)."""
    index = f"{table}_search"
    return f"""
        CREATE VIRTUAL TABLE {index} USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
        INSERT INTO {index}(rowid, text) SELECT r.id, {_RECORD_TEXTS[table].format(r="r")} FROM {table} r;
        CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN
            {_refreshed(table, "new.id")}
        END;
        CREATE TRIGGER {index}_update AFTER UPDATE OF {fields} ON {table} BEGIN
            DELETE FROM {index} WHERE rowid = old.id;
            {_refreshed(table, "new.id")}
        END;
        CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN
            DELETE FROM {index} WHERE rowid = old.id;
        END;"""


# The fields of each record table that its per-field search index ({table}_fields) holds, as
# SQL over its row ``r``: what the web search matches and weighs (corpus.lookup). An index
# result's heading is its index's names and its place in one field, so "pci ha noi" is one phrase.
RECORD_FIELDS = {
    "commitments": {"quote": "r.quote", "target": "r.target", "speaker": "r.speaker", "speaker_title": "r.speaker_title",
                    "topic": "r.topic"},
    "persons": {"name": "r.name", "title": "r.title",
                "titles": "(SELECT group_concat(DISTINCT title) FROM person_titles t WHERE t.person_id = r.id)"},
    "index_values": {"heading": "COALESCE((SELECT names FROM index_name_variants n WHERE n.code = r.\"index\"), '') || ' ' || "
                                "replace(r.\"index\", '_', ' ') || ' · ' || COALESCE(r.entity, '')",
                     "subindex": "r.subindex", "quote": "r.quote"},
}
# The columns of each record table whose change rewrites its entry.
_RECORD_COLUMNS = {"commitments": "id, quote, target, speaker, speaker_title, topic", "persons": "id, name, title",
                   "index_values": 'id, "index", entity, subindex, quote'}


def _field_rows(table: str, rows: str) -> str:
    """A SELECT of the id and each field ('' for none) of the rows of ``table`` that ``rows`` picks."""
    values = ", ".join(f"COALESCE({sql}, '') AS {name}" for name, sql in RECORD_FIELDS[table].items())
    return f"SELECT r.id, {values} FROM {table} r WHERE {rows}"


def _fields_written(table: str, rows: str, in_python: bool = False) -> str:
    """An INSERT of the entries of ``table``'s rows that ``rows`` picks: each field as written and
    folded. Folded with hdnd_fold when ``in_python`` (a migration, fast), otherwise in plain SQL
    (triggers, which any tool fires): all fields joined in one fold, then cut where each field
    lies, since folding keeps every character's place."""
    names = list(RECORD_FIELDS[table])
    columns = ", ".join(names + [f"{name}_folded" for name in names])
    if in_python:
        folded = [f"hdnd_fold({name})" for name in names]
        source = _field_rows(table, rows)
    else:
        folded, start = [], "1"
        for name in names:
            folded.append(f"substr(folded, {start}, length({name}))")
            start = f"{start} + length({name}) + 1"
        source = f"SELECT v.*, {_folded(' || char(31) || '.join(names))} AS folded FROM ({_field_rows(table, rows)}) v"
    return f"INSERT INTO {table}_fields(rowid, {columns}) SELECT id, {', '.join(names + folded)} FROM ({source});"


def _fields_refreshed(table: str, row_id: str) -> str:
    """Statements that write the per-field entry of ``table``'s row ``row_id`` (an SQL expression) anew."""
    return f"""DELETE FROM {table}_fields WHERE rowid = {row_id};
            {_fields_written(table, f"r.id = {row_id}")}"""


def _record_fields(table: str) -> str:
    """The per-field search index of one record table, filled from its rows, and the triggers
    that keep it so: exact fields and folded copies in one index, as articles_fts holds them."""
    names = list(RECORD_FIELDS[table])
    return f"""
        CREATE VIRTUAL TABLE {table}_fields USING fts5({', '.join(names + [f"{n}_folded" for n in names])},
            tokenize = 'unicode61 remove_diacritics 0');
        {_fields_written(table, "TRUE", in_python=True)}
        CREATE TRIGGER {table}_fields_insert AFTER INSERT ON {table} BEGIN
            {_fields_refreshed(table, "new.id")}
        END;
        CREATE TRIGGER {table}_fields_update AFTER UPDATE OF {_RECORD_COLUMNS[table]} ON {table} BEGIN
            DELETE FROM {table}_fields WHERE rowid = old.id;
            {_fields_refreshed(table, "new.id")}
        END;
        CREATE TRIGGER {table}_fields_delete AFTER DELETE ON {table} BEGIN
            DELETE FROM {table}_fields WHERE rowid = old.id;
        END;"""


def _index_name_variants() -> str:
    """The names of each index code as models/index_names lists them (pipeline.index_names), as SQL rows."""
    from pipeline import index_names

    codes: dict[str, list[str]] = {}
    for name, code in index_names().items():
        codes.setdefault(code, []).append(name.replace("'", "''"))
    return ", ".join(f"('{code}', '{' '.join(names)}')" for code, names in codes.items())


# What hdnd keeps of an article besides its row (its analysis, earlier versions, near-duplicate
# signature and bands): the tables that refer to it by article_id, most with ON DELETE CASCADE,
# which no tool enforces unless it turns foreign keys on (Python's sqlite3, the sqlite3 shell
# and sqlite-utils leave them off).
_ARTICLE_ROWS = ("person_titles", "mentions", "index_values", "legal_refs", "session_mentions", "commitment_sources",
                 "status_reports", "turns", "questions", "recalls", "article_versions", "article_signatures",
                 "article_lsh", "article_lsh_unbanded")
# The rows noted for ``{}`` in migration 16's table fts_replaced. The BEFORE trigger of each insert
# or update clears and writes them, so they are the rows that write may replace; the AFTER
# triggers of that write (of this migration or a later one) read them in any order. Only
# articles_fts's are removed once used: they are applied as FTS 'delete' commands, exactly once.
_NOTED = "SELECT id FROM fts_replaced WHERE fts = '{}'"


def _articles_gone(ids: str) -> str:
    """Statements that remove what hdnd keeps of the articles ``ids`` (an SQL list or query)
    names, and that no longer call another article a copy of them."""
    return "\n            ".join([f"DELETE FROM {table} WHERE article_id IN ({ids});" for table in _ARTICLE_ROWS] + [
        f"UPDATE article_signatures SET duplicate_of = NULL, similarity = NULL WHERE duplicate_of IN ({ids});"])


# What hdnd keeps of articles no longer there (written before migration 21, or while a tool had
# dropped the triggers), removed.
_KEPT_OF_NO_ARTICLE = "\n        ".join(
    [f"DELETE FROM {table} WHERE article_id NOT IN (SELECT id FROM articles);" for table in _ARTICLE_ROWS]
    + ["UPDATE article_signatures SET duplicate_of = NULL, similarity = NULL "
       "WHERE duplicate_of NOT IN (SELECT id FROM articles);"])


def _articles_noting(rows: str) -> str:
    """Statements of a BEFORE trigger that note the articles the row being written may replace
    (``rows``, an SQL condition): as indexed, for their search entries ('articles_fts', as
    migration 16 did), and by id, for what hdnd keeps of them ('articles')."""
    return f"""DELETE FROM fts_replaced WHERE fts IN ('articles_fts', 'articles');
            INSERT INTO fts_replaced (fts, id, title, text, title_folded, text_folded)
            SELECT 'articles_fts', id, title, text, title_folded, text_folded FROM articles WHERE {rows};
            INSERT INTO fts_replaced (fts, id) SELECT 'articles', id FROM fts_replaced WHERE fts = 'articles_fts';"""


# Statements that remove the search entries of the articles a REPLACE removed, as they were
# indexed; every AFTER trigger that may run first for the statement starts with them, the first
# one removes those notes and the others find none.
_ARTICLES_UNINDEXED = """INSERT INTO articles_fts(articles_fts, rowid, title, text, title_folded, text_folded)
            SELECT 'delete', id, title, text, title_folded, text_folded FROM fts_replaced WHERE fts = 'articles_fts';
            DELETE FROM fts_replaced WHERE fts = 'articles_fts';"""
_ARTICLES_KEPT_GONE = _articles_gone(_NOTED.format("articles"))


def _articles_moved() -> str:
    """Statements that move what hdnd keeps of article ``old.id`` to its new id ``new.id`` (a
    commitment_events row, append-only, keeps the id it was written with)."""
    moves = [(table, "article_id") for table in _ARTICLE_ROWS] + [
        ("article_signatures", "duplicate_of"), ("commitments", "first_article_id")]
    return "\n            ".join(f"UPDATE {table} SET {column} = new.id WHERE {column} = old.id AND new.id IS NOT old.id;"
                                   for table, column in moves)


def _noting(fts: str, table: str, unique: str, columns: str = "", update: bool = False) -> str:
    """Statements of a BEFORE trigger that note the rows of ``table`` the row being written may
    replace (same id, or same ``unique`` column), for ``fts``; ``columns``: more to note.
    An update never replaces its own row."""
    extra = f", {columns}" if columns else ""
    own = " AND id <> old.id" if update else ""
    return f"""DELETE FROM fts_replaced WHERE fts = '{fts}';
            INSERT INTO fts_replaced (fts, id{extra}) SELECT '{fts}', id{extra} FROM {table}
            WHERE (id = new.id OR {unique} = new.{unique}){own};"""


def _commitments_replaced(index: str = "commitments_search") -> str:
    """Statements that drop the words and the entries in the search ``index`` of the commitments a
    REPLACE removed (the row ``new.id``'s entry is its own trigger's) and spell their bodies again
    from the rows left (a REPLACE removes at most two rows: one of its id, one of its fingerprint)."""
    noted = _NOTED.format("commitments_fts")
    keys = "(SELECT body_key FROM fts_replaced WHERE fts = 'commitments_fts' AND body_key IS NOT NULL ORDER BY id {})"
    return f"""DELETE FROM commitments_fts WHERE rowid IN ({noted});
            DELETE FROM {index} WHERE rowid IN ({noted}) AND rowid IS NOT new.id;
            {_spelling_statement(keys.format("LIMIT 1"))}
            {_spelling_statement(keys.format("DESC LIMIT 1"))}"""


# Statement of an AFTER trigger on persons: the entries of the people a REPLACE removed (another's
# id or name taken) go; the row written (``new.id``) has its own trigger's entry.
_PERSONS_FIELDS_REPLACED = (f"DELETE FROM persons_fields WHERE rowid IN ({_NOTED.format('persons_fields')}) "
                            "AND rowid IS NOT new.id;")


def _noted_any(fts: str) -> str:
    """A trigger's condition: the statement noted rows it may replace, for ``fts`` (a trigger
    with nothing to do then costs one look-up, not a run of all its statements)."""
    return f"EXISTS (SELECT 1 FROM fts_replaced WHERE fts = '{fts}')"


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
    (
        2,
        "analysis: persons, bodies, mentions, index values, legal references, sessions",
        """
        CREATE TABLE persons (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            title TEXT,
            first_seen TEXT,
            last_seen TEXT
        );
        -- Titles over time: one row per (person, title, article).
        CREATE TABLE person_titles (
            person_id INTEGER NOT NULL REFERENCES persons(id),
            title TEXT NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            published TEXT,
            PRIMARY KEY (person_id, title, article_id)
        );
        CREATE TABLE bodies (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            head TEXT
        );
        CREATE TABLE mentions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,              -- person | body | place
            person_id INTEGER REFERENCES persons(id),
            body_id INTEGER REFERENCES bodies(id),
            name TEXT NOT NULL,
            title TEXT,
            role TEXT,
            furniture INTEGER NOT NULL DEFAULT 0,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            quote TEXT NOT NULL
        );
        CREATE INDEX mentions_article ON mentions(article_id);
        CREATE INDEX mentions_person ON mentions(person_id);
        CREATE INDEX mentions_body ON mentions(body_id);
        CREATE TABLE index_values (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            "index" TEXT NOT NULL,
            subindex TEXT,
            entity TEXT,
            year INTEGER,
            value REAL,
            unit TEXT,
            rank INTEGER,
            rank_of INTEGER,
            change REAL,
            rank_change INTEGER,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            quote TEXT NOT NULL
        );
        CREATE INDEX index_values_article ON index_values(article_id);
        CREATE INDEX index_values_series ON index_values("index", entity, year);
        CREATE TABLE legal_refs (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            type TEXT NOT NULL,
            number TEXT NOT NULL,
            date TEXT,
            issuer TEXT,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            quote TEXT NOT NULL
        );
        CREATE INDEX legal_refs_article ON legal_refs(article_id);
        CREATE INDEX legal_refs_number ON legal_refs(number);
        -- One row per council sitting, whichever articles report it.
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            council TEXT NOT NULL,
            term TEXT,
            session_no INTEGER,
            date TEXT,
            kind TEXT,
            key TEXT NOT NULL UNIQUE
        );
        CREATE TABLE session_mentions (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions(id),
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            quote TEXT NOT NULL
        );
        CREATE INDEX session_mentions_article ON session_mentions(article_id);
        ALTER TABLE articles ADD COLUMN session_id INTEGER REFERENCES sessions(id);
        ALTER TABLE articles ADD COLUMN analysis_error TEXT;
        """,
    ),
    (
        3,
        "commitments with their sources and append-only events; status reports; near-duplicate articles",
        """
        -- One MinHash signature per article; duplicate_of names the earlier near-copy.
        CREATE TABLE article_signatures (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            minhash BLOB NOT NULL,
            duplicate_of INTEGER REFERENCES articles(id),
            similarity REAL
        );
        -- One row per promise, demand or assignment, however many articles carry it.
        CREATE TABLE commitments (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            fingerprint TEXT NOT NULL UNIQUE,
            quote TEXT NOT NULL,
            speaker TEXT,
            speaker_title TEXT,
            speaker_kind TEXT,
            person_id INTEGER REFERENCES persons(id),
            body_id INTEGER REFERENCES bodies(id),
            deadline TEXT,
            deadline_text TEXT,
            deadline_granularity TEXT,
            target TEXT,
            quantity REAL,
            unit TEXT,
            topic TEXT,
            hedged INTEGER NOT NULL DEFAULT 0,
            session_id INTEGER REFERENCES sessions(id),
            made_on TEXT,
            status TEXT NOT NULL DEFAULT 'open',
            first_article_id INTEGER REFERENCES articles(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX commitments_status ON commitments(status);
        CREATE INDEX commitments_topic ON commitments(topic);
        CREATE TABLE commitment_sources (
            commitment_id INTEGER NOT NULL REFERENCES commitments(id),
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            quote TEXT NOT NULL,
            attribution TEXT,
            cue TEXT,
            PRIMARY KEY (commitment_id, article_id, start)
        );
        CREATE INDEX commitment_sources_article ON commitment_sources(article_id);
        -- What happened to a commitment, in order. Rows are never changed or removed.
        CREATE TABLE commitment_events (
            id INTEGER PRIMARY KEY,
            commitment_id INTEGER NOT NULL REFERENCES commitments(id),
            at TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT,
            evidence_article_id INTEGER REFERENCES articles(id),
            evidence_url TEXT,
            evidence_quote TEXT,
            note TEXT,
            actor TEXT NOT NULL,
            followup_of INTEGER REFERENCES commitment_events(id),
            score REAL
        );
        CREATE INDEX commitment_events_commitment ON commitment_events(commitment_id);
        CREATE TRIGGER commitment_events_append_only_update BEFORE UPDATE ON commitment_events
        BEGIN
            SELECT RAISE(ABORT, 'commitment_events is append-only: add an event instead');
        END;
        CREATE TRIGGER commitment_events_append_only_delete BEFORE DELETE ON commitment_events
        BEGIN
            SELECT RAISE(ABORT, 'commitment_events is append-only: add an event instead');
        END;
        -- Sentences that report on how a promise went ("đã hoàn thành", "chậm tiến độ").
        CREATE TABLE status_reports (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            quote TEXT NOT NULL,
            status TEXT NOT NULL,
            cue TEXT NOT NULL,
            topic TEXT,
            reported_on TEXT
        );
        CREATE INDEX status_reports_article ON status_reports(article_id);
        -- Content words (folded) of commitments and reports: how follow-ups find candidates.
        CREATE VIRTUAL TABLE commitments_fts USING fts5(words, tokenize = 'unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE status_reports_fts USING fts5(words, tokenize = 'unicode61 remove_diacritics 2');
        """,
    ),
    (
        4,
        "HTTP validators for conditional requests by the crawler",
        """
        -- ETag and Last-Modified of feeds, sitemaps and listings, sent back on the next crawl.
        CREATE TABLE http_validators (
            url TEXT PRIMARY KEY,
            etag TEXT,
            last_modified TEXT,
            seen_at TEXT NOT NULL
        );
        """,
    ),
    (
        5,
        "speaker turns and question-answer pairs of council sittings; session agenda; sitting kind and date",
        """
        -- One row per speaker turn: a transcript label's turn or an answer reported in prose.
        CREATE TABLE turns (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            session_id INTEGER REFERENCES sessions(id),
            seq INTEGER NOT NULL,
            speaker TEXT,
            person_id INTEGER REFERENCES persons(id),
            title TEXT,
            delegation TEXT,
            role TEXT NOT NULL,
            timestamp TEXT,
            addressee TEXT,
            topic TEXT,
            source TEXT NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            quote TEXT NOT NULL,
            UNIQUE (article_id, seq)
        );
        CREATE INDEX turns_session ON turns(session_id);
        CREATE INDEX turns_person ON turns(person_id);
        -- A question and the answer that followed it (either may be missing).
        CREATE TABLE questions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            session_id INTEGER REFERENCES sessions(id),
            question_turn_id INTEGER REFERENCES turns(id) ON DELETE CASCADE,
            answer_turn_id INTEGER REFERENCES turns(id) ON DELETE CASCADE,
            asker TEXT,
            asker_person_id INTEGER REFERENCES persons(id),
            answerer TEXT,
            answerer_person_id INTEGER REFERENCES persons(id),
            answerer_title TEXT,
            topic TEXT
        );
        CREATE INDEX questions_session ON questions(session_id);
        ALTER TABLE commitment_sources ADD COLUMN turn_id INTEGER REFERENCES turns(id) ON DELETE SET NULL;
        ALTER TABLE commitment_sources ADD COLUMN question_id INTEGER REFERENCES questions(id) ON DELETE SET NULL;
        ALTER TABLE sessions ADD COLUMN agenda TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE session_mentions ADD COLUMN kind TEXT;
        ALTER TABLE session_mentions ADD COLUMN date TEXT;
        """,
    ),
    (
        6,
        "views for browsing: promises and articles with their source, year and session",
        """
        -- Promises, demands and assignments that have a source, with the columns a reader
        -- filters on (hdnd serve facets them): speaker, body, topic, status, source, year.
        CREATE VIEW promises AS
            SELECT c.id, c.kind, c.status, c.speaker, c.speaker_title,
                   COALESCE(b.name, c.speaker_title) AS body, c.topic, c.deadline, c.quote, c.target,
                   c.made_on, substr(c.made_on, 1, 4) AS year,
                   (SELECT src.domain FROM commitment_sources cs JOIN articles a ON a.id = cs.article_id
                      JOIN sources src ON src.id = a.source_id WHERE cs.commitment_id = c.id
                    ORDER BY a.published, a.id LIMIT 1) AS source,
                   s.council || COALESCE(' khóa ' || s.term, '') || COALESCE(', kỳ họp thứ ' || s.session_no, '')
                       AS session,
                   c.session_id
            FROM commitments c
            LEFT JOIN bodies b ON b.id = c.body_id
            LEFT JOIN sessions s ON s.id = c.session_id
            WHERE EXISTS (SELECT 1 FROM commitment_sources cs WHERE cs.commitment_id = c.id);
        CREATE VIEW article_list AS
            SELECT a.id, a.title, a.published, substr(a.published, 1, 4) AS year, src.domain AS source,
                   a.kind, a.section, a.url
            FROM articles a LEFT JOIN sources src ON src.id = a.source_id;
        """,
    ),
    (
        7,
        "corrections of commitments by a person (hdnd promise --reject), kept as events",
        """
        -- What a person corrected (JSON: speaker, deadline, kind); status holds the reason.
        ALTER TABLE commitment_events ADD COLUMN correction TEXT;
        -- A commitment whose latest correction says it is not a promise leaves the promises view.
        DROP VIEW promises;
        CREATE VIEW promises AS
            SELECT c.id, c.kind, c.status, c.speaker, c.speaker_title,
                   COALESCE(b.name, c.speaker_title) AS body, c.topic, c.deadline, c.quote, c.target,
                   c.made_on, substr(c.made_on, 1, 4) AS year,
                   (SELECT src.domain FROM commitment_sources cs JOIN articles a ON a.id = cs.article_id
                      JOIN sources src ON src.id = a.source_id WHERE cs.commitment_id = c.id
                    ORDER BY a.published, a.id LIMIT 1) AS source,
                   s.council || COALESCE(' khóa ' || s.term, '') || COALESCE(', kỳ họp thứ ' || s.session_no, '')
                       AS session,
                   c.session_id
            FROM commitments c
            LEFT JOIN bodies b ON b.id = c.body_id
            LEFT JOIN sessions s ON s.id = c.session_id
            WHERE EXISTS (SELECT 1 FROM commitment_sources cs WHERE cs.commitment_id = c.id)
              AND (SELECT e.status FROM commitment_events e WHERE e.commitment_id = c.id AND e.kind = 'correction'
                   ORDER BY e.id DESC LIMIT 1) IS NOT 'not_a_promise';
        """,
    ),
    (
        8,
        "one person across the i/y spellings of a name (Trần Sỹ Thanh, Trần Sĩ Thanh)",
        """
        -- pipeline.normalize.person_key: lower case, tone placement normalised, a final y after a
        -- consonant written i. New mentions join the person with the same key; rows stored
        -- before this migration under two spellings stay two rows.
        ALTER TABLE persons ADD COLUMN name_key TEXT;
        UPDATE persons SET name_key = hdnd_person_key(name);
        CREATE INDEX persons_name_key ON persons(name_key);
        """,
    ),
    (
        9,
        "recalled promises: a turn that recalls an earlier promise, linked to it when found",
        """
        -- "Sở … đã hứa … nhưng đến nay chưa thực hiện": who promised, who recalls it, the status the
        -- sentence suggests, and the earlier commitment it was matched to (a proposed follow-up
        -- event on that commitment carries the same quote as evidence).
        CREATE TABLE recalls (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            turn_id INTEGER REFERENCES turns(id) ON DELETE SET NULL,
            session_id INTEGER REFERENCES sessions(id),
            commitment_id INTEGER REFERENCES commitments(id),
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            quote TEXT NOT NULL,
            cue TEXT,
            promiser TEXT,
            recaller TEXT,
            status TEXT,
            recalled_on TEXT
        );
        CREATE INDEX recalls_article ON recalls(article_id);
        CREATE INDEX recalls_commitment ON recalls(commitment_id);
        CREATE INDEX recalls_session ON recalls(session_id);
        """,
    ),
    (
        10,
        "debate turns attached to the question-answer exchange they continue",
        """
        -- The exchange a debate turn continues ("Tranh luận lại, đại biểu X …").
        ALTER TABLE turns ADD COLUMN question_id INTEGER REFERENCES questions(id) ON DELETE SET NULL;
        """,
    ),
    (
        11,
        "earlier versions of an article's text, kept when a new text is stored at its URL",
        """
        -- The text an article had before a newer one replaced it, with what described it then;
        -- articles holds the current version (numbered one more than the versions here).
        -- stored_at: when this text was stored; replaced_at: when the next one replaced it.
        CREATE TABLE article_versions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            version INTEGER NOT NULL,
            title TEXT,
            lead TEXT,
            author TEXT,
            published TEXT,
            text TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            kind TEXT NOT NULL,
            encoding TEXT,
            raw_html BLOB,
            stored_at TEXT NOT NULL,
            replaced_at TEXT NOT NULL,
            UNIQUE (article_id, version)
        );
        """,
    ),
    (
        12,
        "runs: the process that runs each (pid, host), so a later run can tell one that was killed",
        """
        -- A run still 'running' whose process is gone from its host is marked 'interrupted'
        -- by the next run that starts (corpus.store.start_run).
        ALTER TABLE runs ADD COLUMN pid INTEGER;
        ALTER TABLE runs ADD COLUMN host TEXT;
        """,
    ),
    (
        13,
        "folded title and text stored in articles: the search index needs no hdnd function to write or search",
        f"""
        -- The index no longer reads hdnd_fold() through a view: articles holds the folded copies
        -- (marks stripped, đ→d; hdnd fills them in Python, corpus.store) and triggers only copy
        -- columns, so the sqlite3 shell, sqlite-utils or any language can add, change or remove
        -- an article and Datasette can search without hdnd's functions. A row written without
        -- its folded copies (or with a new title or text beside old copies) is folded by
        -- triggers in plain SQL: it goes through articles_fts_folding, whose trigger applies
        -- pipeline.fold's character table in replace() steps (SQLite's parser limits how many
        -- nest in one statement) and writes the result back. That table is the table of the
        -- fold as it was when this migration ran: a change to pipeline.fold needs a migration.
        DROP TRIGGER articles_fts_insert;
        DROP TRIGGER articles_fts_delete;
        DROP TRIGGER articles_fts_update;
        DROP TABLE articles_fts;
        DROP VIEW articles_fts_content;
        ALTER TABLE articles ADD COLUMN title_folded TEXT;
        ALTER TABLE articles ADD COLUMN text_folded TEXT;
        UPDATE articles SET title_folded = hdnd_fold(title), text_folded = hdnd_fold(text);
        CREATE TABLE articles_fts_folding (id INTEGER PRIMARY KEY, title TEXT, text TEXT);
        CREATE TRIGGER articles_fts_folding_run AFTER INSERT ON articles_fts_folding BEGIN
            {_folding_statements()}
            UPDATE articles SET title_folded = (SELECT title FROM articles_fts_folding WHERE id = new.id),
                                text_folded = (SELECT text FROM articles_fts_folding WHERE id = new.id)
            WHERE id = new.id;
            DELETE FROM articles_fts_folding WHERE id = new.id;
        END;
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, title_folded, text_folded,
            content="articles", content_rowid='id',
            tokenize='unicode61 remove_diacritics 0'
        );
        INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
        -- Each trigger first makes the index hold the row as written, then has it folded:
        -- folding updates the row, and that update (articles_fts_update) swaps the entry.
        CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text, title_folded, text_folded)
            VALUES (new.id, new.title, new.text, new.title_folded, new.text_folded);
            INSERT INTO articles_fts_folding (id, title, text) SELECT new.id, new.title, new.text
            WHERE new.text_folded IS NULL OR (new.title_folded IS NULL AND new.title IS NOT NULL);
        END;
        CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text, title_folded, text_folded)
            VALUES ('delete', old.id, old.title, old.text, old.title_folded, old.text_folded);
        END;
        -- Of the two update triggers exactly one runs for a change, whichever order SQLite fires them in.
        CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text, title_folded, text_folded ON articles
        WHEN NOT {_NEEDS_FOLDING} BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text, title_folded, text_folded)
            VALUES ('delete', old.id, old.title, old.text, old.title_folded, old.text_folded);
            INSERT INTO articles_fts(rowid, title, text, title_folded, text_folded)
            VALUES (new.id, new.title, new.text, new.title_folded, new.text_folded);
        END;
        CREATE TRIGGER articles_fts_update_unfolded AFTER UPDATE OF title, text, title_folded, text_folded ON articles
        WHEN {_NEEDS_FOLDING} BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text, title_folded, text_folded)
            VALUES ('delete', old.id, old.title, old.text, old.title_folded, old.text_folded);
            INSERT INTO articles_fts(rowid, title, text, title_folded, text_folded)
            VALUES (new.id, new.title, new.text, new.title_folded, new.text_folded);
            INSERT INTO articles_fts_folding (id, title, text) VALUES (new.id, new.title, new.text);
        END;
        """,
    ),
    (
        14,
        "commitments.body: the body alone (not a person's job title), one spelling whatever its case",
        f"""
        -- The body a reader facets promises on (promises.body): a body that spoke, or the body in
        -- a person's title (the title stays in speaker_title); spellings that differ only in case
        -- are written as one. Triggers fill both columns in plain SQL, so a row any SQLite tool
        -- writes gets them; the heads are models/bodies.txt as it was when this migration ran.
        ALTER TABLE commitments ADD COLUMN body TEXT;
        ALTER TABLE commitments ADD COLUMN body_key TEXT;
        CREATE INDEX commitments_body_key ON commitments(body_key, id);
        {_body_statements("TRUE")}
        CREATE TRIGGER commitments_body_insert AFTER INSERT ON commitments BEGIN
            {_body_statements("id = new.id")}
        END;
        CREATE TRIGGER commitments_body_update AFTER UPDATE OF speaker_title, speaker_kind, body_id ON commitments BEGIN
            {_body_statements("id = new.id")}
        END;
        DROP VIEW promises;
        CREATE VIEW promises AS
            SELECT c.id, c.kind, c.status, c.speaker, c.speaker_title, c.body, c.topic, c.deadline, c.quote, c.target,
                   c.made_on, substr(c.made_on, 1, 4) AS year,
                   (SELECT src.domain FROM commitment_sources cs JOIN articles a ON a.id = cs.article_id
                      JOIN sources src ON src.id = a.source_id WHERE cs.commitment_id = c.id
                    ORDER BY a.published, a.id LIMIT 1) AS source,
                   s.council || COALESCE(' khóa ' || s.term, '') || COALESCE(', kỳ họp thứ ' || s.session_no, '')
                       AS session,
                   c.session_id
            FROM commitments c
            LEFT JOIN sessions s ON s.id = c.session_id
            WHERE EXISTS (SELECT 1 FROM commitment_sources cs WHERE cs.commitment_id = c.id)
              AND (SELECT e.status FROM commitment_events e WHERE e.commitment_id = c.id AND e.kind = 'correction'
                   ORDER BY e.id DESC LIMIT 1) IS NOT 'not_a_promise';
        """,
    ),
    (
        15,
        "fold rows other tools write in chunks, so a huge text needs little memory",
        f"""
        -- Migration 13's folding trigger applied the character table to the whole text in one
        -- trigger, and SQLite keeps every intermediate string until a trigger ends: 23 GB for
        -- a text of 38 million characters written by another tool. The same table, applied to
        -- chunks of the text that are joined again, folds it in a few hundred MB.
        DROP TRIGGER articles_fts_folding_run;
        CREATE TRIGGER articles_fts_folding_run AFTER INSERT ON articles_fts_folding BEGIN
            UPDATE articles SET title_folded = {_folded("new.title")}, text_folded = {_folded("new.text")}
            WHERE id = new.id;
            DELETE FROM articles_fts_folding WHERE id = new.id;
        END;
        """,
    ),
    (
        16,
        "the body facet: heads in any case, abbreviations written out, no empty body; search index right after a REPLACE",
        f"""
        -- commitments.body (the body facet) now finds a head whatever the title's case ("Phó Giám
        -- đốc SỞ XÂY DỰNG"), writes abbreviations out as pipeline.bodies does ("UBND thành phố Hà
        -- Nội" and "Ủy ban nhân dân thành phố Hà Nội" are one body), leaves an empty name empty
        -- (NULL, not '') and depends only on the rows there are: body_written holds each row's
        -- own spelling, body the spelling its key's rows show (the earliest not in capitals
        -- alone), recomputed for the key a row leaves too. Heads and abbreviations are
        -- models/bodies.txt and models/abbreviations.tsv as they were when this migration ran.
        DROP TRIGGER commitments_body_insert;
        DROP TRIGGER commitments_body_update;
        ALTER TABLE commitments ADD COLUMN body_written TEXT;
        CREATE INDEX commitments_body_spelling ON commitments(body_key, {_SPELLING_ORDER});
        {chr(10).join(_written_body_statements("TRUE"))}
        UPDATE commitments SET body = NULL;
        UPDATE commitments SET body = chosen.body_written FROM (SELECT body_key, body_written,
                row_number() OVER (PARTITION BY body_key ORDER BY {_SPELLING_ORDER}) AS n
            FROM commitments WHERE body_key IS NOT NULL) AS chosen
        WHERE chosen.n = 1 AND commitments.body_key = chosen.body_key;
        CREATE TRIGGER commitments_body_insert AFTER INSERT ON commitments BEGIN
            {_body_trigger_statements(old_key=False)}
        END;
        CREATE TRIGGER commitments_body_update AFTER UPDATE OF speaker_title, speaker_kind, body_id ON commitments BEGIN
            {_body_trigger_statements(old_key=True)}
        END;
        -- INSERT OR REPLACE deletes the row it replaces without firing delete triggers unless
        -- recursive_triggers is on (sqlite-utils turns it on; Python's sqlite3 and the sqlite3
        -- shell leave it off), so the replaced row's entry stayed in the search index. A BEFORE
        -- INSERT trigger notes the rows the new one may replace (fts_replaced); the AFTER INSERT
        -- trigger, which runs only if the row went in, removes their entries before adding the
        -- new one. A row an INSERT OR IGNORE or an upsert kept keeps its entry; the note is
        -- cleared by the next insert, or by a delete trigger that removed the entry itself.
        -- commitments_fts and status_reports_fts (hdnd writes their words) lose a deleted or
        -- replaced row's words the same way.
        CREATE TABLE fts_replaced (
            fts TEXT NOT NULL, id INTEGER NOT NULL, title TEXT, text TEXT, title_folded TEXT, text_folded TEXT
        );
        CREATE TRIGGER articles_fts_replacing BEFORE INSERT ON articles BEGIN
            DELETE FROM fts_replaced WHERE fts = 'articles_fts';
            INSERT INTO fts_replaced (fts, id, title, text, title_folded, text_folded)
            SELECT 'articles_fts', id, title, text, title_folded, text_folded FROM articles
            WHERE id = new.id OR url = new.url;
        END;
        DROP TRIGGER articles_fts_insert;
        CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text, title_folded, text_folded)
            SELECT 'delete', id, title, text, title_folded, text_folded FROM fts_replaced WHERE fts = 'articles_fts';
            DELETE FROM fts_replaced WHERE fts = 'articles_fts';
            INSERT INTO articles_fts(rowid, title, text, title_folded, text_folded)
            VALUES (new.id, new.title, new.text, new.title_folded, new.text_folded);
            INSERT INTO articles_fts_folding (id, title, text) SELECT new.id, new.title, new.text
            WHERE new.text_folded IS NULL OR (new.title_folded IS NULL AND new.title IS NOT NULL);
        END;
        DROP TRIGGER articles_fts_delete;
        CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            DELETE FROM fts_replaced WHERE fts = 'articles_fts' AND id = old.id;
            INSERT INTO articles_fts(articles_fts, rowid, title, text, title_folded, text_folded)
            VALUES ('delete', old.id, old.title, old.text, old.title_folded, old.text_folded);
        END;
        CREATE TRIGGER commitments_fts_replacing BEFORE INSERT ON commitments BEGIN
            DELETE FROM fts_replaced WHERE fts = 'commitments_fts';
            INSERT INTO fts_replaced (fts, id) SELECT 'commitments_fts', id FROM commitments
            WHERE id = new.id OR fingerprint = new.fingerprint;
        END;
        CREATE TRIGGER commitments_fts_replaced AFTER INSERT ON commitments BEGIN
            DELETE FROM commitments_fts WHERE rowid IN (SELECT id FROM fts_replaced WHERE fts = 'commitments_fts');
            DELETE FROM fts_replaced WHERE fts = 'commitments_fts';
        END;
        CREATE TRIGGER commitments_fts_delete AFTER DELETE ON commitments BEGIN
            DELETE FROM commitments_fts WHERE rowid = old.id;
        END;
        CREATE TRIGGER status_reports_fts_replacing BEFORE INSERT ON status_reports BEGIN
            DELETE FROM fts_replaced WHERE fts = 'status_reports_fts';
            INSERT INTO fts_replaced (fts, id) SELECT 'status_reports_fts', id FROM status_reports WHERE id = new.id;
        END;
        CREATE TRIGGER status_reports_fts_replaced AFTER INSERT ON status_reports BEGIN
            DELETE FROM status_reports_fts WHERE rowid IN (SELECT id FROM fts_replaced WHERE fts = 'status_reports_fts');
            DELETE FROM fts_replaced WHERE fts = 'status_reports_fts';
        END;
        CREATE TRIGGER status_reports_fts_delete AFTER DELETE ON status_reports BEGIN
            DELETE FROM status_reports_fts WHERE rowid = old.id;
        END;
        """,
    ),
    (
        17,
        "the near-duplicate index in the corpus, looked up per article; an index of articles by pipeline version",
        """
        -- corpus.duplicates keys each of the 25 bands of a signature (5 hash values) by a 64-bit
        -- hash; two articles whose band is equal share a key, and are then compared whole. The
        -- signatures stored before this migration are listed in article_lsh_unbanded until the
        -- next hdnd process bands them (a few thousand a second), as keys need Python's hashing.
        CREATE TABLE article_lsh (
            key INTEGER NOT NULL,
            article_id INTEGER NOT NULL,
            PRIMARY KEY (key, article_id)
        ) WITHOUT ROWID;
        CREATE TABLE article_lsh_unbanded (article_id INTEGER PRIMARY KEY);
        INSERT INTO article_lsh_unbanded SELECT article_id FROM article_signatures;
        -- hdnd process finds the articles still to analyse through this index, without reading
        -- every article (pipeline_version is stored after the text).
        CREATE INDEX articles_pipeline_version ON articles(pipeline_version);
        """,
    ),
    (
        18,
        "search indexes of promises, people and index results, for the web search page",
        f"""
        -- The web search page matched every promise, person and index result in Python: 1 s at
        -- 10,000 processed articles. Each of the three now has an index of its text as the page
        -- matches it (corpus.lookup), folded by SQLite (remove_diacritics 2: marks, not đ);
        -- the page asks it for the rows that hold every syllable of the query and matches only
        -- those by the exact/folded rule. The names of each index are models' list as it was
        -- when this migration ran.
        CREATE TABLE index_name_variants (code TEXT PRIMARY KEY, names TEXT NOT NULL);
        INSERT INTO index_name_variants (code, names) VALUES {_index_name_variants()};
        {_record_search("commitments", "quote, target, speaker, speaker_title, topic")}
        {_record_search("persons", "name, title")}
        {_record_search("index_values", '"index", entity, subindex, quote')}
        -- A person's text holds their titles, so a title added, changed or removed rewrites it.
        CREATE TRIGGER persons_search_title_added AFTER INSERT ON person_titles BEGIN
            {_refreshed("persons", "new.person_id")}
        END;
        CREATE TRIGGER persons_search_title_changed AFTER UPDATE ON person_titles BEGIN
            {_refreshed("persons", "old.person_id")}
            {_refreshed("persons", "new.person_id")}
        END;
        CREATE TRIGGER persons_search_title_removed AFTER DELETE ON person_titles BEGIN
            {_refreshed("persons", "old.person_id")}
        END;
        """,
    ),
    (
        19,
        "legal references cited by name and date, without a number: number may be empty, name kept",
        """
        -- "Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015" is cited without its
        -- number; the table required one. SQLite cannot drop a NOT NULL: the table is rebuilt,
        -- its rows and ids kept (nothing refers to them).
        CREATE TABLE legal_refs_rebuilt (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            type TEXT NOT NULL,
            number TEXT,
            name TEXT,
            date TEXT,
            issuer TEXT,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            quote TEXT NOT NULL,
            CHECK (number IS NOT NULL OR name IS NOT NULL)
        );
        INSERT INTO legal_refs_rebuilt (id, article_id, type, number, date, issuer, start, "end", quote)
            SELECT id, article_id, type, number, date, issuer, start, "end", quote FROM legal_refs;
        DROP TABLE legal_refs;
        ALTER TABLE legal_refs_rebuilt RENAME TO legal_refs;
        CREATE INDEX legal_refs_article ON legal_refs(article_id);
        CREATE INDEX legal_refs_number ON legal_refs(number);
        """,
    ),
    (
        20,
        "a deleted commitment's body spelling no longer shown by the rows of its body",
        f"""
        -- Migration 16 spells each body from the rows there are, on insert and update; a row
        -- deleted by another tool left its spelling on the others.
        CREATE TRIGGER commitments_body_deleted AFTER DELETE ON commitments WHEN old.body_key IS NOT NULL BEGIN
            {_spelling_statement("old.body_key")}
        END;
        """,
    ),
    (
        21,
        "every write by another tool keeps what is derived from a row: an id changed, a row replaced by an update, a delete",
        f"""
        -- Tools other than hdnd write with foreign keys and recursive triggers off. An article
        -- deleted that way left its analysis, signature and near-duplicate bands; an UPDATE of
        -- an id left its search entry (and everything else) under the old one; an UPDATE OR
        -- REPLACE onto another row's URL or id removed that row without a delete trigger. Now
        -- a delete removes what refers to the article (as ON DELETE CASCADE would), a changed id
        -- takes it along (as ON UPDATE CASCADE would), and a BEFORE UPDATE trigger notes the rows
        -- an update may replace, as migration 16's BEFORE INSERT triggers do for inserts; AFTER
        -- triggers remove them, and what hdnd keeps of them. Promises, people, index results and
        -- status reports keep their search entries and words the same way. Rows left behind by
        -- such writes before this migration are removed.
        ALTER TABLE fts_replaced ADD COLUMN body_key TEXT;
        CREATE INDEX article_lsh_article ON article_lsh(article_id);
        CREATE INDEX person_titles_article ON person_titles(article_id);
        CREATE INDEX questions_article ON questions(article_id);
        {_KEPT_OF_NO_ARTICLE}
        DROP TRIGGER articles_fts_replacing;
        CREATE TRIGGER articles_fts_replacing BEFORE INSERT ON articles BEGIN
            {_articles_noting("id = new.id OR url = new.url")}
        END;
        CREATE TRIGGER articles_kept_replaced AFTER INSERT ON articles WHEN {_noted_any("articles")} BEGIN
            {_ARTICLES_KEPT_GONE}
        END;
        CREATE TRIGGER articles_replacing_update BEFORE UPDATE OF id, url, title, text, title_folded, text_folded
        ON articles BEGIN
            {_articles_noting("(id = new.id OR url = new.url) AND id <> old.id")}
        END;
        DROP TRIGGER articles_fts_update;
        CREATE TRIGGER articles_fts_update AFTER UPDATE OF id, title, text, title_folded, text_folded ON articles
        WHEN NOT {_NEEDS_FOLDING} BEGIN
            {_ARTICLES_UNINDEXED}
            INSERT INTO articles_fts(articles_fts, rowid, title, text, title_folded, text_folded)
            VALUES ('delete', old.id, old.title, old.text, old.title_folded, old.text_folded);
            INSERT INTO articles_fts(rowid, title, text, title_folded, text_folded)
            VALUES (new.id, new.title, new.text, new.title_folded, new.text_folded);
        END;
        DROP TRIGGER articles_fts_update_unfolded;
        CREATE TRIGGER articles_fts_update_unfolded AFTER UPDATE OF id, title, text, title_folded, text_folded ON articles
        WHEN {_NEEDS_FOLDING} BEGIN
            {_ARTICLES_UNINDEXED}
            INSERT INTO articles_fts(articles_fts, rowid, title, text, title_folded, text_folded)
            VALUES ('delete', old.id, old.title, old.text, old.title_folded, old.text_folded);
            INSERT INTO articles_fts(rowid, title, text, title_folded, text_folded)
            VALUES (new.id, new.title, new.text, new.title_folded, new.text_folded);
            INSERT INTO articles_fts_folding (id, title, text) VALUES (new.id, new.title, new.text);
        END;
        CREATE TRIGGER articles_rekeyed AFTER UPDATE OF id, url ON articles
        WHEN new.id IS NOT old.id OR {_noted_any("articles")} BEGIN
            {_ARTICLES_UNINDEXED}
            {_ARTICLES_KEPT_GONE}
            {_articles_moved()}
        END;
        CREATE TRIGGER articles_kept_deleted AFTER DELETE ON articles BEGIN
            {_articles_gone("old.id")}
        END;
        DROP TRIGGER commitments_fts_replacing;
        CREATE TRIGGER commitments_fts_replacing BEFORE INSERT ON commitments BEGIN
            {_noting("commitments_fts", "commitments", "fingerprint", "body_key")}
        END;
        DROP TRIGGER commitments_fts_replaced;
        CREATE TRIGGER commitments_fts_replaced AFTER INSERT ON commitments WHEN {_noted_any("commitments_fts")} BEGIN
            {_commitments_replaced()}
        END;
        CREATE TRIGGER commitments_replacing_update BEFORE UPDATE OF id, fingerprint ON commitments BEGIN
            {_noting("commitments_fts", "commitments", "fingerprint", "body_key", update=True)}
        END;
        CREATE TRIGGER commitments_rekeyed AFTER UPDATE OF id, fingerprint ON commitments
        WHEN new.id IS NOT old.id OR {_noted_any("commitments_fts")} BEGIN
            {_commitments_replaced()}
            UPDATE commitments_fts SET rowid = new.id WHERE rowid = old.id AND new.id IS NOT old.id;
            DELETE FROM commitments_search WHERE rowid = old.id;
            {_refreshed("commitments", "new.id")}
            {_spelling_statement("new.body_key")}
        END;
        CREATE TRIGGER persons_search_replacing BEFORE INSERT ON persons BEGIN
            {_noting("persons_search", "persons", "name")}
        END;
        CREATE TRIGGER persons_search_replaced AFTER INSERT ON persons WHEN {_noted_any("persons_search")} BEGIN
            DELETE FROM persons_search WHERE rowid IN ({_NOTED.format("persons_search")}) AND rowid IS NOT new.id;
        END;
        CREATE TRIGGER persons_search_replacing_update BEFORE UPDATE OF id, name ON persons BEGIN
            {_noting("persons_search", "persons", "name", update=True)}
        END;
        CREATE TRIGGER persons_search_rekeyed AFTER UPDATE OF id, name ON persons
        WHEN new.id IS NOT old.id OR {_noted_any("persons_search")} BEGIN
            DELETE FROM persons_search WHERE rowid IN ({_NOTED.format("persons_search")}) OR rowid = old.id;
            {_refreshed("persons", "new.id")}
        END;
        CREATE TRIGGER index_values_search_rekeyed AFTER UPDATE OF id ON index_values WHEN new.id IS NOT old.id BEGIN
            DELETE FROM index_values_search WHERE rowid = old.id;
            {_refreshed("index_values", "new.id")}
        END;
        CREATE TRIGGER status_reports_fts_rekeyed AFTER UPDATE OF id ON status_reports WHEN new.id IS NOT old.id BEGIN
            DELETE FROM status_reports_fts WHERE rowid = new.id;
            UPDATE status_reports_fts SET rowid = new.id WHERE rowid = old.id;
        END;
        """,
    ),
    (
        22,
        "per-field search indexes of promises, people and index results: the web search ranks them in SQL",
        f"""
        -- Migration 18's indexes hold a record's fields as one text, marks stripped, so the page
        -- matched their candidates again in Python and scored every match by the fields it
        -- matched in: 3 s at 100,000 processed articles. These hold each field as written and
        -- folded (đ→d, as pipeline.fold), so a phrase is matched exactly by the index, bm25
        -- weighs the fields, and a page reads only its own rows.
        {_record_fields("commitments")}
        {_record_fields("persons")}
        {_record_fields("index_values")}
        -- A person's titles are a field of theirs: a title added, changed or removed rewrites it.
        CREATE TRIGGER persons_fields_title_added AFTER INSERT ON person_titles BEGIN
            {_fields_refreshed("persons", "new.person_id")}
        END;
        CREATE TRIGGER persons_fields_title_changed AFTER UPDATE ON person_titles BEGIN
            {_fields_refreshed("persons", "old.person_id")}
            {_fields_refreshed("persons", "new.person_id")}
        END;
        CREATE TRIGGER persons_fields_title_removed AFTER DELETE ON person_titles BEGIN
            {_fields_refreshed("persons", "old.person_id")}
        END;
        """,
    ),
    (
        23,
        "a person's promises and questions read by index (hdnd person, /-/person/ID)",
        """
        -- A person's page reads their commitments and the questions they asked and answered;
        -- without these indexes each read scanned its table (0.8 s for 1M commitments).
        CREATE INDEX commitments_person ON commitments(person_id);
        CREATE INDEX questions_asker ON questions(asker_person_id);
        CREATE INDEX questions_answerer ON questions(answerer_person_id);
        """,
    ),
    (
        24,
        "per-field search indexes kept right through REPLACEs by other tools; migration 18's unread indexes dropped",
        f"""
        -- An INSERT OR REPLACE or UPDATE OR REPLACE onto another promise's fingerprint or another
        -- person's name removes that row without a delete trigger (recursive triggers are off in
        -- other tools): its entry in commitments_fields / persons_fields stayed, so an unfiltered
        -- total counted it. The rows such a write may replace are noted by BEFORE triggers (as
        -- migration 21 does for the *_search indexes) and their entries removed after it. A changed
        -- id already rewrites a row's entry (migration 22's update triggers read OF id).
        -- Migration 18's *_search indexes are read by nothing since migration 22: dropped with
        -- every trigger that writes them; migration 21's triggers that did more are re-created
        -- without them.
        DROP TRIGGER commitments_search_insert;
        DROP TRIGGER commitments_search_update;
        DROP TRIGGER commitments_search_delete;
        DROP TRIGGER persons_search_insert;
        DROP TRIGGER persons_search_update;
        DROP TRIGGER persons_search_delete;
        DROP TRIGGER index_values_search_insert;
        DROP TRIGGER index_values_search_update;
        DROP TRIGGER index_values_search_delete;
        DROP TRIGGER persons_search_title_added;
        DROP TRIGGER persons_search_title_changed;
        DROP TRIGGER persons_search_title_removed;
        DROP TRIGGER index_values_search_rekeyed;
        DROP TRIGGER persons_search_replacing;
        DROP TRIGGER persons_search_replaced;
        DROP TRIGGER persons_search_replacing_update;
        DROP TRIGGER persons_search_rekeyed;
        DROP TABLE commitments_search;
        DROP TABLE persons_search;
        DROP TABLE index_values_search;
        DELETE FROM fts_replaced WHERE fts = 'persons_search';
        DROP TRIGGER commitments_fts_replaced;
        CREATE TRIGGER commitments_fts_replaced AFTER INSERT ON commitments WHEN {_noted_any("commitments_fts")} BEGIN
            {_commitments_replaced("commitments_fields")}
        END;
        DROP TRIGGER commitments_rekeyed;
        CREATE TRIGGER commitments_rekeyed AFTER UPDATE OF id, fingerprint ON commitments
        WHEN new.id IS NOT old.id OR {_noted_any("commitments_fts")} BEGIN
            {_commitments_replaced("commitments_fields")}
            UPDATE commitments_fts SET rowid = new.id WHERE rowid = old.id AND new.id IS NOT old.id;
            {_spelling_statement("new.body_key")}
        END;
        CREATE TRIGGER persons_fields_replacing BEFORE INSERT ON persons BEGIN
            {_noting("persons_fields", "persons", "name")}
        END;
        CREATE TRIGGER persons_fields_replaced AFTER INSERT ON persons WHEN {_noted_any("persons_fields")} BEGIN
            {_PERSONS_FIELDS_REPLACED}
        END;
        CREATE TRIGGER persons_fields_replacing_update BEFORE UPDATE OF id, name ON persons BEGIN
            {_noting("persons_fields", "persons", "name", update=True)}
        END;
        CREATE TRIGGER persons_fields_rekeyed AFTER UPDATE OF id, name ON persons WHEN {_noted_any("persons_fields")} BEGIN
            {_PERSONS_FIELDS_REPLACED}
        END;
        -- Entries left by such writes before this migration.
        DELETE FROM commitments_fields WHERE rowid NOT IN (SELECT id FROM commitments);
        DELETE FROM persons_fields WHERE rowid NOT IN (SELECT id FROM persons);
        DELETE FROM index_values_fields WHERE rowid NOT IN (SELECT id FROM index_values);
        """,
    ),
    (
        25,
        "prefix indexes in the article search index: a prefix of two or three characters has lists of its own",
        """
        -- A prefix query ("kiến ngh*", "ngh*") had FTS5 gather and merge the list of every syllable
        -- beginning so (nghị, nghiệp, nghe …) before it gave a single match: 0.3–0.4 s at a million
        -- articles, however few were shown. With prefix indexes of 2 and 3 characters the index keeps
        -- one list per such beginning, read as a syllable's is; a longer or shorter beginning is
        -- gathered as before. Matches and scores do not change. The table is made again with the
        -- option and refilled from articles (the triggers name it, so they write the new one). At a
        -- million articles this took 48 minutes on this project's shared 2-core machine (11 of them
        -- on the CPU, at a load of 7 to 10) and the file grew by 3.6 GB, from 8.2 to 11.8 GB.
        DROP TABLE articles_fts;
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, title_folded, text_folded,
            content="articles", content_rowid='id',
            tokenize='unicode61 remove_diacritics 0', prefix='2 3'
        );
        INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
        """,
    ),
    (
        26,
        "the promises view names a Standing Committee meeting as a meeting ('phiên họp thứ N')",
        """
        -- A session row of the National Assembly Standing Committee is numbered by its meeting
        -- (pipeline.sessions): the view's session column reads "…, phiên họp thứ 26" for it, as
        -- corpus.sessions.session_label does, and "…, kỳ họp thứ N" for a council's session.
        DROP VIEW promises;
        CREATE VIEW promises AS
            SELECT c.id, c.kind, c.status, c.speaker, c.speaker_title, c.body, c.topic, c.deadline, c.quote, c.target,
                   c.made_on, substr(c.made_on, 1, 4) AS year,
                   (SELECT src.domain FROM commitment_sources cs JOIN articles a ON a.id = cs.article_id
                      JOIN sources src ON src.id = a.source_id WHERE cs.commitment_id = c.id
                    ORDER BY a.published, a.id LIMIT 1) AS source,
                   s.council || COALESCE(' khóa ' || s.term, '') ||
                       COALESCE(CASE WHEN s.council = 'Ủy ban Thường vụ Quốc hội' THEN ', phiên họp thứ '
                                     ELSE ', kỳ họp thứ ' END || s.session_no, '') AS session,
                   c.session_id
            FROM commitments c
            LEFT JOIN sessions s ON s.id = c.session_id
            WHERE EXISTS (SELECT 1 FROM commitment_sources cs WHERE cs.commitment_id = c.id)
              AND (SELECT e.status FROM commitment_events e WHERE e.commitment_id = c.id AND e.kind = 'correction'
                   ORDER BY e.id DESC LIMIT 1) IS NOT 'not_a_promise';
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
            _announce_rebuild(conn, version, name, sql)
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


_REBUILD = re.compile(r"INSERT INTO articles_fts\(articles_fts\) VALUES \('rebuild'\)")


def _announce_rebuild(conn: sqlite3.Connection, version: int, name: str, sql: str) -> None:
    """One sentence on stderr before a migration rebuilds the search index of a corpus that
    has articles: at a million articles that holds the write lock for most of an hour, and
    whatever command runs it first (even a search) would otherwise look hung."""
    if not _REBUILD.search(sql):
        return
    count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    if count:
        print(f"{database_file(conn)}: rebuilding the search index of {count:,} articles for migration {version} "
              f"({name.split(':')[0]}); this runs once and may take a while.", file=sys.stderr)


def database_file(conn: sqlite3.Connection) -> str:
    """The file a connection has open (its main database), for messages."""
    return conn.execute("PRAGMA database_list").fetchone()[2] or "the corpus"


def _statements(sql: str) -> list[str]:
    """Split a migration into statements; trigger bodies contain semicolons."""
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


_TRIGGER = re.compile(r"(CREATE|DROP) TRIGGER (\w+)")
_TRIGGER_TABLE = re.compile(r"\bON (\w+)")


@lru_cache(maxsize=None)
def triggers() -> dict[str, tuple[str, str]]:
    """Every trigger the migrations leave, by name: the table it is on and the statement that
    creates it. A tool that rebuilds a table (sqlite-utils transform: create, copy, drop,
    rename) loses the table's triggers; corpus.db.repair re-creates them from these."""
    found: dict[str, tuple[str, str]] = {}
    for _, _, sql in MIGRATIONS:
        for statement in _statements(sql):
            if match := _TRIGGER.match(statement):
                if match[1] == "CREATE":
                    found[match[2]] = (_TRIGGER_TABLE.search(statement)[1], statement)
                else:
                    del found[match[2]]
    return found


def _fields_rebuilt(table: str) -> str:
    """Statements that write the per-field search index of a record table anew from its rows."""
    return f"""DELETE FROM {table}_fields;
        {_fields_written(table, "TRUE", in_python=True)}"""


def _derived_rebuilt() -> dict[str, str]:
    """For each table whose triggers may be lost, statements that rebuild what its triggers keep
    (run before the triggers are back, so that no trigger redoes it row by row): articles'
    folded copies (with hdnd_fold) and search index, and what is kept of articles gone; the
    body spellings, words and per-field search entries of promises; the per-field search entries
    of people and of index results; the words of status reports. Also the notes of a statement
    that never ended."""
    articles = f"""UPDATE articles SET title_folded = hdnd_fold(title), text_folded = hdnd_fold(text)
            WHERE title_folded IS NOT hdnd_fold(title) OR text_folded IS NOT hdnd_fold(text);
        DELETE FROM articles_fts_folding;
        DELETE FROM fts_replaced WHERE fts = 'articles_fts';
        INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
        {_KEPT_OF_NO_ARTICLE}"""
    commitments = f"""{chr(10).join(_written_body_statements("TRUE"))}
        UPDATE commitments SET body = (SELECT body_written FROM commitments c WHERE c.body_key = commitments.body_key
            ORDER BY {_SPELLING_ORDER} LIMIT 1);
        DELETE FROM commitments_fts WHERE rowid NOT IN (SELECT id FROM commitments);
        DELETE FROM fts_replaced WHERE fts = 'commitments_fts';
        {_fields_rebuilt("commitments")}"""
    persons = f"""DELETE FROM fts_replaced WHERE fts = 'persons_fields';
        {_fields_rebuilt("persons")}"""
    return {"articles": articles, "articles_fts_folding": articles, "commitments": commitments, "persons": persons,
            "person_titles": persons, "index_values": _fields_rebuilt("index_values"),
            "status_reports": """DELETE FROM status_reports_fts WHERE rowid NOT IN (SELECT id FROM status_reports);
        DELETE FROM fts_replaced WHERE fts = 'status_reports_fts';"""}


def rebuilt(tables: set[str]) -> list[str]:
    """The statements that rebuild what the triggers on ``tables`` keep (each once)."""
    scripts = _derived_rebuilt()
    return [statement for script in dict.fromkeys(scripts[t] for t in sorted(tables) if t in scripts)
            for statement in _statements(script)]
