"""Council sessions as a reader sees them: the sittings, who asked whom about what, the
promises made, and the articles and records that covered them."""

from __future__ import annotations

import json
from datetime import date

import sqlite_utils

from corpus.commitments import PROMISE_KIND, status_for

# What a session counts of the statements made there, by kind: promises as hdnd stats and the
# home page count them (PROMISE_KIND), demands and assignments beside them, never added to them.
KIND_COUNTS = {"promises": PROMISE_KIND, "demands": "demand", "assignments": "assignment"}


class SessionError(ValueError):
    """A session that is not in the corpus; the message is one sentence."""


def session_label(row: dict) -> str:
    """ "HĐND tỉnh Bắc Giang khóa XIX, kỳ họp thứ 18" """
    label = row["council"] + (f" khóa {row['term']}" if row.get("term") else "")
    if row.get("session_no") is not None:
        label += f", kỳ họp thứ {row['session_no']}"
    return label + (f" ({row['date']})" if row.get("date") else "")


def _rows(db: sqlite_utils.Database, sql: str, params: tuple = ()) -> list[dict]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def _only_the_asker(question: dict) -> bool:
    """A question turn that holds no more than the asker and their delegation."""
    words = question["question"] or ""
    for part in (question["asker"], question["asker_delegation"]):
        words = words.replace(part or "", "")
    return not words.strip(" ()-–,")


def list_sessions(db: sqlite_utils.Database, council: str | None = None, limit: int = 50) -> list[dict]:
    """Sessions with how much was said and written about them, the latest first; promises,
    demands and assignments counted apart (KIND_COUNTS), those a person rejected as not
    promises not at all."""
    where, params = "", ()
    if council:
        where, params = "WHERE s.council LIKE ?", (f"%{council}%",)
    by_kind = "".join(f",\n               (SELECT COUNT(*) FROM promises p WHERE p.session_id = s.id AND p.kind = ?) AS {name}"
                      for name in KIND_COUNTS)
    rows = _rows(db, f"""
        SELECT s.id, s.council, s.term, s.session_no, s.date, s.kind, s.agenda,
               (SELECT COUNT(*) FROM articles a WHERE a.session_id = s.id) AS articles,
               (SELECT COUNT(*) FROM turns t WHERE t.session_id = s.id) AS turns,
               (SELECT COUNT(*) FROM questions q WHERE q.session_id = s.id) AS questions{by_kind}
        FROM sessions s {where} ORDER BY COALESCE(s.date, '') DESC, s.id DESC LIMIT ?""",
                 (*KIND_COUNTS.values(), *params, limit))
    for row in rows:
        row["agenda"] = json.loads(row["agenda"])
    return rows


def session_detail(db: sqlite_utils.Database, session_id: int, today: date) -> dict:
    """One session: its sittings, question-answer pairs, speaker turns by role, the
    commitments, demands and assignments made (with how many of each, as KIND_COUNTS
    names them), the earlier promises recalled there, and the articles that covered it."""
    found = _rows(db, "SELECT id, council, term, session_no, date, kind, agenda FROM sessions WHERE id = ?",
                  (session_id,))
    if not found:
        raise SessionError(f"there is no session {session_id} in this corpus; hdnd sessions lists them.")
    record = found[0]
    record["agenda"] = json.loads(record["agenda"])
    record["label"] = session_label(record)
    record["sittings"] = _rows(db, """
        SELECT COALESCE(m.date, s.date) AS date, GROUP_CONCAT(DISTINCT m.kind) AS kinds,
               COUNT(DISTINCT m.article_id) AS articles
        FROM session_mentions m JOIN sessions s ON s.id = m.session_id
        WHERE m.session_id = ? GROUP BY COALESCE(m.date, s.date) ORDER BY 1""", (session_id,))
    record["questions"] = _rows(db, """
        SELECT q.id, q.asker, qt.delegation AS asker_delegation, COALESCE(qt.addressee, q.answerer_title) AS asked,
               q.answerer, q.answerer_title, q.topic, qt.timestamp, qt.quote AS question, at.quote AS answer,
               q.article_id
        FROM questions q LEFT JOIN turns qt ON qt.id = q.question_turn_id LEFT JOIN turns at ON at.id = q.answer_turn_id
        WHERE q.session_id = ? ORDER BY q.article_id, q.id""", (session_id,))
    for question in record["questions"]:
        if _only_the_asker(question):
            question["question"] = None  # known only from the answer that names who asked
        question["debates"] = _rows(db, "SELECT speaker, title, delegation, timestamp, quote FROM turns "
                                        "WHERE question_id = ? ORDER BY seq", (question["id"],))
    record["turns"] = _rows(db, "SELECT role, COUNT(*) AS count FROM turns WHERE session_id = ? GROUP BY role "
                                "ORDER BY count DESC", (session_id,))
    record["commitments"] = _rows(db, """
        SELECT c.id, c.kind, c.speaker, c.speaker_title, c.deadline, c.quote,
               (SELECT status FROM commitment_events e WHERE e.commitment_id = c.id AND e.kind = 'confirmed'
                ORDER BY e.id DESC LIMIT 1) AS verdict,
               (SELECT MIN(s.question_id) FROM commitment_sources s WHERE s.commitment_id = c.id) AS question_id
        FROM commitments c WHERE c.session_id = ? AND c.id IN (SELECT id FROM promises)
        ORDER BY c.kind, c.id""", (session_id,))
    for row in record["commitments"]:
        row["status"] = status_for(row["deadline"], today, row.pop("verdict"))
    record.update({name: sum(c["kind"] == kind for c in record["commitments"]) for name, kind in KIND_COUNTS.items()})
    record["recalls"] = _rows(db, """
        SELECT r.id, r.recaller, r.promiser, r.status, r.quote, r.commitment_id, r.article_id, t.timestamp
        FROM recalls r LEFT JOIN turns t ON t.id = r.turn_id
        WHERE r.session_id = ? ORDER BY r.article_id, r.start""", (session_id,))
    record["articles"] = _rows(db, "SELECT id, title, url, published, kind FROM articles WHERE session_id = ? "
                                   "ORDER BY published, id", (session_id,))
    return record
