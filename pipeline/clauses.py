"""Candidate clauses: sentences cut at ";", ":" and the edges of quoted speech.

Every clause is a candidate for a commitment or a demand; the clause rules and the
trained classifier decide. Quoted speech is found here too, because a quote's edges cut
clauses and a quote's name line tells who spoke.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from pipeline.cues import commitment_cues, cue_regex

_CONNECTIVE = re.compile(
    r"(?:(?:Trên cơ sở đó|Theo đó|Đồng thời|Bên cạnh đó|Ngoài ra|Do đó|Vì vậy|Vì thế|Tuy nhiên|Mặt khác|"
    r"Cùng với đó|Thứ nhất|Thứ hai|Thứ ba|Trước mắt|Về lâu dài|Với tinh thần đó|Trong đó|Qua đó|Từ đó|"
    r"Do vậy|Bởi vậy|Để làm được điều này|Để làm được điều đó|Tới đây|Sắp tới|Thời gian tới|"
    r"Trong thời gian tới|Từ nay đến cuối năm|Về giải pháp|Về vấn đề này|Về nội dung này|Có thể nói|Phải nói|"
    r"Nhìn chung|Nói chung|Tóm lại)\s*,\s*)+", re.IGNORECASE)
QUOTE_CHARS = "“”\""
_SPLIT = re.compile(r"[;:]|,(?= (?:nhưng|song|tuy nhiên|trong khi)\s)")
_TRIM = " \t\r\xa0\u200b\u3000,.;:-–—…\"“”'‘’"  # with the spaces a page can carry (CR, no-break, zero-width)


def lines_of(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]


def _quote_marks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Outermost quoted passages in one line, as (opening mark, closing mark or line end)."""
    found, depth, opened, straight = [], 0, 0, None
    for i in range(start, end):
        char = text[i]
        if char == "“":
            if depth == 0 and straight is None:
                opened = i
            depth += 1
        elif char == "”" and depth:
            depth -= 1
            if depth == 0 and straight is None:
                found.append((opened, i))
        elif char == '"' and depth == 0:
            if straight is None:
                straight = i
            else:
                found.append((straight, i))
                straight = None
    if depth and straight is None:
        found.append((opened, end))
    elif straight is not None:
        found.append((straight, end))
    return found


def speech_quotes(text: str) -> list[tuple[int, int]]:
    """Quoted speech (not quoted names or slogans): at least six words, and opening a
    paragraph, after a colon, or followed by who said it."""
    result = []
    for line_start, line_end in lines_of(text):
        for open_at, close_at in _quote_marks(text, line_start, line_end):
            inner = text[open_at + 1:close_at]
            if len(inner.split()) < 6:
                continue
            after = text[close_at + 1:min(line_end, close_at + 120)]
            opens_line = not text[line_start:open_at].strip(" -–•*")
            after_colon = text[line_start:open_at].rstrip().endswith(":")
            attributed = bool(re.match(r"\s*[,.]?\s*(?:[-–]\s*)?[^.;:!?]{0,90}?(?<![\w])(?:"
                                       + "|".join(re.escape(p) for p in commitment_cues()["speech"]) + r")(?![\w])",
                                       after, re.IGNORECASE))
            if opens_line or after_colon or attributed:
                result.append((open_at + 1, close_at))
    return result


@dataclass
class Clause:
    start: int
    end: int
    sentence_start: int
    quote: tuple[int, int] | None
    paragraph: int
    lead_start: int         # before connectives and time frames were trimmed ("Thời gian tới, …")


def _trimmed(text: str, a: int, b: int) -> tuple[int, int, int]:
    """(lead start, start, end) of a span without marks at its edges, a leading "nhưng",
    and leading connectives or time frames (kept apart as the lead)."""
    while a < b and text[a] in _TRIM + "\n":
        a += 1
    while b > a and text[b - 1] in _TRIM + "\n":
        b -= 1
    conjunction = re.match(r"(?:nhưng|song|tuy nhiên|trong khi)\s+", text[a:b], re.IGNORECASE)
    if conjunction:
        a += conjunction.end()
    connective = _CONNECTIVE.match(text, a, b)
    return a, connective.end() if connective else a, b


def paragraph_index(lines: list[tuple[int, int]], starts: list[int], pos: int) -> int:
    """The index of the line holding ``pos``; -1 between lines."""
    i = bisect_right(starts, pos) - 1
    return i if i >= 0 and pos < lines[i][1] else -1


def clauses(text: str, sentences: list[tuple[int, int]], quotes: list[tuple[int, int]]) -> list[Clause]:
    """Sentences cut at ";", ":" and quote edges, trimmed of marks and connectives."""
    lines = lines_of(text)
    starts = [start for start, _ in lines]
    edges = sorted({p for q in quotes for p in (q[0] - 1, q[1])})
    result = []
    for s_start, s_end in sentences:
        cuts = [s_start] + [e for e in edges if s_start < e < s_end]
        cuts = sorted(set(cuts + [m.start() for m in _SPLIT.finditer(text, s_start, s_end)] + [s_end]))
        for a, b in zip(cuts, cuts[1:]):
            lead_start, a, b = _trimmed(text, a, b)
            if b - a < 12 or len(text[a:b].split()) < 3:
                continue
            quote = next((q for q in quotes if q[0] <= a and b <= q[1]), None)
            result.append(Clause(a, b, s_start, quote, max(0, paragraph_index(lines, starts, a)), lead_start))
    return result


def retrim(text: str, clause: Clause, start: int | None = None, end: int | None = None) -> Clause:
    """The clause cut at a new start (after an attribution lead) or end (before one)."""
    lead_start, a, b = _trimmed(text, clause.start if start is None else start, clause.end if end is None else end)
    return Clause(a, b, clause.sentence_start, clause.quote, clause.paragraph,
                  lead_start if start is not None else clause.lead_start)


def is_heading(text: str, clause: Clause, lines: list[tuple[int, int]]) -> bool:
    """A title or subheading line: short, and no sentence punctuation at its end."""
    start, end = lines[clause.paragraph] if lines else (0, len(text))
    line = text[start:end].rstrip()
    return len(line.split()) <= 20 and line[-1:] not in ".!?:;\"”…)" and clause.end >= start + len(line) - 1


def is_question(text: str, clause: Clause, sentence_end: int) -> bool:
    return "?" in text[clause.start:sentence_end + 1] or bool(cue_regex("question").search(text, clause.start, clause.end))
