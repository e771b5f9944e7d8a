"""Sitemaps the way Scrapy reads them, and which child sitemaps are worth asking for.

Bodies and entries come from Scrapy's own sitemap support, as ``scrapy.spiders.SitemapSpider``
uses it: a gzipped body (a ``.xml.gz`` file, or any body starting with gzip's magic number)
is inflated with ``scrapy.utils.gz.gunzip`` up to the download size limit, entries are read
with ``scrapy.utils.sitemap.Sitemap`` (recovering from broken XML, no entity expansion),
and the ``Sitemap:`` lines of a robots.txt with ``sitemap_urls_from_robots``.

:func:`follow_child` plays the part of SitemapSpider's ``sitemap_filter`` for the entries of
a sitemap index: with ``--since`` / ``--until`` a child sitemap is asked for only when its
``lastmod`` or the year-month in its address says it may hold articles of the period. News
sites shard their archives by month or by a few days, and name the shards so:

* vietnamnet.vn ``/sitemap-article-03-2024-01.xml`` (month, year, shard number; back to 2003),
* dantri.com.vn ``/sitemaps/Article-2024-03-01.xml`` (one per month),
* tuoitre.vn ``/StaticSitemaps/sitemaps-2026-7-16-20.xml`` and thanhnien.vn
  ``/sitemaps/sitemaps-2026-7-1-5.xml`` (year, month, days), whose index gives every shard
  the same ``lastmod`` of 2011-01-01, which is why either sign of recency is enough,
* vietnamplus.vn ``/sitemaps/news-2024-3.xml``, vneconomy.vn ``/sitemap/news-2024-03.xml``,
  ``/sitemap/2024/03.xml``, ``sitemap-202403.xml`` and a year alone (``sitemap-2018.xml``).

A child with neither a ``lastmod`` nor a date in its address is followed only while it is
at most ``UNDATED_DEPTH`` levels of index below the sitemap the crawl started from, so a
date-bounded crawl does not walk a site's whole archive through undated indexes; no child
deeper than ``MAX_DEPTH`` is followed at all.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
from scrapy.http import Response
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

__all__ = ["MAX_DEPTH", "UNDATED_DEPTH", "SitemapEntries", "TooLarge", "follow_child", "sitemap_body",
           "sitemap_urls_from_robots", "year_month"]

UNDATED_DEPTH = 2   # levels of index below the first through which undated children are followed
MAX_DEPTH = 5       # no child sitemap deeper than this, dated or not (index loops through new addresses)

_YEARS = range(1995, 2100)
# Year-month in a sitemap's address, the leftmost reading first: "03-2024" (month first, as
# vietnamnet writes it), "2024-03", "2024/3", "2024_03", "202403", then a year alone.
_MONTH_YEAR = r"(?<!\d)(?P<m1>\d{1,2})[-_/](?P<y1>\d{4})(?!\d)"
_YEAR_MONTH = r"(?<!\d)(?P<y2>\d{4})[-_/](?P<m2>\d{1,2})(?!\d)"
_COMPACT = r"(?<!\d)(?P<y3>(?:19|20)\d{2})(?P<m3>0[1-9]|1[0-2])(?:[0-3]\d)?(?!\d)"
_DATED = re.compile(f"{_MONTH_YEAR}|{_YEAR_MONTH}|{_COMPACT}")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


class TooLarge(ValueError):
    """A gzipped sitemap larger than the download size limit once inflated."""


def sitemap_body(response: Response, max_size: int) -> bytes:
    """The sitemap's XML: the body itself, or inflated when it is gzip (a ``.xml.gz`` file
    served as it is; a ``Content-Encoding: gzip`` body was already inflated by Scrapy's
    HttpCompressionMiddleware under the same limit). Raises TooLarge past ``max_size``."""
    if not gzip_magic_number(response):
        return response.body
    try:
        return gunzip(response.body, max_size=max_size)
    except ValueError as err:  # scrapy's _DecompressionMaxSizeExceeded
        raise TooLarge(f"more than {max_size} bytes once decompressed ({err})") from err


class SitemapEntries(Sitemap):
    """Scrapy's Sitemap reader, keeping the children of extension elements too: a Google
    News sitemap's ``<news:news><news:publication_date>`` becomes ``publication_date``
    (Scrapy's own reader keeps only direct children, and would leave ``news`` empty)."""

    def _process_sitemap_element(self, elem: lxml.etree._Element) -> dict[str, Any] | None:
        nested: dict[str, str] = {}
        for child in elem:
            if len(child) and self._get_tag_name(child) not in ("loc", "lastmod", "link"):
                for grandchild in child:
                    name = self._get_tag_name(grandchild)
                    if name and name not in nested:
                        nested[name] = (grandchild.text or "").strip()
        entry = super()._process_sitemap_element(elem)
        if entry is None:
            return None
        for name, value in nested.items():
            entry.setdefault(name, value)
        return entry


def year_month(url: str) -> tuple[int, int | None] | None:
    """The (year, month) a sitemap's address names, (year, None) for a year alone, or None."""
    parts = urlsplit(url)
    text = parts.path + ("?" + parts.query if parts.query else "")
    for match in _DATED.finditer(text):
        groups = match.groupdict()
        for y, m in (("y1", "m1"), ("y2", "m2"), ("y3", "m3")):
            if groups[y] is not None:
                year, month = int(groups[y]), int(groups[m])
                if year in _YEARS and 1 <= month <= 12:
                    return year, month
    for match in _YEAR.finditer(text):
        year = int(match.group(1))
        if year in _YEARS:
            return year, None
    return None


def _before(named: tuple[int, int | None], since: date) -> bool:
    """The whole month (or year) the address names ends before ``since``."""
    year, month = named
    return (year, month) < (since.year, since.month) if month else year < since.year


def _after(named: tuple[int, int | None], until: date) -> bool:
    """The whole month (or year) the address names begins after ``until``."""
    year, month = named
    return (year, month) > (until.year, until.month) if month else year > until.year


def follow_child(loc: str, lastmod: date | None, depth: int, since: date | None, until: date | None) -> bool:
    """Whether a child sitemap ``depth`` levels of index below the first (its index is at
    ``depth - 1``) may hold articles published between ``since`` and ``until``.

    Followed when its ``lastmod`` is not before ``since`` or the year-month in its address
    is not before ``since``; never when its address names a month after ``until`` (a
    ``lastmod`` after ``until`` says nothing: an old shard may be rewritten later). Without
    either sign it is followed only down to ``UNDATED_DEPTH``.
    """
    if depth > MAX_DEPTH:
        return False
    if since is None and until is None:
        return True
    named = year_month(loc)
    if named is not None and until is not None and _after(named, until):
        return False
    if lastmod is None and named is None:
        return depth <= UNDATED_DEPTH
    if since is None:
        return True
    return (lastmod is not None and lastmod >= since) or (named is not None and not _before(named, since))
