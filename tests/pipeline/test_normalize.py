import unicodedata

import pytest

from pipeline.normalize import fold, has_diacritics, normalize


@pytest.mark.parametrize(
    "old, new",
    [("hoá đơn", "hóa đơn"), ("Thuỷ lợi", "Thủy lợi"), ("HOÀ BÌNH", "HÒA BÌNH"), ("khoẻ", "khỏe"), ("Ðà Nẵng", "Đà Nẵng")],
)
def test_normalize_places_tones_in_the_modern_style(old, new):
    assert normalize(old) == new


def test_normalize_composes_decomposed_text_and_keeps_other_words():
    decomposed = unicodedata.normalize("NFD", "Hội đồng nhân dân thành phố")
    assert normalize(decomposed) == "Hội đồng nhân dân thành phố"
    assert normalize("Kế hoạch số 103/KH-UBND, 83,57%") == "Kế hoạch số 103/KH-UBND, 83,57%"


def test_normalize_and_fold_keep_length_of_nfc_text():
    text = "Chủ tịch UBND TP Hà Nội Trần Sỹ Thanh: “Thuỷ lợi, hoá chất” — đạt 99,81%."
    assert len(normalize(text)) == len(text)
    assert len(fold(normalize(text))) == len(text)


def test_fold_strips_marks_and_d_bar():
    assert fold("Hội đồng nhân dân ĐẦU TƯ") == "Hoi dong nhan dan DAU TU"
    assert fold("Nguyễn Thị Ánh") == "Nguyen Thi Anh"


def test_fold_leaves_non_latin_scripts_alone():
    assert fold("首页 Москва") == "首页 Москва"


def test_has_diacritics():
    assert has_diacritics("đồng") and has_diacritics("đ")
    assert not has_diacritics("hoi dong nhan dan") and not has_diacritics("PCI 2023")
