"""The ``news`` spider: find articles through feeds, sitemaps and listings, keep those
whose URL slug and date fit before fetching them, extract, and keep the relevant ones.

Run alone: ``scrapy crawl news -a source=vnexpress -O items.jsonl`` (from the project
folder, with ``SCRAPY_SETTINGS_MODULE=crawler.settings``), or through ``hdnd crawl``,
which adds the item pipeline that stores into the corpus. Arguments: ``source`` (keys or
domains, comma-separated), ``url`` (any feed, sitemap, listing or article), ``since`` and
``until`` (YYYY-MM-DD), ``limit`` (articles kept; the spider closes with reason "limit"
when it is reached), ``all`` (keep pages judged not relevant), ``pages`` (listing pages per
listing), ``search`` (queries for the sources' own search pages, joined by "|"; used
instead of feeds, sitemaps and listings).

Every page left out is counted with its reason (``problem``): *skipped* when the crawler
chose not to read it (robots.txt forbids it, it is not HTML, not an article, past the
limit), *failed* when it wanted the page and could not have it (HTTP errors, DNS,
connection and timeouts, redirect loops, pages over DOWNLOAD_MAXSIZE on the wire or once
decompressed, pages without article text).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import asdict
from datetime import date
from urllib.parse import quote_plus, urljoin, urlsplit

import scrapy
from lxml import etree
from scrapy import signals
from scrapy.exceptions import (
    CannotResolveHostError,
    CloseSpider,
    DontCloseSpider,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as net

from crawler.charset import UndecodableError
from crawler.extract import ExtractionError, NotAnArticle, extract_bytes
from crawler.metadata import parse_datetime
from crawler.middlewares import ORIGINAL, Counted, RedirectLoop
from crawler.relevance import slug_reasons, text_relevance
from crawler.sources import SOURCES, Source, domain_of, source_for, source_named

_FEED = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.I)
_SITEMAP = re.compile(rb"<(?:urlset|sitemapindex)[\s>]", re.I)
_HTML = re.compile(rb"<html|<!doctype html", re.I)
_CHALLENGE = re.compile(rb"(?:cf-browser-verification|challenge-platform|Just a moment\.\.\.|"
                        rb"document\.cookie\s*=|enable JavaScript|" + "bật JavaScript".encode() + rb")", re.I)


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, source: str | None = None, url: str | None = None, since: str | None = None,
                 until: str | None = None, limit: str | int | None = None, all: str | bool = False,
                 pages: str | int = 3, search: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.sources: list[Source] = []
        for label in filter(None, (source or "").split(",")):
            found = source_named(label.strip())
            if found is None:
                known = ", ".join(s.label for s in SOURCES)
                raise ValueError(f"no source is called {label!r}; the configured ones are {known}.")
            self.sources.append(found)
        self.url = url
        if not self.sources and not url:
            self.sources = list(SOURCES)
        self.since = date.fromisoformat(since) if since else None
        self.until = date.fromisoformat(until) if until else None
        self.limit = int(limit) if limit else None
        self.keep_all = str(all).lower() in ("1", "true", "yes") if not isinstance(all, bool) else all
        self.pages = int(pages)
        # Site search replaces feeds, sitemaps and listings; several queries are joined by "|".
        self.queries = [q.strip() for q in (search or "").split("|") if q.strip()]
        self.kept = 0
        # With a limit, article requests wait here and go out only as many at a time as
        # articles may still be kept: a site answers faster than pages are parsed.
        self.backlog: deque[scrapy.Request] = deque()
        self.under_way = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._release_when_idle, signal=signals.spider_idle)
        return spider

    # --- discovery -------------------------------------------------------------------

    async def start(self):
        for request in self._initial_requests():
            yield request

    def _initial_requests(self):
        """Where discovery starts; asked again on every run, even with a resume folder whose
        seen-requests file already holds them (articles already stored are skipped anyway)."""
        if self.url:
            yield scrapy.Request(self.url, callback=self.parse_any, cb_kwargs={"listing": None},
                                 errback=self.failed, dont_filter=True)
        if self.queries:
            yield from self._search_requests()
            return
        for source in self.sources:
            for feed in source.feeds:
                yield scrapy.Request(feed, callback=self.parse_feed, errback=self.failed, dont_filter=True)
            for sitemap in source.sitemaps:
                yield scrapy.Request(sitemap, callback=self.parse_sitemap, errback=self.failed, dont_filter=True)
            for listing in source.listings:
                yield scrapy.Request(listing.format(page=1), callback=self.parse_listing, errback=self.failed,
                                     cb_kwargs={"listing": listing, "page": 1}, dont_filter=True)

    def _search_requests(self):
        """Each query on each source's own search page; its results are read as a listing."""
        for source in self.sources:
            if not source.search:
                self.problem(f"https://{source.domain}/", "has no site search configured", kind="no site search",
                             skipped=True)
                continue
            for query in self.queries:
                yield scrapy.Request(source.search.format(query=quote_plus(query)), callback=self.parse_listing,
                                     errback=self.failed, cb_kwargs={"listing": None, "page": 1}, dont_filter=True)

    def _count(self, key: str, source: str | None = None) -> None:
        self.crawler.stats.inc_value(f"hdnd/{key}")
        if source:
            self.crawler.stats.inc_value(f"hdnd/{key}/{source}")

    def _in_range(self, day: date | None) -> bool:
        if day is None:
            return True  # undated entries are judged after fetching
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)

    def _candidate(self, url: str, day: date | None, referer: Response) -> list[scrapy.Request]:
        """The article requests to send now: this entry's, if it passes the date and slug
        filters (with --limit, through the backlog)."""
        if self.limit is not None and self.kept >= self.limit:
            return []
        host = domain_of(url) or "?"
        if not self._in_range(day):
            self._count("filtered_date", host)
            return []
        if not self.keep_all and not slug_reasons(url):
            self._count("filtered_slug", host)
            return []
        request = referer.follow(url, callback=self.parse_article, errback=self.failed)
        if self.limit is None:
            return [request]
        self.backlog.append(request)
        return self._release()

    def _release(self) -> list[scrapy.Request]:
        """Article requests from the backlog, while fewer are under way than articles may
        still be kept."""
        released = []
        while self.backlog and self.limit is not None and self.under_way < self.limit - self.kept:
            self.under_way += 1
            released.append(self.backlog.popleft())
        return released

    def _release_when_idle(self):
        """Nothing is under way any more (pages that failed or were filtered included): the
        next requests of the backlog go out, and the crawl is not over yet."""
        self.under_way = 0
        released = self._release()
        for request in released:
            self.crawler.engine.crawl(request)
        if released:
            raise DontCloseSpider

    def parse_any(self, response: Response, listing: str | None = None):
        """``--url``: whatever it is, detected from the response."""
        if self._not_html(response):
            return
        head = response.body[:2048]
        if _FEED.search(head):
            yield from self.parse_feed(response)
        elif _SITEMAP.search(head):
            yield from self.parse_sitemap(response)
        else:
            try:
                item = self._extract(response)
            except NotAnArticle:
                yield from self.parse_listing(response, None, 1)
                return
            except (ExtractionError, UndecodableError) as err:
                self.problem(response.url, str(err), kind=_unreadable(err))
                return
            yield from self._keep(item, response)

    def _xml(self, response: Response, what: str) -> scrapy.Selector | None:
        """The feed or sitemap as XML; a malformed one is reported, and what can be
        recovered from it is still read."""
        try:
            etree.fromstring(response.body)
        except etree.XMLSyntaxError as err:
            self.problem(response.url, f"the {what} is malformed XML ({err}); reading what can be recovered",
                         kind="malformed XML")
        try:
            selector = scrapy.Selector(text=response.text, type="xml")
            selector.remove_namespaces()
        except (ValueError, AttributeError) as err:
            self.problem(response.url, f"the {what} cannot be read as XML ({err})", kind="malformed XML")
            return None
        return selector

    def parse_feed(self, response: Response):
        selector = self._xml(response, "feed")
        if selector is None:
            return
        entries = selector.xpath("//item | //entry")
        if not entries:
            self.problem(response.url, "the feed has no items", kind="empty feed or sitemap")
        for entry in entries:
            link = (entry.xpath("link/@href").get() or entry.xpath("link/text()").get() or "").strip()
            if not link:
                continue
            stamp = entry.xpath("pubDate/text() | published/text() | updated/text() | date/text()").get()
            yield from self._candidate(urljoin(response.url, link), _day(stamp), response)

    def parse_sitemap(self, response: Response):
        selector = self._xml(response, "sitemap")
        if selector is None:
            return
        children = selector.xpath("//sitemapindex/sitemap")
        for child in children:
            loc = (child.xpath("loc/text()").get() or "").strip()
            if loc and self._sitemap_may_hold_new(_day(child.xpath("lastmod/text()").get())):
                yield response.follow(loc, callback=self.parse_sitemap, errback=self.failed)
        urls = selector.xpath("//urlset/url")
        if not children and not urls:
            self.problem(response.url, "the sitemap lists nothing", kind="empty feed or sitemap")
        for entry in urls:
            loc = (entry.xpath("loc/text()").get() or "").strip()
            stamp = entry.xpath("news/publication_date/text()").get() or entry.xpath("lastmod/text()").get()
            if loc:
                yield from self._candidate(loc, _day(stamp), response)

    def _sitemap_may_hold_new(self, day: date | None) -> bool:
        """A child sitemap modified before --since holds nothing newer."""
        return day is None or self.since is None or day >= self.since

    def parse_listing(self, response: Response, listing: str | None, page: int):
        source = source_for(response.url)
        pattern = re.compile(source.article) if source else None
        host = domain_of(response.url)
        seen: set[str] = set()
        for href in response.css("a::attr(href)").getall():
            url = urljoin(response.url, href.split("#")[0])
            same_site = domain_of(url) == host or (source is not None and source_for(url) == source)
            if url in seen or not same_site or url.rstrip("/") == response.url.rstrip("/"):
                continue
            path = urlsplit(url).path
            if pattern is not None and not pattern.search(path):
                continue
            if pattern is None and not re.search(r"-\d{5,}\.html?$|\.(?:html?|ldo)$", path):
                continue
            seen.add(url)
            yield from self._candidate(url, None, response)
        if listing and page < self.pages and seen:
            yield response.follow(listing.format(page=page + 1), callback=self.parse_listing, errback=self.failed,
                                  cb_kwargs={"listing": listing, "page": page + 1})
        elif not listing and page < self.pages:
            following = response.css("a[rel=next]::attr(href), link[rel=next]::attr(href)").get()
            if following:
                yield response.follow(following, callback=self.parse_listing, errback=self.failed,
                                      cb_kwargs={"listing": None, "page": page + 1})

    # --- articles --------------------------------------------------------------------

    def _extract(self, response: Response):
        if _CHALLENGE.search(response.body[:20000]) and len(response.body) < 20000:
            raise ExtractionError("the site answered with a JavaScript challenge page, not the article")
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        item = extract_bytes(response.body, response.url, content_type)
        if not item.url.startswith(("http://", "https://")):
            item.url = response.url
        return item

    def parse_article(self, response: Response):
        self.under_way = max(self.under_way - 1, 0)
        yield from self._article(response)
        yield from self._release()

    def _article(self, response: Response):
        host = domain_of(response.url) or "?"
        self._count("fetched", host)
        if self._not_html(response):
            return
        if response.meta.get("redirect_urls") and urlsplit(response.url).path in ("", "/"):
            self.problem(response.url, f"{response.meta['redirect_urls'][0]} redirected to the home page",
                         kind="redirected to the home page")
            return
        try:
            item = self._extract(response)
        except NotAnArticle as err:
            self.problem(response.url, f"not an article ({err})", kind="not an article", skipped=True)
            return
        except (ExtractionError, UndecodableError) as err:
            self.problem(response.url, str(err), kind=_unreadable(err))
            return
        yield from self._keep(item, response)

    def _not_html(self, response: Response) -> bool:
        """A response of another content type (an image, a PDF, application/octet-stream)
        is skipped with its type: the crawler reads web pages only."""
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").split(";")[0].strip().lower()
        if not content_type or content_type.startswith("text/") or "html" in content_type or "xml" in content_type:
            return False
        self.problem(response.url, f"the response is {content_type}, not HTML", kind="not HTML", skipped=True)
        return True

    def _keep(self, item, response: Response):
        host = domain_of(item.url) or "?"
        day = _day(item.published)
        if not self._in_range(day):
            self._count("filtered_date", host)
            return
        relevance = text_relevance(item.title, item.text)
        if not relevance.relevant and not self.keep_all:
            self._count("not_relevant", host)
            return
        if self.limit is not None and self.kept >= self.limit:
            self.problem(item.url, f"fetched while the crawl was stopping at --limit {self.limit}",
                         kind="beyond the limit", skipped=True)
            return
        self.kept += 1
        self._count("kept", host)
        record = asdict(item)
        record["relevance"] = relevance.score
        record["relevance_reasons"] = relevance.reasons + [f"slug:{k}" for k in slug_reasons(item.url)]
        yield record
        if self.limit is not None and self.kept >= self.limit:
            raise CloseSpider("limit")  # nothing new is scheduled; requests under way may finish

    def problem(self, url: str, reason: str, *, kind: str, skipped: bool = False) -> None:
        """Counts a page left out, as skipped (on purpose) or failed, per source and per
        kind of reason (``hdnd/skipped_because/<kind>``), and keeps the first 500 with details."""
        what = "skipped" if skipped else "failed"
        self._count(what, domain_of(url))
        self.crawler.stats.inc_value(f"hdnd/{what}_because/{kind}")
        problems = self.crawler.stats.get_value("hdnd/problems") or []
        if len(problems) < 500:
            problems.append({"where": url, "reason": reason, "kind": kind, "skipped": skipped})
            self.crawler.stats.set_value("hdnd/problems", problems)
        self.logger.info("%s %s: %s", what, url, reason)

    def failed(self, failure):
        """The errback of every request: what went wrong, counted with its reason. An article
        request that ends here makes room for the next one of the --limit backlog."""
        if not failure.check(Counted):  # already stored, not modified: counted where decided
            kind, reason, skipped = _why(failure)
            meta = failure.request.meta  # named by the link as found: before redirects and host mapping
            self.problem(meta.get(ORIGINAL) or (meta.get("redirect_urls") or [failure.request.url])[0], reason,
                         kind=kind, skipped=skipped)
        if failure.request.callback != self.parse_article:
            return []
        self.under_way = max(self.under_way - 1, 0)
        return self._release()


_NETWORK = (  # Scrapy's own download errors and the Twisted ones older handlers raise
    ((CannotResolveHostError, net.DNSLookupError), "DNS lookup failed"),
    ((DownloadConnectionRefusedError, net.ConnectError, net.ConnectionLost), "connection failed"),
    ((DownloadTimeoutError, net.TimeoutError), "timed out"),
    ((DownloadCancelledError,), "too large"),
)


def _why(failure) -> tuple[str, str, bool]:
    """A failed request's kind of reason, the reason in words, and whether it was skipped
    on purpose (robots.txt) rather than failed."""
    error, request = failure.value, failure.request
    if failure.check(HttpError):
        return f"HTTP {error.response.status}", f"HTTP {error.response.status}", False
    if failure.check(RedirectLoop):
        return "redirect loop", str(error), False
    if failure.check(IgnoreRequest):
        message = str(error)
        if "robots.txt" in message:
            return "forbidden by robots.txt", "robots.txt forbids it", True
        if "max redirections" in message:
            chain = " -> ".join([*request.meta.get("redirect_urls", []), request.url])
            return "too many redirects", f"more than {request.meta.get('redirect_times', 0)} redirects: {chain}", False
        if "decompression" in message:
            return "too large once decompressed", f"refused: {message}", False
        return "ignored", message, False
    for types, kind in _NETWORK:
        if failure.check(*types):
            return kind, f"{kind} ({type(error).__name__}: {failure.getErrorMessage()})", False
    return type(error).__name__, f"{type(error).__name__}: {failure.getErrorMessage()}", False


def _unreadable(err: Exception) -> str:
    """The kind of reason for a fetched page that gave no article."""
    if isinstance(err, UndecodableError):
        return "undecodable"
    return "JavaScript challenge" if "JavaScript challenge" in str(err) else "no article text"


def _day(stamp: str | None) -> date | None:
    parsed = parse_datetime(stamp) if stamp else None
    try:
        return date.fromisoformat(parsed[:10]) if parsed else None
    except ValueError:
        return None
