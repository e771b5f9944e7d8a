"""Commitments in the corpus: one row per promise with all its sources, an append-only
history of events, follow-up evidence proposed from later articles, and a status.

Status is open (deadline ahead or none), due (within ``DUE_DAYS``), overdue (deadline
passed, no evidence of completion), or a person's verdict (kept, partly, not_kept,
in_progress) recorded with ``hdnd promise ID --confirm``. Every change of status is an
event; nothing is overwritten silently.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta

import sqlite_utils

import pipeline  # the text-similarity helpers load spaCy: reached through it on first use, not at import
from corpus.db import insert_row, now, transaction
from pipeline import REPORT_STATUSES, deadline_date, fold, person_key

DUE_DAYS = 30
VERDICTS = REPORT_STATUSES   # what a person can confirm: the statuses a report can suggest
STATUSES = ("open", "due", "overdue", *VERDICTS)
FOLLOWUP_MIN_SCORE = 0.4   # share of a commitment's syllable pairs a report must repeat (plus bonuses)
FOLLOWUP_CANDIDATES = 25   # best full-text matches scored for each new report or commitment
MERGE_MIN_SIMILARITY = 0.6  # quotes in copied articles that are one commitment
PROMISE_KIND = "commitment"  # what is counted as a promise: demands and orders to other bodies are not


class PromiseError(ValueError):
    """A request about a commitment that cannot be carried out; the reason is one sentence."""


def status_for(deadline: str | None, today: date, verdict: str | None = None) -> str:
    """A person's final verdict; else where the deadline stands against ``today``."""
    if verdict in ("kept", "partly", "not_kept"):
        return verdict
    last = deadline_date(deadline)
    if last is not None and last < today:
        return "overdue"
    if last is not None and last <= today + timedelta(days=DUE_DAYS):
        return "due"
    return verdict or "open"


def _verdict(conn: sqlite3.Connection, commitment_id: int) -> str | None:
    row = conn.execute("SELECT status FROM commitment_events WHERE commitment_id = ? AND kind = 'confirmed' "
                       "ORDER BY id DESC LIMIT 1", (commitment_id,)).fetchone()
    return row[0] if row else None


def _event(conn: sqlite3.Connection, commitment_id: int, kind: str, status: str | None, at: str,
           actor: str = "hdnd", **extra) -> int:
    row = {"commitment_id": commitment_id, "at": at, "recorded_at": now(), "kind": kind, "status": status,
           "actor": actor, **extra}
    cursor = conn.execute(f"INSERT INTO commitment_events ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                          tuple(row.values()))
    return cursor.lastrowid


def _set_status(conn: sqlite3.Connection, commitment_id: int, today: date, note: str | None = None) -> None:
    row = conn.execute("SELECT status, deadline FROM commitments WHERE id = ?", (commitment_id,)).fetchone()
    status = status_for(row[1], today, _verdict(conn, commitment_id))
    if status != row[0]:
        conn.execute("UPDATE commitments SET status = ? WHERE id = ?", (status, commitment_id))
        _event(conn, commitment_id, "status", status, today.isoformat(),
               note=note or f"status {row[0]} → {status} (deadline {row[1] or 'none'})")


def id_of(conn: sqlite3.Connection, table: str, name: str | None) -> int | None:
    """The id of the person or body called ``name``, if stored."""
    if not name:
        return None
    if table == "persons":  # the i/y spellings of a name are one person
        row = conn.execute("SELECT id FROM persons WHERE name_key = ? ORDER BY id LIMIT 1", (person_key(name),)).fetchone()
    else:
        row = conn.execute(f"SELECT id FROM {table} WHERE name = ?", (name,)).fetchone()
    return row[0] if row else None


def _merge_target(conn: sqlite3.Connection, item: dict, duplicate_of: int | None) -> int | None:
    """An existing commitment this quote belongs to: the same words, or, in a copy of an
    earlier article, nearly the same words."""
    row = conn.execute("SELECT id FROM commitments WHERE fingerprint = ?", (pipeline.fingerprint(item["quote"]),)).fetchone()
    if row:
        return row[0]
    if duplicate_of is None:
        return None
    for commitment_id, quote in conn.execute(
            "SELECT c.id, c.quote FROM commitments c JOIN commitment_sources s ON s.commitment_id = c.id "
            "WHERE s.article_id = ? AND c.kind = ?", (duplicate_of, item["kind"])):
        similar = pipeline.text_similarity
        if min(similar(quote, item["quote"]), similar(item["quote"], quote)) >= MERGE_MIN_SIMILARITY:
            return commitment_id
    return None


def store_statements(conn: sqlite3.Connection, article_id: int, result: dict, made_on: str | None,
                     session_id: int | None, duplicate_of: int | None, today: date,
                     turn_ids: list[int] = (), question_ids: list[int] = ()) -> list[int]:
    """Add the article's commitments, demands and assignments (inside the caller's
    transaction), each source linked to its speaker turn and question (the stored ids of
    ``result["turns"]`` and ``result["questions"]``); returns the ids of commitments
    created, not merged."""
    before = [r[0] for r in conn.execute("SELECT DISTINCT commitment_id FROM commitment_sources WHERE article_id = ?",
                                         (article_id,))]
    conn.execute("DELETE FROM commitment_sources WHERE article_id = ?", (article_id,))
    created = []
    items = [*result.get("commitments", []), *result.get("demands", []), *result.get("assignments", [])]
    for item in items:
        commitment_id = _merge_target(conn, item, duplicate_of)
        if commitment_id is None:
            row = {"kind": item["kind"], "fingerprint": pipeline.fingerprint(item["quote"]), "quote": item["quote"],
                   "speaker": item["speaker"], "speaker_title": item["speaker_title"],
                   "speaker_kind": item["speaker_kind"],
                   "person_id": id_of(conn, "persons", item["speaker"]) if item["speaker_kind"] == "person" else None,
                   "body_id": id_of(conn, "bodies", item["speaker_title"]) if item["speaker_kind"] == "body" else None,
                   "deadline": item["deadline"], "deadline_text": item["deadline_text"],
                   "deadline_granularity": item["deadline_granularity"], "target": item["target"],
                   "quantity": item["quantity"], "unit": item["unit"], "topic": item["topic"],
                   "hedged": int(item["hedged"]), "session_id": session_id, "made_on": made_on,
                   "status": status_for(item["deadline"], today), "first_article_id": article_id,
                   "created_at": now()}
            commitment_id = conn.execute(
                f"INSERT INTO commitments ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                tuple(row.values())).lastrowid
            _event(conn, commitment_id, "extracted", row["status"], made_on or today.isoformat(),
                   evidence_article_id=article_id, evidence_quote=item["quote"])
            conn.execute("INSERT INTO commitments_fts (rowid, words) VALUES (?, ?)",
                         (commitment_id, " ".join(pipeline.content_words(f"{item['quote']} {item['target'] or ''}"))))
            created.append(commitment_id)
        turn, question = item.get("turn"), item.get("question")
        conn.execute('INSERT OR IGNORE INTO commitment_sources (commitment_id, article_id, start, "end", quote, '
                     "attribution, cue, turn_id, question_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (commitment_id, article_id, item["start"], item["end"], item["quote"], item.get("attribution"),
                      item.get("cue"), turn_ids[turn] if turn is not None and turn < len(turn_ids) else None,
                      question_ids[question] if question is not None and question < len(question_ids) else None))
    for commitment_id in before:
        left = conn.execute("SELECT COUNT(*) FROM commitment_sources WHERE commitment_id = ?", (commitment_id,))
        if not left.fetchone()[0]:
            _event(conn, commitment_id, "unsourced", None, today.isoformat(), evidence_article_id=article_id,
                   note="no article carries this quote any more after re-analysis")
    return created


def store_status_reports(conn: sqlite3.Connection, article_id: int, result: dict, reported_on: str | None) -> list[int]:
    """Replace the article's status reports (inside the caller's transaction); returns their ids."""
    conn.execute("DELETE FROM status_reports_fts WHERE rowid IN (SELECT id FROM status_reports WHERE article_id = ?)",
                 (article_id,))
    conn.execute("DELETE FROM status_reports WHERE article_id = ?", (article_id,))
    ids = []
    for report in result.get("status_reports", []):
        report_id = conn.execute(
            'INSERT INTO status_reports (article_id, start, "end", quote, status, cue, topic, reported_on) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (article_id, report["start"], report["end"], report["quote"], report["status"], report["cue"],
             report["topic"], reported_on)).lastrowid
        conn.execute("INSERT INTO status_reports_fts (rowid, words) VALUES (?, ?)",
                     (report_id, " ".join(pipeline.content_words(report["quote"]))))
        ids.append(report_id)
    return ids


@dataclass
class _Candidate:
    id: int
    text: str           # quote and target
    speaker: str | None
    title: str | None   # the speaker's title, or the body that promised
    made_on: str | None
    articles: set[int]


def _candidates(conn: sqlite3.Connection, where: str, args: tuple) -> list[_Candidate]:
    rows = conn.execute(
        "SELECT c.id, c.quote || ' ' || COALESCE(c.target, ''), c.speaker, c.speaker_title, c.made_on, "
        "group_concat(s.article_id) FROM commitments c JOIN commitment_sources s ON s.commitment_id = c.id "
        f"WHERE {where} GROUP BY c.id", args)
    return [_Candidate(r[0], r[1], r[2], r[3], r[4], {int(a) for a in (r[5] or "").split(",") if a}) for r in rows]


def _best(conn: sqlite3.Connection, table: str, text: str) -> list[int]:
    """The rowids of the best full-text matches of ``text`` in ``table``."""
    query = pipeline.match_query(text)
    if not query:
        return []
    return [r[0] for r in conn.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rank LIMIT ?",
                                       (query, FOLLOWUP_CANDIDATES))]


def _paragraph(text: str, start: int, end: int) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return text[line_start:line_end if line_end >= 0 else len(text)]


def _proposed_before(conn: sqlite3.Connection, commitment_id: int, article_id: int) -> bool:
    """One proposed follow-up per commitment and article (a recall and a status report in
    the same sentence are one piece of evidence)."""
    return conn.execute("SELECT 1 FROM commitment_events WHERE commitment_id = ? AND kind = 'followup' "
                        "AND evidence_article_id = ?", (commitment_id, article_id)).fetchone() is not None


def store_recalls(conn: sqlite3.Connection, article_id: int, session_id: int | None, result: dict,
                  turn_ids: list[int], recalled_on: str | None) -> list[int]:
    """The article's recalled promises (its old rows are gone with the article's tables)."""
    ids = []
    for recall in result.get("recalls", []):
        turn = recall.get("turn")
        row = {"article_id": article_id, "turn_id": turn_ids[turn] if turn is not None and turn < len(turn_ids) else None,
               "session_id": session_id, "start": recall["start"], "end": recall["end"], "quote": recall["quote"],
               "cue": recall["cue"], "promiser": recall["promiser"], "recaller": recall["recaller"],
               "status": recall["status"], "recalled_on": recalled_on}
        ids.append(insert_row(conn, "recalls", row))
    return ids


def link_recalls(conn: sqlite3.Connection, recall_ids: list[int]) -> int:
    """Link each recall to the earlier commitment it speaks of (the best full-text match
    made before it in another article, scored like a follow-up: its speaker or body named
    in the recall's paragraph counts), and propose a follow-up with the recall's status
    and quote as evidence. Returns how many were linked."""
    linked = 0
    marks = ",".join("?" * len(recall_ids))
    rows = conn.execute('SELECT r.id, r.article_id, r.quote, r.status, r.promiser, r.recaller, r.recalled_on, a.text, '
                        f'r.start, r."end" FROM recalls r JOIN articles a ON a.id = r.article_id WHERE r.id IN ({marks})',
                        recall_ids).fetchall()
    for recall_id, article_id, quote, status, promiser, recaller, recalled_on, text, start, end in rows:
        found = _best(conn, "commitments_fts", quote)
        scored = []
        for candidate in _candidates(conn, f"c.id IN ({','.join('?' * len(found))})", tuple(found)) if found else []:
            if article_id in candidate.articles or (candidate.made_on and recalled_on and recalled_on < candidate.made_on):
                continue
            score = pipeline.followup_score(candidate.text, quote, _paragraph(text, start, end),
                                            (candidate.speaker, candidate.title))
            if score >= FOLLOWUP_MIN_SCORE:
                scored.append((score, candidate.id))
        if not scored:
            continue
        score, commitment_id = max(scored)
        conn.execute("UPDATE recalls SET commitment_id = ? WHERE id = ?", (commitment_id, recall_id))
        linked += 1
        if status and not _proposed_before(conn, commitment_id, article_id):
            who = ", ".join(filter(None, [f"recalled by {recaller}" if recaller else "recalled",
                                          f"promised by {promiser}" if promiser else None]))
            _event(conn, commitment_id, "followup", status, recalled_on or now()[:10], evidence_article_id=article_id,
                   evidence_quote=quote, score=round(score, 3),
                   note=f"{who}; proposed: confirm or reject with hdnd promise")
    return linked


def link_followups(conn: sqlite3.Connection, report_ids: list[int] | None = None,
                   commitment_ids: list[int] | None = None) -> int:
    """Propose follow-up events between status reports and commitments made before them,
    from either side (a new report, or a new commitment with reports stored earlier).
    Full-text search picks the best candidates; content overlap decides."""
    pairs: list[tuple[tuple, _Candidate]] = []
    report_sql = ('SELECT r.id, r.article_id, r.quote, r.status, r.topic, r.reported_on, a.text, r.start, r."end" '
                  "FROM status_reports r JOIN articles a ON a.id = r.article_id WHERE r.id IN ({})")
    for report in conn.execute(report_sql.format(",".join("?" * len(report_ids or []))), report_ids or []).fetchall():
        found = _best(conn, "commitments_fts", report[2])
        marks = ",".join("?" * len(found))
        pairs += [(report, c) for c in _candidates(conn, f"c.id IN ({marks})", tuple(found))] if found else []
    for candidate in _candidates(conn, f"c.id IN ({','.join('?' * len(commitment_ids or []))})",
                                 tuple(commitment_ids or [])):
        found = _best(conn, "status_reports_fts", candidate.text)
        if found:
            rows = conn.execute(report_sql.format(",".join("?" * len(found))), found).fetchall()
            pairs += [(report, candidate) for report in rows]
    linked = 0
    for report, candidate in pairs:
        report_id, article_id, quote, status, _, reported_on, text, start, end = report
        if article_id in candidate.articles or (candidate.made_on and reported_on and reported_on <= candidate.made_on):
            continue  # the promise itself, or a report from before it was made
        score = pipeline.followup_score(candidate.text, quote, _paragraph(text, start, end), (candidate.speaker, candidate.title))
        if score < FOLLOWUP_MIN_SCORE or _proposed_before(conn, candidate.id, article_id):
            continue
        _event(conn, candidate.id, "followup", status, reported_on or now()[:10], evidence_article_id=article_id,
               evidence_quote=quote, score=round(score, 3), note="proposed: confirm or reject with hdnd promise")
        linked += 1
    return linked


def refresh_statuses(db: sqlite_utils.Database, today: date) -> int:
    """Move commitments whose deadline came near or passed to due / overdue, with an event each."""
    changed = 0
    with transaction(db) as conn:
        for commitment_id, status, deadline in conn.execute("SELECT id, status, deadline FROM commitments").fetchall():
            if status_for(deadline, today, _verdict(conn, commitment_id)) != status:
                _set_status(conn, commitment_id, today)
                changed += 1
    return changed


def confirm(db: sqlite_utils.Database, commitment_id: int, status: str, evidence: str | None, note: str | None,
            today: date, followup: int | None = None, *, by: str) -> int:
    """Record a person's verdict (or, with status "rejected", their rejection of a proposed
    follow-up) as an event signed ``by`` them; returns the event id. A verdict needs the
    evidence a reader can check; a rejection is about the proposal it names, so needs none."""
    if status not in (*VERDICTS, "rejected"):
        raise PromiseError(f"--confirm {status!r} is not a status; use one of {', '.join(VERDICTS)} or rejected.")
    if not (by or "").strip():
        raise PromiseError("--confirm needs --by NAME, the person who decided.")
    if status != "rejected" and not (evidence or "").strip():
        raise PromiseError(f"--confirm {status} needs --evidence URL, where a reader can check it.")
    with transaction(db) as conn:
        if not conn.execute("SELECT 1 FROM commitments WHERE id = ?", (commitment_id,)).fetchone():
            raise PromiseError(f"there is no commitment {commitment_id} in this corpus.")
        if followup is not None and not conn.execute(
                "SELECT 1 FROM commitment_events WHERE id = ? AND commitment_id = ? AND kind = 'followup'",
                (followup, commitment_id)).fetchone():
            raise PromiseError(f"event {followup} is not a proposed follow-up of commitment {commitment_id}.")
        if status == "rejected" and followup is None:
            raise PromiseError("--confirm rejected needs --followup EVENT_ID, the proposal being rejected.")
        kind = "rejected" if status == "rejected" else "confirmed"
        event_id = _event(conn, commitment_id, kind, None if kind == "rejected" else status, today.isoformat(),
                          actor=by.strip(), evidence_url=evidence, note=note, followup_of=followup)
        _set_status(conn, commitment_id, today, note=f"confirmed by a person: {status}" if kind == "confirmed" else None)
    return event_id


KINDS = ("commitment", "demand", "assignment")
REJECT_REASONS = ("not_a_promise", "wrong_speaker", "wrong_deadline", "wrong_kind")
_DEADLINE = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?|-Q[1-4])?$")


def correct(db: sqlite_utils.Database, commitment_id: int, reason: str, today: date, speaker: str | None = None,
            deadline: str | None = None, kind: str | None = None, note: str | None = None, by: str | None = None) -> int:
    """Record a person's correction of what hdnd extracted as an event signed ``by`` them
    (else "person"; the commitment row and its status are not changed); returns the event id.
    ``hdnd train --from-db`` learns from these."""
    if reason not in REJECT_REASONS:
        raise PromiseError(f"--reject {reason!r} is not a reason; use one of {', '.join(REJECT_REASONS)}.")
    needs = {"wrong_speaker": ("--speaker", speaker), "wrong_deadline": ("--deadline", deadline),
             "wrong_kind": ("--kind", kind)}
    if reason in needs and not needs[reason][1]:
        raise PromiseError(f"--reject {reason} needs {needs[reason][0]} with the right value.")
    if deadline and not _DEADLINE.match(deadline):
        raise PromiseError(f"--deadline {deadline!r} is not YYYY, YYYY-MM, YYYY-MM-DD or YYYY-Qn.")
    if kind and kind not in KINDS:
        raise PromiseError(f"--kind {kind!r} is not {', '.join(KINDS[:-1])} or {KINDS[-1]}.")
    correction = {k: v for k, v in (("speaker", speaker), ("deadline", deadline), ("kind", kind)) if v}
    with transaction(db) as conn:
        if not conn.execute("SELECT 1 FROM commitments WHERE id = ?", (commitment_id,)).fetchone():
            raise PromiseError(f"there is no commitment {commitment_id} in this corpus.")
        # Where the quote stood when it was corrected: a later process may re-extract differently.
        correction["sources"] = [list(row) for row in conn.execute(
            'SELECT article_id, start, "end", quote FROM commitment_sources WHERE commitment_id = ?', (commitment_id,))]
        return _event(conn, commitment_id, "correction", reason, today.isoformat(), actor=(by or "").strip() or "person",
                      note=note, correction=json.dumps(correction, ensure_ascii=False))


def corrections(db: sqlite_utils.Database) -> list[dict]:
    """The corrected and confirmed commitments as gold documents (``gold/FORMAT.md``), one
    per source article, marked ``partial``: only the items a person reviewed are labels.
    A commitment rejected as not a promise becomes a negative; the latest correction of
    speaker, deadline or kind wins; a confirmed verdict keeps the item as extracted."""
    reviewed: dict[int, dict] = {}
    for commitment_id, kind, status, correction in db.execute(
            "SELECT commitment_id, kind, status, correction FROM commitment_events "
            "WHERE kind IN ('correction', 'confirmed') ORDER BY id"):
        item = reviewed.setdefault(commitment_id, {"reason": None})
        if kind == "correction":
            # The latest word counts: a wrong speaker, deadline or kind says it is a statement.
            item["reason"] = status if status == "not_a_promise" else None
            item.update(json.loads(correction) if correction else {})
    docs: dict[int, dict] = {}
    for commitment_id, review in reviewed.items():
        row = db.execute("SELECT kind, speaker, speaker_title, deadline FROM commitments WHERE id = ?",
                         (commitment_id,)).fetchone()
        if row is None:
            continue
        kind, speaker, title, deadline = row
        spans = review.get("sources") or [list(r) for r in db.execute(
            'SELECT article_id, start, "end", quote FROM commitment_sources WHERE commitment_id = ?', (commitment_id,))]
        for article_id, start, end, quote in spans:
            article = db.execute("SELECT url, text, published FROM articles WHERE id = ?", (article_id,)).fetchone()
            if article is None or article[1][start:end] != quote:
                continue  # the article is gone or its text changed: the span no longer holds the quote
            url, text, published = article
            doc = docs.setdefault(article_id, {
                "doc": f"db-article-{article_id}", "source": url, "published": (published or "")[:10] or None,
                "text": text, "partial": True, "commitments": [], "demands": [], "negatives": []})
            span = {"quote": text[start:end], "start": start, "end": end}
            if review.get("reason") == "not_a_promise":
                doc["negatives"].append({**span, "why": "other"})
                continue
            new_kind = review.get("kind", kind)
            doc["commitments" if new_kind == "commitment" else "demands"].append({
                **span, "speaker": review.get("speaker", speaker), "speaker_title": title,
                "deadline": review.get("deadline", deadline), "uncertain": False})
    return list(docs.values())


_LIST_SQL = """
SELECT c.id, c.kind, c.quote, c.speaker, c.speaker_title, c.deadline, c.deadline_text, c.target, c.topic,
       c.hedged, c.made_on, c.status,
       (SELECT COUNT(DISTINCT article_id) FROM commitment_sources s WHERE s.commitment_id = c.id) AS sources,
       (SELECT group_concat(DISTINCT a.url) FROM commitment_sources s JOIN articles a ON a.id = s.article_id
         WHERE s.commitment_id = c.id) AS urls,
       (SELECT status FROM commitment_events e WHERE e.commitment_id = c.id AND e.kind = 'confirmed'
         ORDER BY e.id DESC LIMIT 1) AS verdict
FROM commitments c
"""


def list_commitments(db: sqlite_utils.Database, today: date, query: str | None = None, speaker: str | None = None,
                     body: str | None = None, topic: str | None = None, status: str | None = None,
                     kind: str | None = PROMISE_KIND, since: str | None = None, until: str | None = None,
                     limit: int = 50) -> list[dict]:
    """Commitments with at least one source, newest first; text filters ignore case and
    tone marks. Status is computed as of ``today``."""
    where, args = ["EXISTS (SELECT 1 FROM commitment_sources s WHERE s.commitment_id = c.id)",
                   "(SELECT e.status FROM commitment_events e WHERE e.commitment_id = c.id AND e.kind = 'correction' "
                   "ORDER BY e.id DESC LIMIT 1) IS NOT 'not_a_promise'"], []
    for column_sql, value in ((("c.quote", "c.target"), query), (("c.speaker",), speaker),
                              (("c.speaker_title",), body)):
        if value:
            where.append("(" + " OR ".join(f"hdnd_fold(lower({c})) LIKE ?" for c in column_sql) + ")")
            args += [f"%{fold(value).lower()}%"] * len(column_sql)
    for condition, value in (("c.topic = ?", topic), ("c.kind = ?", kind), ("c.made_on >= ?", since),
                             ("c.made_on <= ?", until)):
        if value:
            where.append(condition)
            args.append(value)
    rows = db.execute(f"{_LIST_SQL} WHERE {' AND '.join(where)} ORDER BY c.made_on DESC, c.id DESC", args)
    columns = [d[0] for d in rows.description]
    result = []
    for row in rows:
        record = dict(zip(columns, row))
        record["status"] = status_for(record["deadline"], today, record.pop("verdict"))
        record["hedged"] = bool(record["hedged"])
        record["urls"] = (record["urls"] or "").split(",") if record["urls"] else []
        if status and record["status"] != status:
            continue
        result.append(record)
        if len(result) >= limit:
            break
    return result


def promise_counts(db: sqlite_utils.Database, today: date) -> dict[str, int]:
    """How many promises there are and how many are overdue as of ``today``: the rows of
    kind commitment in the promises view (with a source, not rejected), which are the ones
    ``hdnd promises`` lists; the one count the home page, ``hdnd stats`` and the overdue
    query show. Only deadlines and verdicts are read, so a large corpus counts quickly."""
    rows = db.execute("SELECT p.deadline, (SELECT e.status FROM commitment_events e WHERE e.commitment_id = p.id "
                      "AND e.kind = 'confirmed' ORDER BY e.id DESC LIMIT 1) FROM promises p WHERE p.kind = ?",
                      (PROMISE_KIND,)).fetchall()
    return {"promises": len(rows), "overdue": sum(status_for(deadline, today, verdict) == "overdue"
                                                  for deadline, verdict in rows)}


def commitment_detail(db: sqlite_utils.Database, commitment_id: int, today: date) -> dict:
    """One commitment: its fields, each source with the quote's paragraph, the session,
    and the event history with proposed follow-ups."""
    rows = db.execute(f"{_LIST_SQL} WHERE c.id = ?", (commitment_id,))
    columns = [d[0] for d in rows.description]
    row = rows.fetchone()
    if row is None:
        raise PromiseError(f"there is no commitment {commitment_id} in this corpus.")
    record = dict(zip(columns, row))
    record["status"] = status_for(record["deadline"], today, record.pop("verdict"))
    record["hedged"] = bool(record["hedged"])
    record.pop("urls")
    sources = []
    for article_id, url, title, published, text, start, end, attribution in db.execute(
            'SELECT a.id, a.url, a.title, a.published, a.text, s.start, s."end", s.attribution '
            "FROM commitment_sources s JOIN articles a ON a.id = s.article_id WHERE s.commitment_id = ? "
            "ORDER BY a.published, a.id", (commitment_id,)):
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        sources.append({"article_id": article_id, "url": url, "title": title, "published": published,
                        "attribution": attribution, "paragraph": text[line_start:line_end].strip(),
                        "quote_start": start - line_start - (len(text[line_start:line_end]) -
                                                             len(text[line_start:line_end].lstrip())),
                        "quote_end": end - line_start})
    record["sources"] = sources
    session = db.execute("SELECT s.id, s.council, s.term, s.session_no, s.date, s.kind FROM sessions s "
                         "JOIN commitments c ON c.session_id = s.id WHERE c.id = ?", (commitment_id,)).fetchone()
    record["session"] = dict(zip(("id", "council", "term", "session_no", "date", "kind"), session)) if session else None
    record["person_id"] = db.execute("SELECT person_id FROM commitments WHERE id = ?", (commitment_id,)).fetchone()[0]
    events = db.execute("SELECT e.id, e.at, e.recorded_at, e.kind, e.status, e.actor, e.score, e.note, e.evidence_url, "
                        "e.evidence_quote, e.followup_of, e.correction, a.url FROM commitment_events e "
                        "LEFT JOIN articles a ON a.id = e.evidence_article_id WHERE e.commitment_id = ? ORDER BY e.id",
                        (commitment_id,))
    names = [d[0] for d in events.description]
    record["events"] = [dict(zip(names, e)) for e in events]
    for event in record["events"]:
        event["evidence_article"] = event.pop("url")
    return record
