"""Scoring predictions against gold annotations by the rules of gold/FORMAT.md."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

_TONES = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))


def _key(text: str | None) -> str:
    """A name as FORMAT.md compares it: NFC, case-folded, without the five tone marks
    (so old and new tone placement, "hoà" and "hòa", are equal)."""
    bare = unicodedata.normalize("NFD", text or "").translate(_TONES)
    return unicodedata.normalize("NFC", bare).casefold().strip()


def _contains(a: str | None, b: str | None) -> bool:
    a, b = _key(a), _key(b)
    return bool(a) and bool(b) and (a in b or b in a)


@dataclass
class TaskScore:
    task: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    misses: list[dict] = field(default_factory=list)
    false_hits: list[dict] = field(default_factory=list)
    extra: dict[str, list[bool]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, name: str) -> float | None:
        values = self.extra.get(name)
        return sum(values) / len(values) if values else None

    def as_dict(self) -> dict:
        result = {"task": self.task, "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                  "f1": round(self.f1, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}
        for name in self.extra:
            accuracy = self.accuracy(name)
            result[f"{name}_accuracy"] = None if accuracy is None else round(accuracy, 4)
        return result


def _unmatched(task: TaskScore, doc: str, pred: list[dict], used: set[int]) -> None:
    for i, p in enumerate(pred):
        if i not in used:
            task.fp += 1
            task.false_hits.append({"doc": doc, **p})


def _tally(task: TaskScore, doc: str, g: dict, hit: int | None, used: set[int]) -> bool:
    """Count a gold item as found (marking its prediction used) or missed."""
    if hit is None:
        task.fn += 1
        task.misses.append({"doc": doc, **g})
        return False
    used.add(hit)
    task.tp += 1
    return True


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two spans match when they overlap by at least half of the shorter one (FORMAT.md)."""
    return min(a[1], b[1]) - max(a[0], b[0]) >= max(1, min(a[1] - a[0], b[1] - b[0])) / 2


def _span_hit(g: dict, pred: list[dict], used: set[int]) -> int | None:
    """The first unused prediction that overlaps the gold span (``overlaps``)."""
    return next((i for i, p in enumerate(pred) if i not in used and
                 overlaps((g["start"], g["end"]), (p["start"], p["end"]))), None)


def statement_predictions(gold: dict, pred: dict, name: str) -> list[dict]:
    """Predicted items scored against the gold list ``name``: where the gold file does
    not annotate assignments, predicted assignments are scored as demands (FORMAT.md)."""
    items = list(pred.get(name, []))
    if name == "demands" and "assignments" not in gold:
        items += pred.get("assignments", [])
    return items


def speaker_ok(g: dict, p: dict) -> bool:
    return _contains(g.get("speaker"), p.get("speaker")) or (not g.get("speaker") and not p.get("speaker"))


def _deadline_ok(g: dict, p: dict) -> bool:
    return (g.get("deadline") or None) == (p.get("deadline") or None)


def _match_spans(task: TaskScore, doc: str, gold: list[dict], pred: list[dict]) -> None:
    """Commitments, demands, assignments: overlap of at least half the gold span, one match each."""
    used: set[int] = set()
    task.extra.setdefault("speaker", [])
    task.extra.setdefault("deadline", [])
    # Certain items first, so an uncertain one never takes the prediction a certain one
    # needed; then each uncertain item absorbs a prediction that overlaps it.
    for g in sorted(gold, key=lambda item: bool(item.get("uncertain"))):
        hit = _span_hit(g, pred, used)
        if g.get("uncertain"):
            if hit is not None:
                used.add(hit)
            continue
        if not _tally(task, doc, g, hit, used):
            continue
        p = pred[hit]
        task.extra["speaker"].append(speaker_ok(g, p))
        task.extra["deadline"].append(_deadline_ok(g, p))
    _unmatched(task, doc, pred, used)


def _index_match(g: dict, p: dict) -> bool:
    if g.get("index") != p.get("index") or not _contains(g.get("entity"), p.get("entity")):
        return False
    if g.get("value") is not None:
        return p.get("value") is not None and abs(g["value"] - p["value"]) <= 1e-4
    # FORMAT.md: where gold has no value, the same rank and rank_of (both may be empty:
    # a result given only as a change, "tăng cao nhất là Bình Thuận (6,39%)").
    return g.get("rank") == p.get("rank") and g.get("rank_of") == p.get("rank_of")


def _match_index_values(task: TaskScore, doc: str, gold: list[dict], pred: list[dict]) -> None:
    """As for statements, gold items marked uncertain count neither way (the corpus README:
    national and province-internal averages): certain items match first, then each
    uncertain one absorbs a prediction that matches it."""
    used: set[int] = set()
    task.extra.setdefault("year", [])
    for g in sorted(gold, key=lambda item: bool(item.get("uncertain"))):
        hit = next((i for i, p in enumerate(pred) if i not in used and _index_match(g, p)), None)
        if g.get("uncertain"):
            if hit is not None:
                used.add(hit)
            continue
        if not _tally(task, doc, g, hit, used):
            continue
        task.extra["year"].append(g.get("year") == pred[hit].get("year"))
    _unmatched(task, doc, pred, used)


def _match_names(task: TaskScore, doc: str, gold: list[str], pred: list[str]) -> None:
    """Persons: a name matches when it equals or contains the other (after NFC, case
    folding and dropping tone marks), each name at most once (FORMAT.md)."""
    gold_keys = {_key(n): n for n in gold if n}
    pred_keys = {_key(n): n for n in pred if n}
    used: set[str] = set()
    for key, name in gold_keys.items():
        hit = key if key in pred_keys else next((p for p in pred_keys if p not in used and (p in key or key in p)), None)
        if hit is None or hit in used:
            task.fn += 1
            task.misses.append({"doc": doc, "item": name})
            continue
        used.add(hit)
        task.tp += 1
    for key, name in pred_keys.items():
        if key not in used:
            task.fp += 1
            task.false_hits.append({"doc": doc, "item": name})


def _match_sets(task: TaskScore, doc: str, gold: dict, pred: dict) -> None:
    """Sets of keys (``gold`` and ``pred`` map each key to what to show for it)."""
    task.tp += len(gold.keys() & pred.keys())
    task.fn += len(gold.keys() - pred.keys())
    task.fp += len(pred.keys() - gold.keys())
    task.misses += [{"doc": doc, "item": gold[x]} for x in sorted(gold.keys() - pred.keys())]
    task.false_hits += [{"doc": doc, "item": pred[x]} for x in sorted(pred.keys() - gold.keys())]


def _ref_key(ref: dict) -> tuple[str, str]:
    """A legal reference as FORMAT.md compares it: type, and number without spaces and slashes."""
    return _key(ref.get("type")), _key(ref.get("number")).replace(" ", "").replace("/", "")


TASKS = ("commitments", "demands", "assignments", "index_values", "persons", "legal_refs")
STATEMENT_TASKS = ("commitments", "demands", "assignments")


def score(gold_docs: list[dict], predicted: dict[str, dict]) -> dict[str, TaskScore]:
    """Per task scores over documents; ``predicted`` maps a doc id to its analysis."""
    tasks = {name: TaskScore(name) for name in TASKS}
    annotated: set[str] = set()
    for gold in gold_docs:
        doc = gold["doc"]
        pred = predicted.get(doc) or {}
        # A gold file scores only the tasks it annotates (FORMAT.md gold has no assignments;
        # a commitments set may have no persons).
        annotated.update(name for name in TASKS if name in gold)
        for name in STATEMENT_TASKS:
            if name in gold:
                _match_spans(tasks[name], doc, gold[name], statement_predictions(gold, pred, name))
        if "index_values" in gold:
            _match_index_values(tasks["index_values"], doc, gold["index_values"], pred.get("index_values", []))
        if "persons" in gold:
            _match_names(tasks["persons"], doc, [p.get("name") for p in gold["persons"]],
                         [p.get("name") for p in pred.get("persons", [])])
        if "legal_refs" in gold:
            # References without a number are not scored.
            _match_sets(tasks["legal_refs"], doc,
                        {_ref_key(r): [r["type"], r["number"]] for r in gold["legal_refs"] if r.get("number")},
                        {_ref_key(r): [r["type"], r["number"]] for r in pred.get("legal_refs", []) if r.get("number")})
    return {name: task for name, task in tasks.items() if name in annotated}


@dataclass
class PatternRow:
    pattern: str
    gold: int = 0          # gold items carrying the pattern, or documents holding the false friend
    found: int = 0         # of those, matched by a prediction (for false friends: false hits)
    speaker: int = 0
    deadline: int = 0

    def as_dict(self) -> dict:
        return {"pattern": self.pattern, "gold": self.gold, "found": self.found,
                "speaker_ok": self.speaker, "deadline_ok": self.deadline}


def pattern_report(gold_docs: list[dict], predicted: dict[str, dict]) -> list[PatternRow]:
    """Recall, speaker and deadline per pattern label ("cue:sẽ", "attr:quote_after"), and
    false hits per false friend ("ff:agenda"), for gold files that carry these labels."""
    rows: dict[str, PatternRow] = {}
    for gold in gold_docs:
        pred = predicted.get(gold["doc"]) or {}
        for name in STATEMENT_TASKS:
            used: set[int] = set()
            items = statement_predictions(gold, pred, name)
            for g in gold.get(name, []):
                if g.get("uncertain"):
                    continue
                hit = _span_hit(g, items, used)
                if hit is not None:
                    used.add(hit)
                for label in [f"kind:{name}", *filter(None, (g.get("pattern") or "").split("|"))]:
                    row = rows.setdefault(label, PatternRow(label))
                    row.gold += 1
                    if hit is not None:
                        p = items[hit]
                        row.found += 1
                        row.speaker += speaker_ok(g, p)
                        row.deadline += _deadline_ok(g, p)
        if gold.get("false_friend"):
            row = rows.setdefault(f"ff:{gold['false_friend']}", PatternRow(f"ff:{gold['false_friend']}"))
            row.gold += 1
            row.found += sum(len(pred.get(name, [])) for name in STATEMENT_TASKS)
    return sorted(rows.values(), key=lambda r: (r.pattern.startswith("ff:"), r.pattern))
