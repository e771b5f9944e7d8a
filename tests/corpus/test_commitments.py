"""Commitments in a real corpus file: merging copies, follow-ups, statuses, events, commands."""

import json
import sqlite3
from datetime import date

import pytest

from corpus.cli import cli
from corpus.commitments import confirm, list_commitments, refresh_statuses, status_for
from corpus.process import process_corpus
from corpus.store import save_article
from crawler.extract import ArticleItem

# Articles written for these tests.
PROMISE = """Kỳ họp thứ 9 HĐND thành phố Hải Phòng: chất vấn về các dự án chậm tiến độ

Chiều 5/7, tại kỳ họp thứ 9, HĐND thành phố Hải Phòng khóa XVI, Chủ tịch UBND thành phố Nguyễn Văn Tùng trả lời chất vấn của các đại biểu về các dự án ngoài ngân sách chậm triển khai.

Theo báo cáo, từ năm 2015 đến nay thành phố có 214 dự án chậm tiến độ với tổng diện tích hơn 3.100 ha. Nhiều dự án đã được gia hạn nhiều lần nhưng vẫn chưa khởi công.

"Thành phố quyết tâm xử lý dứt điểm 86 dự án chậm tiến độ còn lại trước ngày 31/12/2024, kiên quyết thu hồi các dự án không có khả năng triển khai".

Chủ tịch UBND thành phố Hải Phòng Nguyễn Văn Tùng

Đại biểu Lê Thị Thu Hằng (Tổ đại biểu quận Lê Chân) đề nghị UBND thành phố công khai danh sách các dự án bị thu hồi trước ngày 30/9/2024.
"""

# A scraper copy: a spam header, a shortened headline, one sentence dropped.
COPY = "【tin nóng 24h】 Hải Phòng xử lý dự án chậm tiến độ\n\n" + PROMISE.split("\n", 2)[2].replace(
    " Nhiều dự án đã được gia hạn nhiều lần nhưng vẫn chưa khởi công.", "")

FOLLOW_UP = """Tái chất vấn việc thực hiện lời hứa về các dự án chậm tiến độ ở Hải Phòng

Tại kỳ họp thứ 12 HĐND thành phố Hải Phòng, các đại biểu tái chất vấn việc thực hiện lời hứa của Chủ tịch UBND thành phố Nguyễn Văn Tùng.

Báo cáo của UBND thành phố cho thấy, đến nay thành phố mới xử lý dứt điểm 51 trong số 86 dự án chậm tiến độ còn lại, 35 dự án vẫn chưa được thu hồi.
"""


def _save(db, url, text, published):
    return save_article(db, ArticleItem(url=url, title=text.split("\n")[0], text=text, published=published))[1]


@pytest.fixture
def corpus(fresh_db):
    _save(fresh_db, "https://bao-a.vn/hai-phong-du-an-cham-tien-do", PROMISE, "2024-07-05")
    _save(fresh_db, "https://tin-nong.example/hai-phong-xu-ly-du-an", COPY, "2024-07-06")
    _save(fresh_db, "https://bao-b.vn/tai-chat-van-hai-phong", FOLLOW_UP, "2025-03-12")
    summary = process_corpus(fresh_db, today=date(2024, 8, 1))
    assert summary.counts["failed"] == 0
    return fresh_db, summary


def _promise(db):
    (row,) = [r for r in db["commitments"].rows if "86 dự án" in r["quote"]]
    return row


def test_one_promise_from_two_outlets_with_both_sources(corpus):
    db, summary = corpus
    row = _promise(db)
    assert row["speaker"] == "Nguyễn Văn Tùng" and row["deadline"] == "2024-12-31"
    assert row["quantity"] == 86 and row["topic"] == "land_projects" and row["made_on"] == "2024-07-05"
    sources = {r["article_id"] for r in db.query("SELECT article_id FROM commitment_sources WHERE commitment_id = ?",
                                                 [row["id"]])}
    assert sources == {1, 2}
    assert summary.counts["duplicates"] == 1
    assert db.execute("SELECT duplicate_of FROM article_signatures WHERE article_id = 2").fetchone()[0] == 1
    assert db["commitments"].count == summary.counts["commitments_new"]


def test_demand_is_stored_with_the_delegate(corpus):
    db, _ = corpus
    (demand,) = list(db.query("SELECT * FROM commitments WHERE kind = 'demand'"))
    assert demand["speaker"] == "Lê Thị Thu Hằng" and demand["deadline"] == "2024-09-30"


def test_later_report_is_proposed_as_follow_up(corpus):
    db, summary = corpus
    row = _promise(db)
    followups = list(db.query("SELECT * FROM commitment_events WHERE commitment_id = ? AND kind = 'followup'",
                              [row["id"]]))
    assert len(followups) == 1 and summary.counts["followups"] >= 1
    assert followups[0]["status"] == "partly" and followups[0]["evidence_article_id"] == 3
    assert "51 trong số 86" in followups[0]["evidence_quote"]


def test_reprocessing_adds_no_events_and_keeps_one_commitment(corpus):
    db, _ = corpus
    events = db["commitment_events"].count
    commitments = db["commitments"].count
    process_corpus(db, reprocess=True, today=date(2024, 8, 1))
    assert db["commitment_events"].count == events and db["commitments"].count == commitments


def test_status_moves_to_due_then_overdue_with_events(corpus):
    db, _ = corpus
    row = _promise(db)
    assert row["status"] == "open"
    assert refresh_statuses(db, date(2024, 12, 10)) >= 1
    assert _promise(db)["status"] == "due"
    refresh_statuses(db, date(2025, 1, 2))
    assert _promise(db)["status"] == "overdue"
    statuses = [r["status"] for r in db.query("SELECT status FROM commitment_events WHERE commitment_id = ? "
                                              "AND kind = 'status' ORDER BY id", [row["id"]])]
    assert statuses == ["due", "overdue"]
    assert refresh_statuses(db, date(2025, 1, 2)) == 0  # nothing changed, nothing recorded


def test_status_rules():
    today = date(2024, 6, 1)
    assert status_for(None, today) == "open"
    assert status_for("2024-12-31", today) == "open"
    assert status_for("2024-06", today) == "due"
    assert status_for("2024-Q1", today) == "overdue"
    assert status_for("2024-Q1", today, "kept") == "kept"
    assert status_for("2024-Q1", today, "in_progress") == "overdue"


def test_confirm_is_an_event_and_events_cannot_be_changed(corpus):
    db, _ = corpus
    row = _promise(db)
    event_id = confirm(db, row["id"], "not_kept", "https://bao-b.vn/tai-chat-van-hai-phong", "35 dự án chưa thu hồi",
                       date(2025, 3, 15), by="Lan Anh")
    assert _promise(db)["status"] == "not_kept"
    listed = list_commitments(db, date(2025, 3, 15), status="not_kept")
    assert [r["id"] for r in listed] == [row["id"]]
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        with db.conn:
            db.conn.execute("UPDATE commitment_events SET note = 'x' WHERE id = ?", (event_id,))
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        with db.conn:
            db.conn.execute("DELETE FROM commitment_events WHERE id = ?", (event_id,))


def test_promises_command_filters_and_formats(corpus, db_path, runner):
    result = runner.invoke(cli, ["promises", "du an cham tien do", "--db", str(db_path), "--today", "2025-01-02"])
    assert result.exit_code == 0, result.output
    assert "[overdue] 2024-12-31" in result.output and "Nguyễn Văn Tùng" in result.output
    assert "2 sources" in result.output
    rows = json.loads(runner.invoke(cli, ["promises", "--speaker", "nguyen van tung", "--format", "json",
                                          "--db", str(db_path), "--today", "2024-08-01"]).output)
    assert rows and all(r["speaker"] == "Nguyễn Văn Tùng" and r["status"] == "open" for r in rows)
    demands = json.loads(runner.invoke(cli, ["promises", "--kind", "demand", "--format", "json",
                                             "--db", str(db_path)]).output)
    assert [d["speaker"] for d in demands] == ["Lê Thị Thu Hằng"]
    none = runner.invoke(cli, ["promises", "--status", "kept", "--db", str(db_path)])
    assert none.exit_code == 0 and "No commitments match" in none.output


def test_promise_command_shows_paragraph_sources_and_events(corpus, db_path, runner):
    db, _ = corpus
    row = _promise(db)
    result = runner.invoke(cli, ["promise", str(row["id"]), "--db", str(db_path), "--today", "2024-08-01"])
    assert result.exit_code == 0, result.output
    assert "kỳ họp thứ 9" in result.output and "Sources (2)" in result.output
    assert "followup → partly" in result.output and "extracted → open" in result.output
    followup = next(r["id"] for r in db.query("SELECT id FROM commitment_events WHERE kind = 'followup'"))
    decided = runner.invoke(cli, ["promise", str(row["id"]), "--confirm", "partly", "--followup", str(followup),
                                  "--evidence", "https://bao-b.vn/tai-chat-van-hai-phong", "--by", "Lan Anh",
                                  "--db", str(db_path)])
    assert decided.exit_code == 0 and "Recorded event" in decided.output
    shown = json.loads(runner.invoke(cli, ["promise", str(row["id"]), "--format", "json", "--db", str(db_path)]).output)
    assert shown["status"] == "partly" and shown["events"][-2]["kind"] == "confirmed"
    assert shown["events"][-2]["actor"] == "Lan Anh"
    assert shown["events"][-2]["evidence_url"] == "https://bao-b.vn/tai-chat-van-hai-phong"


@pytest.mark.parametrize("args, message", [
    (["promise", "999"], "there is no commitment 999"),
    (["promise", "1", "--note", "x"], "goes with --confirm"),
    (["promise", "1", "--confirm", "rejected", "--by", "Lan Anh"], "needs --followup"),
    (["promise", "1", "--confirm", "kept", "--followup", "9999", "--evidence", "https://bao-b.vn/x", "--by", "Lan Anh"],
     "is not a proposed follow-up"),
    (["promise", "1", "--confirm", "kept", "--by", "Lan Anh"], "needs --evidence URL"),
    (["promise", "1", "--confirm", "kept", "--evidence", "https://bao-b.vn/x"], "needs --by NAME"),
    (["promise", "1", "--confirm", "kept", "--evidence", "https://bao-b.vn/x", "--by", "  "], "needs --by NAME"),
    (["promise", "1", "--by", "Lan Anh"], "go with --confirm"),
])
def test_promise_command_bad_input_is_one_sentence(corpus, db_path, runner, args, message):
    before = corpus[0]["commitment_events"].count
    result = runner.invoke(cli, [*args, "--db", str(db_path)])
    assert result.exit_code == 2 and message in result.output
    assert corpus[0]["commitment_events"].count == before


def test_follow_up_stored_before_the_promise_is_still_linked(fresh_db):
    _save(fresh_db, "https://bao-b.vn/tai-chat-van-hai-phong", FOLLOW_UP, "2025-03-12")
    _save(fresh_db, "https://bao-a.vn/hai-phong-du-an-cham-tien-do", PROMISE, "2024-07-05")
    process_corpus(fresh_db, today=date(2024, 8, 1))
    row = _promise(fresh_db)
    (event,) = fresh_db.query("SELECT * FROM commitment_events WHERE commitment_id = ? AND kind = 'followup'",
                              [row["id"]])
    assert event["evidence_article_id"] == 1 and event["status"] == "partly"


def test_unrelated_report_is_not_proposed(fresh_db):
    _save(fresh_db, "https://bao-a.vn/hai-phong-du-an-cham-tien-do", PROMISE, "2024-07-05")
    _save(fresh_db, "https://bao-c.vn/truong-hoc", "Trường tiểu học Nam Sơn đã hoàn thành xây dựng 12 phòng học mới "
          "trước năm học 2024-2025, đáp ứng nhu cầu học tập của học sinh.\n", "2024-09-01")
    process_corpus(fresh_db, today=date(2024, 9, 2))
    assert fresh_db.execute("SELECT COUNT(*) FROM commitment_events WHERE kind = 'followup'").fetchone()[0] == 0


def test_commitment_tables_export_and_search_indexes_do_not(corpus):
    from corpus.export import exportable_tables

    tables = exportable_tables(corpus[0])
    assert {"commitments", "commitment_sources", "commitment_events", "status_reports"} <= set(tables)
    assert not [t for t in tables if "_fts" in t]
