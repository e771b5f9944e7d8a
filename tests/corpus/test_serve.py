"""hdnd serve: Datasette on 127.0.0.1 over a real corpus, checked over HTTP."""

from __future__ import annotations

import json
import urllib.request

from corpus.cli import cli
from tests.corpus.conftest import get as _get
from tests.data.web_pages import SITE


def test_home_explains_the_data_in_vietnamese_and_english(server):
    status, body = _get(server + "/")
    page = body.decode("utf-8")
    assert status == 200 and "lời hứa" in page and "every figure links" in page


def test_promises_facet_on_status_and_speaker(server, web_corpus):
    import sqlite3

    status, body = _get(server + "/hdnd/commitments.json?_facet=status&_facet=speaker&kind=commitment")
    data = json.loads(body)
    assert status == 200
    statuses = {f["value"]: f["count"] for f in data["facet_results"]["status"]["results"]}
    speakers = {f["value"] for f in data["facet_results"]["speaker"]["results"]}
    with sqlite3.connect(web_corpus) as conn:
        expected = dict(conn.execute("SELECT status, COUNT(*) FROM commitments WHERE kind = 'commitment' GROUP BY status"))
        named = {r[0] for r in conn.execute("SELECT speaker FROM commitments WHERE kind = 'commitment' AND speaker IS NOT NULL")}
    # The dated promises fell due before 2025-12-01; "Chúng tôi sẽ công khai …" has no deadline.
    assert statuses == expected and statuses.get("overdue") and statuses.get("open")
    assert speakers == named and "Ngô Quang Vinh" in speakers


def test_canned_queries_fold_diacritics(server):
    body = _get(server + "/hdnd/promises_by_speaker.json?speaker=ngo+quang+vinh&_shape=array")[1]
    rows = json.loads(body)
    assert [r["quote"][:26] for r in rows] == ["UBND tỉnh cam kết bàn giao"]
    sessions = json.loads(_get(server + "/hdnd/sessions.json?session_no=18&_shape=array")[1])
    turns = json.loads(_get(server + f"/hdnd/said_at_session.json?session_id={sessions[0]['id']}&_shape=array")[1])
    assert [t["role"] for t in turns][:3] == ["chair", "question", "answer"]


def test_read_only_and_limited(server):
    settings = json.loads(_get(server + "/-/settings.json")[1])
    assert settings["sql_time_limit_ms"] == 2000 and settings["allow_download"] is False
    status, body = _get(server + "/hdnd.json?sql=" + urllib.request.quote("DELETE FROM commitments"))
    assert status == 400 and b"Statement must be a SELECT" in body
    assert _get(server + "/hdnd.db")[0] in (403, 404)


def _json(url: str):
    status, body = _get(url)
    return status, json.loads(body)


def _promise_id(server, speaker: str) -> int:
    rows = _json(server + "/hdnd/promises.json?_shape=array&speaker=" + urllib.request.quote(speaker))[1]
    return rows[0]["id"]


def test_search_page_finds_the_phrase_folded_with_highlights(server):
    status, body = _get(server + "/-/search?q=hoi+dong+nhan+dan")
    page = body.decode("utf-8")
    assert status == 200 and "<mark>Hội đồng nhân dân</mark>" in page
    assert "Bắc Giang công bố kết quả Chỉ số cải cách hành chính năm 2023" in page
    # Its syllables are all on the festival page, but not as a phrase.
    assert "Ngày hội đại đoàn kết" not in page
    _, data = _json(server + "/-/search.json?q=hoi+dong+nhan+dan")
    assert data["ok"] and data["groups"]["promises"]["hits"][0]["speaker"] == "Hoàng Văn Nam"
    assert "**Hội đồng nhân dân**" in data["groups"]["promises"]["hits"][0]["snippet"]
    assert set(data["groups"]) == {"articles", "promises", "people", "index_values"}


def test_search_ranks_and_keeps_phrases(server):
    _, data = _json(server + "/-/search.json?q=" + urllib.request.quote('"tỉnh Bắc Giang" OR pci'))
    articles = data["groups"]["articles"]["hits"]
    assert articles and all("**tỉnh Bắc Giang**" in hit["snippet"] for hit in articles)
    assert [h["score"] for h in articles] == sorted((h["score"] for h in articles), reverse=True)


def test_a_bad_query_is_one_sentence_and_400(server):
    status, data = _json(server + "/-/search.json?q=" + urllib.request.quote('"*"'))
    assert status == 400 and data["error"] == "The query has no letters or digits to search for."
    status, body = _get(server + "/-/search?q=" + urllib.request.quote("()"))
    assert status == 400 and "no letters or digits" in body.decode("utf-8")


def test_promise_page_shows_quote_speaker_deadline_history_and_sources(server):
    promise = _promise_id(server, "Hoàng Văn Nam")
    status, body = _get(server + f"/-/promise/{promise}")
    page = body.decode("utf-8")
    assert status == 200
    assert '<mark class="quote">Tại kỳ họp thứ 18 Hội đồng nhân dân tỉnh khóa XIX' in page
    assert "Hoàng Văn Nam, Giám đốc Sở Nội vụ" in page and "2025-06-30" in page and "quá hạn" in page
    jump = f'{SITE}/bac-giang-cong-bo-chi-so-cai-cach-hanh-chinh-nam-2023.html#:~:text=T%E1%BA%A1i%20k%E1%BB%B3'
    assert jump in page and "extracted" in page
    _, data = _json(server + f"/-/promise/{promise}.json")
    assert data["speaker"] == "Hoàng Văn Nam" and data["status"] == "overdue" and len(data["sources"]) == 1


def test_an_unknown_promise_is_404(server):
    status, body = _get(server + "/-/promise/99999")
    assert status == 404 and "There is no commitment 99999 in this corpus." in body.decode("utf-8")


def test_promise_ids_link_to_their_page(server):
    promise = _promise_id(server, "Hoàng Văn Nam")
    assert f'href="/-/promise/{promise}"' in _get(server + "/hdnd/promises")[1].decode("utf-8")
    assert 'href="/-/promise/' in _get(server + "/hdnd/overdue_promises")[1].decode("utf-8")


def test_promises_facet_on_body_topic_source_and_year(server):
    _, data = _json(server + "/hdnd/promises.json")  # the facets are configured, not asked for
    facets = {name: {f["value"]: f["count"] for f in result["results"]}
              for name, result in data["facet_results"].items()}
    assert facets["source"] == {"baobacgiang.example.vn": 2}
    assert facets["year"]["2024"] >= 2 and "Sở Nội vụ" in " ".join(map(str, facets["body"]))
    assert {"speaker", "body", "topic", "status", "source", "year"} <= set(facets)


def test_chart_draws_an_index_over_the_years_without_a_cdn(server):
    query = "index=PAR_INDEX&entity=" + urllib.request.quote("bac giang")
    status, body = _get(server + "/-/chart?" + query)
    page = body.decode("utf-8")
    assert status == 200 and page.count("<circle") == 3 and "89,21 (hạng 6)" in page
    assert "http://" not in page.split("<svg", 1)[0].split("<body", 1)[0].replace("http://www.w3.org", "")
    assert "<script src" not in page
    _, data = _json(server + "/-/chart.json?" + query)
    assert [f["year"] for f in data["figures"]] == [2021, 2022, 2023]
    with urllib.request.urlopen(server + "/-/chart.svg?" + query, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("image/svg+xml")
    assert _get(server + "/-/chart?index=PAR_INDEX&entity=nowhere")[0] == 404


def test_csv_with_a_bom_for_excel(server):
    plain = _get(server + "/hdnd/promises.csv")[1]
    assert plain.startswith(b"id,kind,status")
    with urllib.request.urlopen(server + "/hdnd/promises.excel", timeout=10) as response:
        assert "_bom=1" in response.url and response.url.split("?")[0].endswith("/hdnd/promises.csv")
        excel = response.read()
    assert excel.startswith(b"\xef\xbb\xbfid,kind,status") and "Hoàng Văn Nam".encode() in excel
    search_csv = _get(server + "/-/search.csv?q=bac+giang&_bom=1")[1]
    assert search_csv.startswith(b"\xef\xbb\xbfgroup,id,label")


def test_home_leads_to_promises_articles_indexes_sessions_and_people(server):
    page = _get(server + "/")[1].decode("utf-8")
    for href in ("/hdnd/promises", "/hdnd/article_list", "/hdnd/index_values", "/hdnd/sessions", "/hdnd/persons",
                 "/-/chart", "/-/search"):
        assert f'href="{href}' in page or f'action="{href}' in page
    assert "Người · People" in page


def test_text_fragments_escape_dashes_and_cut_long_quotes():
    from corpus.serve.pages import text_fragment

    assert text_fragment("https://a.vn/x.html#top", "Quyết định 12/QĐ-UBND") == \
        "https://a.vn/x.html#:~:text=Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2012%2FQ%C4%90%2DUBND"
    long = text_fragment("https://a.vn/x", "một hai ba bốn năm sáu bảy tám chín mười mười một, xong.")
    assert long == "https://a.vn/x#:~:text=m%E1%BB%99t%20hai%20ba%20b%E1%BB%91n%20n%C4%83m," \
                   "ch%C3%ADn%20m%C6%B0%E1%BB%9Di%20m%C6%B0%E1%BB%9Di%20m%E1%BB%99t%2C%20xong."


def test_our_pages_obey_the_sql_time_limit(web_corpus):
    import asyncio

    from corpus.serve import make_app

    app = make_app(web_corpus, time_limit_ms=1)  # SQLite checks the clock every instruction
    response = asyncio.run(app.client.get("/-/search.json?q=bac+giang"))
    assert response.status_code == 400 and "time limit" in response.json()["error"]


def test_a_missing_corpus_is_one_sentence(tmp_path):
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_session_page_shows_exchanges_promises_and_coverage(server):
    sessions = _json(server + "/hdnd/sessions.json?session_no=18&_shape=array")[1]
    session = sessions[0]["id"]
    status, body = _get(server + f"/-/session/{session}")
    page = body.decode("utf-8")
    assert status == 200 and "kỳ họp thứ 18" in page
    assert 'class="hdnd-asker">Nguyễn Văn Khải' in page and 'class="hdnd-answerer">Trần Minh Đức' in page
    assert page.index("Nguyễn Văn Khải") < page.index("Phạm Thị Hồng")  # in the order they were asked
    _, data = _json(server + f"/-/session/{session}.json")
    promise = next(c for c in data["commitments"] if c["speaker"] == "Ngô Quang Vinh")
    assert f'href="/-/promise/{promise["id"]}"' in page
    assert data["articles"] and all(a["url"] in page for a in data["articles"])
    # Linked from the home page, from each promise made there, and wherever a session_id is shown.
    assert f'href="/-/session/{session}"' in _get(server + "/")[1].decode("utf-8")
    assert f'href="/-/session/{session}"' in _get(server + f"/-/promise/{promise['id']}")[1].decode("utf-8")
    assert f'href="/-/session/{session}"' in _get(server + "/hdnd/said_at_session?session_id=" + str(session))[1].decode()


def test_an_unknown_session_is_404(server):
    status, body = _get(server + "/-/session/99999")
    assert status == 404 and "There is no session 99999 in this corpus" in body.decode("utf-8")


def test_search_counts_records_up_to_a_bound_and_still_pages_and_exports_them_all(tmp_path):
    """More people match than the page counts (lookup.COUNT_AT_MOST): it says "more than" and
    lists them most recently added first, the JSON says the total is not exact, the next page
    is offered, and _all=1 reads every one."""
    import sqlite3

    from corpus.db import connect
    from corpus.lookup import COUNT_AT_MOST
    from tests.corpus.conftest import serving

    path = tmp_path / "many.db"
    connect(path).conn.close()
    many = COUNT_AT_MOST["records"] + 5
    with sqlite3.connect(path) as conn:  # plumbing rows written as any tool would: the triggers index them
        conn.executemany("INSERT INTO persons (name, title, first_seen) VALUES (?, 'Đại biểu', '2024-01-01')",
                         [(f"Nguyễn Văn An {n}",) for n in range(many)])
    with serving(path) as port:
        base = f"http://127.0.0.1:{port}"
        _, first = _json(base + "/-/search.json?q=nguyen+van+an&size=3")
        people = first["groups"]["people"]
        assert (people["total"], people["total_exact"], len(people["hits"])) == (COUNT_AT_MOST["records"], False, 3)
        assert first["next"] == "/-/search.json?q=nguyen+van+an&page=2&size=3"
        _, second = _json(base + first["next"])
        ids = [h["id"] for h in people["hits"] + second["groups"]["people"]["hits"]]
        assert people["order"] == "added" and ids == list(range(many, many - 6, -1))
        page = _get(base + "/-/search?q=nguyen+van+an")[1].decode("utf-8")
        assert f"1–10 / hơn · more than {COUNT_AT_MOST['records']}" in page
        assert "Too many matches to rank by relevance: the most recently added come first" in page
        _, whole = _json(base + "/-/search.json?q=nguyen+van+an&_all=1")
        hits = whole["groups"]["people"]["hits"]
        assert (whole["groups"]["people"]["total"], whole["groups"]["people"]["total_exact"]) == (many, True)
        assert len({h["id"] for h in hits}) == many
