"""Discovery (issue 18): sitemaps through Scrapy's sitemap support (gzip, robots.txt
``Sitemap:`` lines, child sitemaps chosen by lastmod or the year-month in their address),
article patterns matched against path and query, challenge pages on feeds and sitemaps,
and the fallback news search feed. The crawls run ``hdnd crawl`` against loopback servers
with the sources' hosts mapped there (HDND_HOST_MAP); nothing goes to the network.

The sitemap addresses have the real sites' shapes (see crawler/sitemaps.py for where each
comes from): vietnamnet ``sitemap-article-MM-YYYY-NN.xml``, dantri ``/sitemaps/articles.xml``
with ``Article-YYYY-MM-01.xml``, tuoitre ``/sitemaps/index.rss`` with
``StaticSitemaps/sitemaps-YYYY-M-d1-d2.xml`` and its index's lastmod of 2011-01-01 on every
shard.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import subprocess
import sys
from datetime import date

import pytest

from corpus.db import connect
from crawler.sitemaps import MAX_DEPTH, UNDATED_DEPTH, SitemapEntries, follow_child, year_month
from crawler.spiders.news import FALLBACK_SEARCH_FEED, is_challenge, search_result_url
from tests.conftest import ROOT, article_html
from tests.crawler.mock_site import MockSite, html, xml

COUNCIL = [
    "Sáng 5/3, HĐND thành phố Hà Nội khóa XVI khai mạc kỳ họp chuyên đề với phiên chất vấn về ngập úng đô thị.",
    "Trả lời chất vấn của đại biểu Nguyễn Thị Lan, Giám đốc Sở Xây dựng Trần Văn Hải cho biết, sở sẽ hoàn thành "
    "cải tạo 12 tuyến cống thoát nước trước ngày 31/12/2024.",
    "Nhiều cử tri phản ánh tình trạng ngập kéo dài tại các khu dân cư mới sau mỗi trận mưa lớn, ảnh hưởng đến "
    "sinh hoạt và sản xuất của người dân trên địa bàn thành phố.",
    "Hội đồng nhân dân thành phố yêu cầu Ủy ban nhân dân thành phố báo cáo kết quả thực hiện tại kỳ họp cuối năm.",
]
MARKET = [
    "Giá vàng miếng trong nước sáng nay giảm 500.000 đồng mỗi lượng so với cuối tuần trước, theo các doanh nghiệp.",
    "Các chuyên gia cho rằng giá vàng thế giới còn biến động mạnh trong những tuần tới do lo ngại lạm phát kéo dài.",
    "Nhiều nhà đầu tư nhỏ lẻ đã chốt lời, trong khi các ngân hàng thương mại giữ nguyên lãi suất huy động vốn.",
]
# What laodong.vn's feeds answer a plain client (reported in github:Liemdang2512/AI-News-
# docs/reports/RSS_FEED_ISSUE_REPORT.md): a cookie set by a script, then a reload.
D1N = ('<html><body><script>document.cookie="D1N=f285b2a1c0e9d8f7a6b5c4d3e2f1a0b9"+"; expires=Fri, 31 Dec 2027 '
       '23:59:59 GMT; path=/"; window.location.reload(true);</script></body></html>')
CLOUDFLARE = ('<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body>'
              '<noscript>Enable JavaScript and cookies to continue</noscript>'
              '<script>window._cf_chl_opt={cvId: "3", cType: "managed"};</script></body></html>')
# Google News article ids seen in public repositories: an older one holding its address,
# and a newer opaque one ("AU_yqL…") that only Google can resolve.
GOOGLE_OLD = ("CBMiWmh0dHBzOi8vd3d3Lm5kdHYuY29tL3dvcmxkLW5ld3MvZWxvbi1tdXNrLXJlY2xhaW1zLXRoZS10aXRsZS1vZi13b3JsZHMt"
              "cmljaGVzdC1tYW4tMzgyMDMyONIBYGh0dHBzOi8vd3d3Lm5kdHYuY29tL3dvcmxkLW5ld3MvZWxvbi1tdXNrLXJlY2xhaW1zLXRo"
              "ZS10aXRsZS1vZi13b3JsZHMtcmljaGVzdC1tYW4tMzgyMDMyOC9hbXAvMQ")
GOOGLE_NEW = ("CBMipAFBVV95cUxOTHEwU1ZaV1pkRUgzU0MxV3EzaW5EUkVnUnZ1NHVWT2phRlhvMWFjOHlrVkF6ZnhVekVTcjlvU3RCbVBaNjFh"
              "YTQtcFFtOUtJZ1Q4ZkVnSEg1bjFJVEwwbGlmZ1JxWWVZb0xGTmc1cnZwMGlQdWxlN0VVSmYyNjB0ZW1zS3QxY2tCUmZ1Q2YxSDFZ"
              "UFJrRjg4ZnIwd0k3UVlhc0pMZQ")
ROBOTS_ALLOW = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")


def _crawl(db_path, *args, hosts: dict[str, str], sources: dict[str, str] | None = None):
    """``hdnd crawl`` with hosts mapped to loopback servers and, when given, source files
    of the test's own (``--sources-dir``; a file with a package source's key replaces it)."""
    env = {**os.environ, "HDND_DOWNLOAD_DELAY": "0", "HDND_LOG_LEVEL": "ERROR", "HDND_PROGRESS_INTERVAL": "0",
           "HDND_HOST_MAP": json.dumps(hosts)}
    extra = []
    if sources:
        folder = db_path.parent / "sources"
        folder.mkdir(exist_ok=True)
        for key, text in sources.items():
            (folder / f"{key}.toml").write_text(text, encoding="utf-8")
        extra = ["--sources-dir", str(folder)]
    return subprocess.run([sys.executable, "-m", "corpus", "crawl", *args, *extra, "--db", str(db_path)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=180)


def _laodong(fallback: bool) -> str:
    """Lao Động with a feed (the real one, answered by a challenge), a sitemap and a listing."""
    return ('key = "laodong"\ndomain = "laodong.vn"\nname = "Lao Động"\n'
            'feeds = ["https://laodong.vn/rss/thoi-su.rss"]\nsitemaps = ["https://laodong.vn/sitemap.xml"]\n'
            'listings = ["https://laodong.vn/thoi-su?page={page}"]\narticle = \'-\\d{6,}\\.ldo$\'\n'
            f"fallback_search = {str(fallback).lower()}\n")


def _problems(db_path) -> list[dict]:
    (row,) = connect(db_path).execute("SELECT problems FROM runs WHERE command = 'crawl'").fetchall()
    return json.loads(row[0])


def _stored(db_path) -> set[str]:
    return {row[0] for row in connect(db_path).execute("SELECT url FROM articles")}


def _article(url: str, title: str, paragraphs: list[str], day: str):
    return html(article_html(title, paragraphs, url=url, published=day))


def _index(children: list[tuple[str, str | None]]) -> str:
    entries = "".join(f"<sitemap><loc>{loc}</loc>" + (f"<lastmod>{mod}</lastmod>" if mod else "") + "</sitemap>"
                      for loc, mod in children)
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' \
           f"{entries}</sitemapindex>"


def _urlset(urls: list[tuple[str, str | None, str | None]]) -> str:
    """(loc, lastmod, news:publication_date) entries."""
    entries = "".join(
        f"<url><loc>{loc}</loc>" + (f"<lastmod>{mod}</lastmod>" if mod else "")
        + (f"<news:news><news:publication_date>{pub}</news:publication_date></news:news>" if pub else "") + "</url>"
        for loc, mod, pub in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</urlset>')


class Answering(dict):
    """Pages by path, and one page for every path not listed."""

    def __init__(self, default, pages=None):
        super().__init__(pages or {})
        self.default = default

    def get(self, key, fallback=None):
        return super().get(key, self.default(key) if callable(self.default) else self.default)


# --- without a crawl ---------------------------------------------------------------------


def test_year_month_reads_the_real_shard_names():
    assert year_month("https://vietnamnet.vn/sitemap-article-03-2024-01.xml") == (2024, 3)   # month first, shard no.
    assert year_month("https://vietnamnet.vn/sitemap-article-12-2003-04.xml") == (2003, 12)
    assert year_month("https://dantri.com.vn/sitemaps/Article-2024-03-01.xml") == (2024, 3)
    assert year_month("https://tuoitre.vn/StaticSitemaps/sitemaps-2026-7-16-20.xml") == (2026, 7)
    assert year_month("https://thanhnien.vn/sitemaps/sitemaps-2011-6-1-5.xml") == (2011, 6)
    assert year_month("https://www.vietnamplus.vn/sitemaps/news-2024-3.xml") == (2024, 3)
    assert year_month("https://vneconomy.vn/sitemap/news-2007-01.xml") == (2007, 1)
    assert year_month("https://example.vn/sitemap/2024/03.xml") == (2024, 3)
    assert year_month("https://example.vn/sitemap-202403.xml") == (2024, 3)
    assert year_month("https://example.vn/sitemap-2018.xml") == (2018, None)
    assert year_month("https://example.vn/sitemap.xml?yyyy=2024&mm=3") == (2024, None)
    for undated in ("https://dantri.com.vn/sitemaps/articles.xml", "https://tuoitre.vn/sitemaps/index.rss",
                    "https://tuoitre.vn/sitemaps/category.rss", "https://vietnamnet.vn/sitemap-news.xml",
                    "https://example2024.vn/sitemap-13-99.xml"):
        assert year_month(undated) is None, undated


def test_child_sitemaps_are_chosen_by_lastmod_or_address():
    since, until = date(2024, 3, 1), date(2024, 3, 31)
    follow = lambda loc, mod=None, depth=1: follow_child(loc, mod, depth, since, until)  # noqa: E731
    # The address's month, without lastmod: March yes, February no, April (after --until) no.
    assert follow("https://vietnamnet.vn/sitemap-article-03-2024-01.xml")
    assert not follow("https://vietnamnet.vn/sitemap-article-02-2024-01.xml")
    assert not follow("https://vietnamnet.vn/sitemap-article-04-2024-01.xml", date(2024, 4, 30))
    # tuoitre's index dates every shard 2011-01-01: the address still says it is new ...
    assert follow_child("https://tuoitre.vn/StaticSitemaps/sitemaps-2026-7-16-20.xml", date(2011, 1, 1), 1,
                        date(2026, 7, 1), None)
    assert not follow_child("https://tuoitre.vn/StaticSitemaps/sitemaps-2011-1-1-5.xml", date(2011, 1, 1), 1,
                            date(2026, 7, 1), None)
    # ... and a lastmod since --since is enough for an address without a date or an older one.
    assert follow("https://tuoitre.vn/sitemaps/category.rss", date(2024, 3, 18))
    assert follow("https://vietnamnet.vn/sitemap-article-01-2024-01.xml", date(2024, 3, 2))
    assert not follow("https://dantri.com.vn/sitemaps/news.xml", date(2023, 12, 31))
    assert not follow("https://example.vn/sitemap-2023.xml")
    # Neither: followed down to UNDATED_DEPTH levels below the first index only.
    assert follow("https://dantri.com.vn/sitemaps/category-sitemap.xml", depth=UNDATED_DEPTH)
    assert not follow("https://dantri.com.vn/sitemaps/category-sitemap.xml", depth=UNDATED_DEPTH + 1)
    # Without dates everything is followed, but never deeper than MAX_DEPTH.
    assert follow_child("https://example.vn/sitemap-2003.xml", None, MAX_DEPTH, None, None)
    assert not follow_child("https://example.vn/sitemap-a.xml", None, MAX_DEPTH + 1, None, None)


def test_news_sitemap_entries_keep_their_publication_date():
    body = _urlset([("https://vnexpress.net/hdnd-chat-van-4812345.html", None, "2024-03-05T08:00:00+07:00"),
                    ("https://vnexpress.net/ky-hop-4812346.html", "2024-03-06", None)]).encode()
    sitemap = SitemapEntries(body)
    entries = list(sitemap)
    assert sitemap.type == "urlset"
    assert entries[0]["publication_date"] == "2024-03-05T08:00:00+07:00" and "lastmod" not in entries[0]
    assert entries[1] == {"loc": "https://vnexpress.net/ky-hop-4812346.html", "lastmod": "2024-03-06"}


def test_search_result_links_are_unwrapped_to_the_source_only():
    ndtv = "https://www.ndtv.com/world-news/elon-musk-reclaims-the-title-of-worlds-richest-man-3820328"
    assert search_result_url(f"https://news.google.com/rss/articles/{GOOGLE_OLD}?oc=5", "ndtv.com") == ndtv
    assert search_result_url(f"https://news.google.com/rss/articles/{GOOGLE_OLD}?oc=5", "laodong.vn") is None
    assert search_result_url(f"https://news.google.com/rss/articles/{GOOGLE_NEW}?oc=5", "ndtv.com") is None
    direct = "https://laodong.vn/thoi-su/ky-hop-hdnd-1300001.ldo"
    assert search_result_url(direct, "laodong.vn") == direct
    assert search_result_url("http://www.bing.com/news/apiclick.aspx?ref=FexRss&url=https%3a%2f%2flaodong.vn"
                             "%2fthoi-su%2fky-hop-hdnd-1300001.ldo&c=1", "laodong.vn") == direct
    assert search_result_url("https://baomoi.com/ky-hop-hdnd-c48123.epi", "laodong.vn") is None
    assert search_result_url("javascript:alert(1)", "laodong.vn") is None


def test_challenge_pages_are_recognised_and_feeds_are_not():
    class Page:
        def __init__(self, headers=None):
            self.headers = {k: v.encode() for k, v in (headers or {}).items()}

    assert is_challenge(Page(), D1N.encode())
    assert is_challenge(Page(), CLOUDFLARE.encode() + b"<!-- padding -->" * 5000)     # large: still Cloudflare's
    assert is_challenge(Page({"cf-mitigated": "challenge"}), b"<html></html>")
    feed = '<?xml version="1.0"?><rss version="2.0"><channel><item><title>enable JavaScript</title></item></channel></rss>'
    assert not is_challenge(Page(), feed.encode())
    big_page = "<html><script>document.cookie='a=1'</script>" + "<p>Tin tức</p>" * 5000 + "</html>"
    assert not is_challenge(Page(), big_page.encode())                                # a normal page setting a cookie


# --- crawls ------------------------------------------------------------------------------


def test_listing_links_with_the_article_id_in_the_query_are_collected(db_path):
    """quochoi.vn keeps article ids in the query string; its listing is read with its
    article pattern matched against path and query, and the slug filter (the path names the
    list, not the article) leaves the decision to the text."""
    listing = "/tintuc/Pages/tin-hoat-dong-dia-phuong.aspx?Page=1"
    council = "/tintuc/Pages/tin-hoat-dong-dia-phuong.aspx?ItemID=99777"
    market = "/tintuc/Pages/tin-hoat-dong-cua-quoc-hoi.aspx?ItemID=94817"
    with MockSite({}) as site:
        links = [council, f"https://quochoi.vn{market}", "/tintuc/Pages/default.aspx",
                 "/tintuc/Pages/tin-hoat-dong-dia-phuong.aspx?Page=2", "/tintuc/Pages/tin-hoat-dong-dia-phuong.aspx"]
        site.pages.update({
            "/robots.txt": ROBOTS_ALLOW,
            listing: html("<html><body><ul>" + "".join(f"<li><a href='{href}'>Tin {i}</a></li>"
                                                       for i, href in enumerate(links)) + "</ul></body></html>"),
            council: _article(f"https://quochoi.vn{council}", "Kỳ họp HĐND thành phố: chất vấn về ngập úng", COUNCIL,
                              "2024-03-05T10:00:00+07:00"),
            market: _article(f"https://quochoi.vn{market}", "Giá vàng giảm", MARKET, "2024-03-05T11:00:00+07:00"),
        })
        result = _crawl(db_path, "--url", f"https://quochoi.vn{listing}", hosts={"quochoi.vn": site.base})
    assert result.returncode == 0, result.stderr
    assert council in site.log and market in site.log                   # both article ids, neither filtered by slug
    assert "/tintuc/Pages/default.aspx" not in site.log                  # not an article
    assert "/tintuc/Pages/tin-hoat-dong-dia-phuong.aspx" not in site.log
    assert _stored(db_path) == {f"https://quochoi.vn{council}"}          # the market news was not relevant


def test_gzipped_sitemap_index_from_robots_is_read_by_month(db_path):
    """vietnamnet's robots.txt names a gzipped index of monthly shards; with --since and
    --until only the shards of March 2024 are asked for (by their names, with or without
    lastmod), undated indexes are followed two levels down only, and every sitemap is asked
    once however many times it is named."""
    v = "https://vietnamnet.vn"
    kept = "/thoi-su/ky-hop-hdnd-tp-ha-noi-chat-van-ve-ngap-ung-2260001.html"
    second = "/thoi-su/hdnd-tp-giam-sat-chuyen-doi-so-2260003.html"
    february = "/thoi-su/hdnd-giam-sat-dau-tu-cong-2260002.html"
    january = "/thoi-su/ky-hop-hdnd-thang-mot-2250001.html"
    index = _index([
        (f"{v}/sitemap-article-03-2024-01.xml", None),
        (f"{v}/sitemap-article-03-2024-02.xml", "2024-03-31T23:00:00+07:00"),
        (f"{v}/sitemap-article-02-2024-01.xml", None),
        (f"{v}/sitemap-article-12-2003-01.xml", "2003-12-31"),
        (f"{v}/sitemap-article-04-2024-01.xml", "2024-04-30"),
        (f"{v}/sitemap-article-01-2024-01.xml", "2024-03-02"),     # an old month rewritten in March: read, filtered
        (f"{v}/sitemap-categories.xml", None),
    ])
    with MockSite({}) as site:
        site.pages.update({
            "/robots.txt": (200, {"Content-Type": "text/plain"},
                            f"User-agent: *\nDisallow: /private/\nSitemap: {v}/sitemap-index.xml.gz\n"
                            f"Sitemap: {v}/sitemap-index.xml.gz\nSitemap: {v}/sitemap.xml\n"
                            f"Sitemap: {v}/sitemap-article-11-2003-01.xml\n"
                            "Sitemap: https://cdn.example.org/sitemap.xml\n".encode()),
            "/sitemap.xml": xml(_urlset([(f"{v}/the-thao/bong-da-2260009.html", "2024-03-05", None)])),
            "/sitemap-index.xml.gz": (200, {"Content-Type": "application/x-gzip"}, gzip.compress(index.encode())),
            "/sitemap-article-03-2024-01.xml": xml(_urlset([
                (f"{v}{kept}", "2024-03-05T09:00:00+07:00", None),
                (f"{v}{february}", None, "2024-02-20T08:00:00+07:00"),         # a news sitemap's own date
                (f"{v}/private/ky-hop-hdnd-2260004.html", "2024-03-05", None)])),
            "/sitemap-article-03-2024-02.xml": xml(_urlset([(f"{v}{second}", "2024-03-10", None)])),
            "/sitemap-article-01-2024-01.xml": xml(_urlset([(f"{v}{january}", "2024-01-15", None)])),
            "/sitemap-categories.xml": xml(_index([(f"{v}/sitemap-categories-thoi-su.xml", None)])),
            "/sitemap-categories-thoi-su.xml": xml(_index([(f"{v}/sitemap-categories-thoi-su-1.xml", None)])),
            kept: _article(v + kept, "Kỳ họp HĐND TP Hà Nội: chất vấn về ngập úng", COUNCIL, "2024-03-05T09:00:00+07:00"),
            second: _article(v + second, "HĐND TP giám sát chuyển đổi số",
                             [p.replace("ngập úng", "chuyển đổi số") for p in COUNCIL], "2024-03-10T09:00:00+07:00"),
        })
        result = _crawl(db_path, "vietnamnet", "--since", "2024-03-01", "--until", "2024-03-31",
                        hosts={"vietnamnet.vn": site.base},
                        sources={"vietnamnet": 'key = "vietnamnet"\ndomain = "vietnamnet.vn"\nname = "VietNamNet"\n'
                                               'sitemaps = ["https://vietnamnet.vn/sitemap.xml"]\n'})
    assert result.returncode == 0, result.stderr
    requested = site.log
    assert requested.count("/sitemap-index.xml.gz") == 1 and requested.count("/sitemap.xml") == 1
    for asked in ("/sitemap-article-03-2024-01.xml", "/sitemap-article-03-2024-02.xml", "/sitemap-article-01-2024-01.xml",
                  "/sitemap-categories.xml", "/sitemap-categories-thoi-su.xml"):
        assert requested.count(asked) == 1, asked
    for never in ("/sitemap-article-02-2024-01.xml", "/sitemap-article-12-2003-01.xml", "/sitemap-article-11-2003-01.xml",
                  "/sitemap-article-04-2024-01.xml", "/sitemap-categories-thoi-su-1.xml", february, january, "/the-thao/bong-da-2260009.html"):
        assert never not in requested, never
    assert not [p for p in requested if p.startswith("/private/")]
    assert _stored(db_path) == {v + kept, v + second}
    problems = _problems(db_path)
    assert not [p for p in problems if "sitemap" in p["where"] and not p["where"].endswith(".rss")], problems
    assert not [p for p in problems if "example.org" in p["where"]]
    assert "2 kept" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("site_name", ["dantri", "tuoitre"])
def test_monthly_sitemaps_before_since_are_never_requested(db_path, site_name):
    if site_name == "dantri":  # /sitemaps/articles.xml with monthly Article-YYYY-MM-01.xml, no lastmod
        host, start, since = "https://dantri.com.vn", "/sitemaps/articles.xml", "2024-03-01"
        children = [("/sitemaps/Article-2024-03-01.xml", None), ("/sitemaps/Article-2024-02-01.xml", None),
                    ("/sitemaps/Article-2023-12-01.xml", None), ("/sitemaps/Article-2008-01-01.xml", None)]
        article = "/xa-hoi/ky-hop-hdnd-tp-ha-noi-chat-van-ve-ngap-ung-20240305090000123.htm"
        day = "2024-03-05T09:00:00+07:00"
    else:  # /sitemaps/index.rss, every shard with the index's lastmod of 2011-01-01 (as the real one)
        host, start, since = "https://tuoitre.vn", "/sitemaps/index.rss", "2026-07-01"
        children = [("/sitemaps/category.rss", "2026-07-18T10:00:32+07:00"),
                    ("/StaticSitemaps/sitemaps-2026-7-16-20.xml", "2011-01-01T00:00:00+07:00"),
                    ("/StaticSitemaps/sitemaps-2026-6-26-30.xml", "2011-01-01T00:00:00+07:00"),
                    ("/StaticSitemaps/sitemaps-2011-1-1-5.xml", "2011-01-01T00:00:00+07:00")]
        article = "/ky-hop-hdnd-tp-ha-noi-chat-van-ve-ngap-ung-100260717090000123.htm"
        day = "2026-07-17T09:00:00+07:00"
    new, *old = [path for path, _ in children if "category" not in path]
    with MockSite({}) as site:
        site.pages.update({
            "/robots.txt": ROBOTS_ALLOW,
            start: xml(_index([(host + path, mod) for path, mod in children])),
            "/sitemaps/category.rss": xml(_urlset([(f"{host}/thoi-su.htm", "2026-07-18", None)])),
            new: xml(_urlset([(host + article, day, None)])),
            article: _article(host + article, "Kỳ họp HĐND TP Hà Nội: chất vấn về ngập úng", COUNCIL, day),
        })
        for path in old:
            site.pages[path] = xml(_urlset([(f"{host}/ky-hop-hdnd-cu-{len(path)}.htm", "2011-01-03", None)]))
        result = _crawl(db_path, "--url", host + start, "--since", since, hosts={host.removeprefix("https://"): site.base})
    assert result.returncode == 0, result.stderr
    assert new in site.log and article in site.log
    assert not [path for path in old if path in site.log], site.log
    assert _stored(db_path) == {host + article}


def test_a_challenge_on_feeds_sitemaps_and_listings_is_reported_for_the_source(db_path):
    """laodong.vn answers its feed with a JavaScript cookie challenge (HTTP 200); here its
    sitemaps get Cloudflare's interstitial (403) and its listings the same with 503: each is
    a failed "JavaScript challenge" of Lao Động, not a malformed feed or a page without links."""
    starts = ["https://laodong.vn/rss/thoi-su.rss", "https://laodong.vn/sitemap.xml", "https://laodong.vn/thoi-su?page=1"]
    cf = (403, {"Content-Type": "text/html; charset=UTF-8", "cf-mitigated": "challenge"}, CLOUDFLARE.encode())
    pages = {"/robots.txt": ROBOTS_ALLOW, "/rss/thoi-su.rss": html(D1N), "/sitemap.xml": cf,
             "/thoi-su?page=1": (503, cf[1], cf[2])}
    with MockSite(Answering(html(D1N), pages)) as site:
        result = _crawl(db_path, "laodong", hosts={"laodong.vn": site.base, "news.google.com": site.base},
                        sources={"laodong": _laodong(fallback=False)})
    assert result.returncode == 1, result.stderr
    problems = _problems(db_path)
    by_where = {p["where"]: p for p in problems}
    for url in starts:
        assert by_where[url]["kind"] == "JavaScript challenge", by_where.get(url)
        assert "laodong.vn" in by_where[url]["reason"] and not by_where[url]["skipped"]
    assert not [p for p in problems if p["kind"] in ("malformed XML", "empty feed or sitemap")], problems
    assert f"{len(starts)} JavaScript challenge" in result.stdout
    assert f"laodong.vn: failed {len(starts)}" in result.stderr
    assert not [p for p in site.log if p.startswith("/rss/search")]     # fallback_search is off for this run


def test_fallback_search_feed_when_the_source_is_blocked(db_path):
    """Every feed, sitemap and listing of laodong.vn answers 403 with Cloudflare's challenge;
    with fallback_search set, the news search feed for site:laodong.vn is read instead: an
    item linking to laodong.vn directly and one whose Google News address holds it are
    fetched and stored; one hidden behind an opaque Google id, another outlet's item and an
    item older than --since are not."""
    direct = "/thoi-su/ky-hop-hdnd-tp-ha-noi-chat-van-ve-ngap-ung-1300001.ldo"
    wrapped = "/thoi-su/hdnd-tp-giam-sat-chuyen-doi-so-1300002.ldo"
    old = "/thoi-su/ky-hop-hdnd-nam-2019-1300003.ldo"
    laodong = "https://laodong.vn"
    # An id of the older kind, built as GOOGLE_OLD is: field 1 = 19, field 4 = the address.
    payload = b"\x08\x13\x22" + bytes([len(laodong + wrapped)]) + (laodong + wrapped).encode()
    google_id = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    assert google_id.startswith("CBMi")

    def item(link, origin, day):
        return (f"<item><title>x</title><link>{link}</link><pubDate>{day}</pubDate>"
                f'<source url="{origin}">Báo</source></item>')

    feed = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>site:laodong.vn HĐND</title>'
            + item(laodong + direct, laodong, "Tue, 05 Mar 2024 02:00:00 GMT")
            + item(f"https://news.google.com/rss/articles/{google_id}?oc=5", laodong, "Wed, 06 Mar 2024 02:00:00 GMT")
            + item(f"https://news.google.com/rss/articles/{GOOGLE_NEW}?oc=5", laodong, "Wed, 06 Mar 2024 03:00:00 GMT")
            + item("https://baomoi.com/ky-hop-hdnd-tp-ha-noi-c48123.epi", "https://baomoi.com",
                   "Wed, 06 Mar 2024 04:00:00 GMT")
            + item(laodong + old, laodong, "Mon, 01 Jul 2019 02:00:00 GMT")
            + "</channel></rss>")
    cf = (403, {"Content-Type": "text/html; charset=UTF-8", "cf-mitigated": "challenge"}, CLOUDFLARE.encode())
    search = lambda path: xml(feed) if path.startswith("/rss/search?") else (404, {}, b"not found")  # noqa: E731
    with MockSite(Answering(cf)) as site, MockSite(Answering(search)) as google:
        site.pages.update({
            "/robots.txt": ROBOTS_ALLOW,
            direct: _article(laodong + direct, "Kỳ họp HĐND TP Hà Nội: chất vấn về ngập úng", COUNCIL,
                             "2024-03-05T09:00:00+07:00"),
            wrapped: _article(laodong + wrapped, "HĐND TP giám sát chuyển đổi số",
                              [p.replace("ngập úng", "chuyển đổi số") for p in COUNCIL], "2024-03-06T09:00:00+07:00"),
        })
        result = _crawl(db_path, "laodong", "--since", "2024-01-01",
                        hosts={"laodong.vn": site.base, "news.google.com": google.base},
                        sources={"laodong": _laodong(fallback=True)})
    searches = [p for p in google.log if p.startswith("/rss/search")]
    expected = FALLBACK_SEARCH_FEED.format(query="site:laodong.vn+H%C4%90ND").removeprefix("https://news.google.com")
    assert searches == [expected], google.log
    assert direct in site.log and wrapped in site.log and old not in site.log
    assert _stored(db_path) == {laodong + direct, laodong + wrapped}
    problems = _problems(db_path)
    assert [p for p in problems if p["kind"] == "search link hidden" and p["skipped"] and p["reason"].startswith("1 of ")]
    assert not [p for p in problems if "baomoi" in p["where"]]
    blocked = [p for p in problems if p["kind"] == "JavaScript challenge"]
    assert blocked and all("laodong.vn" in p["reason"] for p in blocked)
    assert result.returncode == 1 and "2 kept" in result.stdout, result.stdout + result.stderr


def test_a_gzip_bomb_sitemap_is_refused_not_inflated(db_path):
    """A .xml.gz of 9 MB once inflated (9 kB on the wire) is over DOWNLOAD_MAXSIZE: one
    failed sitemap, "too large once decompressed", and nothing read from it."""
    bomb = gzip.compress(b'<?xml version="1.0"?><urlset>' + b" " * (9 * 1024 * 1024) + b"</urlset>")
    assert len(bomb) < 64 * 1024
    with MockSite({"/robots.txt": ROBOTS_ALLOW, "/sitemap.xml.gz": (200, {"Content-Type": "application/gzip"}, bomb)}) as site:
        result = _crawl(db_path, "--url", f"{site.base}/sitemap.xml.gz", hosts={})
    assert result.returncode == 1, result.stderr
    (problem,) = _problems(db_path)
    assert problem["kind"] == "too large once decompressed" and problem["where"].endswith("/sitemap.xml.gz")
