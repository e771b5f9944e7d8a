"""Scrapy settings: polite by default.

robots.txt is obeyed; AutoThrottle adapts the pace to each site, with at most two
requests at a time per domain; the User-Agent names the project and a contact
(``HDND_CONTACT``, or the ``--contact`` option of ``hdnd crawl``); failed requests are
retried with backoff; the HTTP cache is off unless ``HDND_HTTPCACHE=1`` (development).
"""

import os

BOT_NAME = "hdnd"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

CONTACT = os.environ.get("HDND_CONTACT", "https://github.com/hdnd-project/hdnd")
USER_AGENT = f"hdnd/0.1 (research crawler for Vietnamese council coverage; +{CONTACT})"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = float(os.environ.get("HDND_DOWNLOAD_DELAY", "0.5"))
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = max(DOWNLOAD_DELAY, 0.01) * 2
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = 30
# A page larger than this, on the wire or once decompressed, is counted as failed, not read:
# a gzip bomb stops inflating here. Vietnamese news pages weigh 0.1-3 MB.
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 5

HTTPCACHE_ENABLED = os.environ.get("HDND_HTTPCACHE") == "1"
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_EXPIRATION_SECS = 24 * 3600

HTTPERROR_ALLOW_ALL = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("HDND_LOG_LEVEL", "INFO")
LOG_FORMATTER = "crawler.progress.ItemlessLogFormatter"   # the log names items, never prints their pages

# No consoles listening on local ports during a crawl.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Requests for these hosts go to another server (tests, mirrors); see crawler.middlewares.
HDND_HOST_MAP: dict[str, str] = {}
# A redirect loop is named as one (before Scrapy's redirect middleware at 600 sees it);
# a page whose callback raises is reported with the crawl's problems.
DOWNLOADER_MIDDLEWARES = {"crawler.middlewares.HostMapMiddleware": 950, "crawler.middlewares.RedirectLoopMiddleware": 610,
                          "crawler.frontier.SharedPaceMiddleware": 940, "crawler.warc.WarcWriterMiddleware": 580}
SPIDER_MIDDLEWARES = {"crawler.middlewares.ProblemsMiddleware": 950}

# One line per source on standard error every so many seconds while crawling (0: off).
HDND_PROGRESS_INTERVAL = float(os.environ.get("HDND_PROGRESS_INTERVAL", "10"))
EXTENSIONS = {"crawler.progress.Progress": 500}

# `scrapy crawl news -O items.jsonl` writes these fields (not the raw page bytes).
FEED_EXPORT_FIELDS = ["url", "title", "published", "source", "author", "section", "tags", "lead", "text",
                      "language", "encoding", "kind", "relevance", "relevance_reasons"]

# A crawl frontier shared through Redis (hdnd crawl --frontier; see crawler.frontier): the
# seconds a process may stay silent before its requests under way go back to the queue.
HDND_FRONTIER_LEASE = float(os.environ.get("HDND_FRONTIER_LEASE", "60"))
# WARC files of what was fetched (hdnd crawl --warc-dir; see crawler.warc): a file is
# completed after this many megabytes or seconds.
HDND_WARC_DIR = None
HDND_WARC_MAX_MB = float(os.environ.get("HDND_WARC_MAX_MB", "100"))
HDND_WARC_MAX_SECONDS = float(os.environ.get("HDND_WARC_MAX_SECONDS", "600"))
