"""The ``news`` spider: find articles through feeds, sitemaps and listings, keep those
whose URL slug and date fit before fetching them, extract, and keep the relevant ones.

Run alone: ``scrapy crawl news -a source=vnexpress -O items.jsonl`` (from the project
folder, with ``SCRAPY_SETTINGS_MODULE=crawler.settings``), or through ``hdnd crawl``,
which adds the item pipeline that stores into the corpus. Arguments: ``source`` (keys or
domains, comma-separated), ``url`` (any feed, sitemap, listing or article), ``since`` and
``until`` (YYYY-MM-DD), ``limit`` (articles kept), ``all`` (keep pages judged not relevant),
``pages`` (listing pages per listing), ``search`` (queries for the sources' own search
pages, joined by "|"; used instead of feeds, sitemaps and listings).
"""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date
from urllib.parse import quote_plus, urljoin, urlsplit

import scrapy
from lxml import etree
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.extract import ExtractionError, NotAnArticle, extract_bytes
from crawler.metadata import parse_datetime
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

    # --- discovery -------------------------------------------------------------------

    async def start(self):
        for request in self._initial_requests():
            yield request

    def _initial_requests(self):
        if self.url:
            yield scrapy.Request(self.url, callback=self.parse_any, cb_kwargs={"listing": None},
                                 errback=self.failed)
        if self.queries:
            yield from self._search_requests()
            return
        for source in self.sources:
            for feed in source.feeds:
                yield scrapy.Request(feed, callback=self.parse_feed, errback=self.failed)
            for sitemap in source.sitemaps:
                yield scrapy.Request(sitemap, callback=self.parse_sitemap, errback=self.failed)
            for listing in source.listings:
                yield scrapy.Request(listing.format(page=1), callback=self.parse_listing, errback=self.failed,
                                     cb_kwargs={"listing": listing, "page": 1})

    def _search_requests(self):
        """Each query on each source's own search page; its results are read as a listing."""
        for source in self.sources:
            if not source.search:
                self._problem(f"https://{source.domain}/", "has no site search configured", skipped=True)
                continue
            for query in self.queries:
                yield scrapy.Request(source.search.format(query=quote_plus(query)), callback=self.parse_listing,
                                     errback=self.failed, cb_kwargs={"listing": None, "page": 1})

    def _count(self, key: str, source: str | None = None) -> None:
        self.crawler.stats.inc_value(f"hdnd/{key}")
        if source:
            self.crawler.stats.inc_value(f"hdnd/{key}/{source}")

    def _in_range(self, day: date | None) -> bool:
        if day is None:
            return True  # undated entries are judged after fetching
        return (self.since is None or day >= self.since) and (self.until is None or day <= self.until)

    def _candidate(self, url: str, day: date | None, referer: Response):
        """An article request, if the entry passes the date and slug filters."""
        if self.limit is not None and self.kept >= self.limit:
            return None
        host = domain_of(url) or "?"
        if not self._in_range(day):
            self._count("filtered_date", host)
            return None
        if not self.keep_all and not slug_reasons(url):
            self._count("filtered_slug", host)
            return None
        return referer.follow(url, callback=self.parse_article, errback=self.failed)

    def parse_any(self, response: Response, listing: str | None = None):
        """``--url``: whatever it is, detected from the response."""
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
            except ExtractionError as err:
                self._problem(response.url, str(err))
                return
            yield from self._keep(item, response)

    def _xml(self, response: Response, what: str) -> scrapy.Selector | None:
        """The feed or sitemap as XML; a malformed one is reported, and what can be
        recovered from it is still read."""
        try:
            etree.fromstring(response.body)
        except etree.XMLSyntaxError as err:
            self._problem(response.url, f"the {what} is malformed XML ({err}); reading what can be recovered")
        try:
            selector = scrapy.Selector(text=response.text, type="xml")
            selector.remove_namespaces()
        except (ValueError, AttributeError) as err:
            self._problem(response.url, f"the {what} cannot be read as XML ({err})")
            return None
        return selector

    def parse_feed(self, response: Response):
        selector = self._xml(response, "feed")
        if selector is None:
            return
        entries = selector.xpath("//item | //entry")
        if not entries:
            self._problem(response.url, "the feed has no items")
        for entry in entries:
            link = (entry.xpath("link/@href").get() or entry.xpath("link/text()").get() or "").strip()
            if not link:
                continue
            stamp = entry.xpath("pubDate/text() | published/text() | updated/text() | date/text()").get()
            request = self._candidate(urljoin(response.url, link), _day(stamp), response)
            if request is not None:
                yield request

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
            self._problem(response.url, "the sitemap lists nothing")
        for entry in urls:
            loc = (entry.xpath("loc/text()").get() or "").strip()
            stamp = entry.xpath("news/publication_date/text()").get() or entry.xpath("lastmod/text()").get()
            request = self._candidate(loc, _day(stamp), response) if loc else None
            if request is not None:
                yield request

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
            request = self._candidate(url, None, response)
            if request is not None:
                yield request
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
        host = domain_of(response.url) or "?"
        self._count("fetched", host)
        if response.meta.get("redirect_urls") and urlsplit(response.url).path in ("", "/"):
            self._problem(response.url, f"{response.meta['redirect_urls'][0]} redirected to the home page")
            return
        try:
            item = self._extract(response)
        except NotAnArticle as err:
            self._problem(response.url, f"not an article ({err})", skipped=True)
            return
        except ExtractionError as err:
            self._problem(response.url, str(err))
            return
        yield from self._keep(item, response)

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
            return
        self.kept += 1
        self._count("kept", host)
        record = asdict(item)
        record["relevance"] = relevance.score
        record["relevance_reasons"] = relevance.reasons + [f"slug:{k}" for k in slug_reasons(item.url)]
        yield record

    def _problem(self, url: str, reason: str, skipped: bool = False) -> None:
        self._count("skipped" if skipped else "failed", domain_of(url))
        problems = self.crawler.stats.get_value("hdnd/problems") or []
        if len(problems) < 500:
            problems.append({"where": url, "reason": reason, "skipped": skipped})
            self.crawler.stats.set_value("hdnd/problems", problems)
        self.logger.debug("%s: %s", url, reason)

    def failed(self, failure):
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return  # robots.txt, already stored, not modified: counted where decided
        request = failure.request
        response = getattr(failure.value, "response", None)
        if response is not None:
            reason = f"HTTP {response.status}"
        else:
            reason = f"{type(failure.value).__name__}: {failure.getErrorMessage()}"
        self._problem(request.url, reason)


def _day(stamp: str | None) -> date | None:
    parsed = parse_datetime(stamp) if stamp else None
    try:
        return date.fromisoformat(parsed[:10]) if parsed else None
    except ValueError:
        return None
