"""The news spider against a loopback site: discovery, filters before fetching, robots,
relevance, faults, storing, and a second crawl that fetches nothing already stored."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from corpus.db import connect
from tests.conftest import ROOT, article_html
from tests.crawler.mock_site import MockSite, html, xml
from tests.crawler.test_sources import PORTAL as SOURCE_FILE

COUNCIL = [
    "Sáng 5/7, HĐND tỉnh Bắc Giang khóa XIX khai mạc kỳ họp thứ 18 với phiên chất vấn về ngập úng đô thị.",
    "Trả lời chất vấn của đại biểu Nguyễn Thị Lan, Giám đốc Sở Xây dựng Trần Văn Hải cho biết, sở sẽ hoàn thành "
    "cải tạo 12 tuyến cống thoát nước trước ngày 31/12/2024.",
    "Nhiều cử tri phản ánh tình trạng ngập kéo dài tại các khu dân cư mới sau mỗi trận mưa lớn, ảnh hưởng đến "
    "sinh hoạt và sản xuất của người dân trên địa bàn thành phố Bắc Giang và các huyện lân cận.",
    "Hội đồng nhân dân tỉnh yêu cầu Ủy ban nhân dân tỉnh báo cáo kết quả thực hiện tại kỳ họp cuối năm.",
]
MARKET = [
    "Giá vàng miếng trong nước sáng nay giảm 500.000 đồng mỗi lượng so với cuối tuần trước, theo các doanh nghiệp.",
    "Các chuyên gia cho rằng giá vàng thế giới còn biến động mạnh trong những tuần tới do lo ngại lạm phát kéo dài.",
    "Nhiều nhà đầu tư nhỏ lẻ đã chốt lời, trong khi các ngân hàng thương mại giữ nguyên lãi suất huy động vốn.",
]
CHALLENGE = "<html><head><title>Just a moment...</title></head><body>Please enable JavaScript.</body></html>"


def _rss(base: str, items: list[tuple[str, str]]) -> str:
    entries = "".join(f"<item><title>x</title><link>{base}{path}</link><pubDate>{day}</pubDate></item>"
                      for path, day in items)
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>{entries}</channel></rss>'


@pytest.fixture
def site():
    with MockSite({}) as server:
        base = server.base
        article = lambda path, title, paragraphs, day: html(article_html(  # noqa: E731
            title, paragraphs, url=base + path, published=day))
        server.pages.update({
            "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"),
            "/rss.xml": xml(_rss(base, [
                ("/thoi-su/ky-hop-hdnd-tinh-chat-van-ve-ngap-ung-1234567.html", "Fri, 05 Jul 2024 10:00:00 +0700"),
                ("/the-thao/doi-tuyen-thang-dam-7654321.html", "Fri, 05 Jul 2024 11:00:00 +0700"),
                ("/thoi-su/ky-hop-hdnd-nam-2019-1111111.html", "Mon, 01 Jul 2019 09:00:00 +0700"),
                ("/private/chat-van-hdnd-bi-chan-2222222.html", "Fri, 05 Jul 2024 12:00:00 +0700"),
                ("/thoi-su/chat-van-gia-vang-3333333.html", "Fri, 05 Jul 2024 13:00:00 +0700"),
                ("/thoi-su/ky-hop-loi-4444444.html", "Fri, 05 Jul 2024 14:00:00 +0700"),
                ("/thoi-su/ky-hop-js-5555555.html", "Fri, 05 Jul 2024 15:00:00 +0700"),
            ])),
            "/sitemap.xml": xml('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                f"<sitemap><loc>{base}/sitemap-news.xml</loc><lastmod>2024-07-06</lastmod></sitemap>"
                                f"<sitemap><loc>{base}/sitemap-2018.xml</loc><lastmod>2018-12-31</lastmod></sitemap>"
                                "</sitemapindex>"),
            "/sitemap-news.xml": xml(
                '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
                f"<url><loc>{base}/thoi-su/hdnd-giam-sat-chuyen-doi-so-6666666.html</loc>"
                "<news:news><news:publication_date>2024-07-06T08:00:00+07:00</news:publication_date></news:news></url>"
                "</urlset>"),
            "/sitemap-2018.xml": xml("<urlset></urlset>"),
            "/thoi-su/ky-hop-hdnd-tinh-chat-van-ve-ngap-ung-1234567.html": article(
                "/thoi-su/ky-hop-hdnd-tinh-chat-van-ve-ngap-ung-1234567.html",
                "Kỳ họp HĐND tỉnh Bắc Giang: chất vấn về ngập úng", COUNCIL, "2024-07-05T10:00:00+07:00"),
            "/thoi-su/chat-van-gia-vang-3333333.html": article(
                "/thoi-su/chat-van-gia-vang-3333333.html", "Giá vàng giảm mạnh", MARKET, "2024-07-05T13:00:00+07:00"),
            "/thoi-su/ky-hop-loi-4444444.html": (500, {"Content-Type": "text/plain"}, b"server error"),
            "/thoi-su/ky-hop-js-5555555.html": html(CHALLENGE),
            "/thoi-su/hdnd-giam-sat-chuyen-doi-so-6666666.html": article(
                "/thoi-su/hdnd-giam-sat-chuyen-doi-so-6666666.html", "HĐND tỉnh giám sát chuyển đổi số",
                [p.replace("ngập úng", "chuyển đổi số") for p in COUNCIL], "2024-07-06T08:00:00+07:00"),
        })
        yield server


def _crawl(db_path, *args) -> subprocess.CompletedProcess:
    env = {**os.environ, "HDND_DOWNLOAD_DELAY": "0", "HDND_LOG_LEVEL": "ERROR"}
    return subprocess.run([sys.executable, "-m", "corpus", "crawl", *args, "--db", str(db_path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_feed_crawl_filters_before_fetching_and_stores_relevant_articles(site, db_path):
    result = _crawl(db_path, "--url", f"{site.base}/rss.xml", "--since", "2024-01-01")
    assert result.returncode == 1, result.stderr  # the HTTP 500 and the challenge page failed
    requested = set(site.log)
    assert "/thoi-su/ky-hop-hdnd-tinh-chat-van-ve-ngap-ung-1234567.html" in requested
    assert "/the-thao/doi-tuyen-thang-dam-7654321.html" not in requested       # slug
    assert "/thoi-su/ky-hop-hdnd-nam-2019-1111111.html" not in requested       # date
    assert not [p for p in requested if p.startswith("/private/")]            # robots.txt
    db = connect(db_path)
    urls = {row[0] for row in db.execute("SELECT url FROM articles")}
    assert urls == {f"{site.base}/thoi-su/ky-hop-hdnd-tinh-chat-van-ve-ngap-ung-1234567.html"}
    (run,) = db.execute("SELECT counts, problems, status FROM runs WHERE command = 'crawl'").fetchall()
    counts, problems = json.loads(run[0]), json.loads(run[1])
    assert counts["hdnd/kept"] == 1 and counts["hdnd/not_relevant"] == 1 and counts["hdnd/filtered_slug"] == 1
    assert counts["hdnd/filtered_date"] == 1 and run[2] == "failed"
    reasons = " ".join(p["reason"] for p in problems)
    assert "HTTP 500" in reasons and "JavaScript challenge" in reasons
    assert "1 kept" in result.stdout and "1 not relevant" in result.stdout


def test_sitemap_index_is_followed_by_date_and_a_second_crawl_fetches_nothing_stored(site, db_path):
    first = _crawl(db_path, "--url", f"{site.base}/sitemap.xml", "--since", "2024-01-01")
    assert first.returncode == 0, first.stderr
    assert "/sitemap-news.xml" in site.log and "/sitemap-2018.xml" not in site.log
    article = "/thoi-su/hdnd-giam-sat-chuyen-doi-so-6666666.html"
    assert site.log.count(article) == 1
    second = _crawl(db_path, "--url", f"{site.base}/sitemap.xml", "--since", "2024-01-01")
    assert second.returncode == 0, second.stderr
    assert site.log.count(article) == 1 and "1 already stored" in second.stdout
    assert connect(db_path)["articles"].count == 1
    assert "0 failed" in second.stdout


def test_unchanged_feed_is_not_parsed_again(site, db_path):
    status, headers, body = site.pages["/rss.xml"]
    site.pages["/rss.xml"] = (status, {**headers, "ETag": '"v1"'}, body)
    first = _crawl(db_path, "--url", f"{site.base}/rss.xml", "--since", "2024-01-01")
    assert first.returncode == 1 and "1 kept" in first.stdout  # 1: the feed's HTTP 500 and challenge page
    fetched = len(site.log)
    second = _crawl(db_path, "--url", f"{site.base}/rss.xml", "--since", "2024-01-01")
    assert "1 feed or listing unchanged" in second.stdout and "0 failed" in second.stdout
    assert site.log[fetched:] == ["/robots.txt", "/rss.xml"]  # nothing behind the feed was requested


def test_a_real_page_served_as_an_article_is_extracted(shared, db_path):
    page = (shared / "html" / "vnexpress_article.html").read_bytes()
    with MockSite({"/bai-viet.html": (200, {"Content-Type": "text/html; charset=utf-8"}, page)}) as server:
        result = _crawl(db_path, "--url", f"{server.base}/bai-viet.html", "--all")
    assert result.returncode == 0, result.stderr
    (title,) = [row[0] for row in connect(db_path).execute("SELECT title FROM articles")]
    assert title and "năng lượng" in title.lower()


def test_unknown_source_is_one_sentence(db_path, runner):
    from corpus.cli import cli

    result = runner.invoke(cli, ["crawl", "khong-co-bao-nay", "--db", str(db_path)])
    assert result.exit_code == 2 and "no source is called 'khong-co-bao-nay'" in result.output


def test_interrupted_crawl_resumes_to_the_same_articles(tmp_path, db_path):
    paths = [f"/thoi-su/ky-hop-hdnd-chat-van-so-{i}-{1000000 + i}.html" for i in range(24)]
    with MockSite({}) as server:
        base = server.base
        server.pages["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
        server.pages["/rss.xml"] = xml(_rss(base, [(p, "Fri, 05 Jul 2024 10:00:00 +0700") for p in paths]))
        for i, path in enumerate(paths):
            body = COUNCIL + [f"Đây là phiên chất vấn thứ {i} trong ngày, với {i + 3} đại biểu đăng ký phát biểu."]
            server.pages[path] = html(article_html(f"Kỳ họp HĐND: chất vấn số {i}", body, url=base + path,
                                                   published="2024-07-05T10:00:00+07:00"))
        server.delay = 0.3
        env = {**os.environ, "HDND_DOWNLOAD_DELAY": "0", "HDND_LOG_LEVEL": "ERROR"}
        args = [sys.executable, "-m", "corpus", "crawl", "--url", f"{base}/rss.xml", "--db", str(db_path),
                "--resume-dir", str(tmp_path / "state")]
        first = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while sum(p in paths for p in server.log) < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
        first.send_signal(signal.SIGINT)  # what Ctrl-C sends: Scrapy stops gracefully and keeps its queue
        first.communicate(timeout=60)
        stored_first = connect(db_path)["articles"].count
        assert 0 < stored_first < len(paths)
        server.delay = 0
        second = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stderr
    urls = [row[0] for row in connect(db_path).execute("SELECT url FROM articles")]
    assert sorted(urls) == sorted(base + p for p in paths)
    assert all(server.log.count(p) == 1 for p in paths)  # none fetched twice


def test_configured_source_crawled_against_its_real_pages(shared, db_path):
    """hdnd crawl vnexpress, with vnexpress.net mapped to the loopback server: the real
    listing page leads to the real article, and the listing's next page is asked for."""
    article = "/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html"
    pages = {"/thoi-su/chinh-tri-p1": (shared / "html" / "vnexpress_list.html").read_bytes(),
             article: (shared / "html" / "vnexpress_article.html").read_bytes()}
    with MockSite({path: (200, {"Content-Type": "text/html; charset=utf-8"}, body)
                   for path, body in pages.items()}) as server:
        env = {**os.environ, "HDND_DOWNLOAD_DELAY": "0", "HDND_LOG_LEVEL": "ERROR",
               "HDND_HOST_MAP": json.dumps({"vnexpress.net": server.base})}
        result = subprocess.run([sys.executable, "-m", "corpus", "crawl", "vnexpress", "--all", "--pages", "2",
                                 "--db", str(db_path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 1, result.stderr  # the feed, the sitemap and the listing's other articles are 404 here
    assert "failed: https://vnexpress.net/rss/thoi-su.rss: HTTP 404" in result.stderr  # named as the source has it
    assert {"/rss/thoi-su.rss", "/sitemap.xml", "/thoi-su/chinh-tri-p1", "/thoi-su/chinh-tri-p2", article} <= set(server.log)
    assert server.log.count(article) == 1  # the "#box_comment" link is the same page
    rows = list(connect(db_path).execute("SELECT url, title FROM articles"))
    assert rows == [("https://vnexpress.net" + article, rows[0][1])] and "năng lượng" in rows[0][1].lower()
    assert "vnexpress.net:" in result.stderr  # per-source counts


def test_faults_are_counted_with_reasons_and_the_crawl_goes_on(db_path):
    good = "/thoi-su/ky-hop-hdnd-tot-8888888.html"
    cp1258 = "/thoi-su/ky-hop-hdnd-windows-1258-9999999.html"
    with MockSite({}) as server:
        base = server.base
        day = "2024-07-05T10:00:00+07:00"
        legacy = article_html("Kỳ họp HĐND huyện: chất vấn", COUNCIL, url=base + cp1258, published=day)
        server.pages.update({
            "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"),
            "/rss.xml": xml(_rss(base, [(p, "Fri, 05 Jul 2024 10:00:00 +0700") for p in (
                "/thoi-su/ky-hop-ve-trang-chu-7777777.html", "/thoi-su/ky-hop-qua-lon-6666666.html", good, cp1258)])),
            "/broken.xml": xml('<?xml version="1.0"?><rss><channel><item><link>'),
            "/thoi-su/ky-hop-ve-trang-chu-7777777.html": (302, {"Location": "/"}, b""),
            "/": html("<html><body><a href='/a'>Trang chủ</a></body></html>"),
            "/thoi-su/ky-hop-qua-lon-6666666.html": (200, {"Content-Type": "text/html"}, b"<p>x</p>" * 1_300_000),
            good: html(article_html("Kỳ họp HĐND tỉnh: chất vấn", COUNCIL, url=base + good, published=day)),
            # Windows-1258 bytes and no charset anywhere.
            cp1258: (200, {"Content-Type": "text/html"},
                     legacy.replace('<meta charset="utf-8">', "").encode("cp1258", errors="replace")),
        })
        feed = _crawl(db_path, "--url", f"{base}/rss.xml")
        broken = _crawl(db_path, "--url", f"{base}/broken.xml")
    assert feed.returncode == 1 and broken.returncode == 1, feed.stderr + broken.stderr
    db = connect(db_path)
    assert {row[0] for row in db.execute("SELECT url FROM articles")} == {base + good, base + cp1258}
    problems = [json.loads(row[0]) for row in db.execute("SELECT problems FROM runs WHERE command = 'crawl'")]
    reasons = " | ".join(p["reason"] for run in problems for p in run)
    assert "redirected to the home page" in reasons
    assert "ResponseNeverReceived" in reasons or "maxsize" in reasons.lower() or "cancelled" in reasons.lower()
    assert "the feed" in reasons  # malformed or empty feed, said in one line


def test_progress_lines_group_counts_by_source():
    from crawler.progress import progress_lines

    stats = {"hdnd/fetched/a.vn": 3, "hdnd/kept/a.vn": 1, "hdnd/failed/b.vn": 2, "hdnd/kept": 1, "other": 5}
    assert progress_lines(stats) == ["  a.vn: fetched 3, kept 1", "  b.vn: failed 2"]


def test_the_spider_runs_alone_with_scrapy(site, tmp_path):
    out = tmp_path / "items.jsonl"
    env = {**os.environ, "HDND_DOWNLOAD_DELAY": "0", "HDND_LOG_LEVEL": "ERROR"}
    result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"url={site.base}/rss.xml",
                             "-a", "since=2024-01-01", "-O", str(out)], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    (item,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert item["url"].endswith("ky-hop-hdnd-tinh-chat-van-ve-ngap-ung-1234567.html")
    assert item["relevance"] >= 4 and "raw_html" not in item


def test_site_search_reads_result_pages_as_listings_across_subdomains(db_path):
    """hdnd crawl vnexpress dantri --search: vnexpress's search lives on timkiem.vnexpress.net
    and links to vnexpress.net articles; the next result page is followed; dantri's search
    page is asked with the query in its path; feeds and sitemaps are not asked at all."""
    day = "2024-07-05T10:00:00+07:00"
    kept = "/thoi-su/chat-van-hdnd-ve-ngap-ung-4812345.html"
    second = "/thoi-su/ky-hop-hdnd-giam-sat-4812346.html"
    off_topic = "/the-thao/bong-da-4812347.html"
    with MockSite({}) as server:
        base = server.base
        results = lambda *paths, nxt="": html(  # noqa: E731
            "<html><body>" + "".join(f"<a href='https://vnexpress.net{p}'>x</a>" for p in paths) + nxt + "</body></html>")
        server.pages.update({
            "/?q=ch%E1%BA%A5t+v%E1%BA%A5n+H%C4%90ND": results(kept, off_topic,
                                                               nxt="<a rel='next' href='/?q=x&page=2'>2</a>"),
            "/?q=x&page=2": results(second),
            kept: html(article_html("Chất vấn HĐND về ngập úng", COUNCIL, url="https://vnexpress.net" + kept,
                                    published=day)),
            second: html(article_html("Kỳ họp HĐND giám sát", [p.replace("ngập úng", "chuyển đổi số") for p in COUNCIL],
                                      url="https://vnexpress.net" + second, published=day)),
        })
        env = {**os.environ, "HDND_DOWNLOAD_DELAY": "0", "HDND_LOG_LEVEL": "ERROR",
               "HDND_HOST_MAP": json.dumps({"vnexpress.net": base, "dantri.com.vn": base})}
        result = subprocess.run([sys.executable, "-m", "corpus", "crawl", "vnexpress", "dantri", "--search",
                                 "chất vấn HĐND", "--db", str(db_path)],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 1, result.stderr  # dantri's search page is 404 here
    assert "/tim-kiem/ch%E1%BA%A5t+v%E1%BA%A5n+H%C4%90ND.htm" in server.log   # dantri's search page
    assert off_topic not in server.log                                        # slug filter still applies
    assert not [p for p in server.log if "rss" in p or "sitemap" in p]
    urls = {row[0] for row in connect(db_path).execute("SELECT url FROM articles")}
    assert urls == {"https://vnexpress.net" + kept, "https://vnexpress.net" + second}


def test_search_cannot_be_combined_with_url(db_path, runner):
    from corpus.cli import cli

    result = runner.invoke(cli, ["crawl", "--url", "http://127.0.0.1:9/rss.xml", "--search", "HĐND",
                                 "--db", str(db_path)])
    assert result.exit_code == 2 and "cannot be combined with --url" in result.output


# The council portal of test_sources, its article body in a block of its own.
PORTAL = SOURCE_FILE.replace('body = ["div.news-content"]', 'body = ["div.noi-dung"]')


def test_a_council_portal_added_as_a_data_file_is_crawled(tmp_path, db_path):
    """No Python: a TOML file in --sources-dir makes a new portal crawlable by its key,
    with its own body selector used before the generic ones."""
    folder = tmp_path / "nguon"
    folder.mkdir()
    (folder / "vinhlong.toml").write_text(PORTAL, encoding="utf-8")
    article = "/tin-tuc/ky-hop-thu-18-hdnd-tinh-123.html"
    listing = f'<html><body><a href="{article}">Kỳ họp thứ 18</a> <a href="/gioi-thieu">Giới thiệu</a></body></html>'
    page = (f'<html lang="vi"><head><meta charset="utf-8"><title>Kỳ họp thứ 18 HĐND tỉnh</title>'
            f'<meta property="article:published_time" content="2024-07-05T10:00:00+07:00"></head><body>'
            f'<div class="quang-cao"><p>{MARKET[0]}</p></div><h1>Kỳ họp thứ 18 HĐND tỉnh</h1>'
            f'<div class="noi-dung">{"".join(f"<p>{p}</p>" for p in COUNCIL)}</div></body></html>')
    with MockSite({"/tin-tuc?page=1": html(listing), article: html(page)}) as server:
        env = {**os.environ, "HDND_DOWNLOAD_DELAY": "0", "HDND_HOST_MAP": json.dumps({"hdnd.vinhlong.gov.vn": server.base})}
        result = subprocess.run([sys.executable, "-m", "corpus", "crawl", "hdnd_vinhlong", "--sources-dir", str(folder),
                                 "--pages", "1", "--db", str(db_path)], cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=180)
    assert result.returncode == 0, result.stderr
    rows = list(connect(db_path).execute("SELECT url, text, s.name FROM articles JOIN sources s ON s.id = source_id"))
    assert [(url, name) for url, _, name in rows] == [("https://hdnd.vinhlong.gov.vn" + article,
                                                       "Hội đồng nhân dân tỉnh Vĩnh Long")]
    assert "Trần Văn Hải" in rows[0][1] and "Giá vàng" not in rows[0][1]
    bad = subprocess.run([sys.executable, "-m", "corpus", "crawl", "nope", "--sources-dir", str(tmp_path / "missing"),
                          "--db", str(db_path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "missing: is not a folder of source files" in bad.stderr


def test_a_listing_without_page_numbers_follows_rel_next_and_a_source_without_addresses_says_so(tmp_path, db_path):
    folder = tmp_path / "nguon"
    folder.mkdir()
    (folder / "vinhlong.toml").write_text(PORTAL.replace("/tin-tuc?page={page}", "/tin-tuc"), encoding="utf-8")
    (folder / "bare.toml").write_text('key = "bare"\ndomain = "bare.example.vn"\nname = "Không có địa chỉ"\n',
                                      encoding="utf-8")
    first = '<html><body><a href="/tin-tuc/ky-hop-thu-nhat-1.html">1</a><a rel="next" href="/tin-tuc/p2">Sau</a></body></html>'
    second = '<html><body><a href="/tin-tuc/ky-hop-thu-hai-2.html">2</a></body></html>'
    with MockSite({"/tin-tuc": html(first), "/tin-tuc/p2": html(second)}) as server:
        env = {**os.environ, "HDND_DOWNLOAD_DELAY": "0",
               "HDND_HOST_MAP": json.dumps({"hdnd.vinhlong.gov.vn": server.base, "bare.example.vn": server.base})}
        result = subprocess.run([sys.executable, "-m", "corpus", "crawl", "hdnd_vinhlong", "bare", "--sources-dir",
                                 str(folder), "--pages", "2", "--db", str(db_path)], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=180)
        log = list(server.log)
    assert {"/tin-tuc", "/tin-tuc/p2", "/tin-tuc/ky-hop-thu-nhat-1.html", "/tin-tuc/ky-hop-thu-hai-2.html"} <= set(log)
    assert "skipped: https://bare.example.vn/: has no feeds, sitemaps or listings with evidence yet" in result.stderr
