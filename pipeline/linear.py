"""A linear classifier over a candidate's features as a spaCy component (``hdnd_linear``).

Cross-validated on the same folds (``hdnd eval --cv 5 --config …``), a logistic
regression over TF-IDF weighted words and word pairs kept more of the gold commitments and
demands than spaCy's bag-of-words ``textcat`` trained on the same text (see
``models/commitment_classifier.md``). It is learned with scikit-learn by ``hdnd train``;
here only its weights are kept, so analysis needs numpy alone: the features of a text
are its space-separated tokens and pairs of neighbouring tokens, each weighted
``(1 + log count) × idf``, the row scaled to unit length, and the class probabilities the
softmax of ``row · coef + intercept`` — what scikit-learn's ``TfidfVectorizer(sublinear_tf=True)``
and multinomial ``LogisticRegression.predict_proba`` compute. It saves and loads with
``nlp.to_disk`` / ``spacy.load`` (features one per line, weights in one ``.npy`` file each).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

FEATURES = "features.txt"
WEIGHTS = ("idf", "coef", "intercept")


def grams(text: str, ngram_size: int) -> list[str]:
    """The tokens of a feature text and the runs of up to ``ngram_size`` neighbouring
    tokens, joined by a space (as scikit-learn's word n-grams)."""
    tokens = text.split()
    out = list(tokens)
    for n in range(2, ngram_size + 1):
        out += [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
    return out


class LinearTextcat:
    """Sets ``doc.cats`` from the weights of a multinomial logistic regression."""

    def __init__(self, nlp: Language, name: str, labels: Sequence[str], ngram_size: int):
        self.name = name
        self.labels = list(labels)
        self.ngram_size = ngram_size
        self.index: dict[str, int] = {}
        self.idf = np.zeros(0, dtype=np.float64)
        self.coef = np.zeros((0, len(self.labels)), dtype=np.float64)
        self.intercept = np.zeros(len(self.labels), dtype=np.float64)

    def set_weights(self, features: Sequence[str], idf: np.ndarray, coef: np.ndarray, intercept: np.ndarray) -> None:
        """``coef`` has one row per feature and one column per label (in ``labels`` order)."""
        if coef.shape != (len(features), len(self.labels)) or idf.shape != (len(features),):
            raise ValueError(f"weights for {len(features)} features and {len(self.labels)} labels do not fit: "
                             f"coef {coef.shape}, idf {idf.shape}")
        self.index = {f: i for i, f in enumerate(features)}
        self.idf, self.coef, self.intercept = (np.asarray(a, dtype=np.float64) for a in (idf, coef, intercept))

    def probabilities(self, text: str) -> dict[str, float]:
        return self.probabilities_of([text])[0]

    def probabilities_of(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """The class probabilities of many texts in one pass of numpy (a document's
        candidates): the per-text arithmetic of ``probabilities``, batched."""
        cols: list[int] = []
        counts: list[int] = []
        rows: list[int] = []
        for row, text in enumerate(texts):
            found = Counter(i for i in map(self.index.get, grams(text, self.ngram_size)) if i is not None)
            cols += found
            counts += found.values()
            rows += [row] * len(found)
        scores = np.tile(self.intercept, (len(texts), 1))
        if cols:
            col = np.asarray(cols, dtype=np.int64)
            row = np.asarray(rows, dtype=np.int64)
            weights = (1.0 + np.log(np.asarray(counts, dtype=np.float64))) * self.idf[col]
            norms = np.sqrt(np.bincount(row, weights=weights * weights, minlength=len(texts)))
            weights /= norms[row]
            starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])  # rows are in order: one run each
            scores[row[starts]] += np.add.reduceat(weights[:, None] * self.coef[col], starts, axis=0)
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores /= scores.sum(axis=1, keepdims=True)
        return [{label: float(p) for label, p in zip(self.labels, line)} for line in scores]

    def __call__(self, doc: Doc) -> Doc:
        doc.cats = self.probabilities(doc.text)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        features = sorted(self.index, key=self.index.__getitem__)
        (path / FEATURES).write_text("".join(f"{f}\n" for f in features), encoding="utf-8")
        for name in WEIGHTS:
            np.save(path / f"{name}.npy", getattr(self, name).astype(np.float32))
        (path / "cfg").write_text(json.dumps({"labels": self.labels, "ngram_size": self.ngram_size}), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "LinearTextcat":
        path = Path(path)
        features = (path / FEATURES).read_text(encoding="utf-8").split("\n")[:-1]
        self.set_weights(features, *(np.load(path / f"{name}.npy") for name in WEIGHTS))
        return self


@Language.factory("hdnd_linear", assigns=["doc.cats"],
                  default_config={"labels": ["COMMITMENT", "DEMAND", "NONE"], "ngram_size": 2})
def make_linear(nlp: Language, name: str, labels: list[str], ngram_size: int) -> LinearTextcat:
    return LinearTextcat(nlp, name, labels, ngram_size)
