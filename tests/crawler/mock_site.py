"""A small news site on a loopback port, for spiders to crawl for real in tests.

Every request is logged, so tests can assert what was never fetched.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Page = tuple[int, dict[str, str], bytes]


class MockSite:
    def __init__(self, pages: dict[str, Page]):
        self.pages = pages
        self.log: list[str] = []
        self.delay = 0.0          # seconds before answering an article (a slow site)
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the http.server API)
                site.log.append(self.path)
                if site.delay and self.path.endswith(".html"):
                    time.sleep(site.delay)
                status, headers, body = site.pages.get(self.path, (404, {"Content-Type": "text/plain"}, b"not found"))
                if headers.get("ETag") and self.headers.get("If-None-Match") == headers["ETag"]:
                    status, body = 304, b""
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "MockSite":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def html(body: str, charset: str = "utf-8") -> Page:
    return 200, {"Content-Type": f"text/html; charset={charset}"}, body.encode(charset)


def xml(body: str) -> Page:
    return 200, {"Content-Type": "application/xml; charset=utf-8"}, body.encode("utf-8")
