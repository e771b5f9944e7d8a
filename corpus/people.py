"""One person across the corpus, as a journalist follows them: the titles they held and
when each was seen, the promises and demands they made, their turns at council sessions,
the questions they asked and answered, and every article that names them.

A person is one row of ``persons``: the spellings of a name that differ only in i/y or in
where the tone mark sits (``pipeline.person_key``) are one row. Two people can share a
name; hdnd does not split them, but says so when their titles name different provinces.
"""

from __future__ import annotations

from datetime import date

import sqlite_utils

from corpus.commitments import status_for
from corpus.db import dict_rows, row_id
from corpus.sessions import answer_as_given, session_label
from pipeline import fold, person_key
from pipeline.placenames import find_places


class PersonError(ValueError):
    """A person that is not in the corpus; the message is one sentence."""


# A person as a line of a list to choose from: their titles and how many articles name them.
_SUMMARY_SQL = """
SELECT p.id, p.name, p.title,
       (SELECT group_concat(title, '; ') FROM (SELECT DISTINCT title FROM person_titles t WHERE t.person_id = p.id))
           AS titles,
       (SELECT COUNT(DISTINCT article_id) FROM mentions m WHERE m.person_id = p.id) AS articles
FROM persons p"""


MATCHES_AT_MOST = 50  # a name part given: the persons containing it, those in the most articles first


def find_persons(db: sqlite_utils.Database, name_or_id: str) -> list[dict]:
    """The persons ``name_or_id`` can mean: the one with that id; else those whose name is
    that name in another spelling (i/y, old or new tone placement); else those whose name
    contains it, tone marks, case and i/y optional ("hoa binh" finds "Trương Hòa Bình",
    "ha sy dong" finds "Hà Sĩ Đồng")."""
    text = name_or_id.strip()
    number = row_id(text) if text.isdecimal() else None
    if number is not None:
        return dict_rows(db, f"{_SUMMARY_SQL} WHERE p.id = ?", (number,))
    if not text:
        return []
    same = dict_rows(db, f"{_SUMMARY_SQL} WHERE p.name_key = ? OR p.name = ? ORDER BY p.id", (person_key(text), text))
    if same:
        return same
    pattern = "%" + fold(person_key(text)).replace("%", "").replace("_", "") + "%"
    return dict_rows(db, f"{_SUMMARY_SQL} WHERE hdnd_fold(COALESCE(p.name_key, lower(p.name))) LIKE ? "
                     f"ORDER BY articles DESC, p.name LIMIT {MATCHES_AT_MOST}", (pattern,))


def provinces_in(titles: list[str]) -> list[str]:
    """The provinces ``titles`` name ("Phó Chủ tịch UBND tỉnh Quảng Trị" → Quảng Trị; a
    district names its province), first named first."""
    found: dict[str, None] = {}
    for title in titles:
        for place in find_places(title):
            found.setdefault(place.unit.province)
    return list(found)


def _titles(db: sqlite_utils.Database, person_id: int) -> list[dict]:
    """Each title with the first and last day an article gave it, and those articles, in
    the order the titles were first seen (titles from undated articles last)."""
    rows = dict_rows(db, """
        SELECT t.title, a.id AS article_id, a.title AS article_title, a.url, COALESCE(t.published, a.published) AS published
        FROM person_titles t JOIN articles a ON a.id = t.article_id
        WHERE t.person_id = ? ORDER BY COALESCE(t.published, a.published) IS NULL, COALESCE(t.published, a.published), a.id""",
                 (person_id,))
    titles: dict[str, dict] = {}
    for row in rows:
        entry = titles.setdefault(row["title"], {"title": row["title"], "first_seen": None, "last_seen": None,
                                                 "articles": []})
        day = (row["published"] or "")[:10] or None
        if day:
            entry["first_seen"] = min(filter(None, [entry["first_seen"], day]))
            entry["last_seen"] = max(filter(None, [entry["last_seen"], day]))
        entry["articles"].append({"id": row["article_id"], "title": row["article_title"], "url": row["url"],
                                  "published": day})
    return sorted(titles.values(), key=lambda t: (t["first_seen"] is None, t["first_seen"] or ""))


def _session_labels(db: sqlite_utils.Database, rows: list[dict]) -> list[dict]:
    """``rows`` with the label of their session_id ("HĐND tỉnh X khóa XIX, kỳ họp thứ 18")."""
    ids = {row["session_id"] for row in rows if row["session_id"] is not None}
    labels = {s["id"]: session_label(s) for s in dict_rows(
        db, f"SELECT id, council, term, session_no, date FROM sessions WHERE id IN ({', '.join('?' * len(ids))})",
        tuple(ids))} if ids else {}
    for row in rows:
        row["session"] = labels.get(row["session_id"])
    return rows


def person_detail(db: sqlite_utils.Database, person_id: int, today: date) -> dict:
    """One person: their name and its other spellings, their latest title and the titles
    over time, the provinces those titles name, their promises, demands and assignments
    (status as of ``today``; those a reader rejected as no promise left out, as everywhere),
    their turns at each session by role, the questions they asked and answered, and the
    articles naming them."""
    found = dict_rows(db, "SELECT id, name, title FROM persons WHERE id = ?", (person_id,))
    if not found:
        raise PersonError(f"there is no person {person_id} in this corpus")
    record = found[0]
    key = person_key(record["name"])
    record["spellings"] = sorted({quote for (quote,) in db.execute(
        "SELECT DISTINCT quote FROM mentions WHERE person_id = ? AND quote != ?", (person_id, record["name"]))
        if person_key(quote) == key})
    record["articles"] = dict_rows(db, """
        SELECT a.id, a.title, a.url, substr(a.published, 1, 10) AS published, a.kind, COUNT(*) AS mentions
        FROM mentions m JOIN articles a ON a.id = m.article_id WHERE m.person_id = ?
        GROUP BY a.id ORDER BY a.published IS NULL, a.published, a.id""", (person_id,))
    days = [a["published"] for a in record["articles"] if a["published"]]
    record["first_seen"], record["last_seen"] = (min(days), max(days)) if days else (None, None)
    record["titles"] = _titles(db, person_id)
    latest = max((t for t in record["titles"] if t["last_seen"]), key=lambda t: t["last_seen"], default=None)
    # persons.title is the title of the last article processed with a later or no date: not always the latest.
    record["title"] = latest["title"] if latest else record["title"]
    record["provinces"] = provinces_in([t["title"] for t in record["titles"]])
    record["commitments"] = _session_labels(db, dict_rows(db, """
        SELECT c.id, c.kind, c.speaker_title, c.deadline, c.quote, c.made_on, c.session_id,
               (SELECT status FROM commitment_events e WHERE e.commitment_id = c.id AND e.kind = 'confirmed'
                ORDER BY e.id DESC LIMIT 1) AS verdict
        FROM commitments c WHERE c.person_id = ? AND EXISTS (SELECT 1 FROM promises p WHERE p.id = c.id)
        ORDER BY c.made_on IS NULL, c.made_on, c.id""", (person_id,)))
    for row in record["commitments"]:
        row["status"] = status_for(row["deadline"], today, row.pop("verdict"))
    record["turns"] = _session_labels(db, dict_rows(db, """
        SELECT t.session_id, t.role, COUNT(*) AS turns, MIN(t.article_id) AS article_id
        FROM turns t WHERE t.person_id = ? GROUP BY t.session_id, t.role ORDER BY t.session_id IS NULL, t.session_id, t.role""",
                                                (person_id,)))
    record["questions_asked"] = _session_labels(db, dict_rows(db, """
        SELECT q.id, q.session_id, q.answerer, q.answerer_title, q.topic, qt.quote AS question, q.article_id
        FROM questions q LEFT JOIN turns qt ON qt.id = q.question_turn_id
        WHERE q.asker_person_id = ? ORDER BY q.article_id, q.id""", (person_id,)))
    record["questions_answered"] = _session_labels(db, dict_rows(db, """
        SELECT q.id, q.session_id, q.asker, q.topic, qt.quote AS question, at.quote AS answer, q.article_id
        FROM questions q LEFT JOIN turns qt ON qt.id = q.question_turn_id LEFT JOIN turns at ON at.id = q.answer_turn_id
        WHERE q.answerer_person_id = ? ORDER BY q.article_id, q.id""", (person_id,)))
    for row in record["questions_answered"]:
        row["answer"] = answer_as_given(row.pop("question"), row["answer"])
    return record
