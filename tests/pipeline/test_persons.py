"""Persons on real text: documents of ``models/training`` (real excerpts with their source
URLs), checked against their hand annotation."""

from __future__ import annotations

from functools import lru_cache

import pytest

from tests.conftest import ROOT

TRAINING = sorted((ROOT / "models" / "training").glob("*.jsonl"))


@lru_cache(maxsize=None)
def _found(doc_id: str) -> tuple[dict, list[str]]:
    from pipeline.document import analyze
    from pipeline.train import load_gold

    doc = next(d for d in load_gold(TRAINING) if d["doc"] == doc_id)
    return doc, [p["name"] for p in analyze(doc["text"], doc.get("published"))["persons"]]


@pytest.mark.parametrize("doc_id, name", [
    ("tr-14-012", "Vũ Huy Hoàng"),    # "Bộ trưởng Công Thương Vũ Huy Hoàng": Công opens the ministry here
    ("tr-26-020", "HOÀNG KHÔI"),      # a byline in capitals, led by a surname
    ("tr-28-014", "HỒ QUỐC DŨNG"),
    ("tr-03-022", "PHƯƠNG UYÊN"),
    ("tr-01-024", "Cao Đức Phát"),    # "… Phát triển nông thôn Cao Đức Phát": "thôn" here is not a hamlet
    ("tr-06-018", "Lê Hoàng Quân"),   # "Chủ tịch UBND TP Lê Hoàng Quân": no city is called that
    ("tr-03-003", "Nguyễn Ngọc Tuấn"),  # "Chủ tịch HĐND Thành phố Nguyễn Ngọc Tuấn"
])
def test_people_the_annotation_names_are_found(doc_id, name):
    doc, found = _found(doc_id)
    assert name in [p["name"] for p in doc["persons"]]
    assert name in found, found


@pytest.mark.parametrize("doc_id, not_a_person", [
    ("tr-04-038", "Đoàn Quảng Ninh"),   # the province's delegation
    ("tr-09-017", "Châu Âu"),           # Europe
])
def test_delegations_and_places_are_not_people(doc_id, not_a_person):
    doc, found = _found(doc_id)
    assert not_a_person in doc["text"] and not_a_person not in found, found
