"""Writing articles and runs: one document, one transaction.

Articles are keyed by canonical URL; an article whose normalised text is already stored
under another URL is a duplicate and is not stored twice.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from typing import Any, Literal

import sqlite_utils

from corpus.db import now, transaction
from crawler.extract import ArticleItem
from crawler.sources import source_for
from pipeline import is_transcript, normalize_text

Outcome = Literal["new", "updated", "unchanged", "duplicate"]


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _source_id(conn, domain: str | None) -> int | None:
    if not domain:
        return None
    known = source_for(f"https://{domain}/")
    conn.execute(
        "INSERT INTO sources (domain, name) VALUES (?, ?) ON CONFLICT(domain) DO NOTHING",
        (domain, known.name if known else None),
    )
    return conn.execute("SELECT id FROM sources WHERE domain = ?", (domain,)).fetchone()[0]


def _clean(value: str | None) -> str | None:
    return normalize_text(value) if value else value


KINDS = ("auto", "transcript", "article")


def save_article(db: sqlite_utils.Database, item: ArticleItem, kind: str = "auto") -> tuple[Outcome, int]:
    """Store one article; returns what happened and the article's id. ``kind``: "auto"
    stores a session record (speaker labels, a live report's timestamps) as a transcript,
    "transcript" forces that, "article" keeps the item's own kind."""
    text = normalize_text(item.text)
    digest = content_hash(text)
    if kind == "transcript" or (kind == "auto" and is_transcript(text)):
        item_kind = "transcript"
    else:
        item_kind = item.kind
    row: dict[str, Any] = {
        "url": item.url,
        "title": _clean(item.title),
        "lead": _clean(item.lead),
        "author": _clean(item.author),
        "published": item.published,
        "section": _clean(item.section),
        "tags": json.dumps([normalize_text(t) for t in item.tags], ensure_ascii=False),
        "language": item.language,
        "text": text,
        "content_hash": digest,
        "kind": item_kind,
        "encoding": item.encoding,
        "raw_html": gzip.compress(item.raw_html, mtime=0) if item.raw_html else None,
    }
    with transaction(db) as conn:
        existing = conn.execute("SELECT id, content_hash FROM articles WHERE url = ?", (item.url,)).fetchone()
        if existing and existing[1] == digest:
            if kind == "auto":
                return "unchanged", existing[0]
            changed = conn.execute("UPDATE articles SET kind = ?, pipeline_version = NULL, processed_at = NULL "
                                   "WHERE id = ? AND kind != ?", (item_kind, existing[0], item_kind)).rowcount
            return ("updated" if changed else "unchanged"), existing[0]
        if existing:
            assignments = ", ".join(f"{k} = :{k}" for k in row if k != "url")
            conn.execute(
                f"UPDATE articles SET {assignments}, updated_at = :updated_at, pipeline_version = NULL, "
                "processed_at = NULL WHERE id = :id",
                {**row, "updated_at": now(), "id": existing[0]},
            )
            return "updated", existing[0]
        twin = conn.execute("SELECT id FROM articles WHERE content_hash = ?", (digest,)).fetchone()
        if twin:
            return "duplicate", twin[0]
        row["source_id"] = _source_id(conn, item.source)
        row["imported_at"] = now()
        columns = ", ".join(row)
        cursor = conn.execute(
            f"INSERT INTO articles ({columns}) VALUES ({', '.join(':' + k for k in row)})", row
        )
        return "new", cursor.lastrowid


def start_run(db: sqlite_utils.Database, command: str, args: dict[str, Any]) -> int:
    with transaction(db) as conn:
        cursor = conn.execute(
            "INSERT INTO runs (command, args, started_at) VALUES (?, ?, ?)",
            (command, json.dumps(args, ensure_ascii=False, default=str), now()),
        )
        return cursor.lastrowid


def finish_run(db: sqlite_utils.Database, run_id: int, status: str, counts: dict[str, int],
               problems: list[dict[str, str]]) -> None:
    with transaction(db) as conn:
        conn.execute(
            "UPDATE runs SET finished_at = ?, status = ?, counts = ?, problems = ? WHERE id = ?",
            (now(), status, json.dumps(counts), json.dumps(problems, ensure_ascii=False), run_id),
        )
