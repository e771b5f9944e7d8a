"""``hdnd versions``: the texts one article has had, oldest first, the current one last.

The store keeps a text that a newer one replaced at the same URL in ``article_versions``
(``corpus.store.save_article``); the articles row holds the current version, the only
one the pipeline analyses.
"""

from __future__ import annotations

import sqlite_utils

from corpus.db import CorpusError, row_id
from corpus.display import shorten

COLUMNS = "title, published, kind, length(text) AS characters, content_hash"


def article_id(db: sqlite_utils.Database, ref: str) -> int:
    """The id of the article ``ref`` names: its id (digits) or its URL. An id beyond SQLite's
    integers names no article."""
    if ref.isdecimal():
        row = db.execute("SELECT id FROM articles WHERE id = ?", (row_id(ref),)).fetchone()
        missing = f"the id {shorten(ref, 24)}"
    else:
        row = db.execute("SELECT id FROM articles WHERE url = ?", (ref,)).fetchone()
        missing = f"the URL {ref}"
    if row is None:
        raise CorpusError(f"no article has {missing}.")
    return row[0]


def list_versions(db: sqlite_utils.Database, ref: str, with_text: bool = False) -> list[dict]:
    """Every version of the article ``ref`` names, numbered from 1, with when it was
    stored and when the next one replaced it (None for the current one)."""
    article = article_id(db, ref)
    text = ", text" if with_text else ""
    earlier = list(db.query(
        f"SELECT article_id, version, 0 AS current, stored_at, replaced_at, {COLUMNS}{text} FROM article_versions "
        "WHERE article_id = ? ORDER BY version", [article]))
    current = list(db.query(
        f"SELECT id AS article_id, ? AS version, 1 AS current, COALESCE(updated_at, imported_at) AS stored_at, "
        f"NULL AS replaced_at, {COLUMNS}{text} FROM articles WHERE id = ?", [len(earlier) + 1, article]))
    return [{**row, "current": bool(row["current"])} for row in earlier + current]
