"""Character classes and small text helpers shared by the extractors."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right


def _letters(upper: bool) -> str:
    chars = []
    for code in range(0x41, 0x1EFA):
        char = chr(code)
        if not char.isalpha() or char.isupper() != upper or char.islower() == upper:
            continue
        base = unicodedata.normalize("NFD", char)[0]
        if base.isascii() or char in "đĐ":
            chars.append(char)
    return "".join(chars)


UPPER = _letters(True)
LOWER = _letters(False)
# A capitalised syllable ("Trần", "Đà") and a lower-case one.
CAP = rf"[{UPPER}][{LOWER}]+|[{UPPER}]"
LOW = rf"[{LOWER}]+"
# A run of capitalised syllables joined by single spaces: a name candidate.
CAP_RUN = re.compile(rf"(?<![\w])(?:{CAP})(?: (?:{CAP}))*(?![\w])")
CLAUSE_BREAK = re.compile(r"[.;:!?\n“”\"()\[\]]|\s[-–—]\s")


def is_cap(word: str) -> bool:
    return len(word) > 1 and word[0] in UPPER and word[1:].islower() or word in UPPER


def line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def inside(ranges: list[tuple[int, int]], pos: int) -> bool:
    return any(start <= pos < end for start, end in ranges)


class SpanIndex:
    """Records with ``start``/``end``, sorted, for range lookups in O(log n) on long texts."""

    def __init__(self, records) -> None:
        self.records = sorted(records, key=lambda r: r.start)
        self.starts = [r.start for r in self.records]

    def between(self, start: int, end: int) -> list:
        """Records that start in [start, end)."""
        return self.records[bisect_left(self.starts, start):bisect_left(self.starts, end)]

    def before(self, pos: int) -> list:
        """Records that start before ``pos``, in order."""
        return self.records[:bisect_left(self.starts, pos)]

    def covers(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos)
        return any(r.end > pos for r in self.records[max(0, i - 4):i])

    def holding(self, pos: int) -> int | None:
        """The index (in ``records``) of the latest-starting record whose span holds ``pos``."""
        for i in range(bisect_right(self.starts, pos) - 1, -1, -1):
            if self.records[i].end > pos:
                return i
        return None
