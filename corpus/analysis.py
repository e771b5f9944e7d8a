"""Storing what ``pipeline.document`` found in an article, one transaction per article.

Re-analysing an article replaces its rows (mentions, index values, legal references,
session mentions, titles) and nothing else; persons, bodies and sessions are canonical
rows shared by every article that names them.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import sqlite_utils

from corpus.commitments import id_of, link_followups, link_recalls, store_recalls, store_statements, store_status_reports
from corpus.db import insert_row, now, transaction
from corpus.display import today_local
from corpus.duplicates import NearDuplicates
from corpus.sessions import absorb_sitting, session_key
from pipeline import person_key

ARTICLE_TABLES = ("mentions", "index_values", "legal_refs", "session_mentions", "person_titles", "recalls", "questions",
                  "turns")


def _upsert(conn: sqlite3.Connection, table: str, key: str, value: str, extra: dict) -> int:
    row = conn.execute(f"SELECT id FROM {table} WHERE {key} = ?", (value,)).fetchone()
    if row:
        return row[0]
    columns = [key, *extra]
    cursor = conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                          (value, *extra.values()))
    return cursor.lastrowid


def _session_id(conn: sqlite3.Connection, session: dict | None) -> int | None:
    key = session_key(conn, session)
    if key is None:
        return None
    session_id = _upsert(conn, "sessions", "key", key,
                         {"council": session["council"], "term": session.get("term"),
                          "session_no": session.get("session_no"), "date": session.get("date"),
                          "kind": session.get("kind")})
    absorb_sitting(conn, session_id, session)
    for column in ("term", "date", "kind"):
        if session.get(column):
            conn.execute(f"UPDATE sessions SET {column} = COALESCE({column}, ?) WHERE id = ?",
                         (session[column], session_id))
    return session_id


def _made_on(session: dict | None, published: str | None) -> str | None:
    """When something said at a sitting was said: the sitting's date, unless the article
    (a scraper copy with a wrong date, say) puts it after its own publication."""
    sat = (session or {}).get("date")
    if sat and (not published or sat <= published):
        return sat
    return published


def store_analysis(db: sqlite_utils.Database, article_id: int, result: dict, version: str,
                   published: str | None = None, signature: bytes | None = None,
                   duplicates: NearDuplicates | None = None, today: date | None = None,
                   content_hash: str | None = None) -> dict[str, int]:
    """Replace the article's analysis rows with ``result`` and mark it analysed; store its
    commitments (merged with those of the article it copies) and link follow-ups.
    Returns counts of what it added. With ``content_hash`` (of the text analysed), nothing is
    written if the article's text has changed since (counted as ``changed``)."""
    today = today or today_local()
    counts = {"commitments_new": 0, "followups": 0, "duplicate": 0, "recalls_linked": 0, "changed": 0}
    with transaction(db) as conn:
        if not _unchanged(conn, article_id, content_hash):
            return {**counts, "changed": 1}
        duplicate_of = similarity = None
        if signature is not None:
            if duplicates is not None:
                duplicate_of, similarity = duplicates.add(article_id, signature)
            conn.execute("INSERT OR REPLACE INTO article_signatures VALUES (?, ?, ?, ?)",
                         (article_id, signature, duplicate_of, similarity))
            counts["duplicate"] = int(duplicate_of is not None)
        for table in ARTICLE_TABLES:
            conn.execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
        for person in result["persons"]:
            person_id = id_of(conn, "persons", person["name"]) or _upsert(
                conn, "persons", "name", person["name"], {"title": person["title"], "first_seen": published,
                                                          "last_seen": published, "name_key": person_key(person["name"])})
            if person["title"]:
                conn.execute("UPDATE persons SET title = ? WHERE id = ? AND (last_seen IS NULL OR ? >= last_seen)",
                             (person["title"], person_id, published or ""))
            # An undated article leaves the dates as they are (MIN/MAX with NULL would be NULL).
            conn.execute("UPDATE persons SET first_seen = MIN(COALESCE(first_seen, :d), COALESCE(:d, first_seen)), "
                         "last_seen = MAX(COALESCE(last_seen, :d), COALESCE(:d, last_seen)) WHERE id = :id",
                         {"d": published, "id": person_id})
            for title in person["titles"]:
                conn.execute("INSERT OR IGNORE INTO person_titles VALUES (?, ?, ?, ?)",
                             (person_id, title, article_id, published))
            for m in person["mentions"]:
                insert_row(conn, "mentions", {"article_id": article_id, "kind": "person", "person_id": person_id,
                                           "name": person["name"], "title": m["title"], "role": m["role"],
                                           "furniture": int(m["furniture"]), "start": m["start"], "end": m["end"],
                                           "quote": m["quote"]})
        for body in result["bodies"]:
            body_id = _upsert(conn, "bodies", "name", body["name"], {"head": body["head"]})
            insert_row(conn, "mentions", {"article_id": article_id, "kind": "body", "body_id": body_id,
                                       "name": body["name"], "start": body["start"], "end": body["end"],
                                       "quote": body["quote"]})
        for place in result["places"]:
            insert_row(conn, "mentions", {"article_id": article_id, "kind": "place", "name": place["name"],
                                       "start": place["start"], "end": place["end"], "quote": place["quote"]})
        for value in result["index_values"]:
            insert_row(conn, "index_values", {"article_id": article_id, **value})
        for ref in result["legal_refs"]:
            insert_row(conn, "legal_refs", {"article_id": article_id, **ref})
        session_id = _session_id(conn, result.get("session"))
        if session_id:
            for mention in result["sessions"]:
                if mention["council"] == result["session"]["council"]:
                    insert_row(conn, "session_mentions", {"session_id": session_id, "article_id": article_id,
                                                       "start": mention["start"], "end": mention["end"],
                                                       "quote": mention["quote"], "kind": mention["kind"],
                                                       "date": mention["date"]})
        turn_ids, question_ids = _store_turns(conn, article_id, session_id, result)
        made_on = _made_on(result.get("session"), published)
        created = store_statements(conn, article_id, result, made_on, session_id, duplicate_of, today,
                                   turn_ids, question_ids)
        reports = store_status_reports(conn, article_id, result, published)
        recalls = store_recalls(conn, article_id, session_id, result, turn_ids, published)
        counts["commitments_new"] = len(created)
        counts["recalls_linked"] = link_recalls(conn, recalls)
        counts["followups"] = link_followups(conn, report_ids=reports, commitment_ids=created)
        conn.execute("UPDATE articles SET pipeline_version = ?, processed_at = ?, session_id = ?, "
                     "analysis_error = NULL WHERE id = ?", (version, now(), session_id, article_id))
    return counts


def _store_turns(conn: sqlite3.Connection, article_id: int, session_id: int | None,
                 result: dict) -> tuple[list[int], list[int]]:
    """The article's speaker turns and question-answer pairs; the session's agenda gains
    the topics its questions were about. Returns the stored ids, in ``result`` order."""
    turn_ids = []
    for seq, turn in enumerate(result.get("turns", [])):
        row = {"article_id": article_id, "session_id": session_id, "seq": seq,
               "person_id": id_of(conn, "persons", turn["speaker"]), **turn}
        turn_ids.append(insert_row(conn, "turns", row))
    question_ids = []
    for question in result.get("questions", []):
        row = {"article_id": article_id, "session_id": session_id,
               "question_turn_id": turn_ids[question["question"]] if question["question"] is not None else None,
               "answer_turn_id": turn_ids[question["answer"]] if question["answer"] is not None else None,
               "asker": question["asker"], "asker_person_id": id_of(conn, "persons", question["asker"]),
               "answerer": question["answerer"], "answerer_person_id": id_of(conn, "persons", question["answerer"]),
               "answerer_title": question["answerer_title"], "topic": question["topic"]}
        question_ids.append(insert_row(conn, "questions", row))
        for debate in question.get("debates", []):
            conn.execute("UPDATE turns SET question_id = ? WHERE id = ?", (question_ids[-1], turn_ids[debate]))
    if session_id:
        agenda = json.loads(conn.execute("SELECT agenda FROM sessions WHERE id = ?", (session_id,)).fetchone()[0])
        for question in result.get("questions", []):
            if question["topic"] and question["topic"] not in agenda:
                agenda.append(question["topic"])
        conn.execute("UPDATE sessions SET agenda = ? WHERE id = ?", (json.dumps(agenda), session_id))
    return turn_ids, question_ids


def store_error(db: sqlite_utils.Database, article_id: int, error: str, version: str,
                content_hash: str | None = None) -> bool:
    """Record why an article could not be analysed; it is not retried at this version.
    False (nothing written) if its text changed since the analysis read it (``content_hash``)."""
    with transaction(db) as conn:
        if not _unchanged(conn, article_id, content_hash):
            return False
        conn.execute("UPDATE articles SET pipeline_version = ?, processed_at = ?, analysis_error = ? WHERE id = ?",
                     (version, now(), error, article_id))
    return True


def _unchanged(conn: sqlite3.Connection, article_id: int, content_hash: str | None) -> bool:
    """Whether the article still has the text that was analysed: an import may replace it
    while the analysis runs, and the new text must stay pending, not be marked done."""
    if content_hash is None:
        return True
    row = conn.execute("SELECT content_hash FROM articles WHERE id = ?", (article_id,)).fetchone()
    return row is not None and row[0] == content_hash


def dumps(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False)
