"""One query over articles, promises, people and index results (the web search page).

Articles are ranked by the search index (bm25). Promises, people and index results are
matched by the same exact/folded rule (``corpus.search.match_spans``) and ranked by where
the query matched: a hit in a speaker's or a person's name weighs more than one in a quote.
Only the rows their own search indexes (migration 18) find are read and matched: those
holding every syllable of the query, marks aside.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Any

import sqlite_utils

from corpus.records import TABLES, with_index_names
from corpus.search import END, START, Phrase, count, match_spans, parse_query, phrase_spans, search, snippet

GROUPS = ("articles", "promises", "people", "index_values")
SEPARATOR = " · "
# A match spelled as the query wrote it ranks a little above one through an equivalent
# spelling (HĐND for "hoi dong nhan dan"), never above a match in a weightier field.
LITERAL_BONUS = 0.1

_PROMISES_SQL = "SELECT id, kind, quote, speaker, speaker_title, deadline, status, topic, target, made_on FROM promises"
# Per group: its search index, which holds each row's text marks aside but with đ (migration 18).
_INDEXES = {"promises": "commitments_search", "people": "persons_search", "index_values": "index_values_search"}
# A syllable without marks is looked up with each of its d as d and as đ, up to this many d.
MAX_D = 3

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


def _syllable(syllable: str, exact: bool, star: str) -> str | None:
    """The index terms of one syllable, or None when the index cannot narrow by it. The index
    drops marks itself; a folded d may stand for đ, which it keeps, so each d goes both ways."""
    if not any(c.isalnum() for c in syllable):
        return None
    ds = [] if exact else [i for i, c in enumerate(syllable) if c in "dD"]
    if len(ds) > MAX_D:
        return None
    forms = []
    for choice in product("dđ", repeat=len(ds)):
        chars = list(syllable)
        for i, char in zip(ds, choice):
            chars[i] = char
        forms.append(f'"{"".join(chars)}"{star}')
    return "(" + " OR ".join(forms) + ")"


def _phrase_terms(phrase: Phrase) -> str | None:
    """Index terms every row holding ``phrase`` (any spelling) holds: its syllables in any
    order; None when some spelling could be in any row."""
    spellings = []
    for spelling in phrase.spellings():
        terms = [_syllable(s, phrase.exact, " *" if phrase.prefix and n == len(spelling) - 1 else "")
                 for n, s in enumerate(spelling)]
        if not any(terms):
            return None
        spellings.append("(" + " AND ".join(t for t in terms if t) + ")")
    return "(" + " OR ".join(spellings) + ")"


def candidates(parts: list[tuple[str, Phrase]]) -> str | None:
    """An FTS5 expression for the record indexes that finds every row the parsed query
    matches (and perhaps a few more, which match_spans then leaves out); None when the
    index cannot narrow the query and every row must be matched."""
    expression: str | None = None
    for n, (operator, phrase) in enumerate(parts):
        terms = _phrase_terms(phrase)
        if n == 0:
            expression = terms
        elif operator == "OR":
            expression = f"({expression}) OR {terms}" if expression and terms else None
        elif terms:
            expression = f"({expression}) AND {terms}" if expression else terms
    return expression


def _rows(db: sqlite_utils.Database, group: str, expression: str | None) -> list[dict]:
    """The rows of a record group that its index finds for ``expression`` (every row for None),
    index results with the names of their index."""
    sql = _PROMISES_SQL if group == "promises" else TABLES["persons" if group == "people" else group][0]
    index = _INDEXES[group]
    if expression is None or not db[index].exists():  # a corpus not migrated to 18: every row
        cursor = db.execute(sql)
    else:
        cursor = db.execute(f"SELECT * FROM ({sql}) WHERE id IN (SELECT rowid FROM {index} WHERE {index} MATCH ?)",
                            [expression])
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row)) for row in cursor]
    return with_index_names(rows) if group == "index_values" else rows


def _ranked(rows: list[dict], group: str, parts: list, limit: int, mark: tuple[str, str]) -> tuple[list[dict], int]:
    """The best ``limit`` of the rows the query matches, scored by the fields it matched in,
    each with its snippet (cut for those shown only), and how many match in all."""
    weights, _ = _FIELDS[group]
    hits, found = [], {}
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
        score += LITERAL_BONUS * sum(len(found) for found in phrase_spans(parts, joined, literal=True))
        row["score"] = score
        found[id(row)] = (joined, spans, bounds)
        hits.append(row)
    hits.sort(key=_TIES[group], reverse=True)
    hits.sort(key=lambda h: h["score"], reverse=True)
    for row in hits[:limit]:
        row["snippet"] = _snippet(row, group, *found[id(row)], mark)
        row.pop("index_names", None)
    return hits[:limit], len(hits)


def _snippet(row: dict, group: str, joined: str, spans: list, bounds: list, mark: tuple[str, str]) -> str:
    """The snippet of a hit: cut from its text field, or from the matched fields of a short record."""
    text_field = _FIELDS[group][1]
    if text_field is None:
        return snippet(joined, spans, mark=mark)
    lo = next(lo for f, lo, _ in bounds if f == text_field)
    text = row.get(text_field) or ""
    return snippet(text, [(s - lo, e - lo) for s, e in spans if lo <= s and e <= lo + len(text)], mark=mark)


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
    """One group's hits ``offset`` to ``offset + limit`` for ``query`` inside ``filters``,
    and ``total``, how many match in all."""
    if group == "articles":  # a query too broad to rank comes most recently added first, and says so
        narrow = {"since": filters.since, "until": filters.until, "source": filters.source, "kind": filters.kind}
        hits = search(db, query, limit=limit, offset=offset, mark=mark, **narrow)
        return {"total": count(db, query, **narrow), "hits": hits,
                "order": "added" if hits and hits[0]["score"] is None else "best"}
    parts = parse_query(query)
    rows = _filtered(db, group, _rows(db, group, candidates(parts)), filters)
    hits, total = _ranked(rows, group, parts, offset + limit, mark)
    return {"total": total, "hits": hits[offset:]}


def search_everything(db: sqlite_utils.Database, query: str, *, limit: int = 10, offset: int = 0,
                      filters: Filters = Filters(), mark: tuple[str, str] = (START, END)) -> dict[str, Any]:
    """The hits ``offset`` to ``offset + limit`` of each group the filters apply to, with
    snippets whose matches sit between ``mark``; ``total`` counts every match."""
    parse_query(query)  # a query we cannot run is said once, before any group
    groups = {group: search_group(db, query, group, limit=limit, offset=offset, filters=filters, mark=mark)
              for group in filters.groups()}
    return {"query": query, "groups": groups}
