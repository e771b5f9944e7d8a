"""The trained step: which candidate clauses are commitments, which are demands, and
which are neither.

The model is a spaCy pipeline of its own holding one component that sets ``doc.cats``
over the candidate's feature text (see ``pipeline.commitments``): the linear classifier
of ``pipeline.linear`` as shipped, or spaCy's ``textcat`` from the comparison config. It
is trained by ``hdnd train`` from real annotated text and shipped in
``models/commitment_classifier``. The
``hdnd_classify`` component carries it inside the analysis pipeline: it saves and loads
it with the pipeline (``to_disk``/``from_disk``); without a model the rules' verdict
stands.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Iterable

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline import linear  # noqa: F401  (registers the hdnd_linear factory spacy.load needs)
from pipeline.commitments import Candidate, kind_for, statements

LABELS = ("COMMITMENT", "DEMAND", "NONE")
MODEL_NAME = "commitment_classifier"
# A candidate is kept when its best label other than NONE has at least this probability,
# or at least RULE_THRESHOLD when the clause rules keep it too (which matters only when the
# threshold hdnd train chose is above RULE_THRESHOLD).
DEFAULT_THRESHOLD = 0.5
RULE_THRESHOLD = 0.2


def shipped_model() -> Path | None:
    """The model in the installed ``models`` package, if one has been trained."""
    path = Path(str(resources.files("models").joinpath(MODEL_NAME)))
    return path if (path / "meta.json").exists() else None


def model_problem(path: str | Path) -> str | None:
    """Why ``path`` is not a classifier saved by ``hdnd train`` (None when it is one)."""
    meta = Path(path) / "meta.json"
    try:
        saved = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"{path} is not a model folder saved by hdnd train (no readable meta.json there)"
    if "hdnd" not in saved or saved.get("pipeline") not in (["classifier"], ["textcat"]):
        return f"{path} holds a spaCy pipeline, but not a classifier saved by hdnd train"
    return None


def model_path(choice: str) -> Path | None:
    """The classifier folder for a choice: "shipped", "rules" (None), or a folder."""
    if choice == "rules":
        return None
    if choice == "shipped":
        return shipped_model()
    problem = model_problem(choice)
    if problem:
        raise ValueError(problem)
    return Path(choice)


class Classifier:
    """The classifier's spaCy pipeline and its decision threshold."""

    def __init__(self, nlp: Language, threshold: float = DEFAULT_THRESHOLD):
        self.nlp = nlp
        self.threshold = threshold
        # A shipped model is one hdnd_linear: its weights read the texts, no spaCy Doc needed.
        only = nlp.get_pipe(nlp.pipe_names[0]) if len(nlp.pipe_names) == 1 else None
        self.linear = only if isinstance(only, linear.LinearTextcat) else None

    @classmethod
    def load(cls, path: str | Path, threshold: float | None = None) -> "Classifier":
        nlp = spacy.load(path)
        if threshold is None:
            threshold = float(nlp.meta.get("hdnd", {}).get("threshold", DEFAULT_THRESHOLD))
        return cls(nlp, threshold)

    def decide(self, candidates: list[Candidate]) -> None:
        """Set each candidate's probabilities, then its kind (None for neither)."""
        texts = [c.features for c in candidates]
        if self.linear is not None:
            cats = self.linear.probabilities_of(texts)
        else:
            cats = [doc.cats for doc in self.nlp.pipe(texts, batch_size=256)]
        for cand, found in zip(candidates, cats):
            cand.probs = {label.lower(): score for label, score in found.items()}
        apply_threshold(candidates, self.threshold)


def apply_threshold(candidates: Iterable[Candidate], threshold: float) -> None:
    """A candidate takes its likeliest kind other than none when that is at least
    ``threshold`` likely (none may still be likelier: the classes are unbalanced), or at
    least ``RULE_THRESHOLD`` likely when the rules keep the clause as well."""
    for cand in candidates:
        label, score = max(((k, v) for k, v in cand.probs.items() if k != "none"), key=lambda kv: kv[1])
        ruled = "commitment" if cand.rule == "commitment" else "demand" if cand.rule else None
        if ruled and label != ruled and score < threshold and cand.probs.get(ruled, 0.0) >= RULE_THRESHOLD:
            label, score = ruled, cand.probs[ruled]  # neither label is sure: the rules' kind decides
        cand.score = score
        keep = score >= threshold or (cand.rule is not None and score >= min(threshold, RULE_THRESHOLD))
        cand.kind = kind_for(cand, label) if keep else None


def decide_by_rules(candidates: Iterable[Candidate]) -> None:
    for cand in candidates:
        cand.kind = cand.rule
        cand.score = None


class ClassifyComponent:
    """Gives every candidate its kind and leaves the statements on the Doc."""

    def __init__(self, nlp: Language, name: str, model: str | None, threshold: float | None):
        self.name = name
        self.model = model or "rules"
        self.threshold = threshold
        self._classifier: Classifier | None = None
        self._loaded = False  # loaded on first use, so a pipeline loaded from disk reads only its own copy

    @property
    def classifier(self) -> Classifier | None:
        if not self._loaded:
            path = model_path(self.model)
            self._classifier = Classifier.load(path, self.threshold) if path else None
            self._loaded = True
        return self._classifier

    def __call__(self, doc: Doc) -> Doc:
        candidates = doc._.candidates
        if self.classifier is None:
            decide_by_rules(candidates)
        else:
            self.classifier.decide(candidates)
        found = statements(doc._.text, candidates, doc._.published, doc._.dates)
        doc._.statements = found
        doc.spans["commitments"] = [doc.char_span(s.start, s.end, label=s.kind.upper(), alignment_mode="expand")
                                    for s in found]
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        if self.classifier is not None:
            self.classifier.nlp.meta.setdefault("hdnd", {})["threshold"] = self.classifier.threshold
            self.classifier.nlp.to_disk(path)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "ClassifyComponent":
        if (Path(path) / "meta.json").exists():
            self._classifier, self._loaded = Classifier.load(path, self.threshold), True
        return self


@Language.factory("hdnd_classify", requires=["doc._.candidates", "doc._.recalls", "doc._.published", "doc._.dates"],
                  assigns=["doc._.statements", "doc.spans"],
                  default_config={"model": "shipped", "threshold": None})
def make_classify(nlp: Language, name: str, model: str | None, threshold: float | None) -> ClassifyComponent:
    return ClassifyComponent(nlp, name, model, threshold)
