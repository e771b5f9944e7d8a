"""Sentences and words from underthesea, held in a spaCy ``Doc`` whose text is the input.

The Doc is built with ``Doc(words=…, spaces=…)`` from underthesea's tokens, aligned back
to the text, so ``doc.text == text`` and every token's ``idx`` is an offset into the text
as given. Gaps other than one space (newlines, double spaces) become whitespace tokens,
as spaCy's own tokenizer makes them. Paragraphs are cut at line breaks first: news text
puts one paragraph per line, and a line never continues a sentence.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import sys
import threading
from functools import lru_cache
from importlib import import_module
from importlib.metadata import version
from importlib.util import find_spec, module_from_spec
from operator import itemgetter
from pathlib import Path
from types import ModuleType
from typing import Callable

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


_COMPLETING = threading.RLock()


@lru_cache(maxsize=None)
def _underthesea(name: str) -> ModuleType:
    """``underthesea.<name>``, imported without running the package's ``__init__`` first: that
    imports every pipeline underthesea has, and its NER, POS and chunking modules build their
    dictionaries at import (0.15 s of CPU in every process that segments). The package is
    registered bare; its ``__init__`` runs the first time anyone asks it for a name
    (``from underthesea import ner``), so every other user still sees the whole package."""
    with _COMPLETING:  # one registration, even when two threads analyse their first document
        if "underthesea" not in sys.modules:
            _register_bare()
            import_module("underthesea.pipeline.text_normalize")  # first, as in underthesea's __init__ (circular imports)
    return import_module(f"underthesea.{name}")


def _register_bare() -> None:
    """Put underthesea in ``sys.modules`` without running its ``__init__`` until it is asked
    for a name it does not have yet."""
    spec = find_spec("underthesea")
    package = module_from_spec(spec)
    started = []

    def complete(attr: str):
        with _COMPLETING:
            if not started:
                started.append(True)  # lookups from inside the __init__ see what it has set so far
                try:
                    spec.loader.exec_module(package)
                except BaseException:  # the next lookup runs it again and meets the same error, not a missing name
                    started.clear()
                    raise
                del package.__getattr__
        if attr in package.__dict__:
            return package.__dict__[attr]
        raise AttributeError(f"module 'underthesea' has no attribute {attr!r}")

    package.__getattr__ = complete
    sys.modules["underthesea"] = package


# underthesea's word segmenter: a CRF over syllables, its model in the package.
_MODEL = ("pipeline", "word_tokenize", "models", "ws_crf_vlsp2013_20230727")
_TEMPLATE = re.compile(r"T\[(-?\d)(?:,(-?\d))?\](?:\.(lower|isdigit|istitle|is_in_dict))?")
_DESCRIBE = ("T[0].lower", "T[0].isdigit", "T[0].istitle", "T[0].is_in_dict")
_ATTRS = (None, *(name.split(".")[1] for name in _DESCRIBE))
_TRUTH = ("False", "True")


class _Segmenter:
    """underthesea's ``word_tokenize`` run from its parts, with the CRF's features built here.

    underthesea's featurizer (Rust) returns 43 new strings for every syllable, and making them
    costs more than the tagging. Here that featurizer describes each distinct syllable once
    per process (lower case, digits, title case, in the dictionary: its features as one
    syllable), and the features of pairs and triples are joined from those descriptions: the
    same strings (tests/pipeline/test_segment.py compares them on real texts) in about a
    quarter of the time (0.3 s instead of 1.2 s of CPU on 200 dev texts).
    """

    def __init__(self, folder: Path):
        from underthesea_core import CRFFeaturizer, CRFTagger

        self.characters = _underthesea("pipeline.text_normalize.character_normalize").normalize_characters_in_text
        self.pattern = _underthesea("pipeline.word_tokenize.regex_tokenize").patterns
        templates = _unpickled(folder / "features.bin")
        self.dictionary = _unpickled(folder / "dictionary.bin")
        self.plan = [self._planned(template) for template in templates]
        self.reach = max(max(abs(a), abs(a + span)) for _, a, span, _ in self.plan) + 1
        self.singles = [(prefix, attr) for prefix, _, span, attr in self.plan if span == 0]
        self.edges = [tuple(prefix + edge for prefix, _ in self.singles) for edge in ("BOS", "EOS")]
        self.tagger = CRFTagger()
        self.tagger.load(str(folder / "models.bin"))
        self.describer = CRFFeaturizer(list(_DESCRIBE), self.dictionary)
        self.describe = lru_cache(maxsize=200_000)(self._describe)

    @staticmethod
    def _planned(template: str) -> tuple[str, int, int, str | None]:
        """(prefix, first offset, span, attribute) of a template such as ``T[-1,1].is_in_dict``."""
        match = _TEMPLATE.fullmatch(template)
        if not match or (match[2] and match[3] == "isdigit"):
            raise ValueError(f"underthesea's segmenter has a feature this module does not build: {template}")
        first = int(match[1])
        return template + "=", first, int(match[2]) - first if match[2] else 0, match[3]

    def _describe(self, syllable: str) -> tuple[str, bool, tuple[str, ...]]:
        """The syllable's lower case, whether it is title case, and its one-syllable features
        (in template order), from underthesea's featurizer."""
        row = self.describer.process([[[syllable]]])[0][0]
        values = dict(zip(_ATTRS, (syllable, *(feature[len(name) + 1:] for name, feature in zip(_DESCRIBE, row)))))
        return values["lower"], values["istitle"] == "True", tuple(prefix + values[attr] for prefix, attr in self.singles)

    def features(self, syllables: list[str]) -> list[list[str]]:
        """The CRF's features of one sentence: one list of strings per syllable."""
        return [list(row) for row in self.rows(syllables)]

    def rows(self, syllables: list[str]) -> list[tuple[str, ...]]:
        """The features of each syllable as a tuple (the tagger takes tuples: no list is made
        per syllable), built a column per template, each with C loops where it can."""
        n, reach = len(syllables), self.reach
        lower, title, singles = zip(*map(self.describe, syllables))
        units = (self.edges[0],) * reach + singles + (self.edges[1],) * reach
        grams: dict[tuple[int, str | None], list[str]] = {}
        columns, single = [], 0
        for prefix, a, span, attr in self.plan:
            if span == 0:  # this template's one-syllable feature of the syllable a away
                columns.append(list(map(itemgetter(single), units[reach + a:reach + a + n])))
                single += 1
                continue
            if (span, attr) not in grams:  # the attribute of each run of span + 1 syllables, padded
                runs = zip(*((title if attr == "istitle" else syllables if attr is None else lower)[k:] for k in range(span + 1)))
                if attr == "istitle":
                    found = [_TRUTH[all(run)] for run in runs]
                elif attr == "is_in_dict":
                    found = [_TRUTH[" ".join(run) in self.dictionary] for run in runs]
                else:
                    found = [" ".join(run) for run in runs]
                grams[span, attr] = ["BOS"] * reach + found + ["EOS"] * (reach + span + 1)
            columns.append([prefix + v for v in grams[span, attr][reach + a:reach + a + n]])
        return list(zip(*columns))

    def words(self, sentence: str) -> list[str]:
        """``underthesea.word_tokenize(sentence, use_token_normalize=False)``."""
        # underthesea's tokenize(sentence, use_token_normalize=False) (the text is normalised
        # already): each alternative of its pattern is one named group, so the group it reads
        # from every match's groupdict is the whole match.
        syllables = [match.group() for match in self.pattern.finditer(self.characters(sentence))]
        words: list[str] = []
        for tag, syllable in zip(self.tagger.tag(self.rows(syllables)) if syllables else (), syllables):
            if tag == "I-W" and words:
                words[-1] += " " + syllable
            else:
                words.append(syllable)
        return words


def _unpickled(path: Path):
    """A model file of underthesea: joblib dumps of plain lists and sets, which the C
    unpickler reads about four times faster than joblib's own (Python) one; joblib reads any
    file it cannot (compressed, or holding arrays)."""
    try:
        with path.open("rb") as file:
            return pickle.load(file)
    except Exception:  # noqa: BLE001 (not a plain pickle: joblib's own format)
        import joblib

        return joblib.load(path)


def model_folder() -> Path:
    """Where the installed underthesea keeps its word segmenter."""
    return Path(find_spec("underthesea").origin).parent.joinpath(*_MODEL)


# Checked against underthesea's own word_tokenize before _Segmenter is used (see _verified).
_CHECK = "Chủ tịch UBND TP.HCM cam kết sẽ hoàn thành 2,5 km đường Nguyễn Văn Linh trước 30/6/2025."
CACHE_ENV = "HDND_CACHE"


def cache_folder() -> Path:
    """Where hdnd keeps what it can rebuild: ``HDND_CACHE``, else the user's cache folder."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hdnd"


def _check_key(folder: Path) -> str:
    """What the check's answer depends on: the versions of underthesea and its core, its
    model files and tokenizer as installed, and this module's code."""
    tokenizer = folder.parents[1]
    parts = [version("underthesea"), version("underthesea_core"), hashlib.sha256(Path(__file__).read_bytes()).hexdigest()]
    for path in sorted([*folder.iterdir(), *tokenizer.glob("*.py")]):
        stat = path.stat()
        parts.append(f"{path.name} {stat.st_size} {stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _verified(ours: Callable[[str], list[str]], folder: Path) -> bool:
    """Whether ``ours`` gives underthesea's own words on the check sentence. Asking loads
    underthesea's segmenter a second time (0.2 s), so a yes is remembered in the cache
    folder under :func:`_check_key`: a process asks again only when something it depends on
    changed (or the cache cannot be written)."""
    mark = cache_folder() / f"segmenter-{_check_key(folder)}.ok"
    if mark.is_file():
        return True
    from underthesea import word_tokenize

    if ours(_CHECK) != word_tokenize(_CHECK, use_token_normalize=False):
        return False
    try:
        mark.parent.mkdir(parents=True, exist_ok=True)
        mark.write_text(_CHECK + "\n", encoding="utf-8")  # others stay: installations may share the folder
    except OSError:
        pass
    return True


@lru_cache(maxsize=None)
def word_segmenter() -> Callable[[str], list[str]]:
    """Words of a sentence: :class:`_Segmenter` when it loads and gives underthesea's own
    words on a check sentence, else (another underthesea release, other internals)
    ``underthesea.word_tokenize`` itself."""
    try:
        folder = model_folder()
        ours = _Segmenter(folder).words
        if _verified(ours, folder):
            return ours
    except Exception:  # noqa: BLE001 (any change of underthesea's internals means: use its own path)
        pass
    from underthesea import word_tokenize

    def theirs(sentence: str) -> list[str]:
        return word_tokenize(sentence, use_token_normalize=False)

    return theirs


def _sentences_and_words(line: str, offset: int, text: str) -> list[list[tuple[int, int]]]:
    words = word_segmenter()
    result = []
    pos = offset
    for sentence in _underthesea("pipeline.sent_tokenize").sent_tokenize(line):
        spans = _align(text, words(sentence), pos)
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
    # doc.text == text, read from the words without making a Token of each
    assert "".join(word + " " if space else word for word, space in zip(words, spaces)) == text
    doc._.text = text
    return doc


def sentence_spans(doc: Doc) -> list[tuple[int, int]]:
    """(start, end) of each sentence, read once per Doc for the steps that go by sentence."""
    if doc._.sentence_spans is None:
        doc._.sentence_spans = [(s.start_char, s.end_char) for s in doc.sents]
    return doc._.sentence_spans
