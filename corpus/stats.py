"""What the corpus holds: articles by source and month, processed or not, promises, last runs."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import sqlite_utils

from corpus.commitments import promise_counts
from corpus.display import today_local


def corpus_stats(db: sqlite_utils.Database, last_runs: int = 5, today: date | None = None) -> dict[str, Any]:
    """Totals and coverage; promises and overdue ones as of ``today`` (default: today in Vietnam),
    counted as the web home page and hdnd promises count them."""
    by_source_month = [
        dict(row) for row in db.query(
            """
            SELECT coalesce(s.domain, 'local files') AS source,
                   coalesce(substr(a.published, 1, 7), 'undated') AS month,
                   count(*) AS articles,
                   sum(a.pipeline_version IS NOT NULL) AS processed
            FROM articles a LEFT JOIN sources s ON s.id = a.source_id
            GROUP BY 1, 2 ORDER BY 1, 2
            """
        )
    ]
    totals = next(db.query(
        "SELECT count(*) AS articles, coalesce(sum(pipeline_version IS NOT NULL), 0) AS processed FROM articles"
    ))
    runs = [
        {**row, "counts": json.loads(row["counts"])}
        for row in db.query(
            "SELECT id, command, started_at, finished_at, status, counts FROM runs ORDER BY id DESC LIMIT ?",
            [last_runs],
        )
    ]
    return {
        "articles": totals["articles"],
        "processed": totals["processed"],
        "unprocessed": totals["articles"] - totals["processed"],
        **promise_counts(db, today or today_local()),
        "by_source_month": by_source_month,
        "last_runs": runs,
    }
