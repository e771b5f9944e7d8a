"""The lexicons and gazetteers in ``models/``, loaded once per process.

Every loader is cached, so a worker pays for reading the files once, not per document.
Entries are normalised with :func:`pipeline.normalize.normalize` so they match normalised
text whatever spelling the file uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pipeline.normalize import normalize


def _lines(name: str) -> list[str]:
    text = resources.files("models").joinpath(name).read_text(encoding="utf-8")
    return [normalize(line.rstrip("\n")) for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


def _rows(name: str) -> list[list[str]]:
    return [line.split("\t") for line in _lines(name)]


def _longest_first(items) -> tuple[str, ...]:
    return tuple(sorted(set(items), key=lambda s: (-len(s), s)))


@lru_cache(maxsize=None)
def surnames() -> frozenset[str]:
    return frozenset(_lines("surnames.txt"))


@lru_cache(maxsize=None)
def person_prefixes() -> tuple[str, ...]:
    return _longest_first(_lines("person_prefixes.txt"))


@lru_cache(maxsize=None)
def titles() -> tuple[str, ...]:
    return _longest_first(_lines("titles.txt"))


@lru_cache(maxsize=None)
def body_heads() -> tuple[str, ...]:
    return _longest_first(_lines("bodies.txt"))


@lru_cache(maxsize=None)
def abbreviations() -> dict[str, str]:
    return {row[0]: row[1] for row in _rows("abbreviations.tsv")}


@lru_cache(maxsize=None)
def legal_types() -> tuple[str, ...]:
    return _longest_first(_lines("legal_types.txt"))


@lru_cache(maxsize=None)
def index_names() -> dict[str, str]:
    """Lower-cased variant → index code."""
    return {row[0].lower(): row[1] for row in _rows("index_names.tsv")}


@lru_cache(maxsize=None)
def index_subindices() -> dict[str, str]:
    """Lower-cased sub-index phrase → index code."""
    return {row[0].lower(): row[1] for row in _rows("index_subindices.tsv")}


@lru_cache(maxsize=None)
def furniture_lines() -> tuple[frozenset[str], tuple[str, ...]]:
    """(whole lines, line prefixes), lower-cased."""
    whole, prefixes = set(), []
    for line in _lines("furniture.txt"):
        if line.endswith("*"):
            prefixes.append(line[:-1].strip().lower())
        else:
            whole.add(line.lower())
    return frozenset(whole), tuple(prefixes)


@dataclass(frozen=True)
class Place:
    level: str      # province | district | ward
    kind: str       # tỉnh, thành phố, quận, huyện, thị xã, phường, xã, thị trấn
    name: str       # without its kind: "Hai Bà Trưng"
    province: str   # the province it belongs to (the new one for era == "new")
    era: str        # old (before 1 July 2025) | new | both


@lru_cache(maxsize=None)
def places() -> dict[str, tuple[Place, ...]]:
    """Place name → every administrative unit of that name (old and new units)."""
    index: dict[str, list[Place]] = {}
    for level, kind, name, province, era in _rows("places.tsv"):
        index.setdefault(name, []).append(Place(level, kind, name, province, era))
    return {name: tuple(units) for name, units in index.items()}


@lru_cache(maxsize=None)
def provinces() -> frozenset[str]:
    return frozenset(name for name, units in places().items()
                     if any(unit.level == "province" for unit in units))


@lru_cache(maxsize=None)
def commitment_cues() -> dict[str, tuple[str, ...]]:
    """Cue group (promise, directive, hedge, past, agenda_verb …) → phrases, longest first."""
    return _groups("commitment_cues.tsv")


@lru_cache(maxsize=None)
def turn_cues() -> dict[str, tuple[str, ...]]:
    """Speaker-turn words (label_head, ask, answer, debate, chair, report, delegation) → phrases."""
    return _groups("turn_cues.tsv")


def _groups(name: str) -> dict[str, tuple[str, ...]]:
    groups: dict[str, list[str]] = {}
    for group, phrase in _rows(name):
        groups.setdefault(group, []).append(phrase)
    return {group: _longest_first(phrases) for group, phrases in groups.items()}


@dataclass(frozen=True)
class Topic:
    code: str
    label: str
    keywords: tuple[str, ...]


@lru_cache(maxsize=None)
def topics() -> tuple[Topic, ...]:
    return tuple(Topic(code, label, _longest_first(keywords.split("|"))) for code, label, keywords in _rows("topics.tsv"))
