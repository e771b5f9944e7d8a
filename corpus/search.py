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
  * a phrase ending in ``*`` matches any continuation of its last syllable (a beginning of
    two or three characters is read from the index's prefix lists; a longer or shorter one
    gathers every syllable that begins so, slow at a million articles);
  * a phrase also matches its equivalent spellings: an abbreviation in
    ``models/abbreviations.tsv`` and its expansion stand for each other (HĐND ↔ Hội đồng
    nhân dân, TP ↔ thành phố), and a syllable ending in i or y after consonants matches
    either spelling (Sĩ ↔ Sỹ, the rule of ``pipeline.person_key``).

Ranking: hits come best match first (bm25, a title hit weighing five times a text hit),
unless the query matches more than RANK_AT_MOST articles and the caller did not ask for
``ranked``: then they come most recently added first, with no score. bm25 weighs each phrase
by how many articles in the whole index hold it, and finding that out walks every match of
the phrase: at a million articles that alone takes 0.1–1 s per common phrase, whatever is
shown, so a broad query could not be ranked inside the time limit.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import sqlite_utils

from pipeline import fold, has_diacritics, normalize_text, person_key
from pipeline.resources import abbreviations

MAX_QUERY_CHARS = 1000
MAX_PHRASES = 16
MAX_SYLLABLES = 32
SNIPPET_CHARS = 240
# Matches are marked and snippets cut within a text's first SCAN_CHARS characters only, so
# one huge text costs no more per search than an ordinary long article.
SCAN_CHARS = 100_000
# Every search, on the web and on the command line, stops after this long.
TIME_LIMIT_MS = 2000
# A query matching fewer articles than this has its filters checked on each match's row;
# one matching more has them narrowed through their indexes first.
FEW_MATCHES = 5000
# A query matching more articles than this (before its filters: ranking costs as much however
# few the filters keep) lists them most recently added first unless ranking is asked for.
RANK_AT_MOST = 5000
# A query without filters is first looked for among the articles added last, this many ids back:
# more than RANK_AT_MOST matches there, and it is broad without reading further.
NEWEST_WINDOW = 100_000
TIME_LIMIT_MESSAGE = "The search took longer than the time limit; make the query more specific."
# A phrase's equivalent spellings (abbreviations, i/y) are searched as alternatives, at most this many.
MAX_ALTERNATIVES = 16
# Abbreviations this long (letters) also match in lower case ("hdnd"); shorter ones ("TP", "CA") only as written.
CASELESS_ABBREVIATION = 4
START, END = "\x01", "\x02"
_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_SYLLABLE = re.compile(r"\w+")
# Exact phrases search title and text; folded phrases their folded copies, which articles
# stores (title_folded, text_folded) and the index copies: no SQL function of ours runs in a search.
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
    # Other spellings of the same phrase (abbreviation or expansion, i/y), in the same column.
    alternatives: tuple[tuple[str, ...], ...] = ()

    def spellings(self) -> tuple[tuple[str, ...], ...]:
        return (self.syllables, *self.alternatives)

    def fts(self) -> str:
        columns = EXACT_COLUMNS if self.exact else FOLDED_COLUMNS
        star = " *" if self.prefix else ""
        ors = " OR ".join(f'{columns} : "{" ".join(s)}"{star}' for s in self.spellings())
        return f"({ors})" if self.alternatives else ors


@lru_cache(maxsize=None)
def _equivalents() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Each spelling in models/abbreviations.tsv (syllables joined by spaces) and the
    spellings of the same expansion: "HĐND" and "Hội đồng nhân dân" stand for each other."""
    groups: dict[str, set[tuple[str, ...]]] = {}
    for short, long in abbreviations().items():
        forms = groups.setdefault(long.lower(), set())
        forms.update({tuple(_SYLLABLE.findall(short)), tuple(_SYLLABLE.findall(long))})
    return {" ".join(form): tuple(sorted(forms - {form})) for forms in groups.values() for form in forms if form}


def _like_a_word(syllables) -> bool:
    """A short abbreviation spelt like a syllable ("CA", Công an): never searched for its
    expansion, since the index matches without case and would find "cả", "cá", "ca bệnh"."""
    return not _caseless(syllables) and any(v in fold("".join(syllables)).lower() for v in "aeiouy")


def _caseless(syllables) -> bool:
    """Whether a spelling means the same in any case: a phrase, or an abbreviation long
    enough (HĐND); a short one (CA, QH) only as written in capitals."""
    return any(s.islower() for s in syllables) or len("".join(syllables)) >= CASELESS_ABBREVIATION


@lru_cache(maxsize=None)
def _lookup(exact: bool) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Syllables as a query writes them → the other spellings, folded for folded queries.
    Expansions and long abbreviations are keyed in lower case, short abbreviations as
    written (so "ca" is not "CA", Công an)."""
    table: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
    for form, others in _equivalents().items():
        syllables = form.split(" ")
        key = tuple(s if exact else fold(s) for s in syllables)
        alts = {tuple(s if exact else fold(s) for s in other) for other in others if not _like_a_word(other)}
        caseless = _caseless(syllables)
        table.setdefault(tuple(s.lower() for s in key) if caseless else key, set()).update(alts)
    return {key: tuple(sorted(alts)) for key, alts in table.items()}


def _variants_of_syllable(syllable: str) -> tuple[str, ...]:
    """The syllable and its other i/y spelling, when person_key says the two are one
    name ("Sỹ" ↔ "Sĩ", "Ky" ↔ "Ki"). A final i becomes y only after a one-letter onset
    (sĩ, kĩ, lí, mĩ): "thị" or "chí" are never written with y."""
    key = person_key(syllable)
    if key != syllable.lower():
        return (syllable, key)
    if len(syllable) != 2:
        return (syllable,)
    other = syllable[:-1] + syllable[-1:].translate(_I_TO_Y)
    return (syllable, other) if other != syllable and person_key(other) == key else (syllable,)


_I_TO_Y = str.maketrans("iíìỉĩịIÍÌỈĨỊ", "yýỳỷỹỵYÝỲỶỸỴ")


def _abbreviation_variants(syllables: tuple[str, ...], exact: bool) -> list[tuple[str, ...]]:
    """``syllables`` with each run that is an abbreviation or an expansion replaced, in
    every combination, by its other spellings (the phrase itself first)."""
    table = _lookup(exact)
    longest = max((len(k) for k in table), default=0)
    memo: dict[int, list[tuple[str, ...]]] = {}  # each position once: "TP TP TP …" stays linear

    def from_(i: int) -> list[tuple[str, ...]]:
        if i not in memo:
            memo[i] = variants_at(i)
        return memo[i]

    def variants_at(i: int) -> list[tuple[str, ...]]:
        if i == len(syllables):
            return [()]
        out = [(syllables[i], *rest) for rest in from_(i + 1)]
        for n in range(min(longest, len(syllables) - i), 0, -1):
            run = syllables[i:i + n]
            alts = table.get(run, ()) + table.get(tuple(s.lower() for s in run), ())
            out += [(*alt, *rest) for alt in alts for rest in from_(i + n)]
            if len(out) > MAX_ALTERNATIVES:
                break
        return out[:MAX_ALTERNATIVES + 1]
    return from_(0)


def _spellings(syllables: tuple[str, ...], exact: bool) -> tuple[tuple[str, ...], ...]:
    """The phrase's other spellings (abbreviations, then i/y), without itself or repeats."""
    seen = {tuple(s.lower() for s in syllables)}
    result = []
    for variant in _abbreviation_variants(syllables, exact):
        choices = [_variants_of_syllable(s) for s in variant]
        combos: list[tuple[str, ...]] = [()]
        for options in choices:
            combos = [(*c, o) for c in combos for o in options][:MAX_ALTERNATIVES + 1]
        for combo in combos:
            key = tuple(s.lower() for s in combo)
            if key not in seen:
                seen.add(key)
                result.append(combo)
    return tuple(result[:MAX_ALTERNATIVES])


def _phrase(words: list[str]) -> Phrase | None:
    raw = " ".join(words)
    syllables = _SYLLABLE.findall(raw)[:MAX_SYLLABLES]
    if not syllables:
        return None
    exact = has_diacritics(raw)
    if not exact:
        syllables = [fold(s) for s in syllables]
    return Phrase(tuple(syllables), exact, prefix=raw.rstrip().endswith("*"),
                  alternatives=_spellings(tuple(syllables), exact))


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


@lru_cache(maxsize=256)
def phrase_pattern(phrase: Phrase, literal: bool = False) -> re.Pattern:
    """The regular expression that matches ``phrase`` as FTS5 would: whole syllables in
    order, any case, any separators; in the folded text when the phrase has no marks.
    Any of its spellings, or with ``literal`` only the one typed. Kept per phrase: the web
    search matches one query against thousands of records."""
    spellings = (phrase.syllables,) if literal else phrase.spellings()
    bodies = sorted((r"\W+".join(re.escape(s) for s in spelling) for spelling in spellings), key=len, reverse=True)
    body = "(?:" + "|".join(bodies) + ")"
    return re.compile(r"(?<!\w)" + body + (r"\w*" if phrase.prefix else r"(?!\w)"), re.IGNORECASE)


def phrase_spans(parts: list[tuple[str, Phrase]], text: str, literal: bool = False,
                 folded: str | None = None) -> list[list[tuple[int, int]]]:
    """Where each phrase of the parsed query occurs in the first SCAN_CHARS characters of
    ``text`` (NFC). Folding keeps lengths, so spans in the folded text are spans of ``text``.
    With ``literal``, only where it occurs as typed (not as an equivalent spelling).
    ``folded`` is the text's folded head when the caller has it (articles store it)."""
    head = text[:SCAN_CHARS]
    if folded is None or len(folded) != len(head):
        folded = fold(head) if any(not phrase.exact for _, phrase in parts) else head
    return [[m.span() for m in phrase_pattern(phrase, literal).finditer(head if phrase.exact else folded)]
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


def fts_expression(query: str) -> str:
    """The FTS5 expression for a user's query by our rule (phrases, exact or folded,
    equivalent spellings); one that matches nothing when the query has nothing to search.
    Datasette's ``?_search=`` on articles runs through it (as its ``escape_fts``)."""
    try:
        return fts_query(parse_query(query))
    except QueryError:
        return '""'


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


def _filters(since: str | None, until: str | None, source: str | None,
             kind: str | None) -> tuple[list[str], list[str], dict[str, Any]]:
    """The conditions a search's filters put on the article ``a`` (and its source ``s``), as
    (those an index can answer: dates through articles_published, a source through
    articles_source; those only the row can: a kind), and their parameters."""
    indexed, on_row, params = [], [], {}
    if since:
        # published >= since holds whenever its first 10 characters do: the range the index reads.
        indexed.append("a.published >= :since AND substr(a.published, 1, 10) >= :since")
        params["since"] = since
    if until:
        indexed.append("substr(a.published, 1, 10) <= :until")
        params["until"] = until
        after = _day_after(until)
        if after:
            indexed.append("a.published < :after")
            params["after"] = after
    if source:
        indexed.append("(s.domain = :source OR s.domain LIKE '%.' || :source OR s.name = :source)")
        params["source"] = source
    if kind:
        on_row.append("a.kind = :kind")
        params["kind"] = kind
    return indexed, on_row, params


def _day_after(day: str) -> str | None:
    """The day after a YYYY-MM-DD date, or None for anything else: a date whose first 10
    characters are at most ``day`` sorts before it."""
    try:
        return (date.fromisoformat(day) + timedelta(days=1)).isoformat() if len(day) == 10 else None
    except (ValueError, OverflowError):
        return None


def _last_added(db: sqlite_utils.Database, expression: str) -> list[int]:
    """The ids of the articles the expression matches, last added first, no more than
    FEW_MATCHES or RANK_AT_MOST + 1 (whichever is more): how many there are chooses a plan,
    reading little of the index, and a broad query without filters shows the first of them."""
    most = max(FEW_MATCHES, RANK_AT_MOST + 1)
    sql = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT ?"
    return [row[0] for row in db.conn.execute(sql, [expression, most])]


def _last_added_or_best(db: sqlite_utils.Database, expression: str) -> tuple[list[int], list[tuple[int, float]] | None]:
    """What ``_last_added`` finds (RANK_AT_MOST + 1 at most) and, when there are no more than
    RANK_AT_MOST, every match best first as (id, score): by score, then newest published, then
    id, the order ``_top`` gives them. Counting the matches first and ranking them after read
    each of their lists three times (bm25 counts each phrase over the whole index on its own);
    here the newest NEWEST_WINDOW articles are read first (more than RANK_AT_MOST matches there
    and the query is broad, nothing else is read), then the matches are read once with their
    scores: for a query matching few of the newest articles, twice in all."""
    most = RANK_AT_MOST + 1
    top = db.conn.execute("SELECT max(id) FROM articles").fetchone()[0] or 0
    window = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? AND rowid > ? ORDER BY rowid DESC LIMIT ?"
    newest = [row[0] for row in db.conn.execute(window, [expression, top - NEWEST_WINDOW, most])]
    if len(newest) == most:
        return newest, None
    sql = f"""SELECT id, score FROM (SELECT articles_fts.rowid AS id, {_SCORE} AS score, a.published
                                     FROM articles_fts LEFT JOIN articles a ON a.id = articles_fts.rowid
                                     WHERE articles_fts MATCH ? ORDER BY articles_fts.rowid DESC LIMIT ?)
              ORDER BY score, published DESC, id"""
    best = db.conn.execute(sql, [expression, most]).fetchall()
    last = sorted((row[0] for row in best), reverse=True)
    return (last, None) if len(best) == most else (last, best)


def _kept(db: sqlite_utils.Database, ids: list[int], filters: tuple, most: int) -> list[int]:
    """Of ``ids`` (a broad query's last added matches), those whose articles the filters keep,
    last added first, at most ``most``. Looked up one by one, they often hold a filtered page;
    narrowing by the filters' indexes reads every article the filters keep (a year's, 70,000
    of a million) before the first match."""
    indexed, on_row, params = _filters(*filters)
    sources = " LEFT JOIN sources s ON s.id = a.source_id" if filters[2] else ""
    sql = (f"SELECT a.id FROM json_each(:ids) j CROSS JOIN articles a ON a.id = j.value{sources} "
           f"WHERE {' AND '.join(indexed + on_row)} ORDER BY a.id DESC LIMIT :most")
    return [row[0] for row in db.conn.execute(sql, {**params, "ids": json.dumps(ids), "most": most})]


def _scored(db: sqlite_utils.Database, best: list[tuple[int, float]]) -> list[dict[str, Any]]:
    """The hits of (id, score) pairs, in their order, with the columns ``_HITS`` gives."""
    if not best:
        return []
    sql = ("SELECT a.id, a.title, a.published, a.url, s.domain AS source FROM articles a "
           f"LEFT JOIN sources s ON s.id = a.source_id WHERE a.id IN ({', '.join('?' for _ in best)})")
    rows = {row["id"]: row for row in _rows(db, sql, [row_id for row_id, _ in best])}
    return [{**rows[row_id], "score": score} for row_id, score in best if row_id in rows]


def _matching(db: sqlite_utils.Database, parts: list[tuple[str, Phrase]], since: str | None, until: str | None,
              source: str | None, kind: str | None, matches: int | None = None) -> tuple[str, list[str], dict[str, Any]]:
    """The FROM clause, WHERE conditions and parameters of the articles matching a query
    and its filters; shared by search and count so totals and pages agree. The index's
    matches are joined to their rows only as far as a filter needs: few matches are each
    looked up; many are narrowed by the dates' or source's index, so the index ranks only
    what they keep, and only a kind (no index holds it) is checked on each match's row.
    ``matches`` is how many ``_last_added`` found, when the caller has asked it already."""
    indexed, on_row, params = _filters(since, until, source, kind)
    params["q"] = fts_query(parts)
    sources = " LEFT JOIN sources s ON s.id = a.source_id" if source else ""
    on_rowid = []
    if indexed and (len(_last_added(db, params["q"])) if matches is None else matches) >= FEW_MATCHES:
        on_rowid = [f"+articles_fts.rowid IN (SELECT a.id FROM articles a{sources} WHERE {' AND '.join(indexed)})"]
        indexed, sources = [], ""
    join = f" JOIN articles a ON a.id = articles_fts.rowid{sources}" if indexed or on_row else ""
    return f"articles_fts{join}", ["articles_fts MATCH :q", *on_rowid, *indexed, *on_row], params
_SCORE = "bm25(articles_fts, 5.0, 1.0, 5.0, 1.0)"
_HITS = """SELECT a.id, a.title, a.published, a.url, s.domain AS source, top.score
           FROM ({ranked}) top JOIN articles a ON a.id = top.id LEFT JOIN sources s ON s.id = a.source_id
           ORDER BY top.score, a.published DESC, a.id"""


_NEWEST = """SELECT a.id, a.title, a.published, a.url, s.domain AS source, NULL AS score
             FROM ({added}) top JOIN articles a ON a.id = top.id LEFT JOIN sources s ON s.id = a.source_id
             ORDER BY a.id DESC"""


def _top(db: sqlite_utils.Database, parts: list[tuple[str, Phrase]], filters: tuple, limit: int,
         offset: int, ranked: bool) -> list[dict[str, Any]]:
    """Hits ``offset`` to ``offset + limit`` by score, then newest, then id. The index hands
    over its best ``2 × (offset + limit) + 1`` only (equal scores are common: articles of
    one length with the same counts); when the last of them still ties the last wanted,
    equal scores may lie beyond it, so every article scoring that or better is taken.
    A query too broad to rank (unless ``ranked``) walks its matches from the last added; one
    without filters and few enough matches comes ranked from ``_last_added_or_best``."""
    k = offset + limit
    if any(filters):
        last, best = _last_added(db, fts_query(parts)), None
    else:
        last, best = _last_added_or_best(db, fts_query(parts))
    if best is not None:
        return _scored(db, best[offset:k])
    source, where, params = _matching(db, parts, *filters, matches=len(last))
    if len(last) > RANK_AT_MOST and not ranked:
        newest = _kept(db, last, filters, k) if any(filters) else last
        if k <= len(newest):  # the matches counted first hold the page (a prefix query's are gathered once)
            return list(_rows(db, _NEWEST.format(added="SELECT value AS id FROM json_each(:ids)"),
                              {"ids": json.dumps(newest[offset:k])}))
        added = f"SELECT articles_fts.rowid AS id FROM {source} WHERE {' AND '.join(where)} " \
                "ORDER BY articles_fts.rowid DESC LIMIT :limit OFFSET :offset"
        return list(_rows(db, _NEWEST.format(added=added), {**params, "limit": limit, "offset": offset}))

    def best(extra: str, tail: str) -> str:
        return f"SELECT articles_fts.rowid AS id, {_SCORE} AS score FROM {source} WHERE {' AND '.join(where)}{extra} " \
               f"ORDER BY score{tail}"

    hits = list(_rows(db, _HITS.format(ranked=best("", " LIMIT :k")), {**params, "k": 2 * k + 1}))
    if len(hits) > 2 * k and hits[-1]["score"] == hits[k - 1]["score"]:
        sql = _HITS.format(ranked=best(f" AND {_SCORE} <= :cut", ""))
        hits = list(_rows(db, sql, {**params, "cut": hits[k - 1]["score"]}))
    return hits[offset:k]


def search(db: sqlite_utils.Database, query: str, *, since: str | None = None, until: str | None = None,
           source: str | None = None, kind: str | None = None, limit: int = 20, offset: int = 0,
           mark: tuple[str, str] = ("**", "**"), ranked: bool = False) -> list[dict[str, Any]]:
    """Articles for ``query`` with a snippet each, matches between ``mark``; the hits from
    ``offset`` on, at most ``limit`` (1–1000) of them. Best first, or, for a query matching
    more than RANK_AT_MOST articles, most recently added first with score None (``ranked``
    ranks those too, at the cost of reading every match)."""
    parts = parse_query(query)
    try:
        hits = _top(db, parts, (since, until, source, kind), max(1, min(limit, 1000)), max(0, offset), ranked)
        heads = _heads(db, [h["id"] for h in hits])
    except sqlite3.OperationalError as err:
        raise QueryError(f"The search index could not run this query ({err}).") from err
    for hit in hits:
        head, folded, more = heads.get(hit["id"], ("", None, False))
        spans = sorted(span for found in phrase_spans(parts, head, folded=folded) for span in found)
        hit["snippet"] = snippet(head, spans, mark=mark, more=more)
        hit["score"] = None if hit["score"] is None else round(-hit["score"], 3)
    return hits


def count(db: sqlite_utils.Database, query: str, *, since: str | None = None, until: str | None = None,
          source: str | None = None, kind: str | None = None, at_most: int | None = None) -> int:
    """How many articles match ``query`` (and the filters, as in ``search``). With ``at_most``
    it stops at ``at_most + 1`` (walking every match of a common phrase takes a second at a
    million articles), so more than ``at_most`` means "at least that many"."""
    source_sql, where, params = _matching(db, parse_query(query), since, until, source, kind)
    limit = "" if at_most is None else f" LIMIT {int(at_most) + 1}"
    try:
        return db.conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM {source_sql} WHERE {' AND '.join(where)}{limit})",
                               params).fetchone()[0]
    except sqlite3.OperationalError as err:
        raise QueryError(f"The search index could not run this query ({err}).") from err


def _rows(db: sqlite_utils.Database, sql: str, params: dict[str, Any] | list[Any]):
    cursor = db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return (dict(zip(names, row)) for row in cursor)


def _heads(db: sqlite_utils.Database, ids: list[int]) -> dict[int, tuple[str, str | None, bool]]:
    """The first SCAN_CHARS characters of each hit's text and of its folded copy (None when
    the row has none yet), and whether the text goes on.

    Read from the table, not through the index's highlight(): that marks the whole text of
    every hit, however long it is. The folded copy saves folding the text again.
    """
    if not ids:
        return {}
    placeholders = ", ".join("?" for _ in ids)
    sql = (f"SELECT id, substr(text, 1, :n), substr(text_folded, 1, :n), length(text) > :n FROM articles "
           f"WHERE id IN ({placeholders})")
    rows = db.conn.execute(sql.replace(":n", "?"), [SCAN_CHARS, SCAN_CHARS, SCAN_CHARS, *ids])
    return {row_id: (head or "", folded, bool(more)) for row_id, head, folded, more in rows}
