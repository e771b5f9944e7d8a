"""References to numbered documents: "Kế hoạch số 103/KH-UBND ngày 04/4/2024 của UBND
thành phố", "Nghị quyết 18-NQ/TU", "Nghị định số 61/2018/NĐ-CP".

A reference needs a document type (``models/legal_types.txt``) and a number code with a
letter part (103/KH-UBND, 18-NQ/TU, 54/KHUBND) or a year part (43/2019/QH14); a bare
"Kế hoạch số 5" is too weak to cite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from pipeline.dates import find_dates
from pipeline.resources import abbreviations, legal_types
from pipeline.steps import step
from pipeline.text import inside

_CODE = r"\d{1,5}(?:[/-][\dA-ZĐa-zđ&.]+)*[/-][A-ZĐ][\dA-ZĐa-zđ&.-]*(?<![.-])|\d{1,5}/(?:19|20)\d{2}/[A-ZĐ][\dA-ZĐa-zđ-]*"
_ISSUER = re.compile(r"\s+(?:của|do)\s+((?:[A-ZĐÀ-Ỹ][^\s,.;:()]*)(?:\s+[^\s,.;:()]+){0,7})")
_ISSUER_STOP = re.compile(r"\s(?:về|ngày|năm|đã|để|nhằm|thì|và|quy định|hướng dẫn|ban hành|phê duyệt|tại|với|trong)\b")


@dataclass(frozen=True)
class LegalRef:
    start: int
    end: int
    type: str
    number: str
    date: str | None
    issuer: str | None

    def as_dict(self, text: str) -> dict:
        return {"type": self.type, "number": self.number, "date": self.date, "issuer": self.issuer,
                "quote": text[self.start:self.end], "start": self.start, "end": self.end}


@lru_cache(maxsize=None)
def _regex() -> re.Pattern[str]:
    types = "|".join(re.escape(t) for t in legal_types())
    return re.compile(rf"(?<![\w])(?P<type>{types})(?:\s+số|\s+số:)?\s*(?:[:]\s*)?(?P<number>{_CODE})(?![\w/])",
                      re.IGNORECASE)


def _canonical_type(written: str) -> str:
    lower = written.lower()
    return next(t for t in legal_types() if t.lower() == lower)


def _issuer_from_code(number: str) -> str | None:
    """The issuer part of a code: 103/KH-UBND → UBND, 18-NQ/TU → TU (Thành ủy)."""
    tail = re.split(r"[-/]", number)[-1]
    return abbreviations().get(tail, tail) if tail and not tail.isdigit() else None


def find_legal_refs(text: str, published=None, furniture: list[tuple[int, int]] = ()) -> list[LegalRef]:
    refs: list[LegalRef] = []
    for match in _regex().finditer(text):
        if inside(list(furniture), match.start()):
            continue
        end = match.end()
        date = None
        tail = text[end:end + 40]
        dated = re.match(r"\s*,?\s*(?:ban hành\s+)?ngày\s+", tail)
        if dated:
            found = find_dates(text[end:end + 60], published)
            if found and found[0].granularity == "day" and found[0].start <= dated.end() + 5:
                date = found[0].value
                end = end + found[0].end
        issuer = None
        issued = _ISSUER.match(text, end)
        if issued:
            name = issued.group(1)
            stop = _ISSUER_STOP.search(name)
            name = name[:stop.start()] if stop else name
            issuer = name.strip() or None
            if issuer:
                end = issued.start(1) + len(issuer)
        refs.append(LegalRef(match.start(), end, _canonical_type(match.group("type")), match.group("number"),
                             date, issuer or _issuer_from_code(match.group("number"))))
    return refs


@step("hdnd_legal_refs", "legal_refs", label=lambda r: r.type, requires=["published", "furniture"])
def legal_refs_of(doc: Doc) -> list[LegalRef]:
    return find_legal_refs(doc._.text, doc._.published, doc._.furniture)
