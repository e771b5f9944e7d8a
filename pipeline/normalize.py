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

_LETTER = r"[^\W\d_]"
# A piece of a run of letters as the tone table is looked up in: runs of more than seven
# letters (no Vietnamese syllable is that long) are cut into pieces of seven from their start.
_PIECE = re.compile(_LETTER + "{2,7}")

# Letters that unicode's decomposition does not reduce to a Latin base letter.
_SPECIAL_FOLD = {"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"}
# Non-standard characters that look like Vietnamese ones (underthesea's character map).
_LOOKALIKES = {"ð": "đ", "Ð": "Đ"}
# Every character that decomposes to a Latin letter lies below this code point (the last is
# U+212B, the Ångström sign); tests/pipeline/test_normalize_identity.py checks all of Unicode.
_FOLD_LIMIT = 0x2150


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


def _trie(words: list[str]) -> str:
    """An alternation of ``words`` sharing their prefixes: the regex engine tries a handful
    of first letters at each position instead of every word of the table."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict) -> str:
        options = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not options:
            return ""
        body = options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"
        if "" not in node:
            return body
        return (body if len(options) > 1 else f"(?:{body})") + "?"

    return branch(tree)


@lru_cache(maxsize=1)
def _old_keys() -> frozenset[str]:
    """The table's old-style syllables that can be found: lookups are by lower case."""
    return frozenset(key for key in _tone_map() if key == key.lower())


@lru_cache(maxsize=1)
def _old_style() -> re.Pattern[str]:
    """One pattern for the places a tone may move: a whole run of letters spelt like one of
    the table's old-style syllables (in any case), or a run longer than seven letters, which
    is looked up piece by piece."""
    return re.compile(f"(?<!{_LETTER})(?:{_trie(sorted(_old_keys()))}(?!{_LETTER})|{_LETTER}{{8,}})", re.IGNORECASE)


def _has_old_style(text: str) -> bool:
    """Whether any piece of the text is an old-style syllable. Most texts have none, and the
    set of a text's distinct pieces costs half of searching it with the pattern."""
    return not _old_keys().isdisjoint({piece.lower() for piece in set(_PIECE.findall(text))})


def _place_tone(match: re.Match[str]) -> str:
    syllable = match.group(0)
    if len(syllable) > 7:
        return _PIECE.sub(_place_tone, syllable)
    new = _tone_map().get(syllable.lower())
    if new is None:  # the pattern ignores case more widely than str.lower (ſ, K)
        return syllable
    return _restore_case(syllable, new)


def normalize(text: str) -> str:
    """NFC, look-alike characters fixed, tone marks placed in the modern style.

    Old and new spellings (*hoá*/*hóa*, *thuỷ*/*thủy*) otherwise never match in search or
    in lexicons.
    """
    text = unicodedata.normalize("NFC", text)
    for lookalike, letter in _LOOKALIKES.items():
        text = text.replace(lookalike, letter)
    return _old_style().sub(_place_tone, text) if _has_old_style(text) else text


@lru_cache(maxsize=1)
def _fold_table() -> tuple[int, ...]:
    """What each code point below ``_FOLD_LIMIT`` folds to, for ``str.translate``: a tuple
    answers without the KeyError a dict raises for every unchanged character, and code
    points past its end are left as they are."""
    table = list(range(_FOLD_LIMIT))
    for code in range(0x80, _FOLD_LIMIT):
        char = chr(code)
        base = _SPECIAL_FOLD.get(char) or unicodedata.normalize("NFD", char)[0]
        if base.isascii() and base.isalpha():
            table[code] = ord(base)
    return tuple(table)


def fold(text: str) -> str:
    """Strip tone and vowel marks and turn đ into d, one character for one.

    *Hội đồng nhân dân* folds to *Hoi dong nhan dan*; case is kept (the search index
    folds case itself).
    """
    if text.isascii():
        return text
    return text.translate(_fold_table())


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
