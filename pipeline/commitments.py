"""Commitments, demands and assignments: who said they will do what, and by when.

The unit is a clause: a sentence cut at ";", ":" and the edges of quoted speech. A clause
is kept when a cue (``models/commitment_cues.tsv``) is used as a verb, not as a noun
("lời hứa", "quyết tâm cao"), and none of the false friends applies: a question, a report
of what was done ("đã", a period already over), an agenda item ("Kỳ họp sẽ dành …"), a
ranking or a forecast ("tiếp tục giữ vị trí", "giá sẽ tăng"). Clauses with no cue still
count when an agent, an action verb and a deadline still ahead come together.

Who said it comes from quoted speech (the name line under a pull quote, "…", X nhấn mạnh;
X khẳng định: "…"), from a verb of saying ("X cho biết, …", "Theo X, …"), from reported
speech carried over from the last attribution, or from the body that is the subject.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.bodies import BodyMention
from pipeline.dates import TimeExpr, deadline_date, find_dates
from pipeline.numbers import NUMBER, parse_number
from pipeline.persons import PersonMention, group_persons, title_regex
from pipeline.resources import commitment_cues, topics
from pipeline.segment import annotate
from pipeline.text import LOWER, UPPER, SpanIndex, inside

CARRY_PARAGRAPHS = 2   # reported speech runs on for this many paragraphs after its attribution
_CONNECTIVE = re.compile(
    r"(?:(?:Trên cơ sở đó|Theo đó|Đồng thời|Bên cạnh đó|Ngoài ra|Do đó|Vì vậy|Vì thế|Tuy nhiên|Mặt khác|"
    r"Cùng với đó|Thứ nhất|Thứ hai|Thứ ba|Trước mắt|Về lâu dài|Với tinh thần đó|Trong đó|Qua đó|Từ đó|"
    r"Do vậy|Bởi vậy|Để làm được điều này|Để làm được điều đó|Tới đây|Sắp tới|Thời gian tới|"
    r"Trong thời gian tới|Từ nay đến cuối năm|Về giải pháp|Về vấn đề này|Về nội dung này|Có thể nói|Phải nói|"
    r"Nhìn chung|Nói chung|Tóm lại)\s*,\s*)+", re.IGNORECASE)
_QUOTE_CHARS = "“”\""
_SPLIT = re.compile(r"[;:]|,(?= (?:nhưng|song|tuy nhiên|trong khi)\s)")
_TRIM = " \t,.;:-–—…\"“”'‘’"
_ADDRESSEE = re.compile(r"\s*(?:các|những|toàn|mọi|từng|cả|ngành|UBND|Ủy ban|HĐND|Sở|Ban|Bộ|Công an|Thanh tra|"
                        rf"cơ quan|đơn vị|chủ đầu tư|nhà đầu tư|chính quyền|lãnh đạo|cấp|[{UPPER}])")


@dataclass
class Speaker:
    name: str | None
    title: str | None
    kind: str | None        # person | body
    how: str                # quote_name_line | quote_after | quote_before | speech_verb | theo | carried | subject


@dataclass
class Statement:
    kind: str               # commitment | demand | assignment
    start: int
    end: int
    cue: str
    speaker: Speaker | None
    deadline: TimeExpr | None
    target: str | None
    quantity: float | None
    unit: str | None
    topic: str | None
    hedged: bool
    in_quote: bool
    turn: int | None = None  # index of the speaker turn (pipeline.turns) that holds it

    def as_dict(self, text: str) -> dict:
        s = self.speaker
        d = self.deadline
        return {"kind": self.kind, "quote": text[self.start:self.end], "start": self.start, "end": self.end,
                "speaker": s.name if s else None, "speaker_title": s.title if s else None,
                "speaker_kind": s.kind if s else None, "attribution": s.how if s else None,
                "deadline": d.deadline if d else None, "deadline_text": d.text if d else None,
                "deadline_granularity": d.granularity if d else None,
                "target": self.target, "quantity": self.quantity, "unit": self.unit, "topic": self.topic,
                "cue": self.cue, "hedged": self.hedged, "in_quote": self.in_quote, "turn": self.turn}


# --- lexicon regexes -------------------------------------------------------------------

@lru_cache(maxsize=None)
def cue_regex(group: str) -> re.Pattern[str]:
    words = "|".join(re.escape(p) for p in commitment_cues()[group])
    return re.compile(rf"(?<![\w])(?:{words})(?![\w])", re.IGNORECASE)


def _starts_with(group: str, text: str, pos: int) -> re.Match[str] | None:
    return cue_regex(group).match(text, pos + len(text[pos:]) - len(text[pos:].lstrip()))


def _ends_with(group: str, text: str, end: int, window: int = 30) -> bool:
    before = text[max(0, end - window):end].rstrip()
    return any(before.lower().endswith(p.lower()) and
               (len(before) == len(p) or not before[-len(p) - 1].isalnum())
               for p in commitment_cues()[group])


@lru_cache(maxsize=None)
def _topic_regexes() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((t.code, re.compile(rf"(?<![\w])(?:{'|'.join(re.escape(k) for k in t.keywords)})(?![\w])",
                                     re.IGNORECASE)) for t in topics())


# --- quotes and clauses ----------------------------------------------------------------

def _lines(text: str) -> list[tuple[int, int]]:
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
    for line_start, line_end in _lines(text):
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


def _paragraph(lines: list[tuple[int, int]], starts: list[int], pos: int) -> int:
    """The index of the line holding ``pos``; -1 between lines."""
    i = bisect_right(starts, pos) - 1
    return i if i >= 0 and pos < lines[i][1] else -1


def clauses(text: str, sentences: list[tuple[int, int]], quotes: list[tuple[int, int]]) -> list[Clause]:
    """Sentences cut at ";", ":" and quote edges, trimmed of marks and connectives."""
    lines = _lines(text)
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
            result.append(Clause(a, b, s_start, quote, max(0, _paragraph(lines, starts, a)), lead_start))
    return result


# --- attribution -----------------------------------------------------------------------

class Attributor:
    """Finds who said a clause, from the people, bodies and verbs of saying around it."""

    def __init__(self, text: str, persons: list[PersonMention], bodies: list[BodyMention],
                 furniture: list[tuple[int, int]]):
        self.text = text
        self.persons = SpanIndex(p for p in persons if not p.furniture and p.role is None)
        self.bodies = SpanIndex(bodies)
        self._titled: dict[str, list[PersonMention]] = {}
        self.lines = _lines(text)
        self.line_starts = [start for start, _ in self.lines]
        self.best_title = {p.name: p.title for p in group_persons(self.persons.records)}
        self.furniture = furniture
        self.said = self._speech_acts()

    def paragraph_of(self, pos: int) -> int:
        return _paragraph(self.lines, self.line_starts, pos)

    def _person(self, mention: PersonMention, how: str) -> Speaker:
        return Speaker(mention.name, self.best_title.get(mention.name) or mention.title, "person", how)

    def speaker_in(self, start: int, end: int, how: str) -> Speaker | None:
        """The last person named in [start, end); else a title that names one; else a body."""
        named = self.persons.between(start, end)
        if named:
            return self._person(named[-1], how)
        for match in title_regex().finditer(self.text, start, end):
            phrase = self.text[match.start():end].strip(" ,")
            person = self.by_title(phrase, start)
            if person:
                return self._person(person, how)
            # "Chủ tịch UBND tỉnh yêu cầu …" with nobody named: the title is the speaker.
            phrase = re.split(r"\s+(?:" + "|".join(re.escape(p) for p in commitment_cues()["speech"]) + r")(?![\w])",
                              phrase)[0].strip(" ,")
            return Speaker(None, phrase, "person", how)
        body = next(iter(self.bodies.between(start, end)), None)
        if body:
            return Speaker(None, body.canonical, "body", how)
        return None

    def by_title(self, phrase: str, before: int) -> PersonMention | None:
        """The person most recently given a title that ``phrase`` starts (or that starts
        it), else the first such person in the text."""
        key = phrase.casefold()
        if key not in self._titled:
            self._titled[key] = [m for m in self.persons.records if (title := (
                self.best_title.get(m.name) or m.title or "").casefold()) and
                (title.startswith(key) or key.startswith(title))]
        matching = self._titled[key]
        earlier = [m for m in matching if m.start < before + len(phrase)]
        return (earlier or matching or [None])[-1 if earlier else 0]

    def _speech_acts(self) -> list[tuple[int, Speaker]]:
        """Every "X cho biết / khẳng định / …" in the text, with X, in order."""
        acts = []
        for match in cue_regex("speech").finditer(self.text):
            if inside(self.furniture, match.start()):
                continue
            line_start = self.text.rfind("\n", 0, match.start()) + 1
            lead_start = max(line_start, match.start() - 160)
            cut = max(self.text.rfind(c, lead_start, match.start()) for c in ".;!?\"“”")
            speaker = self.speaker_in(max(lead_start, cut + 1), match.start() + 1, "speech_verb")
            if speaker and self._subject_adjacent(speaker, match.start()):
                acts.append((match.start(), speaker))
        return acts

    def _subject_adjacent(self, speaker: Speaker, verb: int) -> bool:
        """The named speaker is the subject of the verb, not someone named further back."""
        if speaker.kind != "person":
            return True
        earlier = self.persons.before(verb)
        if not earlier:
            return True
        last = earlier[-1]
        between = self.text[last.end:verb]
        return len(between) <= 120 and not re.search(r"[.;!?]", between)

    def for_quote(self, quote: tuple[int, int]) -> Speaker | None:
        open_at, close_at = quote
        line_start = self.text.rfind("\n", 0, open_at) + 1
        line_end = self.text.find("\n", close_at)
        line_end = len(self.text) if line_end < 0 else line_end
        after = self.text[close_at + 1:line_end]
        verb = cue_regex("speech").search(after[:160])
        if verb and not re.search(r"[.;!?]", after[:verb.start()].strip(" ,.")):
            speaker = self.speaker_in(close_at + 1, close_at + 1 + verb.start() + 1, "quote_after")
            if speaker:
                return speaker
        lead = self.text[line_start:open_at - 1]
        if lead.rstrip().endswith((":", ",")) and cue_regex("speech").search(lead):
            speaker = self.speaker_in(line_start, open_at, "quote_before")
            if speaker:
                return speaker
        if not lead.strip(" -–•*"):
            return self._name_line(open_at)
        return None

    def _name_line(self, pos: int) -> Speaker | None:
        """A pull quote's name line: the next paragraph, or the previous one ending in ":"."""
        index = self.paragraph_of(pos)
        candidates = []
        if 0 <= index + 1 < len(self.lines):
            candidates.append((self.lines[index + 1], False))
        if index >= 1:
            candidates.append((self.lines[index - 1], True))
        for (start, end), needs_colon in candidates:
            line = self.text[start:end].strip()
            if needs_colon != line.endswith(":") or len(line.split()) > 18 or line[:1] in _QUOTE_CHARS:
                continue
            named = self.persons.between(start, end)
            if named and (needs_colon or named[-1].end >= start + len(self.text[start:end].rstrip(" .")) - 2):
                return self._person(named[-1], "quote_name_line")
        return None

    def carried(self, pos: int) -> tuple[Speaker, int] | None:
        """The speaker of the last verb of saying before ``pos`` and its paragraph, if the
        reported speech can still be running."""
        here = self.paragraph_of(pos)
        for at, speaker in reversed(self.said):
            if at < pos:
                paragraph = self.paragraph_of(at)
                if here - paragraph <= CARRY_PARAGRAPHS:
                    return Speaker(speaker.name, speaker.title, speaker.kind, "carried"), paragraph
                return None
        return None

    def subject(self, start: int, end: int) -> Speaker | None:
        """A person (or a title) in the clause's subject: "Giám đốc Sở Y tế Trần Văn Tuấn
        cam kết …", "Chủ tịch UBND tỉnh yêu cầu …"."""
        speaker = self.speaker_in(start, end, "subject")
        return speaker if speaker and speaker.kind == "person" else None


# Verbs of saying that ask or order: they are the cue of a demand, never a lead before one.
_DIRECTIVE_SPEECH = ("yêu cầu", "đề nghị", "kiến nghị", "chỉ đạo", "lưu ý", "cam kết", "hứa", "xin hứa")


def _retrim(text: str, clause: Clause, start: int | None = None, end: int | None = None) -> Clause:
    """The clause cut at a new start (after an attribution lead) or end (before one)."""
    lead_start, a, b = _trimmed(text, clause.start if start is None else start, clause.end if end is None else end)
    return Clause(a, b, clause.sentence_start, clause.quote, clause.paragraph,
                  lead_start if start is not None else clause.lead_start)


def _cut_lead(text: str, clause: Clause, cue_start: int, attributor: Attributor) -> tuple[Clause, Speaker | None]:
    """"X cho biết, <promise>" and "Theo X, <promise>": the clause starts after the lead,
    and X is the speaker."""
    theo = re.match(r"Theo\s+([^,]{3,140}),\s*", text[clause.start:cue_start])
    if theo:
        speaker = attributor.speaker_in(clause.start, clause.start + theo.end(1), "theo")
        if speaker:
            return _retrim(text, clause, clause.start + theo.end()), speaker
    for at, speaker in reversed(attributor.said):
        if clause.start <= at < cue_start:
            verb = cue_regex("speech").match(text, at)
            if verb is None or verb.group().lower() in _DIRECTIVE_SPEECH:
                break
            tail = re.match(r"\s*(?:rằng|là)?\s*[,:]?\s*", text[verb.end():cue_start])
            return _retrim(text, clause, verb.end() + tail.end()), speaker
    return clause, None


def _cut_tail(text: str, clause: Clause, cue_end: int, attributor: Attributor) -> tuple[Clause, Speaker | None]:
    """"<promise>, Chủ tịch UBND tỉnh X cho biết": the speaker follows the clause."""
    for at, speaker in attributor.said:
        if cue_end < at < clause.end:
            comma = text.rfind(",", cue_end, at)
            if comma > 0 and attributor.speaker_in(comma, at + 1, "speech_after"):
                return _retrim(text, clause, end=comma), Speaker(speaker.name, speaker.title, speaker.kind,
                                                                  "speech_after")
    return clause, None


# --- classification --------------------------------------------------------------------

def _verbal(text: str, match: re.Match[str], clause_start: int) -> bool:
    """The cue is used as a verb: not "lời hứa", "thực hiện cam kết", "quyết tâm cao"."""
    if _ends_with("noun_before", text, match.start()):
        return False
    cue = match.group().lower()
    if cue in ("sẽ", "khẩn trương", "kiên quyết", "chắc chắn", "nhất định"):
        return True
    after = text[match.end():match.end() + 20]
    if not after.strip() or after[:1] in ".;:!?)”\"" or _starts_with("noun_after", text, match.end()):
        return False
    if cue in ("bảo đảm", "đảm bảo"):
        subject = text[clause_start:match.start()].split(",")[-1].strip()
        return not subject or len(subject.split()) <= 6 and bool(
            cue_regex("agent").search(subject) or re.search(r"(?:sẽ|xin|cam kết|phải)$", subject))
    if any(cue == p.lower() for p in commitment_cues()["directive"]):
        return bool(_ADDRESSEE.match(text, match.end()))
    return True


def _first_cue(text: str, start: int, end: int, names: SpanIndex) -> tuple[str, re.Match[str]] | None:
    """The first cue used as a verb, outside names ("Ban Chỉ đạo", "Sở Giao thông")."""
    found = [(m.start(), group, m) for group in ("promise", "directive")
             for m in cue_regex(group).finditer(text, start, end)
             if not names.covers(m.start()) and _verbal(text, m, start)]
    if not found:
        return None
    _, group, match = min(found, key=lambda f: (f[0], f[1] == "directive"))
    return group, match


def _is_question(text: str, clause: Clause, sentence_end: int) -> bool:
    return "?" in text[clause.start:sentence_end + 1] or bool(cue_regex("question").search(text, clause.start, clause.end))


def _past(text: str, start: int, cue: re.Match[str], dates: list[TimeExpr], published: date | None) -> bool:
    """A report of what was done: a past marker before the cue with no look-ahead after it,
    or a time frame already over."""
    if cue.group().lower() in ("cam kết", "hứa", "xin hứa") and _ends_with("past", text, cue.start(), 12):
        return False  # "đã cam kết": an earlier promise, reported
    past = [m for m in cue_regex("past").finditer(text, start, cue.start())]
    future = [m for m in cue_regex("future").finditer(text, start, cue.end())]
    if past and not any(f.start() > past[-1].start() for f in future):
        return True
    if published and not future:
        for expr in dates:
            if start <= expr.start < cue.start() and expr.modifier not in ("before", "by", "within"):
                last = deadline_date(expr.deadline)
                if last and last < published:
                    return True
    return False


def _agenda(text: str, start: int, cue: re.Match[str], attributor: Attributor) -> bool:
    """A sitting, a visit or a broadcast is scheduled: "Kỳ họp sẽ dành …", "… sẽ diễn ra"."""
    subject_start = max(start, text.rfind(",", start, cue.start()) + 1)
    subject = text[subject_start:cue.start()]
    if cue_regex("agenda_subject").search(subject) and not re.search(r"(?:UBND|Ủy ban|Sở|Chủ tịch|Giám đốc)", subject) \
            and not attributor.subject(subject_start, cue.start()):
        return True
    rest = cue.end()
    hedge = re.match(r"\s*(?:sẽ|được|dự kiến|tiếp tục)\s", text[rest:rest + 12])
    return bool(_starts_with("agenda_verb", text, rest + (hedge.end() if hedge else 0)))


def _has_agent(text: str, start: int, end: int, attributor: Attributor) -> bool:
    """The subject before the cue can promise: empty (the speaker), a pronoun or unit
    word, a named person, a body or a place."""
    subject = text[start:end].strip(" ,")
    if not subject:
        return True
    if cue_regex("agent").search(subject):
        return True
    if attributor.persons.between(start, end) or attributor.bodies.between(start, end):
        return True
    return bool(re.search(rf"(?<![\w])[{UPPER}][{LOWER}]+ [{UPPER}][{LOWER}]+", subject))


def _result_after(text: str, pos: int) -> bool:
    rest = re.match(r"\s*(?:được|sẽ|tiếp tục|có thể)?\s*", text[pos:pos + 30])
    return bool(_starts_with("result_verb", text, pos + (rest.end() if rest else 0)))


def _side(speaker: Speaker | None, subject: str) -> str | None:
    """council (makes demands) or executive (gives assignments), from the subject or
    speaker; a person with no title asking a body to act is a citizen making a demand."""
    for words in (subject, speaker.title if speaker and speaker.title else ""):
        council = cue_regex("council").search(words)
        executive = cue_regex("executive").search(words)
        if council and (not executive or council.start() <= executive.start()):
            return "council"
        if executive:
            return "executive"
    if speaker and speaker.kind == "person" and speaker.name and not speaker.title and \
            re.search(r"(?<![\w])(?:ông|bà|anh|chị|cử tri|người dân)\s", subject, re.IGNORECASE):
        return "council"
    return None


def _deadline(text: str, dates: list[TimeExpr], start: int, end: int, published: date | None,
              ahead_only: bool = False, after: int = 0) -> TimeExpr | None:
    """The time by which the act is due: "trước ngày 31-12-2023" first, then a year or
    period still ahead; dates after the cue (``after``) before those in front of it.
    "so với năm 2023" is a baseline and "từ năm 2011" a start, not deadlines."""
    candidates = [d for d in dates if start <= d.start < end and d.deadline and d.modifier not in ("from", "after")
                  and not re.search(r"so (?:với|cùng kỳ)(?: năm)?\s*$", text[max(0, d.start - 16):d.start])]
    candidates.sort(key=lambda d: d.start < after)
    for preferred in (("before", "by", "within", "end"), (None, "middle", "start")):
        for expr in candidates:
            if expr.modifier in preferred:
                last = deadline_date(expr.deadline)
                if (preferred[0] == "before" and not ahead_only) or not published or not last or last >= published:
                    return expr
    return None


_QUANTITY = re.compile(
    rf"(?:(?:tối thiểu|tối đa|ít nhất|trên|dưới|khoảng|hơn|gần|đạt|đến|toàn bộ)\s+)?(?P<num>{NUMBER})\s*"
    rf"(?P<unit>%|km2|km|ha|m2|m²|m3|tấn|tỷ đồng|triệu đồng|nghìn tỷ đồng|[{LOWER}]+(?: [{LOWER}]+)?)")
_NP_STOP = re.compile(r"(?<![\w])(?:trước|trong|đến|tới|vào|tại|theo|để|nhằm|và|năm|ngày|tháng|quý|của|với|từ|"
                      r"khi|thì|nhưng|mà|hoặc|cho|bằng)(?![\w])|[,.;:!?()\"“”]")


def _target(text: str, action_start: int, end: int, dates: list[TimeExpr]) -> tuple[str | None, float | None, str | None]:
    """The measurable part: "xử lý dứt điểm 293 dự án chậm tiến độ", with 293 and "dự án"."""
    date_spans = [(d.start, d.end) for d in dates]
    for match in _QUANTITY.finditer(text, action_start, end):
        num = match.group("num")
        if inside(date_spans, match.start("num")) or re.fullmatch(r"(?:19|20)\d{2}", num):
            continue
        if re.search(r"(?:số|/)\s*$", text[max(0, match.start() - 5):match.start()]):
            continue
        value = parse_number(num)
        unit = match.group("unit")
        stop = _NP_STOP.search(text, match.end(), end)
        np_end = stop.start() if stop else end
        words = text[match.end():np_end].split()
        np_end = match.end() + len(" ".join(words[:6])) + (1 if words else 0)
        target = text[action_start:np_end].strip(" ,")
        return target or None, value, unit
    return None, None, None


def _action_start(text: str, cue: re.Match[str], end: int) -> int:
    """Where the promised act begins: after the cue and its helper words."""
    chain = re.match(r"(?:\s*(?:sẽ|xin|tiếp tục|quyết tâm|phấn đấu|cam kết|bảo đảm|đảm bảo|khẩn trương|kiên quyết|"
                     r"chắc chắn|nhất định|hứa|xin hứa|có thể|dự kiến|cố gắng|được|phải|sớm|,))*\s*",
                     text[cue.end():end], re.IGNORECASE)
    return cue.end() + (chain.end() if chain else 0)


def topic_of(text: str, start: int, end: int, paragraph: tuple[int, int] | None = None) -> str | None:
    """The topic (models/topics.tsv) most named in the span, else in its paragraph."""
    for lo, hi in ((start, end), paragraph or (start, end)):
        hits = {code: len(rx.findall(text, lo, hi)) for code, rx in _topic_regexes()}
        best = max(hits, key=lambda c: hits[c]) if hits else None
        if best and hits[best]:
            return best
    return None


def _classify(text: str, clause: Clause, group: str | None, match: re.Match[str], speaker: Speaker | None,
              dates: list[TimeExpr], published: date | None, attributor: Attributor) -> str | None:
    """commitment, demand or assignment; None for a false friend."""
    subject = text[clause.start:match.start()]
    if group == "directive":
        carried = attributor.carried(clause.start)
        side = _side(speaker or (carried[0] if carried else None), subject)
        after = text[match.end():clause.end]
        if side is None or not _ADDRESSEE.match(after) or not cue_regex("action").search(after):
            return None
        if side == "executive" and re.match(r"\s*(?:HĐND|Hội đồng nhân dân|Quốc hội|Trung ương|Chính phủ|Bộ\s)", after):
            return None  # a proposal upwards, not an order
        if _past(text, clause.start, match, dates, published) and not _deadline(text, dates, clause.lead_start, clause.end,
                                                                              published, ahead_only=True):
            return None
        return "demand" if side == "council" else "assignment"
    if _past(text, clause.start, match, dates, published) or _agenda(text, clause.start, match, attributor):
        return None
    if cue_regex("forecast").search(text, clause.lead_start, match.start()):
        return None  # "… được dự báo sẽ …": a prediction
    if group is None and cue_regex("rule").search(text, clause.sentence_start, match.start()):
        return None  # a regulation's obligation, not a promise
    if re.match(r"Theo\s+(?:Nghị định|Luật|Thông tư|Bộ luật|quy định)", text[clause.sentence_start:clause.start]):
        return None
    if not _has_agent(text, clause.start, match.start(), attributor):
        if not (speaker and cue_regex("action").match(text, _action_start(text, match, clause.end))
                and _deadline(text, dates, clause.lead_start, clause.end, published)):
            return None
    if match.group().lower() in ("tiếp tục", "sẽ") and _result_after(text, match.end()):
        return None
    return "commitment"


def _no_cue_commitment(text: str, clause: Clause, action: re.Match[str], dates: list[TimeExpr],
                       published: date | None, attributor: Attributor) -> bool:
    """No cue word, but an agent, an action verb and either a deadline still ahead or a
    look-ahead frame ("Thời gian tới, quận tập trung …")."""
    if not _has_agent(text, clause.start, action.start(), attributor):
        return False
    if cue_regex("past").search(text, clause.start, action.start()) or _ends_with("noun_before", text, action.start()):
        return False
    if cue_regex("future").search(text, clause.lead_start, action.start()):
        return True
    deadline = _deadline(text, dates, clause.lead_start, clause.end, published, ahead_only=True)
    return bool(deadline and deadline.modifier in ("before", "by", "within"))


def _heading(text: str, clause: Clause, lines: list[tuple[int, int]]) -> bool:
    """A title or subheading line: short, and no sentence punctuation at its end."""
    start, end = lines[clause.paragraph] if lines else (0, len(text))
    line = text[start:end].rstrip()
    return len(line.split()) <= 20 and line[-1:] not in ".!?:;\"”…)" and clause.end >= start + len(line) - 1


def _turn_speaker(turns: SpanIndex, pos: int) -> tuple[int | None, Speaker | None, bool]:
    """The speaker turn holding ``pos``: its index, its speaker, and whether a transcript
    label names that speaker (then it outranks every other attribution)."""
    index = turns.holding(pos)
    if index is None:
        return None, None, False
    turn = turns.records[index]
    if not (turn.speaker or turn.title):
        return index, None, False
    return index, Speaker(turn.speaker, turn.title, turn.speaker_kind, "turn"), turn.source == "transcript"


def find_statements(text: str, sentences: list[tuple[int, int]], persons: list[PersonMention],
                    bodies: list[BodyMention], furniture: list[tuple[int, int]],
                    published: date | None, turns: list = ()) -> list[Statement]:
    """Commitments, demands and assignments; ``turns`` (from pipeline.turns) give the
    speaker of what is said in a transcript turn or a reported answer."""
    turn_index = SpanIndex(turns)
    quotes = speech_quotes(text)
    attributor = Attributor(text, persons, bodies, furniture)
    dates = find_dates(text, published)
    sentence_end = {s: e for s, e in sentences}
    names = SpanIndex([*bodies, *persons])
    found: list[Statement] = []
    for clause in clauses(text, sentences, quotes):
        if inside(furniture, clause.start) or _heading(text, clause, attributor.lines) or \
                _is_question(text, clause, sentence_end.get(clause.sentence_start, clause.end)):
            continue
        cue = _first_cue(text, clause.start, clause.end, names)
        if cue is None:
            group, match = None, cue_regex("action").search(text, clause.start, clause.end)
            if match is None:
                continue
            clause, lead = _cut_lead(text, clause, match.start(), attributor)
            if not _no_cue_commitment(text, clause, match, dates, published, attributor):
                continue
        else:
            group, match = cue
            clause, lead = _cut_lead(text, clause, match.start(), attributor)
            if clause.start > match.start():
                continue
        clause, tail = _cut_tail(text, clause, match.end(), attributor)
        turn, turn_speaker, labelled = _turn_speaker(turn_index, clause.start)
        speaker = (turn_speaker if labelled else None) or \
            (attributor.for_quote(clause.quote) if clause.quote else None) or lead or tail or \
            attributor.subject(clause.start, match.start()) or turn_speaker
        kind = _classify(text, clause, group, match, speaker, dates, published, attributor)
        if kind is None:
            continue
        speaker = speaker or _subject_speaker(clause, match, attributor)
        action_start = _action_start(text, match, clause.end) if group != "directive" else match.end()
        target, quantity, unit = _target(text, action_start, clause.end, dates)
        line = attributor.lines[clause.paragraph] if attributor.lines else None
        found.append(Statement(
            kind, clause.start, clause.end, match.group(), speaker,
            _deadline(text, dates, clause.lead_start, clause.end, published, after=match.start()), target, quantity, unit,
            topic_of(text, clause.start, clause.end, line),
            bool(cue_regex("hedge").search(text, clause.lead_start, clause.end)), clause.quote is not None, turn))
    return found


def _subject_speaker(clause: Clause, cue: re.Match[str], attributor: Attributor) -> Speaker | None:
    """No attribution in the sentence: reported speech carried over, else the subject body."""
    carried = attributor.carried(clause.start)
    subject_body = next(iter(attributor.bodies.between(clause.start, cue.start())), None)
    if carried:
        speaker, paragraph = carried
        # "Sở Xây dựng sẽ …" two paragraphs after the mayor spoke: the body's own promise,
        # unless the mayor's title names that body ("Chủ tịch UBND quận …" → "Quận …").
        if subject_body and paragraph != clause.paragraph and \
                subject_body.head.casefold() not in (speaker.title or "").casefold():
            return Speaker(None, subject_body.canonical, "body", "subject")
        return speaker
    if subject_body:
        return Speaker(None, subject_body.canonical, "body", "subject")
    return None


@dataclass
class StatusReport:
    """A sentence that says how a promise went: "đã hoàn thành", "chậm tiến độ"."""
    start: int
    end: int
    status: str             # kept | partly | not_kept | in_progress
    cue: str
    topic: str | None

    def as_dict(self, text: str) -> dict:
        return {"quote": text[self.start:self.end], "start": self.start, "end": self.end,
                "status": self.status, "cue": self.cue, "topic": self.topic}


REPORT_STATUSES = ("kept", "partly", "not_kept", "in_progress")


def find_status_reports(text: str, sentences: list[tuple[int, int]],
                        furniture: list[tuple[int, int]]) -> list[StatusReport]:
    """Sentences with a follow-up cue and the status it suggests. An adjective naming a
    kind of project ("các dự án chậm tiến độ") is not a report on one."""
    lines = _lines(text)
    found = []
    for start, end in sentences:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start < 12 or inside(furniture, start):
            continue
        hits = [(m, status) for status in REPORT_STATUSES for m in cue_regex(f"followup_{status}").finditer(text, start, end)
                if not (re.search(r"(?:dự án|công trình|các|những)\s*$", text[max(0, m.start() - 12):m.start()])
                        and not re.match(r"(?:đã|chưa|vẫn|đang|không|mới|cơ bản)\s", m.group(), re.IGNORECASE))]
        if not hits:
            continue
        # The first cue decides ("mới xử lý 120 dự án …"); at one place, the longest.
        match, status = min(hits, key=lambda h: (h[0].start(), -len(h[0].group())))
        line = next(((a, b) for a, b in lines if a <= start < b), None)
        found.append(StatusReport(start, end, status, match.group(), topic_of(text, start, end, line)))
    return found


@Language.factory("hdnd_commitments")
def make_commitments(nlp: Language, name: str):
    def find(doc: Doc) -> Doc:
        data = doc.user_data
        sentences = [(s.start_char, s.end_char) for s in doc.sents]
        found = find_statements(doc.text, sentences, data.get("hdnd_persons", []), data.get("hdnd_bodies", []),
                                doc._.furniture, data.get("hdnd_published"), data.get("hdnd_turns", []))
        annotate(doc, "status_reports", find_status_reports(doc.text, sentences, doc._.furniture),
                 lambda r: r.status.upper())
        return annotate(doc, "commitments", found, lambda s: s.kind.upper())
    return find
