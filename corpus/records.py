"""Searching the analysis tables: index values, persons, legal references, sessions.

These tables are small beside the articles, so a query is matched in Python with the
same exact/folded rule as article search (a phrase with diacritics must appear as
written, one without matches the folded text), over the columns a reader would expect.
Index names also match their variants: "chỉ số hài lòng" finds SIPAS rows.
"""

from __future__ import annotations

import re

import sqlite_utils

from corpus.search import Phrase, parse_query
from pipeline.normalize import fold, normalize
from pipeline.resources import index_names

TABLES = {
    "index_values": ("""SELECT v.id, v."index", v.subindex, v.entity, v.year, v.value, v.unit, v.rank, v.rank_of,
                               v.change, v.rank_change, v.quote, a.id AS article_id, a.url, a.published
                        FROM index_values v JOIN articles a ON a.id = v.article_id""",
                     ("index", "subindex", "entity", "quote", "index_names"), "entity"),
    "persons": ("""SELECT p.id, p.name, p.title, p.first_seen, p.last_seen,
                          (SELECT COUNT(DISTINCT article_id) FROM mentions m WHERE m.person_id = p.id) AS articles,
                          (SELECT group_concat(DISTINCT title) FROM person_titles t WHERE t.person_id = p.id) AS titles
                   FROM persons p""", ("name", "title", "titles"), "title"),
    "legal_refs": ("""SELECT r.id, r.type, r.number, r.date, r.issuer, r.quote, a.id AS article_id, a.url, a.published
                      FROM legal_refs r JOIN articles a ON a.id = r.article_id""",
                   ("type", "number", "issuer", "quote"), "issuer"),
    "sessions": ("""SELECT s.id, s.council, s.term, s.session_no, s.date, s.kind,
                           (SELECT COUNT(DISTINCT article_id) FROM session_mentions m WHERE m.session_id = s.id) AS articles
                    FROM sessions s""", ("council", "term", "kind", "date"), "council"),
}
ORDER = {"index_values": lambda r: (r["index"], r["entity"] or "", r["year"] or 0, r["published"] or ""),
         "persons": lambda r: (-(r["articles"] or 0), r["name"]),
         "legal_refs": lambda r: (r["type"], r["number"], r["published"] or ""),
         "sessions": lambda r: (r["date"] or "", r["council"])}


def _names_of(code: str) -> str:
    return " ".join(name for name, c in index_names().items() if c == code)


def _words(text: str) -> str:
    """Lower-cased words joined by single spaces, as query phrases are: "2210/QĐ-UBND" → "2210 qđ ubnd"."""
    return " ".join(re.findall(r"\w+", normalize(text).lower()))


def _matches(phrase: Phrase, exact: str, folded: str) -> bool:
    needle = " ".join(phrase.syllables).lower()
    hay = exact if phrase.exact else folded
    pattern = r"(?<!\w)" + re.escape(needle) + (r"" if phrase.prefix else r"(?!\w)")
    return re.search(pattern, hay) is not None


def search_records(db: sqlite_utils.Database, table: str, query: str | None = None, *, entity: str | None = None,
                   since: str | None = None, until: str | None = None, limit: int = 100) -> list[dict]:
    """Rows of ``table`` matching ``query`` (and ``entity``, a phrase matched against the
    entity, title, issuer or council column), ordered as a series."""
    sql, fields, entity_field = TABLES[table]
    parts = parse_query(query) if query else []
    entity_parts = parse_query(entity) if entity else []
    rows = [dict(zip([d[0] for d in cursor.description], values))
            for cursor in [db.execute(sql)] for values in cursor.fetchall()]
    result = []
    for row in rows:
        if table == "index_values":
            row["index_names"] = _names_of(row["index"]) + " " + row["index"].replace("_", " ")
        exact = _words(" ".join(str(row.get(f) or "") for f in fields))
        folded = fold(exact)
        if parts:
            ok = _matches(parts[0][1], exact, folded)
            for operator, phrase in parts[1:]:
                hit = _matches(phrase, exact, folded)
                ok = (ok or hit) if operator == "OR" else (ok and hit)
            if not ok:
                continue
        if entity_parts:
            value = _words(str(row.get(entity_field) or ""))
            if not all(_matches(p, value, fold(value)) for _, p in entity_parts):
                continue
        day = (row.get("published") or row.get("date") or "")[:10]
        if (since and day and day < since) or (until and day and day > until):
            continue
        row.pop("index_names", None)
        result.append(row)
    result.sort(key=ORDER[table])
    return result[:limit]
