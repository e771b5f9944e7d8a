"""``analyze(text, published=None)``: one document in, its records out.

The pipeline reads as its list of named steps (``STEPS``); each is a spaCy component
declared beside the code it runs (with what it ``requires`` and ``assigns``), leaving its
spans in ``doc.spans[key]`` and its records in the Doc extension ``doc._.<key>``. The last
step, ``hdnd_classify``, is the trained commitment classifier. The text is normalised first (NFC, modern tone placement); every
span is mapped back, so ``quote == text[start:end]`` holds for the text as given.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline import bodies, classify, commitments, furniture, index_values, legal_refs, persons, places, recalls, sessions, turns
from pipeline.dates import parse_published
from pipeline.normalize import normalize_aligned
from pipeline.persons import group_persons
from pipeline.segment import make_doc
from pipeline.sessions import main_session
from pipeline.text import inside
from pipeline.turns import question_of

# Bump when extraction changes: ``hdnd process`` redoes articles analysed by an older one.
PIPELINE_VERSION = "7.9"
# The pipeline, in order: each step and the module that declares it (importing the module
# registers the component).
COMPONENTS = (
    ("hdnd_furniture", furniture),            # page furniture: bylines, captions, related links
    ("hdnd_places", places),                  # provinces, districts, communes; the main place
    ("hdnd_dates", commitments),              # dates and periods, read once for the steps and records after
    ("hdnd_bodies", bodies),                  # councils, committees, departments, abbreviations expanded
    ("hdnd_persons", persons),                # people and their titles
    ("hdnd_legal_refs", legal_refs),          # numbered legal documents
    ("hdnd_index_values", index_values),      # governance-index results
    ("hdnd_sessions", sessions),              # council sessions and sittings
    ("hdnd_turns", turns),                    # speaker turns, questions paired with answers
    ("hdnd_status_reports", commitments),     # how a promise went
    ("hdnd_candidates", commitments),         # candidate clauses with their rule signals and speaker
    ("hdnd_recalls", recalls),                # earlier promises recalled ("đã hứa … nhưng chưa"): never new ones
    ("hdnd_classify", classify),              # the trained classifier: commitment, demand or neither
)
STEPS = tuple(name for name, _ in COMPONENTS)
MAX_CHARS = 2_000_000
MODEL_ENV = "HDND_MODEL"
_SURROGATE = re.compile("[\ud800-\udfff]")


class AnalysisError(ValueError):
    """The document cannot be analysed (empty, not text); the reason is one sentence."""


@lru_cache(maxsize=None)
def nlp(model: str = "shipped") -> Language:
    """The pipeline with our steps, built once per process and ``model``: "shipped" (the
    classifier in ``models/``), "rules" (no classifier), or a folder from ``hdnd train``."""
    language = spacy.blank("xx")  # blank("vi") would need pyvi
    for name in STEPS:
        language.add_pipe(name, config={"model": model} if name == "hdnd_classify" else {})
    return language


def model_choice() -> str:
    """The classifier to use: ``HDND_MODEL`` (a folder, or "rules"), else the shipped one."""
    return os.environ.get(MODEL_ENV) or "shipped"


def run(text: str, published=None, transcript: bool | None = None, until: str | None = None,
        source: str | None = None) -> Doc:
    """The annotated Doc for already-normalised text; ``transcript`` forces (True) or
    forbids (False) reading speaker labels as a session record, None detects it.
    ``until`` stops before that step (training reads the candidates before they are
    classified). ``source`` is the page's address (a provincial site names its province)."""
    language = nlp(model_choice())
    doc = make_doc(text, language)
    doc._.published = parse_published(published)
    doc._.source = source
    doc._.transcript = transcript
    for name, component in language.pipeline:
        if name == until:
            break
        doc = component(doc)
    return doc


def _check(text) -> None:
    if not isinstance(text, str):
        raise AnalysisError(f"the text is {type(text).__name__}, not a string")
    if not text.strip():
        raise AnalysisError("the text is empty")
    if len(text) > MAX_CHARS:
        raise AnalysisError(f"the text has {len(text):,} characters, more than the {MAX_CHARS:,} one document may have")
    if not any(c.isalpha() for c in text):
        raise AnalysisError("the text has no letters")


def _remap(records: list[dict], offsets: list[int] | None, original: str) -> list[dict]:
    if offsets is None:
        return records
    for record in records:
        record["start"], record["end"] = offsets[record["start"]], offsets[record["end"]]
        record["quote"] = original[record["start"]:record["end"]]
    return records


def analyze(text: str, published=None, transcript: bool | None = None, source: str | None = None) -> dict:
    """Commitments, demands, assignments, persons, bodies, places, index values, legal
    references, sessions and dates of one document, in the shape of gold/FORMAT.md (plus
    ``assignments``, ``status_reports``, ``bodies``, ``places``, ``sessions``, ``dates``,
    speaker ``turns``, ``questions`` paired with answers, and per-person ``mentions``).
    Each statement names its ``turn`` and ``question`` (indices into those lists).
    ``source`` is the page's URL, if known. Raises :class:`AnalysisError` for bad input."""
    doc, offsets = prepare(text, published, transcript, source=source)
    return records(doc, text, offsets)


def warm() -> None:
    """Load the models and lexicons now (in a parent before forking workers, or in each
    worker before its first document), not inside the first document's analysis."""
    analyze("Chủ tịch UBND tỉnh Nguyễn Văn An cam kết sẽ hoàn thành trong năm 2025.", None)


def prepare(text: str, published=None, transcript: bool | None = None,
            until: str | None = None, source: str | None = None) -> tuple[Doc, list[int] | None]:
    """The annotated Doc of the normalised text and the offsets back to ``text``."""
    _check(text)
    # Lone surrogates (broken UTF-16 or bad decoding) become U+FFFD, one for one.
    norm, offsets = normalize_aligned(_SURROGATE.sub("\ufffd", text))
    return run(norm, published, transcript, until, source), offsets


def records(doc: Doc, text: str, offsets: list[int] | None) -> dict:
    """The records of an annotated Doc, in the shape of gold/FORMAT.md, with offsets
    into ``text`` (the text as given, before normalisation)."""
    norm = doc._.text
    pub = doc._.published
    persons = []
    for person in group_persons(doc._.persons):
        mentions = _remap([m.as_dict(norm) for m in person.mentions], offsets, text)
        persons.append({"name": person.name, "title": person.title, "titles": person.titles,
                        "furniture": all(m["furniture"] for m in mentions), "mentions": mentions})
    sessions = _remap([s.as_dict(norm) for s in doc._.sessions], offsets, text)
    statements = _remap([s.as_dict(norm) for s in doc._.statements], offsets, text)
    questions = [e.as_dict() for e in doc._.exchanges]
    for statement in statements:
        statement["question"] = question_of(questions, statement["turn"])
    return {
        "published": pub.isoformat() if pub else None,
        "session": main_session(doc._.sessions),
        "commitments": [s for s in statements if s["kind"] == "commitment"],
        "demands": [s for s in statements if s["kind"] == "demand"],
        "assignments": [s for s in statements if s["kind"] == "assignment"],
        "status_reports": _remap([r.as_dict(norm) for r in doc._.status_reports], offsets, text),
        "recalls": _remap([r.as_dict(norm) for r in doc._.recalls], offsets, text),
        "index_values": _remap([v.as_dict(norm) for v in doc._.index_values], offsets, text),
        "persons": persons,
        "legal_refs": _remap([r.as_dict(norm) for r in doc._.legal_refs], offsets, text),
        "bodies": _remap([b.as_dict(norm) for b in doc._.bodies if not inside(doc._.furniture, b.start)], offsets, text),
        "places": _remap([p.as_dict(norm) for p in doc._.places if not inside(doc._.furniture, p.start)], offsets, text),
        "sessions": sessions,
        "turns": _remap([t.as_dict(norm) for t in doc._.turns], offsets, text),
        "questions": questions,
        "dates": _remap([d.as_dict() for d in doc._.dates], offsets, text),
    }

