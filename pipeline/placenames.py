"""Place names in text: provinces, districts and wards, old names and post-July-2025 names.

The gazetteer is underthesea's administrative-unit mapping (``models/places.tsv``). A
name after its kind ("huyện Thạch Thất", "TP.Hà Nội") is looked up among units of that
kind; a bare name counts only when it is a province ("Hà Nội"). Plain text in, plain
values out, without spaCy, so reading commands and web pages can name places too;
``pipeline.places`` is the pipeline step over them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from pipeline.normalize import fold
from pipeline.resources import Place, places, provinces
from pipeline.text import CAP_RUN

KIND_WORDS = {"thành phố": "thành phố", "tp.": "thành phố", "tp": "thành phố", "tỉnh": "tỉnh",
              "quận": "quận", "huyện": "huyện", "thị xã": "thị xã", "tx.": "thị xã",
              "thị trấn": "thị trấn", "phường": "phường", "xã": "xã"}
_KIND_BEFORE = re.compile(r"(?P<kind>thành phố|tp\.?|tỉnh|quận|huyện|thị xã|tx\.|thị trấn|phường|xã)\s*$",
                          re.IGNORECASE)
_SPECIAL = {"TP.HCM": "Hồ Chí Minh", "TPHCM": "Hồ Chí Minh", "TP HCM": "Hồ Chí Minh",
            "TP. HCM": "Hồ Chí Minh", "TP.Hồ Chí Minh": "Hồ Chí Minh", "Tp. HCM": "Hồ Chí Minh",
            "Tp.HCM": "Hồ Chí Minh", "Tp HCM": "Hồ Chí Minh",
            # A name with a dash, which runs of capitalised words never span.
            "Bà Rịa - Vũng Tàu": "Bà Rịa - Vũng Tàu", "Bà Rịa-Vũng Tàu": "Bà Rịa - Vũng Tàu",
            "Bà Rịa – Vũng Tàu": "Bà Rịa - Vũng Tàu", "BR-VT": "Bà Rịa - Vũng Tàu"}
_SPECIAL_RX = re.compile("|".join(re.escape(k) for k in sorted(_SPECIAL, key=len, reverse=True)))
_PROVINCE_LEVEL = {"thành phố", "tỉnh"}

@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    name: str
    kind: str | None
    unit: Place

    @property
    def label(self) -> str:
        """"Hà Nội" for a province, "quận Hai Bà Trưng" below it."""
        if self.unit.level == "province":
            return self.name
        return f"{self.unit.kind} {self.name}"

    def as_dict(self, text: str) -> dict:
        return {"name": self.label, "level": self.unit.level, "kind": self.unit.kind,
                "province": self.unit.province, "era": self.unit.era,
                "start": self.start, "end": self.end, "quote": text[self.start:self.end]}


def _choose(units: tuple[Place, ...], kind: str | None) -> Place | None:
    if kind is None:
        return next((u for u in units if u.level == "province"), None)
    if kind == "thành phố":  # a province-level city, or a city inside a province
        return next((u for u in units if u.kind == "thành phố"), None) or next(
            (u for u in units if u.level == "province"), None)
    return next((u for u in units if u.kind == kind), None)


def place_at(text: str, start: int, words: list[str]) -> tuple[int, Place, str | None] | None:
    """The longest place name at the start of ``words`` (a run beginning at ``start``):
    (number of words, unit, kind word)."""
    before = _KIND_BEFORE.search(text, max(0, start - 12), start)
    kind = KIND_WORDS[before.group("kind").lower()] if before else None
    for n in range(min(len(words), 5), 0, -1):
        units = places().get(" ".join(words[:n]))
        if units:
            unit = _choose(units, kind)
            if unit is not None:
                return n, unit, kind
    return None


def find_places(text: str) -> list[PlaceMention]:
    found: list[PlaceMention] = []
    for match in _SPECIAL_RX.finditer(text):
        unit = places()[_SPECIAL[match.group()]][0]
        found.append(PlaceMention(match.start(), match.end(), unit.name, "thành phố" if unit.kind == "thành phố" else None,
                                  unit))
    taken = [(m.start, m.end) for m in found]
    for run in CAP_RUN.finditer(text):
        if any(s <= run.start() < e for s, e in taken):
            continue
        words = run.group().split(" ")
        offset = run.start()
        while words:
            hit = place_at(text, offset, words)
            if hit is None:
                offset += len(words[0]) + 1
                words = words[1:]
                continue
            n, unit, kind = hit
            name = " ".join(words[:n])
            start = offset
            if kind:
                before = _KIND_BEFORE.search(text, max(0, offset - 12), offset)
                start = before.start()
            found.append(PlaceMention(start, offset + len(name), name, kind, unit))
            offset += len(name) + 1
            words = words[n:]
    found.sort(key=lambda m: m.start)
    return found


def main_place(mentions: list[PlaceMention]) -> str | None:
    """The province the document is about: the one named most, the first on a tie."""
    counts = Counter(m.unit.province if m.unit.level != "province" else m.name for m in mentions)
    if not counts:
        return None
    best = max(counts.values())
    return next(m.unit.province if m.unit.level != "province" else m.name
                for m in mentions if counts[m.unit.province if m.unit.level != "province" else m.name] == best)


@lru_cache(maxsize=None)
def _province_labels() -> dict[str, str]:
    """A province's name as a domain label writes it: "kiengiang", "thuathienhue"."""
    labels = {re.sub(r"[^a-z]", "", fold(name).lower()): name for name in provinces()}
    return labels | {"tphcm": "Hồ Chí Minh", "hochiminhcity": "Hồ Chí Minh", "thuathienhue": "Huế"}


# A provincial paper ("baoquangbinh"), the council's own site ("hdndtuyenquang", "dbndhatinh").
_SITE_PREFIXES = ("", "bao", "hdnd", "dbnd")
# A provincial television station or news site ("laocaitv", "nghean24h").
_SITE_SUFFIXES = ("", "tv", "24h")


def place_of_source(source: str | None) -> str | None:
    """The province whose site published the page: a provincial portal or department
    ("snv.kiengiang.gov.vn", "ninhthuan.gov.vn"), its council's site ("dbndhatinh.vn") or a
    provincial paper ("baoquangbinh.vn").
    Their pages say "của tỉnh" and "tỉnh ta" without naming it."""
    if not source or "://" not in source:
        return None
    host = (urlsplit(source).hostname or "").lower()
    for label in host.split("."):
        for prefix in _SITE_PREFIXES:
            for suffix in _SITE_SUFFIXES:
                name = label[len(prefix):len(label) - len(suffix)]
                if label.startswith(prefix) and label.endswith(suffix) and name in _province_labels():
                    return _province_labels()[name]
    return None
