"""What a crawl tells while it runs. Live progress: every ``HDND_PROGRESS_INTERVAL``
seconds (0 turns it off), one line per source on standard error with what the spider has
fetched, kept, skipped and failed. The log: Scrapy's messages with items named by their
URL, never printed whole (an item holds the page's raw HTML)."""

from __future__ import annotations

import sys
from typing import Any

from scrapy import signals
from scrapy.logformatter import LogFormatter
from twisted.internet import task

KEYS = ("fetched", "kept", "not_relevant", "filtered_slug", "filtered_date", "skipped", "failed")


def per_source(stats: dict) -> dict[str, dict[str, int]]:
    """``hdnd/<what>/<host>`` stats, grouped by host."""
    table: dict[str, dict[str, int]] = {}
    for key, value in stats.items():
        parts = key.split("/")
        if len(parts) == 3 and parts[0] == "hdnd" and parts[1] in KEYS:
            table.setdefault(parts[2], {})[parts[1]] = value
    return table


def progress_lines(stats: dict) -> list[str]:
    return [f"  {host}: " + ", ".join(f"{k} {counts[k]}" for k in KEYS if counts.get(k))
            for host, counts in sorted(per_source(stats).items())]


class Progress:
    def __init__(self, crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.loop = task.LoopingCall(self.report)

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls(crawler, crawler.settings.getfloat("HDND_PROGRESS_INTERVAL", 10.0))
        crawler.signals.connect(extension.opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def opened(self, spider=None):
        if self.interval > 0:
            self.loop.start(self.interval, now=False)

    def closed(self, spider=None, reason=None):
        if self.loop.running:
            self.loop.stop()

    def report(self):
        lines = progress_lines(self.crawler.stats.get_stats())
        if lines:
            print("Progress:", *lines, sep="\n", file=sys.stderr, flush=True)


class ItemlessLogFormatter(LogFormatter):
    """Scrapy's log messages about items, with each item shown by its URL: the default
    prints the whole item, half a megabyte of HTML for one page."""

    def scraped(self, item, *args, **kwargs):
        return _by_url(super().scraped(item, *args, **kwargs), item)

    def dropped(self, item, *args, **kwargs):
        return _by_url(super().dropped(item, *args, **kwargs), item)

    def item_error(self, item, *args, **kwargs):
        return _by_url(super().item_error(item, *args, **kwargs), item)


def _by_url(message: dict, item: Any) -> dict:
    url = item.get("url") if isinstance(item, dict) else getattr(item, "url", None)
    return {**message, "args": {**message["args"], "item": f"<item {url}>"}}
