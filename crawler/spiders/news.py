"""The ``news`` spider: find articles through feeds, sitemaps and listings, keep those
whose URL slug and date fit before fetching them, extract, and keep the relevant ones.

Sitemaps are read with Scrapy's own sitemap support (gzip, robots.txt ``Sitemap:`` lines;
see crawler.sitemaps for which child sitemaps are asked for with --since/--until). Listing
links are matched by the source's article pattern against path and query. A feed, sitemap
or listing answered by a JavaScript or Cloudflare challenge is counted as failed with that
reason; a source whose starting points are all blocked so, or by HTTP 403/429/503, is
discovered through a news search feed when its configuration sets ``fallback_search``.

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

import base64
import binascii
import os
import re
from collections import deque
from dataclasses import asdict
from datetime import date
from urllib.parse import parse_qsl, quote_plus, urljoin, urlsplit

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
from scrapy.http import Response, XmlResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gzip_magic_number
from twisted.internet import error as net

from crawler.charset import UndecodableError
from crawler.extract import ExtractionError, NotAnArticle, extract_bytes
from crawler.metadata import parse_datetime
from crawler.middlewares import ORIGINAL, Counted, RedirectLoop
from crawler.relevance import slug_reasons, text_relevance
from crawler.sitemaps import SitemapEntries, TooLarge, follow_child, sitemap_body, sitemap_urls_from_robots
from crawler.sources import SOURCES, Source, domain_of, load_sources, path_and_query, source_for, source_named

_FEED = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.I)
_SITEMAP = re.compile(rb"<(?:urlset|sitemapindex)[\s>]", re.I)
_HTML = re.compile(rb"<html|<!doctype html", re.I)
_CHALLENGE = re.compile(rb"(?:cf-browser-verification|challenge-platform|Just a moment\.\.\.|"
                        rb"document\.cookie\s*=|enable JavaScript|" + "bật JavaScript".encode() + rb")", re.I)
# Signs of a challenge whatever the page's size: Cloudflare's interstitial ("Just a moment..."
# as the title, its challenge options); the looser ones above count only on a small page,
# since a normal page may load Cloudflare's challenge-platform script or set a cookie.
_CHALLENGE_CERTAIN = re.compile(rb"<title>\s*Just a moment\.\.\.|cf_chl_opt|cf-browser-verification", re.I)
_SMALL_PAGE = 20000

# Fallback discovery for a source whose own feeds, sitemaps and listings are all blocked
# (a challenge page, HTTP 403, 429 or 503) and whose configuration sets fallback_search:
# a news search engine's RSS for its domain, read like a feed. HDND_HOST_MAP can send it to
# another server (tests). Google News links its items through news.google.com addresses;
# only those whose link, unwrapped, is on the source's domain are followed (see
# search_result_url).
FALLBACK_SEARCH_FEED = "https://news.google.com/rss/search?q={query}&hl=vi&gl=VN&ceid=VN:vi"
FALLBACK_SEARCH_QUERY = "site:{domain} HĐND"
BLOCKED_STATUSES = (403, 429, 503)
START = "hdnd_start"          # request meta: the source whose discovery this request starts
DEPTH = "hdnd_sitemap_depth"  # request meta: levels of sitemap index above this sitemap


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, source: str | None = None, url: str | None = None, since: str | None = None,
                 until: str | None = None, limit: str | int | None = None, all: str | bool = False,
                 pages: str | int = 3, search: str | None = None, sources_dir: str | None = None, **kwargs):
        super().__init__(**kwargs)
        # The user's source folders: HDND_SOURCES and ``sources_dir`` (os.pathsep-separated).
        load_sources(sources_dir.split(os.pathsep) if sources_dir else ())
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
        # Per source: how many feeds, sitemaps and listings its discovery starts from, and how
        # many of them were blocked; when all were, its fallback search feed is asked (once).
        self.starts: dict[str, int] = {}
        self.blocked: dict[str, int] = {}
        self.fell_back: set[str] = set()
        self.sitemaps_asked: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._release_when_idle, signal=signals.spider_idle)
        return spider

    # --- discovery -------------------------------------------------------------------

    @property
    def rediscover(self) -> bool:
        """Discovery pages (starting points, robots.txt, sitemaps it names, fallback feeds) are
        asked on every run, past a resume folder's seen-requests file; on a shared frontier
        (``HDND_FRONTIER``) they go through its seen-set, so a process joining it later does not
        ask them again."""
        return not self.settings.get("HDND_FRONTIER")


    async def start(self):
        for request in self._initial_requests():
            yield request

    def _initial_requests(self):
        """Where discovery starts; asked again on every run, even with a resume folder whose
        seen-requests file already holds them (articles already stored are skipped anyway)."""
        if self.url:
            yield scrapy.Request(self.url, callback=self.parse_any, cb_kwargs={"listing": None},
                                 errback=self.failed, dont_filter=self.rediscover)
        if self.queries:
            yield from self._search_requests()
            return
        for source in self.sources:
            starts = [(feed, self.parse_feed, {}) for feed in source.feeds]
            starts += [(sitemap, self.parse_sitemap, {}) for sitemap in source.sitemaps]
            first = getattr(source, "first_page", 1)  # vietnamnet.vn counts its listing pages from 0
            # A listing without "{page}" is one page whose rel=next link is followed.
            starts += [(listing.format(page=first), self.parse_listing,
                        {"listing": listing if "{page}" in listing else None, "page": 1, "first": first})
                       for listing in source.listings]
            self.starts[source.label] = len(starts)
            self.blocked[source.label] = 0
            self.sitemaps_asked.update(source.sitemaps)
            for url, callback, kwargs in starts:
                yield scrapy.Request(url, callback=callback, errback=self.failed, cb_kwargs=kwargs, dont_filter=self.rediscover,
                                     meta={START: source.label})
            # The Sitemap: lines of its robots.txt name more sitemaps (read by Scrapy's helper).
            yield scrapy.Request(f"https://{source.domain}/robots.txt", callback=self.parse_robots,
                                 errback=self._robots_failed, dont_filter=self.rediscover, priority=1,
                                 meta={"dont_obey_robotstxt": True, "hdnd_source": source.label})
            if not starts and not source.fallback_search:
                self.problem(f"https://{source.domain}/", "has no feeds, sitemaps or listings with evidence yet "
                             "(add them in a source file, or crawl one with --url)", kind="no starting points", skipped=True)
            elif not starts:
                yield from self._fallback(source)

    def _search_requests(self):
        """Each query on each source's own search page; its results are read as a listing."""
        for source in self.sources:
            if not source.search:
                self.problem(f"https://{source.domain}/", "has no site search configured", kind="no site search",
                             skipped=True)
                continue
            for query in self.queries:
                yield scrapy.Request(source.search.format(query=quote_plus(query)), callback=self.parse_listing,
                                     errback=self.failed, cb_kwargs={"listing": None, "page": 1}, dont_filter=self.rediscover)

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
        if not self.keep_all and not slug_reasons(url) and _slug_is_title(url):
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
        if gzip_magic_number(response):  # a .xml.gz sitemap, whatever its content type says
            yield from self.parse_sitemap(response)
            return
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

    # --- blocked discovery and the fallback search feed ------------------------------

    def _challenged(self, response: Response, what: str, body: bytes | None = None) -> list[scrapy.Request] | None:
        """A feed, sitemap or listing answered by a JavaScript-cookie or Cloudflare challenge
        page is reported as such for its source (not as a malformed feed or a page without
        links). None when it is not one; else what to ask next (the source's fallback, if due)."""
        if not is_challenge(response, response.body if body is None else body):
            return None
        self.problem(response.url, f"{_named(response.url)}: the {what} answered with a JavaScript challenge page",
                     kind="JavaScript challenge")
        return self._note_blocked(response.meta)

    def _note_blocked(self, meta: dict) -> list[scrapy.Request]:
        """One of a source's starting points was blocked; when all were, its fallback."""
        label = meta.get(START)
        if label not in self.blocked:
            return []
        self.blocked[label] += 1
        if self.blocked[label] < self.starts[label]:
            return []
        source = source_named(label)
        return list(self._fallback(source)) if source else []

    def _fallback(self, source: Source):
        """The news search feed for the source's domain, if the source opts in (once)."""
        if not getattr(source, "fallback_search", False) or source.label in self.fell_back:
            return
        self.fell_back.add(source.label)
        self._count("fallback_search", source.domain)
        self.logger.info("%s: feeds, sitemaps and listings blocked; asking the fallback search feed", source.domain)
        query = quote_plus(FALLBACK_SEARCH_QUERY.format(domain=source.domain), safe=":")
        yield scrapy.Request(FALLBACK_SEARCH_FEED.format(query=query), callback=self.parse_search_feed,
                             errback=self.failed, cb_kwargs={"label": source.label}, dont_filter=self.rediscover)

    def parse_search_feed(self, response: Response, label: str):
        """A news search engine's RSS for one source: items are kept only when their link,
        unwrapped from the engine's redirect address, is on the source's domain."""
        source = source_named(label)
        if self._challenged(response, "search feed") is not None or source is None:
            return
        selector = self._xml(response, "search feed")
        if selector is None:
            return
        entries = selector.xpath("//item | //entry")
        if not entries:
            self.problem(response.url, f"{_named(response.url)}: the search feed for {source.domain} has no items",
                         kind="empty feed or sitemap")
        hidden = 0
        for entry in entries:
            link, day = _link_and_day(entry)
            origin = (entry.xpath("source/@url").get() or "").strip()
            url = search_result_url(link, source.domain)
            if url is None:
                if _on_domain(origin, source.domain):
                    hidden += 1  # the source's, behind an address of the engine's that does not say where
                else:
                    self._count("search_results_elsewhere")
                continue
            yield from self._candidate(url, day, response)
        if hidden:
            self._count("search_results_hidden", source.domain)
            self.problem(response.url, f"{hidden} of the search feed's items from {source.domain} link through the "
                         "search engine's own addresses, which cannot be unwrapped without asking it",
                         kind="search link hidden", skipped=True)

    # --- feeds, sitemaps, listings ---------------------------------------------------

    def _xml(self, response: Response, what: str) -> scrapy.Selector | None:
        """The feed as XML; a malformed one is reported, and what can be recovered from it
        is still read."""
        error = _malformed(response.body)
        if error:
            self.problem(response.url, f"the {what} is malformed XML ({error}); reading what can be recovered",
                         kind="malformed XML")
        try:
            selector = scrapy.Selector(text=response.text, type="xml")
            selector.remove_namespaces()
        except (ValueError, AttributeError) as err:
            self.problem(response.url, f"the {what} cannot be read as XML ({err})", kind="malformed XML")
            return None
        return selector

    def parse_feed(self, response: Response):
        blocked = self._challenged(response, "feed")
        if blocked is not None:
            yield from blocked
            return
        head = response.body[:2048]
        if _SITEMAP.search(head) and not _FEED.search(head):  # a sitemap listed as a feed
            yield from self.parse_sitemap(response)
            return
        selector = self._xml(response, "feed")
        if selector is None:
            return
        entries = selector.xpath("//item | //entry")
        if not entries:
            self.problem(response.url, "the feed has no items", kind="empty feed or sitemap")
        for entry in entries:
            link, day = _link_and_day(entry)
            if link:
                yield from self._candidate(urljoin(response.url, link), day, response)

    def parse_robots(self, response: Response):
        """A source's robots.txt: the sitemaps its ``Sitemap:`` lines name, on the source's
        own domain, are read like configured ones (each address once per crawl)."""
        label = response.meta.get("hdnd_source")
        source = source_named(label) if label else source_for(response.url)
        if source is None or is_challenge(response, response.body):
            return
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            if url in self.sitemaps_asked or source_for(url) != source:
                continue
            if not follow_child(url, None, 0, self.since, self.until):  # sitemap-2003.xml named there
                self._count("sitemaps_not_followed", domain_of(url))
                continue
            self.sitemaps_asked.add(url)
            self._count("robots_sitemaps")
            yield scrapy.Request(url, callback=self.parse_sitemap, errback=self.failed, dont_filter=self.rediscover)

    def _robots_failed(self, failure):
        """A source without a robots.txt (or one that cannot be had) has no more sitemaps:
        nothing is counted, Scrapy's robots.txt middleware says what it means for crawling."""
        self.logger.debug("no robots.txt sitemaps from %s: %s", failure.request.url, failure.getErrorMessage())
        return []

    def parse_sitemap(self, response: Response):
        """A sitemap or sitemap index read with Scrapy's Sitemap (gzipped or not); child
        sitemaps are followed when they may hold articles of --since/--until (see
        crawler.sitemaps.follow_child), entries are filtered by date and slug."""
        try:
            body = sitemap_body(response, response.meta.get("download_maxsize", self.settings.getint("DOWNLOAD_MAXSIZE")))
        except TooLarge as err:
            self.problem(response.url, f"the sitemap is {err}", kind="too large once decompressed")
            return
        except (OSError, EOFError) as err:
            self.problem(response.url, f"the sitemap is broken gzip ({err})", kind="malformed XML")
            return
        blocked = self._challenged(response, "sitemap", body)
        if blocked is not None:
            yield from blocked
            return
        head = body[:2048]
        if _FEED.search(head) and not _SITEMAP.search(head):  # an RSS "sitemap" (tuoitre's index.rss may be one)
            yield from self.parse_feed(response.replace(cls=XmlResponse, body=body))
            return
        error = _malformed(body)
        if error:
            self.problem(response.url, f"the sitemap is malformed XML ({error}); reading what can be recovered",
                         kind="malformed XML")
        try:
            sitemap = SitemapEntries(body)
        except (etree.XMLSyntaxError, StopIteration, ValueError) as err:
            self.problem(response.url, f"the sitemap cannot be read as XML ({err or 'empty'})", kind="malformed XML")
            return
        if sitemap.type not in ("sitemapindex", "urlset"):
            self.problem(response.url, f"the sitemap is not a sitemap (its root is <{sitemap.type}>)", kind="malformed XML")
            return
        depth = response.meta.get(DEPTH, 0) + 1
        listed = 0
        for entry in sitemap:
            loc = urljoin(response.url, entry.get("loc", "").strip())
            if not entry.get("loc"):
                continue
            listed += 1
            if sitemap.type == "sitemapindex":
                if loc in self.sitemaps_asked:
                    continue
                if follow_child(loc, _day(entry.get("lastmod")), depth, self.since, self.until):
                    self.sitemaps_asked.add(loc)
                    yield scrapy.Request(loc, callback=self.parse_sitemap, errback=self.failed, meta={DEPTH: depth})
                else:
                    self._count("sitemaps_not_followed", domain_of(loc))
            else:
                stamp = entry.get("publication_date") or entry.get("lastmod")
                yield from self._candidate(loc, _day(stamp), response)
        if not listed:
            self.problem(response.url, "the sitemap lists nothing", kind="empty feed or sitemap")

    def parse_listing(self, response: Response, listing: str | None, page: int, first: int = 1):
        """A listing's page (``page`` counts the pages read, from 1; ``first`` is the number
        the site gives its first page): article links by the source's pattern, then the next page."""
        blocked = self._challenged(response, "listing")
        if blocked is not None:
            yield from blocked
            return
        source = source_for(response.url)
        pattern = re.compile(source.article) if source else None
        host = domain_of(response.url)
        seen: set[str] = set()
        for href in response.css("a::attr(href)").getall():
            url = urljoin(response.url, href.split("#")[0])
            same_site = domain_of(url) == host or (source is not None and source_for(url) == source)
            if url in seen or not same_site or url.rstrip("/") == response.url.rstrip("/"):
                continue
            # Matched against path and query: some sites keep the article's id in the query
            # (quochoi.vn …/tin-hoat-dong-dia-phuong.aspx?ItemID=99777).
            if pattern is not None and not pattern.search(path_and_query(url)):
                continue
            if pattern is None and not re.search(r"-\d{5,}\.html?$|\.(?:html?|ldo)$", urlsplit(url).path):
                continue
            seen.add(url)
            yield from self._candidate(url, None, response)
        if listing and page < self.pages and seen:
            yield response.follow(listing.format(page=first + page), callback=self.parse_listing, errback=self.failed,
                                  cb_kwargs={"listing": listing, "page": page + 1, "first": first})
        elif not listing and page < self.pages:
            following = response.css("a[rel=next]::attr(href), link[rel=next]::attr(href)").get()
            if following:
                yield response.follow(following, callback=self.parse_listing, errback=self.failed,
                                      cb_kwargs={"listing": None, "page": page + 1})

    # --- articles --------------------------------------------------------------------

    def _extract(self, response: Response):
        if is_challenge(response, response.body):
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
        follow: list[scrapy.Request] = []
        if not failure.check(Counted):  # already stored, not modified: counted where decided
            kind, reason, skipped = _why(failure)
            meta = failure.request.meta  # named by the link as found: before redirects and host mapping
            where = meta.get(ORIGINAL) or (meta.get("redirect_urls") or [failure.request.url])[0]
            if kind == "JavaScript challenge":
                reason = f"{_named(where)}: {reason}"
            self.problem(where, reason, kind=kind, skipped=skipped)
            if failure.check(HttpError) and failure.value.response.status in BLOCKED_STATUSES:
                follow = self._note_blocked(meta)
        if failure.request.callback != self.parse_article:
            return follow
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
        status = error.response.status
        if is_challenge(error.response, error.response.body):
            return "JavaScript challenge", f"HTTP {status} with a JavaScript challenge page", False
        return f"HTTP {status}", f"HTTP {status}", False
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


def _link_and_day(entry: scrapy.Selector) -> tuple[str, date | None]:
    """An RSS item's or Atom entry's link and the day it gives."""
    link = (entry.xpath("link/@href").get() or entry.xpath("link/text()").get() or "").strip()
    return link, _day(entry.xpath("pubDate/text() | published/text() | updated/text() | date/text()").get())


def _day(stamp: str | None) -> date | None:
    parsed = parse_datetime(stamp) if stamp else None
    try:
        return date.fromisoformat(parsed[:10]) if parsed else None
    except ValueError:
        return None


def is_challenge(response: Response, body: bytes) -> bool:
    """A JavaScript-cookie or Cloudflare challenge page instead of what was asked for:
    Cloudflare's ``cf-mitigated: challenge`` header or interstitial, or a small page that
    sets a cookie from a script or asks for JavaScript (never a feed or a sitemap)."""
    if response.headers.get("cf-mitigated", b"").lower() == b"challenge":
        return True
    head = body[:2048]
    if _FEED.search(head) or _SITEMAP.search(head):
        return False
    return bool(_CHALLENGE_CERTAIN.search(body[:65536])) or (len(body) < _SMALL_PAGE and bool(_CHALLENGE.search(body)))


def _named(url: str) -> str:
    """The source a page belongs to, by name and domain, for the problems' sentences."""
    source = source_for(url)
    return f"{source.name} ({source.domain})" if source else (domain_of(url) or url)


def _slug_is_title(url: str) -> bool:
    """Whether the URL's path can carry the article's slugged title. Not when the source's
    article pattern needs the query to match (quochoi.vn …/tin-hoat-dong-dia-phuong.aspx?ItemID=…:
    the path names the list, the article is an id), so the slug filter cannot judge it."""
    parts = urlsplit(url)
    source = source_for(url)
    if not parts.query or source is None:
        return True
    pattern = re.compile(source.article)
    return bool(pattern.search(parts.path)) or not pattern.search(path_and_query(url))


_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _malformed(body: bytes) -> str | None:
    """What is wrong with the XML, or None when it parses."""
    try:
        etree.fromstring(body, parser=_SAFE_XML)
    except etree.XMLSyntaxError as err:
        return str(err)
    return None


def _on_domain(url: str | None, domain: str) -> bool:
    host = domain_of(url) if url and url.startswith(("http://", "https://")) else None
    return bool(host) and (host == domain or host.endswith("." + domain))


def search_result_url(link: str, domain: str) -> str | None:
    """The article address of a search feed's item, when it is on ``domain``: the link
    itself, the address a redirect link carries in its query (``url=``, ``u=``), or the one
    in a Google News ``/rss/articles/CBMi…`` identifier of the older kind (a protobuf with
    the address in it). Newer Google News identifiers (``CBMi…`` holding ``AU_yqL…``) are
    opaque; only Google can turn them into addresses, so such items give None."""
    if _on_domain(link, domain):
        return link
    parts = urlsplit(link)
    for name, value in parse_qsl(parts.query):
        if name.lower() in ("url", "u") and _on_domain(value, domain):
            return value
    token = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if "/articles/" in parts.path and token:
        unwrapped = _google_news_address(token)
        if unwrapped and _on_domain(unwrapped, domain):
            return unwrapped
    return None


def _google_news_address(token: str) -> str | None:
    """The first http(s) address among the length-delimited fields of a Google News
    article identifier (URL-safe base64 of a protobuf message), or None."""
    try:
        data = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        if key is None:
            return None
        wire = key & 7
        if wire == 0:
            _, i = _varint(data, i)
        elif wire == 2:
            size, i = _varint(data, i)
            if size is None or i + size > len(data):
                return None
            value = data[i:i + size]
            i += size
            if value.startswith((b"http://", b"https://")):
                try:
                    return value.decode("ascii")
                except UnicodeDecodeError:
                    return None
        else:
            return None
        if i is None:
            return None
    return None


def _varint(data: bytes, i: int) -> tuple[int | None, int | None]:
    value = shift = 0
    while i < len(data) and shift < 64:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, i
        shift += 7
    return None, None
