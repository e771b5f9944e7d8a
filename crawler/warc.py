"""What a crawl fetched, as rotating WARC.gz files (``hdnd crawl --warc-dir DIR``), for the
store's machine to take in with ``hdnd import DIR`` (or ``--watch``).

Each response is written once the spider has judged it, with the request that asked for it
and a metadata record (which process fetched it, from which source, how long it took), all
three linked by ``WARC-Concurrent-To``. The response record carries the crawl's decision in
an ``HDND-Decision`` field: ``kept`` for an article the crawl keeps (stored, or stored if
its store had taken it), ``not kept`` for every other page (feeds, sitemaps and listings, and
articles judged not relevant, outside --since/--until or past --limit), so ``hdnd import``
takes exactly the articles the crawl kept. The field sits on the response record itself so
a reader needs no look-ahead. The body is stored as Scrapy decoded it (gzip, deflate or
Brotli undone, ``Content-Encoding`` left out), so any WARC reader takes it as is. A file is written
as ``NAME.warc.gz.open`` and renamed to ``NAME.warc.gz`` once complete (after
``HDND_WARC_MAX_MB`` megabytes or ``HDND_WARC_MAX_SECONDS`` seconds, when the crawl is idle,
and when it ends): a reader that takes only ``.warc.gz`` names never sees half a file. A
killed process leaves its ``.open`` file behind; on a shared frontier the requests in it go
back to the queue (see crawler.frontier). The next crawl on the same machine with the same
--warc-dir completes it: the records written before the kill (each page's records are
flushed as written) under the file's final name, the last one cut off if the kill fell
inside it. Without that, the articles the killed process stored in its own --db would
never reach the store's machine, since a restarted crawl on that --db does not fetch them again.
"""

from __future__ import annotations

import fcntl
import http
import os
import socket
import time
import zlib
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.importers import DECISION_FIELD, KEPT, NOT_KEPT
from crawler.middlewares import ORIGINAL

FLUSH_WARC = object()      # signal: complete the current file now (the crawl is idle or closing)
WARC_COMPLETED = object()  # signal (path): a file was completed and renamed
OPEN_SUFFIX = ".open"
DROPPED_HEADERS = {b"content-encoding", b"transfer-encoding", b"content-length"}
ITEM_FROM_IT = "hdnd_item_from_it"  # response meta: the spider gave an article item for this page


def after_scraping(scraper, callback) -> None:
    """Call ``callback(result, request)`` once the scraper has finished with a response or
    failure: the spider's callback and every item it gave through the item pipelines.
    Scrapy has no signal for that moment, so its enqueue_scrape is wrapped; callbacks added
    earlier run first."""
    enqueue_scrape = scraper.enqueue_scrape

    def enqueue_and_call(result, request):
        finished = enqueue_scrape(result, request)
        finished.addBoth(_passing_on, callback, result, request)
        return finished

    scraper.enqueue_scrape = enqueue_and_call


def _passing_on(outcome, callback, result, request):
    callback(result, request)
    return outcome


class WarcWriterMiddleware:
    """Writes every response this process fetched and its spider judged (built as a
    downloader middleware, so it starts with the crawl; it writes once the scraper is done
    with the response, when the crawl's decision is known)."""

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
        for path in writer.folder.glob(f"*{OPEN_SUFFIX}"):
            if _left_by_a_dead_process(path):
                salvage(path)
        crawler.signals.connect(writer.complete, signal=FLUSH_WARC)
        crawler.signals.connect(writer.complete, signal=signals.spider_closed)
        crawler.signals.connect(writer._opened, signal=signals.spider_opened)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(_item_from_it, signal=signal)
        return writer

    def _opened(self, spider=None) -> None:
        """Wrapped after the frontier's scheduler (opened before spider_opened), so a request
        is marked done there before its records are written and perhaps complete a file."""
        after_scraping(self.crawler.engine.scraper, self._scraped)

    def _scraped(self, result, request) -> None:
        if not isinstance(result, Response):  # a download failure: nothing was fetched
            return
        if self.file is None:
            self._open()
        self._write(request, result, KEPT if result.meta.get(ITEM_FROM_IT) else NOT_KEPT)
        if self.file.tell() >= self.max_bytes or time.monotonic() - self.opened >= self.max_seconds:
            self.complete()

    def _open(self) -> None:
        from warcio.warcwriter import WARCWriter

        self.count += 1
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        self.path = self.folder / f"hdnd-{stamp}-{self.tag}-{self.count:05d}.warc.gz"
        self.file = open(f"{self.path}{OPEN_SUFFIX}", "wb")
        # Held until the file is closed or the process dies: another process (another container
        # with this host name and its own process ids) can tell the file is still being written.
        fcntl.flock(self.file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.writer = WARCWriter(self.file, gzip=True, warc_version="1.1")
        self.writer.write_record(self.writer.create_warcinfo_record(
            self.path.name, {"software": "hdnd/0.1 (Scrapy)", "hostname": socket.gethostname()}))
        self.opened = time.monotonic()

    def _write(self, request, response, decision: str) -> None:
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.timeutils import datetime_to_iso_date

        url = response.url
        when = {"WARC-Date": datetime_to_iso_date(datetime.now(timezone.utc))}
        answered = {**when, DECISION_FIELD: decision}
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, values in response.headers.items()
                   for v in values if k.lower() not in DROPPED_HEADERS]
        headers.append(("Content-Length", str(len(response.body))))
        status = f"{response.status} {_phrase(response.status)}"
        answer = self.writer.create_warc_record(url, "response", payload=BytesIO(response.body), warc_headers_dict=answered,
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
        self.file.flush()  # a killed process leaves every page it judged in the file (see salvage)

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


def _left_by_a_dead_process(path: Path) -> bool:
    """An unfinished file named by a process of this machine that is no longer running, and
    that no process holds open for writing."""
    return _named_by_a_dead_process(path) and not _held(path)


def _held(path: Path) -> bool:
    """Whether a live writer holds the file's lock (taken in ``WarcWriterMiddleware._open``)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return True  # renamed or salvaged meanwhile: not for this process to take
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing the descriptor also gives the lock back
    return False


def _named_by_a_dead_process(path: Path) -> bool:
    middle = path.name.removesuffix(f".warc.gz{OPEN_SUFFIX}").split("-", 2)[-1]  # HOST-PID-COUNT
    host, _, pid = middle.rpartition("-")[0].rpartition("-")
    if host != socket.gethostname() or not pid.isdecimal():
        return False
    if int(pid) == os.getpid():
        return True  # a pid reused by this process: whoever wrote the file is gone
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def salvage(path: Path) -> Path | None:
    """Give the complete records of a killed process's unfinished file their final name (a
    record cut short by the kill is left out); None when another process took the file first."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    claimed = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        os.replace(path, claimed)  # only one salvager gets the file
    except FileNotFoundError:
        return None
    end = 0
    with claimed.open("rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                length = records.get_record_length()  # read to the record's end
                if getattr(record.raw_stream, "limit", 0) > 0:  # shorter than its Content-Length
                    break
                end = records.get_record_offset() + length
        except (ArchiveLoadFailed, EOFError, OSError, ValueError, zlib.error):  # the record the kill cut short
            pass
    final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
    part = final.with_name(f"{final.name}.part-{os.getpid()}")  # a name no reader takes
    with claimed.open("rb") as source, part.open("wb") as target:
        target.write(source.read(end))
        target.flush()
        os.fsync(target.fileno())
    os.replace(part, final)
    claimed.unlink()
    return final


def _item_from_it(item=None, response=None, **kwargs) -> None:
    """The spider gave an article item for ``response``: the crawl keeps it (stored, or
    refused by this process's store for reasons of its own, which another store may not share)."""
    if response is not None:
        response.meta[ITEM_FROM_IT] = True


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
