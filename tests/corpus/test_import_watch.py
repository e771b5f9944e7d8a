"""hdnd import --watch: a folder followed as crawl machines complete WARC files in it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path

from corpus.db import connect
from tests.conftest import ROOT, article_html
from tests.crawler.test_crawl import COUNCIL


def _warc(path: Path, url: str, title: str) -> None:
    """One council article as a WARC response record, written to ``path``."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    paragraphs = COUNCIL + [f"{title}: phiên chất vấn này có {len(title)} đại biểu đăng ký phát biểu về ngập úng."]
    body = article_html(title, paragraphs, url=url, published="2024-07-05T10:00:00+07:00").encode()
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers))


def _urls(db_path: Path) -> set[str]:
    if not db_path.exists():
        return set()
    return {row[0] for row in connect(db_path).execute("SELECT url FROM articles")}


def test_watch_imports_completed_files_only_and_stops_with_a_summary(tmp_path):
    folder = tmp_path / "warc"
    folder.mkdir()
    db_path = tmp_path / "hdnd.db"
    _warc(folder / "early.warc.gz", "https://example.vn/thoi-su/ky-hop-truoc-1.html", "Kỳ họp HĐND trước")
    _warc(folder / "writing.warc.gz.open", "https://example.vn/thoi-su/dang-ghi-2.html", "Kỳ họp HĐND đang ghi")
    watch = subprocess.Popen([sys.executable, "-m", "corpus", "import", str(folder), "--watch", "--poll", "0.2",
                              "--db", str(db_path)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while "https://example.vn/thoi-su/ky-hop-truoc-1.html" not in _urls(db_path):
            assert time.monotonic() < deadline and watch.poll() is None, "the file already there was not imported"
            time.sleep(0.1)
        later = "https://example.vn/thoi-su/ky-hop-sau-3.html"
        _warc(folder / "later.warc.gz.open", later, "Kỳ họp HĐND sau")
        time.sleep(1)  # several looks at the folder while it is still being written
        assert later not in _urls(db_path)
        os.replace(folder / "later.warc.gz.open", folder / "later.warc.gz")
        while later not in _urls(db_path):
            assert time.monotonic() < deadline and watch.poll() is None, "the completed file was not imported"
            time.sleep(0.1)
        time.sleep(1)  # more looks: nothing is imported twice
    finally:
        watch.send_signal(signal.SIGINT)
        out, err = watch.communicate(timeout=30)
    assert watch.returncode == 130, err
    assert "https://example.vn/thoi-su/dang-ghi-2.html" not in _urls(db_path)
    assert "2 new, 0 updated, 0 unchanged" in out
    (status,) = [row[0] for row in connect(db_path).execute("SELECT status FROM runs WHERE command = 'import'")]
    assert status == "interrupted"
