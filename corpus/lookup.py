"""One query over articles, promises, people and index results (the web search page).

Articles are ranked by their search index (``corpus.search``). Promises, people and index
results are found and ranked in SQL by their per-field indexes (migration 22), which hold
each field as written and folded, so a phrase is matched by the same exact/folded rule as
in articles. bm25 weighs a hit by its field (a speaker's or a person's name above a quote)
and by how short the record is; a record holding the query as it was typed (not only an
equivalent spelling: HĐND for "hoi dong nhan dan") scores LITERAL_BONUS more; equal scores
come newest first. Only the rows of a page are read, and totals are counted up to
COUNT_AT_MOST: a group with more says so and lists them most recently added first, as
article search does for a broad query (bm25 reads every match: 0.1–0.3 s for a common
phrase at 100,000 processed articles). A phrase lies within one field.

A corpus not migrated to 22 (plain ``datasette hdnd.db`` does not migrate) is matched row by
row in Python, every row read, each match scored by the weights of the fields it lies in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlite_utils

from corpus.migrations import RECORD_FIELDS
from corpus.records import TABLES, with_index_names
from corpus.search import END, START, Phrase, count, match_spans, parse_query, phrase_spans, search, snippet

GROUPS = ("articles", "promises", "people", "index_values")
SEPARATOR = " · "
# A record holding the query as it was typed scores this much more (a share of its bm25).
LITERAL_BONUS = 0.1
# Each group's total is counted this far (articles, records); a group with more says so.
COUNT_AT_MOST = {"articles": 10_000, "records": 1_000}
# Ranked ids are checked against the rows (a promise must still be one) at least CHUNK and at
# most MAX_CHUNK at a time.
CHUNK, MAX_CHUNK = 50, 2000

_PROMISES_SQL = "SELECT id, kind, quote, speaker, speaker_title, deadline, status, topic, target, made_on FROM promises"
_TABLE = {"promises": "commitments", "people": "persons", "index_values": "index_values"}
# Per group: the weight of each field (RECORD_FIELDS names them), and the field the snippet
# is cut from (None: the fields themselves, for short records such as a person).
_WEIGHTS: dict[str, tuple[dict[str, float], str | None]] = {
    "promises": ({"quote": 1.0, "target": 1.0, "speaker": 3.0, "speaker_title": 2.0, "topic": 1.0}, "quote"),
    "people": ({"name": 3.0, "title": 1.0, "titles": 1.0}, None),
    "index_values": ({"heading": 2.0, "subindex": 1.0, "quote": 1.0}, "quote"),
}
_TIES = {"promises": lambda h: h.get("made_on") or "",
         "people": lambda h: h.get("articles") or 0,
         "index_values": lambda h: (h.get("year") or 0, h["id"])}


def _row_sql(group: str) -> str:
    return _PROMISES_SQL if group == "promises" else TABLES["persons" if group == "people" else group][0]


def _fields(group: str, row: dict) -> list[str]:
    """A row's fields as its index holds them: an index result's heading is its index's names and its place."""
    if group == "index_values":
        row.setdefault("heading", f"{row['index_names']}{SEPARATOR}{row.get('entity') or ''}")
    return [str(row.get(f) or "") for f in _WEIGHTS[group][0]]


def _read(db: sqlite_utils.Database, group: str, ids: list[int] | None = None) -> list[dict]:
    """The rows of a record group shown on the page, those of ``ids`` (all for None): a
    commitment no longer a promise, or a row gone since it was indexed, is not among them."""
    sql = _row_sql(group)
    if ids is not None:
        sql = f"SELECT * FROM ({sql}) WHERE id IN ({', '.join('?' for _ in ids)})"
    cursor = db.execute(sql, ids or [])
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row)) for row in cursor]
    return with_index_names(rows) if group == "index_values" else rows


# --- in SQL, through the per-field indexes -------------------------------------------------

def _column_set(group: str, exact: bool) -> str:
    return "{" + " ".join(f if exact else f"{f}_folded" for f in RECORD_FIELDS[_TABLE[group]]) + "}"


def _phrase_fts(group: str, phrase: Phrase, literal: bool) -> str:
    """One phrase for a record index: any of its spellings (only the typed one with ``literal``)
    in the fields as written, or folded when it has no marks (as ``Phrase.fts`` for articles)."""
    spellings = (phrase.syllables,) if literal else phrase.spellings()
    star = " *" if phrase.prefix else ""
    ors = " OR ".join(f'{_column_set(group, phrase.exact)} : "{" ".join(s)}"{star}' for s in spellings)
    return f"({ors})" if len(spellings) > 1 else ors


def expression(group: str, parts: list[tuple[str, Phrase]]) -> str:
    """The FTS5 expression of a parsed query for a group's index, AND and OR as in articles."""
    found = _phrase_fts(group, parts[0][1], False)
    for operator, phrase in parts[1:]:
        found = f"({found}) {operator} {_phrase_fts(group, phrase, False)}"
    return found


def _typed(group: str, parts: list[tuple[str, Phrase]]) -> str | None:
    """An expression for the records holding some phrase as typed, when a phrase has other spellings."""
    if not any(phrase.alternatives for _, phrase in parts):
        return None
    return " OR ".join(_phrase_fts(group, phrase, True) for _, phrase in parts)


_SOURCE = "(s.domain = :source OR s.domain LIKE '%.' || :source OR s.name = :source)"


def _conditions(group: str, filters: Filters) -> tuple[str, list[str], dict[str, Any]]:
    """The join and conditions on a record's row (``b``) that its filters put, and their parameters."""
    index, table = f"{_TABLE[group]}_fields", _TABLE[group]
    where, params = [], {}
    day = {"promises": ("b.made_on", "b.made_on"),
           "people": ("b.first_seen", "COALESCE(NULLIF(b.last_seen, ''), b.first_seen)"),
           "index_values": ("a.published", "a.published")}[group]
    if filters.since:
        where.append(f"substr({day[0]}, 1, 10) <> '' AND substr({day[1]}, 1, 10) >= :since")
        params["since"] = filters.since
    if filters.until:
        where.append(f"substr({day[0]}, 1, 10) <> '' AND substr({day[0]}, 1, 10) <= :until")
        params["until"] = filters.until
    if filters.kind:
        where.append("b.kind = :kind")
        params["kind"] = filters.kind
    if filters.source:
        articles = {"promises": "FROM commitment_sources cs JOIN articles a ON a.id = cs.article_id "
                                "JOIN sources s ON s.id = a.source_id WHERE cs.commitment_id = b.id",
                    "index_values": "FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = b.article_id"}
        where.append(f"EXISTS (SELECT 1 {articles[group]} AND {_SOURCE})")
        params["source"] = filters.source
    join = f" JOIN {table} b ON b.id = {index}.rowid" if where else ""
    if group == "index_values" and (filters.since or filters.until):
        join += " JOIN articles a ON a.id = b.article_id"
    return join, where, params


def _ranked_ids(db: sqlite_utils.Database, group: str, parts: list, filters: Filters, ranked: bool = True):
    """(id, score) of the records matching, best first: bm25 over the weighted fields (exact and
    folded alike), LITERAL_BONUS better for a record holding the query as typed. Unless
    ``ranked``, most recently added first (the score is minus the id: no two are equal)."""
    index = f"{_TABLE[group]}_fields"
    if not ranked:
        join, where, params = _conditions(group, filters)
        params["q"] = expression(group, parts)
        return db.conn.execute(f"SELECT {index}.rowid, -{index}.rowid FROM {index}{join} "
                               f"WHERE {' AND '.join([f'{index} MATCH :q', *where])} ORDER BY {index}.rowid DESC", params)
    weights = ", ".join(str(w) for w in _WEIGHTS[group][0].values())
    score = f"bm25({index}, {weights}, {weights})"
    join, where, params = _conditions(group, filters)
    typed = _typed(group, parts)
    if typed:
        score += f" * CASE WHEN {index}.rowid IN (SELECT rowid FROM {index} WHERE {index} MATCH :typed) " \
                 f"THEN {1 + LITERAL_BONUS} ELSE 1 END"
        params["typed"] = typed
    params["q"] = expression(group, parts)
    # Rounded: a phrase in most records has almost no weight (bm25's idf), and what is left of
    # its score, the records' lengths, is no reason to rank; those come in the group's order.
    return db.conn.execute(f"SELECT {index}.rowid, round({score}, 3) AS score FROM {index}{join} "
                           f"WHERE {' AND '.join([f'{index} MATCH :q', *where])} ORDER BY score", params)


def _total(db: sqlite_utils.Database, group: str, parts: list, filters: Filters) -> tuple[int, bool]:
    """How many records match (a promise only while it is one), counted up to COUNT_AT_MOST;
    and whether that is all of them."""
    index, most = f"{_TABLE[group]}_fields", COUNT_AT_MOST["records"]
    join, where, params = _conditions(group, filters)
    if group == "promises":
        join += f" JOIN promises p ON p.id = {index}.rowid"
    params["q"] = expression(group, parts)
    sql = f"SELECT count(*) FROM (SELECT 1 FROM {index}{join} WHERE {' AND '.join([f'{index} MATCH :q', *where])} " \
          f"LIMIT {most + 1})"
    found = db.conn.execute(sql, params).fetchone()[0]
    return min(found, most), found <= most


def _best(db: sqlite_utils.Database, group: str, parts: list, filters: Filters, k: int, ranked: bool) -> list[dict]:
    """The best ``k`` rows of a record group with their scores (None unless ``ranked``: the
    last added first). Ranked ids are read a chunk at a time, keeping those that are rows of
    the group, until ``k`` are kept and the next score is worse than the k-th; rows of equal
    score are then ordered by the group's tie-break."""
    cursor, kept = _ranked_ids(db, group, parts, filters, ranked), []
    while chunk := cursor.fetchmany(min(MAX_CHUNK, max(CHUNK, k - len(kept) + 1))):
        if len(kept) >= k and chunk[0][1] != kept[k - 1]["score"]:
            break
        found = {row["id"]: row for row in _read(db, group, [row_id for row_id, _ in chunk])}
        for row_id, score in chunk:
            if row_id in found and (len(kept) < k or score == kept[k - 1]["score"]):
                kept.append({**found[row_id], "score": score})
    cursor.close()
    kept.sort(key=_TIES[group], reverse=True)
    kept.sort(key=lambda r: r["score"])
    for row in kept:
        row["score"] = (-row["score"] or 0.0) if ranked else None
    return kept[:k]


def _snippet(row: dict, group: str, parts: list, mark: tuple[str, str]) -> str:
    """A hit's snippet: cut from its text field, or from its fields joined for a short record."""
    text_field = _WEIGHTS[group][1]
    text = str(row.get(text_field) or "") if text_field else SEPARATOR.join(_fields(group, row))
    return snippet(text, sorted(s for found in phrase_spans(parts, text) for s in found), mark=mark)


# --- row by row, for a corpus without the per-field indexes ---------------------------------

def _ranked(rows: list[dict], group: str, parts: list, limit: int) -> tuple[list[dict], int]:
    """The best ``limit`` of the rows the query matches, scored by the weights of the fields it
    matched in (a tenth more for each match as typed), and how many match in all."""
    weights, _ = _WEIGHTS[group]
    hits = []
    for row in rows:
        values = _fields(group, row)
        joined = SEPARATOR.join(values)
        spans = match_spans(parts, joined)
        if spans is None:
            continue
        bounds, offset = [], 0
        for field, value in zip(weights, values):
            bounds.append((field, offset, offset + len(value)))
            offset += len(value) + len(SEPARATOR)
        score = sum(weights[f] for s, _ in spans for f, lo, hi in bounds if lo <= s < hi)
        row["score"] = score + LITERAL_BONUS * sum(len(found) for found in phrase_spans(parts, joined, literal=True))
        hits.append(row)
    hits.sort(key=_TIES[group], reverse=True)
    hits.sort(key=lambda h: h["score"], reverse=True)
    return hits[:limit], len(hits)


PROMISE_KINDS = ("commitment", "demand", "assignment")


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to: published (or made, or seen) between ``since`` and
    ``until`` (YYYY-MM-DD), from one ``source`` (domain or name), of one ``kind`` (an
    article's: article, transcript; or a promise's: commitment, demand, assignment)."""
    since: str | None = None
    until: str | None = None
    source: str | None = None
    kind: str | None = None

    def groups(self) -> tuple[str, ...]:
        """The groups these filters can apply to: a kind belongs to articles or to promises,
        and people have no source; a group a filter cannot narrow is left out, not shown whole."""
        if self.kind:
            return ("promises",) if self.kind in PROMISE_KINDS else ("articles",)
        return tuple(g for g in GROUPS if not (self.source and g == "people"))

    def days(self, first: str | None, last: str | None = None) -> bool:
        """Whether a record dated ``first`` (seen until ``last``) falls inside since–until;
        an undated record only when no dates are asked for."""
        first, last = (first or "")[:10], (last or first or "")[:10]
        if (self.since or self.until) and not first:
            return False
        return not ((self.since and last < self.since) or (self.until and first > self.until))


def _sources(db: sqlite_utils.Database, table: str) -> dict[int, set[str]]:
    """Per promise (or index value) id, the domains and names of the sources of its articles."""
    sql = {"promises": "SELECT cs.commitment_id, s.domain, s.name FROM commitment_sources cs "
                       "JOIN articles a ON a.id = cs.article_id JOIN sources s ON s.id = a.source_id",
           "index_values": "SELECT v.id, s.domain, s.name FROM index_values v "
                           "JOIN articles a ON a.id = v.article_id JOIN sources s ON s.id = a.source_id"}[table]
    found: dict[int, set[str]] = {}
    for row_id, domain, name in db.execute(sql):
        found.setdefault(row_id, set()).update(filter(None, (domain, name)))
    return found


def _from_source(names: set[str], source: str) -> bool:
    return any(n == source or n.endswith("." + source) for n in names)


def _filtered(db: sqlite_utils.Database, group: str, rows: list[dict], filters: Filters) -> list[dict]:
    """The rows of a record group inside the filters (as ``search`` narrows articles)."""
    dated = {"promises": lambda r: filters.days(r.get("made_on")),
             "people": lambda r: filters.days(r.get("first_seen"), r.get("last_seen")),
             "index_values": lambda r: filters.days(r.get("published"))}[group]
    rows = [r for r in rows if dated(r) and (not filters.kind or r.get("kind") == filters.kind)]
    if filters.source:
        names = _sources(db, group)
        rows = [r for r in rows if _from_source(names.get(r["id"], set()), filters.source)]
    return rows


def search_group(db: sqlite_utils.Database, query: str, group: str, *, limit: int = 10, offset: int = 0,
                 filters: Filters = Filters(), mark: tuple[str, str] = (START, END)) -> dict[str, Any]:
    """One group's hits ``offset`` to ``offset + limit`` for ``query`` inside ``filters``;
    ``total``, how many match, and ``total_exact``, false when there are more than that;
    ``order``, "best" or, for too many to rank, "added" (the most recently added first)."""
    if group == "articles":  # a query too broad to rank comes most recently added first, and says so
        narrow = {"since": filters.since, "until": filters.until, "source": filters.source, "kind": filters.kind}
        hits = search(db, query, limit=limit, offset=offset, mark=mark, **narrow)
        found = count(db, query, **narrow, at_most=COUNT_AT_MOST["articles"])
        total, exact = min(found, COUNT_AT_MOST["articles"]), found <= COUNT_AT_MOST["articles"]
        return {"total": total, "total_exact": exact, "hits": hits,
                "order": "added" if hits and hits[0]["score"] is None else "best"}
    parts = parse_query(query)
    if db[f"{_TABLE[group]}_fields"].exists():
        total, exact = _total(db, group, parts, filters)
        hits = _best(db, group, parts, filters, offset + limit, ranked=exact)[offset:]
    else:
        hits, total = _ranked(_filtered(db, group, _read(db, group), filters), group, parts, offset + limit)
        hits, exact = hits[offset:], True
    for row in hits:
        row["snippet"] = _snippet(row, group, parts, mark)
        for helper in ("index_names", "heading"):
            row.pop(helper, None)
    return {"total": total, "total_exact": exact, "hits": hits, "order": "best" if exact else "added"}


def search_everything(db: sqlite_utils.Database, query: str, *, limit: int = 10, offset: int = 0,
                      filters: Filters = Filters(), mark: tuple[str, str] = (START, END)) -> dict[str, Any]:
    """The hits ``offset`` to ``offset + limit`` of each group the filters apply to, with
    snippets whose matches sit between ``mark``; ``total`` counts the matches (see search_group)."""
    parse_query(query)  # a query we cannot run is said once, before any group
    groups = {group: search_group(db, query, group, limit=limit, offset=offset, filters=filters, mark=mark)
              for group in filters.groups()}
    return {"query": query, "groups": groups}
