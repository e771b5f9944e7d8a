"""The web server over the shared web corpus, started once for the server and browser tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@contextmanager
def serving(db: Path, *args: str) -> Iterator[int]:
    """``hdnd serve`` on a free loopback port, as a user starts it; yields the port. Its
    output goes to a file (a full pipe would block the server), shown if it does not start."""
    port = free_port()
    log = db.parent / f"serve-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "corpus", "serve", "--db", str(db), "--port", str(port),
                                    *args], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("hdnd serve did not start: " + log.read_text())
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def _answers(port: int) -> bool:
    try:
        return get(f"http://127.0.0.1:{port}/-/versions.json")[0] == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def server(web_corpus):
    """``hdnd serve`` as a user starts it, on a free loopback port; yields its base URL."""
    with serving(web_corpus) as port:
        yield f"http://127.0.0.1:{port}"


def processed_transcript(folder: Path, today: str) -> str:
    """The test transcript (tests.data.transcripts) imported and processed by the command
    line into ``folder``: a corpus with a session, questions, promises and demands."""
    from click.testing import CliRunner

    from corpus.cli import cli
    from tests.data.transcripts import TRANSCRIPT

    (folder / "in").mkdir()
    (folder / "in" / "bien-ban.txt").write_text(TRANSCRIPT, encoding="utf-8")
    db = str(folder / "c.db")
    for args in (["import", str(folder / "in")], ["process", "--today", today]):
        result = CliRunner().invoke(cli, [*args, "--db", db])
        assert result.exit_code == 0, result.output
    return db


def save_paged_articles(db, count: int, published) -> None:
    """``count`` short articles that all match "chuyển đổi số", alternately on two sites and
    every fifth a transcript, published on ``published(n)``: results to page through."""
    from corpus import store
    from crawler.extract import ArticleItem

    for n in range(count):
        store.save_article(db, ArticleItem(
            url=f"https://{'ab'[n % 2]}.example.vn/cds-{n}", title=f"Xã số {n} làm chuyển đổi số",
            text=f"Bài {n}: xã số {n} đẩy mạnh chuyển đổi số trong thủ tục hành chính.",
            source=f"{'ab'[n % 2]}.example.vn", published=published(n)),
            kind="transcript" if n % 5 == 0 else "article")
