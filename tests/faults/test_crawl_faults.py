"""The crawler against hostile and interrupted conditions, for real: a loopback site started
by each test, ``python -m corpus crawl`` in a subprocess, the corpus read back from SQLite.

--limit stops the crawl; redirect loops, a gzip bomb, robots.txt refusals, binary
responses, HTTP and network errors are each counted with their reason, in the summary,
the run record and the exit code; the terminal gets no log and no HTML; a crawl killed
with SIGKILL and run again ends with the articles of one clean run.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from corpus.db import connect
from tests.conftest import ROOT, article_html
from tests.crawler.mock_site import MockSite, html, xml
from tests.faults.conftest import wait_measured

DAY = "Fri, 05 Jul 2024 10:00:00 +0700"
COUNCIL = [
    "Sáng 5/7, HĐND tỉnh Bắc Giang khóa XIX khai mạc kỳ họp thứ 18 với phiên chất vấn về ngập úng đô thị.",
    "Trả lời chất vấn của đại biểu, Giám đốc Sở Xây dựng cho biết sở sẽ hoàn thành cải tạo 12 tuyến cống "
    "thoát nước trước ngày 31/12/2024.",
    "Hội đồng nhân dân tỉnh yêu cầu Ủy ban nhân dân tỉnh báo cáo kết quả thực hiện tại kỳ họp cuối năm.",
]
ENV = {**os.environ, "HDND_DOWNLOAD_DELAY": "0", "HDND_PROGRESS_INTERVAL": "0"}
ENV.pop("HDND_LOG_LEVEL", None)


def _rss(base: str, links: list[str]) -> str:
    entries = "".join(f"<item><title>x</title><link>{link if '://' in link else base + link}</link>"
                      f"<pubDate>{DAY}</pubDate></item>" for link in links)
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>{entries}</channel></rss>'


def _article(base: str, path: str, i: int, extra: str = "") -> tuple:
    body = COUNCIL + [f"Đây là phiên chất vấn thứ {i} trong ngày, với {i + 3} đại biểu đăng ký phát biểu. {extra}"]
    return html(article_html(f"Kỳ họp HĐND: chất vấn số {i}", body, url=base + path,
                             published="2024-07-05T10:00:00+07:00"))


def _council_site(server: MockSite, count: int) -> list[str]:
    """A feed of ``count`` council articles, all relevant, on the loopback server."""
    paths = [f"/thoi-su/ky-hop-hdnd-chat-van-so-{i}-{1000000 + i}.html" for i in range(count)]
    server.pages["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
    server.pages["/rss.xml"] = xml(_rss(server.base, paths))
    for i, path in enumerate(paths):
        server.pages[path] = _article(server.base, path, i)
    return paths


def _args(db_path: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "corpus", "crawl", *args, "--db", str(db_path)]


def _crawl(db_path: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(_args(db_path, *args), cwd=ROOT, env=env or ENV, capture_output=True, text=True,
                          timeout=180)


def _run_record(db_path: Path) -> tuple[str, dict, list[dict]]:
    status, counts, problems = connect(db_path).execute(
        "SELECT status, counts, problems FROM runs WHERE command = 'crawl' ORDER BY id DESC LIMIT 1").fetchone()
    return status, json.loads(counts), json.loads(problems)


def _stored(db_path: Path) -> dict[str, str]:
    return dict(connect(db_path).execute("SELECT url, content_hash FROM articles").fetchall())


# --- 4d: --limit stops the crawl ------------------------------------------------------------


def test_limit_stops_fetching_once_reached(db_path):
    """Two feed entries are listed twice (Scrapy drops the second request unseen) and two
    are missing: the crawl still keeps exactly five and asks for nothing beyond."""
    with MockSite({}) as server:
        paths = _council_site(server, 60)
        missing = ["/thoi-su/ky-hop-hdnd-da-xoa-1000101.html", "/thoi-su/ky-hop-hdnd-da-xoa-1000102.html"]
        entries = [paths[0], paths[0], paths[1], paths[1], *missing, *paths[2:]]
        server.pages["/rss.xml"] = xml(_rss(server.base, entries))
        result = _crawl(db_path, "--url", f"{server.base}/rss.xml", "--limit", "5")
    assert result.returncode == 1, result.stderr  # the two missing pages failed
    assert len(_stored(db_path)) == 5 and "5 kept" in result.stdout and "2 failed (2 HTTP 404)" in result.stdout
    # no more articles asked for than could still be kept (a loopback server answers dozens
    # while the first page is parsed), and none after the fifth was kept
    asked = [p for p in server.log if p in paths or p in missing]
    assert sorted(asked) == sorted(paths[:5] + missing), server.log
    status, counts, _ = _run_record(db_path)
    assert status == "failed" and counts["finish_reason"] == "limit"


# --- 6b: every skip and failure counted with its reason -------------------------------------


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """1 GB of zeros, gzip-compressed to about 1 MB (built here, never inflated here)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    return b"".join(packer.compress(zeros) for _ in range(1024)) + packer.flush()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe is closed


def test_hostile_site_every_page_counted_with_its_reason(db_path, gzip_bomb):
    good = "/thoi-su/ky-hop-hdnd-tot-1000001.html"
    loop = "/thoi-su/ky-hop-hdnd-vong-lap-1000002.html"
    chain = "/thoi-su/ky-hop-hdnd-chuyen-huong-1000003.html"
    bomb = "/thoi-su/ky-hop-hdnd-bom-nen-1000004.html"
    forbidden = "/cam/ky-hop-hdnd-bi-chan-1000005.html"
    binary = "/thoi-su/ky-hop-hdnd-tep-1000006.html"
    image = "/thoi-su/ky-hop-hdnd-anh-1000007.html"
    broken = "/thoi-su/ky-hop-hdnd-loi-may-chu-1000008.html"
    refused = f"http://127.0.0.1:{_closed_port()}/thoi-su/ky-hop-hdnd-tu-choi-1000009.html"
    unknown_host = "http://ky-hop-hdnd.invalid/thoi-su/ky-hop-hdnd-khong-co-1000010.html"
    with MockSite({}) as server:
        base = server.base
        server.pages.update({
            "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /cam/\n"),
            "/rss.xml": xml(_rss(base, [good, loop, chain, bomb, forbidden, binary, image, broken, refused,
                                        unknown_host])),
            good: _article(base, good, 1),
            loop: (302, {"Location": loop + "?lan=2"}, b""),
            loop + "?lan=2": (302, {"Location": loop}, b""),
            **{f"{chain}?hop={i}": (302, {"Location": f"{chain}?hop={i + 1}"}, b"") for i in range(10)},
            chain: (301, {"Location": f"{chain}?hop=0"}, b""),
            bomb: (200, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}, gzip_bomb),
            binary: (200, {"Content-Type": "application/octet-stream"}, os.urandom(4096)),
            image: (200, {"Content-Type": "image/jpeg"}, b"\xff\xd8\xff\xe0" + os.urandom(4096)),
            broken: (500, {"Content-Type": "text/plain"}, b"server error"),
        })
        out_file, err_file = db_path.with_suffix(".out"), db_path.with_suffix(".err")
        with out_file.open("w") as out, err_file.open("w") as err:
            crawl = subprocess.Popen(_args(db_path, "--url", f"{base}/rss.xml"), cwd=ROOT, env=ENV, stdout=out,
                                     stderr=err)
            usage = wait_measured(crawl, timeout=180)  # with the child's own peak memory
        out, err = out_file.read_text(), err_file.read_text()
    assert crawl.returncode == 1, err  # something failed
    assert forbidden not in server.log and bomb in server.log

    status, counts, problems = _run_record(db_path)
    assert status == "failed"
    assert set(_stored(db_path)) == {base + good}
    skipped = {k.rsplit("/", 1)[1]: v for k, v in counts.items() if k.startswith("hdnd/skipped_because/")}
    failed = {k.rsplit("/", 1)[1]: v for k, v in counts.items() if k.startswith("hdnd/failed_because/")}
    assert skipped == {"forbidden by robots.txt": 1, "not HTML": 2}
    assert failed == {"redirect loop": 1, "too many redirects": 1, "too large once decompressed": 1, "HTTP 500": 1,
                      "connection failed": 1, "DNS lookup failed": 1}
    assert counts["hdnd/skipped"] == 3 and counts["hdnd/failed"] == 6
    by_page = {p["where"]: p for p in problems}
    assert "DOWNLOAD_MAXSIZE" in by_page[base + bomb]["reason"]  # refused by size while inflating
    assert by_page[base + loop]["kind"] == "redirect loop" and by_page[base + chain]["kind"] == "too many redirects"
    assert by_page[base + forbidden]["skipped"] and "robots.txt" in by_page[base + forbidden]["reason"]
    assert "application/octet-stream" in by_page[base + binary]["reason"]
    assert "image/jpeg" in by_page[base + image]["reason"]
    assert by_page[refused]["kind"] == "connection failed" and by_page[unknown_host]["kind"] == "DNS lookup failed"
    # the summary line says the same
    assert "3 skipped (1 forbidden by robots.txt, 2 not HTML)" in out
    assert "6 failed (1 DNS lookup failed, 1 HTTP 500, 1 connection failed, 1 redirect loop, " \
           "1 too large once decompressed, 1 too many redirects)" in out
    assert usage.ru_maxrss < 600 * 1024, usage.ru_maxrss  # peak kB: the 1 GB was never inflated in memory


def test_a_page_the_spider_cannot_read_is_a_counted_failure_not_only_a_log_line(db_path):
    """A listing whose next page is an image: the listing code cannot read it and raises;
    the page is counted as failed with the error, and the crawl goes on."""
    good = "/thoi-su/ky-hop-hdnd-tot-1000001.html"
    with MockSite({}) as server:
        server.pages.update({
            "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n"),
            "/thoi-su": html(f"<html><body><a href='{good}'>x</a><a rel='next' href='/thoi-su?trang=2'>2</a>"
                             "</body></html>"),
            "/thoi-su?trang=2": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n\x1a\n" + os.urandom(2048)),
            good: _article(server.base, good, 1),
        })
        result = _crawl(db_path, "--url", f"{server.base}/thoi-su")
    assert result.returncode == 1, result.stderr
    assert set(_stored(db_path)) == {server.base + good}
    _, counts, problems = _run_record(db_path)
    assert counts["hdnd/failed_because/crawler error"] == 1
    (problem,) = problems
    assert problem["where"] == f"{server.base}/thoi-su?trang=2" and "NotSupported" in problem["reason"]


def test_an_article_the_corpus_refuses_is_a_counted_failure(db_path):
    """A page of over two million characters of text is fetched (it is under the size limit)
    but refused by the store, whose cap is the pipeline's: failed, with the store's sentence."""
    good, huge = "/thoi-su/ky-hop-hdnd-tot-1000001.html", "/thoi-su/ky-hop-hdnd-rat-dai-1000002.html"
    with MockSite({}) as server:
        _council_site(server, 0)
        server.pages["/rss.xml"] = xml(_rss(server.base, [good, huge]))
        server.pages[good] = _article(server.base, good, 1)
        server.pages[huge] = _article(server.base, huge, 2, extra="Kỳ họp HĐND tỉnh chất vấn về ngập úng. " * 52_000)
        result = _crawl(db_path, "--url", f"{server.base}/rss.xml")
    assert result.returncode == 1, result.stderr
    assert set(_stored(db_path)) == {server.base + good}
    assert "2 kept (1 new" in result.stdout and "1 failed (1 not stored)" in result.stdout
    _, counts, problems = _run_record(db_path)
    assert counts["hdnd/store/failed"] == 1
    (problem,) = problems
    assert problem["where"] == server.base + huge and "characters" in problem["reason"]


# --- 8b: no log and no HTML on the terminal ---------------------------------------------------


def test_terminal_gets_progress_and_summary_only_the_log_goes_to_a_file(db_path, tmp_path):
    path = "/thoi-su/ky-hop-hdnd-bai-dai-1000001.html"
    marker = "Đoạn-đánh-dấu-không-được-in-ra"
    with MockSite({}) as server:
        server.pages["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
        server.pages[path] = _article(server.base, path, 1, extra=(marker + " " + "chất vấn " * 40 + "\n") * 1200)
        result = _crawl(db_path, "--url", server.base + path, env={**ENV, "HDND_PROGRESS_INTERVAL": "0.2"})
        debug_log = tmp_path / "debug.log"
        again = _crawl(tmp_path / "again.db", "--url", server.base + path, "--log-file", str(debug_log),
                       env={**ENV, "HDND_LOG_LEVEL": "DEBUG"})
    assert len(server.pages[path][2]) > 500_000
    assert result.returncode == 0 and again.returncode == 0, result.stderr + again.stderr
    assert len(_stored(db_path)) == 1 and "1 kept" in result.stdout
    for output in (result.stderr, result.stdout, again.stderr):
        assert len(output) < 4000 and marker not in output and "<p>" not in output and "[scrapy" not in output
    log = Path(f"{db_path}.crawl.log")
    assert f"Log: {log}" in result.stderr
    text = log.read_text(encoding="utf-8")
    assert " INFO: " in text and " DEBUG: " not in text and marker not in text
    debug = debug_log.read_text(encoding="utf-8")
    assert " DEBUG: " in debug and f"<item {server.base + path}>" in debug  # items named, not printed
    assert marker not in debug and len(debug) < 100_000


# --- kill and resume ------------------------------------------------------------------------


def _until_fetched(server: MockSite, paths: list[str], count: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90
    while sum(p in paths for p in server.log) < count and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)


@pytest.fixture(scope="module")
def big_feed(tmp_path_factory):
    """A feed of 400 council articles (enough for Scrapy to flush part of its seen-requests
    file during a crawl) and the corpus one clean crawl of it makes."""
    clean_db = tmp_path_factory.mktemp("clean") / "clean.db"
    with MockSite({}) as server:
        paths = _council_site(server, 400)
        assert _crawl(clean_db, "--url", f"{server.base}/rss.xml").returncode == 0
        yield server, paths, _stored(clean_db)


KILL_SEED = int(os.environ.get("HDND_KILL_SEED", "17"))


@pytest.mark.parametrize("kill_after", [0, 12, "random"])
def test_crawl_killed_and_run_again_ends_with_the_articles_of_a_clean_run(big_feed, tmp_path, kill_after):
    server, paths, clean = big_feed
    if kill_after == "random":
        kill_after = random.Random(KILL_SEED).randrange(1, 60)
        print(f"killed after {kill_after} articles (seed {KILL_SEED}, HDND_KILL_SEED=N to change)")
    db_path, state = tmp_path / "hdnd.db", tmp_path / "state"
    args = _args(db_path, "--url", f"{server.base}/rss.xml", "--resume-dir", str(state))
    server.log.clear()
    server.delay = 0.1
    try:
        first = subprocess.Popen(args, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while "/rss.xml" not in server.log and first.poll() is None:
            time.sleep(0.02)
        _until_fetched(server, paths, kill_after, first)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        server.delay = 0
    stored_when_killed = set(_stored(db_path)) if db_path.exists() else set()
    assert len(stored_when_killed) < len(paths), kill_after
    fetched_before = len(server.log)
    second = subprocess.run(args, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "left by a crawl that was killed" in second.stderr
    assert _stored(db_path) == clean, f"killed after {kill_after} articles"  # the same articles, the same texts
    assert connect(db_path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    refetched = server.log[fetched_before:]
    assert not [url for url in stored_when_killed if url.removeprefix(server.base) in refetched]
    assert _run_record(db_path)[0] == "ok"


def test_sigterm_records_the_crawl_as_interrupted_and_it_resumes(tmp_path, db_path):
    state = tmp_path / "state"
    with MockSite({}) as server:
        paths = _council_site(server, 16)
        server.delay = 0.3
        args = _args(db_path, "--url", f"{server.base}/rss.xml", "--resume-dir", str(state))
        first = subprocess.Popen(args, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _until_fetched(server, paths, 4, first)
        first.send_signal(signal.SIGTERM)
        _, err = first.communicate(timeout=60)
        assert first.returncode == 130, err
        assert "Interrupted; run again with --resume-dir" in err
        assert _run_record(db_path)[0] == "interrupted"
        server.delay = 0
        second = subprocess.run(args, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=180)
    assert second.returncode == 0, second.stderr
    assert "killed" not in second.stderr  # a clean stop leaves Scrapy's queue to resume from
    assert set(_stored(db_path)) == {server.base + p for p in paths}
    assert all(server.log.count(p) == 1 for p in paths)


@pytest.mark.parametrize("left", [str(os.getpid()), "không phải số"])
def test_a_mark_no_process_holds_is_a_killed_crawl_whatever_it_says(tmp_path, db_path, left):
    """The mark of a killed crawl may name a process id the system has since given to another
    process (here this test's own, alive), or be unreadable: without its lock it is a killed
    crawl's, so its state is discarded and the crawl runs, with no refusal and no traceback."""
    state = tmp_path / "state"
    state.mkdir()
    (state / "hdnd-crawl-running").write_text(left, encoding="utf-8")
    (state / "requests.seen").write_text("a half-written file of the killed crawl\n", encoding="utf-8")
    with MockSite({}) as server:
        paths = _council_site(server, 3)
        result = _crawl(db_path, "--url", f"{server.base}/rss.xml", "--resume-dir", str(state))
    assert result.returncode == 0, result.stderr
    assert "left by a crawl that was killed" in result.stderr and "Traceback" not in result.stderr
    assert set(_stored(db_path)) == {server.base + p for p in paths}
    assert b"half-written" not in (state / "requests.seen").read_bytes()
    assert (state / "hdnd-crawl-running").read_bytes() == b""  # closed cleanly: nothing left to distrust


def test_a_resume_folder_a_running_crawl_holds_is_refused(tmp_path, db_path):
    """Two crawls on one resume folder would write one queue: the second is refused with one
    sentence naming the folder and the first crawl's process, and changes nothing."""
    state, other = tmp_path / "state", tmp_path / "other.db"
    with MockSite({}) as server:
        paths = _council_site(server, 16)
        server.delay = 0.3
        args = _args(db_path, "--url", f"{server.base}/rss.xml", "--resume-dir", str(state))
        first = subprocess.Popen(args, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            _until_fetched(server, paths, 2, first)
            second = _crawl(other, "--url", f"{server.base}/rss.xml", "--resume-dir", str(state))
            assert first.poll() is None, "the first crawl should still be running"
        finally:
            first.send_signal(signal.SIGTERM)
            _, err = first.communicate(timeout=60)
    assert second.returncode == 2, second.stderr
    assert second.stderr.strip() == f"Error: the resume folder {state} is in use by another crawl (process {first.pid})."
    assert connect(other).execute("SELECT count(*) FROM runs").fetchone()[0] == 0 and not _stored(other)
    assert first.returncode == 130, err  # the first crawl was not disturbed: it stops as asked, resumable

