"""Articles per second of ``hdnd process`` on a Dask cluster of one and of two worker
processes on this machine (``--scheduler local:1`` and ``local:2``), beside the same run
without a cluster, and the two-worker to one-worker ratio.

Each run starts from a copy of one unprocessed corpus: the real dev texts of
``../shared/gold/dev/news.jsonl``, topped up with texts of our own sentences when
``--articles`` asks for more. The time is that of ``process_corpus`` alone, once the
workers have loaded the pipeline (starting a cluster is paid once per run, not per article).
The writer (this process) shares the machine's cores with the workers.

Then the writer alone: the same articles analysed beforehand (not timed) and handed to
``process_corpus`` as a cluster hands back results, so the time is that of storing them, the
ceiling of any cluster feeding this one writer; and how many bytes ``hdnd process`` adds to
the store per article.

Run: python benchmarks/process_cluster.py [--articles 229]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "tests"))

from conftest import SHARED, article_text  # noqa: E402


def corpus(folder: Path, count: int) -> Path:
    """An unprocessed corpus of ``count`` articles in ``folder``."""
    from corpus.db import connect
    from corpus.ingest import import_paths

    dev = SHARED / "gold" / "dev" / "news.jsonl"
    texts = [json.loads(line)["text"] for line in dev.read_text(encoding="utf-8").splitlines()] if dev.exists() else []
    texts = (texts + [article_text(i, paragraphs=8) for i in range(max(0, count - len(texts)))])[:count]
    docs = folder / "docs"
    docs.mkdir()
    for i, text in enumerate(texts):
        (docs / f"{i}.txt").write_text(text, encoding="utf-8")
    path = folder / "base.db"
    db = connect(path)
    import_paths(db, [docs])
    db.conn.close()
    return path


def timed(base: Path, scheduler: str | None) -> tuple[float, int]:
    """Seconds ``process_corpus`` took on a fresh copy of ``base``, and articles analysed."""
    from contextlib import nullcontext

    from corpus.db import connect
    from corpus.process import process_corpus
    from pipeline import warm

    path = base.with_name(f"{(scheduler or 'none').replace(':', '-')}.db")
    shutil.copy(base, path)
    db = connect(path)
    if scheduler:
        from corpus.cluster import connected

        context = connected(scheduler)
    else:
        warm()
        context = nullcontext()
    with context as cluster:
        start = time.perf_counter()
        summary = process_corpus(db, cluster=cluster)
        elapsed = time.perf_counter() - start
    db.conn.close()
    return elapsed, summary.counts["analysed"]


class Computed:
    """Analyses computed beforehand, handed back batch by batch as corpus.cluster.Cluster does."""

    name = "computed beforehand"

    def __init__(self, results: dict[int, tuple]) -> None:
        self.results = results

    def batch_size(self) -> int:
        from corpus.process import BATCH

        return BATCH

    def analyse(self, jobs: list[tuple]):
        return iter([self.results[job[0]] for job in jobs])


def writer_alone(base: Path) -> tuple[float, int]:
    """Seconds ``process_corpus`` took to store analyses computed beforehand, and articles stored."""
    from corpus.db import connect
    from corpus.process import analyse_one, process_corpus
    from pipeline import warm

    warm()
    path = base.with_name("writer.db")
    shutil.copy(base, path)
    db = connect(path)
    jobs = db.execute("SELECT id, text, published, kind, url FROM articles ORDER BY id").fetchall()
    results = {job[0]: analyse_one(job) for job in jobs}
    start = time.perf_counter()
    summary = process_corpus(db, cluster=Computed(results))
    elapsed = time.perf_counter() - start
    db.conn.close()
    return elapsed, summary.counts["analysed"]


def size(path: Path) -> int:
    """Bytes of the corpus file once its write-ahead log is folded in."""
    from corpus.db import connect

    db = connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=229)
    args = parser.parse_args()
    rates = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = corpus(Path(tmp), args.articles)
        for label, scheduler in (("no cluster", None), ("local:1", "local:1"), ("local:2", "local:2")):
            elapsed, count = timed(base, scheduler)
            rates[label] = count / elapsed
            print(f"{label}: {count} articles in {elapsed:.1f} s, {rates[label]:.1f} articles/s")
        print(f"2 workers vs 1 worker: {rates['local:2'] / rates['local:1']:.2f}× "
              f"(cluster of 1 vs no cluster: {rates['local:1'] / rates['no cluster']:.2f}×)")
        elapsed, count = writer_alone(base)
        print(f"writer alone (analyses computed beforehand): {count} articles stored in {elapsed:.1f} s, "
              f"{count / elapsed:.1f} articles/s")
        added = (size(base.with_name("none.db")) - size(base)) / count
        print(f"hdnd process adds {added / 1024:.1f} KiB per article to the store")


if __name__ == "__main__":
    main()
