"""Vietnamese-aware full-text search over the corpus.

The user's query is never passed to FTS5 as written. It is parsed into phrases and
rebuilt from its syllables, so quotes, parentheses, ``*``, ``NEAR`` or SQL typed by a
user are text, not syntax. Each phrase picks its column by the rule in DESIGN.md: with
diacritics (or đ) it searches the exact text; without, the folded text.

Query language, in full:
  * consecutive words form one phrase: ``hoi dong nhan dan`` matches those four
    syllables in that order, in any case and with any marks;
  * ``"…"`` quotes a phrase explicitly; ``AND`` / ``OR`` (upper case) join phrases,
    phrases next to each other are joined by AND;
  * a phrase ending in ``*`` matches any continuation of its last syllable.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from pipeline import fold, has_diacritics, normalize_text

MAX_QUERY_CHARS = 1000
MAX_PHRASES = 16
MAX_SYLLABLES = 32
SNIPPET_CHARS = 240
# Matches are marked and snippets cut within a text's first SCAN_CHARS characters only, so
# one huge text costs no more per search than an ordinary long article.
SCAN_CHARS = 100_000
# Every search, on the web and on the command line, stops after this long.
TIME_LIMIT_MS = 2000
TIME_LIMIT_MESSAGE = "The search took longer than the time limit; make the query more specific."
START, END = "\x01", "\x02"
_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_SYLLABLE = re.compile(r"\w+")
# Exact phrases search title and text; folded phrases their folded copies (FTS columns).
EXACT_COLUMNS, FOLDED_COLUMNS = "{title text}", "{title_folded text_folded}"


class QueryError(ValueError):
    """A query we cannot run, said in one sentence."""


class TimeLimitError(QueryError):
    """A search ran out of its time limit."""


@contextmanager
def time_limit(conn: sqlite3.Connection, ms: int = TIME_LIMIT_MS) -> Iterator[None]:
    """Every statement on ``conn`` inside stops once ``ms`` have passed (a progress handler,
    as Datasette sets it). An SQLite error after that (or a QueryError made of one) is the
    limit's interrupt, whatever SQLite calls it ("interrupted", or "vtable constructor
    failed" when it strikes while FTS5 opens), and becomes a TimeLimitError."""
    from datasette.utils import sqlite_timelimit

    start = time.perf_counter()
    try:
        with sqlite_timelimit(conn, ms):
            yield
    except (sqlite3.OperationalError, QueryError) as err:
        cause = err if isinstance(err, sqlite3.OperationalError) else err.__cause__
        late = (time.perf_counter() - start) * 1000 >= ms
        if isinstance(cause, sqlite3.OperationalError) and ("interrupted" in str(cause) or late):
            raise TimeLimitError(TIME_LIMIT_MESSAGE) from err
        raise


@dataclass(frozen=True)
class Phrase:
    syllables: tuple[str, ...]
    exact: bool
    prefix: bool = False

    def fts(self) -> str:
        columns = EXACT_COLUMNS if self.exact else FOLDED_COLUMNS
        star = " *" if self.prefix else ""
        return f'{columns} : "{" ".join(self.syllables)}"{star}'


def _phrase(words: list[str]) -> Phrase | None:
    raw = " ".join(words)
    syllables = _SYLLABLE.findall(raw)[:MAX_SYLLABLES]
    if not syllables:
        return None
    exact = has_diacritics(raw)
    if not exact:
        syllables = [fold(s) for s in syllables]
    return Phrase(tuple(syllables), exact, prefix=raw.rstrip().endswith("*"))


def parse_query(query: str) -> list[tuple[str, Phrase]]:
    """The query as (operator, phrase) pairs; the first operator is always AND."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"The query is {len(query):,} characters long; the limit is {MAX_QUERY_CHARS:,}.")
    text = normalize_text(query).replace("“", '"').replace("”", '"')
    parts: list[tuple[str, Phrase]] = []
    operator, words = "AND", []

    def flush() -> None:
        nonlocal words, operator
        phrase = _phrase(words)
        if phrase:
            parts.append((operator, phrase))
            operator = "AND"
        words = []

    for match in _TOKEN.finditer(text):
        quoted, bare = match.groups()
        if quoted is not None:
            flush()
            words = [quoted]
            flush()
        elif bare in ("AND", "OR"):
            flush()
            operator = bare
        else:
            words.append(bare)
    flush()
    if not parts:
        raise QueryError("The query has no letters or digits to search for.")
    if len(parts) > MAX_PHRASES:
        raise QueryError(f"The query has {len(parts)} phrases; the limit is {MAX_PHRASES}.")
    return parts


def phrase_pattern(phrase: Phrase) -> re.Pattern:
    """The regular expression that matches ``phrase`` as FTS5 would: whole syllables in
    order, any case, any separators; in the folded text when the phrase has no marks."""
    body = r"\W+".join(re.escape(s) for s in phrase.syllables)
    return re.compile(r"(?<!\w)" + body + (r"\w*" if phrase.prefix else r"(?!\w)"), re.IGNORECASE)


def phrase_spans(parts: list[tuple[str, Phrase]], text: str) -> list[list[tuple[int, int]]]:
    """Where each phrase of the parsed query occurs in the first SCAN_CHARS characters of
    ``text`` (NFC). Folding keeps lengths, so spans in the folded text are spans of ``text``."""
    head = text[:SCAN_CHARS]
    folded = fold(head)
    return [[m.span() for m in phrase_pattern(phrase).finditer(head if phrase.exact else folded)]
            for _, phrase in parts]


def match_spans(parts: list[tuple[str, Phrase]], text: str) -> list[tuple[int, int]] | None:
    """Where the parsed query matches ``text`` (its first SCAN_CHARS characters), or None
    when it does not. AND and OR are applied left to right, as in the FTS expression."""
    matched: bool | None = None
    found_all = phrase_spans(parts, text)
    for (operator, _), found in zip(parts, found_all):
        hit = bool(found)
        matched = hit if matched is None else (matched or hit) if operator == "OR" else (matched and hit)
    return sorted(s for found in found_all for s in found) if matched else None


def fts_query(parts: list[tuple[str, Phrase]]) -> str:
    expression = parts[0][1].fts()
    for operator, phrase in parts[1:]:
        expression = f"({expression}) {operator} {phrase.fts()}"
    return expression


def snippet(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS,
            mark: tuple[str, str] = ("**", "**"), more: bool = False) -> str:
    """A window of ``text`` around the first match, every match inside it marked; ``more``
    says the text goes on after ``text`` (it is the head of a longer one)."""
    if not text:
        return ""
    first = spans[0][0] if spans else 0
    start = max(0, first - width // 3)
    if start:
        start = text.rfind(" ", 0, start) + 1
    end = min(len(text), start + width)
    if end < len(text) and text.find(" ", end) != -1:
        end = text.find(" ", end)
    pieces, cursor = [], start
    for s, e in sorted(spans):
        if s < cursor or e > end:
            continue
        pieces += [text[cursor:s], mark[0], text[s:e], mark[1]]
        cursor = e
    pieces.append(text[cursor:end])
    body = re.sub(r"\s+", " ", "".join(pieces)).strip()
    return ("… " if start else "") + body + (" …" if end < len(text) or more else "")


def search(db: sqlite_utils.Database, query: str, *, since: str | None = None, until: str | None = None,
           source: str | None = None, limit: int = 20, mark: tuple[str, str] = ("**", "**")) -> list[dict[str, Any]]:
    """Ranked articles for ``query`` with a snippet each, matches between ``mark``."""
    parts = parse_query(query)
    where, params = ["articles_fts MATCH :q"], {"q": fts_query(parts), "limit": max(1, min(limit, 1000))}
    if since:
        where.append("substr(a.published, 1, 10) >= :since")
        params["since"] = since
    if until:
        where.append("substr(a.published, 1, 10) <= :until")
        params["until"] = until
    if source:
        where.append("(s.domain = :source OR s.domain LIKE '%.' || :source OR s.name = :source)")
        params["source"] = source
    sql = f"""
        SELECT a.id, a.title, a.published, a.url, s.domain AS source,
               bm25(articles_fts, 5.0, 1.0, 5.0, 1.0) AS score
        FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
        LEFT JOIN sources s ON s.id = a.source_id
        WHERE {' AND '.join(where)}
        ORDER BY score, a.published DESC, a.id LIMIT :limit
    """
    try:
        hits = [dict(row) for row in _rows(db, sql, params)]
        heads = _heads(db, [h["id"] for h in hits])
    except sqlite3.OperationalError as err:
        raise QueryError(f"The search index could not run this query ({err}).") from err
    for hit in hits:
        head, more = heads.get(hit["id"], ("", False))
        spans = sorted(span for found in phrase_spans(parts, head) for span in found)
        hit["snippet"] = snippet(head, spans, mark=mark, more=more)
        hit["score"] = round(-hit["score"], 3)
    return hits


def count(db: sqlite_utils.Database, query: str) -> int:
    """How many articles match ``query``."""
    try:
        return db.conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
                               (fts_query(parse_query(query)),)).fetchone()[0]
    except sqlite3.OperationalError as err:
        raise QueryError(f"The search index could not run this query ({err}).") from err


def _rows(db: sqlite_utils.Database, sql: str, params: dict[str, Any]):
    cursor = db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return (dict(zip(names, row)) for row in cursor)


def _heads(db: sqlite_utils.Database, ids: list[int]) -> dict[int, tuple[str, bool]]:
    """The first SCAN_CHARS characters of each hit's text, and whether it goes on.

    Read from the table, not through the index's highlight(): that folds the whole text
    of every hit in Python (hdnd_fold, beyond the time limit's reach) and marks all of it,
    however long it is.
    """
    if not ids:
        return {}
    placeholders = ", ".join("?" for _ in ids)
    sql = f"SELECT id, substr(text, 1, ?), length(text) > ? FROM articles WHERE id IN ({placeholders})"
    return {row_id: (head or "", bool(more)) for row_id, head, more in db.conn.execute(sql, [SCAN_CHARS, SCAN_CHARS, *ids])}
