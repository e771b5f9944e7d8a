"""Pages per second for crawl + extract + store against a loopback site, and extraction
time per page beside trafilatura's own on the same pages, in the same process.

Run: python benchmarks/crawl_speed.py [--pages 300]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import article_html, article_text  # noqa: E402
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


def extraction_ratio(bodies: list[bytes]) -> None:
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
    print(f"extraction: ours {ours:.1f} ms/page, trafilatura.extract {theirs:.1f} ms/page, ratio {ours / theirs:.2f}×")


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
        extraction_ratio(bodies[:100])
        start = time.perf_counter()
        summary = run_crawl(Path(tmp) / "bench.db", {"url": f"{server.base}/rss.xml", "pages": 1},
                            {"AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 8})
        elapsed = time.perf_counter() - start
    print(f"crawl + extract + store: {summary.count('fetched')} pages in {elapsed:.1f} s, "
          f"{summary.count('fetched') / elapsed:.1f} pages/s (politeness off: no delay, 8 per domain)")
    print(summary.line())


if __name__ == "__main__":
    main()
