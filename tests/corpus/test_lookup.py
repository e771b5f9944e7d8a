"""One query over articles, promises, people and index results (the web search page)."""

from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from corpus import lookup
from corpus.db import connect, prepare_connection
from corpus.lookup import search_everything, search_group
from corpus.migrations import MIGRATIONS, migrate
from corpus.search import END, START, QueryError, match_spans, parse_query
from pipeline.normalize import fold


@pytest.mark.parametrize("query, text, expected", [
    ("hoi dong nhan dan", "Kỳ họp Hội đồng nhân dân tỉnh", [(7, 24)]),
    ("Hội đồng", "hội đồng nhân dân", [(0, 8)]),
    ("hội động", "Hội đồng nhân dân", None),  # marks typed are marks required
    ("hoi dong nhan dan", "Hội nghị ở thôn Đồng Tâm, nhân dân dự", None),  # a phrase, not four words
    ("papi OR pci", "xếp hạng PCI năm 2023", [(9, 12)]),
    ("papi pci", "xếp hạng PCI năm 2023", [(9, 12)]),  # one phrase "papi pci" … is absent
    ('"chỉ số" AND 2023', "Chỉ số PCI năm 2023", [(0, 6), (15, 19)]),
    ("chuyen do*", "chuyển đổi số", [(0, 10)]),
])
def test_match_spans_follow_the_exact_and_folded_rule(query, text, expected):
    if query == "papi pci":
        assert match_spans(parse_query(query), text) is None
        return
    assert match_spans(parse_query(query), text) == expected


@pytest.fixture(scope="module")
def db(web_corpus):
    database = connect(web_corpus)
    yield database
    database.conn.close()


def _marked(snippet: str) -> list[str]:
    return [part.split(END)[0] for part in snippet.split(START)[1:]]


def test_a_folded_query_finds_the_phrase_in_every_group(db):
    found = search_everything(db, "hoi dong nhan dan")["groups"]
    titles = [hit["title"] for hit in found["articles"]["hits"]]
    assert "Bắc Giang công bố kết quả Chỉ số cải cách hành chính năm 2023" in titles
    # The festival page has hội, đồng, nhân and dân, but not as the phrase.
    scattered = db.execute("SELECT text FROM articles WHERE title LIKE 'Ngày hội%'").fetchone()[0]
    assert all(fold(s) in fold(scattered.lower()) for s in ("hội", "đồng", "nhân", "dân"))
    assert "Ngày hội đại đoàn kết ở thôn Đồng Tâm" not in titles
    promise = found["promises"]["hits"][0]
    assert promise["speaker"] == "Hoàng Văn Nam" and _marked(promise["snippet"]) == ["Hội đồng nhân dân"]
    assert all(_marked(hit["snippet"]) for group in found.values() for hit in group["hits"])


def test_a_speaker_ranks_above_a_mention_in_a_quote(db):
    found = search_everything(db, "tran minh duc")["groups"]
    assert [h["speaker"] for h in found["promises"]["hits"]] == ["Trần Minh Đức", "Trần Minh Đức"]
    assert [h["name"] for h in found["people"]["hits"]] == ["Trần Minh Đức"]


def test_index_results_match_index_names_and_places(db):
    found = search_everything(db, '"chỉ số cải cách hành chính" "bac giang"')["groups"]["index_values"]
    assert found["total"] == 5
    assert [h["year"] for h in found["hits"]] == [2023, 2023, 2022, 2022, 2021]
    assert found["hits"][0]["entity"] == "Bắc Giang"


def test_totals_count_beyond_the_limit(db):
    found = search_everything(db, "bac giang", limit=1)["groups"]
    assert len(found["index_values"]["hits"]) == 1 and found["index_values"]["total"] == 5


def test_a_query_without_letters_is_refused(db):
    with pytest.raises(QueryError, match="no letters or digits"):
        search_everything(db, '"*"')


# Queries of every shape the search page takes: folded and exact, đ/d, an index's name and its
# place as one phrase, AND/OR, prefixes, abbreviations, a phrase with no letters in a field.
SAME_AS_A_SCAN = ["hoi dong nhan dan", "Hội đồng", "tran minh duc", "bac giang", "pci ha noi", "chi so cai cach*",
                  "HĐND", "hdnd", "dau tu OR giao thong", '"chỉ số" AND 2023', "d*", "nam OR _", "xay dung AND ha noi",
                  "Đức", "duc OR dddd"]


@pytest.mark.parametrize("query", SAME_AS_A_SCAN)
def test_the_record_indexes_find_what_matching_every_row_finds(db, query):
    """The per-field indexes match by the exact/folded rule as matching every row in Python
    does: the same hits and totals (their order is bm25's, not the scan's field weights)."""
    parts = parse_query(query)
    for group in ("promises", "people", "index_values"):
        scanned, total = lookup._ranked(lookup._read(db, group), group, parts, 1000)
        found = search_group(db, query, group, limit=1000)
        assert sorted(h["id"] for h in found["hits"]) == sorted(h["id"] for h in scanned), group
        assert (found["total"], found["total_exact"]) == (total, True), group
    assert any(search_group(db, q, g)["total"] for q in SAME_AS_A_SCAN for g in ("promises", "people", "index_values"))


def test_a_phrase_lies_in_one_field_an_index_name_and_its_place_are_one(db):
    """"pci ha noi" finds PCI results of Hà Nội (heading: the index's names, then its place);
    a phrase running from a person's name into their title matches no one."""
    assert search_group(db, "pci ha noi", "index_values")["total"] == search_group(db, "pci AND ha noi", "index_values")["total"]
    person = db.execute("SELECT name, title FROM persons WHERE title IS NOT NULL AND title <> '' LIMIT 1").fetchone()
    across = f"{person[0].split()[-1]} {person[1].split()[0]}"
    assert search_group(db, f'"{across}"', "people")["total"] == 0
    assert search_group(db, f'"{person[0]}" AND "{person[1]}"', "people")["total"] >= 1


def test_expressions_search_exact_fields_or_folded_ones():
    assert lookup.expression("people", parse_query("Dân")) == '{name title titles} : "Dân"'
    assert lookup.expression("people", parse_query("dan*")) == '{name_folded title_folded titles_folded} : "dan" *'
    assert lookup.expression("index_values", parse_query("pci OR papi")) == \
        '({heading_folded subindex_folded quote_folded} : "pci") OR {heading_folded subindex_folded quote_folded} : "papi"'
    assert lookup._typed("people", parse_query("nam")) is None  # one spelling: no record is favoured
    assert lookup._typed("people", parse_query("HĐND")) == '{name title titles} : "HĐND"'


def test_pages_of_one_give_the_whole_ranking_in_order(db):
    """Hits come in one order however they are paged (ties are broken the same way each time)."""
    for group in ("promises", "people", "index_values"):
        whole = [h["id"] for h in search_group(db, "bac giang OR hoi dong", group, limit=100)["hits"]]
        paged = [h["id"] for n in range(len(whole)) for h in search_group(db, "bac giang OR hoi dong", group,
                                                                          limit=1, offset=n)["hits"]]
        assert paged == whole, group
    assert whole


def test_a_total_past_the_count_says_there_are_more(db, monkeypatch):
    monkeypatch.setattr(lookup, "COUNT_AT_MOST", {"articles": 1, "records": 2})
    found = search_everything(db, "bac giang")["groups"]
    assert (found["index_values"]["total"], found["index_values"]["total_exact"]) == (2, False)
    # Too many to rank: every hit still comes, the most recently added first, without a score.
    index_values = found["index_values"]
    assert index_values["order"] == "added" and {h["score"] for h in index_values["hits"]} == {None}
    assert [h["id"] for h in index_values["hits"]] == sorted((h["id"] for h in index_values["hits"]), reverse=True)
    assert len(index_values["hits"]) == 5
    assert (found["articles"]["total"], found["articles"]["total_exact"]) == (1, False)
    narrow = search_everything(db, "tran minh duc")["groups"]["people"]
    assert narrow["total_exact"] and narrow["order"] == "best" and narrow["hits"][0]["score"] is not None


def test_the_record_indexes_follow_rows_any_tool_writes(fresh_db, db_path):
    """Rows written, changed and removed with plain sqlite3 (no hdnd code) are found, and
    found no more, through the indexes the migration's triggers keep."""
    fresh_db.conn.close()
    conn = sqlite3.connect(db_path)
    conn.executescript("""
        INSERT INTO articles (id, url, title, text, content_hash, imported_at)
            VALUES (1, 'https://bao.example.vn/1', 'Tin', 'Tin.', 'h1', '2024-01-01');
        INSERT INTO persons (id, name, title) VALUES (1, 'Lê Văn Đạt', 'Giám đốc');
        INSERT INTO person_titles VALUES (1, 'Chủ tịch UBND huyện Đông Anh', 1, '2024-01-01');
        INSERT INTO commitments (id, kind, fingerprint, quote, speaker, created_at)
            VALUES (1, 'commitment', 'f1', 'Sẽ hoàn thành đường vành đai', 'Lê Văn Đạt', '2024-01-01');
        INSERT INTO commitment_sources VALUES (1, 1, 0, 4, 'Sẽ', NULL, NULL, NULL, NULL);
        INSERT INTO index_values (id, article_id, "index", entity, year, start, "end", quote)
            VALUES (1, 1, 'PCI', 'Đà Nẵng', 2023, 0, 3, 'PCI năm 2023');
    """)
    conn.commit()
    db = connect(db_path)

    def totals(query: str) -> list[int]:
        return [search_group(db, query, group)["total"] for group in ("promises", "people", "index_values")]

    assert totals("le van dat") == [1, 1, 0]
    assert totals("dong anh") == [0, 1, 0]  # a title from person_titles
    assert totals("nang luc canh tranh AND da nang") == totals("pci da nang") == [0, 0, 1]  # the index's names
    conn.executescript("""
        UPDATE commitments SET quote = 'Sẽ nâng cấp cầu Đông' WHERE id = 1;
        DELETE FROM person_titles;
        UPDATE index_values SET entity = 'Huế' WHERE id = 1;
    """)
    conn.commit()
    assert totals("vanh dai") == [0, 0, 0] and totals("cau dong") == [1, 0, 0]
    assert totals("dong anh") == [0, 0, 0] and totals("pci da nang") == [0, 0, 0] and totals("pci hue") == [0, 0, 1]
    conn.executescript("DELETE FROM commitment_sources; DELETE FROM commitments; DELETE FROM persons;")
    conn.commit()
    assert totals("le van dat") == [0, 0, 0]
    assert conn.execute("SELECT count(*) FROM commitments_fields").fetchone()[0] == 0
    db.conn.close()
    conn.close()


def test_the_migration_indexes_the_records_a_corpus_has(db_path):
    """A corpus that had records before the indexes existed gets them indexed when it opens."""
    older = sqlite_utils.Database(sqlite3.connect(db_path))
    prepare_connection(older.conn)
    migrate(older, [m for m in MIGRATIONS if m[0] < 18])  # a corpus made before the record indexes
    older.conn.execute("INSERT INTO persons (id, name, title) VALUES (7, 'Nguyễn Thị Duyên', 'Phó Chủ tịch')")
    older.conn.commit()
    older.conn.close()
    db = connect(db_path)
    assert [h["id"] for h in search_group(db, "nguyen thi duyen", "people")["hits"]] == [7]
    db.conn.close()


def test_a_corpus_without_the_record_indexes_is_still_searched(tmp_path):
    """Served as it is (plain `datasette hdnd.db` does not migrate), a corpus made before
    migration 22 is matched row by row instead of failing on the missing index."""
    older = sqlite_utils.Database(sqlite3.connect(tmp_path / "old.db"))
    prepare_connection(older.conn)
    migrate(older, [m for m in MIGRATIONS if m[0] < 22])
    older.conn.execute("INSERT INTO persons (id, name, title) VALUES (7, 'Nguyễn Thị Duyên', 'Phó Chủ tịch')")
    older.conn.commit()
    found = search_group(older, "nguyen thi duyen", "people")
    assert found["total"] == 1 and [hit["id"] for hit in found["hits"]] == [7]
