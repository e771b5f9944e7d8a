"""Searching the analysis tables: index values, persons, legal references, sessions.

These tables are small beside the articles, so a query is matched in Python with the
same exact/folded rule as article search (a phrase with diacritics must appear as
written, one without matches the folded text), over the columns a reader would expect.
Index names also match their variants: "chỉ số hài lòng" finds SIPAS rows.
"""

from __future__ import annotations

import sqlite_utils

from corpus.search import match_spans, parse_query
from pipeline import index_names

TABLES = {
    "index_values": ("""SELECT v.id, v."index", v.subindex, v.entity, v.year, v.value, v.unit, v.rank, v.rank_of,
                               v.change, v.rank_change, v.quote, a.id AS article_id, a.url, a.published
                        FROM index_values v JOIN articles a ON a.id = v.article_id""",
                     ("index", "subindex", "entity", "quote", "index_names"), "entity"),
    "persons": ("""SELECT p.id, p.name, p.title, p.first_seen, p.last_seen,
                          (SELECT COUNT(DISTINCT article_id) FROM mentions m WHERE m.person_id = p.id) AS articles,
                          (SELECT group_concat(DISTINCT title) FROM person_titles t WHERE t.person_id = p.id) AS titles
                   FROM persons p""", ("name", "title", "titles"), "title"),
    "legal_refs": ("""SELECT r.id, r.type, r.number, r.name, r.date, r.issuer, r.quote, a.id AS article_id, a.url,
                             a.published
                      FROM legal_refs r JOIN articles a ON a.id = r.article_id""",
                   ("type", "number", "name", "issuer", "quote"), "issuer"),
    "sessions": ("""SELECT s.id, s.council, s.term, s.session_no, s.date, s.kind,
                           (SELECT COUNT(DISTINCT article_id) FROM session_mentions m WHERE m.session_id = s.id) AS articles
                    FROM sessions s""", ("council", "term", "kind", "date"), "council"),
}
ORDER = {"index_values": lambda r: (r["index"], r["entity"] or "", r["year"] or 0, r["published"] or ""),
         "persons": lambda r: (-(r["articles"] or 0), r["name"]),
         "legal_refs": lambda r: (r["type"], r["number"] or "", r["name"] or "", r["published"] or ""),
         "sessions": lambda r: (r["date"] or "", r["council"])}


def _names_of(code: str) -> str:
    return " ".join(name for name, c in index_names().items() if c == code)


def rows_of(db: sqlite_utils.Database, table: str) -> list[dict]:
    """Every row of one of ``TABLES``; index values also carry the names of their index."""
    cursor = db.execute(TABLES[table][0])
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, values)) for values in cursor.fetchall()]
    return with_index_names(rows) if table == "index_values" else rows


def with_index_names(rows: list[dict]) -> list[dict]:
    """Index results with every name of their index, which a search may use."""
    for row in rows:
        row["index_names"] = _names_of(row["index"]) + " " + row["index"].replace("_", " ")
    return rows


def search_records(db: sqlite_utils.Database, table: str, query: str | None = None, *, entity: str | None = None,
                   since: str | None = None, until: str | None = None, limit: int = 100, offset: int = 0) -> list[dict]:
    """Rows of ``table`` matching ``query`` (and ``entity``, a phrase matched against the
    entity, title, issuer or council column), ordered as a series; ``offset`` skips that many (paging)."""
    _, fields, entity_field = TABLES[table]
    parts = parse_query(query) if query else []
    entity_parts = parse_query(entity) if entity else []
    result = []
    for row in rows_of(db, table):
        if parts and match_spans(parts, " · ".join(str(row.get(f) or "") for f in fields)) is None:
            continue
        if entity_parts and match_spans(entity_parts, str(row.get(entity_field) or "")) is None:
            continue
        day = (row.get("published") or row.get("date") or "")[:10]
        if (since and day and day < since) or (until and day and day > until):
            continue
        row.pop("index_names", None)
        result.append(row)
    result.sort(key=ORDER[table])
    return result[offset:offset + limit]
