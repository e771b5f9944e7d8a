"""Articles per second of ``hdnd process`` on a Dask cluster of one and of two worker
processes on this machine (``--scheduler local:1`` and ``local:2``), beside the same run
without a cluster, and the two-worker to one-worker ratio.

Each run starts from a copy of one unprocessed corpus: the real dev texts of
``../shared/gold/dev/news.jsonl``, topped up with texts of our own sentences when
``--articles`` asks for more. The time is that of ``process_corpus`` alone, once the
workers have loaded the pipeline (starting a cluster is paid once per run, not per article).
The writer (this process) shares the machine's cores with the workers.

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


if __name__ == "__main__":
    main()
