"""Training and cross-validating the commitment classifier from annotated documents.

Gold documents (``gold/FORMAT.md``) are analysed up to the classifier; each candidate
clause takes the label of the gold item it overlaps (by the scorer's rule: half of the
shorter span), ``NONE`` otherwise. Candidates overlapping an ``uncertain`` item are left
out. A document marked ``"partial": true`` (corrections from a newsroom's database)
labels only the candidates overlapping its items: the rest were never reviewed.

The fixed split puts a document in ``dev`` when the SHA-1 of its id falls in the first
quarter (``in_dev``); the shipped model is trained on the rest and reported on dev.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from pipeline.classify import LABELS, Classifier, apply_threshold, decide_by_rules
from pipeline.commitments import Candidate, statements
from pipeline.document import AnalysisError, prepare, records
from pipeline.evaluate import overlaps
from pipeline.linear import grams

DEV_SHARE = 0.25
SPAN_KEYS = ("commitments", "demands", "assignments", "negatives")
CONFIG = "commitment_classifier.cfg"


def in_dev(doc_id: str) -> bool:
    """The fixed train/dev split: a quarter of the documents, by the hash of their id."""
    return int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF < DEV_SHARE


def fold_of(doc_id: str, folds: int) -> int:
    return int(hashlib.sha1(f"fold:{doc_id}".encode("utf-8")).hexdigest()[:8], 16) % folds


def _problem(doc) -> str | None:
    """Why a parsed line is not a gold document the scorer and trainer can read."""
    if not isinstance(doc, dict) or not doc.get("doc") or not isinstance(doc.get("text"), str):
        return "has no \"doc\" id or no \"text\""
    for key in (*SPAN_KEYS, "persons", "legal_refs", "index_values"):
        if key in doc and not isinstance(doc[key], list):
            return f"has \"{key}\" that is not a list"
        for item in doc.get(key) or []:
            if not isinstance(item, dict):
                return f"has a {key} item that is not an object"
    for key in SPAN_KEYS:
        for item in doc.get(key) or []:
            start, end = item.get("start"), item.get("end")
            if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(doc["text"])):
                return (f"has a {key} item without start and end offsets inside the text "
                        "(python scripts/gold_tool.py fill adds them)")
    if any(not isinstance(p.get("name"), str) for p in doc.get("persons") or []):
        return "has a person without a name"
    if any(not isinstance(r.get("type"), str) for r in doc.get("legal_refs") or []):
        return "has a legal reference without a type"
    return None


def load_gold(paths: Iterable[str | Path]) -> list[dict]:
    """Gold documents from JSON-lines files, every line checked (ids unique across files)."""
    docs, seen = [], {}
    for path in paths:
        with open(path, encoding="utf-8") as lines:
            for n, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    doc = json.loads(line)
                except json.JSONDecodeError as err:
                    raise ValueError(f"{path} line {n} is not JSON ({err.msg})") from None
                problem = _problem(doc)
                if problem:
                    raise ValueError(f"{path} line {n} {problem}")
                if doc["doc"] in seen:
                    raise ValueError(f"{path} line {n} repeats the document id {doc['doc']!r} of {seen[doc['doc']]}")
                seen[doc["doc"]] = f"{path} line {n}"
                docs.append(doc)
    return docs


@dataclass
class Prepared:
    """A gold document analysed up to the classifier, its candidates labelled."""
    gold: dict
    doc: Doc
    offsets: list[int] | None
    labels: list[str | None]      # one per candidate: COMMITMENT, DEMAND, NONE, or None (not used)

    def span(self, cand: Candidate) -> tuple[int, int]:
        if self.offsets is None:
            return cand.start, cand.end
        return self.offsets[cand.start], self.offsets[cand.end]

    def examples(self) -> list[tuple[str, str]]:
        return [(c.features, label) for c, label in zip(self.doc._.candidates, self.labels) if label]


def label_candidates(gold: dict, spans: Sequence[tuple[int, int]]) -> list[str | None]:
    """The training label of each candidate span (offsets into the gold text)."""
    items = [(item, "COMMITMENT") for item in gold.get("commitments") or []] + \
            [(item, "DEMAND") for item in gold.get("demands") or []] + \
            [(item, "DEMAND") for item in gold.get("assignments") or []] + \
            [(item, "NONE") for item in gold.get("negatives") or []]
    labels: list[str | None] = []
    for span in spans:
        hits = [(min(span[1], item["end"]) - max(span[0], item["start"]), label, item)
                for item, label in items if overlaps(span, (item["start"], item["end"]))]
        if not hits:
            labels.append(None if gold.get("partial") else "NONE")
            continue
        _, label, item = max(hits, key=lambda h: h[0])
        labels.append(None if item.get("uncertain") else label)
    return labels


def prepare_gold(docs: Iterable[dict], progress=None, skipped=None) -> list[Prepared]:
    """Analyse each gold document up to the classifier and label its candidates; a
    document that cannot be analysed is left out and reported to ``skipped(id, reason)``."""
    prepared = []
    for gold in docs:
        try:
            doc, offsets = prepare(gold["text"], gold.get("published"), until="hdnd_classify",
                                  source=gold.get("source"))
        except AnalysisError as err:
            if skipped:
                skipped(gold["doc"], str(err))
            continue
        item = Prepared(gold, doc, offsets, [])
        item.labels = label_candidates(gold, [item.span(c) for c in doc._.candidates])
        prepared.append(item)
        if progress:
            progress(1)
    return prepared


def _docbin(examples: Sequence[tuple[str, str]], path: Path, lang: str) -> None:
    """The examples as a spaCy corpus, tokenised as the trained model will tokenise them."""
    tokenizer = spacy.blank(lang)
    docs = DocBin(store_user_data=False)
    for text, label in examples:
        doc = tokenizer.make_doc(text)
        doc.cats = {name: float(name == label) for name in LABELS}
        docs.add(doc)
    docs.to_disk(path)


def config_path() -> Path:
    return Path(str(resources.files("models").joinpath(CONFIG)))


def label_counts(examples: Sequence[tuple[str, str]]) -> dict[str, int]:
    return {label: sum(1 for _, lab in examples if lab == label) for label in LABELS}


def fit(examples: Sequence[tuple[str, str]], out: str | Path | None = None, seed: int = 0,
        config: str | Path | None = None, threshold: float | None = None) -> Classifier:
    """Train a classifier as its config file says (``models/commitment_classifier.cfg``:
    the linear component; a config with spaCy's ``textcat`` is trained with spaCy's own
    loop) and, with ``out``, save it there with ``nlp.to_disk``."""
    from spacy import util

    if not examples:
        raise ValueError("there is nothing to train on: no candidate clause carries a label")
    rows = list(examples)
    random.Random(seed).shuffle(rows)
    cfg = util.load_config(config or config_path(), interpolate=False)
    factories = {part.get("factory") for part in cfg["components"].values()}
    nlp = _fit_linear(rows, cfg) if "hdnd_linear" in factories else _fit_textcat(rows, cfg, seed)
    classifier = Classifier(nlp) if threshold is None else Classifier(nlp, threshold)
    if out is not None:
        out = Path(out)
        staging = out.with_name(out.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        nlp.meta["hdnd"] = {"threshold": classifier.threshold, "examples": len(rows), "labels": label_counts(rows)}
        nlp.meta.pop("performance", None)  # the loop's log of its own training rows, not a score
        nlp.to_disk(staging)
        shutil.rmtree(out, ignore_errors=True)
        staging.rename(out)
    return classifier


def _fit_linear(rows: Sequence[tuple[str, str]], cfg) -> Language:
    """A multinomial logistic regression learned by scikit-learn, its weights put into the
    config's ``hdnd_linear`` component (which needs numpy alone to run)."""
    from functools import partial

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from spacy import util

    nlp = util.load_model_from_config(cfg, auto_fill=True)
    component = nlp.get_pipe(nlp.pipe_names[0])
    learn = cfg["learn"]
    labels = [label for _, label in rows]
    if len(set(labels)) < 2:
        raise ValueError(f"there is only one kind of candidate to learn from ({labels[0]})")
    vectorizer = TfidfVectorizer(analyzer=partial(grams, ngram_size=component.ngram_size), sublinear_tf=True,
                                 min_df=learn["min_df"])
    matrix = vectorizer.fit_transform([text for text, _ in rows])
    model = LogisticRegression(C=learn["C"], max_iter=learn["max_iter"]).fit(matrix, labels)
    component.set_weights(list(vectorizer.get_feature_names_out()), vectorizer.idf_, *_by_label(model, component.labels))
    return nlp


def _by_label(model, labels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The model's weights as one column per label in ``labels`` order: a two-class model
    is a softmax over (0, z); a label never seen in training is never likely."""
    classes = list(model.classes_)
    coef, intercept = model.coef_, model.intercept_
    if len(classes) == 2:
        coef, intercept = np.vstack([np.zeros_like(coef), coef]), np.concatenate([[0.0], intercept])
    columns = np.zeros((coef.shape[1], len(labels)))
    bias = np.full(len(labels), -50.0)
    for j, label in enumerate(labels):
        if label in classes:
            columns[:, j], bias[j] = coef[classes.index(label)], intercept[classes.index(label)]
    return columns, bias


def _fit_textcat(rows: Sequence[tuple[str, str]], cfg, seed: int) -> Language:
    """spaCy's textcat trained by spaCy's own loop (the comparison config)."""
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_loop

    with tempfile.TemporaryDirectory(prefix="hdnd-train-") as tmp:
        work = Path(tmp)
        cfg = cfg.merge({"paths": {"train": str(work / "train.spacy"), "dev": str(work / "dev.spacy")},
                         "system": {"seed": seed}})
        _docbin(rows, work / "train.spacy", cfg["nlp"]["lang"])
        # The loop wants a dev corpus to log against; it selects nothing (model-last is kept).
        _docbin(rows[: max(1, len(rows) // 20)], work / "dev.spacy", cfg["nlp"]["lang"])
        nlp = init_nlp(cfg)
        nlp, _ = train_loop(nlp, None, stdout=io.StringIO(), stderr=io.StringIO())
        return nlp


def predict(item: Prepared, classifier: Classifier | None, threshold: float | None = None) -> dict:
    """The analysis of a prepared document with this classifier (rules when None); with
    ``threshold``, the probabilities already set are re-read at that threshold."""
    doc = item.doc
    if threshold is not None:
        apply_threshold(doc._.candidates, threshold)
    elif classifier is None:
        decide_by_rules(doc._.candidates)
    else:
        classifier.decide(doc._.candidates)
    doc._.statements = statements(doc._.text, doc._.candidates, doc._.published, doc._.dates)
    return records(doc, item.gold["text"], item.offsets)


THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)


F1_TOLERANCE = 0.01


def tune_threshold(prepared: Sequence[Prepared], folds: int = 5, seed: int = 0,
                   config: str | Path | None = None) -> tuple[float, dict[float, float]]:
    """The highest threshold whose mean F1 of commitments and demands, over a
    cross-validation of these documents, is within ``F1_TOLERANCE`` of the best: readers
    are hurt more by a list padded with non-promises than by a promise missed at the
    same F1. Returns it and that F1 for every threshold tried."""
    from pipeline.evaluate import score

    cross_validate(prepared, folds, seed=seed, config=config)
    results = {}
    # Partial documents (corrections) label only what was reviewed: not scored here.
    scored = [item for item in prepared if not item.gold.get("partial")]
    gold = [item.gold for item in scored]
    for threshold in THRESHOLDS:
        tasks = score(gold, {item.gold["doc"]: predict(item, None, threshold) for item in scored})
        f1s = [tasks[name].f1 for name in ("commitments", "demands") if name in tasks]
        results[threshold] = sum(f1s) / len(f1s) if f1s else 0.0
    best = max(results.values())
    return max(t for t, f1 in results.items() if f1 >= best - F1_TOLERANCE), results


def cross_validate(prepared: Sequence[Prepared], folds: int = 5, seed: int = 0,
                   threshold: float | None = None, progress=None, config: str | Path | None = None) -> dict[str, dict]:
    """Predictions for every document from a model trained on the other folds."""
    predicted: dict[str, dict] = {}
    for fold in range(folds):
        held = [p for p in prepared if fold_of(p.gold["doc"], folds) == fold]
        rest = [ex for p in prepared if fold_of(p.gold["doc"], folds) != fold for ex in p.examples()]
        classifier = fit(rest, seed=seed, threshold=threshold, config=config)
        for item in held:
            predicted[item.gold["doc"]] = predict(item, classifier)
        if progress:
            progress(1)
    return predicted


def attribution_accuracy(prepared: Sequence[Prepared]) -> tuple[int, int]:
    """Speaker attribution measured on its own: of the certain gold commitments and
    demands that a candidate clause overlaps, how many get the gold speaker from that
    candidate (whatever the classifier decides), and how many there are."""
    from pipeline.evaluate import speaker_ok

    right = total = 0
    for item in prepared:
        spans = [(c, item.span(c)) for c in item.doc._.candidates]
        for key in ("commitments", "demands"):
            for gold in item.gold.get(key) or []:
                hit = next((c for c, span in spans if overlaps(span, (gold["start"], gold["end"]))), None)
                if gold.get("uncertain") or hit is None:
                    continue
                total += 1
                right += speaker_ok(gold, {"speaker": hit.speaker.name if hit.speaker else None})
    return right, total
