"""``hdnd crawl``: run the news spider with the corpus as its store.

The crawler package knows nothing of the corpus; this module adds what joins them: an
item pipeline that stores each kept article (and counts what it did in the crawl stats),
downloader middlewares that skip article URLs already stored and make conditional
requests for feeds, sitemaps and listings, and the run record with Scrapy's stats.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.project import get_project_settings

from corpus.db import connect, now
from corpus.store import finish_run, save_article, start_run
from crawler.extract import ArticleItem
from crawler.progress import per_source
from crawler.spiders.news import NewsSpider

ITEM_FIELDS = set(ArticleItem.__dataclass_fields__)


class StorePipeline:
    """Stores each kept article in the corpus named by the HDND_DB setting."""

    def __init__(self, db_path: str, crawler):
        self.db = connect(db_path)
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("HDND_DB"), crawler)

    def process_item(self, item: dict):
        article = ArticleItem(**{k: v for k, v in item.items() if k in ITEM_FIELDS})
        try:
            outcome, _ = save_article(self.db, article)
        except sqlite3.Error as err:
            self.stats.inc_value("hdnd/store/failed")
            self.crawler.spider.logger.error("%s could not be stored (%s)", article.url, err)
            return item
        self.stats.inc_value(f"hdnd/store/{outcome}")
        return item

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
            raise IgnoreRequest(f"{request.url} is already stored")
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
            raise IgnoreRequest(f"{request.url} has not changed since the last crawl")
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

    def count(self, key: str) -> int:
        return int(self.stats.get(f"hdnd/{key}", 0))

    def line(self) -> str:
        stored = {k: self.count(f"store/{k}") for k in ("new", "updated", "unchanged", "duplicate", "failed")}
        return (f"Crawled: {self.count('fetched')} articles fetched, {self.count('kept')} kept "
                f"({stored['new']} new, {stored['updated']} updated, {stored['duplicate'] + stored['unchanged']} "
                f"already known), {self.count('not_relevant')} not relevant, {self.count('filtered_slug')} skipped "
                f"by slug and {self.count('filtered_date')} by date before fetching, {self.count('already_stored')} "
                f"already stored, {self.count('not_modified')} feeds or listings unchanged, {self.count('failed')} failed.")


def run_crawl(db_path: str | Path, spider_args: dict, settings: dict | None = None) -> CrawlSummary:
    """Run one crawl to the end (blocking) and record it in the runs table."""
    db = connect(db_path)
    summary = CrawlSummary()
    summary.run_id = start_run(db, "crawl", {k: v for k, v in spider_args.items() if v not in (None, False)})
    project = get_project_settings()
    project.setmodule("crawler.settings", priority="project")
    project.update({
        "HDND_DB": str(db_path),
        "ITEM_PIPELINES": {"corpus.crawl.StorePipeline": 300},
        "DOWNLOADER_MIDDLEWARES": {"corpus.crawl.SkipStoredMiddleware": 50, "corpus.crawl.ConditionalMiddleware": 60,
                                   "crawler.middlewares.HostMapMiddleware": 950},
        **(settings or {}),
    }, priority="cmdline")
    for name in ("scrapy", "twisted", "py.warnings", NewsSpider.name):
        logging.getLogger(name).setLevel(project.get("LOG_LEVEL"))  # whatever handlers other libraries added
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
        status = "ok" if summary.stats.get("finish_reason") == "finished" else "interrupted"
    finally:
        problems = summary.stats.pop("hdnd/problems", [])
        counts = {k: v for k, v in summary.stats.items() if isinstance(v, (int, float, str))}
        finish_run(db, summary.run_id, status, {**counts, "per_source": per_source(summary.stats)}, problems)
        summary.stats["hdnd/problems"] = problems
        db.conn.close()
    return summary
