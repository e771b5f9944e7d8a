"""The promises table's body facet lists bodies, not job titles, and each body once whatever
its case: commitments.body (migration 14), filled in plain SQL for rows any tool writes."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.corpus.conftest import get, serving


@pytest.fixture(scope="module")
def corpus(web_corpus, tmp_path_factory):
    """A copy of the built corpus where another tool (Python's sqlite3, no hdnd function)
    re-spelled one of the two promises by the Giám đốc Sở Xây dựng in other case, and added
    one by a Phó Giám đốc of the Sở Nội vụ, spelled in capitals as some pages write it."""
    db = tmp_path_factory.mktemp("bodies") / "hdnd.db"
    with sqlite3.connect(web_corpus) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    with sqlite3.connect(db) as conn:
        later = conn.execute("SELECT max(id) FROM commitments WHERE speaker_title = 'Giám đốc Sở Xây dựng'").fetchone()[0]
        conn.execute("UPDATE commitments SET speaker_title = 'Giám đốc Sở Xây Dựng' WHERE id = ?", (later,))
        added = conn.execute(
            "INSERT INTO commitments (kind, fingerprint, quote, speaker, speaker_title, speaker_kind, created_at) "
            "SELECT kind, 'added-by-another-tool', quote, 'Lê Văn An', 'Phó Giám đốc Sở Nội Vụ', 'person', created_at "
            "FROM commitments WHERE id = ?", (later,)).lastrowid
        conn.execute("INSERT INTO commitment_sources (commitment_id, article_id, start, \"end\", quote) "
                     "SELECT ?, article_id, start, \"end\", quote FROM commitment_sources WHERE commitment_id = ?",
                     (added, later))
    return db, later, added


def test_body_facet_lists_each_body_once_whatever_its_case(corpus):
    db, later, added = corpus
    with serving(db) as port:
        status, body = get(f"http://127.0.0.1:{port}/hdnd/promises.json?_facet=body&_size=max&_shape=objects")
    assert status == 200
    data = json.loads(body)
    facet = {f["value"]: f["count"] for f in data["facet_results"]["body"]["results"]}
    values = [v for v in facet if v is not None]
    assert len({v.casefold() for v in values}) == len(values), values
    assert facet["Sở Xây dựng"] == 2 and facet["Sở Nội vụ"] == 2
    rows = {row["id"]: row for row in data["rows"]}
    # The job stays in speaker_title; the body column holds the body alone, or nothing.
    assert (rows[later]["speaker_title"], rows[later]["body"]) == ("Giám đốc Sở Xây Dựng", "Sở Xây dựng")
    assert (rows[added]["speaker_title"], rows[added]["body"]) == ("Phó Giám đốc Sở Nội Vụ", "Sở Nội vụ")
    assert not [v for v in values if v.startswith(("Giám đốc", "Chủ tịch", "Phó Chủ tịch", "Đại biểu", "Chủ tọa"))]
    assert {row["body"] for row in rows.values() if row["speaker_title"] in ("Đại biểu", "Chủ tọa")} == {None}
