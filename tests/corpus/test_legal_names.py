"""Laws cited by name and date, without a number (migration 19): stored with their name,
found by `hdnd search --in legal_refs`, and a corpus made before keeps its references."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
import sqlite_utils

from corpus.migrations import MIGRATIONS, migrate
from tests.conftest import ROOT, SHARED


def test_a_corpus_made_before_keeps_its_references_and_takes_named_laws(tmp_path):
    db = sqlite_utils.Database(tmp_path / "old.db")
    migrate(db, [m for m in MIGRATIONS if m[0] <= 18])
    db.conn.execute("INSERT INTO articles (id, url, title, text, content_hash, kind, imported_at) "
                    "VALUES (1, 'https://bao.example.vn/1', 't', 'x', 'h', 'article', '2026-01-01')")
    db.conn.execute("INSERT INTO legal_refs (id, article_id, type, number, date, start, \"end\", quote) "
                    "VALUES (7, 1, 'Nghị quyết', '18-NQ/TU', '2022-12-30', 0, 10, 'Nghị quyết 18')")
    db.conn.commit()
    assert migrate(db) == [m[0] for m in MIGRATIONS if m[0] > 18]
    assert db.execute("SELECT id, type, number, name, date FROM legal_refs").fetchall() == \
        [(7, "Nghị quyết", "18-NQ/TU", None, "2022-12-30")]
    db.conn.execute("INSERT INTO legal_refs (article_id, type, number, name, start, \"end\", quote) "
                    "VALUES (1, 'Luật', NULL, 'Giao thông đường bộ', 0, 10, 'Luật Giao thông đường bộ')")
    with pytest.raises(sqlite3.IntegrityError):  # neither a number nor a name: no reference
        db.conn.execute("INSERT INTO legal_refs (article_id, type, start, \"end\", quote) VALUES (1, 'Luật', 0, 1, 'L')")
    db.conn.commit()
    db.conn.execute("PRAGMA foreign_keys = ON")  # as corpus.db.connect opens it (outside a transaction)
    db.conn.execute("DELETE FROM articles WHERE id = 1")  # still cascades from the article
    assert db.execute("SELECT count(*) FROM legal_refs").fetchone()[0] == 0


def test_a_council_resolution_citing_laws_by_name_and_date(tmp_path):
    """dev-060 of the shared corpus, a real council resolution, read by path."""
    gold = SHARED / "gold" / "dev" / "news.jsonl"
    if not gold.exists():
        pytest.skip("../shared is not beside this checkout")
    doc = next(d for d in map(json.loads, gold.read_text(encoding="utf-8").splitlines()) if d["doc"] == "dev-060")
    (tmp_path / "nghi-quyet.txt").write_text(doc["text"], encoding="utf-8")
    db = tmp_path / "c.db"

    def hdnd(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "corpus", *args, "--db", str(db)], cwd=ROOT,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return done

    hdnd("import", str(tmp_path / "nghi-quyet.txt"))
    hdnd("process")
    found = json.loads(hdnd("search", "--in", "legal_refs", "giao thong duong bo", "--format", "json").stdout)
    assert [(r["type"], r["number"], r["name"], r["date"]) for r in found] == \
        [("Luật", None, "Giao thông đường bộ", "2008-11-13")]
    names = {r[0] for r in sqlite3.connect(db).execute("SELECT name FROM legal_refs WHERE number IS NULL")}
    assert {"Tổ chức chính quyền địa phương", "Ban hành văn bản quy phạm pháp luật"} <= names
