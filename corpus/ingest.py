"""``hdnd import``: local files into the corpus, with a per-run summary."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import sqlite_utils

from corpus.store import finish_run, save_article, start_run
from crawler.importers import ImportProblem, expand_paths, read_file


@dataclass
class ImportSummary:
    counts: dict[str, int] = field(
        default_factory=lambda: {"new": 0, "updated": 0, "unchanged": 0, "duplicate": 0, "skipped": 0, "failed": 0}
    )
    problems: list[ImportProblem] = field(default_factory=list)
    run_id: int | None = None

    @property
    def failed(self) -> int:
        return self.counts["failed"]

    def line(self) -> str:
        c = self.counts
        return (
            f"{c['new']} new, {c['updated']} updated, {c['unchanged']} unchanged, "
            f"{c['duplicate']} duplicate, {c['skipped']} skipped (not articles), {c['failed']} failed"
        )


def import_paths(db: sqlite_utils.Database, paths: Iterable[str | os.PathLike], kind: str = "auto") -> ImportSummary:
    """Import every supported file under ``paths``; a bad file is recorded, never fatal."""
    paths = [str(p) for p in paths]
    return import_entries(db, expand_paths(paths), paths, kind)


def import_entries(db: sqlite_utils.Database, entries: Iterable[Path | ImportProblem],
                   paths: list[str], kind: str = "auto") -> ImportSummary:
    """Import already-expanded entries (a progress bar can wrap them); ``paths`` is what
    the run records as asked for; ``kind`` as in :func:`corpus.store.save_article`."""
    summary = ImportSummary()
    summary.run_id = start_run(db, "import", {"paths": paths, "kind": kind})
    status = "failed"
    try:
        for entry in entries:
            results = [entry] if isinstance(entry, ImportProblem) else read_file(entry)
            for result in results:
                if isinstance(result, ImportProblem):
                    summary.counts["skipped" if result.skipped else "failed"] += 1
                    summary.problems.append(result)
                    continue
                try:
                    outcome, _ = save_article(db, result, kind)
                except sqlite3.Error as err:
                    summary.counts["failed"] += 1
                    summary.problems.append(ImportProblem(result.url, f"could not be stored ({err})"))
                    continue
                summary.counts[outcome] += 1
        status = "failed" if summary.failed else "ok"
    finally:
        finish_run(
            db, summary.run_id, status, summary.counts,
            [{"where": p.where, "reason": p.reason, "skipped": p.skipped} for p in summary.problems],
        )
    return summary
