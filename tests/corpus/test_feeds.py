"""Alerts and attention, over HTTP against a served corpus: the Atom feeds (parsed as
Atom with xml.etree), the monthly mentions chart and the promise page's "cite this" line."""

from __future__ import annotations

import html
import json
import re
import sqlite3
import urllib.parse
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
from click.testing import CliRunner

from corpus.cli import cli
from corpus.db import prepare_connection
from crawler.metadata import VIETNAM
from tests.conftest import article_html
from tests.corpus.conftest import get, serving
from tests.corpus.test_browser import _keep, browser  # noqa: F401 (the browser fixture)
from tests.data.web_pages import SITE

A = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<script>alert("x")</script> Hội đồng nhân dân & UBND'
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")


def atom(url: str) -> tuple[ET.Element, bytes]:
    """The feed at ``url``, checked for what Atom 1.0 requires of a feed and its entries."""
    status, body = get(url)
    assert status == 200, body
    feed = ET.fromstring(body)
    assert feed.tag == A + "feed"
    for child in ("id", "title", "updated"):
        assert (feed.findtext(A + child) or "").strip(), child
    assert STAMP.match(feed.findtext(A + "updated"))
    assert [link.get("href") for link in feed.findall(A + "link") if link.get("rel") == "self"] == [url]
    for entry in feed.findall(A + "entry"):
        assert entry.findtext(A + "id") and entry.findtext(A + "title")
        assert STAMP.match(entry.findtext(A + "updated"))
        assert entry.find(A + "link").get("href").startswith("http")
    return feed, body


def entries(feed: ET.Element) -> list[ET.Element]:
    return feed.findall(A + "entry")


def folded_match(db, expression: str) -> list[tuple[str, int]]:
    """(published, article id) of the articles the FTS expression matches, read directly."""
    conn = sqlite3.connect(db)
    prepare_connection(conn)
    try:
        return conn.execute("SELECT a.published, a.id FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
                            "WHERE articles_fts MATCH ?", (expression,)).fetchall()
    finally:
        conn.close()


def test_search_feed_lists_matches_newest_first_with_links_and_local_dates(server, web_corpus):
    feed, _ = atom(server + "/-/search.atom?q=bac+giang")
    found = folded_match(web_corpus, '{title_folded text_folded} : "bac giang"')
    newest_first = [i for _, i in sorted(found, reverse=True)]
    ids = [e.findtext(A + "id") for e in entries(feed)]
    assert ids == [f"{server}/hdnd/articles/{i}" for i in newest_first] and len(ids) >= 3
    with sqlite3.connect(web_corpus) as conn:
        urls = dict(conn.execute("SELECT id, url FROM articles"))
    for entry, article_id in zip(entries(feed), newest_first):
        link = entry.find(A + "link").get("href")
        # The publisher's page when the article came from the web; the reader page of an imported file's stored copy.
        assert link == (urls[article_id] if urls[article_id].startswith(SITE) else f"{server}/-/article/{article_id}")
        assert "bắc giang" in entry.findtext(A + "summary").lower()
    stored = [e.find(A + "link").get("href") for e in entries(feed) if not e.find(A + "link").get("href").startswith(SITE)]
    assert stored and get(stored[0])[0] == 200
    web = [e for e in entries(feed) if e.find(A + "link").get("href").startswith(SITE)][-1]
    assert web.findtext(A + "published") == "2024-05-16T09:30:00+07:00"
    assert web.findtext(A + "author/" + A + "name") == "baobacgiang.example.vn"
    assert feed.findtext(A + "updated") == max(e.findtext(A + "updated") for e in entries(feed))


def test_search_feed_limit_and_bad_requests_are_one_sentence(server):
    feed, _ = atom(server + "/-/search.atom?q=bac+giang&limit=1")
    assert len(entries(feed)) == 1
    feed, body = atom(server + "/-/search.atom?q=bac%0Bgiang%0C&limit=1")  # characters XML 1.0 forbids
    assert b"\x0b" not in body and b"\x0c" not in body and "bac" in feed.findtext(A + "title")
    for query, message in (("", b"Give the search as q="), ("?q=bac+giang&limit=0", b"The limit= must be"),
                           ("?q=bac+giang&since=May", b"The date since= must be")):
        status, body = get(server + "/-/search.atom" + query)
        assert status == 400 and body.startswith(message) and body.count(b".") >= 1


@pytest.fixture(scope="module")
def hostile_corpus(tmp_path_factory):
    """A corpus whose article title is markup and an ampersand, imported as a crawled page."""
    folder = tmp_path_factory.mktemp("hostile")
    page = folder / "hostile.html"
    page.write_text(article_html(html.escape(HOSTILE), [html.escape(p) for p in (
        "Kỳ họp Hội đồng nhân dân tỉnh bàn về giải phóng mặt bằng & tái định cư <b>khẩn</b> cho các dự án giao thông.",
        "Các đại biểu đề nghị công khai phương án bồi thường, hỗ trợ và bố trí đất tái định cư trước khi thu hồi đất.",
        "Sở Tài nguyên và Môi trường báo cáo tiến độ lập hồ sơ địa chính của từng thửa đất trong phạm vi dự án.")],
        url=SITE + "/hostile.html?a=1&b=2", published="2024-03-04T08:00:00+07:00"), encoding="utf-8")
    db = folder / "hdnd.db"
    result = CliRunner().invoke(cli, ["import", str(page), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return db


def test_a_hostile_title_is_escaped_text_in_the_feed(hostile_corpus):
    with sqlite3.connect(hostile_corpus) as conn:
        title, url = conn.execute("SELECT title, url FROM articles").fetchone()
    assert "<script>" in title and "&" in title
    with serving(hostile_corpus) as port:
        base = f"http://127.0.0.1:{port}"
        feed, body = atom(base + "/-/search.atom?q=" + urllib.parse.quote("giai phong mat bang"))
    assert b"<script>" not in body and b"&lt;script&gt;" in body and b"&amp; UBND" in body
    [entry] = entries(feed)
    assert entry.findtext(A + "title") == title
    assert entry.find(A + "link").get("href") == url and "&b=2" in url
    assert "& tái định cư" in entry.findtext(A + "summary")


def test_promises_feed_filters_by_status(server, web_corpus):
    with sqlite3.connect(web_corpus) as conn:
        # web_corpus was processed as of 2025-12-01, so the stored statuses are that day's.
        stored = dict(conn.execute("SELECT id, status FROM commitments WHERE kind = 'commitment' "
                                   "AND id IN (SELECT commitment_id FROM commitment_sources)"))
    for status in ("overdue", "open"):
        feed, _ = atom(f"{server}/-/promises.atom?status={status}&today=2025-12-01")
        ids = {e.findtext(A + "id") for e in entries(feed)}
        expected = {f"{server}/-/promise/{i}#{status}" for i, s in stored.items() if s == status}
        assert ids == expected and ids, status
        assert {e.find(A + "category").get("term") for e in entries(feed)} == {status}
        assert {e.find(A + "link").get("href") for e in entries(feed)} == {i.split("#")[0] for i in ids}
    both, _ = atom(f"{server}/-/promises.atom?status=overdue,open&today=2025-12-01")
    assert len(entries(both)) == sum(s in ("overdue", "open") for s in stored.values())
    # On 2025-06-15 the promise due by 2025-06-30 is coming due: its entry dates from 30 days before.
    due, _ = atom(f"{server}/-/promises.atom?status=due&today=2025-06-15")
    [entry] = entries(due)
    assert entry.findtext(A + "title").startswith("Hoàng Văn Nam: “") and entry.findtext(A + "id").endswith("#due")
    assert entry.findtext(A + "updated") == "2025-05-31T00:00:00+07:00"
    assert "2025-06-30" in entry.findtext(A + "summary")
    status, body = get(f"{server}/-/promises.atom?status=late")
    assert status == 400 and b"The status 'late' is not one of open, due, overdue" in body


def test_mentions_count_matching_articles_per_month(server, web_corpus):
    # "nam" (năm, Nam): in every page, the festival of November 2024 included, so months go by without a match.
    found = folded_match(web_corpus, '{title_folded text_folded} : "nam"')
    direct: dict[str, int] = {}
    for published, _ in found:
        direct[published[:7]] = direct.get(published[:7], 0) + 1
    status, body = get(server + "/-/mentions.json?q=nam")
    data = json.loads(body)
    assert status == 200 and data["total"] == len(found) and data["undated"] == 0
    assert {m["month"]: m["articles"] for m in data["months"] if m["articles"]} == direct
    months = [m["month"] for m in data["months"]]
    assert months[0] == min(direct) and months[-1] == max(direct) and len(months) > len(direct)  # gaps are 0
    svg = get(server + "/-/mentions.svg?q=nam")[1].decode()
    bars = re.findall(r'data-month="([\d-]+)" data-articles="(\d+)"', svg)
    assert [(m["month"], str(m["articles"])) for m in data["months"]] == bars
    page = get(server + "/-/mentions?q=nam")[1].decode()
    assert "<svg" in page and 'type="application/atom+xml"' in page and "since=2024-05-01&amp;until=2024-05-31" in page
    assert get(server + "/-/mentions.json?q=%22")[0] == 400


def test_promise_page_cites_each_source(server, web_corpus):
    with sqlite3.connect(web_corpus) as conn:
        rows = conn.execute("SELECT c.id, a.id, a.url, a.title FROM commitments c JOIN commitment_sources s "
                            "ON s.commitment_id = c.id JOIN articles a ON a.id = s.article_id "
                            "WHERE c.speaker IN ('Hoàng Văn Nam', 'Ngô Quang Vinh') ORDER BY c.speaker").fetchall()
    before = datetime.now(VIETNAM).date().isoformat()
    pages = {promise_id: get(f"{server}/-/promise/{promise_id}")[1].decode() for promise_id, *_ in rows}
    accessed = {before, datetime.now(VIETNAM).date().isoformat()}
    (web_id, _, web_url, web_title), (transcript_id, transcript_article, transcript_url, _) = rows
    assert web_url.startswith(SITE) and not transcript_url.startswith("http")
    cite = re.search(r'class="hdnd-cite-line">(.*?)</span></p>', pages[web_id], re.S).group(1)
    fields = dict(re.findall(r'class="hdnd-cite-(\w+)"[^>]*>([^<]*)<', cite))
    assert fields["outlet"] == "baobacgiang.example.vn" and fields["date"] == "2024-05-16"
    assert fields["title"] == web_title and html.unescape(fields["url"]) == web_url and fields["accessed"] in accessed
    cite = re.search(r'class="hdnd-cite-line">(.*?)</span></p>', pages[transcript_id], re.S).group(1)
    fields = dict(re.findall(r'class="hdnd-cite-(\w+)"[^>]*>([^<]*)<', cite))
    # An imported transcript is cited at our page for reading its stored copy, dated as it was read.
    assert fields["url"] == f"{server}/-/article/{transcript_article}" and fields["date"] == "2024-07-10"


@pytest.mark.parametrize("width", [1280, 390])
def test_mentions_chart_and_cite_lines_fit_the_window(browser, server, width):  # noqa: F811 (the fixture)
    browser.set_window_size(width, 900)
    promise = json.loads(get(server + "/hdnd/promises.json?_shape=array&speaker=Ho%C3%A0ng+V%C4%83n+Nam")[1])[0]["id"]
    browser.get(server + "/-/mentions?q=nam")
    inner, scroll = browser.execute_script("return [window.innerWidth, document.documentElement.scrollWidth]")
    assert scroll <= inner and browser.execute_script("return document.querySelector('svg rect.hdnd-bar') !== null")
    _keep(browser, f"mentions-{width}")
    # The cite lines wrap, their addresses too (the rest of the promise page's layout is the page's own).
    browser.get(server + f"/-/promise/{promise}")
    rights = browser.execute_script("return Array.from(document.querySelectorAll('.hdnd-cite, .hdnd-cite *'))"
                                    ".map(e => e.getBoundingClientRect().right)")
    assert rights and max(rights) <= inner, (width, max(rights), inner)
    _keep(browser, f"promise-cited-{width}")
