"""Speaker turns and question-answer pairs: a transcript, a live report and news prose
written for the tests, and the quoted passages of the seeds."""

from __future__ import annotations

import re

import pytest

from pipeline.document import analyze
from pipeline.turns import is_transcript
from tests.data.transcripts import LIVE, PROSE, TRANSCRIPT


@pytest.fixture(scope="module")
def transcript():
    return analyze(TRANSCRIPT, "2024-07-10")


def _pairs(result: dict) -> list[tuple]:
    return [(q["asker"], q["answerer"]) for q in result["questions"]]


def test_transcript_labels_become_turns_with_role_delegation_and_addressee(transcript):
    turns = transcript["turns"]
    assert [(t["speaker"], t["role"]) for t in turns] == [
        ("Lê Thị Thu Hà", "chair"), ("Nguyễn Văn Khải", "question"), ("Trần Minh Đức", "answer"),
        ("Phạm Thị Hồng", "question"), ("Ngô Quang Vinh", "answer"), ("Lê Thị Thu Hà", "chair")]
    assert turns[1]["delegation"] == "Tổ đại biểu huyện Yên Dũng" and turns[1]["title"] == "Đại biểu"
    assert turns[1]["addressee"] == "Giám đốc Sở Xây dựng"      # from "Xin hỏi Giám đốc Sở Xây dựng, …"
    assert turns[3]["addressee"] == "Chủ tịch UBND tỉnh"        # from the label "… chất vấn Chủ tịch UBND tỉnh:"
    assert turns[2]["title"] == "Giám đốc Sở Xây dựng"
    # A turn runs to the next label and quotes the text exactly.
    assert turns[2]["quote"].endswith("trên cổng thông tin điện tử của tỉnh.")
    assert all(TRANSCRIPT[t["start"]:t["end"]] == t["quote"] for t in turns)


def test_questions_pair_with_the_answers_that_follow(transcript):
    assert _pairs(transcript) == [("Nguyễn Văn Khải", "Trần Minh Đức"), ("Phạm Thị Hồng", "Ngô Quang Vinh")]
    assert [q["topic"] for q in transcript["questions"]] == ["housing_urban", "land_projects"]


def test_commitments_in_an_answer_take_its_speaker_and_question(transcript):
    def by_quote(start: str) -> dict:
        return next(c for c in transcript["commitments"] if c["quote"].startswith(start))

    promise = by_quote("Sở Xây dựng cam kết hoàn thành")
    assert (promise["speaker"], promise["attribution"], promise["question"]) == ("Trần Minh Đức", "turn", 0)
    assert promise["deadline"] == "2024-12-31"
    # "Chúng tôi sẽ …" has no name in it: the turn says who "we" are.
    assert by_quote("Chúng tôi sẽ công khai")["speaker"] == "Trần Minh Đức"
    handover = by_quote("UBND tỉnh cam kết bàn giao")
    assert (handover["speaker"], handover["question"]) == ("Ngô Quang Vinh", 1)


def test_a_demand_in_a_question_belongs_to_the_delegate_who_asked(transcript):
    demand = next(d for d in transcript["demands"] if d["quote"].startswith("Đề nghị Sở Xây dựng"))
    assert (demand["speaker"], demand["question"]) == ("Nguyễn Văn Khải", 0)


def test_live_report_entries_carry_their_times():
    result = analyze(LIVE, "2024-07-10")
    assert _pairs(result) == [("Nguyễn Văn Khải", "Trần Minh Đức"), ("Phạm Thị Hồng", "Ngô Quang Vinh")]
    assert [t["timestamp"] for t in result["turns"]] == ["08:20", "08:35", "09:10", "09:25"]
    commitment = next(c for c in result["commitments"] if "12 tuyến cống" in c["quote"])
    assert commitment["speaker"] == "Trần Minh Đức" and commitment["question"] == 0


def test_news_prose_yields_the_same_question_and_answer_as_the_record():
    result = analyze(PROSE, "2024-07-10")
    assert _pairs(result) == [("Nguyễn Văn Khải", "Trần Minh Đức")]
    question, answer = result["turns"]
    assert question["delegation"] == "Tổ đại biểu huyện Yên Dũng" and question["addressee"] == "Giám đốc Sở Xây dựng"
    assert answer["title"] == "Giám đốc Sở Xây dựng" and answer["source"] == "prose"
    assert "Ông Đức cam kết" in answer["quote"]       # the answer runs on into the next paragraph
    (commitment,) = result["commitments"]
    assert commitment["speaker"] == "Trần Minh Đức" and commitment["question"] == 0


def test_seed_answer_names_its_asker_and_delegation(shared):
    text = (shared / "seeds" / "003_56c558ac1f9b7482.txt").read_text(encoding="utf-8")
    result = analyze(text, "2023-07-05")
    (pair,) = result["questions"]
    question = result["turns"][pair["question"]]
    assert (pair["asker"], pair["answerer"]) == ("Hồ Vân Nga", "Trần Sỹ Thanh")
    assert question["delegation"] == "Tổ đại biểu quận Hai Bà Trưng"
    assert result["turns"][pair["answer"]]["title"] == "Chủ tịch UBND thành phố Hà Nội"


def test_reported_speech_with_a_colon_is_not_a_speaker_label():
    text = ("Chiều 5/7, HĐND tỉnh Hà Nam họp phiên thảo luận về kinh tế - xã hội.\n"
            "Giám đốc Sở Tài chính Vũ Thị Mai cho biết: Ngân sách tỉnh năm nay tăng 12% so với năm trước.\n"
            "Ông Trần Văn Bình khẳng định: “Sở sẽ hoàn thành quyết toán trước ngày 30/9/2024”.")
    result = analyze(text, "2024-07-05")
    assert result["turns"] == [] and not is_transcript(text)


@pytest.mark.parametrize("text, expected", [(TRANSCRIPT, True), (LIVE, True), (PROSE, False)])
def test_transcripts_are_told_from_articles(text, expected):
    assert is_transcript(text) is expected


def test_no_seed_reads_as_a_transcript(shared):
    assert not any(is_transcript(p.read_text(encoding="utf-8")) for p in sorted((shared / "seeds").glob("*.txt")))


def test_capitalised_labels_and_a_bare_chair_label():
    text = TRANSCRIPT.replace("Đại biểu Nguyễn Văn Khải (Tổ đại biểu huyện Yên Dũng) chất vấn:",
                              "ĐẠI BIỂU NGUYỄN VĂN KHẢI (Tổ đại biểu huyện Yên Dũng) chất vấn:")
    text = text.replace("Chủ tọa Lê Thị Thu Hà:", "CHỦ TỌA:")
    result = analyze(text, "2024-07-10")
    assert [t["speaker"] for t in result["turns"][:2]] == ["Lê Thị Thu Hà", "Nguyễn Văn Khải"]
    assert result["turns"][0]["role"] == "chair" and result["turns"][1]["role"] == "question"
    assert _pairs(result)[0] == ("Nguyễn Văn Khải", "Trần Minh Đức")


@pytest.mark.parametrize("wrapped", [
    "Giám đốc\nSở Xây dựng Trần Minh Đức trả lời:",        # a title cut mid-word ("Bộ\ntrưởng")
    "Giám đốc Sở Xây dựng Trần Minh\nĐức trả lời:",         # a name cut by the line's end
])
def test_a_label_a_pdf_broke_over_two_lines_is_still_the_speakers(wrapped):
    """A PDF's text keeps its layout's line breaks, which can fall inside a label: the answer is
    still the director's, with his whole title and name, and so is his promise."""
    text = TRANSCRIPT.replace("Giám đốc Sở Xây dựng Trần Minh Đức trả lời:", wrapped)
    result = analyze(text, "2024-07-10")
    assert ("Trần Minh Đức", "Giám đốc Sở Xây dựng", "answer") in {(t["speaker"], t["title"], t["role"])
                                                                    for t in result["turns"]}
    assert _pairs(result)[0] == ("Nguyễn Văn Khải", "Trần Minh Đức")
    promise = next(c for c in result["commitments"] if c["quote"].startswith("Sở Xây dựng cam kết hoàn thành"))
    assert promise["speaker"] == "Trần Minh Đức"


def test_a_debate_continues_the_exchange_its_speaker_took_part_in():
    """Two exchanges, then the first delegate debates again: the debate joins the first
    exchange, not the latest one; a debate by someone in neither joins the latest."""
    from pipeline.turns import Turn, pair_exchanges

    def turn(speaker, role, title=None):
        return Turn(0, 1, speaker, title, None, role, None, None, None, "transcript")

    turns = [turn("Nguyễn Văn Khải", "question"), turn("Trần Minh Đức", "answer", "Giám đốc Sở Xây dựng"),
             turn("Phạm Thị Hồng", "question"), turn("Ngô Quang Vinh", "answer", "Phó Chủ tịch UBND tỉnh"),
             turn("Nguyễn Văn Khải", "debate"), turn("Lê Văn Tám", "debate")]
    first, second = pair_exchanges(turns)
    assert (first.debates, second.debates) == ([4], [5])
    assert [e.as_dict()["debates"] for e in (first, second)] == [[4], [5]]


def _training_doc(doc_id: str) -> dict:
    from pathlib import Path

    from pipeline.train import load_gold

    training = sorted((Path(__file__).resolve().parents[2] / "models" / "training").glob("*.jsonl"))
    return next(d for d in load_gold(training) if d["doc"] == doc_id)


def test_a_label_naming_offices_is_not_cut_into_a_name():
    """dbndhaiphong.gov.vn (tr-03-007): "Giám đốc các Sở: Giao thông Vận tải, Nông nghiệp và
    Phát triển nông thôn trả lời chất vấn …" names no person: never a speaker "ác Sở" titled
    "Giám đốc c"."""
    doc = _training_doc("tr-03-007")
    turns = analyze(doc["text"], doc.get("published"), source=doc["source"])["turns"]
    assert turns and not any(t["speaker"] and not t["speaker"][0].isupper() for t in turns), turns
    assert not any(re.search(r"(?:^|\s)\w$", t["title"] or "") for t in turns)


@pytest.mark.parametrize("doc_id, asker, addressee", [
    # "… chất vấn Giám đốc Sở Xây dựng Lê Minh Tân các vấn đề về trách nhiệm …" (tr-06-021)
    ("tr-06-021", "Trần Thị Kim Hoàng", "Giám đốc Sở Xây dựng Lê Minh Tân"),
    # "Đại biểu Lưu Bình Nhưỡng (Bến Tre) chất vấn Bộ trưởng Bộ Công thương Trần Tuấn Anh như vậy tại …"
    ("tr-20-004", "Lưu Bình Nhưỡng", "Bộ trưởng Bộ Công thương Trần Tuấn Anh"),
    # "Đại biểu Nguyễn Mai Bộ (An Giang): …, đề nghị Bộ trưởng rà soát lại vấn đề này …"
    ("tr-18-001", "Nguyễn Mai Bộ", "Bộ trưởng"),
])
def test_the_addressee_is_the_official_not_the_words_after(doc_id, asker, addressee):
    doc = _training_doc(doc_id)
    turns = analyze(doc["text"], doc.get("published"), source=doc["source"])["turns"]
    question = next(t for t in turns if t["role"] == "question" and t["speaker"] == asker and t["addressee"])
    assert question["addressee"] == addressee


@pytest.mark.parametrize("doc_id, speaker, title", [
    # "… bà Trần Thị Thanh Hương - Trưởng đoàn ĐBQH tỉnh An Giang báo cáo tóm tắt kết quả Kỳ họp thứ 4, …"
    ("tr-06-010", "Trần Thị Thanh Hương", "Trưởng đoàn ĐBQH tỉnh An Giang"),
    # "Đồng chí Nguyễn Thành Hải, Giám đốc Sở Kế hoạch và Đầu tư báo cáo tóm tắt tình hình …"
    ("tr-28-006", "Nguyễn Thành Hải", "Giám đốc Sở Kế hoạch và Đầu tư"),
    # "Cử tri xã Thu Lũm đã kiến nghị với Đoàn đại biểu Quốc hội tỉnh Lai Châu …"
    ("tr-04-027", None, "Cử tri xã Thu Lũm"),
    # "Cử tri xã Bình Xa cũng kiến nghị tới đại biểu HĐND tỉnh …"
    ("tr-07-003", None, "Cử tri xã Bình Xa"),
])
def test_a_speakers_title_stops_before_what_they_do(doc_id, speaker, title):
    doc = _training_doc(doc_id)
    turns = analyze(doc["text"], doc.get("published"), source=doc["source"])["turns"]
    found = next(t for t in turns if t["speaker"] == speaker and (t["title"] or "").startswith(title))
    assert found["title"] == title


def test_a_delegates_quoted_question_is_not_the_ministers_answer():
    """tr-32-022: "… Bộ trưởng lý giải như thế nào về trách nhiệm của ngành …?”, đại biểu Hải
    nêu câu hỏi." is the delegate's question; the answer starts at "Bộ trưởng Bộ Văn hóa
    Thể thao và Du lịch Hoàng Tuấn Anh cho biết, …"."""
    doc = _training_doc("tr-32-022")
    result = analyze(doc["text"], doc.get("published"), source=doc["source"])
    (pair,) = [q for q in result["questions"] if q["asker"] == "Phạm Thị Hải"]
    answer = result["turns"][pair["answer"]]
    assert answer["quote"].startswith("Bộ trưởng Bộ Văn hóa Thể thao và Du lịch Hoàng Tuấn Anh cho biết")


def test_an_answer_that_names_its_question_shows_it_whole_and_pairs_with_it(shared):
    """Seed 003: "Trả lời chất vấn về nhiệm vụ, giải pháp trong thời gian tới đối với việc
    tiếp tục phân cấp, ủy quyền do đại biểu Hồ Vân Nga (…), Chủ tịch UBND thành phố Hà Nội
    cho biết, …": the question is all of what the lead says was asked, and its answer is
    that sentence's, not a later quote of the same official."""
    text = (shared / "seeds" / "003_56c558ac1f9b7482.txt").read_text(encoding="utf-8")
    result = analyze(text, "2023-07-05")
    (pair,) = result["questions"]
    question, answer = result["turns"][pair["question"]], result["turns"][pair["answer"]]
    assert question["quote"] == "về nhiệm vụ, giải pháp trong thời gian tới đối với việc tiếp tục phân cấp, ủy quyền"
    assert answer["quote"].startswith("Trả lời chất vấn về nhiệm vụ")
