"""Recalled promises: "trước đây giám đốc Sở NN&PTNT tỉnh đã hứa khắc phục tình trạng này
nhưng đến nay …", "3-4 vấn đề mà ông đã hứa, nhưng chưa làm được".

A delegate, voters or a reporter recalls what someone promised earlier. The clause is
evidence about that earlier promise (not kept, under way, kept), never a promise of the
one who recalls it: the candidates inside it are not stated as commitments, and the
recall is kept with who promised, who recalled and the status it suggests, so the corpus
can link it to the earlier commitment and propose a follow-up.

A past promise counts as recalled when the sentence also says it is earlier ("trước
đây", "kỳ họp trước", "từng hứa") or judges it ("nhưng chưa", "vẫn chưa", "không thực
hiện", "thất hứa"); "Bộ trưởng đã cam kết sẽ …" in a report of the same sitting is the
minister's promise, reported in the past tense, and stays one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from pipeline.cues import cue_regex
from pipeline.persons import title_regex
from pipeline.segment import sentence_spans
from pipeline.steps import step
from pipeline.text import SpanIndex, inside
from pipeline.turns import ASKS_TO_EXPLAIN

# A promise verb, or the noun "lời hứa"; "như đã hứa", "theo cam kết" look back by themselves.
_PROMISE = re.compile(r"(?<![\w])(?:(?P<back>như đã hứa|như đã cam kết|theo cam kết)|(?P<noun>lời hứa)|"
                      r"(?P<verb>hứa hẹn|hứa|cam kết))(?![\w])", re.IGNORECASE)
_PAST_BEFORE = re.compile(r"(?<![\w])(?:đã|từng)(?:\s+\S+){0,4}\s*$", re.IGNORECASE)
_EARLIER = re.compile(r"(?<![\w])(?:trước đây|trước đó|kỳ họp trước|các kỳ họp trước|phiên chất vấn trước|năm trước|"
                      r"năm ngoái|nhiệm kỳ trước|từ lâu|đã lâu|nhiều năm|nhiều lần|tái chất vấn|vừa qua)(?![\w])",
                      re.IGNORECASE)
# What the sentence says of it: a contrast and a negation ("nhưng đến nay chưa", "thế nhưng … vẫn
# không"), or a contrast alone ("nhưng “càng chống thì càng ngập”").
_JUDGED = re.compile(r"(?<![\w])(?:nhưng|song|tuy nhiên|thế nhưng)\b[^.;!?]{0,80}?(?:chưa|không|vẫn)(?![\w])|"
                     r"(?:đến nay|tới nay|đến giờ|bây giờ)\s+(?:vẫn\s+)?(?:chưa|không)(?![\w])|"
                     r"(?:vẫn|còn)\s+(?:chưa|y nguyên|vậy)(?![\w])", re.IGNORECASE)
_CONTRAST = re.compile(r"(?<![\w])(?:nhưng|song|tuy nhiên|thế nhưng)(?![\w])", re.IGNORECASE)
_CLAUSE_START = re.compile(r"[,;:“”\"(]\s*|\n")
_BARE_HEAD = re.compile(r"(?<![\w])(?P<head>Sở|Bộ|UBND|Ủy ban nhân dân|Ban)(?:\s+(?:cũng|đã|từng|vẫn))*\s*$")
_ACCORDING = re.compile(r"\s*Theo\s+([^,.;:]{2,60}),")
_DEMAND = re.compile(r"(?<![\w])(?:đề nghị|yêu cầu|kiến nghị|xin hỏi|đề xuất)(?![\w])", re.IGNORECASE)


@dataclass
class Recall:
    start: int
    end: int
    cue: str
    promiser: str | None     # who promised earlier: a person, a title or a body
    recaller: str | None     # who recalls it now (the clause's speaker), if known
    status: str | None       # not_kept | in_progress | kept | None: what the sentence says of it
    turn: int | None

    def as_dict(self, text: str) -> dict:
        return {"quote": text[self.start:self.end], "start": self.start, "end": self.end, "cue": self.cue,
                "promiser": self.promiser, "recaller": self.recaller, "status": self.status, "turn": self.turn}


def _status(text: str, start: int, end: int) -> str | None:
    for status in ("not_kept", "in_progress", "kept", "partly"):
        if cue_regex(f"followup_{status}").search(text, start, end):
            return status
    return "not_kept" if _JUDGED.search(text, start, end) else None


# "các cam kết, lời hứa của các thành viên UBND TP": who promised, named after the promise.
_OF = re.compile(r"(?:\s*,\s*(?:lời hứa|cam kết|hứa hẹn))*\s+của\s+(?:các\s+|những\s+)?", re.IGNORECASE)
OF_REACH = 24


def _promiser(text: str, start: int, cue: re.Match[str], names: SpanIndex) -> str | None:
    """The subject before "đã hứa": the last person named there, else a title ("giám đốc
    Sở NN&PTNT tỉnh"), else a body; else the one a promise is said to be of ("lời hứa của
    …"); a pronoun's referent is left to the reader (None)."""
    return _promiser_before(text, start, cue.start(), names) or _promiser_after(text, cue.end(), names)


def _promiser_after(text: str, cue_end: int, names: SpanIndex) -> str | None:
    of = _OF.match(text, cue_end)
    named = names.between(of.end(), of.end() + OF_REACH) if of else []
    if not named:
        return None
    return getattr(named[0], "name", None) or named[0].canonical


def _promiser_before(text: str, start: int, cue: int, names: SpanIndex) -> str | None:
    named = names.between(start, cue)
    person = next((n for n in reversed(named) if hasattr(n, "name")), None)
    if person is not None:
        return person.name
    title = None
    for match in title_regex().finditer(text, start, cue):
        title = match
    if title:  # "Chủ tịch UBND thành phố đã cam kết": the office, not the body inside it
        return re.split(r"\s+(?:đã|từng|cũng|vẫn)(?:\s|$)", text[title.start():cue].strip(" ,"))[0] or None
    if named:
        return named[-1].canonical
    # "… Sở Giao thông công chính … và Sở cũng hứa …": a bare head names the body named before.
    bare = _BARE_HEAD.search(text, max(0, cue - 24), cue)
    if bare:
        earlier = [b for b in names.before(cue) if getattr(b, "head", None) == bare.group("head")]
        return earlier[-1].canonical if earlier else None
    return None


# How a clause's speaker was found that says who speaks it (not only who is named near it).
_SAID_BY = {"quote_name_line", "quote_after", "quote_before", "speech_verb", "theo", "turn", "answer", "asker"}


def _recaller(text: str, s_start: int, cand, turns: list) -> str | None:
    """Who recalls it: the speaker of the turn it is said in, "Theo cử tri, …", or the
    clause's speaker when a quote or a verb of saying names them (not merely the person
    named last: a reporter's narration recalls nothing in anyone's name)."""
    turn = turns[cand.turn] if cand is not None and cand.turn is not None and cand.turn < len(turns) else None
    if turn is not None and (turn.speaker or turn.title):
        return turn.speaker or turn.title
    according = _ACCORDING.match(text, s_start)
    if according:
        return according.group(1).strip()
    speaker = cand.speaker if cand is not None else None
    return (speaker.name or speaker.title) if speaker is not None and speaker.how in _SAID_BY else None


def _recalled(text: str, s_start: int, s_end: int, match: re.Match[str], asking: bool) -> bool:
    """Is this promise one made earlier, recalled now? Said to be earlier ("đã hứa" with
    "trước đây" / "kỳ họp trước", "như đã hứa"), judged ("nhưng đến nay chưa"), or brought up
    by someone asking about it ("đề nghị Sở cho biết … Sở cũng hứa … nhưng …")."""
    judged = _JUDGED.search(text, match.end(), s_end) is not None
    contrast = _CONTRAST.search(text, match.end(), s_end) is not None
    if match.group("noun"):
        return judged
    earlier = bool(match.group("back")) or _EARLIER.search(text, s_start, match.start()) is not None
    past = earlier or _PAST_BEFORE.search(text, max(s_start, match.start() - 30), match.start()) is not None
    return (past and judged) or (contrast and (earlier or asking)) or (past and asking)


def find_recalls(text: str, sentences: list[tuple[int, int]], persons, bodies, furniture: list[tuple[int, int]],
                 candidates: list, turns: list) -> list[Recall]:
    """Every recalled promise, and the candidates inside one marked ``recalled``."""
    names = SpanIndex([*bodies, *(p for p in persons if not p.furniture)])
    questions = [(t.start, t.end) for t in turns if t.role == "question"]
    found: list[Recall] = []
    for s_start, s_end in sentences:
        if inside(furniture, s_start):
            continue
        asking = inside(questions, s_start) or ASKS_TO_EXPLAIN.search(text, s_start, s_end) is not None
        for match in _PROMISE.finditer(text, s_start, s_end):
            if not _recalled(text, s_start, s_end, match, asking):
                continue
            clause_start = max([s_start] + [m.end() for m in _CLAUSE_START.finditer(text, s_start, match.start())])
            demand = _DEMAND.search(text, match.end(), s_end)
            end = demand.start() if demand else s_end
            end = len(text[:end].rstrip(" ,;:"))
            cand = next((c for c in candidates if c.start <= match.start() < c.end), None)
            promiser = _promiser(text, clause_start, match, names)
            recaller = _recaller(text, s_start, cand, turns)
            if recaller == promiser:
                recaller = None
            found.append(Recall(clause_start, end, match.group(), promiser, recaller,
                                _status(text, match.end(), end), cand.turn if cand is not None else None))
            break  # one recall per sentence
    for cand in candidates:
        if any(r.start <= cand.cue_start < r.end for r in found):
            cand.recalled = True
    return found


@step("hdnd_recalls", "recalls", label=lambda r: "RECALL",
      requires=["persons", "bodies", "furniture", "candidates", "turns"])
def recalls_of(doc: Doc) -> list[Recall]:
    return find_recalls(doc._.text, sentence_spans(doc), doc._.persons, doc._.bodies, doc._.furniture, doc._.candidates,
                        doc._.turns)
