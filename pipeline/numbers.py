"""Vietnamese numbers: decimal commas, thousands dots, number words and Roman numerals."""

from __future__ import annotations

import re

# A number as Vietnamese news writes it: 43,9603 · 91.43 · 1.867 · 5.000 · 1.234,5 · 99
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"

_UNITS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5,
          "lăm": 5, "nhăm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9}
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
ROMAN = r"[IVXLC]{1,7}"


def parse_number(text: str, *, max_plain: float | None = None) -> float | None:
    """The value of a written number, or None.

    A dot followed by exactly three digits is a thousands separator (1.867 = 1867) unless
    that reading exceeds ``max_plain`` (a score out of 100 written 91.430 is 91.43); any
    other dot, and every comma, is the decimal mark (91.43, 43,9603).
    """
    text = text.strip()
    if not re.fullmatch(NUMBER, text):
        return None
    if "," in text:
        whole, _, frac = text.partition(",")
        return float(whole.replace(".", "") + "." + frac)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        value = float(text.replace(".", ""))
        if max_plain is not None and value > max_plain and text.count(".") == 1:
            return float(text)
        return value
    return float(text)


def as_int(value: float | None) -> int | None:
    return int(value) if value is not None and value == int(value) else None


def parse_number_words(text: str) -> int | None:
    """1–99 written in words: "mười hai" = 12, "hai mươi mốt" = 21, "thứ năm" handled by caller."""
    words = text.lower().split()
    if not words:
        return None
    if words == ["mười"]:
        return 10
    if words[0] == "mười":
        unit = _UNITS.get(words[1]) if len(words) == 2 else None
        return 10 + unit if unit is not None else None
    if len(words) >= 2 and words[1] in ("mươi", "chục") and words[0] in _UNITS:
        tens = _UNITS[words[0]] * 10
        if len(words) == 2:
            return tens
        unit = _UNITS.get(words[2]) if len(words) == 3 else None
        return tens + unit if unit is not None else None
    if len(words) == 1:
        return _UNITS.get(words[0])
    return None


def roman_to_int(text: str) -> int | None:
    text = text.upper()
    if not text or any(c not in _ROMAN for c in text):
        return None
    total = 0
    for i, char in enumerate(text):
        value = _ROMAN[char]
        total += -value if i + 1 < len(text) and _ROMAN[text[i + 1]] > value else value
    return total


def int_to_roman(number: int) -> str:
    """1–399 in Roman numerals, as council terms are written ("khóa XVI")."""
    result = ""
    for value, letters in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"),
                           (1, "I")):
        while number >= value:
            result += letters
            number -= value
    return result
