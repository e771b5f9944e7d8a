"""News sources declared as data.

Each entry names a site and, where generic extraction is not enough, the CSS selectors of
its lead (sapo) and article body. The selectors are tried before the generic ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Source:
    domain: str
    name: str
    lead: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    author: tuple[str, ...] = ()


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
)

SOURCES: tuple[Source, ...] = (
    Source("baochinhphu.vn", "Báo Điện tử Chính phủ", lead=("h2.detail-sapo",), body=("div.detail-content",)),
    Source("dantri.com.vn", "Dân trí", lead=("h2.singular-sapo", "article h2"), body=("div.singular-content",)),
    Source("nld.com.vn", "Người Lao Động", lead=("h2.detail-sapo",), body=("div.detail-content",)),
    Source("tuoitre.vn", "Tuổi Trẻ", lead=("h2.detail-sapo",), body=("div.detail-content",)),
    Source("vietnamnet.vn", "VietNamNet", lead=("h2.content-detail-sapo",), body=("div.maincontent",)),
    Source("vnexpress.net", "VnExpress", lead=("p.description",), body=("article.fck_detail",),
           author=('article.fck_detail > p[style*="text-align:right"]:last-of-type strong',)),
)


def domain_of(url: str | None) -> str | None:
    """The host without a leading www., lower-cased; None for file: URIs."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None


def source_for(url: str | None) -> Source | None:
    host = domain_of(url)
    if not host:
        return None
    return next((s for s in SOURCES if host == s.domain or host.endswith("." + s.domain)), None)
