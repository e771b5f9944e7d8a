"""Sentences and words from underthesea, held in a spaCy ``Doc`` whose text is the input.

The Doc is built with ``Doc(words=…, spaces=…)`` from underthesea's tokens, aligned back
to the text, so ``doc.text == text`` and every token's ``idx`` is an offset into the text
as given. Gaps other than one space (newlines, double spaces) become whitespace tokens,
as spaCy's own tokenizer makes them. Paragraphs are cut at line breaks first: news text
puts one paragraph per line, and a line never continues a sentence.
"""

from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.steps import EXTENSIONS  # noqa: F401  (registers doc._.text)

_LINE = re.compile(r"[^\n]+")


@lru_cache(maxsize=None)
def blank() -> Language:
    """The multi-language blank pipeline (``blank("vi")`` would need pyvi)."""
    return spacy.blank("xx")


def _align(text: str, pieces: list[str], offset: int) -> list[tuple[int, int]]:
    """Character spans of underthesea tokens (which may hold spaces) within ``text``."""
    spans: list[tuple[int, int]] = []
    pos = offset
    for piece in pieces:
        start = None
        end = pos
        for syllable in piece.split():
            found = text.find(syllable, end)
            if found < 0 or (start is not None and text[end:found] != " "):
                # Not where expected: close the token so far and restart from this syllable.
                if start is not None:
                    spans.append((start, end))
                    start = None
                if found < 0:
                    continue
            if start is None:
                start = found
            end = found + len(syllable)
        if start is not None:
            spans.append((start, end))
            pos = end
    return spans


def _sentences_and_words(line: str, offset: int, text: str) -> list[list[tuple[int, int]]]:
    from underthesea import sent_tokenize, word_tokenize

    result = []
    pos = offset
    for sentence in sent_tokenize(line):
        # The text is normalised already (pipeline.normalize): underthesea need not do it again.
        spans = _align(text, word_tokenize(sentence, use_token_normalize=False), pos)
        if spans:
            result.append(spans)
            pos = spans[-1][1]
    return result


def make_doc(text: str, nlp: Language | None = None) -> Doc:
    """A Doc over ``text`` exactly, with underthesea's words and sentence starts."""
    nlp = nlp or blank()
    words: list[str] = []
    spaces: list[bool] = []
    starts: list[bool] = []
    pos = 0

    def gap_to(start: int) -> None:
        nonlocal pos
        gap = text[pos:start]
        if gap == " " and words and not spaces[-1]:
            spaces[-1] = True
        elif gap:
            words.append(gap)
            spaces.append(False)
            starts.append(False)
        pos = start

    for line in _LINE.finditer(text):
        if not line.group().strip():
            continue
        for sentence in _sentences_and_words(line.group(), line.start(), text):
            for i, (start, end) in enumerate(sentence):
                if start < pos:  # overlapping alignment: never emit text twice
                    continue
                gap_to(start)
                words.append(text[start:end])
                spaces.append(False)
                starts.append(i == 0)
                pos = end
    gap_to(len(text))
    doc = Doc(nlp.vocab, words=words, spaces=spaces,
              sent_starts=[True if s else (None if w.isspace() else False) for s, w in zip(starts, words)] or None)
    assert doc.text == text
    doc._.text = text
    return doc


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) of each sentence, read once per Doc for the steps that go by sentence."""
    if doc._.sentence_spans is None:
        doc._.sentence_spans = [(s.start_char, s.end_char) for s in doc.sents]
    return doc._.sentence_spans
