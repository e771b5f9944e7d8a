"""One query over articles, promises, people and index results (the web search page)."""

from __future__ import annotations

import pytest

from corpus.db import connect
from corpus.lookup import search_everything
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
