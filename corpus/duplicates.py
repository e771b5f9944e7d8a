"""Near-duplicate articles: syndicated copies and scraper sites (MinHash over word shingles).

A signature is computed where the article is analysed (a worker); the writer records, for
each new article, the earlier article it copies. The LSH index lives in the corpus
(``article_lsh``: one row per band of each signature, keyed by a hash of the band), so an
article is checked with a few indexed look-ups instead of an index of every signature
rebuilt in memory at each run. Commitments in a copy join the original's instead of
multiplying.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import numpy as np
import sqlite_utils
from datasketch import MinHash, MinHashLSH

from corpus.db import transaction
from pipeline import fold

NUM_PERM = 128
SEED = 1
SHINGLE = 5
THRESHOLD = 0.7          # estimated Jaccard similarity from which two articles are copies
LSH_THRESHOLD = 0.5      # lower, so that LSH banding rarely misses a pair at THRESHOLD
BACKFILL = 1000          # signatures banded a transaction when an older corpus gets its index
_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[bytes]:
    """Overlapping five-word windows of the folded, lower-cased text."""
    words = _WORD.findall(fold(text).lower())
    if len(words) < SHINGLE:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def signature(text: str) -> bytes:
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update_batch(list(shingles(text)))
    return minhash.hashvalues.astype(np.uint64).tobytes()


@lru_cache(maxsize=None)
def _bands() -> list[tuple[int, int]]:
    """Where each band of a signature starts and ends: datasketch's choice of bands and rows
    for LSH_THRESHOLD (25 bands of 5), so that the same pairs become candidates as before."""
    return MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM).hashranges


def band_keys(blob: bytes) -> list[int]:
    """One signed 64-bit key per band: a hash of the band's number and hash values. Two
    signatures share a key when a band of theirs is equal (a hash collision, one in 2^64,
    only adds a candidate, which the similarity check then weighs)."""
    keys = []
    for band, (start, end) in enumerate(_bands()):
        digest = hashlib.blake2b(blob[start * 8:end * 8], digest_size=8, salt=band.to_bytes(16, "little")).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity: the share of equal hash values (MinHash.jaccard)."""
    return float(np.count_nonzero(np.frombuffer(a, np.uint64) == np.frombuffer(b, np.uint64))) / NUM_PERM


class NearDuplicates:
    """The corpus's LSH index; signatures stored before it existed are banded on first use."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        while db.execute("SELECT 1 FROM article_lsh_unbanded LIMIT 1").fetchall():
            _backfill(db)

    def add(self, article_id: int, blob: bytes) -> tuple[int | None, float | None]:
        """Index the article; return the earliest other article it nearly copies, and how
        closely. Runs inside the writer's transaction that stores the signature."""
        conn = self.db.conn
        keys = band_keys(blob)
        marks = ", ".join("?" * len(keys))
        candidates = sorted({row[0] for row in conn.execute(
            f"SELECT article_id FROM article_lsh WHERE key IN ({marks}) AND article_id < ?", [*keys, article_id])})
        best: tuple[int | None, float | None] = (None, None)
        for other in candidates:
            stored = conn.execute("SELECT minhash FROM article_signatures WHERE article_id = ?", (other,)).fetchone()
            if stored is not None and (score := similarity(blob, stored[0])) >= THRESHOLD:
                best = (other, round(score, 3))
                break
        old = conn.execute("SELECT minhash FROM article_signatures WHERE article_id = ?", (article_id,)).fetchone()
        if old is not None:
            conn.executemany("DELETE FROM article_lsh WHERE key = ? AND article_id = ?",
                             [(key, article_id) for key in band_keys(old[0])])
        conn.executemany("INSERT OR IGNORE INTO article_lsh (key, article_id) VALUES (?, ?)",
                         [(key, article_id) for key in keys])
        return best


def _backfill(db: sqlite_utils.Database) -> None:
    """Band up to BACKFILL of the signatures listed in article_lsh_unbanded (those stored
    before the index existed) in one transaction."""
    with transaction(db) as conn:
        rows = conn.execute("SELECT u.article_id, s.minhash FROM article_lsh_unbanded u "
                            "LEFT JOIN article_signatures s ON s.article_id = u.article_id "
                            "ORDER BY u.article_id LIMIT ?", (BACKFILL,)).fetchall()
        conn.executemany("INSERT OR IGNORE INTO article_lsh (key, article_id) VALUES (?, ?)",
                         [(key, article_id) for article_id, blob in rows if blob is not None for key in band_keys(blob)])
        conn.executemany("DELETE FROM article_lsh_unbanded WHERE article_id = ?", [(row[0],) for row in rows])
