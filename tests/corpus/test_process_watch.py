"""``hdnd process --watch``: the models loaded once, then each article stored afterwards is
analysed in the next round, one run per round, until Ctrl-C. On the real seed articles of
../shared, imported one after the other while the watcher runs."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED


def _seeds() -> list[Path]:
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("../shared is not beside this checkout")
    return seeds


def _hdnd(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "corpus", *args, "--db", str(db)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def _pending(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM articles WHERE pipeline_version IS NULL").fetchone()[0]


def _wait_analysed(db: Path, watch: subprocess.Popen, articles: int) -> None:
    deadline = time.monotonic() + 180
    while True:
        with sqlite3.connect(db) as conn:
            done = conn.execute("SELECT count(*) FROM articles WHERE pipeline_version IS NOT NULL").fetchone()[0]
        if done >= articles:
            return
        assert watch.poll() is None and time.monotonic() < deadline, f"{done} of {articles} analysed"
        time.sleep(0.2)


def test_the_watcher_analyses_each_article_as_it_is_stored_and_stops_on_ctrl_c(tmp_path):
    first, second = _seeds()[:2]
    db = tmp_path / "hdnd.db"
    assert _hdnd(db, "import", str(first)).returncode == 0
    watch = subprocess.Popen([sys.executable, "-m", "corpus", "process", "--watch", "--poll", "0.2", "--db", str(db)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_analysed(db, watch, 1)
        assert _hdnd(db, "import", str(second)).returncode == 0
        _wait_analysed(db, watch, 2)
        time.sleep(1)  # more looks: nothing is analysed twice
    finally:
        watch.send_signal(signal.SIGINT)
        out, err = watch.communicate(timeout=60)
    assert watch.returncode == 130, err
    assert "Stopped watching" in err
    rounds = [line for line in out.splitlines() if "Processed" in line]
    assert len(rounds) == 2 and all("Processed 1 article: 1 analysed, 0 failed" in line for line in rounds), out
    assert _pending(db) == 0
    with sqlite3.connect(db) as conn:
        runs = conn.execute("SELECT status FROM runs WHERE command = 'process' ORDER BY id").fetchall()
        persons = conn.execute("SELECT count(*) FROM persons").fetchone()[0]
    assert runs == [("done",), ("done",)] and persons > 0


def test_watch_and_reprocess_together_is_one_sentence(tmp_path):
    db = tmp_path / "hdnd.db"
    assert _hdnd(db, "import", str(_seeds()[0])).returncode == 0
    done = _hdnd(db, "process", "--watch", "--reprocess")
    assert done.returncode == 2 and "give --watch or --reprocess, not both" in done.stderr
    assert _pending(db) == 1


def test_a_round_that_finds_the_corpus_locked_says_so_and_the_next_one_goes_on(tmp_path, monkeypatch):
    """Another process holds the corpus through a whole round: the watcher reports it as that
    round's problem instead of ending, and analyses the article once the lock is gone."""
    import corpus.db
    from corpus.db import connect
    from corpus.process import watched_rounds

    db_path = tmp_path / "hdnd.db"
    assert _hdnd(db_path, "import", str(_seeds()[0])).returncode == 0
    monkeypatch.setattr(corpus.db, "BUSY_TIMEOUT_MS", 300)
    db = connect(db_path)
    db.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    rounds = watched_rounds(db, poll=0.05)
    locked = next(rounds)
    assert locked.counts["analysed"] == 0
    assert [p["where"] for p in locked.problems] == ["the corpus"] and "trying again" in locked.problems[0]["reason"]
    other.execute("ROLLBACK")
    other.close()
    done = next(rounds)
    assert done.counts["analysed"] == 1 and not done.problems
    assert _pending(db_path) == 0
