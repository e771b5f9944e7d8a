"""News sources declared as data: one TOML file per source.

Each file names a site, how its articles are found (RSS feeds, sitemaps, section or tag
listings with their pagination, a site-search URL) and what an article URL looks like
(a regex over the path and query, with real examples it must match), and, where generic
extraction is not enough, the CSS selectors of its lead (sapo), body and byline, tried
before the generic ones; then the evidence for each address and the date it was checked.
The package's files are in this folder; a user adds or replaces sources with files in
the folders named by ``HDND_SOURCES`` (``os.pathsep``-separated) or ``--sources-dir``,
so a province's council portal needs no Python. A file with the key of a package source
replaces it. Addresses cannot be checked from the test machine (no internet), so a crawl
reports every one that fails with its reason.
"""

from __future__ import annotations

import os
import re
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

PACKAGE_DIR = Path(__file__).resolve().parent
ENV = "HDND_SOURCES"


class SourceError(ValueError):
    """A source file that cannot be used, said in one sentence naming the file and field."""


@dataclass(frozen=True)
class Evidence:
    claim: str                         # what is claimed: "feed /rss/thoi-su.rss"
    where: str                         # a repository file at a commit, or a page's address
    shows: str                         # what exactly it shows


@dataclass(frozen=True)
class Source:
    domain: str
    name: str
    lead: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    key: str = ""                      # short name for the command line: "vnexpress"
    feeds: tuple[str, ...] = ()        # RSS / Atom
    sitemaps: tuple[str, ...] = ()     # sitemap index or news sitemap
    listings: tuple[str, ...] = ()     # section or tag pages; "{page}" marks the page number
    first_page: int = 1                # the number of a listing's first page (vietnamnet.vn counts from 0)
    search: str | None = None          # site search; "{query}" marks the query
    article: str = r"-\d{5,}\.html?$"   # regex an article URL's path (and "?query") matches
    examples: tuple[str, ...] = ()     # real article URLs the pattern must match
    fallback_search: bool = False      # discover through a news-search feed when its own are blocked
    checked: str | None = None         # when the addresses were last checked (YYYY-MM-DD)
    evidence: tuple[Evidence, ...] = ()
    file: str | None = None            # the TOML file it came from

    @property
    def label(self) -> str:
        return self.key or self.domain.split(".")[0]


# Selectors that many Vietnamese CMSs share; tried after a source's own.
GENERIC_LEAD = (
    "h2.detail-sapo", ".detail-sapo", ".content-detail-sapo", ".singular-sapo", ".article__sapo",
    ".sapo", "p.description", ".article-summary", ".summary",
)
GENERIC_BODY = (
    "div.detail-content", ".maincontent", "article.fck_detail", ".singular-content",
    ".article__body", ".article-content", ".detail__content", "[itemprop=articleBody]",
    ".post-content", ".entry-content",
)
# Bylines, used when the page's JSON-LD names no person.
GENERIC_AUTHOR = (".detail-author", ".author-info .name", ".author-info", ".article__author", ".author-name", "p.author")
# Boxes inside article bodies that are not the article: related links, embeds, ads.
GENERIC_DROP = (
    "script", "style", "noscript", "iframe", "figure", "figcaption", ".VCSortableInPreviewMode[type=RelatedNews]",
    ".box-related", ".related", ".relate-container", ".detail__related", ".article-relate",
    "[type=RelatedOneNews]", ".box-tinlienquan", ".adv", ".ads", ".banner",
    ".PhotoCMS_Caption", ".article__source",  # image captions (vtv.vn), agency credits (vietnamplus.vn)
)

_LISTS = ("feeds", "sitemaps", "listings", "examples", "lead", "body", "author")
_TEXTS = ("key", "domain", "name", "search", "article", "checked")
_FIELDS = {*_LISTS, *_TEXTS, "first_page", "fallback_search", "evidence"}


def _bad(path: Path, field: str, why: str) -> SourceError:
    return SourceError(f"{path}: {field} {why}")


def _web_url(path: Path, field: str, url: str, domain: str) -> None:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if parts.scheme not in ("http", "https") or not (host == domain or host.endswith("." + domain)):
        raise _bad(path, field, f"must hold http(s) addresses on {domain}, not {url!r}")


def _placeholders(path: Path, field: str, url: str, allowed: set[str]) -> None:
    """Only ``allowed`` placeholders ({page}, {query}) in an address the spider fills in."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(url) if name is not None}
    except ValueError as err:
        raise _bad(path, field, f"has a brace that is not a placeholder in {url!r} ({err})") from None
    if names - allowed:
        raise _bad(path, field, f"may mark only {', '.join('{' + a + '}' for a in sorted(allowed))}, "
                                f"not {{{sorted(names - allowed)[0]}}} in {url!r}")


def _source(path: Path, data: dict[str, Any]) -> Source:
    """One file's source, every field checked: the first problem is the error."""
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise _bad(path, unknown[0], f"is not a source field (known: {', '.join(sorted(_FIELDS))})")
    for field in ("key", "domain", "name"):
        if not isinstance(data.get(field), str) or not data[field].strip():
            raise _bad(path, field, "is required and must be text")
    for field in _TEXTS:
        if field in data and not isinstance(data[field], str):
            raise _bad(path, field, f"must be text, not {data[field]!r}")
    for field in _LISTS:
        values = data.get(field, [])
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise _bad(path, field, "must be a list of text")
    key, domain = data["key"].strip().lower(), data["domain"].strip().lower().removeprefix("www.")
    if not re.fullmatch(r"[a-z0-9_-]+", key):
        raise _bad(path, "key", f"must be letters, digits, - or _ (a name for the command line), not {key!r}")
    if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", domain):
        raise _bad(path, "domain", f"must be a host name such as vnexpress.net, not {domain!r}")
    for field in ("feeds", "sitemaps", "listings", "examples"):
        for url in data.get(field, []):
            _web_url(path, field, url, domain)
    for url in data.get("listings", []):
        _placeholders(path, "listings", url, {"page"})
    search = data.get("search") or None
    if search is not None:
        _web_url(path, "search", search, domain)
        if "{query}" not in search:
            raise _bad(path, "search", "must mark where the query goes with {query}")
        _placeholders(path, "search", search, {"query"})
    article = data.get("article", Source.article)
    try:
        pattern = re.compile(article)
    except re.error as err:
        raise _bad(path, "article", f"is not a regular expression ({err})") from None
    for url in data.get("examples", []):
        if not pattern.search(path_and_query(url)):
            raise _bad(path, "article", f"does not match its own example {url}")
    first_page = data.get("first_page", 1)
    if not isinstance(first_page, int) or isinstance(first_page, bool) or first_page < 0:
        raise _bad(path, "first_page", f"must be a page number (0 or more), not {first_page!r}")
    if not isinstance(data.get("fallback_search", False), bool):
        raise _bad(path, "fallback_search", "must be true or false")
    evidence = data.get("evidence", [])
    if not isinstance(evidence, list) or not all(
            isinstance(e, dict) and all(isinstance(e.get(k), str) and e[k] for k in ("claim", "where", "shows"))
            for e in evidence):
        raise _bad(path, "evidence", "must be [[evidence]] tables, each with claim, where and shows")
    return Source(domain=domain, name=data["name"].strip(), key=key, article=article, search=search, first_page=first_page,
                  fallback_search=data.get("fallback_search", False), checked=data.get("checked"), file=str(path),
                  evidence=tuple(Evidence(e["claim"], e["where"], e["shows"]) for e in evidence),
                  **{field: tuple(data.get(field, [])) for field in _LISTS})


def read_source(path: str | os.PathLike) -> Source:
    """The source one TOML file declares; SourceError says what is wrong with it."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise SourceError(f"{path}: cannot be read ({err})") from None
    except tomllib.TOMLDecodeError as err:
        raise SourceError(f"{path}: is not valid TOML ({err})") from None
    return _source(path, data)


def _folder_sources(folder: Path) -> list[Source]:
    if not folder.is_dir():
        raise SourceError(f"{folder}: is not a folder of source files")
    return [read_source(path) for path in sorted(folder.glob("*.toml"))]


def user_folders(extra: Iterable[str | os.PathLike] = ()) -> list[Path]:
    """The user's source folders: those in HDND_SOURCES, then ``extra``."""
    named = [p for p in os.environ.get(ENV, "").split(os.pathsep) if p]
    return [Path(p).expanduser() for p in [*named, *extra]]


def load_sources(extra: Iterable[str | os.PathLike] = ()) -> list[Source]:
    """The package's sources with the user's folders over them (a user's key replaces the
    package's; two user files with one key, or two keys for one domain, are an error).
    Fills :data:`SOURCES` in place, so every module holding it sees the same list."""
    found: dict[str, Source] = {s.key: s for s in _folder_sources(PACKAGE_DIR)}  # read again: a test may change HDND_SOURCES
    mine: dict[str, Source] = {}
    for folder in user_folders(extra):
        for source in _folder_sources(folder):
            if source.key in mine:
                raise SourceError(f"{source.file}: key {source.key!r} is already declared by {mine[source.key].file}")
            mine[source.key] = found[source.key] = source
    domains: dict[str, Source] = {}
    for source in found.values():
        if source.domain in domains:
            raise SourceError(f"{source.file}: domain {source.domain} is already the source {domains[source.domain].key!r}"
                              f" ({domains[source.domain].file})")
        domains[source.domain] = source
    SOURCES[:] = sorted(found.values(), key=lambda s: s.key)
    return SOURCES


def path_and_query(url: str) -> str:
    """What an article pattern is matched against: the path, and "?query" when there is one."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


# The package's sources; load_sources() adds the user's (the crawl command and the spider call it).
SOURCES: list[Source] = sorted(_folder_sources(PACKAGE_DIR), key=lambda s: s.key)


def domain_of(url: str | None) -> str | None:
    """The host without a leading www., lower-cased; None for file: URIs."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None


def source_for(url: str | None) -> Source | None:
    """The source whose site ``url`` is on; the most specific domain wins (a council's
    dbnd.gialai.gov.vn before a province's gialai.gov.vn)."""
    host = domain_of(url)
    if not host:
        return None
    return max((s for s in SOURCES if host == s.domain or host.endswith("." + s.domain)),
               key=lambda s: len(s.domain), default=None)


def source_named(label: str) -> Source | None:
    """A configured source by its key ("vnexpress") or domain ("vnexpress.net")."""
    label = label.lower().removeprefix("www.")
    return next((s for s in SOURCES if label in (s.label, s.domain)), None)
