"""Cue lexicons (``models/commitment_cues.tsv``, ``models/topics.tsv``) as compiled patterns.

One regex per cue group, matched case-insensitively at word boundaries; the groups are
the vocabulary of every later step: clause rules, attribution (verbs of saying), the
classifier's features and follow-up detection.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from pipeline.resources import commitment_cues, topics

if TYPE_CHECKING:  # the word lists are read without spaCy (hdnd session shows answers with them)
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc
    from spacy.vocab import Vocab


@lru_cache(maxsize=None)
def cue_regex(group: str) -> re.Pattern[str]:
    words = "|".join(re.escape(p) for p in commitment_cues()[group])
    return re.compile(rf"(?<![\w])(?:{words})(?![\w])", re.IGNORECASE)


def starts_with(group: str, text: str, pos: int) -> re.Match[str] | None:
    return cue_regex(group).match(text, pos + len(text[pos:]) - len(text[pos:].lstrip()))


def ends_with(group: str, text: str, end: int, window: int = 30) -> bool:
    before = text[max(0, end - window):end].rstrip()
    return any(before.lower().endswith(p.lower()) and
               (len(before) == len(p) or not before[-len(p) - 1].isalnum())
               for p in commitment_cues()[group])


@lru_cache(maxsize=None)
def _topic_regexes() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((t.code, re.compile(rf"(?<![\w])(?:{'|'.join(re.escape(k) for k in t.keywords)})(?![\w])",
                                     re.IGNORECASE)) for t in topics())


def topic_of(text: str, start: int, end: int, paragraph: tuple[int, int] | None = None) -> str | None:
    """The topic (models/topics.tsv) most named in the span, else in its paragraph."""
    for lo, hi in ((start, end), paragraph or (start, end)):
        hits = {code: len(rx.findall(text, lo, hi)) for code, rx in _topic_regexes()}
        best = max(hits, key=lambda c: hits[c]) if hits else None
        if best and hits[best]:
            return best
    return None


# Groups whose words describe the clause as a whole; their token matches become features.
TOKEN_GROUPS = ("promise", "directive", "hedge", "past", "future", "agenda_subject", "agenda_verb", "forecast",
                "rule", "question", "speech", "council", "executive", "result_verb", "noun_before", "noun_after")


@lru_cache(maxsize=None)
def cue_matcher(vocab: Vocab) -> PhraseMatcher:
    """The cue lexicons as token patterns, segmented like the text (underthesea words,
    so "cam kết" is one token), matched case-insensitively on a Doc."""
    from spacy.matcher import PhraseMatcher

    from pipeline.segment import make_doc

    matcher = PhraseMatcher(vocab, attr="LOWER")
    for group in TOKEN_GROUPS:
        phrases = commitment_cues()[group]
        matcher.add(group, [make_doc(phrase) for phrase in phrases] + [make_doc(phrase.lower()) for phrase in phrases])
    return matcher


class TokenCue(NamedTuple):
    start: int          # character offsets
    end: int
    group: str


def token_cues(doc: Doc) -> list[TokenCue]:
    """Every cue found among the Doc's tokens, in order."""
    strings = doc.vocab.strings
    return sorted(TokenCue(doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text), strings[key])
                  for key, start, end in cue_matcher(doc.vocab)(doc))
