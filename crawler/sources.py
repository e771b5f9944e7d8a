"""News sources declared as data.

Each entry names a site, how its articles are found (RSS feeds, sitemaps, section or tag
listings with their pagination, a site-search URL) and what an article URL looks like,
and, where generic extraction is not enough, the CSS selectors of its lead (sapo), body
and byline, tried before the generic ones. Feed and sitemap addresses follow each site's
published conventions; they cannot be checked from the test machine (no internet), so a
crawl reports every one that fails with its reason.
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
    key: str = ""                      # short name for the command line: "vnexpress"
    feeds: tuple[str, ...] = ()        # RSS / Atom
    sitemaps: tuple[str, ...] = ()     # sitemap index or news sitemap
    listings: tuple[str, ...] = ()     # section or tag pages; "{page}" marks the page number
    search: str | None = None          # site search; "{query}" marks the query
    article: str = r"-\d{5,}\.html?$"   # regex an article URL's path matches

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
)

SOURCES: tuple[Source, ...] = (
    # Hà Nội's council, government and city press.
    Source("dbndhanoi.gov.vn", "Cổng thông tin Đoàn ĐBQH và HĐND thành phố Hà Nội", key="dbndhanoi",
           listings=("https://dbndhanoi.gov.vn/hoat-dong-cua-hdnd-thanh-pho?page={page}",),
           article=r"/(?:tin-tuc|hoat-dong)[^?]*-\d+(?:\.html?)?$"),
    Source("hanoi.gov.vn", "Cổng giao tiếp điện tử thành phố Hà Nội", key="hanoi",
           listings=("https://hanoi.gov.vn/tin-tuc-su-kien?page={page}",), article=r"-\d{6,}\.htm$"),
    Source("kinhtedothi.vn", "Kinh tế & Đô thị", key="kinhtedothi",
           feeds=("https://kinhtedothi.vn/rss/chinh-tri.rss",), sitemaps=("https://kinhtedothi.vn/sitemap.xml",),
           listings=("https://kinhtedothi.vn/chinh-tri/trang-{page}.html",),
           search="https://kinhtedothi.vn/tim-kiem.html?q={query}", article=r"\.html$"),
    Source("hanoimoi.vn", "Hà Nội Mới", key="hanoimoi",
           feeds=("https://hanoimoi.vn/rss/chinh-tri.rss",), sitemaps=("https://hanoimoi.vn/sitemap.xml",),
           listings=("https://hanoimoi.vn/chinh-tri?page={page}",), article=r"-\d{5,}\.html$"),
    Source("nguoihanoi.vn", "Người Hà Nội", key="nguoihanoi",
           feeds=("https://nguoihanoi.vn/rss/thoi-su.rss",), sitemaps=("https://nguoihanoi.vn/sitemap.xml",),
           article=r"-\d{5,}\.html$"),
    # National press.
    Source("baochinhphu.vn", "Báo Điện tử Chính phủ", lead=("h2.detail-sapo",), body=("div.detail-content",),
           key="baochinhphu", feeds=("https://baochinhphu.vn/rss/thoi-su.rss",),
           sitemaps=("https://baochinhphu.vn/sitemap.xml",),
           listings=("https://baochinhphu.vn/thoi-su/trang-{page}.htm",),
           search="https://baochinhphu.vn/tim-kiem.htm?keywords={query}", article=r"-\d{15,}\.htm$"),
    Source("dantri.com.vn", "Dân trí", lead=("h2.singular-sapo", "article h2"), body=("div.singular-content",),
           key="dantri", feeds=("https://dantri.com.vn/rss/xa-hoi.rss",),
           sitemaps=("https://dantri.com.vn/sitemaps/sitemap.xml",),
           listings=("https://dantri.com.vn/xa-hoi/chinh-tri/trang-{page}.htm",),
           search="https://dantri.com.vn/tim-kiem/{query}.htm", article=r"-\d{17}\.htm$"),
    Source("nld.com.vn", "Người Lao Động", lead=("h2.detail-sapo",), body=("div.detail-content",), key="nld",
           feeds=("https://nld.com.vn/rss/thoi-su.rss",), sitemaps=("https://nld.com.vn/sitemap.xml",),
           listings=("https://nld.com.vn/thoi-su/trang-{page}.htm",),
           search="https://nld.com.vn/tim-kiem.htm?keywords={query}", article=r"-\d{15,}\.htm$"),
    Source("tuoitre.vn", "Tuổi Trẻ", lead=("h2.detail-sapo",), body=("div.detail-content",), key="tuoitre",
           feeds=("https://tuoitre.vn/rss/thoi-su.rss",), sitemaps=("https://tuoitre.vn/sitemap.xml",),
           listings=("https://tuoitre.vn/thoi-su/trang-{page}.htm",),
           search="https://tuoitre.vn/tim-kiem.htm?keywords={query}", article=r"-\d{17}\.htm$"),
    Source("vietnamnet.vn", "VietNamNet", lead=("h2.content-detail-sapo",), body=("div.maincontent",),
           key="vietnamnet", feeds=("https://vietnamnet.vn/rss/thoi-su.rss",),
           sitemaps=("https://vietnamnet.vn/sitemap.xml",), listings=("https://vietnamnet.vn/thoi-su-page{page}",),
           search="https://vietnamnet.vn/tim-kiem?q={query}", article=r"-\d{6,}\.html$"),
    Source("vnexpress.net", "VnExpress", lead=("p.description",), body=("article.fck_detail",),
           author=('article.fck_detail > p[style*="text-align:right"]:last-of-type strong',), key="vnexpress",
           feeds=("https://vnexpress.net/rss/thoi-su.rss",), sitemaps=("https://vnexpress.net/sitemap.xml",),
           listings=("https://vnexpress.net/thoi-su/chinh-tri-p{page}",),
           search="https://timkiem.vnexpress.net/?q={query}", article=r"-\d{7}\.html$"),
    Source("thanhnien.vn", "Thanh Niên", key="thanhnien", feeds=("https://thanhnien.vn/rss/thoi-su.rss",),
           sitemaps=("https://thanhnien.vn/sitemap.xml",), listings=("https://thanhnien.vn/thoi-su/trang-{page}.htm",),
           article=r"-\d{15,}\.htm$"),
    Source("laodong.vn", "Lao Động", key="laodong", feeds=("https://laodong.vn/rss/thoi-su.rss",),
           sitemaps=("https://laodong.vn/sitemap.xml",), listings=("https://laodong.vn/thoi-su?page={page}",),
           article=r"-\d{6,}\.ldo$"),
    Source("danviet.vn", "Dân Việt", key="danviet", feeds=("https://danviet.vn/rss/thoi-su.rss",),
           sitemaps=("https://danviet.vn/sitemap.xml",), article=r"-\d{15,}\.htm$"),
    Source("quochoi.vn", "Cổng thông tin điện tử Quốc hội", key="quochoi",
           listings=("https://quochoi.vn/tintuc/Pages/tin-hoat-dong-dia-phuong.aspx?Page={page}",),
           article=r"/tintuc/Pages/[^?]+\.aspx\?ItemID=\d+$"),
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


def source_named(label: str) -> Source | None:
    """A configured source by its key ("vnexpress") or domain ("vnexpress.net")."""
    label = label.lower().removeprefix("www.")
    return next((s for s in SOURCES if label in (s.label, s.domain)), None)
