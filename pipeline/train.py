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

from spacy.tokens import Doc, DocBin

from pipeline.classify import LABELS, Classifier, apply_threshold, decide_by_rules
from pipeline.commitments import Candidate, statements
from pipeline.document import AnalysisError, prepare, records

DEV_SHARE = 0.25
SPAN_KEYS = ("commitments", "demands", "assignments", "negatives")
CONFIG = "commitment_classifier.cfg"


def in_dev(doc_id: str) -> bool:
    """The fixed train/dev split: a quarter of the documents, by the hash of their id."""
    return int(hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF < DEV_SHARE


def fold_of(doc_id: str, folds: int) -> int:
    return int(hashlib.sha1(f"fold:{doc_id}".encode("utf-8")).hexdigest()[:8], 16) % folds


def load_gold(paths: Iterable[str | Path]) -> list[dict]:
    """Gold documents from JSON-lines files, every line checked for ``doc`` and ``text``."""
    docs = []
    for path in paths:
        with open(path, encoding="utf-8") as lines:
            for n, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    doc = json.loads(line)
                except json.JSONDecodeError as err:
                    raise ValueError(f"{path} line {n} is not JSON ({err.msg})") from None
                if not isinstance(doc, dict) or not doc.get("doc") or not isinstance(doc.get("text"), str):
                    raise ValueError(f"{path} line {n} has no \"doc\" id or no \"text\"")
                for key in SPAN_KEYS:
                    for item in doc.get(key) or []:
                        if not (isinstance(item.get("start"), int) and isinstance(item.get("end"), int)):
                            raise ValueError(f"{path} line {n} has a {key} item without start and end offsets "
                                             f"(python scripts/gold_tool.py fill adds them)")
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


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    shorter = max(1, min(a[1] - a[0], b[1] - b[0]))
    return min(a[1], b[1]) - max(a[0], b[0]) >= shorter / 2


def label_candidates(gold: dict, spans: Sequence[tuple[int, int]]) -> list[str | None]:
    """The training label of each candidate span (offsets into the gold text)."""
    items = [(item, "COMMITMENT") for item in gold.get("commitments") or []] + \
            [(item, "DEMAND") for item in gold.get("demands") or []] + \
            [(item, "DEMAND") for item in gold.get("assignments") or []] + \
            [(item, "NONE") for item in gold.get("negatives") or []]
    labels: list[str | None] = []
    for span in spans:
        hits = [(min(span[1], item["end"]) - max(span[0], item["start"]), label, item)
                for item, label in items if _overlap(span, (item["start"], item["end"]))]
        if not hits:
            labels.append(None if gold.get("partial") else "NONE")
            continue
        _, label, item = max(hits, key=lambda h: h[0])
        labels.append(None if item.get("uncertain") else label)
    return labels


def prepare_gold(docs: Iterable[dict], progress=None) -> list[Prepared]:
    """Analyse each gold document up to the classifier and label its candidates."""
    prepared = []
    for gold in docs:
        try:
            doc, offsets = prepare(gold["text"], gold.get("published"), until="hdnd_classify")
        except AnalysisError:
            continue
        item = Prepared(gold, doc, offsets, [])
        item.labels = label_candidates(gold, [item.span(c) for c in doc._.candidates])
        prepared.append(item)
        if progress:
            progress(1)
    return prepared


def _docbin(examples: Sequence[tuple[str, str]], path: Path) -> None:
    from pipeline.segment import blank

    vocab_nlp = blank()
    docs = DocBin(store_user_data=False)
    for text, label in examples:
        doc = vocab_nlp.make_doc(text)
        doc.cats = {name: float(name == label) for name in LABELS}
        docs.add(doc)
    docs.to_disk(path)


def config_path() -> Path:
    return Path(str(resources.files("models").joinpath(CONFIG)))


def fit(examples: Sequence[tuple[str, str]], out: str | Path | None = None, seed: int = 0,
        config: str | Path | None = None, threshold: float | None = None) -> Classifier:
    """Train a classifier with spaCy's training loop (``models/commitment_classifier.cfg``)
    and, with ``out``, save it there with ``nlp.to_disk``."""
    from spacy import util
    from spacy.training.initialize import init_nlp
    from spacy.training.loop import train as train_loop

    if not examples:
        raise ValueError("there is nothing to train on: no candidate clause carries a label")
    rows = list(examples)
    random.Random(seed).shuffle(rows)
    with tempfile.TemporaryDirectory(prefix="hdnd-train-") as tmp:
        work = Path(tmp)
        _docbin(rows, work / "train.spacy")
        # The loop wants a dev corpus to log against; it selects nothing (model-last is kept).
        _docbin(rows[: max(1, len(rows) // 20)], work / "dev.spacy")
        cfg = util.load_config(config or config_path(), overrides={
            "paths.train": str(work / "train.spacy"), "paths.dev": str(work / "dev.spacy"),
            "system.seed": seed}, interpolate=False)
        nlp = init_nlp(cfg)
        nlp, _ = train_loop(nlp, None, stdout=io.StringIO(), stderr=io.StringIO())
        classifier = Classifier(nlp) if threshold is None else Classifier(nlp, threshold)
        if out is not None:
            out = Path(out)
            staging = out.with_name(out.name + ".partial")
            shutil.rmtree(staging, ignore_errors=True)
            nlp.meta["hdnd"] = {"threshold": classifier.threshold, "examples": len(examples),
                                "labels": {label: sum(1 for _, lab in examples if lab == label) for label in LABELS}}
            nlp.to_disk(staging)
            shutil.rmtree(out, ignore_errors=True)
            staging.rename(out)
        return classifier


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
    doc._.statements = statements(doc.text, doc._.candidates, doc._.published)
    return records(doc, item.gold["text"], item.offsets)


THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6)


def tune_threshold(prepared: Sequence[Prepared], folds: int = 5, seed: int = 0) -> tuple[float, dict[float, float]]:
    """The threshold with the best mean F1 of commitments and demands over a
    cross-validation of these documents; and that F1 for every threshold tried."""
    from pipeline.evaluate import score

    cross_validate(prepared, folds, seed=seed)
    results = {}
    gold = [item.gold for item in prepared]
    for threshold in THRESHOLDS:
        tasks = score(gold, {item.gold["doc"]: predict(item, None, threshold) for item in prepared})
        results[threshold] = (tasks["commitments"].f1 + tasks["demands"].f1) / 2
    return max(results, key=lambda t: (results[t], -abs(t - 0.5))), results


def cross_validate(prepared: Sequence[Prepared], folds: int = 5, seed: int = 0,
                   threshold: float | None = None, progress=None) -> dict[str, dict]:
    """Predictions for every document from a model trained on the other folds."""
    predicted: dict[str, dict] = {}
    for fold in range(folds):
        held = [p for p in prepared if fold_of(p.gold["doc"], folds) == fold]
        rest = [ex for p in prepared if fold_of(p.gold["doc"], folds) != fold for ex in p.examples()]
        classifier = fit(rest, seed=seed, threshold=threshold)
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
                hit = next((c for c, span in spans if _overlap(span, (gold["start"], gold["end"]))), None)
                if gold.get("uncertain") or hit is None:
                    continue
                total += 1
                right += speaker_ok(gold, {"speaker": hit.speaker.name if hit.speaker else None})
    return right, total
