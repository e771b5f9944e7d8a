"""Council sessions: "Kỳ họp thứ 12 HĐND TP Hà Nội", "kỳ họp thứ mười hai, HĐND thành phố
Hà Nội khóa XVI", "phiên chất vấn của HĐND TP.Hà Nội", with term, number, date and the
kind of sitting (chất vấn, giám sát, thường lệ, chuyên đề, bất thường); and the National
Assembly Standing Committee's meetings ("phiên họp thứ 26 của Ủy ban Thường vụ Quốc hội"),
which it numbers by meeting as councils number sessions, its question sittings among them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc

from pipeline.bodies import BodyMention
from pipeline.dates import TimeExpr, find_dates, parse_published
from pipeline.labels import STANDING_COMMITTEE
from pipeline.numbers import ROMAN, int_to_roman, parse_number_words, roman_to_int
from pipeline.steps import step
from pipeline.text import inside
from pipeline.turns import is_transcript

_NUMBER_WORDS = r"(?:mười|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mươi|mốt|tư|lăm|nhất|\s)+"
_SESSION = re.compile(rf"(?<![\w])kỳ họp\s+(?:thứ\s+(?P<no>\d{{1,2}}|{_NUMBER_WORDS}\b)|(?P<kind>chuyên đề|bất thường|"
                      rf"thường lệ|cuối năm|giữa năm)(?:\s+lần\s+thứ\s+(?P<no2>\d{{1,2}}))?)",
                      re.IGNORECASE)
# A sitting: "phiên chất vấn", "bắt đầu phần trả lời chất vấn trước Quốc hội", "Quốc hội họp phiên
# toàn thể", "Quốc hội tiếp tục ngày làm việc thứ sáu" (a day of a session named without its number).
_SITTING = re.compile(r"(?<![\w])(?:phiên\s+(?P<kind>chất vấn|giải trình|thảo luận|khai mạc|bế mạc|họp|toàn thể)|"
                      r"(?:tiến hành|bắt đầu|tiếp tục|hoạt động|phần|buổi|ngày)\s+(?:trả lời\s+)?(?P<kind2>chất vấn)|"
                      r"ngày làm việc)(?![\w])", re.IGNORECASE)
# The Standing Committee sits between the Assembly's sessions and numbers its meetings: "phiên
# họp thứ 26", "Phiên họp lần thứ 36", "UBTVQH"; its question sittings are its meetings.
_MEETING = re.compile(rf"(?<![\w])phiên họp\s+(?:lần\s+)?thứ\s+(?P<no>\d{{1,3}}|{_NUMBER_WORDS}\b)", re.IGNORECASE)
_STANDING = re.compile(r"(?<![\w])UBTVQH(?![\w])")
_TERM = re.compile(rf"\b(?i:khóa)\s+(?:(?P<term>{ROMAN})|(?P<digits>\d{{1,2}}))\b")
_COUNCIL_HEADS = ("HĐND", "Hội đồng nhân dân", "Quốc hội")
# A session named as the subject of a report, not the one sitting: "kết quả giải quyết kiến
# nghị của cử tri trước và sau Kỳ họp thứ 6", "sau kỳ họp thứ 5", "từ kỳ họp thứ 3".
_REFERENCE = re.compile(r"(?<![\w])(?:trước và sau|trước|sau|từ|đến|giữa hai|các|những|tại các)\s*$", re.IGNORECASE)
_PLACELESS = {None, "tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường"}
# The National Assembly in a capitals heading, or its deputies as a group ("nhiều ĐBQH", not
# "Trưởng đoàn ĐBQH tỉnh": an office).
_NATIONAL = re.compile(r"(?<![\w])(?:QUỐC HỘI|(?:nhiều|các|một số)\s+ĐBQH)(?![\w])")
_TODAY = re.compile(r"(?<![\w])(?:sáng|chiều|tối|trưa|hôm) nay(?![\w])", re.IGNORECASE)
_SENTENCE_CUT = re.compile(r"[.!?](?=\s|$)|\n")  # not the dot of "Sáng 28.5"
_KINDS = {"chất vấn": "chất vấn", "giải trình": "giải trình", "giám sát": "giám sát", "chuyên đề": "chuyên đề",
          "bất thường": "bất thường", "thường lệ": "thường lệ", "cuối năm": "thường lệ", "giữa năm": "thường lệ"}


@dataclass
class SessionMention:
    start: int
    end: int
    council: str | None
    level: str | None
    place: str | None
    term: str | None
    session_no: int | None
    date: str | None
    kind: str | None
    reference: bool = False   # named as what a report is about ("trước và sau Kỳ họp thứ 6"), not the sitting

    def as_dict(self, text: str) -> dict:
        return {"council": self.council, "level": self.level, "place": self.place, "term": self.term,
                "session_no": self.session_no, "date": self.date, "kind": self.kind,
                "quote": text[self.start:self.end], "start": self.start, "end": self.end}


def _councils(text: str, bodies: list[BodyMention]) -> list[BodyMention]:
    """The councils named: bodies headed HĐND, Thường trực … or Quốc hội, the Standing
    Committee (also as "UBTVQH"), and the National Assembly in a capitals heading ("KỲ HỌP
    THỨ MƯỜI QUỐC HỘI KHÓA XIV") or through its deputies as a group ("Cuối phiên chất vấn
    sáng nay, nhiều ĐBQH …")."""
    national = [BodyMention(m.start(), m.end(), "Quốc hội", "Quốc hội") for m in _NATIONAL.finditer(text)]
    standing = [BodyMention(m.start(), m.end(), STANDING_COMMITTEE, STANDING_COMMITTEE) for m in _STANDING.finditer(text)]
    return sorted((b for b in bodies + national + standing
                   if b.head in _COUNCIL_HEADS + (STANDING_COMMITTEE,) or b.head.startswith("Thường trực")),
                  key=lambda b: b.start)


def _council_near(text: str, near: list[BodyMention], start: int, end: int) -> BodyMention | None:
    after = [b for b in near if end <= b.start <= end + 60 and not re.search(r"[.\n]", text[end:b.start])]
    before = [b for b in near if start - 80 <= b.end <= start and not re.search(r"[.\n]", text[b.end:start])]
    return (after or [None])[0] or (before[-1] if before else None)


def _short_council(canonical: str) -> str:
    return canonical.replace("Hội đồng nhân dân", "HĐND").replace("Thường trực HĐND", "HĐND")


def _session_date(text: str, start: int, end: int, published) -> str | None:
    """A day named in the same sentence, before or just after the mention; never a
    deadline or a span bound ("trước ngày 30/6/2025", "đến ngày…", "từ ngày…"); "sáng nay"
    is the publication day."""
    left = max([0] + [m.end() for m in _SENTENCE_CUT.finditer(text, max(0, start - 400), start)])
    right_cut = _SENTENCE_CUT.search(text, end)
    right = right_cut.start() if right_cut else len(text)
    days = [d for d in find_dates(text[left:right], published) if d.granularity == "day" and d.deadline
            and d.modifier not in ("before", "by", "within", "from", "after")]
    if days:
        return None if _stale_year(days[0], published) else days[0].value
    # "Sáng nay (15/11), Quốc hội bước vào phiên chất vấn": the day the page was published.
    if published and _TODAY.search(text, left, right):
        return published.isoformat()
    return None


# A report comes out within days of the sitting; a page dated months after a day it names
# without a year ("Chiều 5-7") is a later copy (a scraper's, stamped when it copied), whose
# date says nothing of the year the sitting was in.
REPORT_DAYS = 92


def _stale_year(day: TimeExpr, published) -> bool:
    """Whether ``day`` takes its year only from a publication date too long after it."""
    if published is None or re.search(r"\d{4}|năm", day.text):
        return False
    return (published - date.fromisoformat(day.value)).days > REPORT_DAYS


HEADER_CHARS = 800
# "Ngày 3 tháng 12 năm 2024" or "Hà Nội, ngày 12/7/2024" alone on a line (not a byline's "02/12/2021 - 07:13").
_DATE_LINE = re.compile(r"^[^\S\n]*(?:[Nn]gày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|"
                        r"[^\W\d_][\w ]{0,30},\s*ngày\s+\d[^\n]{0,30})[^\S\n]*$", re.MULTILINE)


def _header_date(text: str, published) -> str | None:
    """The date on a line of its own near the top of a record (a transcript's or minutes'
    header): "Ngày 3 tháng 12 năm 2024", "Hà Nội, ngày 12/7/2024"."""
    for line in _DATE_LINE.finditer(text, 0, HEADER_CHARS):
        days = [d for d in find_dates(line.group(), published) if d.granularity == "day" and d.deadline]
        if days and len(days[0].text) >= len(line.group().strip()) * 0.4:
            return days[0].value
    return None


def _term(match: re.Match[str] | None) -> str | None:
    """"khóa XVI" and "khóa 16" as "XVI"."""
    if match is None:
        return None
    if match.group("digits"):
        return int_to_roman(int(match.group("digits"))) if 0 < int(match.group("digits")) < 40 else None
    return match.group("term") if roman_to_int(match.group("term")) else None


def _named_terms(text: str, councils: list[BodyMention]) -> dict[str, str]:
    """The term a page gives a council where it names it ("Quốc hội khoá XV: Bổ sung …" in a
    heading), for its sittings named without one; none where the page names two of its terms
    ("đại biểu Quốc hội khóa XV", "Ủy ban Kinh tế của Quốc hội khóa XIV")."""
    terms: dict[str, set[str]] = {}
    for council in councils:
        after = text[council.end:council.end + 12]
        term = _term(_TERM.match(text, council.end + len(after) - len(after.lstrip(" ,")))) if after.strip() else None
        if term:
            terms.setdefault(council.canonical, set()).add(term)
    return {name: next(iter(found)) for name, found in terms.items() if len(found) == 1}


def find_sessions(text: str, bodies: list[BodyMention], published=None,
                  furniture: list[tuple[int, int]] = (), transcript: bool = False) -> list[SessionMention]:
    """The sessions named in ``text``; in a transcript or minutes (``transcript``) a
    session named near the top without its day takes the header's date (a news page's
    header date is the page's, not the sitting's)."""
    pub = parse_published(published)
    furniture = list(furniture)
    header = _header_date(text, pub) if transcript else None
    councils = _councils(text, bodies)
    named_terms = _named_terms(text, councils)
    found: list[SessionMention] = []
    for match in [m for pattern in (_SESSION, _SITTING, _MEETING) for m in pattern.finditer(text)]:
        if inside(furniture, match.start()):
            continue
        council = _council_near(text, councils, match.start(), match.end())
        # Only the Standing Committee numbers its meetings as sessions (a council's "phiên họp
        # thứ 2" is a sitting of a session); it holds no "kỳ họp" (one near it is the Assembly's).
        if council is None or match.re is not _SITTING and (match.re is _MEETING) != (council.head == STANDING_COMMITTEE):
            continue
        groups = match.groupdict()
        number = groups.get("no") or groups.get("no2")
        session_no = None
        if number:
            session_no = int(number) if number.strip().isdigit() else parse_number_words(number.strip())
        term = _TERM.search(text, match.end(), min(len(text), max(match.end(), council.end) + 40))
        kind = _KINDS.get((groups.get("kind") or groups.get("kind2") or "").lower())
        place = council.canonical.split("nhân dân", 1)[-1].strip() or None
        level = next((k for k in ("thành phố", "tỉnh", "quận", "huyện", "thị xã", "xã", "phường")
                      if place and place.startswith(k)), None)
        end = max(match.end(), council.end if council.start >= match.end() else match.end())
        if term and term.start() - end < 10:
            end = term.end()
        found.append(SessionMention(match.start(), end, _short_council(council.canonical), level, place,
                                    _term(term) or named_terms.get(council.canonical), session_no,
                                    _session_date(text, match.start(), match.end(), pub) or
                                    (header if match.start() < HEADER_CHARS else None), kind,
                                    bool(_REFERENCE.search(text, max(0, match.start() - 14), match.start()))))
    found.sort(key=lambda s: s.start)
    return found


def main_session(mentions: list[SessionMention]) -> dict | None:
    """The session an article reports on: the first one named with the day it sat, else the
    first one named that is not only a reference ("trước và sau Kỳ họp thứ 6"), completed
    from the others that name the same council."""
    # "HĐND tỉnh" with no province (a page that never names it) identifies no council.
    mentions = [m for m in mentions if m.place not in _PLACELESS]
    if not mentions:
        return None
    first = next((m for m in mentions if m.date and not m.reference), None) or \
        next((m for m in mentions if not m.reference), mentions[0])
    same = [first] + [m for m in mentions if m.council == first.council and m is not first]
    numbered = next((m for m in same if m.session_no is not None), None)
    session_no = numbered.session_no if numbered else None
    return {"council": first.council,
            "session_no": session_no,
            "term": next((m.term for m in same if m.term and (m.session_no in (None, session_no))), None),
            "date": next((m.date for m in same if m.date), None),
            "kind": next((m.kind for m in same if m.kind), None)}


@step("hdnd_sessions", "sessions", label=lambda m: "SESSION", requires=["bodies", "published", "furniture",
                                                                      "transcript"])
def sessions_of(doc: Doc) -> list[SessionMention]:
    transcript = doc._.transcript if doc._.transcript is not None else is_transcript(doc._.text)
    return find_sessions(doc._.text, doc._.bodies, doc._.published, doc._.furniture, transcript)
