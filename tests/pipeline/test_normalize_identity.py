"""The fast normalisation and fold give exactly what the per-character ones gave.

The stored texts, their folded copies and the migrations' fold table were all made by the
earlier implementation, kept here (and only here) as the reference: a per-syllable lookup of
every run of two to seven letters, and a fold computed character by character.
"""

from __future__ import annotations

import json
import random
import re
import sys
import unicodedata

import pytest

from pipeline.normalize import _tone_map, fold, normalize
from tests.conftest import ROOT, SHARED

_SYLLABLE = re.compile(r"[^\W\d_]{2,7}")
_SPECIAL_FOLD = {"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"}


def _restore_case(template: str, word: str) -> str:
    if template.isupper():
        return word.upper()
    if template[0].isupper():
        return word[0].upper() + word[1:]
    return word


def _place_tone(match: re.Match[str]) -> str:
    syllable = match.group(0)
    new = _tone_map().get(syllable.lower())
    return syllable if new is None else _restore_case(syllable, new)


def reference_normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(str.maketrans({"ð": "đ", "Ð": "Đ"}))
    return _SYLLABLE.sub(_place_tone, text)


def reference_fold_char(char: str) -> str:
    if char in _SPECIAL_FOLD:
        return _SPECIAL_FOLD[char]
    if ord(char) < 128:
        return char
    base = unicodedata.normalize("NFD", char)[0]
    return base if base.isascii() and base.isalpha() else char


def reference_fold(text: str) -> str:
    return "".join(reference_fold_char(c) for c in text)


def real_texts() -> list[str]:
    """Every text of the development corpus, the seed pages and the project's training batches."""
    texts = []
    for path in [SHARED / "gold" / "dev" / "news.jsonl", *sorted((ROOT / "models" / "training").glob("*.jsonl"))]:
        if path.exists():
            texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += [path.read_text(encoding="utf-8") for path in sorted((SHARED / "seeds").glob("*.txt"))]
    return texts


def test_real_texts_normalise_and_fold_exactly_as_before():
    texts = real_texts()
    assert len(texts) >= 1000 if SHARED.exists() else len(texts) >= 900
    changed = 0
    for text in texts:
        expected = reference_normalize(text)
        assert normalize(text) == expected
        assert fold(text) == reference_fold(text)
        assert fold(expected) == reference_fold(expected)
        changed += expected != unicodedata.normalize("NFC", text)
    assert changed > 0  # some real texts do carry old-style tone marks


def test_decomposed_real_texts_normalise_as_before():
    """Old files write marks as separate characters; NFC composes them before the tone lookup."""
    for text in real_texts()[::25]:
        decomposed = unicodedata.normalize("NFD", text)
        assert normalize(decomposed) == reference_normalize(decomposed)


def test_every_code_point_folds_as_before():
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert fold(char) == reference_fold_char(char), hex(code)


def test_every_old_style_syllable_in_every_case_and_place_is_moved_as_before():
    """Each key of the tone table, lower, title, upper and mixed case, alone, inside a longer
    run of letters (which is looked up seven letters at a time), beside digits and marks."""
    forms = []
    for key in _tone_map():
        forms += [key, key.title(), key.upper(), key.swapcase(), key[0] + key[1:].upper()]
    contexts = ["{} ", "({}), ", "x{}", "{}1", "abcdefg{}", "abcdefghijklm{} ", "_{}_", "{}\u0301", "ſ{}"]
    text = " ".join(context.format(form) for form in forms for context in contexts)
    assert normalize(text) == reference_normalize(text)
    assert normalize(text) != text


@pytest.mark.parametrize("seed", range(5))
def test_random_strings_of_vietnamese_letters_normalise_as_before(seed):
    """Runs of letters of every length, so pieces cut at seven letters meet keys at every offset."""
    rng = random.Random(seed)
    letters = "".join(sorted(set("".join(_tone_map())))) + "ſKİ ð-1"
    for _ in range(200):
        text = "".join(rng.choice(letters) for _ in range(rng.randint(1, 60)))
        assert normalize(text) == reference_normalize(text), text
