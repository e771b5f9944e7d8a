"""Downloader middlewares of the crawler package.

``HostMapMiddleware`` sends requests for some hosts to another server (``HDND_HOST_MAP``:
``{"vnexpress.net": "http://127.0.0.1:8000"}``, or the same JSON in the environment
variable) while the spider keeps seeing the original URLs, so a configured source can be
crawled for real against a local copy: in tests, or to replay a mirrored site.
``RedirectLoopMiddleware`` names a redirect loop as one; the spider middleware
``ProblemsMiddleware`` reports a page whose callback raised. ``Counted`` marks requests
left out on purpose and counted already.
"""

from __future__ import annotations

import json
import os
from urllib.parse import urljoin, urlsplit, urlunsplit

from scrapy.exceptions import CloseSpider, IgnoreRequest

from crawler.sources import domain_of

ORIGINAL = "hdnd_original_url"


class HostMapMiddleware:
    def __init__(self, host_map: dict[str, str]):
        self.host_map = {host.removeprefix("www."): urlsplit(base) for host, base in host_map.items()}

    @classmethod
    def from_crawler(cls, crawler):
        host_map = crawler.settings.getdict("HDND_HOST_MAP") or json.loads(os.environ.get("HDND_HOST_MAP", "{}"))
        return cls(host_map)

    def process_request(self, request, spider=None):
        target = self._target(domain_of(request.url) or "")
        if target is None or ORIGINAL in request.meta:
            return None
        parts = urlsplit(request.url)
        mapped = urlunsplit((target.scheme, target.netloc, parts.path, parts.query, ""))
        return request.replace(url=mapped, meta={**request.meta, ORIGINAL: request.url}, dont_filter=True)

    def _target(self, host: str):
        """The server for this host or for the site it is a subdomain of (timkiem.vnexpress.net)."""
        while host:
            if host in self.host_map:
                return self.host_map[host]
            host = host.partition(".")[2]
        return None

    def process_response(self, request, response, spider=None):
        original = request.meta.get(ORIGINAL)
        return response.replace(url=original) if original else response


class Counted(IgnoreRequest):
    """A request left out on purpose and already counted where that was decided
    (already stored, feed not modified), so the spider's errback does not count it again."""


class RedirectLoop(IgnoreRequest):
    """A redirect back to an address of its own chain: refused at once instead of
    going round until the redirect limit (or, worse, into the duplicate filter unseen)."""


class RedirectLoopMiddleware:
    """Sits before Scrapy's redirect middleware (a higher order number, so it sees the
    response first) and turns a redirect to an address already in the chain into RedirectLoop."""

    def process_response(self, request, response, spider=None):
        location = response.headers.get("Location")
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            raise RedirectLoop(f"redirect loop: {' -> '.join(chain)} -> {target}")
        return response


class ProblemsMiddleware:
    """A spider callback that raises loses that page: it is reported through the spider's
    ``problem`` (counted as failed, with the error) instead of only appearing in the log."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_spider_exception(self, response, exception, spider=None):
        spider = self.crawler.spider
        if not isinstance(exception, CloseSpider) and hasattr(spider, "problem"):
            spider.problem(response.url, f"the crawler failed on this page ({type(exception).__name__}: {exception})",
                           kind="crawler error")
        return None  # Scrapy goes on to log the traceback
