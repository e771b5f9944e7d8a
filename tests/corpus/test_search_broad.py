"""A query too broad to rank lists its matches most recently added first, says so, and ranks on request."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from corpus import search as search_module
from corpus.db import connect
from corpus.search import RANK_AT_MOST, count, fts_expression, search
from pipeline import fold
from tests.conftest import ROOT
from tests.corpus.conftest import get, save_paged_articles, serving

NOTICE = f"The query matches more than {RANK_AT_MOST:,} articles"


@pytest.fixture(scope="module")
def broad_file(tmp_path_factory):
    """RANK_AT_MOST + 2 articles that mention "chất vấn" once, written in bulk as another tool
    would, after one (id 1) whose title and text say it three times: the best match, added first."""
    path = tmp_path_factory.mktemp("broad") / "broad.db"
    db = connect(path)
    rows = [(1, "Chất vấn chất vấn", "Chất vấn về giao thông.", "2020-01-01")]
    rows += [(n, f"Tin số {n}", f"Phiên họp số {n} có chất vấn về ngân sách và nhiều nội dung khác của địa phương.",
              f"2024-01-{n % 28 + 1:02d}") for n in range(2, RANK_AT_MOST + 4)]
    db.conn.execute("BEGIN")
    db.conn.executemany("INSERT INTO articles (id, url, title, text, published, content_hash, kind, imported_at, "
                        "title_folded, text_folded) VALUES (?, ?, ?, ?, ?, ?, 'article', '2026-01-01', ?, ?)",
                        [(n, f"https://bao.example.vn/{n}", title, text, day, str(n), fold(title), fold(text))
                         for n, title, text, day in rows])
    db.conn.execute("COMMIT")
    db.conn.close()
    return path


def _search(path, *args: str) -> tuple[list[dict], str]:
    done = subprocess.run([sys.executable, "-m", "corpus", "search", "chat van", *args, "--db", str(path),
                           "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), done.stderr


def test_a_broad_query_comes_last_added_first_and_the_command_says_so(broad_file):
    last = RANK_AT_MOST + 3
    hits, said = _search(broad_file, "--limit", "3")
    assert [h["id"] for h in hits] == [last, last - 1, last - 2] and {h["score"] for h in hits} == {None}
    assert NOTICE in said and "--ranked" in said
    page, _ = _search(broad_file, "--limit", "3", "--offset", "3")
    assert [h["id"] for h in page] == [last - 3, last - 4, last - 5]
    deep, _ = _search(broad_file, "--limit", "3", "--offset", str(last - 3))  # past the matches counted first
    assert [h["id"] for h in deep] == [3, 2, 1]
    assert all("**chất vấn**" in h["snippet"] for h in hits + page)


def test_ranked_ranks_a_broad_query_by_relevance_without_the_notice(broad_file):
    hits, said = _search(broad_file, "--limit", "3", "--ranked")
    assert hits[0]["id"] == 1 and all(h["score"] is not None for h in hits)
    assert NOTICE not in said


def test_a_narrow_query_is_ranked_without_asking_and_a_filter_does_not_make_one_narrow(broad_file):
    done = subprocess.run([sys.executable, "-m", "corpus", "search", "giao thong", "--db", str(broad_file), "--format",
                           "json"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert [h["id"] for h in json.loads(done.stdout)] == [1] and NOTICE not in done.stderr
    assert json.loads(done.stdout)[0]["score"] is not None
    filtered, said = _search(broad_file, "--until", "2020-12-31")  # ranking would still read every match
    assert [h["id"] for h in filtered] == [1] and filtered[0]["score"] is None and NOTICE in said


@pytest.mark.parametrize("few", [5000, 0], ids=["each match looked up", "narrowed by the indexes"])
def test_filters_and_totals_hold_for_a_broad_query(fresh_db, monkeypatch, few):
    monkeypatch.setattr(search_module, "RANK_AT_MOST", 2)
    monkeypatch.setattr(search_module, "FEW_MATCHES", few)
    save_paged_articles(fresh_db, 12, lambda n: f"2024-03-{n + 1:02d}")
    ids = [row[0] for row in fresh_db.execute("SELECT id FROM articles ORDER BY id")]
    transcripts = search(fresh_db, "chuyen doi so", kind="transcript", limit=10)
    assert [h["id"] for h in transcripts] == [ids[10], ids[5], ids[0]] and transcripts[0]["score"] is None
    dated = search(fresh_db, "chuyen doi so", source="a.example.vn", since="2024-03-03", until="2024-03-08", limit=10)
    assert [h["id"] for h in dated] == [ids[6], ids[4], ids[2]]
    assert count(fresh_db, "chuyen doi so", source="a.example.vn", since="2024-03-03", until="2024-03-08") == 3
    assert {h["id"] for h in search(fresh_db, "chuyen doi so", limit=20, ranked=True)} == set(ids)
    assert all(h["score"] is not None for h in search(fresh_db, "chuyen doi so", ranked=True))


@pytest.mark.parametrize("window", [3, 100_000], ids=["matches beyond the newest", "all among the newest"])
def test_a_query_ranked_as_its_matches_are_read_agrees_with_ranking_every_match(fresh_db, monkeypatch, window):
    """Read once with their scores, few matches come in the order of the query that ranks every
    match (score, newest published, id: the dates tie in fours and many scores tie), page by page;
    more than RANK_AT_MOST come last added first, whether the newest articles hold them or not."""
    monkeypatch.setattr(search_module, "NEWEST_WINDOW", window)
    save_paged_articles(fresh_db, 12, lambda n: f"2024-03-{n % 3 + 1:02d}")
    reference = [row[0] for row in fresh_db.execute(
        "SELECT a.id FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid WHERE articles_fts MATCH ? "
        "ORDER BY bm25(articles_fts, 5.0, 1.0, 5.0, 1.0), a.published DESC, a.id", [fts_expression("chuyen doi so")])]
    pages = [search(fresh_db, "chuyen doi so", limit=5, offset=offset) for offset in (0, 5, 10)]
    assert [h["id"] for page in pages for h in page] == reference and len(reference) == 12
    assert all(h["score"] is not None for page in pages for h in page)
    monkeypatch.setattr(search_module, "RANK_AT_MOST", 5)
    newest = search(fresh_db, "chuyen doi so", limit=12)
    assert [h["id"] for h in newest] == sorted(reference, reverse=True) and {h["score"] for h in newest} == {None}


def test_the_web_search_lists_a_broad_query_last_added_first_and_says_so(broad_file):
    last = RANK_AT_MOST + 3
    with serving(broad_file) as port:
        status, body = get(f"http://127.0.0.1:{port}/-/search.json?q=chat+van&size=3")
        assert status == 200, body[:300]
        articles = json.loads(body)["groups"]["articles"]
        assert articles["order"] == "added" and [h["id"] for h in articles["hits"]] == [last, last - 1, last - 2]
        assert articles["total"] == last
        page = get(f"http://127.0.0.1:{port}/-/search?q=chat+van")[1].decode("utf-8")
        assert "the most recently added come first" in page
        narrow = json.loads(get(f"http://127.0.0.1:{port}/-/search.json?q=giao+thong")[1])["groups"]["articles"]
        assert narrow["order"] == "best" and [h["id"] for h in narrow["hits"]] == [1]
        assert "the most recently added come first" not in get(f"http://127.0.0.1:{port}/-/search?q=giao+thong")[1].decode()
