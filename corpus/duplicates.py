"""Near-duplicate articles: syndicated copies and scraper sites (MinHash over word shingles).

A signature is computed where the article is analysed (a worker); the main process keeps
an LSH index of every stored signature and records, for each new article, the earlier
article it copies. Commitments in a copy join the original's instead of multiplying.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import sqlite_utils
from datasketch import LeanMinHash, MinHash, MinHashLSH

from pipeline import fold

NUM_PERM = 128
SEED = 1
SHINGLE = 5
THRESHOLD = 0.7          # estimated Jaccard similarity from which two articles are copies
LSH_THRESHOLD = 0.5      # lower, so that LSH banding rarely misses a pair at THRESHOLD
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
def _scheme() -> str:
    return MinHash(num_perm=NUM_PERM, seed=SEED).scheme


def _minhash(blob: bytes) -> LeanMinHash:
    """The stored hash values back as a MinHash of the same seed and hashing scheme."""
    values = np.frombuffer(blob, dtype=np.uint64)
    return LeanMinHash(seed=SEED, hashvalues=values.astype(MinHash(num_perm=1).hashvalues.dtype), scheme=_scheme())


class NearDuplicates:
    """The LSH index over the corpus's stored signatures, loaded once per run."""

    def __init__(self, db: sqlite_utils.Database):
        self.lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self.hashes: dict[int, LeanMinHash] = {}
        for article_id, blob in db.execute("SELECT article_id, minhash FROM article_signatures"):
            self._insert(article_id, _minhash(blob))

    def _insert(self, article_id: int, minhash: LeanMinHash) -> None:
        if article_id not in self.hashes:
            self.lsh.insert(article_id, minhash)
        self.hashes[article_id] = minhash

    def add(self, article_id: int, blob: bytes) -> tuple[int | None, float | None]:
        """Index the article; return the earliest other article it nearly copies, and how closely."""
        minhash = _minhash(blob)
        best: tuple[int | None, float | None] = (None, None)
        for other in sorted(self.lsh.query(minhash)):
            if other == article_id:
                continue
            similarity = minhash.jaccard(self.hashes[other])
            if similarity >= THRESHOLD and other < article_id:
                best = (other, round(similarity, 3))
                break
        self._insert(article_id, minhash)
        return best
