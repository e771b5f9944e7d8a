"""``hdnd crawl``: run the news spider with the corpus as its store.

The crawler package knows nothing of the corpus; this module adds what joins them: an
item pipeline that stores each kept article (and counts what it did in the crawl stats),
downloader middlewares that skip article URLs already stored and make conditional
requests for feeds, sitemaps and listings, and the run record with Scrapy's stats.

Scrapy's log goes to a file beside the corpus (``<db>.crawl.log``), so the terminal shows
only progress lines and the summary. A crawl whose ``--resume-dir`` state was left by a
killed process (its queue and seen-requests files are then unreliable) starts its
discovery over; articles already stored are still not fetched again.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.project import get_project_settings

from corpus.db import CorpusError, CorpusFull, CorpusUnwritable, connect, now
from corpus.display import count_of
from corpus.store import finish_run, save_article, start_run
from crawler.extract import ArticleItem
from crawler.middlewares import Counted
from crawler.progress import per_source
from crawler.spiders.news import NewsSpider

ITEM_FIELDS = set(ArticleItem.__dataclass_fields__)


class StorePipeline:
    """Stores each kept article in the corpus named by the HDND_DB setting. A full disk or a
    corpus locked too long closes the crawl (reason "corpus full" / "corpus busy", its
    sentence in the stats as ``hdnd/stopped``): every later article would fail, or hold up
    the whole crawl as long, too. Articles still arriving are counted as not stored."""

    def __init__(self, db_path: str, crawler):
        self.db = connect(db_path)
        self.crawler = crawler
        self.stats = crawler.stats
        self.stopped: CorpusUnwritable | None = None

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler.settings.get("HDND_DB"), crawler)
        crawler.signals.connect(pipeline.item_error, signal=signals.item_error)
        return pipeline

    def process_item(self, item: dict):
        article = ArticleItem(**{k: v for k, v in item.items() if k in ITEM_FIELDS})
        if self.stopped:
            self._not_stored(article.url, self.stopped.short)
            return item
        try:
            outcome, _ = save_article(self.db, article)
        except CorpusUnwritable as err:
            self._stop(err)
            self._not_stored(article.url, err.short)
            return item
        except (sqlite3.Error, CorpusError) as err:  # a text too long, a damaged file: this article only
            self._not_stored(article.url, err)
            return item
        self.stats.inc_value(f"hdnd/store/{outcome}")
        return item

    def _stop(self, err: CorpusUnwritable) -> None:
        """Close the crawl on a corpus that takes no more, keeping the sentence for the end."""
        self.stopped = err
        self.stats.set_value("hdnd/stopped", str(err).rstrip("."))
        reason = "corpus full" if isinstance(err, CorpusFull) else "corpus busy"
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def item_error(self, item, failure):
        """Any other error while storing (Scrapy logs the traceback): still an article lost."""
        self._not_stored(item.get("url"), failure.value)

    def _not_stored(self, url: str, err: BaseException) -> None:
        self.stats.inc_value("hdnd/store/failed")
        self.crawler.spider.problem(url, f"could not be stored ({err})", kind="not stored")

    def close_spider(self):
        self.db.conn.close()


class SkipStoredMiddleware:
    """An incremental crawl: article pages already in the corpus are not fetched again."""

    def __init__(self, db_path: str, stats):
        db = connect(db_path)
        self.stored = {row[0] for row in db.execute("SELECT url FROM articles")}
        db.conn.close()
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("HDND_DB"), crawler.stats)

    def process_request(self, request, spider=None):
        if request.callback is not None and getattr(request.callback, "__name__", "") == "parse_article" \
                and request.url in self.stored:
            self.stats.inc_value("hdnd/already_stored")
            raise Counted(f"{request.url} is already stored")
        return None


class ConditionalMiddleware:
    """A later crawl asks feeds, sitemaps and listings "changed since?" (If-None-Match /
    If-Modified-Since with what the site sent last time); a 304 is counted, not parsed."""

    def __init__(self, db_path: str, stats):
        self.db = connect(db_path)
        self.known = {row[0]: (row[1], row[2]) for row in
                      self.db.execute("SELECT url, etag, last_modified FROM http_validators")}
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler.settings.get("HDND_DB"), crawler.stats)
        crawler.signals.connect(lambda: middleware.db.conn.close(), signal=signals.spider_closed)
        return middleware

    @staticmethod
    def _discovery(request) -> bool:
        return getattr(request.callback, "__name__", "") in ("parse_feed", "parse_sitemap", "parse_listing", "parse_any")

    def process_request(self, request, spider=None):
        if self._discovery(request) and request.url in self.known:
            etag, modified = self.known[request.url]
            if etag:
                request.headers.setdefault("If-None-Match", etag)
            if modified:
                request.headers.setdefault("If-Modified-Since", modified)
        return None

    def process_response(self, request, response, spider=None):
        if not self._discovery(request):
            return response
        if response.status == 304:
            self.stats.inc_value("hdnd/not_modified")
            raise Counted(f"{request.url} has not changed since the last crawl")
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        if response.status == 200 and (etag or modified):
            with self.db.conn:
                self.db.conn.execute("INSERT OR REPLACE INTO http_validators VALUES (?, ?, ?, ?)",
                                     (response.url, etag.decode("latin-1") if etag else None,
                                      modified.decode("latin-1") if modified else None, now()))
        return response


@dataclass
class CrawlSummary:
    stats: dict = field(default_factory=dict)
    run_id: int | None = None
    log_file: Path | None = None

    def count(self, key: str) -> int:
        return int(self.stats.get(f"hdnd/{key}", 0))

    @property
    def stopped(self) -> str | None:
        """Why the corpus took no more (a full disk, a corpus locked too long), in one sentence."""
        return self.stats.get("hdnd/stopped")

    @property
    def status(self) -> str:
        """ok; failed when any page or article was lost (or the crawl stopped on an error);
        interrupted when it was stopped (Ctrl-C, SIGTERM) before its end."""
        reason = self.stats.get("finish_reason")
        if reason == "shutdown" or reason is None:
            return "interrupted"
        return "ok" if reason in ("finished", "limit") and not self.count("failed") else "failed"

    def _because(self, what: str) -> str:
        """``N skipped (2 forbidden by robots.txt, 1 not HTML)``: a count and its reasons."""
        prefix = f"hdnd/{what}_because/"
        reasons = sorted((k.removeprefix(prefix), v) for k, v in self.stats.items() if k.startswith(prefix))
        detail = f" ({', '.join(f'{n} {kind}' for kind, n in reasons)})" if reasons else ""
        return f"{self.count(what)} {what}{detail}"

    def line(self) -> str:
        stored = {k: self.count(f"store/{k}") for k in ("new", "updated", "unchanged", "duplicate", "failed")}
        return (f"Crawled: {count_of(self.count('fetched'), 'article')} fetched, {self.count('kept')} kept "
                f"({stored['new']} new, {stored['updated']} updated, {stored['duplicate'] + stored['unchanged']} "
                f"already known), {self.count('not_relevant')} not relevant, {self.count('filtered_slug')} skipped "
                f"by slug and {self.count('filtered_date')} by date before fetching, {self.count('already_stored')} "
                f"already stored, {count_of(self.count('not_modified'), 'feed or listing', 'feeds or listings')} "
                f"unchanged, {self._because('skipped')}, {self._because('failed')}.")


RUNNING_MARK = "hdnd-crawl-running"
JOB_STATE = ("requests.queue", "requests.seen", "spider.state")


def _claim_job_dir(job_dir: Path) -> tuple[BinaryIO, bool]:
    """Marks the resume folder as in use: a mark file that holds this process's id and an
    exclusive lock until the process ends (the system drops the lock when it dies, so a later
    process given the same id changes nothing). Scrapy saves its queue only when a crawl
    closes, and a closed crawl empties the mark; a mark with an id in it (or anything else)
    and no lock means that crawl was killed and its state cannot be trusted: the state is
    removed (discovery starts over) and True is returned with the open mark. A folder whose
    mark a live crawl holds is refused."""
    job_dir.mkdir(parents=True, exist_ok=True)
    mark = (job_dir / RUNNING_MARK).open("a+b")
    try:
        fcntl.flock(mark, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        mark.seek(0)
        holder = mark.read().strip()
        mark.close()
        process = f" (process {holder.decode()})" if holder.isdigit() else ""
        raise CorpusError(f"the resume folder {job_dir} is in use by another crawl{process}") from None
    mark.seek(0)
    killed = bool(mark.read())
    if killed:
        for name in JOB_STATE:
            state = job_dir / name
            if state.is_dir():
                shutil.rmtree(state)
            else:
                state.unlink(missing_ok=True)
    mark.truncate(0)
    mark.write(str(os.getpid()).encode())
    mark.flush()
    return mark, killed


def run_crawl(db_path: str | Path, spider_args: dict, settings: dict | None = None,
              log_file: str | Path | None = None) -> CrawlSummary:
    """Run one crawl to the end (blocking) and record it in the runs table. Scrapy's log
    goes to ``log_file`` (default: ``<db>.crawl.log``), not to the terminal."""
    settings = dict(settings or {})
    job_dir = Path(settings["JOBDIR"]) if settings.get("JOBDIR") else None
    mark, resumed_after_kill = _claim_job_dir(job_dir) if job_dir else (None, False)
    db = connect(db_path)
    summary = CrawlSummary(log_file=Path(log_file or f"{db_path}.crawl.log"))
    summary.run_id = start_run(db, "crawl", {k: v for k, v in spider_args.items() if v not in (None, False)})
    project = get_project_settings()
    project.setmodule("crawler.settings", priority="project")
    project.update({
        "HDND_DB": str(db_path),
        "LOG_FILE": str(summary.log_file),
        "ITEM_PIPELINES": {"corpus.crawl.StorePipeline": 300},
        "DOWNLOADER_MIDDLEWARES": {**project.getdict("DOWNLOADER_MIDDLEWARES"), "corpus.crawl.SkipStoredMiddleware": 50,
                                   "corpus.crawl.ConditionalMiddleware": 60},
        **settings,
    }, priority="cmdline")
    for name in ("scrapy", "twisted", "py.warnings", NewsSpider.name):
        logging.getLogger(name).setLevel(project.get("LOG_LEVEL"))
    foreign = logging.root.handlers[:]  # a library's basicConfig would echo the log on the terminal
    for handler in foreign:
        logging.root.removeHandler(handler)
    process = CrawlerProcess(project)
    crawler = process.create_crawler("news")

    def keep_stats(spider, reason):
        summary.stats = dict(crawler.stats.get_stats())
        summary.stats["finish_reason"] = reason

    crawler.signals.connect(keep_stats, signal=signals.spider_closed)
    status = "failed"
    try:
        process.crawl(crawler, **spider_args)
        process.start()
        if "finish_reason" in summary.stats:  # with what Scrapy's own handlers added after ours (elapsed time)
            summary.stats = {**crawler.stats.get_stats(), "finish_reason": summary.stats["finish_reason"]}
        status = summary.status
        if mark and "finish_reason" in summary.stats:  # Scrapy closed and saved its state
            mark.truncate(0)
    finally:
        if mark:
            mark.close()  # and its lock: an id left in the mark says this crawl did not close
        for handler in foreign:
            logging.root.addHandler(handler)
        if resumed_after_kill:
            summary.stats["hdnd/resume_state_discarded"] = 1
        problems = summary.stats.pop("hdnd/problems", [])
        counts = {k: v for k, v in summary.stats.items() if isinstance(v, (int, float, str))}
        counts["log_file"] = str(summary.log_file)
        try:
            finish_run(db, summary.run_id, status, {**counts, "per_source": per_source(summary.stats)}, problems)
        except CorpusUnwritable as err:  # the run stays marked running (the next run marks it interrupted)
            summary.stats.setdefault("hdnd/stopped", f"the end of the crawl could not be recorded: {str(err).rstrip('.')}")
        summary.stats["hdnd/problems"] = problems
        db.conn.close()
    return summary
