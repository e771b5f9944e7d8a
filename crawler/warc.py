"""What a crawl fetched, as rotating WARC.gz files (``hdnd crawl --warc-dir DIR``), for the
store's machine to take in with ``hdnd import DIR`` (or ``--watch``).

Each response is written with the request that asked for it and a metadata record (which
process fetched it, from which source, how long it took), all three linked by
``WARC-Concurrent-To``. The body is stored as Scrapy decoded it (gzip, deflate or Brotli
undone, ``Content-Encoding`` left out), so any WARC reader takes it as is. A file is written
as ``NAME.warc.gz.open`` and renamed to ``NAME.warc.gz`` once complete (after
``HDND_WARC_MAX_MB`` megabytes or ``HDND_WARC_MAX_SECONDS`` seconds, when the crawl is idle,
and when it ends): a reader that takes only ``.warc.gz`` names never sees half a file. A
killed process leaves its ``.open`` file behind, unread; on a shared frontier the requests
in it go back to the queue (see crawler.frontier).
"""

from __future__ import annotations

import http
import os
import socket
import time
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.middlewares import ORIGINAL

FLUSH_WARC = object()      # signal: complete the current file now (the crawl is idle or closing)
WARC_COMPLETED = object()  # signal (path): a file was completed and renamed
OPEN_SUFFIX = ".open"
DROPPED_HEADERS = {b"content-encoding", b"transfer-encoding", b"content-length"}


class WarcWriterMiddleware:
    """Writes every response this process fetched (downloader middleware, after the
    response has been decoded)."""

    def __init__(self, folder: str, crawler, max_bytes: int, max_seconds: float):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.crawler = crawler
        self.max_bytes = max_bytes
        self.max_seconds = max_seconds
        self.tag = f"{socket.gethostname()}-{os.getpid()}"
        self.count = 0
        self.file = None
        self.writer = None
        self.opened = 0.0

    @classmethod
    def from_crawler(cls, crawler):
        folder = crawler.settings.get("HDND_WARC_DIR")
        if not folder:
            raise NotConfigured
        writer = cls(folder, crawler, int(crawler.settings.getfloat("HDND_WARC_MAX_MB") * 1024 * 1024),
                     crawler.settings.getfloat("HDND_WARC_MAX_SECONDS"))
        crawler.signals.connect(writer.complete, signal=FLUSH_WARC)
        crawler.signals.connect(writer.complete, signal=signals.spider_closed)
        return writer

    def process_response(self, request, response, spider=None):
        if self.file is None:
            self._open()
        self._write(request, response)
        if self.file.tell() >= self.max_bytes or time.monotonic() - self.opened >= self.max_seconds:
            self.complete()
        return response

    def _open(self) -> None:
        from warcio.warcwriter import WARCWriter

        self.count += 1
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        self.path = self.folder / f"hdnd-{stamp}-{self.tag}-{self.count:05d}.warc.gz"
        self.file = open(f"{self.path}{OPEN_SUFFIX}", "wb")
        self.writer = WARCWriter(self.file, gzip=True, warc_version="1.1")
        self.writer.write_record(self.writer.create_warcinfo_record(
            self.path.name, {"software": "hdnd/0.1 (Scrapy)", "hostname": socket.gethostname()}))
        self.opened = time.monotonic()

    def _write(self, request, response) -> None:
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.timeutils import datetime_to_iso_date

        url = response.url
        when = {"WARC-Date": datetime_to_iso_date(datetime.now(timezone.utc))}
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, values in response.headers.items()
                   for v in values if k.lower() not in DROPPED_HEADERS]
        headers.append(("Content-Length", str(len(response.body))))
        status = f"{response.status} {_phrase(response.status)}"
        answer = self.writer.create_warc_record(url, "response", payload=BytesIO(response.body), warc_headers_dict=when,
                                                http_headers=StatusAndHeaders(status, headers, protocol="HTTP/1.1"))
        linked = {**when, "WARC-Concurrent-To": answer.rec_headers.get_header("WARC-Record-ID")}
        parts = urlsplit(request.meta.get(ORIGINAL, url))
        asked = [(k.decode("latin-1"), v.decode("latin-1")) for k, values in request.headers.items() for v in values]
        line = f"{request.method} {parts.path or '/'}{'?' + parts.query if parts.query else ''} HTTP/1.1"
        question = self.writer.create_warc_record(
            url, "request", payload=BytesIO(request.body), warc_headers_dict=linked,
            http_headers=StatusAndHeaders(line, [("Host", parts.netloc), *asked], is_http_request=True))
        fields = {"fetched-by": self.tag, "download-ms": str(int(1000 * (request.meta.get("download_latency") or 0))),
                  "hdnd-source": str(request.meta.get("hdnd_start") or request.meta.get("hdnd_source") or "")}
        about = self.writer.create_warc_record(
            url, "metadata", payload=BytesIO("".join(f"{k}: {v}\r\n" for k, v in fields.items() if v).encode()),
            warc_content_type="application/warc-fields", warc_headers_dict=linked)
        for record in (answer, question, about):
            self.writer.write_record(record)

    def complete(self, *args, **kwargs) -> None:
        """Finish the current file (flushed to disk) and give it its final name."""
        if self.file is None:
            return
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        self.file = None
        os.replace(f"{self.path}{OPEN_SUFFIX}", self.path)
        self.crawler.signals.send_catch_log(WARC_COMPLETED, path=self.path)


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
