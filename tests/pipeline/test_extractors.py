"""Each extractor on sentences written for these tests (patterns, not the seeds)."""

import pytest

from pipeline.document import AnalysisError, analyze


def names(text, published=None):
    return {p["name"]: p["title"] for p in analyze(text, published)["persons"]}


@pytest.mark.parametrize("text, name, title", [
    ("Chủ tịch UBND tỉnh Quảng Ninh Cao Tường Huy cho biết tỉnh sẽ hoàn thành dự án.",
     "Cao Tường Huy", "Chủ tịch UBND tỉnh Quảng Ninh"),
    ("Tham dự có đồng chí Lê Thị Thu Hằng, Phó Chủ tịch Thường trực HĐND tỉnh Nghệ An.",
     "Lê Thị Thu Hằng", "Phó Chủ tịch Thường trực HĐND tỉnh Nghệ An"),
    ("Ông Đỗ Văn Chiến - Giám đốc Sở Xây dựng cho biết, công trình đã khởi công.",
     "Đỗ Văn Chiến", "Giám đốc Sở Xây dựng"),
    ("Đại biểu Vũ Thị Lưu Mai (Tổ đại biểu huyện Sóc Sơn) chất vấn về ngập úng.",
     "Vũ Thị Lưu Mai", "Đại biểu, Tổ đại biểu huyện Sóc Sơn"),
    ("Phát biểu tại hội nghị, Bí thư Tỉnh ủy Bắc Giang Dương Văn Thái nhấn mạnh yêu cầu này.",
     "Dương Văn Thái", "Bí thư Tỉnh ủy Bắc Giang"),
    ("Bài viết của nhà báo Hữu Việt đăng trên số báo Tết.", "Hữu Việt", None),
    # Real (models/training tr-09-010): "Công" is a surname too, but "Công Thương" is the ministry.
    ("Bộ trưởng Bộ Công Thương Vũ Huy Hoàng đã có chuyến công tác tại tỉnh Gia Lai để làm rõ nguyên nhân vụ việc.",
     "Vũ Huy Hoàng", "Bộ trưởng Bộ Công Thương"),
])
def test_persons_with_titles(text, name, title):
    found = names(text)
    assert name in found, found
    assert found[name] == title


def test_place_before_name_is_cut_off():
    found = names("Thường trực Thành ủy Hải Phòng Đỗ Mạnh Hiến chủ trì buổi làm việc.")
    assert "Đỗ Mạnh Hiến" in found and not any("Hải Phòng" in n for n in found)


def test_streets_schools_and_places_are_not_people():
    found = names("Dự án mở rộng đường Nguyễn Văn Cừ và trường THPT Lê Quý Đôn ở tỉnh Lâm Đồng, "
                  "gần hồ Hoàn Kiếm, được tỉnh Hà Nam quan tâm.")
    assert found == {}


def test_list_after_a_person_word_and_credits():
    """Credits count with a surname ("Ảnh: Trần Huyền", "PHƯƠNG THÙY"), pen names without
    one are left out (the annotation rules of ../shared/gold/dev/README.md, Persons)."""
    found = names("Thơ của các nhà thơ như Xuân Diệu, Huy Cận và Tế Hanh được giới thiệu. (Ảnh: Minh Đức)\n"
                  "Bài: PHƯƠNG THÙY - Ảnh: Trần Huyền")
    assert {"Xuân Diệu", "Huy Cận", "Tế Hanh", "PHƯƠNG THÙY", "Trần Huyền"} <= set(found)
    assert "Minh Đức" not in found


def test_bodies_expand_abbreviations_and_take_the_document_place():
    result = analyze("HĐND tỉnh Thanh Hóa họp. UBND tỉnh giao Sở Tài nguyên và Môi trường rà soát. "
                     "UBND huyện Quảng Xương và Huyện ủy Quảng Xương báo cáo.")
    bodies = {b["name"] for b in result["bodies"]}
    assert "Hội đồng nhân dân tỉnh Thanh Hóa" in bodies
    assert "Ủy ban nhân dân tỉnh Thanh Hóa" in bodies
    assert "Sở Tài nguyên và Môi trường" in bodies
    assert {"Ủy ban nhân dân huyện Quảng Xương", "Huyện ủy Quảng Xương"} <= bodies


@pytest.mark.parametrize("text, type_, number, date", [
    ("theo Quyết định số 1291/QĐ-UBND ngày 12/5/2023 của UBND tỉnh", "Quyết định", "1291/QĐ-UBND", "2023-05-12"),
    ("thực hiện Nghị định 61/2018/NĐ-CP của Chính phủ", "Nghị định", "61/2018/NĐ-CP", None),
    ("căn cứ Luật số 47/2019/QH14", "Luật", "47/2019/QH14", None),
    ("Chỉ thị số 05-CT/TU ngày 2 tháng 3 năm 2022 của Tỉnh ủy", "Chỉ thị", "05-CT/TU", "2022-03-02"),
    ("Công văn số 2345/UBND-KT gửi các sở", "Công văn", "2345/UBND-KT", None),
])
def test_legal_refs(text, type_, number, date):
    (ref,) = analyze(text)["legal_refs"]
    assert (ref["type"], ref["number"], ref["date"]) == (type_, number, date)
    assert text[ref["start"]:ref["end"]] == ref["quote"]


def test_a_count_or_a_year_after_a_type_is_not_a_reference():
    assert analyze("Tỉnh xây dựng kế hoạch 5 năm và Kế hoạch 2025 về chuyển đổi số.")["legal_refs"] == []


def test_index_values_with_year_rank_and_changes():
    text = ("Năm 2023, Chỉ số năng lực cạnh tranh cấp tỉnh (PCI) của tỉnh Bắc Ninh đạt 70,12 điểm, "
            "xếp thứ 6/63 tỉnh, thành phố, tăng 3 bậc. Chỉ số PAPI giảm 0,5 điểm, tụt 12 bậc so với năm 2022.")
    values = {v["index"]: v for v in analyze(text, "2024-04-10")["index_values"]}
    pci = values["PCI"]
    assert (pci["entity"], pci["year"], pci["value"], pci["unit"], pci["rank"], pci["rank_of"], pci["rank_change"]) == \
        ("Bắc Ninh", 2023, 70.12, "điểm", 6, 63, 3)
    papi = values["PAPI"]
    assert (papi["year"], papi["change"], papi["rank_change"]) == (2023, -0.5, -12)


def test_index_result_carried_into_the_next_sentence_and_districts():
    text = ("Bộ Nội vụ công bố Chỉ số CCHC năm 2022 của các tỉnh. Kết quả: tỉnh Hà Tĩnh đạt 86,73%, xếp thứ 18/63. "
            "Trong tỉnh, huyện Can Lộc với 88,1% và thị xã Kỳ Anh đạt 79,45% đứng đầu và cuối bảng.")
    values = analyze(text, "2023-05-01")["index_values"]
    got = {(v["entity"], v["value"]) for v in values}
    assert ("Hà Tĩnh", 86.73) in got
    assert all(v["index"] == "PAR_INDEX" and v["year"] == 2022 for v in values)


def test_figures_without_an_index_are_not_index_values():
    text = "Tỷ lệ hồ sơ giải quyết đúng hạn đạt 99,81%, xếp thứ nhất toàn quốc; 21/63 tỉnh đã hoàn thành."
    assert analyze(text, "2023-07-05")["index_values"] == []


def test_session_from_words_and_roman_term():
    text = "Sáng 10/12, Kỳ họp thứ mười tám HĐND tỉnh Nghệ An khóa XVIII khai mạc tại TP Vinh."
    session = analyze(text, "2023-12-10")["session"]
    assert session["council"] == "HĐND tỉnh Nghệ An"
    assert (session["session_no"], session["term"], session["date"]) == (18, "XVIII", "2023-12-10")


def test_a_deadline_beside_a_session_is_not_its_date():
    text = ("Tại kỳ họp thứ 18 HĐND tỉnh Bắc Giang khóa XIX, Giám đốc Sở Nội vụ cam kết hoàn thành số hóa hồ sơ "
            "trước ngày 30/6/2025.")
    assert analyze(text, "2024-05-16")["session"]["date"] is None


def test_spans_point_into_decomposed_input():
    import unicodedata
    text = unicodedata.normalize("NFD", "Giám đốc Sở Nội vụ Nguyễn Thị Hoa theo Kế hoạch số 12/KH-UBND.")
    result = analyze(text)
    for record in result["legal_refs"] + [m for p in result["persons"] for m in p["mentions"]]:
        assert text[record["start"]:record["end"]] == record["quote"]
    assert unicodedata.normalize("NFC", result["persons"][0]["name"]) == "Nguyễn Thị Hoa"


def test_furniture_gives_no_index_values_or_references():
    text = ("Tiêu đề bài viết về kỳ họp\n\n" + "Nội dung chính của bài viết về cải cách hành chính. " * 20 +
            "\n\nTin liên quan\nChỉ số PAPI năm 2023 của tỉnh Hà Giang đạt 40,1 điểm\n"
            "Theo Kế hoạch số 99/KH-UBND của tỉnh\n")
    result = analyze(text, "2024-01-01")
    assert result["index_values"] == [] and result["legal_refs"] == []


@pytest.mark.parametrize("bad", ["", "   \n", "12345 678", None])
def test_bad_input_is_one_clear_error(bad):
    with pytest.raises(AnalysisError):
        analyze(bad)


def test_odd_text_does_not_crash():
    for text in ["“Không đóng ngoặc kép " * 50, "中文 Tiếng Việt mixed русский", "\ud800 lỗi mã hóa", "a" * 200_000]:
        result = analyze(text)
        assert isinstance(result["persons"], list)


def test_given_name_after_a_person_word_is_the_person_named_before():
    from pipeline.document import analyze

    text = ("Giám đốc Sở Y tế Nguyễn Văn Thắng trả lời chất vấn. Theo ông Thắng, sở đã bố trí đủ thuốc. "
            "Bà Hoa, một cử tri, hỏi thêm về bảo hiểm y tế.")
    persons = {p["name"]: [m["quote"] for m in p["mentions"]] for p in analyze(text)["persons"]}
    assert persons["Nguyễn Văn Thắng"] == ["Nguyễn Văn Thắng", "Thắng"]
    assert not any("Hoa" in name for name in persons)  # nobody named Hoa in full before
