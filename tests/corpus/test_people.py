"""One person across the corpus (`hdnd person`, /-/person/ID): real articles of the shared
dev corpus and of models/training, imported and processed by the command line, naming the
same people under two spellings (Trương Hoà Bình / Trương Hòa Bình, Hà Sỹ Đồng / Hà Sĩ
Đồng, Nguyễn Thị Kim Thuý / Thúy) and with other titles over the years."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.db import connect
from corpus.people import MATCHES_AT_MOST, find_persons
from tests.conftest import ROOT, SHARED, article_html
from tests.corpus.conftest import get, serving

# Real documents, by id: (doc, who they name).
DOCS = {
    "tr-01-002": "Trương Hòa Bình, Chánh án, 2013",
    "tr-01-006": "Trương Hoà Bình (old tone placement), Phó Thủ tướng thường trực, 2017",
    "dev-075": "Trương Hòa Bình, Phó Thủ tướng Thường trực Chính phủ, 2019",
    "dev-158": "Hà Sĩ Đồng, Quảng Trị, 2023",
    "tr-05-036": "Hà Sỹ Đồng (y) (a short page, imported as text)",
    "tr-20-005": "Hà Sỹ Đồng, Đoàn ĐBQH tỉnh Quảng Trị, 2023",
    "tr-32-002": "Nguyễn Thị Kim Thuý (old tone placement)",
    "tr-18-006": "Nguyễn Thị Kim Thúy, 2021",
    "dev-055": "Hồ Quốc Dũng, Chủ tịch HĐND tỉnh Bình Định, 2025",
    "dev-076": "Hồ Quốc Dũng, bí thư Tỉnh ủy Gia Lai (a short page, imported as text)",
    "tr-18-017": "Nguyễn Hòa Bình: another person whose name holds 'Hòa Bình' (a short page, imported as text)",
}
# Pages the importer takes for listings (a few short paragraphs): stored from their text.
AS_TEXT = {"dev-076", "tr-05-036", "tr-18-017"}
TRUONG_URLS = {"https://hanoimoi.vn/chinh-phu-bao-cao-ket-qua-thuc-hien-nghi-quyet-chat-van-cua-qh-352969.html",
               "https://cafef.vn/khi-cac-bo-truong-dong-loat-nhan-khuyet-diem-20170616054948615.chn",
               "http://thutuchanhchinh.vn/noidung/tintuc/Lists/TinDiaPhuong/View_Detail.aspx?ItemID=799"}


def _documents() -> dict[str, dict]:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout")
    found = {}
    for path in [SHARED / "gold" / "dev" / "news.jsonl", *sorted((ROOT / "models" / "training").glob("*.jsonl"))]:
        for line in path.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            if doc["doc"] in DOCS:
                found[doc["doc"]] = doc
    assert found.keys() == DOCS.keys()
    return found


def hdnd(db: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "corpus", *args, "--db", str(db)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "HDND_MODEL": "rules"})
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def build_people_corpus(folder: Path) -> Path:
    """The DOCS as a publisher's pages (their own text, address and day), imported and
    processed by the command line as of 2025-12-01."""
    (folder / "in").mkdir()
    for doc_id, doc in _documents().items():
        lines = [line for line in doc["text"].split("\n") if line.strip()]
        if doc_id in AS_TEXT:
            (folder / "in" / f"{doc_id}.txt").write_text(doc["text"], encoding="utf-8")
            continue
        url = doc["source"] if doc["source"].startswith("http") else f"https://example.vn/{doc_id}"
        page = article_html(lines[0], lines[1:], url=url, published=doc.get("published"))
        (folder / "in" / f"{doc_id}.html").write_text(page, encoding="utf-8")
    db = folder / "people.db"
    hdnd(db, "import", str(folder / "in"))
    hdnd(db, "process", "--today", "2025-12-01")
    return db


@pytest.fixture(scope="module")
def people_db(tmp_path_factory) -> Path:
    return build_people_corpus(tmp_path_factory.mktemp("people"))


def person(db: Path, name: str) -> dict:
    return json.loads(hdnd(db, "person", name, "--format", "json", "--today", "2025-12-01").stdout)


def ids(db: Path, name: str) -> list[int]:
    """The ids of the persons ``name`` finds, read as hdnd person reads them."""
    corpus = connect(db)
    try:
        return [row["id"] for row in find_persons(corpus, name)]
    finally:
        corpus.conn.close()


def test_old_and_new_tone_placement_give_one_person_with_titles_over_time(people_db):
    keys = sqlite3.connect(people_db).execute("SELECT name FROM persons WHERE name_key = 'trương hòa bình'").fetchall()
    assert keys == [("Trương Hòa Bình",)]
    record = person(people_db, "Trương Hoà Bình")
    assert record["name"] == "Trương Hòa Bình" and ids(people_db, "Trương Hòa Bình") == [record["id"]]
    assert {a["url"] for a in record["articles"]} == TRUONG_URLS
    assert (record["first_seen"], record["last_seen"]) == ("2013-11-19", "2019-08-02")
    seen = [(t["first_seen"], t["title"]) for t in record["titles"]]
    assert seen == sorted(seen)
    assert seen[0][0] == "2013-11-19" and seen[0][1].startswith("Chánh án")
    assert ("2017-06-16", "Phó Thủ tướng thường trực") in seen
    assert ("2019-08-02", "Phó Thủ tướng Thường trực Chính phủ") in seen
    assert record["provinces"] == []


def test_an_undated_article_keeps_the_days_a_person_was_seen(people_db, tmp_path):
    """Hà Sỹ Đồng is also named on an undated page (tr-05-036): analysed after the dated
    ones, it leaves the days the persons row was seen as they were (not NULL)."""
    copy = tmp_path / "copy.db"
    copy.write_bytes(people_db.read_bytes())
    names = "name IN ('Hà Sỹ Đồng', 'Hà Sĩ Đồng')"
    with sqlite3.connect(copy) as conn:
        before = conn.execute(f"SELECT first_seen, last_seen FROM persons WHERE {names}").fetchone()
        undated = conn.execute("SELECT id FROM articles WHERE published IS NULL AND text LIKE '%Hà Sỹ Đồng%'").fetchall()
        assert len(undated) == 1 and None not in before
        conn.execute("UPDATE articles SET pipeline_version = NULL WHERE id = ?", undated[0])
    hdnd(copy, "process", "--today", "2025-12-01")
    assert sqlite3.connect(copy).execute(f"SELECT first_seen, last_seen FROM persons WHERE {names}").fetchone() == before


def test_the_latest_title_is_the_one_seen_last(people_db, tmp_path):
    """Whatever title the persons row kept (the last article processed, dated or not)."""
    copy = tmp_path / "copy.db"
    copy.write_bytes(people_db.read_bytes())
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE persons SET title = 'Chánh án TAND Tối cao' WHERE name = 'Trương Hòa Bình'")
    assert person(copy, "Trương Hòa Bình")["title"] == "Phó Thủ tướng Thường trực Chính phủ"


def test_i_and_y_and_old_tone_placement_are_one_person_found_any_way(people_db):
    dong = person(people_db, "Hà Sỹ Đồng")
    for other in ("Hà Sĩ Đồng", "ha sy dong", "HÀ SĨ ĐỒNG", str(dong["id"])):
        assert ids(people_db, other) == [dong["id"]], other
    assert len(dong["articles"]) == 3
    assert {"Hà Sỹ Đồng", "Hà Sĩ Đồng"} == {dong["name"], *dong["spellings"]}
    assert dong["provinces"] == ["Quảng Trị"]
    thuy = person(people_db, "Nguyễn Thị Kim Thuý")
    assert ids(people_db, "Nguyễn Thị Kim Thúy") == [thuy["id"]] and len(thuy["articles"]) == 2


def test_titles_naming_two_provinces_are_said_to_be_possibly_two_people(people_db):
    dung = person(people_db, "Hồ Quốc Dũng")
    assert set(dung["provinces"]) == {"Bình Định", "Gia Lai"}
    table = hdnd(people_db, "person", "Hồ Quốc Dũng").stdout
    assert "these may be different people with one name" in table and "Gia Lai" in table
    assert "may be different people" not in hdnd(people_db, "person", "Trương Hòa Bình").stdout


def test_several_people_matching_are_listed_to_choose_from(people_db):
    done = hdnd(people_db, "person", "hoa binh", "--format", "json", ok=False)
    assert done.returncode == 2
    names = {row["name"]: row for row in json.loads(done.stdout)}
    assert {"Trương Hòa Bình", "Nguyễn Hòa Bình"} <= names.keys()
    assert "Phó Thủ tướng thường trực" in names["Trương Hòa Bình"]["titles"]
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("Error: ") and "give the id" in done.stderr
    table = hdnd(people_db, "person", "hoa binh", ok=False).stdout
    assert f"#{names['Trương Hòa Bình']['id']} Trương Hòa Bình: " in table


def test_a_name_part_matching_more_people_than_are_listed_says_or_more(tmp_path):
    """find_persons lists at most MATCHES_AT_MOST people for a part of a name: the message
    says "or more" then, and the plain count below it."""
    db = connect(tmp_path / "hdnd.db")
    db["persons"].insert_all({"name": f"Người Thử {n}", "name_key": f"người thử {n}"} for n in range(MATCHES_AT_MOST + 5))
    db["persons"].insert_all({"name": f"Người Khác {n}", "name_key": f"người khác {n}"} for n in range(3))
    db.conn.commit()
    many, few = hdnd(tmp_path / "hdnd.db", "person", "nguoi thu", ok=False), hdnd(tmp_path / "hdnd.db", "person", "khac", ok=False)
    assert many.returncode == 2 and f"Error: {MATCHES_AT_MOST} or more people match 'nguoi thu'; give the id" in many.stderr
    assert many.stdout.count("\n") == MATCHES_AT_MOST
    assert few.returncode == 2 and "Error: 3 people match 'khac'; give the id" in few.stderr


def test_an_unknown_person_or_corpus_is_one_sentence(people_db, tmp_path):
    for args, words in ((("person", "Không Có Ai"), "no person called"), (("person", "987654"), "there is no person 987654")):
        done = hdnd(people_db, *args, ok=False)
        assert done.returncode == 2 and done.stdout == "" and done.stderr.count("\n") == 1 and words in done.stderr
    missing = hdnd(tmp_path / "none.db", "person", "1", ok=False)
    assert missing.returncode == 2 and "does not exist" in missing.stderr and not (tmp_path / "none.db").exists()


def test_jsonl_and_csv_have_one_row_per_item_of_each_list(people_db):
    record = person(people_db, "Trương Hòa Bình")
    rows = [json.loads(line) for line in hdnd(people_db, "person", "Trương Hòa Bình", "--format", "jsonl").stdout.splitlines()]
    assert sum(row["list"] == "titles" for row in rows) == len(record["titles"])
    assert sum(row["list"] == "articles" for row in rows) == len(record["articles"]) == 3
    csv = hdnd(people_db, "person", "Trương Hòa Bình", "--format", "csv").stdout
    assert csv.startswith("\ufefflist,") and "Phó Thủ tướng thường trực" in csv


def test_promises_turns_and_questions_of_a_person(web_corpus):
    """The test transcript (tests.data.transcripts): the director answered a delegate's
    question and made two promises at the session."""
    record = person(web_corpus, "Trần Minh Đức")
    assert [(c["id"], c["kind"], c["status"]) for c in record["commitments"]] == [(3, "commitment", "overdue"),
                                                                                  (4, "commitment", "open")]
    assert [(t["role"], t["turns"], t["session_id"]) for t in record["turns"]] == [("answer", 1, 1)]
    assert [q["asker"] for q in record["questions_answered"]] == ["Nguyễn Văn Khải"]
    asker = person(web_corpus, "Nguyễn Văn Khải")
    assert [(q["answerer"], q["topic"]) for q in asker["questions_asked"]] == [("Trần Minh Đức", "housing_urban")]
    assert asker["questions_asked"][0]["question"].startswith("Đại biểu Nguyễn Văn Khải")
    table = hdnd(web_corpus, "person", "Trần Minh Đức", "--today", "2025-12-01").stdout
    assert "#3 commitment [overdue] 2024-12-31" in table and "kỳ họp thứ 18 (2024-07-10): 1 answer" in table


def test_a_persons_promises_and_questions_are_read_by_index(people_db):
    """Migration 23: the person page reads no whole table of commitments or questions."""
    conn = sqlite3.connect(people_db)
    for sql, index in (("SELECT id FROM commitments WHERE person_id = 1", "commitments_person"),
                       ("SELECT id FROM questions WHERE asker_person_id = 1", "questions_asker"),
                       ("SELECT id FROM questions WHERE answerer_person_id = 1", "questions_answerer")):
        plan = " ".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert f"USING COVERING INDEX {index}" in plan or f"USING INDEX {index}" in plan, plan


def test_the_person_page_is_the_record_with_its_links(people_db):
    dung, truong = person(people_db, "Hồ Quốc Dũng"), person(people_db, "Trương Hòa Bình")
    with serving(people_db) as port:
        base = f"http://127.0.0.1:{port}"
        status, body = get(f"{base}/-/person/{truong['id']}.json")
        assert status == 200 and {k: v for k, v in json.loads(body).items() if k != "ok"} == truong
        status, body = get(f"{base}/-/person/{truong['id']}")
        page = body.decode()
        assert status == 200 and "<h1>Trương Hòa Bình</h1>" in page and "Chức danh qua thời gian · Titles over time" in page
        assert "Phó Thủ tướng thường trực" in page and "hdnd-homonyms" not in page
        page = get(f"{base}/-/person/{dung['id']}")[1].decode()
        assert 'class="hdnd-homonyms' in page and "Bình Định, Gia Lai" in page
        status, body = get(f"{base}/-/person/987654")
        assert status == 404 and "There is no person 987654 in this corpus." in body.decode()
        assert "hdnd search" not in body.decode()  # a command to type is for the terminal, not the web page
        assert get(f"{base}/-/person/987654.json")[0] == 404


def test_the_promise_page_and_search_link_to_the_person(server):
    promise = get(f"{server}/-/promise/3")[1].decode()
    assert '<dd class="hdnd-speaker"><a href="/-/person/5">Trần Minh Đức, Giám đốc Sở Xây dựng</a></dd>' in promise
    found = json.loads(get(f"{server}/-/search.json?q=tran+minh+duc")[1])
    assert [hit["id"] for hit in found["groups"]["people"]["hits"]] == [5]
    assert 'href="/-/person/5"' in get(f"{server}/-/search?q=tran+minh+duc")[1].decode()
    assert "Trần Minh Đức" in get(f"{server}/-/person/5")[1].decode()
    turns = get(f"{server}/hdnd/turns?person_id=5")[1].decode()  # Datasette's own table links a person's id
    assert '<a href="/-/person/5">' in turns
