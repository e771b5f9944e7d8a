"""``hdnd import``: local files into the corpus, with a per-run summary.

A file that cannot be read or stored is counted and reported, and the batch goes on; a full
disk or a corpus locked too long stops the batch at once (every later write would fail or
wait as long), keeping what was stored. Ctrl-C records the run as interrupted.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import sqlite_utils

from corpus.db import CorpusError, CorpusFull, CorpusUnwritable, batch
from corpus.store import finish_run, save_article, start_run
from crawler.extract import ArticleItem
from crawler.importers import ImportProblem, expand_paths, read_file, shown

# Articles stored in one transaction: a commit each cost more than storing a short article,
# and a batch still holds the write lock for well under a second. Long transcripts end a batch
# sooner: it never holds more than BATCH_CHARS characters of text and page, in memory and
# under the lock.
BATCH = 200
BATCH_CHARS = 16_000_000


@dataclass
class ImportSummary:
    counts: dict[str, int] = field(
        default_factory=lambda: {"new": 0, "updated": 0, "unchanged": 0, "duplicate": 0, "skipped": 0, "failed": 0}
    )
    problems: list[ImportProblem] = field(default_factory=list)
    run_id: int | None = None
    stopped: str | None = None  # why the run ended before its last file: a full disk, a corpus locked too long

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


def import_entries(db: sqlite_utils.Database, entries: Iterable[Path | ImportProblem | None],
                   paths: list[str], kind: str = "auto", summary: ImportSummary | None = None) -> ImportSummary:
    """Import already-expanded entries (a progress bar can wrap them); ``paths`` is what
    the run records as asked for; ``kind`` as in :func:`corpus.store.save_article`.
    Raises CorpusError when the run cannot even be recorded (a full disk, a corpus locked
    by another process for too long); a KeyboardInterrupt (Ctrl-C) goes on up once the run
    is recorded as interrupted, with the counts so far in ``summary`` when it is given."""
    summary = summary if summary is not None else ImportSummary()
    summary.run_id = start_run(db, "import", {"paths": [shown(p) for p in paths], "kind": kind})
    status = "failed"  # unless the batch gets to its end
    try:
        _import(db, entries, kind, summary)
        status = "failed" if summary.failed or summary.stopped else "ok"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        _finish(db, summary, status)
    return summary


def watched_entries(paths: list[str], poll: float) -> Iterator[Path | ImportProblem | None]:
    """The files under ``paths`` as they are completed, forever (``hdnd import --watch``):
    every ``poll`` seconds, each supported file not seen before, or changed since (size or
    time), and each new problem. Files still being written are never read, as long as their
    writer gives them a supported name only once complete (hdnd crawl's ``.warc.gz.open``,
    rsync's hidden temporary names). A ``None`` before each pause says nothing more is
    ready for now, so what was read is stored before the wait."""
    seen: set = set()
    while True:
        for entry in expand_paths(paths):
            if isinstance(entry, ImportProblem):
                mark = (entry.where, entry.reason)
            else:
                try:
                    info = entry.stat()
                except FileNotFoundError:  # renamed or removed since the folder was listed
                    continue
                mark = (entry, info.st_size, info.st_mtime_ns)
            if mark not in seen:
                seen.add(mark)
                yield entry
        yield None
        time.sleep(poll)


def _import(db: sqlite_utils.Database, entries: Iterable[Path | ImportProblem | None], kind: str,
            summary: ImportSummary) -> None:
    """Store each entry's articles, ``BATCH`` at a time, counting into ``summary``; stop early,
    saying why in ``summary.stopped``, when no later file could be stored either. A ``None``
    entry (the watcher has nothing more for now) stores what was read so far."""
    items: list[ArticleItem] = []
    for entry in entries:
        results = [] if entry is None else [entry] if isinstance(entry, ImportProblem) else read_file(entry)
        for result in results:
            if isinstance(result, ImportProblem):
                summary.counts["skipped" if result.skipped else "failed"] += 1
                summary.problems.append(result)
            else:
                items.append(result)
            if (len(items) >= BATCH or sum(map(_size, items)) >= BATCH_CHARS) and not _store(db, items, kind, summary):
                return
        if entry is None and not _store(db, items, kind, summary):
            return
    _store(db, items, kind, summary)


def _size(item: ArticleItem) -> int:
    return len(item.text or "") + len(item.raw_html or b"")


def _store(db: sqlite_utils.Database, items: list[ArticleItem], kind: str, summary: ImportSummary) -> bool:
    """Store ``items`` in one transaction, counted into ``summary`` once committed, and empty
    the list. On a full disk, what still fits is stored an article a transaction. False
    when the import must stop (a full disk, a corpus locked too long)."""
    if not items:
        return True
    try:
        _count(summary, *_write(db, items, kind))
    except CorpusFull:
        for at, item in enumerate(items):
            try:
                _count(summary, *_write(db, [item], kind))
            except CorpusUnwritable as err:  # this article and the rest of the batch were not stored
                return _stop(summary, items[at:], err)
    except CorpusUnwritable as err:  # the batch was not stored, none of it
        return _stop(summary, items, err)
    finally:
        items.clear()
    return True


def _write(db: sqlite_utils.Database, items: list[ArticleItem], kind: str) -> tuple[Counter[str], list[ImportProblem]]:
    """Save ``items`` in one transaction, a savepoint each, so that an article the store
    refuses leaves nothing behind; their outcomes and problems."""
    counts: Counter[str] = Counter()
    problems: list[ImportProblem] = []
    with batch(db):
        for item in items:
            try:
                outcome, _ = save_article(db, item, kind)
            except CorpusUnwritable:
                raise
            except (CorpusError, ValueError) as err:  # refused by the store, e.g. a text longer than process reads
                counts["failed"] += 1
                problems.append(ImportProblem(item.url, str(err).rstrip(".")))
                continue
            counts[outcome] += 1
    return counts, problems


def _count(summary: ImportSummary, counts: Counter[str], problems: list[ImportProblem]) -> None:
    for outcome, count in counts.items():
        summary.counts[outcome] += count
    summary.problems.extend(problems)


def _stop(summary: ImportSummary, items: list[ArticleItem], err: CorpusUnwritable) -> bool:
    """Count the articles the corpus did not take (each one, so that the summary says how many
    to import again) and say why the import stops at the first: every later file would fail
    (or wait) as long."""
    summary.counts["failed"] += len(items)
    summary.problems.extend(ImportProblem(item.url, f"could not be stored ({err.short})") for item in items)
    summary.stopped = f"the import stopped at {items[0].url}: {err}"
    return False


def _finish(db: sqlite_utils.Database, summary: ImportSummary, status: str) -> None:
    """Record how the run ended. On a full disk or a corpus locked too long that can fail
    too: the run then stays marked as running (the next run marks it interrupted), and the
    report is still printed."""
    try:
        finish_run(
            db, summary.run_id, status, summary.counts,
            [{"where": p.where, "reason": p.reason, "skipped": p.skipped} for p in summary.problems],
        )
    except CorpusUnwritable as err:
        summary.stopped = summary.stopped or f"the end of the import could not be recorded: {err}"

