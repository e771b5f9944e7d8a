"""Search a reporter can trust: abbreviations and i/y spellings find each other, results
page and filter on the web and export whole, and Datasette's own ?_search= on articles
follows the same rule. A real corpus file, the real CLI and a real server throughout."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from corpus import store
from corpus.db import connect
from corpus.search import match_spans, parse_query, search
from crawler.extract import ArticleItem
from pipeline.normalize import fold
from pipeline.resources import abbreviations
from tests.conftest import ROOT
from tests.corpus.conftest import get, save_paged_articles, serving

# Plumbing fixtures (what the search must find), not data for training or evaluation.
SPELLINGS = {
    "hdnd-short": "Kỳ họp thứ 9 HĐND tỉnh khai mạc, các đại biểu chất vấn về đất đai.",
    "hdnd-long": "Kỳ họp thứ 9 Hội đồng nhân dân tỉnh khai mạc sáng nay.",
    "ubnd-short": "UBND tỉnh giao Sở Xây dựng rà soát dự án.",
    "ubnd-long": "Ủy ban nhân dân tỉnh giao Sở Xây dựng rà soát dự án.",
    "dbqh-short": "ĐBQH đoàn tỉnh tiếp xúc cử tri.",
    "dbqh-long": "Các đại biểu Quốc hội đoàn tỉnh tiếp xúc cử tri.",
    "tp-short": "TP. Hà Nội công bố kế hoạch năm.",
    "tp-long": "Thành phố Hà Nội công bố kế hoạch năm.",
    "sy": "Chủ tịch Trần Sỹ Thanh phát biểu tại hội nghị.",
    "si": "Ông Trần Sĩ Thanh phát biểu tại hội nghị.",
    "police": "Công an tỉnh họp báo.",
    "whole-country": "Cả nước có 63 tỉnh, thành phố tham gia đánh giá.",
}
PAGED = 25  # articles on "chuyển đổi số": 13 on a.example.vn, 12 on b.example.vn; every 5th a transcript


@pytest.fixture(scope="module")
def corpus_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("trust") / "hdnd.db"
    db = connect(path)
    for n, (key, text) in enumerate(SPELLINGS.items()):
        store.save_article(db, ArticleItem(url=f"https://c.example.vn/{key}", title=f"Tin {n}", text=text,
                                           source="c.example.vn", published=f"2022-06-{n + 1:02d}T08:00:00+07:00"),
                           kind="article")
    save_paged_articles(db, PAGED, lambda n: f"2024-{n // 28 + 1:02d}-{n % 28 + 1:02d}T08:00:00+07:00")
    db.conn.close()
    return path


@pytest.fixture(scope="module")
def db(corpus_file):
    database = connect(corpus_file)
    yield database
    database.conn.close()


@pytest.fixture(scope="module")
def base(corpus_file):
    with serving(corpus_file) as port:
        yield f"http://127.0.0.1:{port}"


def keys(hits) -> set[str]:
    return {h["url"].rsplit("/", 1)[1] for h in hits}


def _json(url: str) -> tuple[int, dict]:
    status, body = get(url)
    return status, json.loads(body)


@pytest.mark.parametrize("queries, expected", [
    (["hoi dong nhan dan", "Hội đồng nhân dân", "HĐND", "hdnd"], {"hdnd-short", "hdnd-long"}),
    (["UBND", "Ủy ban nhân dân", "uy ban nhan dan"], {"ubnd-short", "ubnd-long"}),
    (["ĐBQH", "đại biểu Quốc hội", "dai bieu quoc hoi"], {"dbqh-short", "dbqh-long"}),
    (["TP Hà Nội", "TP. Hà Nội", "thành phố Hà Nội", "thanh pho ha noi"], {"tp-short", "tp-long"}),
])
def test_an_abbreviation_and_its_expansion_find_each_other(db, queries, expected):
    for query in queries:
        assert keys(search(db, query)) == expected, query


def test_every_row_of_the_abbreviation_file_works_both_ways():
    for short, long in abbreviations().items():
        assert match_spans(parse_query(f'"{short}"'), f"về {long} năm nay") is not None, short
        if short != "CA":  # spelt like a syllable: see the next test
            assert match_spans(parse_query(f'"{long}"'), f"về {short} năm nay") is not None, long
            assert match_spans(parse_query(f'"{fold(long)}"'), f"về {short} năm nay") is not None, long


def test_a_short_abbreviation_typed_in_lower_case_is_a_plain_word(db):
    # "CA" is Công an; "ca" is the folded syllable ca/cá/cả …, not the police.
    assert keys(search(db, "CA")) >= {"police"}
    assert search(db, "ca") == [] or "police" not in keys(search(db, "ca"))
    # and its expansion is never searched as "CA", which the index would match in "Cả nước"
    assert keys(search(db, "cong an")) == keys(search(db, "Công an")) == {"police"}


@pytest.mark.parametrize("query", ["Trần Sĩ Thanh", "Trần Sỹ Thanh", "tran si thanh", "Tran Sy Thanh"])
def test_i_and_y_spellings_of_a_name_find_each_other(db, query):
    assert keys(search(db, query)) == {"sy", "si"}


def test_a_phrase_of_many_abbreviations_stays_a_bounded_query():
    from corpus.search import MAX_ALTERNATIVES

    (_, phrase), = parse_query(" ".join(["TP", "Sĩ"] * 16))
    assert 0 < len(phrase.alternatives) <= MAX_ALTERNATIVES


def test_i_becomes_y_only_where_it_is_written_so():
    assert parse_query("Nguyễn Thị")[0][1].alternatives == ()
    assert match_spans(parse_query("Trần Thị"), "Trần Thỵ") is None


def test_the_command_line_search_uses_the_same_rule_and_pages(corpus_file):
    def run(*args: str) -> list[dict]:
        done = subprocess.run([sys.executable, "-m", "corpus", "search", *args, "--db", str(corpus_file), "--format", "json"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)
    assert keys(run("HĐND")) == {"hdnd-short", "hdnd-long"}
    assert keys(run("Trần Sĩ Thanh")) == {"sy", "si"}
    first, rest = run("chuyen doi so", "--limit", "20"), run("chuyen doi so", "--limit", "20", "--offset", "20")
    assert len(first) == 20 and len(rest) == PAGED - 20 and not keys(first) & keys(rest)
    assert len(run("chuyen doi so", "--kind", "transcript")) == 5


def test_web_search_pages_with_next_and_previous(base):
    status, page1 = _json(base + "/-/search.json?q=chuyen+doi+so&size=10")
    assert status == 200 and page1["groups"]["articles"]["total"] == PAGED
    assert len(page1["groups"]["articles"]["hits"]) == 10 and page1["previous"] is None
    _, page3 = _json(base + "/-/search.json?q=chuyen+doi+so&size=10&page=3")
    assert len(page3["groups"]["articles"]["hits"]) == 5 and page3["next"] is None
    assert page3["previous"] == "/-/search.json?q=chuyen+doi+so&page=2&size=10"
    _, page2 = _json(base + page1["next"])
    seen = [keys(p["groups"]["articles"]["hits"]) for p in (page1, page2, page3)]
    assert len(set().union(*seen)) == PAGED
    html = get(base + "/-/search?q=chuyen+doi+so&page=2")[1].decode("utf-8")
    assert 'rel="next" href="/-/search?q=chuyen+doi+so&amp;page=3"' in html and 'rel="prev" href="/-/search?q=chuyen+doi+so"' in html


@pytest.mark.parametrize("filters, total", [
    ("since=2024-01-10&until=2024-01-19", 10),
    ("source=a.example.vn", 13),
    ("kind=transcript", 5),
    ("since=2024-01-01&source=b.example.vn&kind=article", 10),
])
def test_web_search_filters_narrow_totals_and_hits(base, filters, total):
    _, data = _json(base + f"/-/search.json?q=chuyen+doi+so&size=100&{filters}")
    assert data["groups"]["articles"]["total"] == total == len(data["groups"]["articles"]["hits"])
    assert set(data["filters"]) == {pair.split("=")[0] for pair in filters.split("&")}


def test_a_kind_of_promise_leaves_out_the_article_groups(base):
    _, data = _json(base + "/-/search.json?q=chuyen+doi+so&kind=commitment")
    assert list(data["groups"]) == ["promises"]


@pytest.mark.parametrize("args, message", [
    ("page=0", "page= must be a whole number from 1 to 1,000,000."),
    ("size=500", "size= must be a whole number from 1 to 100."),
    ("since=31/12/2024", "since= must be a date written YYYY-MM-DD, such as 2024-01-31."),
])
def test_web_search_refuses_bad_paging_in_one_sentence(base, args, message):
    status, data = _json(base + f"/-/search.json?q=chuyen+doi+so&{args}")
    assert status == 400 and data["error"] == message


def test_the_whole_result_exports_as_excel_csv(base):
    status, body = get(base + "/-/search.csv?q=chuyen+doi+so&_all=1&_bom=1")
    assert status == 200 and body.startswith(b"\xef\xbb\xbfgroup,id,label")
    rows = list(csv.DictReader(io.StringIO(body[3:].decode("utf-8"))))
    assert len([r for r in rows if r["group"] == "articles"]) == PAGED
    assert len({r["id"] for r in rows if r["group"] == "articles"}) == PAGED
    one_page = get(base + "/-/search.csv?q=chuyen+doi+so")[1].decode("utf-8")
    assert len([line for line in one_page.splitlines() if line.startswith("articles,")]) == 20
    html = get(base + "/-/search?q=chuyen+doi+so&source=a.example.vn")[1].decode("utf-8")
    assert "/-/search.csv?q=chuyen+doi+so&amp;source=a.example.vn&amp;_all=1&amp;_bom=1" in html


@pytest.mark.parametrize("query, expected", [
    ("chat van", 1),  # folded: "chất vấn" in hdnd-short
    ("hoi dong nhan dan", 2),  # HĐND and Hội đồng nhân dân
    ("Trần Sỹ Thanh", 2),
    ("chuyển đổi số", PAGED),
    ('"(', 0),  # nothing to search for: nothing, not every article
])
def test_datasettes_own_search_box_on_articles_uses_the_rule(base, query, expected):
    _, data = _json(base + "/hdnd/articles.json?_size=max&_col=title&_search=" + urllib.parse.quote(query))
    assert len(data["rows"]) == expected and data["filtered_table_rows_count"] == expected
    page = get(base + "/hdnd/articles?_search=" + urllib.parse.quote(query))[1].decode("utf-8")
    assert 'name="_search"' in page
