"""Persons on real text: documents of ``models/training`` (real excerpts with their source
URLs), checked against their hand annotation."""

from __future__ import annotations

from functools import lru_cache

import pytest

from tests.conftest import ROOT

TRAINING = sorted((ROOT / "models" / "training").glob("*.jsonl"))


@lru_cache(maxsize=None)
def _found(doc_id: str) -> tuple[dict, list[str]]:
    from pipeline.document import analyze
    from pipeline.train import load_gold

    doc = next(d for d in load_gold(TRAINING) if d["doc"] == doc_id)
    return doc, [p["name"] for p in analyze(doc["text"], doc.get("published"))["persons"]]


@pytest.mark.parametrize("doc_id, name", [
    ("tr-14-012", "Vũ Huy Hoàng"),    # "Bộ trưởng Công Thương Vũ Huy Hoàng": Công opens the ministry here
    ("tr-26-020", "HOÀNG KHÔI"),      # a byline in capitals, led by a surname
    ("tr-28-014", "HỒ QUỐC DŨNG"),
    ("tr-03-022", "PHƯƠNG UYÊN"),
    ("tr-01-024", "Cao Đức Phát"),    # "… Phát triển nông thôn Cao Đức Phát": "thôn" here is not a hamlet
    ("tr-06-018", "Lê Hoàng Quân"),   # "Chủ tịch UBND TP Lê Hoàng Quân": no city is called that
    ("tr-03-003", "Nguyễn Ngọc Tuấn"),  # "Chủ tịch HĐND Thành phố Nguyễn Ngọc Tuấn"
    ("tr-03-034", "Phùng Thị Hồng Hà"),  # "Phó Chủ tịch HĐND TP Hà Hội Phùng Thị Hồng Hà": no name ends in "Thị"
    ("tr-31-021", "Hồ Chí Minh"),       # "Ngày 27/4/1969, Chủ tịch Hồ Chí Minh đến bỏ phiếu": the man, not the city
    ("tr-18-012", "TÔ LÂM"),            # "Đại tướng TÔ LÂM, Bộ trưởng Công an, trả lời …": capitals with a title after
    ("tr-33-014", "VŨ ĐẠT"),            # "… trao ý định thư hợp tác VŨ ĐẠT\n": a credit closing its caption
])
def test_people_the_annotation_names_are_found(doc_id, name):
    doc, found = _found(doc_id)
    assert name in [p["name"] for p in doc["persons"]]
    assert name in found, found


@pytest.mark.parametrize("doc_id, not_a_person", [
    ("tr-04-038", "Đoàn Quảng Ninh"),   # the province's delegation
    ("tr-09-017", "Châu Âu"),           # Europe
    ("tr-06-028", "Cần Giuộc"),         # "cử tri Cần Giuộc": the voters of a district
    ("tr-27-020", "Đường Sư Vạn Hạnh"),  # a street at the start of a clause
    ("tr-12-006", "Ích Khiêm"),         # "đường Ông Ích Khiêm"
    ("tr-23-012", "Huyện Thanh Quan"),  # "số 111 Bà Huyện Thanh Quan": an address
    ("tr-10-012", "Ngô Thế Lân"),       # "địa chỉ 5/71 Ngô Thế Lân"
    ("tr-20-004", "Tôn Hoa Sen"),       # "Tập đoàn Tôn Hoa Sen": a company
    ("tr-04-027", "La Hủ"),             # "dân tộc La Hủ": a people
    ("tr-26-009", "Báo Nghệ An"),       # "Phóng viên Báo Nghệ An": an outlet
    ("tr-17-002", "Thanh Niên"),        # "PV Thanh Niên"
    ("tr-07-017", "Quốc Hội"),          # "Đại biểu Quốc Hội"
    ("tr-01-016", "Hồ Chí Minh"),       # "Đại biểu Trần Anh Tuấn, Thành phố Hồ Chí Minh": the city
])
def test_delegations_and_places_are_not_people(doc_id, not_a_person):
    doc, found = _found(doc_id)
    assert not_a_person in doc["text"] and not_a_person not in found, found


def test_a_given_name_after_the_full_name_is_the_same_person():
    """"Ông Chu Ngọc Anh làm Chủ tịch …", then "ông Ngọc Anh cho biết": one person, by the full name
    (dev-170 of the shared corpus, read by path)."""
    from pipeline.document import analyze
    from pipeline.train import load_gold
    from tests.conftest import SHARED

    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout")
    doc = next(d for d in load_gold([SHARED / "gold" / "dev" / "news.jsonl"]) if d["doc"] == "dev-170")
    assert "ông Ngọc Anh" in doc["text"]
    names = [p["name"] for p in analyze(doc["text"], doc.get("published"))["persons"]]
    assert "Chu Ngọc Anh" in names and "Ngọc Anh" not in names, names


def test_one_person_however_the_name_is_spelt():
    """i for y after a consonant and the tone marks: "Sỹ"/"Sĩ", "Bổng"/"Bỗng" (tr-17-020 writes
    "Nguyễn Văn Bổng" and once "Nguyễn Văn Bỗng")."""
    from pipeline.persons import spelling_key

    assert spelling_key("Trần Sỹ Thanh") == spelling_key("Trần Sĩ Thanh")
    assert spelling_key("Nguyễn Văn Bổng") == spelling_key("Nguyễn Văn Bỗng")
    assert spelling_key("Nguyễn Văn Thủy") != spelling_key("Nguyễn Văn Thủi")  # "uy" is not "ui"
    doc, found = _found("tr-17-020")
    assert "Nguyễn Văn Bỗng" in doc["text"]
    assert [n for n in found if spelling_key(n) == spelling_key("Nguyễn Văn Bổng")] == ["Nguyễn Văn Bổng"], found


def test_a_bylines_weekday_is_no_part_of_a_name():
    """"Ngọc Lương Thứ sáu, ngày 22/07/2016 09:18 AM" (dev-173 of the shared corpus, read by path):
    "Thứ sáu" is Friday, so there is no "Lương Thứ"."""
    from pipeline.document import analyze
    from pipeline.train import load_gold
    from tests.conftest import SHARED

    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout")
    doc = next(d for d in load_gold([SHARED / "gold" / "dev" / "news.jsonl"]) if d["doc"] == "dev-173")
    assert "Ngọc Lương Thứ sáu" in doc["text"]
    names = [p["name"] for p in analyze(doc["text"], doc.get("published"))["persons"]]
    assert names and not [n for n in names if n.endswith("Thứ")], names
