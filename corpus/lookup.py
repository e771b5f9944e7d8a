"""One query over articles, promises, people and index results (the web search page).

Articles are ranked by the search index (bm25). The record tables are small, so they are
matched in Python by the same exact/folded rule (``corpus.search.match_spans``) and
ranked by where the query matched: a hit in a speaker's or a person's name weighs more
than one in a quote.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from corpus.records import rows_of
from corpus.search import END, START, count, match_spans, parse_query, search, snippet

GROUPS = ("articles", "promises", "people", "index_values")
SEPARATOR = " · "

_PROMISES_SQL = "SELECT id, kind, quote, speaker, speaker_title, deadline, status, topic, target, made_on FROM promises"

# Per group: the fields matched with their weights, and the field the snippet is cut from
# (None: the matched fields themselves, for short records such as a person).
_FIELDS: dict[str, tuple[dict[str, float], str | None]] = {
    "promises": ({"quote": 1.0, "target": 1.0, "speaker": 3.0, "speaker_title": 2.0, "topic": 1.0}, "quote"),
    "people": ({"name": 3.0, "title": 1.0, "titles": 1.0}, None),
    "index_values": ({"index_names": 2.0, "entity": 2.0, "subindex": 1.0, "quote": 1.0}, "quote"),
}
_TIES = {"promises": lambda h: h.get("made_on") or "",
         "people": lambda h: h.get("articles") or 0,
         "index_values": lambda h: (h.get("year") or 0, h["id"])}


def _rows(db: sqlite_utils.Database, group: str) -> list[dict]:
    if group == "promises":
        cursor = db.execute(_PROMISES_SQL)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor]
    return rows_of(db, "persons" if group == "people" else group)


def _ranked(rows: list[dict], group: str, parts: list, limit: int, mark: tuple[str, str]) -> tuple[list[dict], int]:
    weights, text_field = _FIELDS[group]
    hits = []
    for row in rows:
        values = [str(row.get(f) or "") for f in weights]
        joined = SEPARATOR.join(values)
        spans = match_spans(parts, joined)
        if spans is None:
            continue
        bounds, offset = [], 0
        for field, value in zip(weights, values):
            bounds.append((field, offset, offset + len(value)))
            offset += len(value) + len(SEPARATOR)
        score = sum(weights[f] for s, _ in spans for f, lo, hi in bounds if lo <= s < hi)
        if text_field is None:
            row["snippet"] = snippet(joined, spans, mark=mark)
        else:
            lo = next(lo for f, lo, _ in bounds if f == text_field)
            text = row.get(text_field) or ""
            inside = [(s - lo, e - lo) for s, e in spans if lo <= s and e <= lo + len(text)]
            row["snippet"] = snippet(text, inside, mark=mark)
        row["score"] = score
        row.pop("index_names", None)
        hits.append(row)
    hits.sort(key=_TIES[group], reverse=True)
    hits.sort(key=lambda h: h["score"], reverse=True)
    return hits[:limit], len(hits)


def search_everything(db: sqlite_utils.Database, query: str, *, limit: int = 10,
                      mark: tuple[str, str] = (START, END)) -> dict[str, Any]:
    """The best ``limit`` hits of each group for ``query``, with snippets whose matches
    sit between ``mark``; ``total`` counts every match."""
    parts = parse_query(query)
    groups: dict[str, Any] = {}
    groups["articles"] = {"total": count(db, query), "hits": search(db, query, limit=limit, mark=mark)}
    for group in GROUPS[1:]:
        hits, total = _ranked(_rows(db, group), group, parts, limit, mark)
        groups[group] = {"total": total, "hits": hits}
    return {"query": query, "groups": groups}
