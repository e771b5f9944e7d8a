"""The promises table's body facet lists bodies, not job titles, and each body once whatever
its case or abbreviations: commitments.body (migrations 14 and 16), filled in plain SQL for
rows any tool writes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

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


def _copy(web_corpus, folder: Path) -> Path:
    db = folder / "hdnd.db"
    with sqlite3.connect(web_corpus) as source, sqlite3.connect(db) as copy:
        source.backup(copy)
    return db


def _add(db: Path, title: str, kind: str = "person", body_id: int | None = None) -> int:
    """A promise another tool writes (Python's sqlite3, no hdnd function), with a source so
    the promises view shows it."""
    with sqlite3.connect(db) as conn:
        added = conn.execute(
            "INSERT INTO commitments (kind, fingerprint, quote, speaker_title, speaker_kind, body_id, created_at) "
            "VALUES ('promise', ?, 'Một lời hứa.', ?, ?, ?, '2026-12-05')",
            (f"{kind}:{title}:{body_id}", title, kind, body_id)).lastrowid
        conn.execute("INSERT INTO commitment_sources (commitment_id, article_id, start, \"end\", quote) "
                     "SELECT ?, min(id), 0, 1, 'M' FROM articles", (added,))
    return added


def _bodies(db: Path) -> dict[int, str | None]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT id, body FROM commitments"))


def _retitle(db: Path, title: str, ids) -> None:
    with sqlite3.connect(db) as conn:
        conn.executemany("UPDATE commitments SET speaker_title = ? WHERE id = ?", [(title, i) for i in ids])


def test_a_head_is_found_whatever_the_titles_case(web_corpus, tmp_path):
    db = _copy(web_corpus, tmp_path)
    capitals, job = _add(db, "Phó Giám đốc SỞ XÂY DỰNG"), _add(db, "Cán bộ văn phòng")
    bodies = _bodies(db)
    assert bodies[capitals] == "Sở Xây dựng"  # as the corpus's other promises by that body spell it
    assert bodies[job] is None  # "bộ", "văn phòng" in small letters are words, not bodies


def test_a_body_with_an_empty_name_has_no_body(web_corpus, tmp_path):
    db = _copy(web_corpus, tmp_path)
    empty, blank = _add(db, "", "body"), _add(db, "  ", "body")
    bodies = _bodies(db)
    assert bodies[empty] is None and bodies[blank] is None
    assert "" not in bodies.values()


def test_each_body_is_spelled_from_the_rows_there_are(web_corpus, tmp_path):
    """A row's body does not keep a spelling taken from a row that no longer names that body."""
    db = _copy(web_corpus, tmp_path)
    builders = [i for i, body in _bodies(db).items() if body == "Sở Xây dựng"]
    other = _add(db, "Giám đốc Sở Xây Dựng")
    assert _bodies(db)[other] == "Sở Xây dựng"
    _retitle(db, "Đại biểu", builders)
    bodies = _bodies(db)
    assert bodies[other] == "Sở Xây Dựng" and {bodies[i] for i in builders} == {None}
    _retitle(db, "Giám đốc Sở Xây dựng", builders)
    assert {i: body for i, body in _bodies(db).items() if i in (*builders, other)} == dict.fromkeys((*builders, other),
                                                                                                   "Sở Xây dựng")


def test_a_deleted_rows_spelling_goes_with_it(web_corpus, tmp_path):
    """Another tool deletes the row whose spelling a body shows: the others show their own."""
    db = _copy(web_corpus, tmp_path)
    builders = [i for i, body in _bodies(db).items() if body == "Sở Xây dựng"]
    other = _add(db, "Giám đốc Sở Xây Dựng")
    with sqlite3.connect(db) as conn:
        conn.execute(f"DELETE FROM commitments WHERE id IN ({', '.join(map(str, builders))})")
    assert builders and _bodies(db)[other] == "Sở Xây Dựng"


def test_abbreviated_and_written_out_names_are_one_body(web_corpus, tmp_path):
    """The corpus names the province's people's committee "UBND tỉnh Bắc Giang" in a page
    and the pipeline stores it as "Ủy ban nhân dân tỉnh Bắc Giang": promises by its chairman
    and by the committee itself are one facet value, spelled as the pipeline spells it."""
    db = _copy(web_corpus, tmp_path)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles WHERE text LIKE '%UBND tỉnh Bắc Giang%'").fetchone()[0]
        committee = conn.execute("SELECT id FROM bodies WHERE name = 'Ủy ban nhân dân tỉnh Bắc Giang'").fetchone()[0]
        provincial = [row[0] for row in conn.execute("SELECT id FROM commitments WHERE speaker_title LIKE '%UBND tỉnh'")]
    chairman, itself = _add(db, "Chủ tịch UBND tỉnh Bắc Giang"), _add(db, "UBND tỉnh Bắc Giang", "body", committee)
    council = _add(db, "Phó Chủ tịch HĐND TP.Bắc Giang")
    bodies = _bodies(db)
    assert bodies[chairman] == bodies[itself] == "Ủy ban nhân dân tỉnh Bắc Giang"
    assert bodies[council] == "Hội đồng nhân dân thành phố Bắc Giang"
    assert provincial and {bodies[i] for i in provincial} == {"Ủy ban nhân dân tỉnh"}  # no place is added
    with serving(db) as port:
        status, body = get(f"http://127.0.0.1:{port}/hdnd/promises.json?_facet=body&_size=0")
    facet = {f["value"]: f["count"] for f in json.loads(body)["facet_results"]["body"]["results"]}
    assert status == 200 and facet["Ủy ban nhân dân tỉnh Bắc Giang"] == 2
    assert not [value for value in facet if value and "UBND" in value]


TITLES = ("Giám đốc Sở Xây Dựng", "Phó Giám đốc SỞ XÂY DỰNG", "Giám đốc Sở Xây dựng", "Chủ tịch UBND TP. Hà Nội",
          "Phó Chủ tịch Ủy ban nhân dân thành phố Hà Nội", "Đại biểu", "", "Trưởng ban Pháp chế HĐND tỉnh")


def test_migrating_a_corpus_gives_the_bodies_new_rows_get(tmp_path):
    """Rows stored before migration 16 get the bodies its triggers give rows written after."""
    from corpus.db import connect
    from corpus.migrations import MIGRATIONS, migrate

    old, new = tmp_path / "old.db", tmp_path / "new.db"
    previous = connect(old, migrate_schema=False)
    migrate(previous, [m for m in MIGRATIONS if m[0] < 16])
    previous.conn.close()
    connect(new).conn.close()
    for db in (old, new):
        with sqlite3.connect(db) as conn:
            conn.execute("INSERT INTO articles (url, text, content_hash, imported_at) VALUES ('u', 't', 'h', 'x')")
        for title in TITLES:
            _add(db, title, "body" if title == "" else "person")
    connect(old).conn.close()
    assert _bodies(old) == _bodies(new)
    assert set(_bodies(new).values()) == {"Sở Xây Dựng", "Ủy ban nhân dân thành phố Hà Nội", "Hội đồng nhân dân tỉnh",
                                          None}
