"""Transcripts through the command line: import in each format (text, Word, PDF, TCVN3
bytes), process, hdnd session, hdnd export --table turns."""

from __future__ import annotations

import json

import pytest

from corpus.cli import cli
from corpus.db import connect
from corpus.display import count_of
from crawler import legacy
from tests.crawler.test_documents import make_docx, make_pdf
from tests.data.transcripts import LIVE, PROSE, RECALL, TRANSCRIPT

TODAY = "2024-08-01"


def _tcvn3(text: str) -> bytes:
    """Text as a TCVN3 file, byte by byte from the table (capitals too)."""
    reverse = {char: byte for byte, char in legacy.TABLES["tcvn3"].items()}
    return bytes(reverse[char] for char in text)


def _run(runner, *args):
    result = runner.invoke(cli, [*map(str, args)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def session_db(tmp_path, db_path, runner):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bien-ban.txt").write_text(TRANSCRIPT, encoding="utf-8")
    (tmp_path / "in" / "truc-tiep.docx").write_bytes(make_docx(LIVE.split("\n\n")))
    (tmp_path / "in" / "bai-bao.pdf").write_bytes(make_pdf(PROSE.split("\n\n")))
    _run(runner, "import", tmp_path / "in", "--db", db_path)
    _run(runner, "process", "--db", db_path, "--today", TODAY)
    return db_path


def test_each_format_is_stored_as_its_kind(session_db):
    rows = dict(connect(session_db).execute("SELECT url, kind FROM articles"))
    kinds = {url.rsplit("/", 1)[-1]: kind for url, kind in rows.items()}
    assert kinds == {"bien-ban.txt": "transcript", "truc-tiep.docx": "transcript", "bai-bao.pdf": "pdf"}


def test_session_shows_who_asked_whom_what_was_promised_and_the_coverage(session_db, runner):
    record = json.loads(_run(runner, "session", "1", "--format", "json", "--db", session_db, "--today", TODAY))
    assert record["label"] == "HĐND tỉnh Bắc Giang khóa XIX, kỳ họp thứ 18 (2024-07-10)"
    assert set(record["agenda"]) == {"housing_urban", "land_projects"}
    pairs = {(q["asker"], q["answerer"]) for q in record["questions"]}
    assert pairs == {("Nguyễn Văn Khải", "Trần Minh Đức"), ("Phạm Thị Hồng", "Ngô Quang Vinh")}
    assert {q["asker_delegation"] for q in record["questions"]} == {"Tổ đại biểu huyện Yên Dũng",
                                                                    "Tổ đại biểu thành phố Bắc Giang"}
    assert "08:20" in {q["timestamp"] for q in record["questions"]}
    promises = [c for c in record["commitments"] if c["kind"] == "commitment"]
    assert {c["speaker"] for c in promises} == {"Trần Minh Đức", "Ngô Quang Vinh"}
    assert all(c["question_id"] is not None for c in promises)
    assert len(record["articles"]) == 3
    text = _run(runner, "session", "1", "--db", session_db, "--today", TODAY)
    assert "Nguyễn Văn Khải (Tổ đại biểu huyện Yên Dũng) → Trần Minh Đức, Giám đốc Sở Xây dựng" in text
    assert "[transcript]" in text


def test_a_promise_links_to_the_question_that_prompted_it(session_db):
    db = connect(session_db)
    (asker, answerer, quote) = db.execute(
        "SELECT q.asker, t.speaker, c.quote FROM commitments c JOIN commitment_sources s ON s.commitment_id = c.id "
        "JOIN questions q ON q.id = s.question_id JOIN turns t ON t.id = s.turn_id "
        "WHERE c.quote LIKE 'UBND tỉnh cam kết%'").fetchone()
    assert (asker, answerer) == ("Phạm Thị Hồng", "Ngô Quang Vinh") and "quý III năm 2025" in quote


def test_turns_export_and_sessions_list(session_db, runner, tmp_path):
    out = tmp_path / "turns.jsonl"
    _run(runner, "export", "--table", "turns", "--format", "jsonl", "--out", out, "--db", session_db)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["role"] for r in rows} >= {"chair", "question", "answer"}
    assert all(r["quote"] and r["end"] > r["start"] for r in rows)
    listing = _run(runner, "sessions", "--db", session_db)
    assert listing.startswith("#1 HĐND tỉnh Bắc Giang khóa XIX, kỳ họp thứ 18") and "questions" in listing


def test_tcvn3_transcript_file_imports_as_unicode(tmp_path, db_path, runner):
    path = tmp_path / "bien-ban-1998.txt"
    path.write_bytes(_tcvn3(TRANSCRIPT))
    _run(runner, "import", path, "--db", db_path)
    (text, encoding, kind), = connect(db_path).execute("SELECT text, encoding, kind FROM articles")
    assert (encoding, kind) == ("tcvn3", "transcript")
    assert "Đại biểu Nguyễn Văn Khải (Tổ đại biểu huyện Yên Dũng) chất vấn:" in text


def test_kind_option_forces_and_reclassifies(tmp_path, db_path, runner):
    path = tmp_path / "bai.txt"
    path.write_text(PROSE, encoding="utf-8")
    _run(runner, "import", path, "--db", db_path)
    assert "1 updated" in _run(runner, "import", path, "--kind", "transcript", "--db", db_path)
    assert connect(db_path).execute("SELECT kind, pipeline_version FROM articles").fetchone() == ("transcript", None)


def test_unknown_session_is_one_sentence(fresh_db, db_path, runner):
    result = runner.invoke(cli, ["session", "99", "--db", str(db_path)])
    assert result.exit_code == 2 and "there is no session 99 in this corpus" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_scanned_pdf_is_reported_and_nothing_is_stored(tmp_path, db_path, runner):
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([]))
    result = runner.invoke(cli, ["import", str(path), "--db", str(db_path)])
    assert result.exit_code == 1 and "the PDF is scanned" in result.output
    assert connect(db_path).execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 0


def test_an_html_live_report_is_a_transcript(tmp_path, db_path, runner):
    from tests.conftest import article_html

    url = "https://bao.example.vn/truc-tiep-phien-chat-van-hdnd-bac-giang-1234567.html"
    page = article_html("Trực tiếp: Phiên chất vấn tại Kỳ họp thứ 18 HĐND tỉnh Bắc Giang khóa XIX",
                        LIVE.split("\n\n")[1:], url=url, published="2024-07-10T08:00:00+07:00")
    (tmp_path / "truc-tiep.html").write_text(page, encoding="utf-8")
    _run(runner, "import", tmp_path / "truc-tiep.html", "--db", db_path)
    _run(runner, "process", "--db", db_path, "--today", TODAY)
    db = connect(db_path)
    assert db.execute("SELECT kind FROM articles").fetchone() == ("transcript",)
    stamps = [r[0] for r in db.execute("SELECT timestamp FROM turns ORDER BY seq")]
    assert stamps == ["08:20", "08:35", "09:10", "09:25"]


def test_a_session_named_with_and_without_its_term_is_one_session(tmp_path, db_path, runner):
    texts = {
        "a.txt": "Sáng 10/7, Kỳ họp thứ 18 HĐND tỉnh Bắc Giang khóa XIX khai mạc với nhiều nội dung quan trọng về "
                 "kinh tế - xã hội, ngân sách và đầu tư công của tỉnh trong năm 2024.",
        "b.txt": "Chiều 10/7, Kỳ họp thứ 18 HĐND tỉnh Bắc Giang tiếp tục phiên chất vấn về ngập úng đô thị và tiến độ "
                 "giải phóng mặt bằng các dự án giao thông trọng điểm của tỉnh.",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    _run(runner, "import", tmp_path / "b.txt", tmp_path / "a.txt", "--db", db_path)
    _run(runner, "process", "--db", db_path, "--today", TODAY)
    rows = connect(db_path).execute("SELECT council, term, session_no FROM sessions").fetchall()
    assert rows == [("HĐND tỉnh Bắc Giang", "XIX", 18)]


def test_a_recalled_promise_links_to_the_earlier_one_and_proposes_a_followup(session_db, runner, tmp_path):
    """The delegate recalls the department's promise at a later sitting: a recall linked to
    that commitment, a proposed not_kept follow-up with the recall as evidence, and no new
    commitment of the delegate."""
    (tmp_path / "later").mkdir()
    (tmp_path / "later" / "bien-ban-ky-20.txt").write_text(RECALL, encoding="utf-8")
    _run(runner, "import", tmp_path / "later", "--db", session_db)
    _run(runner, "process", "--db", session_db, "--today", "2025-08-01")
    db = connect(session_db)
    promised = {r[0] for r in db.execute("SELECT id FROM commitments WHERE speaker = 'Trần Minh Đức' "
                                         "AND quote LIKE '%12 tuyến cống%'")}
    recall = db.execute("SELECT commitment_id, recaller, promiser, status, article_id FROM recalls").fetchall()
    assert len(recall) == 1
    promised_id, recaller, promiser, status, article_id = recall[0]
    assert promised_id in promised and (recaller, status) == ("Nguyễn Văn Khải", "not_kept") and "Sở Xây dựng" in promiser
    event = db.execute("SELECT status, evidence_quote, note FROM commitment_events WHERE commitment_id = ? "
                       "AND kind = 'followup' AND evidence_article_id = ?", (promised_id, article_id)).fetchone()
    assert event[0] == "not_kept" and "12 tuyến cống chính" in event[1] and "recalled by Nguyễn Văn Khải" in event[2]
    assert not db.execute("SELECT 1 FROM commitments WHERE speaker = 'Nguyễn Văn Khải' AND kind = 'commitment'").fetchone()
    sessions = dict(db.execute("SELECT session_no, id FROM sessions WHERE council = 'HĐND tỉnh Bắc Giang'"))
    assert set(sessions) == {18, 20}
    shown = _run(runner, "session", sessions[20], "--db", session_db, "--today", "2025-08-01")
    assert f"Nguyễn Văn Khải recalls Sở Xây dựng's promise [not_kept] → #{promised_id}" in shown


def test_three_sites_reporting_one_session_make_one_session(tmp_path, db_path, runner):
    """Real openings of Kon Tum's 7th session (khóa XII) on three sites, one naming the
    previous session in its title: one session row, dated 2024-07-08."""
    from tests.conftest import article_html
    from tests.pipeline.test_session_records import load_records

    (tmp_path / "in").mkdir()
    for record in load_records():
        if record["id"] in ("headers-01", "headers-02", "headers-03"):  # kontum.gov.vn says only "HĐND tỉnh"
            lines = record["text"].splitlines()
            page = article_html(lines[0], lines[1:], url=record["source"], published=record["published"])
            (tmp_path / "in" / f"{record['id']}.html").write_text(page, encoding="utf-8")
    _run(runner, "import", tmp_path / "in", "--db", db_path)
    _run(runner, "process", "--db", db_path, "--today", TODAY)
    rows = connect(db_path).execute("SELECT council, term, session_no, date FROM sessions").fetchall()
    assert rows == [("HĐND tỉnh Kon Tum", "XII", 7, "2024-07-08")]


def test_the_standing_committees_meeting_is_one_session_numbered_as_a_meeting(tmp_path, db_path, runner):
    """Real reports of the National Assembly Standing Committee's question sitting at its 25th
    meeting ("phiên họp thứ 25 … Ủy ban Thường vụ Quốc hội") from Bắc Kạn's and Hà Nam's sites,
    one dated, one not, imported as text files: one session row of the Standing Committee, not
    of the Assembly, shown as its meeting ("phiên họp thứ 25"), not as a session of the Assembly."""
    from tests.pipeline.test_session_records import load_records

    (tmp_path / "in").mkdir()
    for record in load_records():
        if record["id"] in ("headers-13", "headers-14"):
            (tmp_path / "in" / f"{record['id']}.txt").write_text(record["text"], encoding="utf-8")
    _run(runner, "import", tmp_path / "in", "--db", db_path)
    _run(runner, "process", "--db", db_path, "--today", TODAY)
    rows = connect(db_path).execute("SELECT council, session_no, date FROM sessions").fetchall()
    assert rows == [("Ủy ban Thường vụ Quốc hội", 25, "2023-08-15")]
    record = json.loads(_run(runner, "session", "1", "--format", "json", "--db", db_path, "--today", TODAY))
    assert record["label"] == "Ủy ban Thường vụ Quốc hội, phiên họp thứ 25 (2023-08-15)"
    assert len(record["articles"]) == 2


def test_a_promise_at_a_standing_committee_meeting_names_the_meeting(tmp_path, db_path, runner):
    """live-07 (tr-02-023, the Minister of Public Security at the Standing Committee's 26th meeting):
    the promises view (what Datasette facets) names his promise's session as the meeting it was,
    "phiên họp thứ 26", as hdnd session does, not as a session of the Assembly."""
    from tests.pipeline.test_session_records import load_records

    record = next(r for r in load_records() if r["id"] == "live-07")
    (tmp_path / "vtc.txt").write_text(record["text"], encoding="utf-8")
    _run(runner, "import", tmp_path / "vtc.txt", "--db", db_path)
    _run(runner, "process", "--db", db_path, "--today", TODAY)
    rows = connect(db_path).execute("SELECT id, speaker, session FROM promises WHERE kind = 'commitment'").fetchall()
    assert [tuple(row[1:]) for row in rows] == [("Tô Lâm", "Ủy ban Thường vụ Quốc hội, phiên họp thứ 26")]
    shown = _run(runner, "promise", str(rows[0][0]), "--db", db_path)
    assert "session: Ủy ban Thường vụ Quốc hội, phiên họp thứ 26" in shown and "kỳ họp" not in shown


def test_a_rejected_promise_leaves_the_session(session_db, runner):
    record = json.loads(_run(runner, "session", "1", "--format", "json", "--db", session_db, "--today", TODAY))
    first = next(c for c in record["commitments"] if c["kind"] == "commitment")
    listed = _run(runner, "sessions", "--db", session_db)
    count = record["promises"]
    assert f"{count} promises" in listed
    _run(runner, "promise", first["id"], "--reject", "not_a_promise", "--db", session_db)
    again = json.loads(_run(runner, "session", "1", "--format", "json", "--db", session_db, "--today", TODAY))
    assert first["id"] not in {c["id"] for c in again["commitments"]}
    assert (len(again["commitments"]), again["promises"]) == (len(record["commitments"]) - 1, count - 1)
    assert f"{count_of(count - 1, 'promise')}\n" in _run(runner, "sessions", "--db", session_db)


@pytest.mark.parametrize("order", [("000", "004"), ("004", "000")])
def test_a_sitting_reported_with_and_without_its_number_is_one_session(tmp_path, db_path, runner, shared, order):
    """Two reports of Hà Nội's question session of 5 July 2023 (seeds 000 and 004, with the
    dates ../shared/gold/seeds.jsonl gives them): one names "Kỳ họp thứ 12", the other only
    "HĐND TP.Hà Nội tiến hành chất vấn" that afternoon. Whichever is processed first, the
    sitting is one session: the 12th, with both articles."""
    from tests.conftest import article_html

    gold = {d["doc"][:3]: d for d in map(json.loads, (shared / "gold" / "seeds.jsonl").read_text("utf-8").splitlines())}
    (tmp_path / "in").mkdir()
    for n, seed in enumerate(order):
        lines = [line for line in (shared / "seeds" / f"{gold[seed]['doc']}.txt").read_text("utf-8").splitlines() if line]
        page = article_html(lines[0], lines[1:], url=f"https://example.vn/{seed}.html",
                            published=f"{gold[seed]['published']}T1{n}:00:00+07:00")
        (tmp_path / "in" / f"{n}-{seed}.html").write_text(page, encoding="utf-8")
    _run(runner, "import", tmp_path / "in" / f"0-{order[0]}.html", "--db", db_path)
    _run(runner, "import", tmp_path / "in" / f"1-{order[1]}.html", "--db", db_path)
    _run(runner, "process", "--db", db_path, "--today", TODAY)
    db = connect(db_path)
    assert db.execute("SELECT council, session_no, date FROM sessions").fetchall() == [("HĐND thành phố Hà Nội", 12,
                                                                                         "2023-07-05")]
    assert db.execute("SELECT COUNT(*) FROM articles WHERE session_id = (SELECT id FROM sessions)").fetchone() == (2,)


def test_a_session_shows_the_answer_as_given_not_its_lead_in(tmp_path, db_path, runner, shared):
    """Seed 003 (dated as ../shared/gold/seeds.jsonl dates it): "Trả lời chất vấn về nhiệm vụ,
    giải pháp … do đại biểu Hồ Vân Nga (…), Chủ tịch UBND thành phố Hà Nội cho biết, thành
    phố đã tiến hành rà soát …": hdnd session shows the question as asked and the answer from
    what the official said."""
    from tests.conftest import article_html

    gold = next(d for d in map(json.loads, (shared / "gold" / "seeds.jsonl").read_text("utf-8").splitlines())
                if d["doc"].startswith("003"))
    lines = [line for line in (shared / "seeds" / f"{gold['doc']}.txt").read_text("utf-8").splitlines() if line]
    page = article_html(lines[0], lines[1:], url="https://example.vn/003.html", published=f"{gold['published']}T18:00:00+07:00")
    (tmp_path / "003.html").write_text(page, encoding="utf-8")
    _run(runner, "import", tmp_path / "003.html", "--db", db_path)
    _run(runner, "process", "--db", db_path, "--today", TODAY)
    record = json.loads(_run(runner, "session", "1", "--format", "json", "--db", db_path, "--today", TODAY))
    (question,) = record["questions"]
    assert question["question"].startswith("về nhiệm vụ, giải pháp")
    assert question["answer"].startswith("thành phố đã tiến hành rà soát")


@pytest.mark.parametrize("name, make", [("bien-ban.docx", make_docx), ("bien-ban.pdf", make_pdf)])
def test_a_real_question_time_record_in_word_or_pdf_keeps_who_asked_and_who_answered(tmp_path, db_path, runner, name,
                                                                                      make):
    """tr-02-023 (models/training: vtc.vn's live page of the Standing Committee's question time,
    13/8/2018) written paragraph by paragraph into a Word file and a PDF (no real Word or PDF
    record was found): "16h30: …", "-Hồ Thị Kim Ngân (Đoàn đại biểu Quốc hội Bắc Kạn): …",
    "Bộ trưởng Tô Lâm: …". The PDF's text comes back in lines broken mid-sentence, and her
    question stays hers to its end, not the minister's."""
    from pipeline.train import load_gold
    from tests.conftest import ROOT

    doc = next(d for d in load_gold(sorted((ROOT / "models" / "training").glob("*.jsonl"))) if d["doc"] == "tr-02-023")
    (tmp_path / name).write_bytes(make([p for p in doc["text"].split("\n\n") if p.strip()]))
    _run(runner, "import", tmp_path / name, "--db", db_path)
    _run(runner, "process", "--db", db_path, "--today", TODAY)
    db = connect(db_path)
    turns = db.execute("SELECT speaker, role, delegation, timestamp FROM turns ORDER BY seq").fetchall()
    assert ("Hồ Thị Kim Ngân", "question", "Đoàn đại biểu Quốc hội Bắc Kạn", "16:30") in turns
    assert db.execute("SELECT asker, answerer FROM questions").fetchall() == [("Hồ Thị Kim Ngân", "Tô Lâm")]
    # Her question's last words are in her turn, not the minister's (a pure question is no demand of
    # hers under the annotation rules, so her turn, not a demand row, says whose they are).
    holders = {like: {r[0] for r in db.execute("SELECT speaker FROM turns WHERE quote LIKE ?", (f"%{like}%",))}
               for like in ("có giải pháp gì", "gửi câu hỏi này")}
    assert holders == {"có giải pháp gì": {"Hồ Thị Kim Ngân"}, "gửi câu hỏi này": {"Hồ Thị Kim Ngân"}}
    speakers = {r[0] for r in db.execute("SELECT speaker FROM commitments WHERE quote LIKE ?", ("%Biện pháp của chúng tôi%",))}
    assert speakers == {"Tô Lâm"}
