"""``hdnd process``: analyse the articles not yet analysed at the current pipeline version.

Workers analyse (pure, CPU-bound) in a process pool, or on a Dask cluster's workers
(corpus.cluster); the main process alone writes, one transaction per article, so an
interrupted run loses at most the article in hand and a re-run picks up where it stopped.
Ctrl-C (and SIGTERM, which the command line turns into the same) records the run as
interrupted; a full disk or a corpus locked too long stops it with that sentence, recorded
in the run when the corpus still takes the record.
"""

from __future__ import annotations

import heapq
import multiprocessing
import signal
import time
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

import sqlite_utils

from corpus.analysis import store_analysis, store_error
from corpus.commitments import refresh_statuses
from corpus.db import MAX_ROW_ID, CorpusBusy, CorpusUnwritable
from corpus.display import count_of, today_local
from corpus.duplicates import NearDuplicates, signature
from corpus.store import finish_run, start_run
from pipeline import PIPELINE_VERSION, AnalysisError, analyze, warm

if TYPE_CHECKING:
    from corpus.cluster import Cluster

BATCH = 32
PAGE = 1000  # pending ids read at a time
Result = tuple[int, dict | None, str | None]


@dataclass
class ProcessSummary:
    counts: dict[str, int] = field(default_factory=lambda: {
        "analysed": 0, "failed": 0, "persons": 0, "index_values": 0, "legal_refs": 0, "sessions": 0,
        "commitments": 0, "demands": 0, "assignments": 0, "commitments_new": 0, "followups": 0, "duplicates": 0,
        "status_changes": 0, "changed": 0})
    problems: list[dict[str, str]] = field(default_factory=list)
    run_id: int | None = None

    def line(self) -> str:
        c = self.counts
        return (f"Processed {count_of(c['analysed'] + c['failed'], 'article')}: {c['analysed']} analysed, "
                f"{c['failed']} failed; {count_of(c['persons'], 'person')}, {count_of(c['index_values'], 'index value')}, "
                f"{count_of(c['legal_refs'], 'legal reference')}, {count_of(c['sessions'], 'session mention')}; "
                f"{count_of(c['commitments'], 'commitment')}, {count_of(c['demands'], 'demand')}, "
                f"{count_of(c['assignments'], 'assignment')} ({c['commitments_new']} new after merging copies), "
                f"{count_of(c['duplicates'], 'near-duplicate article')}, {count_of(c['followups'], 'follow-up')} "
                f"proposed, {count_of(c['status_changes'], 'status change')}."
                + (f" {count_of(c['changed'], 'article')} changed while being analysed, left for the next run."
                   if c["changed"] else ""))


def analyse_one(job: tuple[int, str, str | None, str, str | None]) -> tuple[int, dict | None, str | None]:
    """The analysis of one article and its near-duplicate signature, computed in a worker.
    A transcript's speaker labels are read as turns even where there are few of them."""
    article_id, text, published, kind, url = job
    try:
        result = analyze(text, published, transcript=True if kind == "transcript" else None, source=url)
        result["signature"] = signature(text)
        return article_id, result, None
    except AnalysisError as err:
        return article_id, None, str(err)
    except Exception as err:  # one bad document must not stop the others
        return article_id, None, f"{type(err).__name__}: {err}"


def _worker_start() -> None:
    """In each worker: Ctrl-C and SIGTERM are the parent's to handle (it records the run,
    then ends the pool), so a worker ignores Ctrl-C, dies quietly on the pool's SIGTERM
    instead of printing a traceback, and loads the models before its first article."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    warm()


def _batches(db: sqlite_utils.Database, ids: Iterable[int], size: int = BATCH) -> Iterator[list[tuple]]:
    """The jobs, ``size`` articles at a time, each batch read whole before any of it is stored:
    a read cursor left open across the writes would hold the writer to an old snapshot, and
    its next BEGIN IMMEDIATE would fail at once after another process's commit. Each row:
    id, text, published, kind, url, content_hash."""
    ids = iter(ids)
    while chunk := list(islice(ids, size)):
        marks = ", ".join("?" * len(chunk))
        yield db.execute(f"SELECT id, text, published, kind, url, content_hash FROM articles WHERE id IN ({marks}) "
                         "ORDER BY id", chunk).fetchall()


def pending_ids(db: sqlite_utils.Database, reprocess: bool = False) -> Iterator[int]:
    """The ids of the articles to analyse, in id order, read a page at a time through the
    index on pipeline_version: a corpus of a million articles is never listed whole, and
    one new article is found without reading the others."""
    if reprocess:
        return _paged(db, "", ())
    return heapq.merge(*(_paged(db, "pipeline_version IS ? AND", (version,)) for version in _pending_versions(db)))


def _pending_versions(db: sqlite_utils.Database) -> list[str | None]:
    """NULL (never analysed, or changed since) and each pipeline version other than the
    current one, found by stepping through the index from one version to the next."""
    found = db.execute("""WITH RECURSIVE v(version) AS (
        SELECT min(pipeline_version) FROM articles
        UNION ALL SELECT (SELECT min(pipeline_version) FROM articles WHERE pipeline_version > version) FROM v
        WHERE version IS NOT NULL) SELECT version FROM v WHERE version IS NOT NULL""").fetchall()
    return [None] + [version for (version,) in found if version != PIPELINE_VERSION]


def _paged(db: sqlite_utils.Database, where: str, params: tuple) -> Iterator[int]:
    """Ids of the articles matching ``where`` (an SQL condition ending in AND, or nothing),
    PAGE at a time in id order; each page is read whole, no cursor stays open."""
    last = -MAX_ROW_ID - 1
    while page := db.execute(f"SELECT id FROM articles WHERE {where} id > ? ORDER BY id LIMIT ?",
                             (*params, last, PAGE)).fetchall():
        yield from (row[0] for row in page)
        last = page[-1][0]


def process_corpus(db: sqlite_utils.Database, workers: int = 1, reprocess: bool = False,
                   on_article: Callable[[], None] | None = None, ids: Iterable[int] | None = None,
                   today: date | None = None, cluster: Cluster | None = None) -> ProcessSummary:
    """Analyse pending articles, in ``workers`` local processes or on ``cluster``'s workers;
    then move commitments whose deadlines came near or passed (as of ``today``) to due / overdue."""
    today = today or today_local()
    ids = pending_ids(db, reprocess) if ids is None else ids
    summary = ProcessSummary()
    where = {"scheduler": cluster.name} if cluster else {"workers": workers}
    summary.run_id = start_run(db, "process", {**where, "reprocess": reprocess, "pipeline_version": PIPELINE_VERSION})
    duplicates = NearDuplicates(db)
    status = "failed"
    pool = None
    try:
        if cluster:
            analyse, size = cluster.analyse, cluster.batch_size()
        elif workers > 1:
            pool = multiprocessing.get_context("fork").Pool(workers, initializer=_worker_start)
            analyse, size = (lambda jobs: pool.imap(analyse_one, jobs, chunksize=4)), BATCH
        else:
            analyse, size = (lambda jobs: map(analyse_one, jobs)), BATCH
        for rows, results in _ahead(_batches(db, ids, size), analyse):
            published = {row[0]: row[2] for row in rows}
            hashes = {row[0]: row[5] for row in rows}
            for article_id, result, error in results:
                _store(db, summary, article_id, result, error, published, duplicates, today, hashes[article_id])
                if on_article:
                    on_article()
        summary.counts["status_changes"] = refresh_statuses(db, today)
        status = "done"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    except CorpusUnwritable as err:
        summary.problems.append({"where": "the corpus", "reason": str(err)})
        raise
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        _finish(db, summary, status)
    return summary


def watched_rounds(db: sqlite_utils.Database, poll: float, workers: int = 1, today: date | None = None,
                   cluster: Cluster | None = None) -> Iterator[ProcessSummary]:
    """``hdnd process --watch``: the pipeline loaded once, then each round of articles that
    arrived (``hdnd import --watch`` beside it) analysed within ``poll`` seconds, a run of its
    own; forever, until Ctrl-C. A fresh process spends about two seconds loading spaCy and
    the models before its first article, which a running watcher has already done. Without
    ``today``, deadlines are judged on each round's own day. A round that finds the corpus
    locked by another process for too long says so and the next round tries again; a full
    disk ends the watch."""
    warm()
    while True:
        if not pending_count(db):
            time.sleep(poll)
            continue
        try:
            yield process_corpus(db, workers=workers, today=today, cluster=cluster)
        except CorpusBusy as err:
            locked = ProcessSummary()
            locked.problems.append({"where": "the corpus", "reason": f"{err}; trying again in {poll:g} s"})
            yield locked
            time.sleep(poll)


def _ahead(batches: Iterable[list[tuple]], analyse: Callable[[list[tuple]], Iterator[Result]]
           ) -> Iterator[tuple[list[tuple], Iterator[Result]]]:
    """Each batch with its results, the next batch already handed to the workers while this
    one is stored, so they need not wait for the writer; never more than two batches in
    flight. Batches are read here, between writes, not in a pool's feeding thread."""
    previous = None
    for rows in batches:
        current = rows, analyse([row[:5] for row in rows])
        if previous:
            yield previous
        previous = current
    if previous:
        yield previous


def _finish(db: sqlite_utils.Database, summary: ProcessSummary, status: str) -> None:
    """Record how the run ended. When that fails too (the disk still full, the corpus still
    locked) while an error or Ctrl-C is already ending the run, that first one is what the
    user is told; the run stays marked running until the next run marks it interrupted."""
    try:
        finish_run(db, summary.run_id, status, summary.counts, summary.problems)
    except CorpusUnwritable:
        if status == "done":
            raise


def _store(db: sqlite_utils.Database, summary: ProcessSummary, article_id: int, result: dict | None,
           error: str | None, published: dict[int, str | None], duplicates: NearDuplicates, today: date,
           content_hash: str) -> None:
    """Write one article's analysis (or why it failed) and count it in ``summary``; an
    article whose text was replaced meanwhile is counted as changed and left pending."""
    if error:
        if store_error(db, article_id, error, PIPELINE_VERSION, content_hash):
            summary.counts["failed"] += 1
            summary.problems.append({"where": f"article {article_id}", "reason": error})
        else:
            summary.counts["changed"] += 1
        return
    added = store_analysis(db, article_id, result, PIPELINE_VERSION, (published.get(article_id) or "")[:10] or None,
                           result.pop("signature"), duplicates, today, content_hash)
    if added["changed"]:
        summary.counts["changed"] += 1
        return
    summary.counts["analysed"] += 1
    for key in ("persons", "index_values", "legal_refs", "sessions", "commitments", "demands", "assignments"):
        summary.counts[key] += len(result[key])
    summary.counts["commitments_new"] += added["commitments_new"]
    summary.counts["followups"] += added["followups"]
    summary.counts["duplicates"] += added["duplicate"]


def pending_count(db: sqlite_utils.Database, reprocess: bool = False) -> int:
    if reprocess:
        return db.execute("SELECT count(*) FROM articles").fetchone()[0]
    return sum(db.execute("SELECT count(*) FROM articles WHERE pipeline_version IS ?", (version,)).fetchone()[0]
               for version in _pending_versions(db))
