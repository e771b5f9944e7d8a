"""Issue 19's last leftovers, each through what a user runs. Counts of one read "1 article"
in hdnd process's and hdnd crawl's summaries; a process run without a given day dates
what it records by Vietnam's day; hdnd sessions, hdnd stats, the home page and the session
page count the same promises (demands and assignments apart); and ``datasette hdnd.db``
gets hdnd's canned queries and titles, not only its pages."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import ROOT, article_html
from tests.corpus.conftest import free_port, get, serving
from tests.corpus.test_plain_sqlite import _start
from tests.crawler.mock_site import MockSite, html
from tests.crawler.test_crawl import COUNCIL, _rss
from tests.data.transcripts import TRANSCRIPT

TODAY = "2024-08-01"
OVERDUE_TITLE = "Lời hứa quá hạn · Overdue promises"


def hdnd(*args: str, env: dict | None = None) -> str:
    """``hdnd ARGS`` as a user runs it; its standard output."""
    done = subprocess.run([sys.executable, "-m", "corpus", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def transcript(tmp_path_factory) -> Path:
    """One transcript imported and processed by the command line: a session with promises,
    demands and assignments; the process summary kept beside it."""
    folder = tmp_path_factory.mktemp("leftovers19b")
    (folder / "in").mkdir()
    (folder / "in" / "bien-ban.txt").write_text(TRANSCRIPT, encoding="utf-8")
    db = folder / "hdnd.db"
    hdnd("import", str(folder / "in"), "--db", str(db))
    (folder / "process.txt").write_text(hdnd("process", "--today", TODAY, "--db", str(db)), encoding="utf-8")
    return db


def test_process_summary_counts_one_article_in_the_singular(transcript):
    line = (transcript.parent / "process.txt").read_text(encoding="utf-8")
    assert line.startswith("Processed 1 article: 1 analysed, 0 failed; ")
    assert not re.search(r"\b1 [a-z-]+s\b", line), line


def test_crawl_summary_counts_one_fetched_article_in_the_singular(tmp_path):
    """A feed of one article: its summary says "1 article fetched" and, crawled again with
    the feed unchanged, "1 feed or listing unchanged"."""
    path = "/thoi-su/ky-hop-hdnd-tinh-chat-van-ve-ngap-ung-1234567.html"
    with MockSite({}) as site:
        site.pages.update({
            "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\n"),
            "/rss.xml": (200, {"Content-Type": "application/rss+xml", "ETag": '"v1"'},
                         _rss(site.base, [(path, "Fri, 05 Jul 2024 10:00:00 +0700")]).encode("utf-8")),
            path: html(article_html("Kỳ họp HĐND tỉnh Bắc Giang: chất vấn về ngập úng", COUNCIL, url=site.base + path,
                                    published="2024-07-05T10:00:00+07:00")),
        })
        env = {**os.environ, "HDND_DOWNLOAD_DELAY": "0", "HDND_LOG_LEVEL": "ERROR"}
        crawl = ("crawl", "--url", f"{site.base}/rss.xml", "--since", "2024-01-01", "--db", str(tmp_path / "c.db"))
        first, second = hdnd(*crawl, env=env), hdnd(*crawl, env=env)
    assert first.startswith("Crawled: 1 article fetched, 1 kept "), first
    assert "0 feeds or listings unchanged" in first and "1 feed or listing unchanged" in second, second


def _zone_on_another_day() -> str:
    """A clock zone whose date now differs from Vietnam's (UTC-12 for most of the day, UTC+14
    for the hours when UTC-12 shares Vietnam's date), so a machine's 'today' is wrong there."""
    vietnam = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    behind = datetime.now(ZoneInfo("Etc/GMT+12")).date()
    return "Etc/GMT+12" if behind != vietnam else "Etc/GMT-14"


def test_processing_without_a_day_dates_by_vietnams_day(tmp_path):
    """process_corpus called without ``today`` (as a library caller does) on a machine whose
    date is not Vietnam's: the commitment's 'extracted' event, from an undated article, is
    dated by Vietnam's day."""
    db = tmp_path / "t.db"
    script = ("import sys\nfrom corpus import store\nfrom corpus.db import connect\nfrom corpus.process import process_corpus\n"
              "from crawler.extract import ArticleItem\nfrom tests.crawler.test_crawl import COUNCIL\n"
              "db = connect(sys.argv[1])\n"
              "store.save_article(db, ArticleItem(url='https://a.example.vn/ky-hop', title='Kỳ họp HĐND tỉnh Bắc Giang', "
              "text='\\n\\n'.join(COUNCIL), source='a.example.vn'))\n"
              "print(process_corpus(db).line())\n")
    vietnam = ZoneInfo("Asia/Ho_Chi_Minh")
    before = datetime.now(vietnam).date().isoformat()
    done = subprocess.run([sys.executable, "-c", script, str(db)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "TZ": _zone_on_another_day()})
    after = datetime.now(vietnam).date().isoformat()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Processed 1 article: 1 analysed")
    with sqlite3.connect(db) as conn:
        days = {row[0] for row in conn.execute("SELECT at FROM commitment_events WHERE kind = 'extracted'")}
    assert days and days <= {before, after}, days


def test_sessions_stats_and_the_web_count_the_same_promises(transcript):
    db = str(transcript)
    stats = json.loads(hdnd("stats", "--format", "json", "--db", db))
    (listed,) = json.loads(hdnd("sessions", "--format", "json", "--db", db))
    session = json.loads(hdnd("session", str(listed["id"]), "--format", "json", "--today", TODAY, "--db", db))
    kinds = [c["kind"] for c in session["commitments"]]
    assert set(kinds) > {"commitment"}  # demands or assignments too, which are not promises
    promises = kinds.count("commitment")
    assert stats["promises"] == listed["promises"] == session["promises"] == promises > 1
    assert (listed["demands"], listed["assignments"]) == (kinds.count("demand"), kinds.count("assignment"))
    assert hdnd("sessions", "--db", db).rstrip().endswith(f", {promises} promises")
    assert f"{promises} promises (" in hdnd("stats", "--db", db)
    assert (f"Promises, demands and assignments ({promises} promises, "
            in hdnd("session", str(listed["id"]), "--today", TODAY, "--db", db))
    with serving(transcript) as port:
        home, page = (get(f"http://127.0.0.1:{port}{path}")[1].decode("utf-8") for path in ("/", f"/-/session/{listed['id']}"))
    assert re.search(rf"class=\"hdnd-detail\">[^<]*, {promises} lời hứa · promises</span>", home)
    heading = re.search(r"Promises and demands <span class=\"hdnd-detail\">\((\d+) lời hứa · promises?, (\d+) yêu cầu", page)
    assert heading and int(heading[1]) == promises and int(heading[2]) == listed["demands"]


def test_datasette_started_on_the_file_gets_hdnds_canned_queries(transcript, tmp_path):
    """``datasette hdnd.db other.db``: the corpus gets hdnd's titles and canned queries (the
    overdue promises answer with their title and rows); the other database is left alone."""
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE birds (name TEXT)")
    port = free_port()
    process = _start([sys.executable, "-m", "datasette", str(transcript), str(other), "-h", "127.0.0.1", "-p", str(port)],
                     tmp_path / "datasette.log", port)
    try:
        base = f"http://127.0.0.1:{port}"
        status, body = get(f"{base}/hdnd/overdue_promises")
        assert status == 200 and f"<title>{OVERDUE_TITLE}</title>" in body.decode("utf-8")
        status, body = get(f"{base}/hdnd/overdue_promises.json?_shape=array")
        assert status == 200 and json.loads(body)  # the transcript's promises were due in 2024
        assert "hdnd: lời hứa" in get(f"{base}/")[1].decode("utf-8")
        assert get(f"{base}/other/overdue_promises")[0] == 404
    finally:
        process.terminate()
        process.wait(timeout=20)
