"""Legal references on real text: documents of ``models/training`` (real excerpts with
their source URLs), each checked against its hand annotation by the scorer's key."""

from __future__ import annotations

from functools import lru_cache

import pytest

from tests.conftest import ROOT, SHARED

TRAINING = sorted((ROOT / "models" / "training").glob("*.jsonl"))


@lru_cache(maxsize=None)
def _docs() -> dict[str, dict]:
    from pipeline.train import load_gold

    return {d["doc"]: d for d in load_gold(TRAINING)}


def _doc(doc_id: str) -> dict:
    """A document of models/training, or of the shared development corpus (read by path)."""
    from pipeline.train import load_gold

    if not doc_id.startswith("dev-"):
        return _docs()[doc_id]
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout")
    return next(d for d in load_gold([SHARED / "gold" / "dev" / "news.jsonl"]) if d["doc"] == doc_id)


@pytest.mark.parametrize("doc_id, number", [
    ("tr-12-017", "60"),                # "Nghị quyết số 60": a bare number, as the news cites it
    ("tr-21-006", "98/2023"),           # "Nghị quyết 98/2023 của Quốc hội"
    ("tr-08-014", "06"),                # "Đề án 06"
    ("tr-29-024", "62/KH-UBND"),        # a document header "Số: 62/KH-UBND": the type from the code
    ("tr-26-004", "31/KHGS-HĐND"),      # "Kế hoạch giám sát số …": a qualifier before "số"
    ("tr-34-016", "846/UBND-TH"),       # "Công văn số 846 /UBND-TH": a stray space
    ("tr-03-003", "65"),                # "Nghị quyết số 65 ngày 12/12/2024": a bare number with its date
    ("tr-05-006", "36/2021/NQ-HĐND"),   # "theo quy định tại Nghị quyết số 36/…": a Nghị quyết, not a "Quy định"
    ("tr-12-009", "469/QĐ-UBND"),       # "Quyết định số: 468/QĐ-UBND, 469/QĐ-UBND và 492/QĐ-UBND ngày 31/10/2019"
    ("tr-12-009", "492/QĐ-UBND"),
    ("tr-16-010", "30"),                # "Chương trình hành động số 26 và số 30"
    ("tr-34-004", "02/NQ-CP"),          # "Nghị quyết số 01/NQ-CP, 02/NQ-CP ngày 05/01/2024"
    ("tr-28-020", "72/2025/QH15"),      # "Luật Tổ chức chính quyền địa phương số 72/2025/QH15": a law by its name
    ("dev-073", "617/TTr-SNV"),         # "Tờ\ntrình số 617/TTr-SNV": the type broken over two lines
    ("dev-074", "30/2018/QĐ-UBND"),     # "Số: 30/2018/QĐ-UBND | Hải Phòng, ngày …": a header laid out as a table row
])
def test_references_in_real_text(doc_id, number):
    from pipeline.document import analyze
    from pipeline.evaluate import _ref_key

    doc = _doc(doc_id)
    gold = next(r for r in doc["legal_refs"] if r.get("number") == number)
    found = {_ref_key(r): r for r in analyze(doc["text"], doc.get("published"))["legal_refs"]}
    assert _ref_key(gold) in found, (gold, list(found))
    if gold.get("date") and "ngày" in gold["quote"]:  # a date written with the reference
        assert found[_ref_key(gold)]["date"] == gold["date"]


@pytest.mark.parametrize("doc_id, phrase, ref", [
    ("tr-04-038", "Kế hoạch 05 năm 2021 - 2025", ("Kế hoạch", "05")),  # a five-year plan, not plan no. 5
    ("tr-02-016", "Đề án tại Nghị quyết số 54/NQ-CP", ("Đề án", "54/NQ-CP")),
])
def test_no_reference_from_a_plan_period_or_a_type_before_another(doc_id, phrase, ref):
    from pipeline.document import analyze

    doc = _docs()[doc_id]
    assert phrase in doc["text"]
    found = [(r["type"], r["number"]) for r in analyze(doc["text"], doc.get("published"))["legal_refs"]]
    assert ref not in found, found


@pytest.mark.parametrize("doc_id, number, day", [
    ("tr-06-020", "21/CT-UBND", "2021-12-14"),   # "Số: 21/CT-UBND\n\nĐồng Nai, ngày 14 tháng 12 năm 2021"
    ("tr-29-024", "62/KH-UBND", "2018-06-20"),   # "Số: 62/KH-UBND\n|\nCà\nMau, ngày 20 tháng 06\nnăm 2018"
    ("dev-074", "30/2018/QĐ-UBND", "2018-10-09"),  # "Số: 30/2018/QĐ-UBND | Hải Phòng, ngày 09 tháng 10 năm 2018 |"
])
def test_a_header_takes_the_date_signed_after_its_place(doc_id, number, day):
    from pipeline.document import analyze

    doc = _doc(doc_id)
    dates = [r["date"] for r in analyze(doc["text"], doc.get("published"))["legal_refs"] if r["number"] == number]
    assert dates and dates[0] == day, dates


@pytest.mark.parametrize("doc_id", ["dev-052", "dev-053", "dev-060"])
def test_a_law_cited_by_name_and_date_keeps_its_name(doc_id):
    """"Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015": no number, the name
    and the day kept, as the annotators gave each law of these council resolutions."""
    from pipeline.legal_refs import find_legal_refs

    doc = _doc(doc_id)
    found = {(r.start, r.end): r for r in find_legal_refs(doc["text"]) if r.number is None}
    for gold in (g for g in doc["legal_refs"] if not g.get("number") and g["type"] == "Luật" and g.get("date")):
        ref = found.get((gold["start"], gold["end"]))
        assert ref is not None, gold["quote"]
        assert ref.date == gold["date"] and ref.type == "Luật"
        assert ref.name and " ".join(gold["quote"].split()).startswith(f"Luật {ref.name} ngày")


@pytest.mark.parametrize("doc_id, quote, type_, name, year", [
    ("tr-24-003", "Luật Đất đai năm 2013", "Luật", "Đất đai", "2013"),
    ("tr-34-019", "Luật Đất đai năm 2024", "Luật", "Đất đai", "2024"),
    ("tr-26-018", "Luật Giáo dục 2019", "Luật", "Giáo dục", "2019"),
    ("tr-26-006", "Luật Hoạt động giám sát của Quốc hội và Hội đồng nhân dân năm 2015", "Luật",
     "Hoạt động giám sát của Quốc hội và Hội đồng nhân dân", "2015"),  # "của" and "và" inside a name
    ("dev-160", "Luật đất đai 2013", "Luật", "đất đai", "2013"),       # a name in lower case
    ("dev-195", "Luật Tổ chức Tòa án nhân dân 2014", "Luật", "Tổ chức Tòa án nhân dân", "2014"),
    ("dev-174", "Hiến pháp năm 2013", "Hiến pháp", "Hiến pháp", "2013"),  # the Constitution: named by its type
])
def test_a_law_cited_by_name_and_year_keeps_its_name_and_the_year(doc_id, quote, type_, name, year):
    """The year a law was passed, written after its name, is its date (granularity year,
    as a deadline's "2025"); number empty. These are in the train split."""
    from pipeline.document import analyze
    from pipeline.train import in_dev

    doc = _doc(doc_id)
    assert not in_dev(doc_id)
    found = [r for r in analyze(doc["text"], doc.get("published"))["legal_refs"] if r["quote"] == quote]
    assert found, quote
    assert {(r["type"], r["number"], r["name"], r["date"]) for r in found} == {(type_, None, name, year)}


@pytest.mark.parametrize("doc_id", ["tr-23-020", "tr-24-003", "tr-26-006", "tr-26-018", "tr-34-019", "dev-153",
                                    "dev-160", "dev-174", "dev-178", "dev-195", "dev-214"])
def test_every_law_cited_by_year_is_one_the_annotators_gave(doc_id):
    """Each document of the train split in which a law is cited by name and year: every such
    reference found is one of the document's hand-annotated laws without a number (one of
    that type and year: the annotators listed a law cited twice once, and dev-153's "Luật
    BVMT năm 2020" under its full name), none passed after the article was published."""
    from pipeline.legal_refs import find_legal_refs

    doc = _doc(doc_id)
    annotated = {" ".join(g["quote"].split()) for g in doc["legal_refs"] if not g.get("number")}
    found = [r for r in find_legal_refs(doc["text"], doc.get("published")) if r.number is None and len(r.date or "") == 4]
    assert found
    for ref in found:
        assert any(quote.startswith(ref.type) and quote.endswith(ref.date) for quote in annotated), ref
        assert ref.name and (not doc.get("published") or ref.date <= doc["published"][:4])
