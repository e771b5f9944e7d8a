"""Legal references on real text: documents of ``models/training`` (real excerpts with
their source URLs), each checked against its hand annotation by the scorer's key."""

from __future__ import annotations

from functools import lru_cache

import pytest

from tests.conftest import ROOT

TRAINING = sorted((ROOT / "models" / "training").glob("*.jsonl"))


@lru_cache(maxsize=None)
def _docs() -> dict[str, dict]:
    from pipeline.train import load_gold

    return {d["doc"]: d for d in load_gold(TRAINING)}


@pytest.mark.parametrize("doc_id, number", [
    ("tr-12-017", "60"),                # "Nghị quyết số 60": a bare number, as the news cites it
    ("tr-21-006", "98/2023"),           # "Nghị quyết 98/2023 của Quốc hội"
    ("tr-08-014", "06"),                # "Đề án 06"
    ("tr-29-024", "62/KH-UBND"),        # a document header "Số: 62/KH-UBND": the type from the code
    ("tr-26-004", "31/KHGS-HĐND"),      # "Kế hoạch giám sát số …": a qualifier before "số"
    ("tr-34-016", "846/UBND-TH"),       # "Công văn số 846 /UBND-TH": a stray space
    ("tr-03-003", "65"),                # "Nghị quyết số 65 ngày 12/12/2024": a bare number with its date
])
def test_references_in_real_text(doc_id, number):
    from pipeline.document import analyze
    from pipeline.evaluate import _ref_key

    doc = _docs()[doc_id]
    gold = next(r for r in doc["legal_refs"] if r.get("number") == number)
    found = {_ref_key(r): r for r in analyze(doc["text"], doc.get("published"))["legal_refs"]}
    assert _ref_key(gold) in found, (gold, list(found))
    if gold.get("date") and "ngày" in gold["quote"]:  # a date written with the reference
        assert found[_ref_key(gold)]["date"] == gold["date"]
