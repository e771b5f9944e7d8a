"""One new article on a large corpus: what the writer of ``hdnd process`` spends before and
around its analysis — finding the pending article and deciding whether it copies an earlier
one — with the near-duplicate index kept in the corpus, beside the in-memory index it
replaced (every signature loaded into datasketch's MinHashLSH at each run, and every
pending id listed by a scan of the articles), in the same run, each in a process of its own.

Run: python benchmarks/dedup_speed.py [--sizes 10000 100000] [--cache build/dedup_speed] [--process]

Each corpus is built once into the cache folder (reused while its size matches) by
``benchmarks.search_speed.build`` (real paragraphs recombined into distinct articles),
every article marked analysed, its signature stored and indexed; the new article is a copy
of one of them without its first paragraph. Both sides work inside a transaction that is
rolled back, so the cached corpus stays as built. Analysis itself is left out: it is the
same on both sides (benchmarks/analyze_speed.py times it).

``--process`` times the whole command instead, each in a fresh process on a copy of the
corpus: ``hdnd process`` storing the one new article (wall, CPU seconds and peak resident
memory, imports and model loading included), beside the same command with nothing pending
(its fixed cost: no model is loaded) and the floor of any Python process that opens SQLite
(``python -c "import sqlite3"``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from datasketch import LeanMinHash, MinHash, MinHashLSH  # noqa: E402

from corpus.duplicates import LSH_THRESHOLD, NUM_PERM, SEED, THRESHOLD, NearDuplicates, signature  # noqa: E402

PAGE = 2000


class InMemoryIndex:
    """The index hdnd used before (for comparison only): every stored signature loaded into
    datasketch's MinHashLSH when a run starts, each new article asked in id order."""

    def __init__(self, rows):
        self.lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self.scheme = MinHash(num_perm=NUM_PERM, seed=SEED).scheme
        self.dtype = MinHash(num_perm=1).hashvalues.dtype
        self.hashes: dict[int, LeanMinHash] = {}
        for article_id, blob in rows:
            self._insert(article_id, self._minhash(blob))

    def _minhash(self, blob: bytes) -> LeanMinHash:
        return LeanMinHash(seed=SEED, hashvalues=np.frombuffer(blob, np.uint64).astype(self.dtype), scheme=self.scheme)

    def _insert(self, article_id: int, minhash: LeanMinHash) -> None:
        if article_id not in self.hashes:
            self.lsh.insert(article_id, minhash)
        self.hashes[article_id] = minhash

    def add(self, article_id: int, blob: bytes) -> tuple[int | None, float | None]:
        minhash = self._minhash(blob)
        best: tuple[int | None, float | None] = (None, None)
        for other in sorted(self.lsh.query(minhash)):
            if other != article_id and other < article_id and (score := minhash.jaccard(self.hashes[other])) >= THRESHOLD:
                best = (other, round(score, 3))
                break
        self._insert(article_id, minhash)
        return best


def build(path: Path, size: int) -> None:
    """A corpus of ``size`` analysed articles with stored, indexed signatures, and one new
    article (pending) that copies one of them."""
    from benchmarks.search_speed import build as build_articles
    from corpus.db import connect, transaction
    from pipeline import PIPELINE_VERSION

    build_articles(path, size)
    db = connect(path)
    db.execute("UPDATE articles SET pipeline_version = ?", (PIPELINE_VERSION,))
    duplicates = NearDuplicates(db)
    last = 0
    while rows := db.execute("SELECT id, text FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, PAGE)).fetchall():
        with transaction(db) as conn:
            for article_id, text in rows:
                blob = signature(text)
                conn.execute("INSERT INTO article_signatures VALUES (?, ?, ?, ?)",
                             (article_id, blob, *duplicates.add(article_id, blob)))
        last = rows[-1][0]
    copied = db.execute("SELECT url, title, text, content_hash, title_folded, text_folded FROM articles WHERE id = ?",
                        (random.Random(20).randint(1, size),)).fetchone()
    text = copied[2].split("\n", 1)[1]
    with transaction(db) as conn:
        conn.execute("INSERT INTO articles (url, title, text, content_hash, imported_at, title_folded, text_folded) "
                     "VALUES (?, ?, ?, ?, '2026-01-01', ?, ?)",
                     (copied[0] + "?ban-sao", copied[1], text, "copy-" + copied[3], copied[4], copied[5].split("\n", 1)[1]))
    db.conn.close()


def corpus(cache: Path, size: int) -> Path:
    """The cached corpus of ``size`` articles, built first if missing or of another size.
    Its analysed articles are marked analysed by the current pipeline version, so that
    only the new article is pending after a version bump too."""
    from corpus.db import connect
    from pipeline import PIPELINE_VERSION

    cache.mkdir(parents=True, exist_ok=True)
    path, done = cache / f"dedup-{size}.db", cache / f"dedup-{size}.built"
    if not done.exists():
        for stale in cache.glob(f"dedup-{size}.db*"):
            stale.unlink()
        start = time.perf_counter()
        build(path, size)
        done.write_text(f"{time.perf_counter() - start:.0f}\n")
    db = connect(path)
    with db.conn:
        db.execute("UPDATE articles SET pipeline_version = ? WHERE pipeline_version IS NOT NULL AND pipeline_version != ?",
                   (PIPELINE_VERSION, PIPELINE_VERSION))
    db.conn.close()
    return path


def measure(side: str, path: Path) -> dict:
    """In this process: find the pending article and decide on it, the way ``side`` does;
    seconds, and how much the process grew (peak resident set over the one after imports)."""
    from corpus.db import connect
    from corpus.process import pending_ids
    from pipeline import PIPELINE_VERSION

    db = connect(path)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    if side == "before":
        pending = [row[0] for row in db.execute("SELECT id FROM articles WHERE pipeline_version IS NOT ? ORDER BY id",
                                                (PIPELINE_VERSION,))]
        index = InMemoryIndex(db.execute("SELECT article_id, minhash FROM article_signatures"))
    else:
        pending = list(pending_ids(db))
        index = NearDuplicates(db)
    article_id = pending[0]
    text = db.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()[0]
    found = index.add(article_id, signature(text))
    seconds = time.perf_counter() - start
    db.execute("ROLLBACK")
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024
    return {"seconds": seconds, "mb": grown, "pending": len(pending), "found": found}


# Runs the command in argv once and prints its wall and CPU seconds and peak resident set.
# A small helper of its own: the kernel counts a child's memory from the fork, when it
# still holds its parent's pages (this module's imports are 90 MB), and a process's
# RUSAGE_CHILDREN is the largest of all its children.
_RUN = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
                  "mb": usage.ru_maxrss / 1024}))
"""


def whole_process(path: Path) -> None:
    """hdnd process on a copy of the corpus at ``path``: the one new article, then nothing
    pending, beside the floor of a process that imports sqlite3; each in a helper process
    of its own, so the peak memory is that command's alone."""
    work = path.with_name(f"process-{os.getpid()}.db")
    shutil.copyfile(path, work)
    try:
        hdnd = [sys.executable, "-m", "corpus", "process", "--db", str(work)]
        for label, command in (("one new article", hdnd), ("nothing pending", hdnd),
                               ("python -c 'import sqlite3'", [sys.executable, "-c", "import sqlite3"])):
            done = subprocess.run([sys.executable, "-c", _RUN, *command], cwd=ROOT, capture_output=True, text=True,
                                  check=True)
            result = json.loads(done.stdout)
            print(f"{'':>9} {label:<28} {result['wall']:>6.2f} s wall {result['cpu']:>6.2f} s CPU {result['mb']:>6.0f} MB peak")
    finally:
        for leftover in work.parent.glob(work.name + "*"):
            leftover.unlink()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "dedup_speed")
    parser.add_argument("--process", action="store_true", help="Time hdnd process on one new article, whole.")
    parser.add_argument("--measure", nargs=2, metavar=("SIDE", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return
    if args.process:
        for size in args.sizes:
            print(f"{size:>9,} articles: hdnd process, whole commands (load average {os.getloadavg()[0]:.1f})")
            whole_process(corpus(args.cache, size))
        return
    print(f"{'articles':>9} {'side':<7} {'seconds':>8} {'MB grown':>9} {'pending':>8}  copy of")
    for size in args.sizes:
        path = corpus(args.cache, size)
        results = {}
        for side in ("before", "now"):
            done = subprocess.run([sys.executable, __file__, "--measure", side, str(path)], cwd=ROOT,
                                  capture_output=True, text=True, check=True)
            results[side] = result = json.loads(done.stdout)
            print(f"{size:>9,} {side:<7} {result['seconds']:>8.3f} {result['mb']:>9.1f} {result['pending']:>8}  "
                  f"{result['found'][0]} ({result['found'][1]})")
        before, now = results["before"], results["now"]
        print(f"{size:>9,} same decision: {'yes' if before['found'] == now['found'] else 'NO'}; "
              f"{before['seconds'] / now['seconds']:.0f}× faster, {before['mb'] - now['mb']:.0f} MB less")


if __name__ == "__main__":
    main()
