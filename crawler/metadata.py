"""Article metadata from the page head: JSON-LD, OpenGraph, meta tags.

One small function per field, each trying its sources in order of reliability; the
first non-empty answer wins.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any, Iterable
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

VIETNAM = timezone(timedelta(hours=7))
ARTICLE_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
    "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting",
}


def _clean(value: Any) -> str | None:
    """Unescape (some sites escape entities twice), collapse spaces; None when empty."""
    if value is None:
        return None
    text = str(value)
    for _ in range(2):
        text = html.unescape(text)
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


# The page read last and its meta tags: the fields of one page share one walk. One tuple,
# replaced whole, so a reader never pairs one page with another's tags (extraction never
# changes the page it reads: it drops boxes from a copy of the body only).
_last_metas: tuple[BeautifulSoup | None, list[Tag]] = (None, [])


def _metas(soup: BeautifulSoup) -> list[Tag]:
    """Every meta tag of the page, in page order, found in one walk for all its fields."""
    global _last_metas
    last = _last_metas
    if last[0] is not soup:
        last = _last_metas = (soup, soup.find_all("meta"))
    return last[1]


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    """The content of the first meta tag named by the first of ``names`` that has one, as
    property, name or itemprop. The page's meta tags are gathered in one walk: looking each
    name up with find() walked the whole page for every name it lacks."""
    metas = _metas(soup)
    for name in names:
        for attr in ("property", "name", "itemprop"):
            tag = next((meta for meta in metas if meta.get(attr) == name), None)
            if tag is not None and _clean(tag.get("content")):
                return _clean(tag.get("content"))
    return None


def _meta_all(soup: BeautifulSoup, name: str) -> list[str]:
    return [
        c for tag in _metas(soup) if tag.get("property") == name and (c := _clean(tag.get("content")))
    ]


def json_ld(soup: BeautifulSoup) -> list[dict]:
    """Every JSON-LD object on the page, flattened out of lists and @graph."""
    found: list[dict] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            found.append(node)
            walk(node.get("@graph", []))

    for script in soup.find_all("script", type="application/ld+json"):
        raw = script.string or script.get_text()
        try:
            walk(json.loads(raw, strict=False))
        except (json.JSONDecodeError, TypeError):
            continue  # broken JSON-LD is common; the other sources remain
    return found


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type", [])
    return {str(k).lower() for k in (kind if isinstance(kind, list) else [kind])}


def article_json_ld(objects: Iterable[dict]) -> dict | None:
    """The page's Article/NewsArticle object, if it declares one."""
    return next((o for o in objects if _types(o) & ARTICLE_TYPES), None)


def _rfc822(value: str) -> datetime | None:
    """RSS dates: "Fri, 05 Jul 2024 10:00:00 +0700"."""
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def parse_datetime(value: str | None) -> str | None:
    """ISO 8601 with an offset; a time without a zone is Vietnam's (UTC+7)."""
    if not value:
        return None
    text = value.strip().replace(" +", "+").replace(" -", "-")
    text = re.sub(r"(\.\d+)(?=[+-]\d\d:?\d\d$|Z$|$)", "", text)
    text = re.sub(r"Z$", "+00:00", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = _rfc822(value)
    if parsed is None:
        found = re.search(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?:\D+(\d{1,2})[:h](\d{2}))?", value)
        if not found:
            return None
        day, month, year, hour, minute = found.groups()
        try:
            parsed = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VIETNAM)
    return parsed.isoformat()


def is_web_url(url: object) -> bool:
    """True for an http or https address, its scheme in any case (RFC 3986 3.1): the only
    addresses taken as fetched from the web, as a page's own, or shown as links (a WARC
    record's target, a canonical URL or a user's evidence may be ``javascript:``, ``data:``
    or a file path, which a click must never run or open)."""
    return isinstance(url, str) and url[:8].lower().startswith(("http://", "https://"))


def canonical_url(soup: BeautifulSoup) -> str | None:
    """The address the page declares for itself; whether to believe it is ``same_site``'s call."""
    link = soup.find("link", rel=lambda r: r and "canonical" in r)
    for url in (_clean(link.get("href")) if isinstance(link, Tag) else None, _meta(soup, "og:url")):
        if is_web_url(url):
            return url
    return None


def _site_host(url: str | None) -> str:
    """The host of a web URL, lower-cased, without a leading www. or m. ("" if none)."""
    host = (urlsplit(url or "").hostname or "").lower()
    return re.sub(r"^(?:www|m)\.", "", host)


def same_site(url: str | None, other: str | None) -> bool:
    """Whether two URLs belong to one site: the same host, or one a subdomain of the other,
    www. and m. ignored (m.vnexpress.net, vnexpress.net and e.vnexpress.net are one site;
    hanoi.gov.vn and bacgiang.gov.vn are not). A page may name its canonical address only
    on its own site: otherwise any page could claim another outlet's article."""
    a, b = _site_host(url), _site_host(other)
    return bool(a and b) and (a == b or a.endswith("." + b) or b.endswith("." + a))


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def title(soup: BeautifulSoup, article: dict | None) -> str | None:
    """The visible headline (h1) when it agrees with the declared one, else the declared one.

    Declared headlines (JSON-LD, og:title) are sometimes an SEO variant or carry the
    site's name; an h1 can be the site logo.
    """
    declared = (_clean(article.get("headline")) if article else None) or _meta(soup, "og:title")
    h1 = soup.find("h1")
    visible = _clean(h1.get_text(" ")) if h1 else None
    if visible and declared:
        shared = len(_words(visible) & _words(declared)) / max(1, len(_words(declared)))
        return visible if shared >= 0.6 else declared
    page_title = soup.find("title")
    return declared or visible or (_clean(page_title.get_text()) if page_title else None)


def description(soup: BeautifulSoup, article: dict | None) -> str | None:
    return _meta(soup, "og:description", "description") or (
        _clean(article.get("description")) if article else None
    )


def microdata_published(soup: BeautifulSoup) -> str | None:
    """The datePublished (<time datetime> or <meta content>) of the microdata article that holds
    a headline (h1): a listing's teasers are articles with dates of their own, so only the item
    around an h1 is the page's (hdnd.hochiminhcity.gov.vn, whose item lacks its itemscope)."""
    items = (h1.find_parent(attrs={"itemtype": _article_itemtype}) for h1 in soup.find_all("h1"))
    item = next((i for i in items if i is not None), None)
    stamp = item.find(["time", "meta"], attrs={"itemprop": "datePublished"}) if item else None
    return _clean(stamp.get("datetime") or stamp.get("content")) if isinstance(stamp, Tag) else None


def _article_itemtype(value: str | None) -> bool:
    return bool(value) and value.rstrip("/").rsplit("/", 1)[-1].lower() in ARTICLE_TYPES


def published(soup: BeautifulSoup, article: dict | None) -> str | None:
    """Meta tags first: some sites round the JSON-LD time to the minute."""
    candidates = [
        _meta(soup, "article:published_time", "pubdate", "datePublished", "publishdate", "date"),
        _clean(article.get("datePublished")) if article else None,
        microdata_published(soup),
        _meta(soup, "dateCreated"),
    ]
    return next((p for c in candidates if (p := parse_datetime(c))), None)


# A byline date as Vietnamese pages show it: "Thứ bảy, 7/3/2026, 00:05", "- 15/08/2025 10:20",
# "09 tháng 9, 2026" (a date in prose, "ngày 9 tháng 9 năm 2026" or "9/9/2026", is not one).
_BYLINE_DATE = re.compile(r"(?:(?:Thứ\s+\w+|Chủ nhật),?\s*(?:ngày\s+)?(?P<d1>\d{1,2})/(?P<m1>\d{1,2})/(?P<y1>20\d{2})"
                          r"|(?P<d2>\d{1,2})/(?P<m2>\d{1,2})/(?P<y2>20\d{2}),?\s*[-|]?\s*\d{1,2}:\d{2}"
                          r"|\b(?P<d3>\d{1,2}) tháng (?P<m3>\d{1,2}), (?P<y3>20\d{2})\b)")


def visible_date(soup: BeautifulSoup, page: str) -> str | None:
    """The date a page shows its readers, for pages with no date in their metadata: the
    first byline date in its text (weekday and date, date and time, or day, month and year
    in words), else htmldate's reading of the page."""
    from htmldate import find_date

    byline = _BYLINE_DATE.search(re.sub(r"\s+", " ", soup.get_text(" ")))
    if byline:
        n = next(n for n in "123" if byline.group("d" + n))
        d, m, y = (int(byline.group(k + n)) for k in ("d", "m", "y"))
        try:
            return date(y, m, d).isoformat()
        except ValueError:
            pass
    try:
        return find_date(page, original_date=True, extensive_search=True, outputformat="%Y-%m-%d")
    except (ValueError, TypeError):
        return None


def authors(soup: BeautifulSoup, article: dict | None) -> str | None:
    """Named people only: organisations and site names in author fields are not authors."""
    names: list[str] = []
    raw = article.get("author") if article else None
    for person in raw if isinstance(raw, list) else [raw]:
        if isinstance(person, dict) and "organization" not in _types(person):
            if name := _clean(person.get("name")):
                names.append(name)
        elif isinstance(person, str) and (name := _clean(person)) and not name.startswith("http"):
            names.append(name)
    if not names and (dable := _meta(soup, "dable:author")):
        names = [n.strip() for n in dable.split(";") if n.strip()]
    return "; ".join(dict.fromkeys(names)) or None


def section(soup: BeautifulSoup, article: dict | None) -> str | None:
    from_ld = article.get("articleSection") if article else None
    if isinstance(from_ld, list):
        from_ld = ", ".join(str(s) for s in from_ld)
    return _meta(soup, "article:section", "articleSection") or _clean(from_ld)


def tags(soup: BeautifulSoup, article: dict | None) -> list[str]:
    values = _meta_all(soup, "article:tag")
    if not values and (keywords := _meta(soup, "news_keywords", "keywords")):
        values = [keywords]
    if not values and article and article.get("keywords"):
        kw = article["keywords"]
        values = [", ".join(map(str, kw))] if isinstance(kw, list) else [str(kw)]
    split = [t.strip() for v in values for t in re.split(r"[,;]", v)]
    return list(dict.fromkeys(t for t in split if t))


def language(soup: BeautifulSoup) -> str | None:
    root = soup.find("html")
    lang = root.get("lang") if isinstance(root, Tag) else None
    return (_clean(lang) or "").split("-")[0].lower() or _meta(soup, "og:locale", "language")
