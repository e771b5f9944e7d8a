"""``hdnd process --scheduler``: analysis on a real Dask cluster (``dask scheduler`` and
``dask worker`` started here on loopback ports, or local:N) leaves the corpus exactly as a
local ``hdnd process`` leaves a copy of it, even when a worker is killed mid-run."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from corpus.db import connect
from corpus.ingest import import_paths
from tests.conftest import ROOT, SHARED
from tests.corpus.conftest import free_port

TODAY = "2026-01-01"
# Columns the clock fills while processing; every other column, ids included, must match.
CLOCK_COLUMNS = {"articles": {"processed_at"}, "commitments": {"created_at"}, "commitment_events": {"recorded_at"}}
SKIPPED_TABLES = {"runs"}  # each run records its own command, arguments, pid and times
# The dask command installed beside this interpreter (pip puts it there), else the one on PATH.
DASK = str(Path(sys.executable).with_name("dask")) if Path(sys.executable).with_name("dask").exists() else "dask"
# The dask command's own folder heads its sys.path, so the checkout under test is put first
# (else its workers import whatever hdnd is installed, or none).
DASK_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def hdnd(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "corpus", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600, **kwargs)


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows in rowid order (a WITHOUT ROWID table's by its columns), the clock's
    columns left out; full-text indexes through their virtual tables (their shadow tables
    are SQLite's own layout)."""
    con = sqlite3.connect(path)
    try:
        virtual = [name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")]
        tables = [name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                  if name not in SKIPPED_TABLES and not name.startswith("sqlite_")
                  and not any(name.startswith(f"{v}_") and name not in virtual for v in virtual)]
        keyed = {name for _, name, _, _, without_rowid, _ in con.execute("PRAGMA main.table_list") if without_rowid}
        out = {}
        for table in tables:
            columns = [row[1] for row in con.execute(f'PRAGMA table_info("{table}")')
                       if row[1] not in CLOCK_COLUMNS.get(table, set())]
            listed = ", ".join(f'"{c}"' for c in columns)
            order = listed if table in keyed else "rowid"  # a WITHOUT ROWID table: in its key's order
            out[table] = con.execute(f'SELECT {"" if table in keyed else "rowid, "}{listed} FROM "{table}" '
                                     f"ORDER BY {order}").fetchall()
        return out
    finally:
        con.close()


def assert_same_tables(path: Path, reference: Path) -> None:
    """Every table of ``path`` equals ``reference``'s, the first that differs named."""
    mine, theirs = dump(path), dump(reference)
    assert mine.keys() == theirs.keys() and {"persons", "commitments", "index_values", "sessions"} <= mine.keys()
    for table in theirs:
        assert mine[table] == theirs[table], table


def analysed(path: Path) -> int:
    con = sqlite3.connect(path, timeout=30)
    try:
        return con.execute("SELECT count(*) FROM articles WHERE pipeline_version IS NOT NULL").fetchone()[0]
    finally:
        con.close()


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> tuple[Path, Path]:
    """A corpus of the real texts in ../shared (the dev news texts, the seeds, the saved
    pages), unprocessed, and a copy processed locally by ``hdnd process``."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout")
    folder = tmp_path_factory.mktemp("cluster")
    docs = folder / "docs"
    docs.mkdir()
    for line in (SHARED / "gold" / "dev" / "news.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        (docs / f"{item['doc']}.txt").write_text(item["text"], encoding="utf-8")
    for path in [*(SHARED / "seeds").glob("*.txt"), *(SHARED / "html").glob("*.html")]:
        shutil.copy(path, docs / path.name)
    base = folder / "base.db"
    db = connect(base)
    assert import_paths(db, [docs]).counts["new"] >= 200
    db.conn.close()
    local = folder / "local.db"
    shutil.copy(base, local)
    result = hdnd("process", "--today", TODAY, "--db", str(local))
    assert result.returncode == 0, result.stderr
    return base, local


def _started(process: subprocess.Popen, log: Path, ready: str, deadline: float) -> None:
    while ready not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{log.name} did not start: {log.read_text()}")
        time.sleep(0.2)


def _worker_args(address: str, name: str) -> list[str]:
    """A single-threaded ``dask worker`` without a nanny, so a killed or stopped worker stays gone."""
    return ["worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", name, "--host", "127.0.0.1"]


@contextmanager
def dask_cluster(folder: Path, workers: int) -> Iterator[tuple[str, subprocess.Popen, list[subprocess.Popen], Path]]:
    """``dask scheduler`` on a free loopback port and ``workers`` single-threaded ``dask
    worker`` processes (no nanny, so a killed worker stays dead), as a user starts them;
    yields the scheduler's address, its process, the workers and the scheduler's log."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    started: list[subprocess.Popen] = []
    deadline = time.monotonic() + 120
    try:
        commands = [("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                     "Scheduler at:")]
        commands += [(f"worker{i}", _worker_args(address, f"w{i}"), "Registered to:") for i in range(workers)]
        for name, args, ready in commands:
            log = folder / f"{name}-{port}.log"
            with log.open("w") as out:
                process = subprocess.Popen([DASK, *args], cwd=ROOT, env=DASK_ENV, stdout=out, stderr=subprocess.STDOUT)
            started.append(process)
            _started(process, log, ready, deadline)
        yield address, started[0], started[1:], folder / f"scheduler-{port}.log"
    finally:
        for process in reversed(started):
            process.terminate()
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _run_until(address: str, db: Path, stored: int, before: str) -> subprocess.Popen:
    """``hdnd process --scheduler address`` started on ``db``, returned once it has stored
    ``stored`` articles (the test fails if it ends or stalls ``before`` that)."""
    run = subprocess.Popen([sys.executable, "-m", "corpus", "process", "--scheduler", address, "--today", TODAY,
                            "--db", str(db)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while analysed(db) < stored:
        assert run.poll() is None and time.monotonic() < deadline, f"the run ended or stalled before {before}"
        time.sleep(0.05)
    return run


def test_a_worker_killed_mid_run_costs_only_a_retry(corpora, tmp_path):
    """Two workers, one killed with SIGKILL once a quarter of the articles are stored: the
    run ends well and every analysis table equals the local run's, ids included."""
    base, local = corpora
    db = tmp_path / "cluster.db"
    shutil.copy(base, db)
    total = len(dump(base)["articles"])
    with dask_cluster(tmp_path, 2) as (address, _, (kept, victim), log):
        run = _run_until(address, db, total // 4, "the kill")
        done = analysed(db)
        victim.send_signal(signal.SIGKILL)
        assert victim.wait(timeout=10) == -signal.SIGKILL
        out, err = run.communicate(timeout=600)
        assert kept.poll() is None
    assert run.returncode == 0, err
    assert 0 < done < total, "the kill landed before or after the run, not during it"
    text = log.read_text()  # the scheduler saw the worker go while the run's client was still there
    removed = re.search(r"Remove worker addr: \S+ name: w1\b", text)
    assert removed and removed.start() < text.index("Remove client")
    assert f"Processed {total} articles: {total} analysed, 0 failed" in out
    assert_same_tables(db, local)
    reference = dump(local)
    assert len(reference["persons"]) > 100 and len(reference["commitments"]) > 50


def _worker(address: str, name: str, log: Path, *args: str) -> subprocess.Popen:
    """One more worker joining ``address``, as dask_cluster starts them, its output in ``log``."""
    with log.open("w") as out:
        return subprocess.Popen([DASK, *_worker_args(address, name), *args], cwd=ROOT, env=DASK_ENV, stdout=out,
                                stderr=subprocess.STDOUT)


def _scheduler_tasks(address: str) -> int:
    """Tasks the scheduler at ``address`` still holds, asked by a client of its own."""
    from distributed import Client

    with Client(address, set_as_default=False, timeout=30) as client:
        return client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))


def test_a_worker_joining_mid_run_with_another_pipeline_version_is_refused(corpora, tmp_path):
    """A worker that joins mid-run with another pipeline version (set by a --preload script,
    as another hdnd install would have it) stops itself instead of taking articles (Dask
    only logs a plugin that fails on a late worker); the run ends as the local run does."""
    base, local = corpora
    db = tmp_path / "late.db"
    shutil.copy(base, db)
    total = len(dump(base)["articles"])
    preload = tmp_path / "other_version.py"
    preload.write_text("import pipeline.document\n\npipeline.document.PIPELINE_VERSION = '0.test'\n")
    log = tmp_path / "late.log"
    with dask_cluster(tmp_path, 1) as (address, _, _, _):
        run = _run_until(address, db, 10, "the late worker")
        late = _worker(address, "late", log, "--preload", str(preload))
        try:
            late.wait(timeout=120)
        except subprocess.TimeoutExpired:
            late.kill()
            pytest.fail(f"the worker of another version kept running: {log.read_text()[-2000:]}")
        stopped_at = analysed(db)
        out, err = run.communicate(timeout=600)
    assert "runs pipeline version 0.test, not " in log.read_text()
    assert stopped_at < total, "the late worker joined after the run"
    assert run.returncode == 0, err
    assert f"Processed {total} articles: {total} analysed, 0 failed" in out
    assert_same_tables(db, local)


def test_an_interrupted_run_leaves_no_work_on_the_cluster(corpora, tmp_path):
    """Ctrl-C mid-run: exit 130, and the scheduler holds none of the run's tasks once the
    command has ended (the batches already handed out are cancelled, not computed for nobody)."""
    base, _ = corpora
    db = tmp_path / "stopped.db"
    shutil.copy(base, db)
    total = len(dump(base)["articles"])
    with dask_cluster(tmp_path, 1) as (address, _, _, _):
        run = _run_until(address, db, 5, "Ctrl-C")
        run.send_signal(signal.SIGINT)
        out, err = run.communicate(timeout=120)
        left = _scheduler_tasks(address)
    assert run.returncode == 130, err
    assert analysed(db) < total
    assert left == 0


def test_local_cluster_of_two_processes(corpora, tmp_path):
    base, local = corpora
    db = tmp_path / "local2.db"
    shutil.copy(base, db)
    result = hdnd("process", "--scheduler", "local:2", "--today", TODAY, "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert_same_tables(db, local)
    con = sqlite3.connect(db)
    (args,) = con.execute("SELECT args FROM runs WHERE command = 'process'").fetchone()
    con.close()
    assert json.loads(args)["scheduler"] == "local:2"


def test_unreachable_scheduler_is_one_sentence_and_writes_nothing(tmp_path):
    db = tmp_path / "never.db"
    address = f"tcp://127.0.0.1:{free_port()}"
    result = hdnd("process", "--scheduler", address, "--db", str(db),
                  env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert result.returncode == 2
    assert result.stderr.startswith(f"Error: no Dask scheduler answers at {address}")
    assert result.stderr.count("\n") == 1 and result.stderr.rstrip().endswith(".")
    assert not db.exists()


def test_a_scheduler_lost_mid_run_is_one_sentence_and_a_rerun_finishes(corpora, tmp_path):
    """The scheduler killed once some articles are stored: exit 2 with one sentence, the
    run recorded as failed, the stored articles kept; a local run then does the rest, and
    the corpus ends as the local run's copy does."""
    base, local = corpora
    db = tmp_path / "lost.db"
    shutil.copy(base, db)
    total = len(dump(base)["articles"])
    with dask_cluster(tmp_path, 1) as (address, scheduler, _, _log):
        run = _run_until(address, db, 10, "the kill")
        scheduler.send_signal(signal.SIGKILL)
        out, err = run.communicate(timeout=120)
    assert run.returncode == 2 and not out
    assert err.startswith(f"Error: the Dask scheduler at {address} was lost mid-run") and err.count("\n") == 1
    kept = analysed(db)
    assert 10 <= kept < total
    con = sqlite3.connect(db)
    assert con.execute("SELECT status FROM runs WHERE command = 'process'").fetchall() == [("failed",)]
    con.close()
    result = hdnd("process", "--today", TODAY, "--db", str(db))
    assert result.returncode == 0 and f"Processed {total - kept} articles" in result.stdout
    assert_same_tables(db, local)


def test_a_scheduler_without_workers_is_one_sentence(tmp_path):
    db = tmp_path / "never.db"
    with dask_cluster(tmp_path, 0) as (address, _, _, _):
        result = hdnd("process", "--scheduler", address, "--db", str(db),
                      env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert result.returncode == 2
    assert result.stderr == f"Error: the Dask scheduler at {address} has no workers; start them with dask worker {address}.\n"
    assert not db.exists()


def test_local_n_must_name_a_count(tmp_path):
    result = hdnd("process", "--scheduler", "local:many", "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2 and "local:N with N from 1 to 64" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_benchmark_runs_on_a_tiny_corpus():
    """benchmarks/process_cluster.py keeps working (its ratio on a few articles means nothing)."""
    result = subprocess.run([sys.executable, "benchmarks/process_cluster.py", "--articles", "4"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "local:2: 4 articles in" in result.stdout and "2 workers vs 1 worker:" in result.stdout
    assert "writer alone (analyses computed beforehand): 4 articles stored in" in result.stdout
    assert re.search(r"hdnd process adds \d+\.\d KiB per article to the store", result.stdout)
