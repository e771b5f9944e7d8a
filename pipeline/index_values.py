"""Governance-index results: PAR INDEX, SIPAS, PAPI, PCI, DTI, ICT Index, PGI.

Within a sentence the pieces are found separately (the index and its sub-index, the
entity, the year, a value, a change, a rank out of N, a change in rank) and assembled in
reading order: each figure joins the record for the nearest index, entity and year
before it. A record is keyed by (index, sub-index, entity, year); a figure whose slot is
already filled is a secondary ranking ("đứng thứ 2 trong 5 thành phố") and is dropped.
The index and year of one sentence carry to the next one when it reports a result
without naming the index ("… (PAPI) năm 2023. Kết quả: Hà Nội đạt 43,9603 điểm").
A year written only as the comparison ("tụt 16 bậc so với năm 2021") gives the year
after it; with no year at all, the year before publication (results come out the
following spring).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from pipeline.bodies import BodyMention
from pipeline.dates import find_dates, parse_published
from pipeline.numbers import NUMBER, as_int, parse_number
from pipeline.places import PlaceMention
from pipeline.resources import index_names, index_subindices
from pipeline.steps import step
from pipeline.text import inside

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^\s\da-zà-ỹđ])|\n+")
_VALUE = re.compile(rf"(?:đạt|với|là|được|ở mức|đạt mức|đạt được|:|=)\s+(?:số điểm\s+|tỷ lệ\s+)?(?P<num>{NUMBER})\s*(?P<unit>%|điểm)", re.IGNORECASE)  # noqa: E501
_CHANGE = re.compile(rf"(?P<verb>tăng|giảm|cải thiện|sụt giảm|tụt)\s+(?:thêm\s+)?(?P<num>{NUMBER})\s*(?P<unit>%|điểm)(?!\s*/)", re.IGNORECASE)  # noqa: E501
_RANK = re.compile(r"(?:xếp thứ|xếp hạng|xếp vị trí|đứng thứ|đứng ở vị trí|vị trí thứ|vị trí|hạng|xếp)\s+(?:thứ\s+)?"
                   r"(?P<rank>\d{1,3})(?:\s*/\s*(?P<of>\d{1,3})|\s+(?:trên|trong tổng số|trong số|trong)\s+(?P<of2>\d{1,3}))?(?![\d%]|[,.]\d)",  # noqa: E501
                   re.IGNORECASE)
_RANK_CHANGE = re.compile(r"(?P<verb>tăng|giảm|tụt|lên|xuống|thăng)\s+(?:thêm\s+)?(?P<n>\d{1,3})\s+(?:bậc|hạng|vị trí|thứ hạng)", re.IGNORECASE)  # noqa: E501
_COMPARISON = re.compile(r"(?:so với|so cùng kỳ|từ|trước|hơn|kể từ)\s*$", re.IGNORECASE)
_CARRY_START = re.compile(r"\s*(?:kết quả|theo đó|cụ thể|trong đó|theo kết quả)\b", re.IGNORECASE)
_NEGATIVE = {"giảm", "tụt", "sụt giảm", "xuống"}
_ENTITY_HEADS = {"Sở", "Bộ", "Ban", "Văn phòng", "Công an", "Thanh tra", "Cục", "Chi cục", "Trung tâm"}
# Values above this are not scores in points or percent (then 91.430 is 91.43).
_MAX_SCORE = 100


@dataclass
class IndexValue:
    index: str
    subindex: str | None
    entity: str | None
    year: int | None
    start: int
    end: int
    value: float | None = None
    unit: str | None = None
    rank: int | None = None
    rank_of: int | None = None
    change: float | None = None
    rank_change: int | None = None
    year_inferred: bool = False

    def as_dict(self, text: str) -> dict:
        return {"index": self.index, "subindex": self.subindex, "entity": self.entity, "year": self.year,
                "value": self.value, "unit": self.unit, "rank": self.rank, "rank_of": self.rank_of,
                "change": self.change, "rank_change": self.rank_change,
                "quote": text[self.start:self.end], "start": self.start, "end": self.end}


@dataclass
class _Context:
    index: str | None = None
    subindex: str | None = None
    year: int | None = None
    year_inferred: bool = False


@lru_cache(maxsize=None)
def _index_regex() -> re.Pattern[str]:
    names = sorted(index_names(), key=len, reverse=True)
    return re.compile("(?<![\\w])(?:" + "|".join(re.escape(n) for n in names) + ")(?![\\w])", re.IGNORECASE)


@lru_cache(maxsize=None)
def _subindex_regex() -> re.Pattern[str]:
    names = sorted(index_subindices(), key=len, reverse=True)
    return re.compile("(?<![\\w])(?:" + "|".join(re.escape(n) for n in names) + ")(?![\\w])", re.IGNORECASE)


def _sentences(text: str, start: int, end: int):
    pos = start
    for cut in _SENTENCE_END.finditer(text, start, end):
        if cut.start() > pos:
            yield pos, cut.start()
        pos = cut.end()
    if pos < end:
        yield pos, end


def _events(text: str, start: int, end: int) -> list[tuple[int, int, str, re.Match[str]]]:
    events = []
    taken: list[tuple[int, int]] = []
    for kind, rx in (("rank_change", _RANK_CHANGE), ("change", _CHANGE), ("value", _VALUE), ("rank", _RANK)):
        for match in rx.finditer(text, start, end):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            taken.append(match.span())
            events.append((match.start(), match.end(), kind, match))
    events.sort(key=lambda e: e[0])
    return events


def _years(text: str, start: int, end: int, published) -> list[tuple[int, int, bool]]:
    """(position, year, is_comparison) for the year expressions of a sentence."""
    result = []
    for expr in find_dates(text[start:end], published):
        if expr.granularity not in ("year", "day", "month", "quarter"):
            continue
        year = int(expr.value[:4]) if expr.value[:4].isdigit() else None
        if year is None or expr.granularity != "year":
            continue
        comparison = bool(_COMPARISON.search(text, max(0, start + expr.start - 12), start + expr.start))
        result.append((start + expr.start, year, comparison))
    return result


def _entity_before(entities: list[tuple[int, int, str]], pos: int, floor: int) -> tuple[int, str] | None:
    best = None
    for start, end, label in entities:
        if floor <= start and end <= pos:
            best = (start, label)
    return best


def find_index_values(text: str, places: list[PlaceMention], bodies: list[BodyMention],
                      main_place: str | None, published=None,
                      furniture: list[tuple[int, int]] = ()) -> list[IndexValue]:
    pub = parse_published(published)
    entities = sorted([(p.start, p.end, p.label) for p in places] +
                      [(b.start, b.end, b.canonical) for b in bodies if b.head in _ENTITY_HEADS])
    records: dict[tuple, IndexValue] = {}
    order: list[IndexValue] = []
    carried: _Context | None = None
    furniture = list(furniture)
    for s_start, s_end in _sentences(text, 0, len(text)):
        if inside(furniture, s_start):
            carried = None
            continue
        mentions = [(m.start(), index_names()[m.group().lower()], None) for m in _index_regex().finditer(text, s_start, s_end)]
        mentions += [(m.start(), index_subindices()[m.group().lower()], m.group())
                     for m in _subindex_regex().finditer(text, s_start, s_end)]
        mentions.sort()
        events = _events(text, s_start, s_end)
        years = _years(text, s_start, s_end, pub)
        if not mentions:
            sentence_entity = _entity_before(entities, s_end, s_start)
            starts_with_entity = sentence_entity and sentence_entity[0] - s_start < 25
            if not (carried and events and (_CARRY_START.match(text, s_start) or starts_with_entity
                                           or any(e[2] == "rank" for e in events))):
                carried = None
                continue
        used_context = None
        for ev_start, ev_end, kind, match in events:
            before = [m for m in mentions if m[0] < ev_start]
            if before:
                index_pos = max(m[0] for m in before)
                codes = [m for m in before if m[0] == index_pos]
                code = codes[0][1]
                named = [m for m in before if m[2] is None]
                subs = [m for m in before if m[2] is not None and m[1] == code]
                if named and max(m[0] for m in named) >= index_pos:
                    code = next(m[1] for m in named if m[0] == max(x[0] for x in named))
                subindex = subs[-1][2] if subs and (not named or subs[-1][0] > named[-1][0]) else None
                anchor = min(m[0] for m in before if m[1] == code)
            elif mentions:
                continue  # figures before the index is named are not its results
            elif carried:
                code, subindex, anchor = carried.index, carried.subindex, s_start
            else:
                continue
            explicit = [y for y in years if y[0] < ev_start and not y[2]]
            comparisons = [y for y in years if y[2]]
            if explicit:
                year, inferred = explicit[-1][1], False
            elif carried and not before:
                year, inferred = carried.year, carried.year_inferred
            elif comparisons:
                year, inferred = comparisons[0][1] + 1, True
            else:
                year, inferred = (pub.year - 1 if pub else None), True
            ent = _entity_before(entities, ev_start, s_start)
            entity = ent[1] if ent else main_place
            # The quote starts at the last of index name, entity and year before the figure.
            anchor = max([anchor] + ([ent[0]] if ent else []) + [y[0] for y in explicit[-1:]])
            key = (code, subindex, entity, year)
            record = records.get(key)
            if record is None:
                record = IndexValue(code, subindex, entity, year, anchor, ev_end, year_inferred=inferred)
            if not _fill(record, kind, match):
                continue
            if key not in records:
                records[key] = record
                order.append(record)
            record.end = max(record.end, ev_end)
            used_context = _Context(code, subindex, year, inferred)
        if mentions:
            last = mentions[-1]
            explicit = [y for y in years if not y[2]]
            carried = used_context or _Context(last[1], last[2], explicit[-1][1] if explicit else (pub.year - 1 if pub else None),
                                               not explicit)
        else:
            carried = used_context
    return [r for r in order if r.value is not None or r.rank is not None or r.change is not None
            or r.rank_change is not None]


def _fill(record: IndexValue, kind: str, match: re.Match[str]) -> bool:
    """Put one figure into its slot; False when the slot is taken."""
    if kind == "value":
        if record.value is not None:
            return False
        value = parse_number(match.group("num"), max_plain=_MAX_SCORE)
        record.value, record.unit = value, match.group("unit").lower()
    elif kind == "change":
        if record.change is not None:
            return False
        value = parse_number(match.group("num"), max_plain=_MAX_SCORE)
        if value is None:
            return False
        record.change = -value if match.group("verb").lower() in _NEGATIVE else value
    elif kind == "rank":
        if record.rank is not None:
            return False
        rank_of = match.group("of") or match.group("of2")
        record.rank = int(match.group("rank"))
        record.rank_of = int(rank_of) if rank_of else None
        if record.rank_of is not None and record.rank > record.rank_of:
            record.rank = record.rank_of = None
            return False
    elif kind == "rank_change":
        if record.rank_change is not None:
            return False
        n = as_int(float(match.group("n")))
        record.rank_change = -n if match.group("verb").lower() in _NEGATIVE else n
    return True


@step("hdnd_index_values", "index_values", label=lambda v: v.index,
      requires=["places", "bodies", "main_place", "published", "furniture"])
def index_values_of(doc: Doc) -> list[IndexValue]:
    return find_index_values(doc._.text, doc._.places, doc._.bodies, doc._.main_place, doc._.published, doc._.furniture)
