"""The pipeline's steps as spaCy components: one way to declare them, one place for what
they leave on a Doc.

A step is a function from an annotated Doc to its records. ``@step`` registers it as a
component (``@Language.factory`` with what it ``requires`` and ``assigns``) that keeps
the records in the Doc extension ``doc._.<key>`` and, with a ``label``, their spans in
``doc.spans[key]``. ``pipeline.document.STEPS`` puts the steps in order.
"""

from __future__ import annotations

from typing import Callable, Sequence

from spacy.language import Language
from spacy.tokens import Doc

# What the steps leave on a Doc besides its spans: the text itself (``doc._.text`` rebuilds
# the string from the tokens on every access), the input's publication date and transcript
# flag, and each step's records. ``None`` until the step that assigns it runs,
# so a step run out of order fails instead of reading an empty default.
EXTENSIONS = ("text", "published", "source", "transcript", "places", "main_place", "furniture", "bodies", "persons", "legal_refs",
              "index_values", "sessions", "turns", "exchanges", "dates", "candidates", "statements", "status_reports",
              "recalls", "sentence_spans", "attributor")
for _name in EXTENSIONS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def annotate(doc: Doc, key: str, records: Sequence, label: Callable[[object], str]) -> Doc:
    """Keep a component's records: spans in ``doc.spans[key]``, the records themselves
    (same order) in the extension ``doc._.<key>``."""
    doc.spans[key] = [doc.char_span(r.start, r.end, label=label(r), alignment_mode="expand") for r in records]
    doc._.set(key, records)
    return doc


def step(name: str, key: str, label: Callable[[object], str] | None = None, requires: Sequence[str] = (),
         assigns: Sequence[str] = ()):
    """Declare ``find(doc) -> records`` as the component ``name``; ``requires`` and
    ``assigns`` name further extensions it reads and writes itself."""
    def register(find: Callable[[Doc], Sequence]):
        @Language.factory(name, requires=[f"doc._.{r}" for r in requires],
                          assigns=[f"doc._.{key}", *(f"doc._.{a}" for a in assigns), *(["doc.spans"] if label else [])])
        def factory(nlp: Language, name: str) -> Callable[[Doc], Doc]:
            def component(doc: Doc) -> Doc:
                records = find(doc)
                if label is None:
                    doc._.set(key, records)
                    return doc
                return annotate(doc, key, records, label)
            return component
        return find
    return register
