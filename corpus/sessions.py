"""Council sessions as a reader sees them: the sittings, who asked whom about what, the
promises made, and the articles and records that covered them."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import sqlite_utils

from corpus.commitments import PROMISE_KIND, status_for
from corpus.db import dict_rows
from pipeline import cue_regex
from pipeline.labels import STANDING_COMMITTEE

# What a session counts of the statements made there, by kind: promises as hdnd stats and the
# home page count them (PROMISE_KIND), demands and assignments beside them, never added to them.
KIND_COUNTS = {"promises": PROMISE_KIND, "demands": "demand", "assignments": "assignment"}


class SessionError(ValueError):
    """A session that is not in the corpus; the message is one sentence."""


def session_label(row: dict) -> str:
    """ "HĐND tỉnh Bắc Giang khóa XIX, kỳ họp thứ 18"; the Standing Committee numbers its
    meetings, not sessions: "Ủy ban Thường vụ Quốc hội, phiên họp thứ 26"."""
    label = row["council"] + (f" khóa {row['term']}" if row.get("term") else "")
    if row.get("session_no") is not None:
        sitting = "phiên họp" if row["council"] == STANDING_COMMITTEE else "kỳ họp"
        label += f", {sitting} thứ {row['session_no']}"
    return label + (f" ({row['date']})" if row.get("date") else "")


def session_key(conn: sqlite3.Connection, session: dict | None) -> str | None:
    """The key of the session row a document's session belongs to: one per council, term and
    number however the copies spell it; a sitting named without its number ("HĐND TP.Hà Nội
    tiến hành chất vấn" on a day) is the numbered session of that council sitting that day,
    else a row of its council and day; none without a council, or without a number or a day."""
    if not session or not session.get("council"):
        return None
    if session.get("session_no") is not None:
        key = f"{session['council']}|{session.get('term') or ''}|{session['session_no']}"
        return _same_numbered_session(conn, session, key)
    if not session.get("date"):
        return None
    numbered = conn.execute("""
        SELECT DISTINCT s.key FROM sessions s LEFT JOIN session_mentions m ON m.session_id = s.id
        WHERE s.council = ? AND s.session_no IS NOT NULL AND (s.date = ? OR m.date = ?)""",
                            (session["council"], session["date"], session["date"])).fetchall()
    return numbered[0][0] if len(numbered) == 1 else f"{session['council']}|{session['date']}"


def _same_numbered_session(conn: sqlite3.Connection, session: dict, key: str) -> str:
    """One article names the term ("khóa XVI"), another not: the same council's session
    of that number is one session while only one term has it."""
    rows = conn.execute("SELECT id, key, term FROM sessions WHERE council = ? AND session_no = ?",
                        (session["council"], session["session_no"])).fetchall()
    if any(row[1] == key for row in rows):
        return key
    if not session.get("term"):
        terms = {row[2] for row in rows if row[2]}
        return next(row[1] for row in rows if row[2]) if len(terms) == 1 else key
    untermed = [row for row in rows if not row[2]]
    if untermed and not any(row[2] for row in rows):
        conn.execute("UPDATE sessions SET key = ?, term = ? WHERE id = ?", (key, session["term"], untermed[0][0]))
    return key


def absorb_sitting(conn: sqlite3.Connection, session_id: int, session: dict) -> None:
    """A numbered session that sat on a day takes over the row an earlier article made for
    that council and day without the number: its articles, turns, questions, promises and
    recalls move over, so the sitting is one session whichever report came first."""
    if session.get("session_no") is None or not session.get("date"):
        return
    found = conn.execute("SELECT id FROM sessions WHERE key = ? AND id != ?",
                         (f"{session['council']}|{session['date']}", session_id)).fetchone()
    if found is None:
        return
    tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
              if any(column[1] == "session_id" for column in conn.execute(f"PRAGMA table_info({name})"))]
    for table in tables:
        conn.execute(f"UPDATE {table} SET session_id = ? WHERE session_id = ?", (session_id, found[0]))
    conn.execute("DELETE FROM sessions WHERE id = ?", (found[0],))


def _only_the_asker(question: dict) -> bool:
    """A question turn that holds no more than the asker and their delegation."""
    words = question["question"] or ""
    for part in (question["asker"], question["asker_delegation"]):
        words = words.replace(part or "", "")
    return not words.strip(" ()-–,")


def answer_as_given(question: str | None, answer: str | None) -> str | None:
    """An answer from what the official said: when its lead holds the question ("Trả lời
    chất vấn về … do đại biểu X, Chủ tịch UBND … cho biết, thành phố đã …"), from after the
    verb of saying that follows the question, so the reader does not read the lead-in twice."""
    if not question or not answer or question not in answer:
        return answer
    said = cue_regex("speech").search(answer, answer.index(question) + len(question))
    words = answer[said.end():].lstrip(" ,:") if said else ""
    return words or answer


def list_sessions(db: sqlite_utils.Database, council: str | None = None, limit: int = 50) -> list[dict]:
    """Sessions with how much was said and written about them, the latest first; promises,
    demands and assignments counted apart (KIND_COUNTS), those a person rejected as not
    promises not at all."""
    where, params = "", ()
    if council:
        where, params = "WHERE s.council LIKE ?", (f"%{council}%",)
    by_kind = "".join(f",\n               (SELECT COUNT(*) FROM promises p WHERE p.session_id = s.id AND p.kind = ?) AS {name}"
                      for name in KIND_COUNTS)
    rows = dict_rows(db, f"""
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
    found = dict_rows(db, "SELECT id, council, term, session_no, date, kind, agenda FROM sessions WHERE id = ?",
                  (session_id,))
    if not found:
        raise SessionError(f"there is no session {session_id} in this corpus; hdnd sessions lists them.")
    record = found[0]
    record["agenda"] = json.loads(record["agenda"])
    record["label"] = session_label(record)
    record["sittings"] = dict_rows(db, """
        SELECT COALESCE(m.date, s.date) AS date, GROUP_CONCAT(DISTINCT m.kind) AS kinds,
               COUNT(DISTINCT m.article_id) AS articles
        FROM session_mentions m JOIN sessions s ON s.id = m.session_id
        WHERE m.session_id = ? GROUP BY COALESCE(m.date, s.date) ORDER BY 1""", (session_id,))
    record["questions"] = dict_rows(db, """
        SELECT q.id, q.asker, qt.delegation AS asker_delegation, COALESCE(qt.addressee, q.answerer_title) AS asked,
               q.answerer, q.answerer_title, q.topic, qt.timestamp, qt.quote AS question, at.quote AS answer,
               q.article_id
        FROM questions q LEFT JOIN turns qt ON qt.id = q.question_turn_id LEFT JOIN turns at ON at.id = q.answer_turn_id
        WHERE q.session_id = ? ORDER BY q.article_id, q.id""", (session_id,))
    for question in record["questions"]:
        question["answer"] = answer_as_given(question["question"], question["answer"])
        if _only_the_asker(question):
            question["question"] = None  # known only from the answer that names who asked
        question["debates"] = dict_rows(db, "SELECT speaker, title, delegation, timestamp, quote FROM turns "
                                        "WHERE question_id = ? ORDER BY seq", (question["id"],))
    record["turns"] = dict_rows(db, "SELECT role, COUNT(*) AS count FROM turns WHERE session_id = ? GROUP BY role "
                                "ORDER BY count DESC", (session_id,))
    record["commitments"] = dict_rows(db, """
        SELECT c.id, c.kind, c.speaker, c.speaker_title, c.deadline, c.quote,
               (SELECT status FROM commitment_events e WHERE e.commitment_id = c.id AND e.kind = 'confirmed'
                ORDER BY e.id DESC LIMIT 1) AS verdict,
               (SELECT MIN(s.question_id) FROM commitment_sources s WHERE s.commitment_id = c.id) AS question_id
        FROM commitments c WHERE c.session_id = ? AND c.id IN (SELECT id FROM promises)
        ORDER BY c.kind, c.id""", (session_id,))
    for row in record["commitments"]:
        row["status"] = status_for(row["deadline"], today, row.pop("verdict"))
    record.update({name: sum(c["kind"] == kind for c in record["commitments"]) for name, kind in KIND_COUNTS.items()})
    record["recalls"] = dict_rows(db, """
        SELECT r.id, r.recaller, r.promiser, r.status, r.quote, r.commitment_id, r.article_id, t.timestamp
        FROM recalls r LEFT JOIN turns t ON t.id = r.turn_id
        WHERE r.session_id = ? ORDER BY r.article_id, r.start""", (session_id,))
    record["articles"] = dict_rows(db, "SELECT id, title, url, published, kind FROM articles WHERE session_id = ? "
                                   "ORDER BY published, id", (session_id,))
    return record
