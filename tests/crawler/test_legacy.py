"""Legacy Vietnamese encodings: byte strings written out from the published tables
(TCVN 5712:1993 VN3, VNI Windows, VISCII / RFC 1456), decoded and told apart."""

from __future__ import annotations

import pytest

from crawler import legacy
from crawler.charset import decode

# "Hội đồng nhân dân tỉnh cam kết hoàn thành trước quý IV" byte by byte:
# TCVN3  ộ=E9 đ=AE ồ=E5 â=A9 ỉ=D8 ế=D5 à=B5 ư=AD ớ=ED ý=FD
TCVN3 = b"H\xe9i \xae\xe5ng nh\xa9n d\xa9n t\xd8nh cam k\xd5t ho\xb5n th\xb5nh tr\xad\xedc qu\xfd IV"
# VNI    ộ=o+E4 đ=F1 ồ=o+E0 â=a+E2 ỉ=E6 ế=e+E1 à=a+F8 ư=F6 ớ=F4+F9 ý=y+F9
VNI = (b"Ho\xe4i \xf1o\xe0ng nha\xe2n da\xe2n t\xe6nh cam ke\xe1t hoa\xf8n tha\xf8nh tr\xf6\xf4\xf9c quy\xf9 IV")
# VISCII ộ=B5 đ=F0 ồ=B0 â=E2 ỉ=EF ế=AA à=E0 ư=DF ớ=BE ý=FD
VISCII = b"H\xb5i \xf0\xb0ng nh\xe2n d\xe2n t\xefnh cam k\xaat ho\xe0n th\xe0nh tr\xdf\xbec qu\xfd IV"
EXPECTED = "Hội đồng nhân dân tỉnh cam kết hoàn thành trước quý IV"


@pytest.mark.parametrize("name, data", [("tcvn3", TCVN3), ("vni", VNI), ("viscii", VISCII)])
def test_each_table_converts_its_bytes(name, data):
    assert legacy.convert(data, name) == EXPECTED


@pytest.mark.parametrize("name, data", [("tcvn3", TCVN3), ("vni", VNI), ("viscii", VISCII)])
def test_the_encoding_is_detected_from_the_bytes_alone(name, data):
    text, encoding = decode(data + b"\n" + data)
    assert (text.splitlines()[0], encoding) == (EXPECTED, name)


def test_uppercase_letters_of_each_table():
    # TCVN 5712 puts capitals with tones in 0x80-0x9F and among the small letters: Đ=A7 Ạ=84 Ể=CD
    assert legacy.convert(b"\xa7\x84I BI\xcdU", "tcvn3") == "ĐẠI BIỂU"
    assert legacy.convert("ÑAÏI BIEÅU HOÄI ÑOÀNG", "vni") == "ĐẠI BIỂU HỘI ĐỒNG"
    assert legacy.convert(b"\xd0\x80I BI\x8cU", "viscii") == "ĐẠI BIỂU"
    assert legacy.convert(b"\x1e", "viscii") == "Ỵ" and legacy.convert(b"\x17", "tcvn3") == "Ỵ"


def test_font_code_points_kept_by_a_word_processor_are_converted():
    """A .doc typed in .VnTime and saved as Unicode keeps the glyph codes as Latin-1 letters."""
    text, encoding = decode("Kú häp thø 12 H§ND thµnh phè Hµ Néi kho¸ XVI.".encode("utf-8"))
    assert text == "Kỳ họp thứ 12 HĐND thành phố Hà Nội khoá XVI." and encoding == "utf-8+tcvn3"


def test_tcvn3_combining_tone_bytes_compose():
    assert legacy.convert(b"a\xb3", "tcvn3") == "á" and legacy.convert(b"\xa9\xb4", "tcvn3") == "ậ"


@pytest.mark.parametrize("text", [
    "Hội đồng nhân dân thành phố Hà Nội",          # modern Unicode: left alone
    "Café crème brûlée à la française, naïve",      # French: not Vietnamese in any table
    "Nghị quyết số 18/NQ-HĐND ngày 5/7/2023",
])
def test_text_that_is_not_legacy_is_left_alone(text):
    assert legacy.detect(text) is None
    assert decode(text.encode("utf-8")) == (text, "utf-8")


def test_windows_1258_bytes_are_not_mistaken_for_a_legacy_table():
    # cp1258 writes â, ê, ô, ơ, ư, đ as one byte and the tone as a combining byte.
    data = b"H\xf4\xf2i \xf0\xf4\xccng nh\xe2n d\xe2n th\xe0nh ph\xf4\xec cam k\xea\xect ho\xe0n th\xe0nh"
    text, encoding = decode(data)
    assert encoding == "cp1258" and text == "Hội đồng nhân dân thành phố cam kết hoàn thành"
