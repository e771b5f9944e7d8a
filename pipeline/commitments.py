"""Commitments, demands and assignments: who said they will do what, and by when.

Every clause (``pipeline.clauses``) is a candidate. For each one this module gathers what
the rules know — the cue and its group, whether the rules would keep it
(``pipeline.rules``), past and future markers, quoted speech, a deadline, the speaker and
how they were found (``pipeline.attribution``), the role of the speaker turn — and writes
it as the candidate's features. The trained classifier (``pipeline.classify``) then
decides the kind; a kept candidate becomes a :class:`Statement` with its deadline,
target, quantity and topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc

from pipeline.attribution import PRONOUN, Attributor, Speaker, attributor_of, cut_lead, cut_tail, subject_speaker, turn_speaker
from pipeline.bodies import BodyMention
from pipeline.clauses import Clause, clauses, is_heading, is_question, lines_of, paragraph_index, speech_quotes
from pipeline.cues import TokenCue, cue_regex, token_cues, topic_of
from pipeline.dates import TimeExpr, find_dates
from pipeline.labels import REPORT_STATUSES
from pipeline.numbers import NUMBER, parse_number
from pipeline.persons import PersonMention
from pipeline.rules import (
    action_start,
    deadline_of,
    first_cue,
    has_agent,
    is_agenda,
    is_past,
    no_cue_commitment,
    rule_kind,
    side_of,
)
from pipeline.segment import sentence_spans
from pipeline.steps import step
from pipeline.text import LOWER, SpanIndex, inside


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
    score: float | None = None  # the classifier's probability for the kind; None when rules decided

    def as_dict(self, text: str) -> dict:
        s = self.speaker
        d = self.deadline
        return {"kind": self.kind, "quote": text[self.start:self.end], "start": self.start, "end": self.end,
                "speaker": s.name if s else None, "speaker_title": s.title if s else None,
                "speaker_kind": s.kind if s else None, "attribution": s.how if s else None,
                "deadline": d.deadline if d else None, "deadline_text": d.text if d else None,
                "deadline_granularity": d.granularity if d else None,
                "target": self.target, "quantity": self.quantity, "unit": self.unit, "topic": self.topic,
                "cue": self.cue, "hedged": self.hedged, "in_quote": self.in_quote, "turn": self.turn,
                "score": None if self.score is None else round(self.score, 3)}


@dataclass
class Candidate:
    """A clause that may be a commitment or a demand, with what the rules found in it."""
    clause: Clause
    group: str | None        # promise | directive | None (no cue)
    cue: str                 # the cue (or action verb) as written; "" when there is none
    cue_start: int
    cue_end: int
    speaker: Speaker | None
    side: str | None         # council | executive: who asks (demand) or orders (assignment)
    rule: str | None         # the rules' verdict: commitment | demand | assignment | None
    turn: int | None
    features: str            # the classifier's input: flags, the clause and its lead, lower-cased
    kind: str | None = None  # decided by the classifier (or the rules)
    score: float | None = None
    probs: dict[str, float] = field(default_factory=dict)
    recalled: bool = False   # inside a recalled promise (pipeline.recalls): evidence about it, not a promise

    @property
    def start(self) -> int:
        return self.clause.start

    @property
    def end(self) -> int:
        return self.clause.end


_WORD = re.compile(r"\w+|[^\w\s]")
LEAD_WORDS = 8


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


_SEPARATORS = {";": "semi", ":": "colon", ",": "comma", ".": "stop", "\n": "line"}


def _context(text: str, clause: Clause, earlier: list[Candidate]) -> list[str]:
    """Flags for what governs a clause from before it: the mark it follows and the
    cue of the nearest earlier clause of its paragraph that has one ("UBND tỉnh yêu cầu
    …; [đồng thời chủ động …]")."""
    before = text[max(0, clause.lead_start - 40):clause.lead_start].rstrip(" \t\xa0\"“”'‘’")
    flags = [f"c_sep_{_SEPARATORS.get(before[-1:], 'none') if before else 'start'}"]
    for prev in reversed(earlier):
        if prev.clause.paragraph not in (clause.paragraph, clause.paragraph - 1):
            break
        if prev.group is None:
            continue
        where = "s" if prev.clause.sentence_start == clause.sentence_start else "p"
        flags += [f"c_gov_{where}_{prev.group}", f"c_govrule_{where}_{prev.rule or 'none'}"]
        break
    return flags


def _features(text: str, clause: Clause, cand: dict, turn_role: str | None, cues: SpanIndex,
              context: list[str]) -> str:
    """Flags for the rule signals and for the lexicon groups matched on the Doc's tokens
    by a PhraseMatcher (``t_`` in the clause, ``tl_`` before it), what governs the clause
    (``c_``), the cue as one token (``cue_``) and the words of its subject (``s_``), then
    the clause's words, then the words of the sentence before it (``l_``): "Ông X cho
    biết", "đề nghị", "Theo …"."""
    subject = text[clause.start:cand["cue_start"]].strip(" ,") if cand["cue"] else ""
    flags = [f"f_group_{cand['group'] or 'none'}", f"f_rule_{cand['rule'] or 'none'}",
             f"f_side_{cand['side'] or 'none'}", f"f_turn_{turn_role or 'none'}"]
    speaker: Speaker | None = cand["speaker"]
    flags.append(f"f_spk_{speaker.kind if speaker and speaker.kind else 'none'}")
    flags.append(f"f_how_{speaker.how if speaker else 'none'}")
    for name in ("past", "agenda", "question", "heading", "deadline", "agent"):
        if cand[name]:
            flags.append(f"f_{name}")
    if clause.quote:
        flags.append("f_quote")
    if not subject:
        flags.append("f_subject_empty")
    elif PRONOUN.match(subject):
        flags.append("f_subject_pronoun")
    if cue_regex("future").search(text, clause.lead_start, clause.end):
        flags.append("f_future")
    if cue_regex("hedge").search(text, clause.lead_start, clause.end):
        flags.append("f_hedge")
    flags += sorted({f"t_{c.group}" for c in cues.between(clause.lead_start, clause.end)})
    flags += sorted({f"tl_{c.group}" for c in cues.between(clause.sentence_start, clause.lead_start)})
    lead = _words(text[clause.sentence_start:clause.start])[-LEAD_WORDS:]
    cue = [f"cue_{'_'.join(_words(cand['cue']))}"] if cand["cue"] else []
    subject_words = [f"s_{w}" for w in _words(subject)[:6]]
    return " ".join(flags + context + cue + subject_words + _words(text[clause.start:clause.end]) +
                    [f"l_{w}" for w in lead])


def find_candidates(text: str, sentences: list[tuple[int, int]], persons: list[PersonMention],
                    bodies: list[BodyMention], furniture: list[tuple[int, int]], published: date | None,
                    turns: list, dates: list[TimeExpr], cues: list[TokenCue],
                    attributor: Attributor | None = None) -> list[Candidate]:
    """Every clause outside page furniture, with its cue, speaker, rule verdict and
    features; ``turns`` (from pipeline.turns) give the speaker of what is said in a
    transcript turn or a reported answer; ``cues`` are the lexicon matches on the tokens."""
    turn_index = SpanIndex(turns)
    quotes = speech_quotes(text)
    attributor = attributor or Attributor(text, persons, bodies, furniture)
    sentence_end = {s: e for s, e in sentences}
    names = SpanIndex([*bodies, *persons])
    token_index = SpanIndex(cues)
    found: list[Candidate] = []
    for clause in clauses(text, sentences, quotes):
        if inside(furniture, clause.start):
            continue
        heading = is_heading(text, clause, attributor.lines)
        question = is_question(text, clause, sentence_end.get(clause.sentence_start, clause.end))
        cue = first_cue(text, clause.start, clause.end, names)
        lead = tail = None
        if cue is None:
            group, match = None, cue_regex("action").search(text, clause.start, clause.end)
        else:
            group, match = cue
        if match is not None:
            cut, lead = cut_lead(text, clause, match.start(), attributor)
            if cut.start <= match.start():
                clause = cut
                clause, tail = cut_tail(text, clause, match.end(), attributor)
            else:  # the cue is in the attribution ("X cam kết, …" cut away): no cue here
                group, match, lead = None, None, None
        cue_start = match.start() if match else clause.start
        turn, speaker_of_turn, labelled = turn_speaker(turn_index, clause.start)
        speaker = (speaker_of_turn if labelled else None) or \
            (attributor.for_quote(clause.quote) if clause.quote else None) or lead or tail or \
            attributor.pronoun(clause.start, cue_start) or \
            (attributor.subject(clause.start, cue_start) if match and not question else None) or speaker_of_turn or \
            (attributor.asker(clause.start) if question else None)
        rule = None
        if match is not None and not heading and not question:
            if group is None:
                rule = "commitment" if no_cue_commitment(text, clause, match, dates, published, attributor) else None
            else:
                rule = rule_kind(text, clause, group, match, speaker, dates, published, attributor)
        speaker = speaker or subject_speaker(clause, cue_start, attributor) or attributor.nearest(clause.start)
        carried = attributor.carried(clause.start)
        side = side_of(speaker or (carried[0] if carried else None), text[clause.start:cue_start])
        signals = {
            "group": group, "cue": match.group() if match else "", "cue_start": cue_start, "rule": rule,
            "side": side, "speaker": speaker, "heading": heading, "question": question,
            "past": bool(match) and is_past(text, clause.start, match, dates, published),
            "agenda": bool(match) and is_agenda(text, clause.start, match, attributor),
            "deadline": deadline_of(text, dates, clause.lead_start, clause.end, published) is not None,
            "agent": has_agent(text, clause.start, cue_start, attributor),
        }
        role = turns[turn].role if turn is not None else None
        found.append(Candidate(clause, group, signals["cue"], cue_start, match.end() if match else clause.start,
                               speaker, side, rule, turn, _features(text, clause, signals, role, token_index,
                                                                   _context(text, clause, found))))
    return found


def kind_for(candidate: Candidate, label: str) -> str:
    """A classifier label (commitment, demand) as a statement kind: a demand made by the
    executive side to its own subordinates is an assignment."""
    if label == "demand" and candidate.side == "executive":
        return "assignment"
    return label


_QUANTITY = re.compile(
    rf"(?:(?:tối thiểu|tối đa|ít nhất|trên|dưới|khoảng|hơn|gần|đạt|đến|toàn bộ)\s+)?(?P<num>{NUMBER})\s*"
    rf"(?P<unit>%|km2|km|ha|m2|m²|m3|tấn|tỷ đồng|triệu đồng|nghìn tỷ đồng|[{LOWER}]+(?: [{LOWER}]+)?)")
_NP_STOP = re.compile(r"(?<![\w])(?:trước|trong|đến|tới|vào|tại|theo|để|nhằm|và|năm|ngày|tháng|quý|của|với|từ|"
                      r"khi|thì|nhưng|mà|hoặc|cho|bằng)(?![\w])|[,.;:!?()\"“”]")


def _target(text: str, action_at: int, end: int, dates: list[TimeExpr]) -> tuple[str | None, float | None, str | None]:
    """The measurable part: "xử lý dứt điểm 293 dự án chậm tiến độ", with 293 and "dự án"."""
    date_spans = [(d.start, d.end) for d in dates]
    for match in _QUANTITY.finditer(text, action_at, end):
        num = match.group("num")
        if inside(date_spans, match.start("num")) or re.fullmatch(r"(?:19|20)\d{2}", num):
            continue
        if re.search(r"(?:số|/)\s*$", text[max(0, match.start() - 5):match.start()]):
            continue
        value = parse_number(num)
        unit = match.group("unit")
        stop = _NP_STOP.search(text, match.end(), end)
        np_end = stop.start() if stop else end
        found = text[match.end():np_end].split()
        np_end = match.end() + len(" ".join(found[:6])) + (1 if found else 0)
        target = text[action_at:np_end].strip(" ,")
        return target or None, value, unit
    return None, None, None


def statements(text: str, candidates: list[Candidate], published: date | None,
               dates: list[TimeExpr]) -> list[Statement]:
    """The candidates given a kind, as statements with deadline, target and topic."""
    lines = lines_of(text)
    found = []
    for cand in candidates:
        if cand.kind is None or cand.recalled:
            continue
        clause = cand.clause
        action_at = action_start(text, cand.cue_end, clause.end) if cand.group == "promise" else cand.cue_end
        target, quantity, unit = _target(text, action_at, clause.end, dates)
        line = lines[clause.paragraph] if lines else None
        found.append(Statement(
            cand.kind, clause.start, clause.end, cand.cue, cand.speaker,
            deadline_of(text, dates, clause.lead_start, clause.end, published, after=cand.cue_start), target, quantity,
            unit, topic_of(text, clause.start, clause.end, line),
            bool(cue_regex("hedge").search(text, clause.lead_start, clause.end)), clause.quote is not None, cand.turn,
            cand.score))
    return found


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


def find_status_reports(text: str, sentences: list[tuple[int, int]],
                        furniture: list[tuple[int, int]]) -> list[StatusReport]:
    """Sentences with a follow-up cue and the status it suggests. An adjective naming a
    kind of project ("các dự án chậm tiến độ") is not a report on one."""
    lines = lines_of(text)
    starts = [a for a, _ in lines]
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
        index = paragraph_index(lines, starts, start)
        line = lines[index] if index >= 0 else None
        found.append(StatusReport(start, end, status, match.group(), topic_of(text, start, end, line)))
    return found


@step("hdnd_dates", "dates", label=lambda d: (d.granularity or "date").upper(), requires=["published"])
def dates_of(doc: Doc) -> list[TimeExpr]:
    """Every date and period in the text, read once for the steps and records after it."""
    return find_dates(doc._.text, doc._.published)


@step("hdnd_candidates", "candidates", label=lambda c: (c.group or "none").upper(),
      requires=["persons", "bodies", "turns", "furniture", "published", "dates"])
def candidates_of(doc: Doc) -> list[Candidate]:
    return find_candidates(doc._.text, sentence_spans(doc), doc._.persons, doc._.bodies, doc._.furniture,
                           doc._.published, doc._.turns, doc._.dates, token_cues(doc), attributor_of(doc))


@step("hdnd_status_reports", "status_reports", label=lambda r: r.status.upper(), requires=["furniture"])
def status_reports_of(doc: Doc) -> list[StatusReport]:
    return find_status_reports(doc._.text, sentence_spans(doc), doc._.furniture)
