"""Pages per second of ``hdnd crawl --all`` (fetch, relevance, extraction, store into a new
SQLite corpus) beside a bare Scrapy spider that fetches the same URLs and does nothing else,
both whole processes against one loopback site of the real saved article pages of
``../shared/html`` (each served as many times as needed under its own URL, its first line
numbered so that no copy is stored as a duplicate of another), with the same politeness
settings except the delay between requests, set to 0 for the benchmark only (no delay;
robots.txt obeyed, AutoThrottle on, two requests at a time per site). Then extraction
time per page beside trafilatura's own on the same pages, in the same process; then the
bytes one article takes in a WARC file and in the store, from a crawl (``hdnd crawl --all
--warc-dir``) of the real saved article pages of ``../shared/html`` served on loopback.

Last, what the shared frontier costs in Redis (when redis-server is installed): bytes per URL
in the seen-set and per request waiting in the queue, and how many requests one client moves
from the queue to the in-flight list and out again per second (crawler.frontier's own script).

Run: python benchmarks/crawl_speed.py [--pages 300]
(``--bare-spider URL`` is the baseline's own process: it prints Scrapy's stats as JSON.)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import SHARED, article_html, article_text  # noqa: E402
from tests.crawler.mock_site import MockSite, html, xml  # noqa: E402


def pages(base: str, count: int) -> dict:
    site = {"/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")}
    items = []
    for i in range(count):
        path = f"/thoi-su/ky-hop-hdnd-chat-van-{i}-{1000000 + i}.html"
        paragraphs = [p for p in article_text(i, paragraphs=8).splitlines()[2:] if p]
        site[path] = html(article_html(f"Kỳ họp HĐND tỉnh: chất vấn số {i}", paragraphs, url=base + path,
                                       published="2024-07-05T10:00:00+07:00"))
        items.append(f"<item><link>{base}{path}</link><pubDate>Fri, 05 Jul 2024 10:00:00 +0700</pubDate></item>")
    site["/rss.xml"] = xml(f"<rss><channel>{''.join(items)}</channel></rss>")
    return site


def extraction_ratio(pages: list[tuple[str, bytes]], label: str) -> None:
    """CPU per page of our extraction (at each page's own address, so with its outlet's
    selectors) and of trafilatura.extract, on the same pages in this process."""
    import trafilatura

    from crawler.extract import extract_bytes

    start = time.process_time()
    for url, body in pages:
        extract_bytes(body, url, "text/html; charset=utf-8")
    ours = (time.process_time() - start) / len(pages) * 1000
    start = time.process_time()
    for _, body in pages:
        trafilatura.extract(body.decode("utf-8"))
    theirs = (time.process_time() - start) / len(pages) * 1000
    print(f"extraction of {label}: ours {ours:.1f} ms CPU/page, trafilatura.extract {theirs:.1f} ms CPU/page, "
          f"ratio {ours / theirs:.2f}×")


def real_articles() -> list[tuple[str, bytes]]:
    """(address, page) of every saved article page listed in ../shared/html."""
    folder = SHARED / "html"
    with (folder / "MANIFEST.tsv").open(encoding="utf-8") as manifest:
        rows = [row for row in csv.DictReader(manifest, delimiter="\t") if row["page_type"] == "article"]
    return [(row["original_url"], (folder / row["file"]).read_bytes()) for row in rows]


def copies(count: int) -> tuple[dict, list[str]]:
    """``count`` pages from the real ones in turn, each at its outlet's own address under a
    folder of its copy's number (``https://vnexpress.net/c7/...html``), which the page's
    canonical links name too, and its first line of text numbered (wherever the page repeats
    it): every copy is a new article, read with its outlet's own selectors as in a real crawl.
    Returns the site (path -> page) and the copies' URLs."""
    from crawler.extract import extract_bytes

    articles = [(url, body.decode("utf-8")) for url, body in real_articles()]
    firsts = [extract_bytes(body.encode("utf-8"), url, "text/html; charset=utf-8").text.split("\n")[0][:40]
              for url, body in articles]
    site, urls = {}, []
    for i in range(count):
        (url, body), first = articles[i % len(articles)], firsts[i % len(articles)]
        parts = urlsplit(url)
        copy = urlunsplit((parts.scheme, parts.netloc, f"/c{i}{parts.path}", parts.query, ""))
        site[f"/c{i}{parts.path}"] = html(body.replace(url, copy).replace(first, f"{i}. {first}"))
        urls.append(copy)
    return site, urls


def bare_spider(url: str) -> None:
    """The baseline: a Scrapy spider that reads the feed and fetches every link in it, with
    nothing else (no middlewares, pipelines or extensions of ours), under the same politeness
    settings as hdnd crawl (its delay set to 0 as for the crawl); prints Scrapy's stats."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    from crawler import settings as ours

    class Bare(scrapy.Spider):
        name = "bare"
        start_urls = [url]

        def parse(self, response):
            for link in response.xpath("//item/link/text()").getall():
                yield scrapy.Request(link, callback=self.fetched)

        def fetched(self, response):
            return None

    same = ("USER_AGENT", "ROBOTSTXT_OBEY", "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_DELAY",
            "AUTOTHROTTLE_ENABLED", "AUTOTHROTTLE_START_DELAY", "AUTOTHROTTLE_MAX_DELAY",
            "AUTOTHROTTLE_TARGET_CONCURRENCY", "TWISTED_REACTOR", "REQUEST_FINGERPRINTER_IMPLEMENTATION")
    process = CrawlerProcess({**{name: getattr(ours, name) for name in same}, "LOG_LEVEL": "ERROR",
                              "TELNETCONSOLE_ENABLED": False})
    crawler = process.create_crawler(Bare)
    process.crawl(crawler)
    process.start()
    print(json.dumps(crawler.stats.get_stats(), default=str))


def _children_cpu() -> float:
    """CPU seconds (user and system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def throughput(count: int) -> None:
    """Pages/s of hdnd crawl --all and of the bare spider, one after the other on the same
    site (served from this process), each in a process of its own; the crawl phase is
    Scrapy's own elapsed_time_seconds (from the spider's opening to its closing)."""
    from corpus.db import connect

    site, urls = copies(count)
    with MockSite(site) as server, tempfile.TemporaryDirectory() as tmp:
        server.pages["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
        server.pages["/rss.xml"] = xml(f"<rss><channel>{''.join(f'<item><link>{u}</link></item>' for u in urls)}</channel></rss>")
        server.pages["/bare.xml"] = xml("<rss><channel>" + "".join(
            f"<item><link>{server.base}{urlsplit(u).path}</link></item>" for u in urls) + "</channel></rss>")
        env = {**os.environ, "HDND_DOWNLOAD_DELAY": "0", "HDND_PROGRESS_INTERVAL": "0",
               "HDND_HOST_MAP": json.dumps({urlsplit(u).hostname: server.base for u in urls})}
        feed, db_path = f"{server.base}/rss.xml", Path(tmp) / "hdnd.db"
        start, cpu = time.perf_counter(), _children_cpu()
        bare = subprocess.run([sys.executable, __file__, "--bare-spider", f"{server.base}/bare.xml"], cwd=ROOT,
                              check=True, capture_output=True, text=True, env=env)
        bare_wall, bare_cpu = time.perf_counter() - start, _children_cpu() - cpu
        bare_stats = json.loads(bare.stdout.strip().splitlines()[-1])
        start, cpu = time.perf_counter(), _children_cpu()
        subprocess.run([sys.executable, "-m", "corpus", "crawl", "--url", feed, "--all", "--db", str(db_path)],
                       cwd=ROOT, check=True, capture_output=True, env=env)
        ours_wall, ours_cpu = time.perf_counter() - start, _children_cpu() - cpu
        db = connect(db_path)
        stats = json.loads(db.execute("SELECT counts FROM runs WHERE command = 'crawl'").fetchone()[0])
        stored = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        db.conn.close()
    fetched = stats["hdnd/fetched"]
    bare_fetched = bare_stats["response_received_count"] - 2  # robots.txt and the feed
    assert bare_fetched == fetched, (bare_fetched, fetched)
    ours_rate, bare_rate = fetched / stats["elapsed_time_seconds"], bare_fetched / bare_stats["elapsed_time_seconds"]
    print(f"crawl phase, {count} copies of the real article pages on loopback (delay 0 for the benchmark only; "
          f"robots.txt, AutoThrottle and 2 per site as configured):")
    print(f"  hdnd crawl --all: {fetched} fetched, {stored} stored, {stats['elapsed_time_seconds']:.1f} s: "
          f"{ours_rate:.1f} pages/s ({fetched / ours_wall:.1f} pages/s counting the whole process, {ours_wall:.1f} s; "
          f"{ours_cpu / fetched * 1000:.0f} ms CPU per page, start-up included)")
    print(f"  bare Scrapy spider: {bare_fetched} fetched, {bare_stats['elapsed_time_seconds']:.1f} s: "
          f"{bare_rate:.1f} pages/s ({bare_fetched / bare_wall:.1f} pages/s counting the whole process, {bare_wall:.1f} s; "
          f"{bare_cpu / bare_fetched * 1000:.0f} ms CPU per page, start-up included)")
    print(f"  ratio (bare / ours, crawl phase): {bare_rate / ours_rate:.2f}×")


def sizes() -> None:
    """Bytes per article in WARC.gz and in the store, for the real pages (the crawl runs in
    a process of its own: Scrapy's reactor runs once per process)."""
    from corpus.db import connect

    articles = [(f"/{i}/{url.rsplit('/', 1)[1]}", body) for i, (url, body) in enumerate(real_articles())]
    with MockSite({}) as server, tempfile.TemporaryDirectory() as tmp:
        items = "".join(f"<item><link>{server.base}{path}</link></item>" for path, _ in articles)
        server.pages.update({path: (200, {"Content-Type": "text/html; charset=utf-8"}, body) for path, body in articles})
        server.pages["/rss.xml"] = xml(f"<rss><channel>{items}</channel></rss>")
        empty, db_path, warc = Path(tmp) / "empty.db", Path(tmp) / "hdnd.db", Path(tmp) / "warc"
        connect(empty).conn.close()
        subprocess.run([sys.executable, "-m", "corpus", "crawl", "--url", f"{server.base}/rss.xml", "--all", "--db",
                        str(db_path), "--warc-dir", str(warc)], cwd=ROOT, check=True, capture_output=True,
                       env={**os.environ, "HDND_DOWNLOAD_DELAY": "0"})
        db = connect(db_path)
        stored, chars = db.execute("SELECT count(*), avg(length(text)) FROM articles").fetchone()
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.conn.close()
        page = sum(len(body) for _, body in articles) / len(articles)
        in_warc = sum(f.stat().st_size for f in warc.glob("*.warc.gz")) / len(articles)
        in_store = (db_path.stat().st_size - empty.stat().st_size) / stored
    extraction_ratio(real_articles() * 3, "the real pages (each 3 times)")
    print(f"real article pages ({len(articles)} from ../shared/html, {stored} stored, {chars:.0f} characters of text "
          f"each on average): HTML {page / 1024:.0f} KiB/page, "
          f"WARC.gz {in_warc / 1024:.0f} KiB/page (request, response and metadata records), "
          f"store {in_store / 1024:.0f} KiB/article (text, gzipped HTML, search index; before hdnd process)")


def frontier_cost(count: int = 100_000) -> None:
    """Redis memory per seen URL and per queued request, and take-and-finish cycles per second,
    on a redis-server started here on a free loopback port."""
    binary = shutil.which("redis-server")
    if binary is None:
        print("frontier: redis-server is not installed here, not measured")
        return
    import redis
    from scrapy import Request
    from scrapy.utils.request import fingerprint
    from scrapy_redis import picklecompat

    from crawler.frontier import _TAKE

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = redis.Redis(port=port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        requests = [Request(f"https://baohanoi.vn/thoi-su/ky-hop-hdnd-chat-van-so-{i}-{2000000 + i}.html",
                            meta={"hdnd_source": "baohanoi.vn"}, priority=10) for i in range(count)]
        used = client.info("memory")["used_memory"]
        client.sadd("news:dupefilter", *[fingerprint(r).hex() for r in requests])
        seen = (client.info("memory")["used_memory"] - used) / count
        used = client.info("memory")["used_memory"]
        client.zadd("news:requests", {picklecompat.dumps(r.to_dict()): -r.priority for r in requests})
        queued = (client.info("memory")["used_memory"] - used) / count
        take = client.register_script(_TAKE)
        start = time.perf_counter()
        for i in range(count):
            take(keys=["news:requests", "news:inflight", "news:owners"], args=[str(i), "bench:1"])
            client.hdel("news:inflight", str(i))
            client.hdel("news:owners", str(i))
        cycles = count / (time.perf_counter() - start)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"frontier in Redis: {seen:.0f} bytes per URL seen, {queued:.0f} bytes per request queued; "
          f"{cycles:.0f} requests taken and finished per second by one client (3 round trips each)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300, help="article pages each crawl fetches")
    parser.add_argument("--crawl-only", action="store_true", help="only the crawl phase beside the bare spider")
    parser.add_argument("--bare-spider", metavar="FEED", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_spider:
        bare_spider(args.bare_spider)
        return
    throughput(args.pages)
    if args.crawl_only:
        return
    with MockSite({}) as server:
        generated = [(server.base + path, body) for path, (_, _, body) in pages(server.base, 100).items()
                     if path.endswith(".html")]
    extraction_ratio(generated, "generated pages")
    sizes()
    frontier_cost()


if __name__ == "__main__":
    main()
