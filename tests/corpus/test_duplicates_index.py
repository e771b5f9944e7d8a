"""The near-duplicate index kept in the corpus decides exactly as the in-memory one did.

The reference is the earlier implementation, kept only in benchmarks/dedup_speed.py:
datasketch's MinHashLSH of every stored signature, asked for each new article in id order.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from benchmarks.dedup_speed import InMemoryIndex
from corpus.db import transaction
from corpus.duplicates import NearDuplicates, signature
from corpus.migrations import MIGRATIONS, migrate
from corpus.store import save_article
from crawler.extract import ArticleItem
from tests.conftest import ROOT, SHARED


def reference_decisions(blobs: list[tuple[int, bytes]]) -> dict[int, tuple[int | None, float | None]]:
    """What the in-memory index decided for each article, added in this order."""
    index = InMemoryIndex([])
    return {article_id: index.add(article_id, blob) for article_id, blob in blobs}


def dev_texts() -> list[str]:
    """The development corpus and the training batches, and for every fifth text a copy
    without its first and last paragraphs (a syndicated copy's usual difference)."""
    texts = []
    for path in [SHARED / "gold" / "dev" / "news.jsonl", *sorted((ROOT / "models" / "training").glob("*.jsonl"))]:
        if path.exists():
            texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    copies = ["\n".join(text.split("\n")[1:-1]) for text in texts[::5]]
    return [text for text in texts + copies if len(text.split()) > 20]


def _store_signature(db, duplicates: NearDuplicates, article_id: int, blob: bytes) -> tuple[int | None, float | None]:
    """What the writer does (corpus.analysis.store_analysis): decide, then store the signature."""
    with transaction(db) as conn:
        decided = duplicates.add(article_id, blob)
        conn.execute("INSERT OR REPLACE INTO article_signatures VALUES (?, ?, ?, ?)", (article_id, blob, *decided))
    return decided


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """The texts stored as articles, with their signatures in id order."""
    from corpus.db import connect

    db = connect(tmp_path_factory.mktemp("dup") / "hdnd.db")
    ids = {}
    for n, text in enumerate(dev_texts()):
        outcome, article_id = save_article(db, ArticleItem(url=f"https://bao.example.vn/bai-{n}.html", title=None, text=text))
        if outcome == "new":
            ids[article_id] = text
    yield db, [(article_id, signature(text)) for article_id, text in sorted(ids.items())]
    db.conn.close()


def test_decisions_on_the_dev_corpus_equal_the_in_memory_index(stored):
    db, blobs = stored
    duplicates = NearDuplicates(db)
    ours = {article_id: _store_signature(db, duplicates, article_id, blob) for article_id, blob in blobs}
    expected = reference_decisions(blobs)
    assert ours == expected
    assert sum(found is not None for found, _ in ours.values()) >= 100  # the copies, and real repeats
    # an article analysed again is not its own copy, and keeps its decision
    again = NearDuplicates(db)
    assert [_store_signature(db, again, article_id, blob) for article_id, blob in blobs[:50]] == \
        [expected[article_id] for article_id, _ in blobs[:50]]


def test_signatures_stored_before_the_index_are_banded_on_first_use(tmp_path, stored):
    """A corpus from before migration 17: its signatures get their bands, then decide as before."""
    from corpus.db import connect

    _, blobs = stored
    db = connect(tmp_path / "old.db", migrate_schema=False)
    migrate(db, [m for m in MIGRATIONS if m[0] < 17])
    first, rest = blobs[:len(blobs) // 2], blobs[len(blobs) // 2:]
    with transaction(db) as conn:
        conn.executemany("INSERT INTO articles (id, url, text, content_hash, imported_at) VALUES (?, ?, 'x', ?, '2026-01-01')",
                         [(article_id, f"https://bao.example.vn/{article_id}", str(article_id)) for article_id, _ in blobs])
        conn.executemany("INSERT INTO article_signatures (article_id, minhash) VALUES (?, ?)", first)
    db.conn.close()
    db = connect(tmp_path / "old.db")
    assert db.execute("SELECT count(*) FROM article_lsh_unbanded").fetchone()[0] == len(first)

    duplicates = NearDuplicates(db)

    assert db.execute("SELECT count(*) FROM article_lsh_unbanded").fetchone()[0] == 0
    assert db.execute("SELECT count(DISTINCT article_id) FROM article_lsh").fetchone()[0] == len(first)
    expected = reference_decisions(blobs)
    assert {article_id: _store_signature(db, duplicates, article_id, blob) for article_id, blob in rest} == \
        {article_id: expected[article_id] for article_id, _ in rest}


def test_benchmark_runs_tiny_and_both_sides_decide_alike(tmp_path):
    """benchmarks/dedup_speed.py keeps working (its figures mean nothing at this size)."""
    command = [sys.executable, "benchmarks/dedup_speed.py", "--sizes", "200", "--cache", str(tmp_path)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[1] for line in lines[1:3]] == ["before", "now"], done.stdout
    assert all(line.split()[4] == "1" and line.split()[5] != "None" for line in lines[1:3]), done.stdout  # one pending, a copy
    assert "200 same decision: yes" in lines[3], done.stdout
