"""Clause rules: is a cue used as a verb, is the clause a report of the past, an agenda
item, a forecast, a regulation; who is on which side of a directive. Their verdict is one
signal the trained classifier (``pipeline.classify``) weighs, and the answer when no
model is installed.
"""

from __future__ import annotations

import re
from datetime import date

from pipeline.attribution import Attributor, Speaker
from pipeline.clauses import Clause
from pipeline.cues import commitment_cues, cue_regex, ends_with, starts_with
from pipeline.dates import TimeExpr, deadline_date
from pipeline.text import LOWER, UPPER, SpanIndex

_ADDRESSEE = re.compile(r"\s*(?:các|những|toàn|mọi|từng|cả|ngành|UBND|Ủy ban|HĐND|Sở|Ban|Bộ|Công an|Thanh tra|"
                        rf"cơ quan|đơn vị|chủ đầu tư|nhà đầu tư|chính quyền|lãnh đạo|cấp|[{UPPER}])")


def _verbal(text: str, match: re.Match[str], clause_start: int) -> bool:
    """The cue is used as a verb: not "lời hứa", "thực hiện cam kết", "quyết tâm cao"."""
    if ends_with("noun_before", text, match.start()):
        return False
    cue = match.group().lower()
    if cue in ("sẽ", "khẩn trương", "kiên quyết", "chắc chắn", "nhất định"):
        return True
    after = text[match.end():match.end() + 20]
    if not after.strip() or after[:1] in ".;:!?)”\"" or starts_with("noun_after", text, match.end()):
        return False
    if cue in ("bảo đảm", "đảm bảo"):
        subject = text[clause_start:match.start()].split(",")[-1].strip()
        return not subject or len(subject.split()) <= 6 and bool(
            cue_regex("agent").search(subject) or re.search(r"(?:sẽ|xin|cam kết|phải)$", subject))
    if any(cue == p.lower() for p in commitment_cues()["directive"]):
        return bool(_ADDRESSEE.match(text, match.end()))
    return True


def first_cue(text: str, start: int, end: int, names: SpanIndex) -> tuple[str, re.Match[str]] | None:
    """The first cue used as a verb, outside names ("Ban Chỉ đạo", "Sở Giao thông")."""
    found = [(m.start(), group, m) for group in ("promise", "directive")
             for m in cue_regex(group).finditer(text, start, end)
             if not names.covers(m.start()) and _verbal(text, m, start)]
    if not found:
        return None
    _, group, match = min(found, key=lambda f: (f[0], f[1] == "directive"))
    return group, match


def is_past(text: str, start: int, cue: re.Match[str], dates: list[TimeExpr], published: date | None) -> bool:
    """A report of what was done: a past marker before the cue with no look-ahead after it,
    or a time frame already over."""
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


def is_agenda(text: str, start: int, cue: re.Match[str], attributor: Attributor) -> bool:
    """A sitting, a visit or a broadcast is scheduled: "Kỳ họp sẽ dành …", "… sẽ diễn ra"."""
    subject_start = max(start, text.rfind(",", start, cue.start()) + 1)
    subject = text[subject_start:cue.start()]
    if cue_regex("agenda_subject").search(subject) and not re.search(r"(?:UBND|Ủy ban|Sở|Chủ tịch|Giám đốc)", subject) \
            and not attributor.subject(subject_start, cue.start()):
        return True
    rest = cue.end()
    hedge = re.match(r"\s*(?:sẽ|được|dự kiến|tiếp tục)\s", text[rest:rest + 12])
    return bool(starts_with("agenda_verb", text, rest + (hedge.end() if hedge else 0)))


def has_agent(text: str, start: int, end: int, attributor: Attributor) -> bool:
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
    return bool(starts_with("result_verb", text, pos + (rest.end() if rest else 0)))


def side_of(speaker: Speaker | None, subject: str) -> str | None:
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


def rule_kind(text: str, clause: Clause, group: str | None, match: re.Match[str], speaker: Speaker | None,
              dates: list[TimeExpr], published: date | None, attributor: Attributor) -> str | None:
    """commitment, demand or assignment; None for a false friend."""
    subject = text[clause.start:match.start()]
    if group == "directive":
        carried = attributor.carried(clause.start)
        side = side_of(speaker or (carried[0] if carried else None), subject)
        after = text[match.end():clause.end]
        if side is None or not _ADDRESSEE.match(after) or not cue_regex("action").search(after):
            return None
        if side == "executive" and re.match(r"\s*(?:HĐND|Hội đồng nhân dân|Quốc hội|Trung ương|Chính phủ|Bộ\s)", after):
            return None  # a proposal upwards, not an order
        if is_past(text, clause.start, match, dates, published) and not deadline_of(text, dates, clause.lead_start, clause.end,
                                                                              published, ahead_only=True):
            return None
        return "demand" if side == "council" else "assignment"
    if is_past(text, clause.start, match, dates, published) or is_agenda(text, clause.start, match, attributor):
        return None
    if cue_regex("forecast").search(text, clause.lead_start, match.start()):
        return None  # "… được dự báo sẽ …": a prediction
    if group is None and cue_regex("rule").search(text, clause.sentence_start, match.start()):
        return None  # a regulation's obligation, not a promise
    if re.match(r"Theo\s+(?:Nghị định|Luật|Thông tư|Bộ luật|quy định)", text[clause.sentence_start:clause.start]):
        return None
    if not has_agent(text, clause.start, match.start(), attributor):
        if not (speaker and cue_regex("action").match(text, action_start(text, match.end(), clause.end))
                and deadline_of(text, dates, clause.lead_start, clause.end, published)):
            return None
    if match.group().lower() in ("tiếp tục", "sẽ") and _result_after(text, match.end()):
        return None
    return "commitment"


def no_cue_commitment(text: str, clause: Clause, action: re.Match[str], dates: list[TimeExpr],
                       published: date | None, attributor: Attributor) -> bool:
    """No cue word, but an agent, an action verb and either a deadline still ahead or a
    look-ahead frame ("Thời gian tới, quận tập trung …")."""
    if not has_agent(text, clause.start, action.start(), attributor):
        return False
    if cue_regex("past").search(text, clause.start, action.start()) or ends_with("noun_before", text, action.start()):
        return False
    if cue_regex("future").search(text, clause.lead_start, action.start()):
        return True
    deadline = deadline_of(text, dates, clause.lead_start, clause.end, published, ahead_only=True)
    return bool(deadline and deadline.modifier in ("before", "by", "within"))


def deadline_of(text: str, dates: list[TimeExpr], start: int, end: int, published: date | None,
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



def action_start(text: str, cue_end: int, end: int) -> int:
    """Where the promised act begins: after the cue and its helper words."""
    chain = re.match(r"(?:\s*(?:sẽ|xin|tiếp tục|quyết tâm|phấn đấu|cam kết|bảo đảm|đảm bảo|khẩn trương|kiên quyết|"
                     r"chắc chắn|nhất định|hứa|xin hứa|có thể|dự kiến|cố gắng|được|phải|sớm|,))*\s*",
                     text[cue_end:end], re.IGNORECASE)
    return cue_end + (chain.end() if chain else 0)

