"""Pages per second for crawl + extract + store against a loopback site, and extraction
time per page beside trafilatura's own on the same pages, in the same process; then the
bytes one article takes in a WARC file and in the store, from a crawl (``hdnd crawl --all
--warc-dir``) of the real saved article pages of ``../shared/html`` served on loopback.

Last, what the shared frontier costs in Redis (when redis-server is installed): bytes per URL
in the seen-set and per request waiting in the queue, and how many requests one client moves
from the queue to the in-flight list and out again per second (crawler.frontier's own script).

Run: python benchmarks/crawl_speed.py [--pages 300]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def extraction_ratio(bodies: list[bytes], label: str) -> None:
    import trafilatura

    from crawler.extract import extract_bytes

    start = time.perf_counter()
    for body in bodies:
        extract_bytes(body, "https://example.vn/a-1234567.html", "text/html; charset=utf-8")
    ours = (time.perf_counter() - start) / len(bodies) * 1000
    start = time.perf_counter()
    for body in bodies:
        trafilatura.extract(body.decode("utf-8"))
    theirs = (time.perf_counter() - start) / len(bodies) * 1000
    print(f"extraction of {label}: ours {ours:.1f} ms/page, trafilatura.extract {theirs:.1f} ms/page, "
          f"ratio {ours / theirs:.2f}×")


def real_articles() -> list[tuple[str, bytes]]:
    """(path on the site, page) of every saved article page listed in ../shared/html."""
    folder = SHARED / "html"
    with (folder / "MANIFEST.tsv").open(encoding="utf-8") as manifest:
        rows = [row for row in csv.DictReader(manifest, delimiter="\t") if row["page_type"] == "article"]
    return [(f"/{row['site']}/{row['original_url'].rsplit('/', 1)[1]}", (folder / row["file"]).read_bytes()) for row in rows]


def sizes() -> None:
    """Bytes per article in WARC.gz and in the store, for the real pages (the crawl runs in
    a process of its own: Scrapy's reactor runs once per process)."""
    from corpus.db import connect

    articles = real_articles()
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
    extraction_ratio([body for _, body in articles], "the real pages")
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
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    os.environ["HDND_DOWNLOAD_DELAY"] = "0"
    os.environ.setdefault("HDND_LOG_LEVEL", "ERROR")
    from corpus.crawl import run_crawl

    with MockSite({}) as server, tempfile.TemporaryDirectory() as tmp:
        server.pages.update(pages(server.base, args.pages))
        bodies = [body for path, (_, _, body) in server.pages.items() if path.endswith(".html")]
        extraction_ratio(bodies[:100], "generated pages")
        start = time.perf_counter()
        summary = run_crawl(Path(tmp) / "bench.db", {"url": f"{server.base}/rss.xml", "pages": 1},
                            {"AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 8})
        elapsed = time.perf_counter() - start
    print(f"crawl + extract + store: {summary.count('fetched')} pages in {elapsed:.1f} s, "
          f"{summary.count('fetched') / elapsed:.1f} pages/s (politeness off: no delay, 8 per domain)")
    print(summary.line())
    sizes()
    frontier_cost()


if __name__ == "__main__":
    main()
