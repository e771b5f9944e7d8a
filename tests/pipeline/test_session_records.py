"""Session records on real text: excerpts of public pages (``tests/data/sessions/*.jsonl``,
each with its source URL and a hand annotation (pages that are also in ../shared/gold/dev or
in the project's own models/training are read from there by document id): the session, the
speaker turns in order,
the questions answered, the promises made and the promises only recalled), one file per
layout: speaker labels and Q&A pages, live reports, news prose, dated openings.

The scores below are counted over every excerpt and held to floors recorded when the
readers were last changed; the rules that must never break (a recalled promise is never
the recaller's own, one session per council, term and number) are asserted outright.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from pipeline.evaluate import _contains, _key
from pipeline.normalize import fold
from tests.conftest import SHARED

DATA = Path(__file__).resolve().parents[1] / "data" / "sessions"
TRAINING = Path(__file__).resolve().parents[2] / "models" / "training"
LAYOUTS = ("labels", "live", "prose", "headers")


@lru_cache(maxsize=None)
def load_records() -> tuple[dict, ...]:
    """The excerpts; a page that is also in ``../shared/gold/dev`` (``shared_doc``) or in
    models/training (``training_doc``) is named by its document id and its text read from
    there, not copied."""
    records = [json.loads(line) for layout in LAYOUTS
               for line in (DATA / f"{layout}.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    if any("shared_doc" in r for r in records):
        texts = {d["doc"]: d["text"] for d in map(json.loads, (SHARED / "gold" / "dev" / "news.jsonl")
                                                   .read_text(encoding="utf-8").splitlines())}
        for record in records:
            if "shared_doc" in record:
                record["text"] = texts[record["shared_doc"]]
    for record in records:
        if "training_doc" in record:
            record["text"] = training_doc(record["training_doc"])["text"]
    return tuple(records)


@lru_cache(maxsize=None)
def _training_docs() -> dict[str, dict]:
    from pipeline.train import load_gold

    return {d["doc"]: d for d in load_gold(sorted(TRAINING.glob("*.jsonl")))}


def training_doc(doc_id: str) -> dict:
    """A document of the project's own annotations (models/training), by its id."""
    return _training_docs()[doc_id]


@lru_cache(maxsize=None)
def _analysed(record_id: str) -> dict:
    from pipeline.document import analyze

    record = next(r for r in load_records() if r["id"] == record_id)
    return analyze(record["text"], record.get("published"), source=record.get("source"))


def _council(name: str | None) -> str:
    """"HĐND TP Hà Nội", "HĐND thành phố Hà Nội", "HĐND TPHCM" compare equal to their spellings."""
    key = fold(name or "").lower().replace("thanh pho", "tp").replace("tp.", "tp ").replace("tphcm", "tp hcm")
    return " ".join(key.replace("ho chi minh", "hcm").split())


def _span(record: dict, starts: str) -> tuple[int, int]:
    """From the annotated start to the end of its sentence."""
    text = record["text"]
    at = text.index(starts)
    stop = re.search(r"[.!?](?=\s|$)|\n", text[at + len(starts):])
    return at, at + len(starts) + (stop.start() if stop else len(text))


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score_records(records) -> dict[str, list[int]]:
    """[found, expected] per measure, over the excerpts."""
    scores = {name: [0, 0] for name in ("council", "number", "term", "date", "speakers", "roles", "timestamps",
                                        "exchanges", "recalls", "commitments", "commitment_speakers")}

    def count(name: str, ok: bool) -> None:
        scores[name][0] += int(ok)
        scores[name][1] += 1

    for record in records:
        out, expect = _analysed(record["id"]), record["expect"]
        session, got = expect["session"], out["session"] or {}
        if session.get("council"):
            count("council", _council(session["council"]) == _council(got.get("council")))
        for name, field in (("number", "session_no"), ("term", "term"), ("date", "date")):
            wanted = session.get("number" if name == "number" else name)
            if wanted is not None:
                count(name, got.get(field) == wanted)
        for turn in expect["turns"]:
            who = turn["speaker"] or turn["title"]
            if not who:
                continue
            found = next((t for t in out["turns"] if _contains(who, t["speaker"] or t["title"])), None)
            count("speakers", found is not None)
            if found is not None:
                count("roles", found["role"] == turn["role"] or {found["role"], turn["role"]} == {"chair", "other"})
            if turn.get("timestamp"):
                count("timestamps", any(t["timestamp"] == turn["timestamp"] for t in out["turns"]))
        for pair in expect["exchanges"]:
            count("exchanges", any(_contains(pair["asker"], q["asker"]) and
                                   (_contains(pair["answerer"], q["answerer"]) or
                                    _contains(pair["answerer"], q["answerer_title"]))
                                   for q in out["questions"]))
        for recall in expect.get("recalled", []):
            span = _span(record, recall["starts"])
            count("recalls", any(_overlaps(span, (r["start"], r["end"])) for r in out["recalls"]))
        for promise in expect["commitments"]:
            span = _span(record, promise["starts"])
            found = next((c for c in out["commitments"] if _overlaps(span, (c["start"], c["end"]))), None)
            count("commitments", found is not None)
            if found is not None:
                count("commitment_speakers", _contains(promise["speaker"], found["speaker"]) or
                      _contains(promise["speaker"], found["speaker_title"]))
    return scores


# Recorded from score_records when the readers last changed (found / expected, over the 63
# excerpts): council 45/59, number 31/36, term 26/28, date 18/25, speakers 64/83, roles 60/64,
# timestamps 3/3, exchanges 8/12, recalls 3/8, commitments 7/9, their speakers 5/7; a floor is
# the recorded share, rounded down. The 16 excerpts added last were scored before the readers
# changed for them: headers-13 to -19, prose-13 to -18 and labels-16 gave council 6/13, number
# 4/7, term 2/3, date 0/3, speakers 8/14 (9/14 with the interviewer's "PV" annotated as the
# "Phóng viên" the reader names, as labels-15 is), roles 7/8, exchanges 0/1; prose-19 and -20,
# found after the Standing Committee and wrapped-label changes, council 1/2, date 0/1, speakers
# 1/2, roles 0/1. Two floors are lower than before, by new records only (the 47 older excerpts
# score as well or better, speakers 54/67, was 51/67): roles (0.94 -> 0.93) by prose-14's deputy
# recounting ("kể") that she asked, read as asking; exchanges (0.72 -> 0.66) by prose-13, whose
# minister answers in the report's lead before the question is reported (and has no turn).
FLOORS = {"council": 0.76, "number": 0.86, "term": 0.92, "date": 0.72, "speakers": 0.77, "roles": 0.93,
          "timestamps": 1.0, "exchanges": 0.66, "recalls": 0.37, "commitments": 0.77, "commitment_speakers": 0.71}


def test_every_excerpt_is_real_text_with_its_source():
    records = load_records()
    assert {r["layout"] for r in records} == set(LAYOUTS) and len(records) >= 63
    for record in records:
        assert record["source"].startswith("http") and len(record["text"]) >= 300, record["id"]
        for group in ("turns", "commitments", "recalled"):
            for item in record["expect"].get(group, []):
                assert not item.get("starts") or item["starts"] in record["text"], (record["id"], item)


@pytest.mark.parametrize("measure", sorted(FLOORS))
def test_session_records_stay_above_floors(measure):
    found, expected = score_records(load_records())[measure]
    assert expected > 0 and found / expected >= FLOORS[measure], (measure, found, expected)


def test_a_recalled_promise_is_never_the_recallers_own():
    """"Sở cũng hứa sẽ xóa 17 điểm ngập … nhưng “càng chống thì càng ngập”" in a delegate's
    question, "Chủ tịch Tập đoàn Tôn Hoa Sen đã hứa với Thủ tướng …": no commitment is
    stated over a recalled promise, whoever the classifier thought said it."""
    recalled = 0
    for record in load_records():
        out = _analysed(record["id"])
        for recall in record["expect"].get("recalled", []):
            span = _span(record, recall["starts"])
            recalled += 1
            assert not any(_overlaps(span, (c["start"], c["end"])) and c["cue"].lower() in ("hứa", "cam kết", "hứa hẹn")
                           for c in out["commitments"]), (record["id"], recall)
    assert recalled >= 8


@pytest.mark.parametrize("record_id, promiser, recaller", [
    ("prose-07", "Sở Giao thông công chính", "Nguyễn Văn Bạch"),    # "… và Sở cũng hứa sẽ xóa 17 điểm ngập … nhưng …"
    ("labels-03", "Tôn Hoa Sen", "Lưu Bình Nhưỡng"),                 # quoted in the delegate's question
])
def test_who_promised_and_who_recalls_it(record_id, promiser, recaller):
    recalls = _analysed(record_id)["recalls"]
    assert any(_contains(promiser, r["promiser"]) and _contains(recaller, r["recaller"]) for r in recalls), recalls


@pytest.mark.parametrize("record_id, asker, answerer", [
    ("labels-02", "Lê Thanh Vân", "Nguyễn Xuân Phúc"),   # a label with its question in quotes; the addressee answers in prose
    ("headers-12", "Hoàng Thị Thanh Vân", "Đinh Đăng Luận"),  # "ông X - Giám đốc Sở … trả lời chất vấn của đại biểu Y"
    ("labels-05", "Cử tri", "Ủy ban nhân dân tỉnh"),      # a voters' petition and its "TRẢ LỜI:"
    ("prose-12", "Tô Văn Tám", "Trần Hồng Hà"),
    ("live-07", "Hồ Thị Kim Ngân", "Tô Lâm"),             # "-Name (Đoàn đại biểu …):", then "Bộ trưởng Tô Lâm:"
])
def test_each_question_is_paired_with_its_answer(record_id, asker, answerer):
    questions = _analysed(record_id)["questions"]
    assert any(_contains(asker, q["asker"]) and (_contains(answerer, q["answerer"]) or
                                                 _contains(answerer, q["answerer_title"])) for q in questions), questions


@pytest.mark.parametrize("record_id, speaker, title", [
    ("labels-13", "Rcom Sa Duyên", "Giám đốc Sở Lao động-Thương binh và Xã hội"),  # "* Bà X-office:" ("và", a hyphen)
    ("labels-15", "Lâm Quang Thi", "Bí thư Thành ủy, Chủ tịch UBND TP Châu Đốc"),   # "- Ông X - office, office (tỉnh …):"
    ("labels-14", "Phạm Bình Minh", "Bộ trưởng Ngoại giao"),                        # "Ông NAME IN CAPITALS, office:"
    ("live-08", "Phạm Thị Thu Hà", "Chủ tịch Hội LHPN TX Đông Triều"),              # "16h40' - Đồng chí X, office, Tổ …:"
])
def test_a_label_names_its_speaker_with_the_whole_office(record_id, speaker, title):
    turns = _analysed(record_id)["turns"]  # names compared as FORMAT.md compares them ("PHẠM BÌNH MINH")
    assert any(_key(t["speaker"]) == _key(speaker) and t["title"] == title for t in turns), turns


def test_a_promise_under_a_name_and_office_label_is_that_officials():
    """"Ông PHẠM BÌNH MINH, Bộ trưởng Ngoại giao: Hội nhập quốc tế trên mọi lĩnh vực" heads the
    paragraph where he says "Ngành ngoại giao chúng tôi sẽ tập trung …"."""
    record = next(r for r in load_records() if r["id"] == "labels-14")
    for promise in record["expect"]["commitments"]:
        span = _span(record, promise["starts"])
        (found,) = [c for c in _analysed("labels-14")["commitments"] if _overlaps(span, (c["start"], c["end"]))]
        assert _key(found["speaker"]) == _key(promise["speaker"]), found


@pytest.mark.parametrize("record_id, speaker, role, delegation, timestamp", [
    ("live-07", "Hồ Thị Kim Ngân", "question", "Đoàn đại biểu Quốc hội Bắc Kạn", "16:30"),  # under "16h30: …"
    ("live-08", "Phạm Thị Thu Hà", "debate", "Tổ đại biểu TX Đông Triều", "16:40"),         # "16h40' - …" in a debate
])
def test_a_live_entry_gives_its_time_and_a_delegate_speaks_as_one(record_id, speaker, role, delegation, timestamp):
    turns = _analysed(record_id)["turns"]
    assert any((t["speaker"], t["role"], t["delegation"], t["timestamp"]) == (speaker, role, delegation, timestamp)
               for t in turns), turns


@pytest.mark.parametrize("record_id, session", [
    ("headers-01", ("HĐND tỉnh Kon Tum", 7, "XII", "2024-07-08")),   # not "trước và sau Kỳ họp thứ 6" in the title
    ("headers-04", ("Quốc hội", 8, "XIV", None)),                     # "Kỳ họp thứ Tám, Quốc hội Khóa XIV"
    ("headers-06", ("HĐND TP Hà Nội", 2, "XVI", "2021-09-22")),       # "Hội đồng Nhân dân TP Hà Nội khóa XVI"
    ("headers-10", ("HĐND tỉnh Tây Ninh", 12, "X", "2024-05-28")),    # "Sáng 28.5"; the province from baotayninh.vn
    # The Standing Committee's meetings are its sessions: "phiên họp lần thứ 26 của Ủy ban Thường vụ
    # Quốc hội", "phiên họp thứ 25, Ủy ban …", "Phiên họp thứ 36, UBTVQH", not the Assembly's.
    ("live-07", ("Ủy ban Thường vụ Quốc hội", 26, None, "2018-08-13")),
    ("headers-13", ("Ủy ban Thường vụ Quốc hội", 25, None, "2023-08-15")),
    ("headers-16", ("Ủy ban Thường vụ Quốc hội", 36, None, None)),
])
def test_the_session_is_named_numbered_and_dated(record_id, session):
    got = _analysed(record_id)["session"]
    council, number, term, day = session
    assert (_council(got["council"]), got["session_no"], got["term"]) == (_council(council), number, term), got
    assert day is None or got["date"] == day, got


def test_copies_of_one_session_name_the_same_session():
    """Three articles on Kon Tum's 7th session and three on Hà Nội's 2nd, from different sites;
    two on the Standing Committee's 25th meeting (one dated, one not)."""
    for ids in (("headers-01", "headers-02", "headers-03"), ("headers-06", "headers-07"), ("headers-13", "headers-14")):
        keys = {(_council(_analysed(i)["session"]["council"]), _analysed(i)["session"]["session_no"]) for i in ids}
        assert len(keys) == 1, keys


def test_a_question_known_from_its_answer_is_what_was_asked_not_the_lead_in():
    """"… ông Đinh Đăng Luận - Giám đốc Sở … trả lời chất vấn của đại biểu Hoàng Thị Thanh
    Vân về trách nhiệm của ngành …": the question is "về trách nhiệm …"."""
    turns = _analysed("prose-02")["turns"]
    question = next(t for t in turns if t["role"] == "question" and t["speaker"] == "Hoàng Thị Thanh Vân")
    assert question["quote"].startswith("về trách nhiệm của ngành Nông nghiệp"), question["quote"]


def test_a_header_date_dates_a_record_but_not_a_news_page():
    """dbndhaiphong.gov.vn (tr-03-007) heads its page "Hải Phòng, ngày 21 tháng 06 năm 2019"
    above "Ngày làm việc thứ 2, kỳ họp thứ 8 HĐND thành phố khóa XV … Ngày 06/12/2018, …":
    as a news page, the sitting is the day its lead names; read as minutes or a transcript,
    a session named under such a header without its own day takes the header's."""
    from pipeline.document import analyze

    doc = training_doc("tr-03-007")
    assert analyze(doc["text"], doc.get("published"), source=doc["source"])["session"]["date"] == "2018-12-06"
    header = "\n".join(doc["text"].splitlines()[:3])  # the header and the heading, without the lead
    assert analyze(header, None, source=doc["source"], transcript=True)["session"]["date"] == "2019-06-21"
    assert analyze(header, None, source=doc["source"])["session"]["date"] is None


def test_what_an_official_is_said_to_be_is_not_an_answer():
    """tr-17-013 (models/training), the Secretary General's interview answer: "… trừ Bộ
    trưởng Bộ Y tế Nguyễn Thị Kim Tiến là trả lời chất vấn lần thứ hai, …" says what she
    did at the session; she answers nothing on this page."""
    from pipeline.document import analyze

    doc = training_doc("tr-17-013")
    turns = analyze(doc["text"], doc.get("published"), source=doc["source"])["turns"]
    assert [(t["speaker"] or t["title"], t["role"]) for t in turns] == [("Phóng viên", "other"),
                                                                       ("Nguyễn Hạnh Phúc", "other")], turns


def test_a_photo_caption_repeating_a_label_is_no_second_turn():
    """live-08 repeats "Đồng chí Phạm Thị Thu Hà, …: Tăng cường …" as the caption cell under
    its photo ("![]() |"): she took the floor once."""
    turns = _analysed("live-08")["turns"]
    assert [t["timestamp"] for t in turns if t["speaker"] == "Phạm Thị Thu Hà"] == ["16:40"], turns


@pytest.mark.parametrize("record_id, speaker, title", [
    ("labels-10", "Phạm Văn Quang", "TUV, Giám đốc Sở Tài nguyên và Môi trường"),
    ("prose-03", "Phạm Văn Quang", "TUV, Giám đốc Sở Tài nguyên và Môi trường"),
])
def test_an_official_replying_to_what_was_raised_answers_under_the_whole_office(record_id, speaker, title):
    """"Trước phản ánh về nhiều tồn tại …, đồng chí Phạm Văn Quang - TUV, Giám đốc Sở Tài
    nguyên và Môi trường cho biết: …": his answer, his office with its comma and "và"."""
    turns = _analysed(record_id)["turns"]
    assert any((t["speaker"], t["title"], t["role"]) == (speaker, title, "answer") for t in turns), turns


def test_an_answer_to_a_named_delegates_question_pairs_them():
    """tr-32-027 (models/training): "Trước câu hỏi của đại biểu Nguyễn Thanh Hải (Hòa Bình) về
    việc tăng giá cước 3G …, ông Nguyễn Bắc Son cho biết, …": the question as asked, and its answer."""
    from pipeline.document import analyze

    doc = training_doc("tr-32-027")
    out = analyze(doc["text"], doc.get("published"), source=doc["source"])
    (question,) = [t for t in out["turns"] if t["role"] == "question"]
    assert (question["speaker"], question["quote"]) == ("Nguyễn Thanh Hải", "về việc tăng giá cước 3G mà chất lượng chưa cải thiện")
    assert [(q["asker"], q["answerer"]) for q in out["questions"]] == [("Nguyễn Thanh Hải", "Nguyễn Bắc Son")]


@pytest.mark.parametrize("record_id", ["labels-12", "labels-15"])
def test_an_interviews_questions_are_the_reporters_and_a_headline_in_capitals_is_nobodys(record_id):
    """"*Phóng viên: Vì sao …" (labels-15) and "Phóng viên: Cảm ơn Chủ nhiệm …" (labels-12) are
    the interviewer's turns; labels-12's title line "UỶ BAN VỀ CÁC VẤN ĐỀ XÃ HỘI: NỖ LỰC …" is a
    committee's name in capitals, no speaker."""
    turns = _analysed(record_id)["turns"]
    assert (None, "Phóng viên", "other") in {(t["speaker"], t["title"], t["role"]) for t in turns}
    assert all(t["title"] == "Phóng viên" or t["speaker"] == "Lâm Quang Thi" for t in turns), turns


@pytest.mark.parametrize("doc_id, delegations", [
    ("tr-18-001", {"Nguyễn Mai Bộ": "An Giang", "Đinh Duy Vượt": "Gia Lai", "Tô Thị Bích Châu": "TP Hồ Chí Minh"}),
    ("tr-09-006", {"Nguyễn Thái Học": "Phú Yên", "Đặng Thị Ngọc Thịnh": "Vĩnh Long"}),
    ("tr-01-014", {"Phan Văn Tường": "đoàn Thái Nguyên"}),
])
def test_a_deputy_speaks_for_the_province_named_after_the_name(doc_id, delegations):
    """"Đại biểu Nguyễn Mai Bộ (An Giang): …" (labels of a live report), "ĐB Đặng Thị Ngọc
    Thịnh (Vĩnh Long) hỏi: …" and "đại biểu Phan Văn Tường (đoàn Thái Nguyên)" (news prose),
    in models/training: the province in parentheses is the deputy's delegation."""
    from pipeline.document import analyze

    doc = training_doc(doc_id)
    turns = analyze(doc["text"], doc.get("published"), source=doc["source"])["turns"]
    assert {t["speaker"]: t["delegation"] for t in turns if t["speaker"] in delegations} == delegations


def test_an_official_quoted_after_a_question_answers_it_and_keeps_his_promises():
    """tr-09-006 (models/training): "ĐB Nguyễn Thái Học (Phú Yên) tiếp tục chất vấn: “…?”. Ông
    Nguyễn Văn Bình phân bua: “…”" and "ĐB Đặng Thị Ngọc Thịnh (Vĩnh Long) hỏi: “…?”. Thừa nhận
    có cò lãi suất, Thống đốc nói: “…”", each in one paragraph: the Governor answers both, and
    "Thống đốc cũng khẳng định chủ trương siết lại …" is his, not the delegate's who asked."""
    from pipeline.document import analyze

    doc = training_doc("tr-09-006")
    out = analyze(doc["text"], doc.get("published"), source=doc["source"])
    assert [(q["asker"], q["answerer"]) for q in out["questions"]] == [("Nguyễn Thái Học", "Nguyễn Văn Bình"),
                                                                      ("Đặng Thị Ngọc Thịnh", "Nguyễn Văn Bình")]
    (tighten,) = [c for c in out["commitments"] if c["quote"].startswith("Thống đốc cũng khẳng định")]
    assert tighten["speaker"] == "Nguyễn Văn Bình"


@pytest.mark.parametrize("doc_id, chair", [
    ("tr-06-021", "Kim Ngọc Thái"),     # "Phát biểu khai mạc phiên chất vấn, đồng chí X, Phó Bí thư …, Chủ tịch HĐND tỉnh đề nghị"
    ("tr-05-024", "Dương Văn Trang"),   # "Phát biểu kết luận phiên họp, Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh X ghi nhận …"
])
def test_the_council_chair_opening_or_closing_a_sitting_is_the_chair(doc_id, chair):
    from pipeline.document import analyze

    doc = training_doc(doc_id)
    turns = analyze(doc["text"], doc.get("published"), source=doc["source"])["turns"]
    assert [t["role"] for t in turns if t["speaker"] == chair] == ["chair"], turns


def test_praising_the_answers_to_questions_is_not_asking_one():
    """prose-20: "đại biểu Nguyễn Thị Kim Anh (đoàn Bắc Ninh) đánh giá cao phần trả lời chất vấn của
    các tư lệnh ngành" in the Assembly's corridor: "chất vấn" names what was answered; she asks
    nothing."""
    assert not [t for t in _analysed("prose-20")["turns"] if t["role"] == "question"]


@pytest.mark.parametrize("record_id, deputy", [
    ("live-03", "Phạm Văn Tuân"),        # "Đại biểu Phạm Văn Tuân (Thái Bình) nhấn mạnh dù …" in a debate on the economy
    ("prose-20", "Nguyễn Thị Kim Anh"),  # "“…”, đại biểu Nguyễn Thị Kim Anh cho biết."
])
def test_a_deputy_speaking_without_asking_has_a_turn(record_id, deputy):
    assert [t["role"] for t in _analysed(record_id)["turns"] if t["speaker"] == deputy][:1] == ["other"]


def test_the_chair_named_so_where_she_speaks_is_the_chair():
    """live-04: "Phát biểu khai mạc phiên chất vấn, Chủ tịch HĐND TPHCM Nguyễn Thị Lệ thông tin, …",
    though the page first gives her party office ("Phó Bí thư Thành ủy")."""
    assert [t["role"] for t in _analysed("live-04")["turns"] if t["speaker"] == "Nguyễn Thị Lệ"] == ["chair"]


def test_a_paragraph_of_the_programme_is_nobodys_turn():
    """headers-16: "Theo chương trình, UBTVQH sẽ nghe … Tiếp đó, Ủy viên UBTVQH, Tổng Thư ký QH, Chủ
    nhiệm VPQH Nguyễn Hạnh Phúc trình bày Báo cáo …": the meeting has not sat; he reports nothing yet."""
    assert "Nguyễn Hạnh Phúc" not in {t["speaker"] for t in _analysed("headers-16")["turns"]}


def test_a_deputys_proposal_answered_by_an_official_is_not_the_deputy_speaking():
    """tr-05-021 (models/training): "Đối với đề xuất làm cầu vượt … của đại biểu Lê Ngọc Huấn,
    Giám đốc Sở GTVT cho rằng …": the director speaks, not the deputy."""
    from pipeline.document import analyze

    doc = training_doc("tr-05-021")
    turns = analyze(doc["text"], doc.get("published"), source=doc["source"])["turns"]
    assert "Lê Ngọc Huấn" not in {t["speaker"] for t in turns}, turns


def test_a_delegation_stops_where_the_delegate_acts():
    """prose-01: "Bà Phạm Thị Nhung, tổ đại biểu huyện Yên Dũng chất vấn về công tác THADS.":
    the delegation is "tổ đại biểu huyện Yên Dũng", not the rest of the sentence."""
    turns = _analysed("prose-01")["turns"]
    assert {t["delegation"] for t in turns if t["speaker"] == "Phạm Thị Nhung"} - {None} == {"tổ đại biểu huyện Yên Dũng"}


def test_a_headline_with_a_title_only_does_not_take_the_report_under_it():
    """tr-14-020 (models/training) opens "Bộ trưởng Ngoại giao: Công tác bảo hộ công dân làm rất
    kịp thời", then reports a deputy's question ("Vậy trách nhiệm của Đại sứ quán …?"): the
    question is not in the minister's turn."""
    from pipeline.document import analyze

    doc = training_doc("tr-14-020")
    asked = doc["text"].index("Vậy trách nhiệm của Đại sứ quán")
    turns = analyze(doc["text"], doc.get("published"), source=doc["source"])["turns"]
    assert not any(t["speaker"] == "Bùi Thanh Sơn" and t["start"] <= asked < t["end"] for t in turns), turns


@pytest.mark.parametrize("doc_id, starts, speaker", [
    # "Để xử lý dứt điểm vấn đề này, Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh Bùi Minh Châu yêu cầu …" after
    # the director's answer: the council's chair speaks, the answer ends.
    ("tr-04-002", "xử lý nghiêm các tập thể, cá nhân buông lỏng", "Bùi Minh Châu"),
    # A caption naming him ("Ông Lê Trường Giang – Bí thư Thị ủy - Chủ tịch HĐND Thị xã kết luận hội
    # nghị"), then his conclusions: the turn goes on over them.
    ("tr-13-018", "tại hội trường cần tập trung bàn các nội dung", "Lê Trường Giang"),
    # The police director's answer, then a paragraph where the transport director speaks: his promise.
    ("tr-18-021", "Dự kiến sở sẽ hoàn thành đề án này", "Vũ Văn Viện"),
    ("tr-01-034", "Chính phủ không để cho Đà Nẵng", "Vũ Đức Đam"),
])
def test_a_statement_is_the_speakers_whose_turn_holds_it(doc_id, starts, speaker):
    """Statements after an answer or a chair's words, in models/training documents: no other
    speaker's turn holds them, and what is stated there is the right speaker's."""
    from pipeline.document import analyze

    doc = training_doc(doc_id)
    out = analyze(doc["text"], doc.get("published"), source=doc["source"])
    at = doc["text"].index(starts)
    holders = [t for t in out["turns"] if t["start"] <= at < t["end"]]
    said = [c for c in out["commitments"] + out["demands"] if c["start"] <= at < c["end"] or at <= c["start"] < at + len(starts)]
    assert holders or said
    assert all(t["speaker"] == speaker for t in holders) and all(c["speaker"] == speaker for c in said), (holders, said)
