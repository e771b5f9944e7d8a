"""Vietnamese text in the pre-Unicode encodings of old government documents.

Three were common: TCVN3 (TCVN 5712:1993, the "ABC" standard of the ``.VnTime`` fonts),
VNI (the ``VNI-Times`` fonts: a base letter followed by mark characters) and VISCII
(RFC 1456). A file in one of them either fails to decode as UTF-8 (raw bytes) or, when a
word processor has kept the font's glyph codes, reads as Latin-1 gibberish such as
"Héi ®ång nh©n d©n". Each is a byte table; which one a text uses is decided by how many
of its words become valid Vietnamese syllables.
"""

from __future__ import annotations

import re
import unicodedata

# Bytes 0x80-0xFF, from the published tables (TCVN 5712:1993 as in GNU libiconv; RFC 1456).
_TCVN3_HIGH = (
    "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨ"  # 0x80
    "ÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ"  # 0x90
    "\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ"  # 0xA0
    "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"  # 0xB0
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ"  # 0xC0
    "éẹềểễếệìỉỄẾỒĩíịò"  # 0xD0
    "Ổỏõóọồổỗốộờởỡớợù"  # 0xE0
    "ỖủũúụừửữứựỳỷỹýỵỐ"  # 0xF0
)
_TCVN3_LOW = {0x01: "Ú", 0x02: "Ụ", 0x04: "Ừ", 0x05: "Ử", 0x06: "Ữ", 0x11: "Ứ", 0x12: "Ự", 0x13: "Ỳ",
              0x14: "Ỷ", 0x15: "Ỹ", 0x16: "Ý", 0x17: "Ỵ"}
_VISCII_HIGH = (
    "ẠẮẰẶẤẦẨẬẼẸẾỀỂỄỆỐ"  # 0x80
    "ỒỔỖỘỢỚỜỞỊỎỌỈỦŨỤỲ"  # 0x90
    "Õắằặấầẩậẽẹếềểễệố"  # 0xA0
    "ồổỗỠƠộờởịỰỨỪỬơớƯ"  # 0xB0
    "ÀÁÂÃẢĂẳẵÈÉÊẺÌÍĨỳ"  # 0xC0
    "ĐứÒÓÔạỷừửÙÚỹỵÝỡư"  # 0xD0
    "àáâãảăữẫèéêẻìíĩỉ"  # 0xE0
    "đựòóôõỏọụùúũủýợỮ"  # 0xF0
)
_VISCII_LOW = {0x02: "Ẳ", 0x05: "Ẵ", 0x06: "Ẫ", 0x14: "Ỷ", 0x19: "Ỹ", 0x1E: "Ỵ"}


def _byte_table(high: str, low: dict[int, str]) -> dict[int, str]:
    table = {i: chr(i) for i in range(0x80)}
    table.update(low)
    table.update({0x80 + i: char for i, char in enumerate(high)})
    return table


TABLES = {"tcvn3": _byte_table(_TCVN3_HIGH, _TCVN3_LOW), "viscii": _byte_table(_VISCII_HIGH, _VISCII_LOW)}

# VNI: a base letter and its marks, as the font draws them in Windows-1252 code points.
# One mark character after the base letter carries the tone, or the hat with its tone.
# Tones in the order acute, grave, hook, tilde, dot below.
_TONES = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
_VNI_TONES = "ùøûõï"        # after a, e, o, u, y and the one-character ơ (ô) and ư (ö)
_VNI_HAT = "âáàåãä"         # after a, e, o: â ê ô, then with each tone
_VNI_BREVE = "êéèúüë"       # after a: ă, then with each tone
_VNI_I = "íìæóò"            # i with its tones, one character each


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}

    def add(letter: str, base: str, marks: str, tones: tuple[str, ...] = _TONES) -> None:
        for case in (str.lower, str.upper):
            for mark, tone in zip(marks, tones):
                table[case(letter + mark)] = unicodedata.normalize("NFC", case(base) + tone)

    for vowel in "aeouy":
        add(vowel, vowel, _VNI_TONES)
    for vowel, hat in zip("aeo", "âêô"):
        add(vowel, hat, _VNI_HAT, ("",) + _TONES)
    add("a", "ă", _VNI_BREVE, ("",) + _TONES)
    for letter, base in (("ô", "ơ"), ("ö", "ư")):
        add(letter, base, _VNI_TONES)
        table[letter], table[letter.upper()] = base, base.upper()
    for case in (str.lower, str.upper):
        table.update({case(mark): unicodedata.normalize("NFC", case("i") + tone) for mark, tone in zip(_VNI_I, _TONES)})
        table[case("î")] = case("ỵ")
        table[case("ñ")] = case("đ")
    return {k: v for k, v in table.items() if k != v}


VNI = _vni_table()
_VNI_PATTERN = re.compile("|".join(sorted(map(re.escape, VNI), key=len, reverse=True)))

# Letters only modern Vietnamese Unicode text has; a text containing them is not legacy.
_UNICODE_VIETNAMESE = re.compile("[ăĂđĐơƠưƯ\u1ea0-\u1ef9]")
_HIGH = re.compile("[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]")

_ONSET = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
_NUCLEI = ("iêu|yêu|oai|oay|oao|oeo|uôi|ươi|ươu|uây|uya|uyê|uyu|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|ôi|ơi|"
           "oo|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|ya|yê|a|ă|â|e|ê|i|o|ô|ơ|u|ư|y")
_SYLLABLE = re.compile(f"{_ONSET}(?:{_NUCLEI})(?:ch|ng|nh|[cmnpt])?")
_WORD = re.compile(r"[^\W\d_]+")
_TONE_MARKS = re.compile("[\u0300\u0301\u0303\u0309\u0323]")


def _is_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    if len(_TONE_MARKS.findall(decomposed)) > 1:
        return False
    bare = unicodedata.normalize("NFC", _TONE_MARKS.sub("", decomposed))
    return _SYLLABLE.fullmatch(bare) is not None


def vietnamese_ratio(text: str) -> float:
    """Share of the words with a letter outside ASCII that are valid Vietnamese syllables."""
    words = [w for w in _WORD.findall(text[:200_000]) if not w.isascii()]
    if not words:
        return 0.0
    return sum(map(_is_syllable, words)) / len(words)


def _as_bytes(text: str) -> bytes:
    """Code points back to the font's bytes (Latin-1, or Windows-1252 for 0x80-0x9F)."""
    out = bytearray()
    for char in text:
        code = ord(char)
        if code < 0x100:
            out.append(code)
        else:
            try:
                out += char.encode("cp1252")
            except UnicodeEncodeError:
                out += b"?"
    return bytes(out)


def convert(data: bytes | str, encoding: str) -> str:
    """Legacy bytes (or text holding the font's code points) as NFC Unicode."""
    if encoding == "vni":
        text = data.decode("cp1252", errors="replace") if isinstance(data, bytes) else data
        return unicodedata.normalize("NFC", _VNI_PATTERN.sub(lambda m: VNI[m.group()], text))
    raw = data if isinstance(data, bytes) else _as_bytes(data)
    table = TABLES[encoding]
    return unicodedata.normalize("NFC", "".join(table[b] for b in raw))


def _could_be_legacy(text: str) -> bool:
    high = len(_HIGH.findall(text[:200_000]))
    return not _UNICODE_VIETNAMESE.search(text) and high >= 3


def detect(data: bytes | str) -> tuple[str, str] | None:
    """(Unicode text, encoding name) when ``data`` reads better as TCVN3, VNI or VISCII
    than as it is; None otherwise. Bytes are expected to have failed UTF-8 already."""
    plain = data.decode("cp1252", errors="replace") if isinstance(data, bytes) else data
    if not _could_be_legacy(plain):
        return None
    scored = [(vietnamese_ratio(text), text, encoding)
              for encoding in ("tcvn3", "vni", "viscii") for text in [convert(data, encoding)]]
    score, text, encoding = max(scored)
    # Raw bytes are otherwise read as Windows-1258, which has Vietnamese letters too.
    baseline = unicodedata.normalize("NFC", data.decode("cp1258", errors="replace")) if isinstance(data, bytes) else plain
    if score < 0.6 or score < vietnamese_ratio(baseline) + 0.2:
        return None
    return text, encoding


def to_unicode(text: str) -> tuple[str, str | None]:
    """NFC text, converted from the legacy table its letters are in (named), if any."""
    text = unicodedata.normalize("NFC", text)
    converted = detect(text)
    return converted if converted else (text, None)
