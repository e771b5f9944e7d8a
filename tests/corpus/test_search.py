"""Search: diacritics, folding, phrases, ranking, and queries meant to break it."""

from __future__ import annotations

import pytest

from corpus import search as search_module
from corpus import store
from corpus.search import QueryError, count, parse_query, search
from crawler.extract import ArticleItem

DOCS = {
    "hdnd": ("Kỳ họp thứ 12 Hội đồng nhân dân thành phố",
             "Hội đồng nhân dân thành phố chất vấn Giám đốc Sở Nội vụ về cải cách hành chính. "
             "Đại biểu đề nghị đẩy nhanh chuyển đổi số."),
    "dautu": ("Giải ngân vốn đầu tư công còn chậm",
              "Tỉnh mới giải ngân 35% kế hoạch vốn đầu tư công; các chủ đầu tư phải cam kết hoàn thành trước 31/12."),
    "reversed": ("Ý kiến cử tri",
                 "Dân cử tri nhân dịp Tết gửi ý kiến; nhân viên ngân hàng dân doanh không liên quan."),
    "title_hit": ("Chuyển đổi số ở cấp xã", "Bài viết nói về hạ tầng và nhân lực."),
    "body_hit": ("Hạ tầng viễn thông nông thôn",
                 "Một đoạn dài về hạ tầng. " * 20 + "Cuối cùng có nhắc tới chuyển đổi số một lần."),
    "dong": ("Đồng Nai công bố chỉ số", "Tỉnh Đồng Nai công bố chỉ số PAPI năm 2023 đạt 42,1 điểm."),
}


@pytest.fixture
def db(fresh_db):
    for n, (key, (title, text)) in enumerate(DOCS.items()):
        store.save_article(fresh_db, ArticleItem(
            url=f"https://bao.example.vn/{key}", title=title, text=text, source="bao.example.vn",
            published=f"2024-0{n + 1}-15T08:00:00+07:00"))
    return fresh_db


def keys(hits):
    return [h["url"].rsplit("/", 1)[1] for h in hits]


def test_folded_query_finds_diacritics(db):
    assert keys(search(db, "hoi dong nhan dan")) == ["hdnd"]


def test_d_folds_to_d(db):
    assert set(keys(search(db, "dau tu"))) == {"dautu"}
    assert keys(search(db, "Dong Nai")) == ["dong"]


def test_query_with_diacritics_matches_exactly(db):
    assert keys(search(db, "Hội đồng nhân dân")) == ["hdnd"]
    # same syllables, other marks: "đông" is not "đồng"
    assert search(db, "Hội đông nhân dân") == []
    assert keys(search(db, "hội đồng")) == ["hdnd"]  # case does not matter


def test_old_tone_placement_in_query_is_normalised(db):
    store.save_article(db, ArticleItem(url="https://bao.example.vn/hoa", title="Thủy lợi",
                                       text="Công trình thủy lợi và hóa chất."))
    assert keys(search(db, "thuỷ lợi")) == ["hoa"]


def test_phrase_versus_words(db):
    # "nhân dân" as a phrase is only in the hdnd article; the words apart are also in "reversed"
    assert keys(search(db, "nhân dân")) == ["hdnd"]
    assert set(keys(search(db, "nhân AND dân"))) == {"hdnd", "reversed"}
    assert set(keys(search(db, '"cử tri" OR "đầu tư"'))) == {"reversed", "dautu"}


def test_prefix(db):
    assert "hdnd" in keys(search(db, "chuyen doi s*"))


def test_title_match_outranks_single_body_mention(db):
    ranked = keys(search(db, "chuyển đổi số"))
    assert ranked[0] == "title_hit" and ranked[-1] == "body_hit" and len(ranked) == 3


def test_snippet_highlights_the_original_text(db):
    hit = search(db, "dau tu cong")[0]
    assert "**đầu tư công**" in hit["snippet"]
    assert hit["title"] == "Giải ngân vốn đầu tư công còn chậm" and hit["source"] == "bao.example.vn"
    assert hit["published"].startswith("2024-02-15")


def test_filters(db):
    assert keys(search(db, "chuyen doi so", since="2024-04-01")) == ["title_hit", "body_hit"]
    assert keys(search(db, "chuyen doi so", until="2024-01-31")) == ["hdnd"]
    assert search(db, "chuyen doi so", source="khac.example.vn") == []
    assert len(search(db, "chuyen doi so", source="bao.example.vn", limit=1)) == 1


@pytest.mark.parametrize("query", [
    '"', '""', '"hội đồng', 'hội" đồng"', "AND", "OR OR", "a AND", "(dân", "dân)", "*", "dân*", "-dân",
    "NEAR(dân cử)", "dân NOT cử", "title:dân", "{text}: dân", "^dân", "dân; DROP TABLE articles; --",
    "' OR 1=1 --", "\\", "%", "_", "\x00dân", "🙂 dân", "dân " * 300, "x" * 999,
])
def test_hostile_queries_never_crash(db, query):
    try:
        hits = search(db, query)
    except QueryError as err:
        assert str(err).endswith(".") and "\n" not in str(err)
    else:
        assert isinstance(hits, list)
    assert db["articles"].count == len(DOCS)


@pytest.mark.parametrize("query, message", [
    ("x" * 5000, "5,000 characters"), ("()*", "no letters or digits"), ("", "no letters or digits"),
])
def test_impossible_queries_get_one_sentence(query, message):
    with pytest.raises(QueryError, match=message):
        parse_query(query)


def test_equal_scores_across_a_page_boundary_keep_newest_first(fresh_db):
    """Twelve articles the index scores alike (same words, counts and lengths), the newest
    written last, and three that score better: every page cut out of them is the one the
    whole ordering gives, however many equal scores lie past the page."""
    words = ["mot", "hai", "ba", "bon", "nam", "sau", "bay", "tam", "chin", "muoi", "tram", "nghin"]
    for n, word in enumerate(words):
        store.save_article(fresh_db, ArticleItem(url=f"https://bao.example.vn/tie{n}", title="Giao thông",
                                                 text=f"Chất vấn về giao thông đô thị ngày {word} tại kỳ họp.",
                                                 published=f"2024-03-{n + 1:02d}T08:00:00+07:00"))
    for n in range(3):
        store.save_article(fresh_db, ArticleItem(url=f"https://bao.example.vn/best{n}", title="Chất vấn chất vấn",
                                                 text=f"Chất vấn {n}.", published="2023-01-01"))
    whole = search(fresh_db, "chat van", limit=100)
    assert len(whole) == 15 and keys(whole)[:3] == ["best0", "best1", "best2"]
    assert keys(whole)[3:] == [f"tie{n}" for n in reversed(range(12))]
    assert len({h["score"] for h in whole[3:]}) == 1
    for size in (1, 2, 3, 4):
        pages = [search(fresh_db, "chat van", limit=size, offset=start) for start in range(0, 15, size)]
        assert [key for page in pages for key in keys(page)] == keys(whole)
    assert count(fresh_db, "chat van") == 15
    # at_most stops one past the cap, so a caller can tell "that many" from "more"
    assert [count(fresh_db, "chat van", at_most=n) for n in (3, 14, 15, 40)] == [4, 15, 15, 15]


@pytest.mark.parametrize("few", [5000, 0], ids=["each match looked up", "narrowed by the indexes"])
def test_date_filters_keep_the_whole_last_day(fresh_db, monkeypatch, few):
    """until includes every hour of its day; dates without a time and other time zones compare
    by their first ten characters, as before; count agrees with the pages. Both ways of
    filtering (few matches, or many narrowed first through the date and source indexes)."""
    monkeypatch.setattr(search_module, "FEW_MATCHES", few)
    for key, published in [("early", "2024-05-01"), ("late", "2024-05-31T23:59:59+07:00"),
                           ("after", "2024-06-01T00:00:00+07:00"), ("undated", None), ("short", "2024-05")]:
        store.save_article(fresh_db, ArticleItem(url=f"https://bao.example.vn/{key}", title="Ngân sách",
                                                 text=f"Dự toán ngân sách {key}.", published=published,
                                                 source="bao.example.vn"))
    assert set(keys(search(fresh_db, "ngan sach", since="2024-05-01", until="2024-05-31"))) == {"early", "late"}
    assert set(keys(search(fresh_db, "ngan sach", until="2024-05-31"))) == {"early", "late", "short"}
    assert set(keys(search(fresh_db, "ngan sach", since="2024-05-31"))) == {"late", "after"}
    assert count(fresh_db, "ngan sach", since="2024-05-01", until="2024-05-31") == 2
    assert count(fresh_db, "ngan sach", source="bao.example.vn", kind="article") == 5
    assert count(fresh_db, "ngan sach", kind="transcript") == 0
    assert count(fresh_db, "ngan sach", source="example.vn", until="2024-05-31") == 3
    assert search(fresh_db, "ngan sach", source="khac.example.vn", since="2024-01-01") == []
    assert keys(search(fresh_db, "ngan sach", source="bao.example.vn", kind="article", since="2024-05-02")) == ["after", "late"]
