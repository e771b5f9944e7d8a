"""Sessions named in real pages (when a sitting's day has no year of its own), and the promises recalled at them."""

from __future__ import annotations

import pytest

from pipeline.document import analyze


@pytest.mark.parametrize("published, day", [
    ("2023-07-05", "2023-07-05"),   # the paper's own date: the sitting was that afternoon
    ("2023-07-06", "2023-07-05"),   # the next morning's paper
    ("2025-01-10", None),           # the scraper's "时间:2025-01-10": the copy's date, not the report's
])
def test_a_day_without_its_year_is_dated_only_by_a_page_of_those_days(shared, published, day):
    """Seed 003 copies the report of Hà Nội's 12th session ("Chiều 5-7, tại kỳ họp thứ
    mười hai, HĐND thành phố Hà Nội khóa XVI …") onto a page stamped six months later: the
    year of "5-7" is the report's, which the copy does not give, so the sitting is undated
    rather than 2024-07-05 (a year after it sat)."""
    text = (shared / "seeds" / "003_56c558ac1f9b7482.txt").read_text(encoding="utf-8")
    session = analyze(text, published)["session"]
    assert (session["council"], session["session_no"], session["term"]) == ("HĐND thành phố Hà Nội", 12, "XVI")
    assert session["date"] == day


def test_promises_recalled_by_their_noun_name_who_made_them(shared):
    """Seed 000: "Tái chất vấn việc thực hiện các cam kết, lời hứa của các thành viên UBND TP
    …, nhưng thực hiện còn chậm": the promises were the city government's, named after
    them, not nobody's."""
    text = (shared / "seeds" / "000_3d90c085e6925df8.txt").read_text(encoding="utf-8")
    (recall,) = [r for r in analyze(text, "2023-07-05")["recalls"] if r["quote"].startswith("Tái chất vấn")]
    assert (recall["promiser"], recall["status"]) == ("Ủy ban nhân dân thành phố Hà Nội", "not_kept")


def test_an_office_with_a_parenthesis_in_a_label_is_the_answerers_title():
    """"Phó Chủ tịch UBND tỉnh (phụ trách …) X:" with no verb: X, with the whole office as his
    title, answers the question put to the provincial government and makes its promise (a
    format fixture: tests/data/transcripts.py changes one label of its written record)."""
    from tests.data.transcripts import TRANSCRIPT_OFFICE_IN_PARENTHESES

    out = analyze(TRANSCRIPT_OFFICE_IN_PARENTHESES, None)
    (turn,) = [t for t in out["turns"] if t["speaker"] == "Ngô Quang Vinh"]
    assert (turn["title"], turn["role"]) == ("Phó Chủ tịch UBND tỉnh (phụ trách khối kinh tế)", "answer")
    assert ("Phạm Thị Hồng", "Ngô Quang Vinh") in {(q["asker"], q["answerer"]) for q in out["questions"]}
    (promise,) = [c for c in out["commitments"] if c["quote"].startswith("UBND tỉnh cam kết bàn giao")]
    assert promise["speaker"] == "Ngô Quang Vinh"


def test_a_delegate_named_before_the_office_in_minutes_asks():
    """"Bà X – Đại biểu tổ thành phố Bắc Giang:" (the delegate's office after the name, no verb)
    at question time is X's question, answered by the next official (a format fixture)."""
    from tests.data.transcripts import TRANSCRIPT_MINUTES_LABEL

    out = analyze(TRANSCRIPT_MINUTES_LABEL, None)
    (turn,) = [t for t in out["turns"] if t["speaker"] == "Phạm Thị Hồng"]
    assert turn["role"] == "question", turn
    assert ("Phạm Thị Hồng", "Ngô Quang Vinh") in {(q["asker"], q["answerer"]) for q in out["questions"]}
