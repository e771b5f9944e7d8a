"""Crawl processes sharing one frontier in a real Redis server, against a loopback site:
two at once fetch every URL once, and a killed one loses nothing; what they fetched, written
as WARC files, is imported on another corpus."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus.db import connect
from tests.conftest import ROOT, article_html
from tests.corpus.conftest import free_port
from tests.crawler.mock_site import MockSite, html, xml
from tests.crawler.test_crawl import COUNCIL, MARKET, _rss

ARTICLES = [f"/thoi-su/ky-hop-hdnd-chat-van-so-{i}-{2000000 + i}.html" for i in range(30)]
OFF_TOPIC = "/thoi-su/chat-van-gia-vang-3333333.html"


def _redis_server(port: int) -> subprocess.Popen:
    """A real redis-server on loopback ``port``, keeping nothing on disk, once it answers."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed here (Debian: apt-get install redis-server; .ci/run installs it)")
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return server
        except OSError:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.05)


@pytest.fixture
def redis_url():
    """A real redis-server on a free loopback port."""
    port = free_port()
    server = _redis_server(port)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def site():
    """A feed of 30 council articles (answered slowly, so crawls overlap) and one off-topic."""
    with MockSite({}) as server:
        base = server.base
        day = "Fri, 05 Jul 2024 10:00:00 +0700"
        server.pages["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
        server.pages["/rss.xml"] = xml(_rss(base, [(p, day) for p in [*ARTICLES, OFF_TOPIC]]))
        for i, path in enumerate(ARTICLES):
            body = COUNCIL + [f"Đây là phiên chất vấn thứ {i} trong ngày, với {i + 3} đại biểu đăng ký phát biểu."]
            server.pages[path] = html(article_html(f"Kỳ họp HĐND: chất vấn số {i}", body, url=base + path,
                                                   published="2024-07-05T10:00:00+07:00"))
        server.pages[OFF_TOPIC] = html(article_html("Giá vàng giảm mạnh", MARKET, url=base + OFF_TOPIC,
                                                    published="2024-07-05T13:00:00+07:00"))
        server.delay = 0.4
        yield server


def _crawl(site, db_path: Path, *args: str, lease: str = "60", delay: str = "0") -> subprocess.Popen:
    env = {**os.environ, "HDND_DOWNLOAD_DELAY": delay, "HDND_LOG_LEVEL": "ERROR", "HDND_FRONTIER_LEASE": lease}
    return subprocess.Popen([sys.executable, "-m", "corpus", "crawl", "--url", f"{site.base}/rss.xml", "--db", str(db_path),
                             *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _urls(db_path: Path) -> set[str]:
    return {row[0] for row in connect(db_path).execute("SELECT url FROM articles")}


def _fetched(site) -> int:
    return sum(path in ARTICLES for path in site.log)


def test_two_processes_on_one_frontier_fetch_every_url_once(site, redis_url, tmp_path):
    site.delay = 1.0  # about 15 s of work: time for the second process to start on a loaded machine
    db_path = tmp_path / "hdnd.db"
    first = _crawl(site, db_path, "--frontier", redis_url)
    _wait_for(lambda: _fetched(site) >= 2)
    second = _crawl(site, db_path, "--frontier", redis_url)  # joins the crawl under way
    outputs = [process.communicate(timeout=120) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    requested = [path for path in site.log if path != "/robots.txt"]  # robots.txt is read by each process
    assert sorted(requested) == sorted(["/rss.xml", *ARTICLES, OFF_TOPIC])  # every URL once, between them
    assert _urls(db_path) == {site.base + path for path in ARTICLES}
    counts = [json.loads(row[0]) for row in connect(db_path).execute("SELECT counts FROM runs WHERE command = 'crawl'")]
    fetched = [c.get("hdnd/fetched", 0) for c in counts]
    assert sum(fetched) == len(ARTICLES) + 1 and min(fetched) > 0, fetched  # the second took part of the work


class TimedLog(list):
    """The site's request log, with when each request arrived."""

    def __init__(self):
        super().__init__()
        self.times: list[float] = []

    def append(self, path: str) -> None:
        self.times.append(time.monotonic())
        super().append(path)


def test_processes_on_one_frontier_share_each_sites_pace(site, redis_url, tmp_path):
    """With DOWNLOAD_DELAY 0.5 s, two processes together ask the site no more often than one
    (each alone would keep its own pace, and together ask about twice as often). Each
    process may still shift a request by its own download delay, so the test measures the
    rate over the whole crawl, not single gaps."""
    site.delay = 0
    site.log = TimedLog()
    crawls = [_crawl(site, tmp_path / f"{name}.db", "--frontier", redis_url, delay="0.5") for name in "ab"]
    outputs = [process.communicate(timeout=120) for process in crawls]
    assert [process.returncode for process in crawls] == [0, 0], outputs
    fetched = [json.loads(row[0]).get("hdnd/fetched", 0) for name in "ab"
               for row in connect(tmp_path / f"{name}.db").execute("SELECT counts FROM runs")]
    assert sum(fetched) == len(ARTICLES) + 1 and min(fetched) > 0, fetched  # both fetched articles
    arrivals = [when for path, when in zip(site.log, site.log.times) if path in [*ARTICLES, OFF_TOPIC]]
    assert arrivals[-1] - arrivals[0] > 0.9 * 0.5 * (len(arrivals) - 1)


def test_a_killed_process_restarted_on_its_corpus_completes_the_crawl(site, redis_url, tmp_path):
    """SIGKILL mid-crawl, then the same command again: every article is stored, the feed is
    not asked again, and no article stored before the kill is fetched again."""
    db_path = tmp_path / "hdnd.db"
    first = _crawl(site, db_path, "--frontier", redis_url, lease="2")
    _wait_for(lambda: _fetched(site) >= 8)
    first.kill()
    first.wait(timeout=10)
    stored_before = _urls(db_path)
    assert len(stored_before) < len(ARTICLES)
    fetched_before = len(site.log)
    again = _crawl(site, db_path, "--frontier", redis_url, lease="2")
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert _urls(db_path) == {site.base + path for path in ARTICLES}
    assert site.log.count("/rss.xml") == 1
    assert not {site.base + path for path in site.log[fetched_before:]} & stored_before
    (counts,) = [json.loads(row[0]) for row in connect(db_path).execute("SELECT counts FROM runs WHERE status = 'ok'")]
    assert counts["hdnd/frontier/given_back"] > 0


def test_ctrl_c_gives_back_the_requests_under_way(site, redis_url, tmp_path):
    """Ctrl-C: the process stops gracefully and hands what it had taken back to the queue at
    once (no lease to wait for); the same command again fetches only what is left."""
    import redis

    db_path = tmp_path / "hdnd.db"
    first = _crawl(site, db_path, "--frontier", redis_url)
    _wait_for(lambda: _fetched(site) >= 6)
    first.send_signal(signal.SIGINT)
    out, err = first.communicate(timeout=60)
    assert first.returncode == 130 and f"run again with --frontier {redis_url} to go on" in err
    frontier = redis.Redis.from_url(redis_url)
    assert frontier.zcard("news:requests") > 0 and frontier.hlen("news:inflight") == frontier.hlen("news:owners") == 0
    fetched_before = len(site.log)
    again = _crawl(site, db_path, "--frontier", redis_url)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert _urls(db_path) == {site.base + path for path in ARTICLES}
    assert not set(site.log[fetched_before:]) & set(site.log[:fetched_before]) - {"/robots.txt"}  # read by each process


def test_a_killed_process_loses_nothing_and_its_warc_files_import_elsewhere(site, redis_url, tmp_path):
    """SIGKILL mid-crawl: the requests it held go back to the queue once its lease lapses; a
    restarted process (another --db) finishes the crawl, and completes the killed one's WARC
    file; the completed files hold every article."""
    warc = tmp_path / "warc"
    first = _crawl(site, tmp_path / "a.db", "--frontier", redis_url, "--warc-dir", str(warc), lease="2")
    _wait_for(lambda: _fetched(site) >= 6)
    first.kill()
    first.wait(timeout=10)
    assert list(warc.glob("*.warc.gz.open")) and not list(warc.glob("*.warc.gz"))
    again = _crawl(site, tmp_path / "b.db", "--frontier", redis_url, "--warc-dir", str(warc), lease="2")
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    (counts,) = [json.loads(row[0]) for row in connect(tmp_path / "b.db").execute("SELECT counts FROM runs")]
    assert counts["hdnd/frontier/given_back"] > 0  # taken from the killed process, not rediscovered
    fetched_by_first = {site.base + p for p in ARTICLES} & _urls(tmp_path / "a.db")
    assert _urls(tmp_path / "b.db") | fetched_by_first == {site.base + p for p in ARTICLES}
    completed = list(warc.glob("*.warc.gz"))
    assert completed
    store = tmp_path / "store.db"
    imported = subprocess.run([sys.executable, "-m", "corpus", "import", str(warc), "--db", str(store)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr
    assert _urls(store) == {site.base + p for p in ARTICLES}  # not the off-topic article the crawl left out


def test_warc_files_hold_request_response_and_metadata_records_and_the_crawls_decision(site, tmp_path):
    """Each response carries the crawl's decision; hdnd import of the files takes the
    articles the crawl kept and leaves out the off-topic article and the feed it fetched."""
    from warcio.archiveiterator import ArchiveIterator

    site.delay = 0
    warc = tmp_path / "warc"
    crawl = _crawl(site, tmp_path / "hdnd.db", "--warc-dir", str(warc))
    out, err = crawl.communicate(timeout=120)
    assert crawl.returncode == 0, err
    assert not list(warc.glob("*.open"))
    records = []
    for path in warc.glob("*.warc.gz"):
        with path.open("rb") as stream:
            records += [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers.get_header("WARC-Concurrent-To"),
                         r.rec_headers.get_header("HDND-Decision")) for r in ArchiveIterator(stream)]
    article = site.base + ARTICLES[0]
    kinds = [kind for kind, url, _, _ in records if url == article]
    assert sorted(kinds) == ["metadata", "request", "response"]
    assert all(link for kind, url, link, _ in records if url == article and kind != "response")
    decisions = {url: decision for kind, url, _, decision in records if kind == "response"}
    assert decisions == {site.base + "/rss.xml": "not kept", site.base + OFF_TOPIC: "not kept",
                         **{site.base + path: "kept" for path in ARTICLES}}
    store = tmp_path / "store.db"
    imported = subprocess.run([sys.executable, "-m", "corpus", "import", str(warc), "--db", str(store)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr
    assert _urls(store) == {site.base + path for path in ARTICLES}
    assert f"{len(ARTICLES)} new, 0 updated, 0 unchanged, 0 duplicate, 2 skipped" in imported.stdout


def test_frontier_that_does_not_answer_is_one_sentence(tmp_path):
    port = free_port()
    result = subprocess.run([sys.executable, "-m", "corpus", "crawl", "--url", "http://127.0.0.1:9/rss.xml",
                             "--frontier", f"redis://127.0.0.1:{port}/0", "--db", str(tmp_path / "hdnd.db")],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "does not answer" in result.stderr and "Traceback" not in result.stderr


def test_redis_lost_mid_crawl_is_one_sentence_and_the_same_command_goes_on(site, tmp_path):
    """Redis killed mid-crawl: exit 2 with one sentence, the articles stored so far kept, the
    run recorded as failed; with Redis back (empty: this one keeps nothing on disk) the same
    command stores every article, fetching none of those stored before again."""
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    db_path = tmp_path / "hdnd.db"
    server = _redis_server(port)
    try:
        first = _crawl(site, db_path, "--frontier", url)
        _wait_for(lambda: _fetched(site) >= 6)
        server.kill()
        server.wait(timeout=10)
        out, err = first.communicate(timeout=120)
        assert first.returncode == 2, err
        (sentence,) = [line for line in err.splitlines() if line.startswith("Error:")]
        assert sentence.startswith(f"Error: the frontier at {url} stopped answering (") and sentence.endswith(
            "the articles stored so far are kept, and the same command run again once Redis is back goes on from there.")
        assert "Traceback" not in err
        stored = _urls(db_path)
        assert 0 < len(stored) < len(ARTICLES)
        assert [row[0] for row in connect(db_path).execute("SELECT status FROM runs")] == ["failed"]
        server = _redis_server(port)
        fetched_before = len(site.log)
        again = _crawl(site, db_path, "--frontier", url)
        out, err = again.communicate(timeout=120)
        assert again.returncode == 0, err
        assert _urls(db_path) == {site.base + path for path in ARTICLES}
        assert not {site.base + path for path in site.log[fetched_before:]} & stored
    finally:
        server.kill()
        server.wait(timeout=10)


def test_a_killed_crawl_restarted_on_its_corpus_and_warc_folder_hands_on_what_it_stored(site, tmp_path):
    """SIGKILL mid-crawl, then the same command (same --db, same --warc-dir): the articles
    stored before the kill are not fetched again, yet reach the store's machine, because the
    restart completes the killed process's unfinished WARC file; nothing is left unfinished."""
    warc, db_path = tmp_path / "warc", tmp_path / "hdnd.db"
    first = _crawl(site, db_path, "--warc-dir", str(warc))
    _wait_for(lambda: _fetched(site) >= 8)
    first.kill()
    first.wait(timeout=10)
    assert list(warc.glob("*.warc.gz.open")) and not list(warc.glob("*.warc.gz"))
    stored_before = _urls(db_path)
    assert stored_before
    fetched_before = len(site.log)
    again = _crawl(site, db_path, "--warc-dir", str(warc))
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert not {site.base + path for path in site.log[fetched_before:]} & stored_before
    files = [path.name for path in warc.iterdir()]
    assert len(files) == 2 and all(name.endswith(".warc.gz") for name in files), files  # the salvaged one, the new one
    store = tmp_path / "store.db"
    imported = subprocess.run([sys.executable, "-m", "corpus", "import", str(warc), "--db", str(store)],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr
    assert _urls(store) == {site.base + path for path in ARTICLES}


def test_an_unfinished_warc_file_still_held_by_its_writer_is_not_taken(tmp_path):
    """A file named by this host and a process id that is not running here (another
    container with the same host name) is taken over only once no writer holds its lock."""
    import fcntl

    from crawler.warc import OPEN_SUFFIX, _left_by_a_dead_process

    gone = 4_194_305  # above the largest process id Linux can give (2**22): no process here has it
    path = tmp_path / f"hdnd-20260101000000-{socket.gethostname()}-{gone}-00001.warc.gz{OPEN_SUFFIX}"
    with path.open("wb") as writer:
        fcntl.flock(writer.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert not _left_by_a_dead_process(path)
    assert _left_by_a_dead_process(path)
