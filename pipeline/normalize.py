"""Text normalisation and folding for Vietnamese.

Both functions keep the length of NFC text unchanged, character for character, so that
an offset into the normalised or folded text is also an offset into the text it came
from. That is what lets search snippets and extracted spans point back into the stored
article.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# A syllable: a run of letters (Vietnamese syllables are at most 7 letters long).
_SYLLABLE = re.compile(r"[^\W\d_]{2,7}")

# Letters that unicode's decomposition does not reduce to a Latin base letter.
_SPECIAL_FOLD = {"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"}
# Non-standard characters that look like Vietnamese ones (underthesea's character map).
_CHARACTER_FIXES = str.maketrans({"ð": "đ", "Ð": "Đ"})


@lru_cache(maxsize=1)
def _tone_map() -> dict[str, str]:
    """Old-style to new-style tone placement (hoá → hóa, thuỷ → thủy).

    The table ships inside underthesea (its text_normalize rules); only the entries that
    move a tone mark are kept, because spelling corrections would change lengths. Its
    module is loaded from its file: importing it through the package would run
    underthesea's ``__init__``, which loads its models (seconds) for every hdnd command.
    """
    from importlib.util import find_spec, module_from_spec, spec_from_file_location

    package = Path(find_spec("underthesea").origin).parent  # finds the package without importing it
    spec = spec_from_file_location("_hdnd_underthesea_rules", package / "pipeline" / "text_normalize" / "text_normalizer.py")
    rules = module_from_spec(spec)
    spec.loader.exec_module(rules)
    return {old: new for old, new in rules.token_map.items() if len(old) == len(new) and old != new}


def _restore_case(template: str, word: str) -> str:
    if template.isupper():
        return word.upper()
    if template[0].isupper():
        return word[0].upper() + word[1:]
    return word


def _place_tone(match: re.Match[str]) -> str:
    syllable = match.group(0)
    lower = syllable.lower()
    new = _tone_map().get(lower)
    if new is None:
        return syllable
    return _restore_case(syllable, new)


def normalize(text: str) -> str:
    """NFC, look-alike characters fixed, tone marks placed in the modern style.

    Old and new spellings (*hoá*/*hóa*, *thuỷ*/*thủy*) otherwise never match in search or
    in lexicons.
    """
    text = unicodedata.normalize("NFC", text).translate(_CHARACTER_FIXES)
    return _SYLLABLE.sub(_place_tone, text)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _SPECIAL_FOLD:
        return _SPECIAL_FOLD[char]
    if ord(char) < 128:
        return char
    base = unicodedata.normalize("NFD", char)[0]
    return base if base.isascii() and base.isalpha() else char


def fold(text: str) -> str:
    """Strip tone and vowel marks and turn đ into d, one character for one.

    *Hội đồng nhân dân* folds to *Hoi dong nhan dan*; case is kept (the search index
    folds case itself).
    """
    if text.isascii():
        return text
    return "".join(_fold_char(c) for c in text)


def has_diacritics(text: str) -> bool:
    """True when folding would change the text: the user typed Vietnamese marks or đ."""
    return fold(text) != text


def normalize_aligned(text: str) -> tuple[str, list[int] | None]:
    """``normalize(text)`` and, when lengths differ, where each of its characters came from.

    Text from old files often writes tone marks as separate combining characters; NFC
    then shortens it. The map (one original offset per normalised character, plus one for
    the end) lets spans found in the normalised text point back into the text as given.
    ``None`` means the offsets are the same.
    """
    norm = normalize(text)
    if len(norm) == len(text):
        return norm, None
    pieces: list[str] = []
    offsets: list[int] = []
    cluster_start = 0
    for i in range(1, len(text) + 1):
        if i < len(text) and unicodedata.combining(text[i]):
            continue
        composed = unicodedata.normalize("NFC", text[cluster_start:i])
        pieces.append(composed)
        offsets.extend([cluster_start] * len(composed))
        cluster_start = i
    offsets.append(len(text))
    return normalize("".join(pieces)), offsets


_FINAL_Y = str.maketrans("yýỳỷỹỵ", "iíìỉĩị")
_CONSONANT_Y = re.compile(r"(?<![\w])([bcdđghklmnpqrstvx]{1,3})([yýỳỷỹỵ])(?![\w])")


def person_key(name: str) -> str:
    """One spelling for the i/y variants of a name ("Trần Sỹ Thanh", "Trần Sĩ Thanh"): NFC,
    lower case, tone placement normalised, a final y after a consonant written i. Tone
    marks stay: "Hà" and "Hạ" are different names."""
    return _CONSONANT_Y.sub(lambda m: m.group(1) + m.group(2).translate(_FINAL_Y), normalize(name).lower())
