"""Speaker turns and question–answer exchanges of a council sitting.

Two kinds of text carry them:

* **Records and live reports**: a line opens with a speaker label, "Đại biểu Nguyễn Văn
  A (Tổ đại biểu huyện X) chất vấn: …", "Giám đốc Sở Y trả lời: …", "Chủ tọa: …", often
  after a time ("09h15: …"). The turn runs to the next label. A document with at least
  ``TRANSCRIPT_LABELS`` labels is a transcript.
* **News prose**: "Đại biểu X (Tổ đại biểu …) chất vấn về …", "Trả lời chất vấn của đại
  biểu X, Giám đốc Sở Y cho biết, …". A turn runs from its sentence to the end of its
  paragraph (an answer to the next turn, at most ``ANSWER_PARAGRAPHS`` paragraphs).

Each turn has a speaker (name and title), delegation, role (chair, question, answer,
debate, report, other), timestamp, the official a question addresses and a topic. A
question is paired with the answer that follows it, by the official addressed when the
text names one; an answer that names its asker ("của đại biểu X") is paired with X.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc

from pipeline.attribution import Attributor, Speaker, attributor_of
from pipeline.bodies import BodyMention
from pipeline.cues import cue_regex, topic_of
from pipeline.persons import PersonMention, is_place, title_regex
from pipeline.resources import surnames, turn_cues
from pipeline.segment import sentence_spans
from pipeline.steps import step
from pipeline.text import inside

TRANSCRIPT_LABELS = 3
ANSWER_PARAGRAPHS = 4

# "16h40'" (a minute mark, as Báo Quảng Ninh writes its live entries) is "16h40".
_TIME = r"(?P<hour>[01]?\d|2[0-3])\s*(?:h|giờ|:)\s*(?P<minute>[0-5]\d)?(?:\s*phút|['’])?"
# A label and its colon; the words follow on the same line or on the next ("Chủ tịch HĐND TP
# Nguyễn Thị Bích Ngọc:" alone on its line, "TRẢ LỜI:" above the answer).
_LINE = re.compile(rf"^[ \t*•\-–]*(?:[\[(]?{_TIME}[\])]?\s*(?:[:\-–—.,]\s*)?)?(?P<label>[^\n:]{{2,180}}?)\s*:"
                   rf"[ \t]*(?:\n\s*)?(?=\S)", re.MULTILINE)
# Labels with no speaker in them: a question or an answer of a Q&A page (answers to voters'
# petitions, "Hỏi: … Đáp: …"); the answer's speaker is the body or person its words begin with.
_BARE_LABELS = {"trả lời": "answer", "đáp": "answer", "hỏi": "question", "câu hỏi": "question"}
# The interviewer of a question-and-answer interview ("*Phóng viên: …", "-PV: …").
_INTERVIEWER = re.compile(r"(?:phóng viên|PV)", re.IGNORECASE)
_TIMESTAMP_LINE = re.compile(rf"^[ \t*•\-–]*[\[(]?{_TIME}[\])]?\s*[:\-–—.]\s+(?=\S)", re.MULTILINE)
# (À-Ỹ spans lower-case letters too: in_label checks the capitals.)
_UPPER_NAME = re.compile(r"(?<![\w])((?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]*|[A-ZĐÀ-Ỹ]+)(?:\s+(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]*|[A-ZĐÀ-Ỹ]+)){1,4})\s*$")


@dataclass
class Turn:
    start: int
    end: int
    speaker: str | None
    title: str | None
    delegation: str | None
    role: str                        # chair | question | answer | debate | report | other
    timestamp: str | None
    addressee: str | None
    topic: str | None
    source: str                      # transcript (a speaker label) | prose (reported in a news article)
    label_end: int | None = None     # where the label stops and the words start
    asked_by: str | None = None      # an answer that names its asker
    speaker_kind: str | None = "person"
    label: str | None = None         # the label's text, for a transcript turn

    def as_dict(self, text: str) -> dict:
        return {"speaker": self.speaker, "title": self.title, "delegation": self.delegation, "role": self.role,
                "timestamp": self.timestamp, "addressee": self.addressee, "topic": self.topic, "source": self.source,
                "start": self.start, "end": self.end, "quote": text[self.start:self.end]}


@dataclass
class Exchange:
    question: int | None         # turn index
    answer: int | None           # turn index
    asker: str | None
    answerer: str | None
    answerer_title: str | None
    topic: str | None
    debates: list[int] = field(default_factory=list)   # turn indices: debate that continues the exchange

    def as_dict(self) -> dict:
        return {"question": self.question, "answer": self.answer, "asker": self.asker, "answerer": self.answerer,
                "answerer_title": self.answerer_title, "topic": self.topic, "debates": self.debates}


@lru_cache(maxsize=None)
def _cue(group: str) -> re.Pattern[str]:
    words = "|".join(re.escape(p) for p in turn_cues()[group])
    return re.compile(rf"(?<![\w])(?:{words})(?![\w])", re.IGNORECASE)


@lru_cache(maxsize=None)
def _delegation() -> re.Pattern[str]:
    heads = "|".join(re.escape(p) for p in turn_cues()["delegation"])
    return re.compile(rf"(?:\(\s*|[-–,]\s*)(?P<delegation>(?:{heads})\s[^()\n:;,]{{2,80}}?)\s*(?:\)|(?=[,:;\n]|\s[-–]\s)|$)",
                      re.IGNORECASE)


def _timestamp(match: re.Match[str]) -> str | None:
    if match.re.groupindex.get("hour") is None or match.group("hour") is None:
        return None
    return f"{int(match.group('hour')):02d}:{match.group('minute') or '00'}"


def _role(label: str, title: str | None, question_time: bool) -> str:
    """From the label's verb, else the speaker's title (at a question session an official
    with no verb answers and a delegate asks; elsewhere a delegate debates)."""
    verbs = [(m.start(), group) for group in _TURN_VERBS for m in _cue(group).finditer(label)]
    if verbs:
        group = max(verbs)[1]  # the verb closest to the colon: "… phát biểu kết luận"
        return {"ask": "question"}.get(group, group)
    bare = _BARE_LABELS.get(label.strip(" *•-–").lower())
    if bare or _VOTERS.match(label.strip(" *•-–")):
        return bare or "question"  # voters ask, in their petitions
    if _cue("chair_title").match(label.strip()) or (title and _cue("chair_title").match(title)):
        return "chair"
    if title and cue_regex("executive").search(title) and not cue_regex("council").match(title):
        return "answer" if question_time else "other"
    if any(re.match(r"\s*(?:đại biểu|ĐB)\b", words or "", re.IGNORECASE) for words in (label, title)) or \
            _delegation().search(label):
        # a delegate: named so before the name or after it ("Bà X – Đại biểu tổ huyện Y"), or by the delegation
        return "question" if question_time else "debate"
    return "other"


class _Speakers:
    """Names and titles inside labels and sentences, from the persons already found."""

    def __init__(self, text: str, attributor: Attributor):
        self.text = text
        self.attributor = attributor

    def in_label(self, start: int, end: int, label: str | None = None) -> tuple[str | None, str | None]:
        """The speaker a label names; ``label`` is its text as read (a wrapped label's line
        break as a space), of the same length as the text from ``start`` to ``end``."""
        label = label or self.text[start:end]
        named = self.attributor.persons.between(start, end)
        asks = _cue("ask").search(label)
        if asks and any(p.start < start + asks.start() for p in named):
            # "ĐBQH X (Hòa Bình) là người đầu tiên đặt câu hỏi cho Bộ trưởng Y": X asks, Y is asked.
            named = [p for p in named if p.start < start + asks.start()]
        if named:
            person = named[-1]
            return person.name, (self.attributor.best_title.get(person.name) or person.title or
                                 _title_beside(label, person.start - start, person.end - start))
        bare = _delegation().sub("", label)
        bare = re.split(r"\s+(?:" + "|".join(re.escape(p) for group in _TURN_VERBS for p in turn_cues()[group])
                        + r")(?![\w]).*$", bare, flags=re.IGNORECASE)[0].strip(" ,-–")
        if _VOTERS.match(bare):  # "Cử tri xã Đại Phú, huyện Sơn Dương đề nghị:": the voters, as a group
            return None, re.split(r"\s+(?:đề nghị|kiến nghị|phản ánh|hỏi)(?![\w])", bare)[0].strip(" ,")
        title = title_regex().match(bare) or _cue("label_head").match(bare)
        rest = bare[title.end():].strip(" ,") if title else bare
        first = _NAME_FIRST.match(rest) if title and title.group().casefold() in _HONORIFICS else None
        if first and title_regex().match(first.group("title")) and _surnamed(first.group("name")):
            # "Ông PHẠM BÌNH MINH, Bộ trưởng Ngoại giao": the name, then the office.
            return _capitalised(first.group("name")), first.group("title")
        upper = _UPPER_NAME.search(rest)
        if upper and len(upper.group(1).split()) >= 2 and rest.endswith(upper.group(1)) and \
                all(w[0].isupper() for w in upper.group(1).split()) and _surnamed(upper.group(1)):
            name = _capitalised(upper.group(1))
            head = rest[:upper.start()].strip(" ,")
            title_text = " ".join(filter(None, [title.group() if title else None, head])) or None
            if title_text and title_text.casefold() in _HONORIFICS:
                title_text = None
            return name, title_text
        # A title alone ("Giám đốc Sở Xây dựng"): the person given that title elsewhere.
        if title and bare:
            person = self.attributor.by_title(bare, start)
            if person:
                return person.name, bare
            return None, bare
        return None, None

    def speaker(self, start: int, end: int) -> Speaker | None:
        return self.attributor.speaker_in(start, end, "turn")


_TURN_VERBS = ("ask", "answer", "debate", "chair", "report")
_VOTERS = re.compile(r"cử tri\b", re.IGNORECASE)
_HONORIFICS = ("ông", "bà", "đồng chí")
_NAME_WORD = r"[A-ZĐÀ-Ỹ][\wÀ-ỹ]*"
# "PHẠM BÌNH MINH, Bộ trưởng Ngoại giao", "Rcom Sa Duyên-Giám đốc Sở …": a name, then its office.
_NAME_FIRST = re.compile(rf"(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}})\s*(?:,|\s?[-–]\s?)\s*(?P<title>\S.*)$")
# "Hồ Thị Kim Ngân (Đoàn đại biểu Quốc hội Bắc Kạn)": a delegate's label, the name and the delegation.
_NAME_AND_DELEGATION = re.compile(rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,4}}\s*\(")


def _surnamed(name: str) -> bool:
    """A name that starts with a surname, not a body's name in capitals ("CÁC VẤN ĐỀ XÃ HỘI")."""
    return _capitalised(name).split()[0] in surnames()


def _capitalised(name: str) -> str:
    """"PHẠM BÌNH MINH" as "Phạm Bình Minh"."""
    return " ".join(w.capitalize() if w.isupper() else w for w in name.split())


def _title_beside(label: str, start: int, end: int) -> str | None:
    """The office a label gives its person when the person finder gave none: before the
    name ("Phó Chủ tịch UBND tỉnh (phụ trách …) X"), or after it ("Ông X - Giám đốc Sở …")."""
    before = re.sub(rf"^\s*(?:{'|'.join(_HONORIFICS)})\s+", "", label[:start], flags=re.IGNORECASE).strip(" ,-–")
    after = label[end:].strip(" ,-–")
    for side in (before, after):
        side = _delegation().sub("", side).strip(" ,-–")
        if side and title_regex().match(side):
            return side
    return None


def _is_label(label: str) -> bool:
    words = label.split()
    if not words or len(words) > 30 or re.search(r"[.!?]\s|[“”\"]", label):
        return False
    head = label.lstrip(" *•-–")
    verbs = [m for group in _TURN_VERBS for m in _cue(group).finditer(label)]
    if verbs and re.search(r"(?<![\w])(?:về|như|rằng|là)(?![\w])", label[max(m.end() for m in verbs):]):
        return False  # "Bà X, tổ đại biểu … chất vấn về hạn chế … như: …": a sentence about the question
    if cue_regex("speech").search(label) and not any(_cue(g).search(label) for g in _TURN_VERBS) and \
            not _VOTERS.match(head):
        return False  # "Ông A cho biết: …" is reported speech in an article, not a label
    return bool(_cue("label_head").match(head) or title_regex().match(head) or
                (head.isupper() and len(words) <= 12 and re.match(r"[A-ZĐÀ-Ỹ]", head)) or
                _INTERVIEWER.fullmatch(head.strip()) or
                (_NAME_AND_DELEGATION.match(head) and _delegation().search(head)))


def _paragraph_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


# A photo and its caption in a scraped page's table: "![]() |" then the caption's line, ending "|".
_CAPTION_CELL = re.compile(r"^!\[[^\n]*\|[ \t]*\n[^\n]*\|[ \t]*$", re.MULTILINE)


def _wrapped_end(text: str, pos: int) -> int:
    """The end of the paragraph at ``pos``, over the lines a PDF's layout broke mid-sentence
    (a line without a closing stop, the next going on in lower case)."""
    end = _paragraph_end(text, pos)
    while end < len(text) and not re.search(r"[.!?:;…\"”)]\s*$", text[pos:end]) and \
            re.match(r"\n[a-zà-ỹđ]", text[end:end + 2]):
        end = _paragraph_end(text, end + 1)
    return end


def _label_turns(text: str, speakers: _Speakers, furniture: list[tuple[int, int]]) -> list[Turn]:
    return [turn for match in _LINE.finditer(text)
            if (turn := _label_turn(text, match, match.group("label"), speakers, furniture)) is not None]


# A label a PDF's layout broke over two lines ("Bộ\ntrưởng Bộ Công an Tô Lâm:", "Giám đốc Sở Tài
# nguyên và\nMôi trường X:"): a paragraph's first line with no stop and no colon, the rest up to the colon.
_WRAPPED_LINE = re.compile(r"^(?P<label>[ \t*•\-–]*[^\n:.!?;“”\"]{1,100}\n[^\n:.!?;“”\"]{1,120}?)\s*:"
                           r"[ \t]*(?:\n\s*)?(?=\S)", re.MULTILINE)


def _wrapped_label_turns(text: str, speakers: _Speakers, furniture: list[tuple[int, int]],
                         labelled: list[Turn]) -> list[Turn]:
    """In a transcript, the labels wrapped over two lines that neither line is alone: read with
    the line break as the space it replaced (the same length, so offsets hold)."""
    starts = {t.start for t in labelled}
    turns = []
    for match in _WRAPPED_LINE.finditer(text):
        above = text[:match.start()].rstrip("\n").rsplit("\n", 1)[-1] if text[:match.start()].strip() else ""
        if above.strip() and not re.search(r"[.!?:;…\"”)]\s*$", above):
            continue  # the first line goes on from a sentence above it
        if match.start() in starts or text.index("\n", match.start()) + 1 in starts:
            continue  # a label on either line alone
        turn = _label_turn(text, match, match.group("label").replace("\n", " "), speakers, furniture)
        if turn is None:
            continue
        broken = re.search(rf"{re.escape(turn.speaker or '@')}\n(?P<rest>{_NAME_WORD}(?:\s+{_NAME_WORD})?)"
                           rf"(?=\s*$|\s+[a-zà-ỹđ(])", match.group("label"))
        if broken:  # "… Trần Minh\nĐức trả lời:": the name the line break cut
            turn.speaker += " " + " ".join(broken.group("rest").split())
        turns.append(turn)
    return turns


def _label_turn(text: str, match: re.Match[str], label: str, speakers: _Speakers,
                furniture: list[tuple[int, int]]) -> Turn | None:
    """The turn a label opens, or None for a line that only looks like one."""
    if inside(furniture, match.start()) or not _is_label(label):
        return None
    if _CAPTION_CELL.match(text, text.rfind("\n", 0, max(0, match.start() - 1)) + 1,
                           _paragraph_end(text, match.start())):
        return None  # the cell under a photo ("![]() |", "Đồng chí X, …: Tăng cường … |"): its caption, not a turn
    if text[match.end():match.end() + 1] in "“\"" and not any(_cue(g).search(label) for g in ("ask", "answer")):
        return None  # "X nói: “…”" quotes a speaker; "ĐBQH X chất vấn Thủ tướng: “…”" is a turn
    start, end = match.start("label"), match.end("label")
    name, title = speakers.in_label(start, end, label)
    bare_role = _BARE_LABELS.get(label.strip(" *•-–").lower())
    if _INTERVIEWER.fullmatch(label.strip(" *•-–")):
        name, title = None, "Phóng viên"
    if bare_role == "answer":
        first = speakers.speaker(match.end(), min(_paragraph_end(text, match.end()), match.end() + 60))
        name, title = (first.name, first.title) if first else (None, None)
    if name is None and title is None and bare_role is None:
        return None
    delegation = _delegation().search(label)
    if title and delegation:
        title = title.replace(delegation.group("delegation").strip(), "").strip(" ,-–()") or None
    named = speakers.attributor.persons.between(start, end)
    return Turn(match.start(), match.end(), name, title,
                delegation.group("delegation").strip() if delegation else
                (_province_after(text, named[-1].end) if named and named[-1].name == name else None),
                "", _timestamp(match), None, None, "transcript", label_end=match.end(), label=label)


# The words of a label's line that head a speaker's paragraphs rather than say something:
# a few words with no closing stop.
_KICKER = re.compile(r"[^.!?…:;\n]{0,80}[^.!?…:;\n\"”)\s]|")


def _close_label_turns(text: str, turns: list[Turn], transcript: bool) -> None:
    """A transcript turn runs to the next label or timestamp; elsewhere, to its paragraph end."""
    stamps = [m.start() for m in _TIMESTAMP_LINE.finditer(text)]
    for i, turn in enumerate(turns):
        following = turns[i + 1].start if i + 1 < len(turns) else len(text)
        if transcript:
            stamp = next((s for s in stamps if turn.label_end <= s < following), following)
            turn.end = min(following, stamp)
        else:
            turn.end = min(following, _wrapped_end(text, turn.label_end))
            if _KICKER.fullmatch(text[turn.label_end:turn.end].strip()) and turn.speaker and \
                    turn.speaker.casefold() in (turn.label or "").casefold():
                # "Ông PHẠM BÌNH MINH, Bộ trưởng Ngoại giao: Hội nhập quốc tế trên mọi lĩnh vực" heads
                # the paragraphs that are his words; a headline with a title only ("Bộ trưởng Ngoại
                # giao: Công tác bảo hộ công dân làm rất kịp thời") heads a report of others' words too.
                turn.end = _paragraphs_on(text, turn.end, following, over_blank_lines=True)
        while turn.end > turn.start and text[turn.end - 1].isspace():
            turn.end -= 1


def _question_time(text: str) -> bool:
    return bool(re.search(r"chất vấn|trả lời chất vấn|phiên giải trình", text[:20000], re.IGNORECASE))


# --- news prose -------------------------------------------------------------------------

_ASKER = re.compile(r"(?<![\w])(?:của|do)\s+(?:các\s+)?(?:đại biểu|ĐB)\s+", re.IGNORECASE)
# "ĐB Bạch cũng đề nghị Sở Giao thông công chính cho biết …": asking, in a delegate's words.
ASKS_TO_EXPLAIN = re.compile(r"(?<![\w])(?:đề nghị|yêu cầu|xin hỏi|chất vấn)(?![\w])[^.;!?]{0,120}?"
                             r"(?<![\w])(?:cho biết|làm rõ|giải thích|trả lời)(?![\w])", re.IGNORECASE)
# "chất vấn" as a noun, what was answered or the sitting, not someone asking: "đánh giá cao phần trả
# lời chất vấn của các tư lệnh ngành", "phiên chất vấn", "nội dung chất vấn".
_QUESTIONING_NOUN = re.compile(r"(?<![\w])(?:trả lời|giải trình|phiên|phần|buổi|nội dung|hoạt động)\s+$", re.IGNORECASE)


def _asking(sentence: str) -> re.Match[str] | None:
    """The first words of a sentence that ask (a verb of asking, or "đề nghị … làm rõ"), not
    "chất vấn" named as a noun."""
    for pattern in (_cue("ask"), ASKS_TO_EXPLAIN):
        for match in pattern.finditer(sentence):
            if not _QUESTIONING_NOUN.search(sentence, max(0, match.start() - 14), match.start()):
                return match
    return None


# A photo caption, credited at its end ("… tại phiên họp. Ảnh: Thanh Hải"), reports no turn.
_CAPTION = re.compile(r"[.)]\s*\(?\s*(?:Ảnh|Ảnh minh họa|Nguồn ảnh)\s*:\s*[^.:\n]{1,40}\)?\.?\s*$")
CAPTION_WORDS = 14
# "Tranh luận lại, đại biểu X …", "Tái chất vấn, đại biểu X …": a delegate takes the floor again.
_DEBATE_LEAD = re.compile(r"(?:Tranh luận|Tái chất vấn)(?:\s+(?:lại|thêm|với[^,]{0,60}))?\s*,?\s*", re.IGNORECASE)
# Who will answer, in a preview or an agenda: "Bộ trưởng … sẽ trực tiếp trả lời chất vấn".
_FUTURE = re.compile(r"(?<![\w])(?:sẽ|dự kiến|sắp)(?![\w])", re.IGNORECASE)
# A paragraph that sets out the programme ("Theo chương trình, UBTVQH sẽ nghe … Tiếp đó, … Nguyễn
# Hạnh Phúc trình bày Báo cáo …"): every sentence of it is the agenda, not someone speaking.
_AGENDA = re.compile(r"[ \t*•\-–]*(?:Theo chương trình|Theo kế hoạch|Theo dự kiến|Dự kiến)(?![\w])", re.IGNORECASE)


def _agenda(text: str, start: int, verb: int) -> bool:
    """Whether the words up to ``verb`` are in the future or in a paragraph of the programme."""
    return bool(_FUTURE.search(text, start, verb) or _AGENDA.match(text, text.rfind("\n", 0, start) + 1))


def _caption(text: str, start: int) -> bool:
    """A photo caption: credited at its end, or a short line with no final stop between
    paragraphs ("Đại biểu Hoàng Thị Thanh Vân chất vấn tại Kỳ họp")."""
    line_start = text.rfind("\n", 0, start) + 1
    line = text[line_start:_paragraph_end(text, start)].strip()
    return bool(_CAPTION.search(line)) or (len(line.split()) < CAPTION_WORDS and line[-1:] not in ".!?:;…\"”)")


def _prose_turns(text: str, sentences: list[tuple[int, int]], speakers: _Speakers, labelled: list[Turn],
                 furniture: list[tuple[int, int]], question_time: bool) -> list[Turn]:
    turns: list[Turn] = []
    taken = [(t.start, t.end) for t in labelled]
    for start, end in sentences:
        start += len(text[start:end]) - len(text[start:end].lstrip())
        if inside(furniture, start) or inside(taken, start) or end - start < 20 or _caption(text, start):
            continue
        stamp = _TIMESTAMP_LINE.match(text, start)
        if stamp:
            start = stamp.end()
        sentence = text[start:end]
        lead = _cue("answer_lead").match(sentence)
        responding = _RESPONDING.match(sentence) if not lead else None
        answered = (_official_responds(text, start, end, responding, speakers) if responding else None) or \
            (None if lead else _subject_answers(text, start, end, speakers))
        if lead or answered:
            asked_before = {t.speaker for t in turns if t.role == "question"}
            found = _prose_answer(text, start, end, lead, speakers) if lead else answered
            turns.extend(t for t in found if t.role == "answer" or t.speaker not in asked_before)
            continue
        debate = _DEBATE_LEAD.match(sentence)
        if debate:
            named = speakers.attributor.persons.between(start, min(end, start + debate.end() + 80))
            if named:
                turns.append(Turn(start, _paragraph_end(text, start), named[0].name,
                                  speakers.attributor.best_title.get(named[0].name) or named[0].title,
                                  _delegation_near(text, named[0].end, end), "debate", None, None, None, "prose"))
                continue
        asked = _asking(sentence)
        if asked and re.search(r"(?<![\w])(?:đại biểu|ĐB)\s", sentence[:asked.start() + 1] + sentence[asked.end():],
                               re.IGNORECASE):
            turn = _prose_question(text, start, end, asked, speakers)
            if turn:
                turns.append(turn)
                continue
        reply = _addressee_replies(text, start, end, speakers, labelled + turns) or \
            _officials_speak(text, start, end, speakers, turns, question_time) or \
            (_entry_turn(text, start, end, speakers, question_time) if stamp else None)
        if reply:
            turns.append(reply)
    return turns


def _entry_turn(text: str, start: int, end: int, speakers: _Speakers, question_time: bool) -> Turn | None:
    """A live report's entry ("14h47: Đại biểu X (Tổ …) phát biểu …") is one turn: the
    person it opens with, the role its verb gives."""
    named = speakers.attributor.persons.between(start, min(end, start + 80))
    if not named:
        return None
    person = named[0]
    verbs = [m for group in _TURN_VERBS for m in _cue(group).finditer(text, person.end, min(end, person.end + 120))]
    if not verbs:
        return None
    title = speakers.attributor.best_title.get(person.name) or person.title
    verb = min(verbs, key=lambda m: m.start())
    role = _role(text[start:verb.end()], title, question_time)
    return Turn(start, _paragraph_end(text, start), person.name, title, _delegation_near(text, person.end, end), role,
                None, None, None, "prose")


def _officials_speak(text: str, start: int, end: int, speakers: _Speakers, earlier: list[Turn],
                     question_time: bool) -> Turn | None:
    """The chair speaking ("Chủ tịch QH Nguyễn Thị Kim Ngân cho biết, …"), someone presenting
    a report, or at question time an official of the executive after a question that has no
    answer yet ("Bà Nguyễn Thị Bích Tần, Cục trưởng Cục THADS tỉnh cho biết: …"). Not a new
    turn for the one who spoke last."""
    verbs = sorted([*cue_regex("speech").finditer(text, start, end), *_cue("report").finditer(text, start, end)],
                   key=lambda m: m.start())
    # Not a verb that opens the sentence ("Thừa nhận có cò lãi suất, Thống đốc nói: …").
    verb = next((m for m in verbs if m.start() > start), None)
    speaker = speakers.speaker(start, verb.start()) if verb else None
    if speaker is None or speaker.kind != "person" or not speaker.title or not _named_fully(text, start, verb.start(),
                                                                                           speakers):
        # "Bộ trưởng nhấn mạnh là …" in a delegate's words cites the minister; a new turn names
        # him, or quotes him right after a question no one has answered yet.
        return _quoted_answer(text, start, end, speakers, earlier) if question_time else None
    if _agenda(text, start, verb.start()):
        return None  # "… sẽ trực tiếp trả lời chất vấn": the agenda, not a turn
    if _cue("report").match(text, verb.start()):
        role = "report"  # "Phó Thủ tướng Trương Hòa Bình trình bày Báo cáo …"
    elif (_cue("chair_title").search(speaker.title) or _chair_named(text, start, verb.start(), speakers)) and \
            not _VOTERS.match(text, start):
        # also "Phát biểu khai mạc phiên chất vấn, đồng chí X, Phó Bí thư …, Chủ tịch HĐND tỉnh đề nghị";
        # not a voter who holds a council seat ("Cử tri X, Phó Chủ tịch HĐND xã …")
        role = "chair"
    elif question_time and cue_regex("executive").search(speaker.title) and \
            not cue_regex("council").match(speaker.title) and _unanswered(earlier):
        role = "answer"  # an official speaking after a question no one has answered yet
    elif re.match(r"(?:đại biểu|ĐB)", speaker.title, re.IGNORECASE) and not _unanswered(earlier) and \
            not _cue("ask").search(speaker.title) and not cue_regex("executive").search(speaker.title):
        # a deputy speaking, not asking ("Đại biểu X (Thái Bình) nhấn mạnh …"); not a title read
        # from around a name ("đại biểu Quốc hội chất vấn Phó Thủ tướng, Bộ trưởng …", "… của đại
        # biểu X, Giám đốc Sở GTVT cho rằng …": the director speaks of the deputy's proposal)
        role = "other"
    else:
        return None
    if earlier and earlier[-1].speaker == speaker.name:
        if text.count("\n", earlier[-1].end, start) <= 1:
            # the paragraph right after his (a caption naming him, then his words): his turn goes on
            earlier[-1].end = max(earlier[-1].end, _paragraph_end(text, start))
        return None  # the same official goes on (the turn is extended over the paragraphs after it)
    return Turn(start, _paragraph_end(text, start), speaker.name, speaker.title, None, role, None, None, None,
                "prose", speaker_kind=speaker.kind)


def _chair_named(text: str, start: int, end: int, speakers: _Speakers) -> bool:
    """Whether the person speaking is named here with the chair's title right before the name
    ("Phát biểu khai mạc phiên chất vấn, Chủ tịch HĐND TPHCM Nguyễn Thị Lệ thông tin, …"),
    whatever other office the page gives them elsewhere ("Phó Bí thư Thành ủy")."""
    named = speakers.attributor.persons.between(start, end)
    return bool(named) and re.search(rf"(?:{_cue('chair_title').pattern})[^,.;:]{{0,40}}$",
                                     text[start:named[-1].start]) is not None


# "Ông Nguyễn Văn Bình phân bua: “…", "Thống đốc nói: “…": a speaker's words quoted after a colon.
_QUOTING = re.compile(r"(?<=\s)[^\W\d_]+\s*:\s*[“\"]")


def _quoted_answer(text: str, start: int, end: int, speakers: _Speakers, earlier: list[Turn]) -> Turn | None:
    """After a question no one has answered, an official quoted whom the report names by name
    alone ("Ông Nguyễn Văn Bình phân bua: “…") or by title alone ("Thống đốc nói: “…", the
    official who answered before under no other title): the answer."""
    quoting = _QUOTING.search(text, start, end)
    speaker = speakers.speaker(start, quoting.start()) if quoting and _unanswered(earlier) else None
    if speaker is None or speaker.kind != "person" or _FUTURE.search(text, start, quoting.start()) or \
            re.match(r"(?:đại biểu|ĐB)\b", speaker.title or "", re.IGNORECASE) or \
            speaker.name in {t.speaker for t in earlier if t.role == "question"}:
        return None
    name = speaker.name
    if name is None:
        before = next((t for t in reversed(earlier) if t.role == "answer"), None)
        if before is None or (before.title and not _same_office(before.title, speaker.title or "")):
            return None
        name = before.speaker
    return Turn(start, _paragraph_end(text, start), name, speaker.title, None, "answer", None, None, None, "prose")


# A quotation closed and credited to a delegate ("…?”, đại biểu Hải nêu câu hỏi").
_DELEGATE_QUOTED = re.compile(r"[”\"]\s*,?\s*(?:đại biểu|ĐB)(?![\w])", re.IGNORECASE)


def _addressee_replies(text: str, start: int, end: int, speakers: _Speakers, earlier: list[Turn]) -> Turn | None:
    """"ĐBQH X chất vấn Thủ tướng: “…”" then "…, Thủ tướng Nguyễn Xuân Phúc cũng đã thẳng
    thắn trả lời rằng …": the official a question was put to, speaking after it, answers it."""
    waiting = [q for q in earlier if q.role == "question" and q.addressee and q.start < start and
               not any(a.role == "answer" and a.asked_by == q.speaker and a.start > q.start for a in earlier)]
    if not waiting or _DELEGATE_QUOTED.search(text, start, _paragraph_end(text, start)):
        return None  # "… Bộ trưởng lý giải như thế nào …?”, đại biểu Hải nêu câu hỏi": the question itself
    verbs = sorted([*cue_regex("speech").finditer(text, start, end), *_cue("answer").finditer(text, start, end)],
                   key=lambda m: m.start())
    speaker = next((found for verb in verbs if (found := speakers.speaker(start, verb.start())) is not None), None)
    if speaker is None or speaker.kind != "person" or not speaker.title:
        return None
    question = next((q for q in reversed(waiting) if _same_office(q.addressee, speaker.title)), None)
    if question is None:
        return None
    return Turn(start, _paragraph_end(text, start), speaker.name, speaker.title, None, "answer", None, None, None,
                "prose", asked_by=question.speaker, speaker_kind=speaker.kind)


def _delegate_after(pos: int, end: int, speakers: _Speakers) -> PersonMention | None:
    """The person named right after "đại biểu" (within the sentence)."""
    named = speakers.attributor.persons.between(pos, min(end, pos + 80))
    return named[0] if named else None


def _delegation_near(text: str, pos: int, end: int) -> str | None:
    found = _delegation().search(text, pos, min(end, pos + 160))
    return found.group("delegation").strip() if found else _province_after(text, pos)


# "Đại biểu Nguyễn Mai Bộ (An Giang):", "ĐB Phan Văn Tường (đoàn Thái Nguyên)": the National
# Assembly's delegation named by its province, in parentheses right after the name.
_PROVINCE_AFTER = re.compile(r"\s*\(\s*(?P<delegation>(?:đoàn\s+)?(?P<place>[^()\n,;:]{2,40}?))\s*\)", re.IGNORECASE)


def _province_after(text: str, pos: int) -> str | None:
    found = _PROVINCE_AFTER.match(text, pos)
    place = re.sub(r"^(?:TP\.?|tỉnh|thành phố)\s*", "", found.group("place"), flags=re.IGNORECASE) if found else ""
    return found.group("delegation") if place and is_place(place) else None


def _prose_question(text: str, start: int, end: int, asked: re.Match[str], speakers: _Speakers) -> Turn | None:
    """"Đại biểu X (Tổ đại biểu …) chất vấn về …", "Chất vấn về …, đại biểu X …", or "Bà X,
    tổ đại biểu huyện Y chất vấn về …"."""
    delegate = re.search(r"(?<![\w])(?:đại biểu|ĐB)\s+", text[start:end], re.IGNORECASE)
    person = _delegate_after(start + delegate.end(), end, speakers) if delegate else None
    if person is None or person.start - (start + delegate.end()) > 2:
        named = speakers.attributor.persons.between(start, start + asked.start())
        person = named[0] if named and re.match(r"[\s,(–-]*(?:tổ\s+)?(?:đại biểu|ĐB)\b", text[named[0].end:],
                                                re.IGNORECASE) else None
    if person is None:
        return None
    addressee = _addressee(text, start + asked.end(), end, speakers, after_verb=True)
    return Turn(start, _paragraph_end(text, start), person.name, "Đại biểu", _delegation_near(text, person.end, end),
                "question", None, addressee, None, "prose")


def _prose_answer(text: str, start: int, end: int, lead: re.Match[str], speakers: _Speakers) -> list[Turn]:
    """"Trả lời chất vấn (về …) của/do đại biểu X (…), <speaker> cho biết, …": the answer,
    and the question it names."""
    verb = next((m for m in cue_regex("speech").finditer(text, start + lead.end(), end)), None)
    if verb is None:
        return []
    comma = text.rfind(",", start + lead.end(), verb.start())
    speaker = speakers.speaker(comma + 1 if comma > 0 else start + lead.end(), verb.start() + 1)
    if speaker is not None and speaker.name is None and comma > 0:
        # "…, đồng chí Phạm Văn Quang - TUV, Giám đốc Sở …": the name before an office with a comma in it.
        named = speakers.attributor.persons.between(text.rfind(",", start + lead.end(), comma) + 1, comma)
        if named and re.fullmatch(r"\s*[-–][^,]*", text[named[-1].end:comma]):
            speaker = Speaker(named[-1].name, text[named[-1].end:verb.start()].strip(" -–"), "person", speaker.how)
    if speaker is None:
        return []
    return _answer_and_question(text, start, end, speaker, start, comma if comma > 0 else verb.start(), speakers)


# "Trước phản ánh về …, đồng chí X - Giám đốc Sở Y cho biết: …": an official answers what was raised.
_RESPONDING = re.compile(r"Trước\s+(?:các\s+|những\s+|nhiều\s+)?(?:ý kiến|phản ánh|câu hỏi|chất vấn|kiến nghị|băn khoăn)"
                         r"(?![\w])", re.IGNORECASE)


def _official_responds(text: str, start: int, end: int, lead: re.Match[str], speakers: _Speakers) -> list[Turn]:
    """"Trước phản ánh về …, <official> cho biết": an answer when an official of the
    executive replies (not a delegate taking up a point)."""
    found = _prose_answer(text, start, end, lead, speakers)
    answer = next((t for t in found if t.role == "answer"), None)
    return found if answer and answer.title and cue_regex("executive").search(answer.title) else []


_ANSWERS = re.compile(r"(?<![\w])(?:trả lời|giải trình|tiếp thu, giải trình)(?:\s+(?:bổ sung|thêm))?\s+"
                      r"(?:chất vấn|câu hỏi|ý kiến|các câu hỏi|nội dung chất vấn)(?![\w])", re.IGNORECASE)


def _unanswered(earlier: list[Turn]) -> bool:
    """Whether the last question so far has had no answer after it."""
    last = next((i for i in range(len(earlier) - 1, -1, -1) if earlier[i].role == "question"), None)
    return last is not None and not any(t.role == "answer" for t in earlier[last + 1:])


def _named_fully(text: str, start: int, end: int, speakers: _Speakers) -> bool:
    """A person named with a full name in [start, end) ("Bộ trưởng Vũ Huy Hoàng"), not only
    by a title or a short name ("Bộ trưởng Hoàng"), as a report introduces a new speaker."""
    return any(len(text[p.start:p.end].split()) >= 2 for p in speakers.attributor.persons.between(start, end))


def _subject_answers(text: str, start: int, end: int, speakers: _Speakers) -> list[Turn]:
    """"Mở đầu phiên chất vấn, ông Đinh Đăng Luận - Giám đốc Sở … trả lời chất vấn của đại
    biểu Hoàng Thị Thanh Vân về …": an official, the subject, answers (and the question is
    the delegate's)."""
    for verb in _ANSWERS.finditer(text, start, end):
        if re.search(r"(?:chất vấn|phiên)\s+và\s+$", text[max(start, verb.start() - 20):verb.start()]):
            continue  # "phiên chất vấn và trả lời chất vấn": the sitting, not an answer
        if re.search(r"(?<![\w])là\s+(?:lần\s+\S+\s+)?$", text[max(start, verb.start() - 20):verb.start()]):
            return []  # "Bộ trưởng Bộ Y tế X là trả lời chất vấn lần thứ hai": what X is, in someone's words
        comma = text.rfind(",", start, verb.start())
        subject = comma + 1 if comma > 0 else start
        speaker = speakers.speaker(subject, verb.start())
        if speaker is None or speaker.kind != "person" or \
                re.match(r"(?:đại biểu|ĐB)\b", speaker.title or "", re.IGNORECASE) or \
                not _named_fully(text, subject, verb.start(), speakers) or _FUTURE.search(text, subject, verb.start()):
            return []
        return _answer_and_question(text, start, end, speaker, verb.end(), end, speakers)
    return []


def _answer_and_question(text: str, start: int, end: int, speaker: Speaker, asker_from: int, asker_to: int,
                         speakers: _Speakers) -> list[Turn]:
    """The answer turn, and the question of the delegate it names ("của đại biểu X") if any."""
    found = []
    asker = None
    mentioned = _ASKER.search(text, asker_from, asker_to)
    if mentioned:
        person = _delegate_after(mentioned.end(), end, speakers)
        if person and person.start - mentioned.end() <= 2:
            asker = person.name
            question_end = max(person.end, text.find(")", person.end, person.end + 120) + 1)
            # What was asked, when the lead says it ("… của đại biểu X về tiến độ …,"); else
            # only who asked: never the answer's lead-in as if it were the question.
            about = _ABOUT.search(text, asker_from, asker_to)
            q_start, q_end = (about.start(), about.end()) if about else (person.start, question_end)
            if about and about.start() < mentioned.start():
                # "Trả lời chất vấn về nhiệm vụ, giải pháp …, ủy quyền do đại biểu X": up to who asked.
                q_end = len(text[:mentioned.start()].rstrip(" ,"))
            found.append(Turn(q_start, q_end, person.name, "Đại biểu",
                              _delegation_near(text, person.end, end), "question", None,
                              speaker.title or speaker.name, None, "prose"))
    found.append(Turn(start, _paragraph_end(text, start), speaker.name, speaker.title, None, "answer", None, None,
                      None, "prose", asked_by=asker, speaker_kind=speaker.kind))
    return found


_ASKS_OF = re.compile(r"(?<![\w])(?:xin hỏi|hỏi|đề nghị|câu hỏi (?:xin )?(?:gửi )?(?:tới|đến)|gửi (?:tới|đến)|chất vấn)\s+",
                     re.IGNORECASE)
_ADDRESSEE_END = re.compile(r"\s+(?:về|cho biết|làm rõ|nói rõ|giải thích|trả lời|giải trình|báo cáo|có|đã|về việc|"
                            r"liên quan|vì sao|tại sao|khi nào|bao giờ|như thế nào|và)(?![\w])|[,.:;?(\n]",
                            re.IGNORECASE)
_ABOUT = re.compile(r"(?<![\w])về\s+[^,.;:()\n]{8,200}", re.IGNORECASE)


def _addressee(text: str, start: int, end: int, speakers: _Speakers, after_verb: bool = False) -> str | None:
    """The official a question is put to: "chất vấn Giám đốc Sở Y", "Xin hỏi Chủ tịch UBND
    tỉnh …", "đề nghị Giám đốc Sở Y cho biết". ``after_verb``: ``start`` is right after the
    verb of asking."""
    starts = [start] if after_verb else []
    starts += [m.end() for m in _ASKS_OF.finditer(text, start, end)]
    for at in starts:
        at += len(text[at:end]) - len(text[at:end].lstrip())
        honorific = re.match(r"(?:ông|bà|đồng chí)\s+", text[at:end], re.IGNORECASE)
        at += honorific.end() if honorific else 0
        title = title_regex().match(text, at)
        if title and not re.match(r"đại biểu|ĐB", title.group(), re.IGNORECASE):
            return text[title.start():_office_end(text, title.start(), title.end(), end, speakers)].strip()
    return None


# What goes on naming an office after its title: a capitalised word ("GD-ĐT", "TN&MT") or a
# place word ("UBND tỉnh"), or after a comma, "và" or a dash a part that starts with a
# capital ("Sở Văn hóa |, Thể thao| và Du lịch|", "Bộ Lao động |- Thương binh| và Xã hội|").
_WORD = r"[^\W\d_](?:[\w&/\-]|\.(?=\w))*"
_PLACE_WORD = r"tỉnh|thành phố|huyện|quận|thị xã|xã|phường"
_OFFICE_WORD = re.compile(rf"\s+(?:{_PLACE_WORD}|(?P<word>{_WORD}))(?=[\s,.:;?)]|$)")
# The words that follow an office's name in a question ("… về", "… với nội dung").
_AFTER_OFFICE = (r"(?:về|với|cho|làm rõ|trả lời|giải trình|vì sao|tại|trong|là|rằng|nhằm|liên quan|xung quanh|khi nào|"
                 r"bao giờ|như thế nào)(?![\w])")
_OFFICE_PART = re.compile(rf"(?:\s*,\s*|\s+và\s+|\s+[-–]\s+)(?P<word>{_WORD})(?:\s+{_WORD}){{0,3}}?"
                          rf"(?=\s*,|\s+và\s|\s+[-–]\s|\s*[.:;?()\n]|$|\s+{_AFTER_OFFICE})")
# The lower-case end of a name a body mention stopped short of ("Sở Nông nghiệp và Phát| triển nông thôn").
_NAME_TAIL = re.compile(rf"(?:\s+(?!{_AFTER_OFFICE})[a-zà-ỹđ]\w*){{1,3}}?(?=\s*[,.:;?()\n]|$|\s+{_AFTER_OFFICE})")


def _office_end(text: str, title_start: int, title_end: int, end: int, speakers: _Speakers) -> int:
    """Where an official named after a title ends: at the person the title leads to, over
    the body between ("Giám đốc Sở Xây dựng Lê Minh Tân | các vấn đề về …"); with no person,
    where the words of asking go on (``_ADDRESSEE_END``), carried over the parts of a body's
    name a comma or "và" cut ("Giám đốc Sở Văn hóa, Thể thao và Du lịch | , vì sao …"); the
    title alone when a clause follows it ("đề nghị Bộ trưởng | rà soát lại …")."""
    reach = min(end, title_end + 200)
    mentions = sorted([*speakers.attributor.bodies.between(title_start, reach),
                       *speakers.attributor.persons.between(title_start, reach)], key=lambda m: m.start)
    persons = set(map(id, speakers.attributor.persons.between(title_start, reach)))
    stretch = title_end
    while True:
        mention = next((m for m in mentions if m.end > stretch and
                        (m.start <= stretch or re.fullmatch(r"[\s,\-–]{0,3}", text[stretch:m.start]))), None)
        if mention is not None:
            stretch = mention.end
            if id(mention) in persons:
                return stretch
            tail = _NAME_TAIL.match(text, stretch, reach) if text[stretch - 1:stretch].isalpha() and \
                text[mention.start:stretch].split()[-1][0].isupper() else None
            stretch = tail.end() if tail else stretch
            continue
        more = [m for m in (_OFFICE_WORD.match(text, stretch, reach), _OFFICE_PART.match(text, stretch, reach))
                if m and (m.group("word") is None or m.group("word")[0].isupper())]
        if not more:
            break
        stretch = more[0].end()
    if stretch == title_end and re.match(rf"\s+(?!{_PLACE_WORD})[a-zà-ỹđ]", text[title_end:reach]):
        return title_end
    stop = _ADDRESSEE_END.search(text, title_end, end)
    stretch = max(stretch, stop.start() if stop else end)
    while (part := _OFFICE_PART.match(text, stretch, reach)) and part.group("word")[0].isupper():
        stretch = part.end()
    return stretch


# --- assembling -------------------------------------------------------------------------

def _extend_answers(text: str, turns: list[Turn]) -> None:
    """A prose answer continues over the next paragraphs until another turn starts."""
    for i, turn in enumerate(turns):
        if turn.source == "prose" and turn.role == "answer":
            turn.end = _paragraphs_on(text, turn.end, turns[i + 1].start if i + 1 < len(turns) else len(text))


def _paragraphs_on(text: str, end: int, limit: int, over_blank_lines: bool = False) -> int:
    """Over up to ``ANSWER_PARAGRAPHS - 1`` following paragraphs of running text before
    ``limit``: the lines that follow on, or (``over_blank_lines``) paragraphs set apart by
    blank lines too, as under a label that heads a speaker's words. A report's paragraphs
    set apart soon name someone else."""
    for _ in range(ANSWER_PARAGRAPHS - 1):
        nxt = text.find("\n", end + 1)
        while over_blank_lines and nxt >= 0 and not text[end:nxt].strip():
            nxt = text.find("\n", nxt + 1)
        candidate = len(text) if nxt < 0 else nxt
        paragraph = text[end:candidate].strip()
        if not paragraph or candidate > limit or len(paragraph.split()) < 8:
            break
        end = candidate
    return end


def pair_exchanges(turns: list[Turn]) -> list[Exchange]:
    """Each question with the answer that follows it, by the official addressed when named;
    an answer that names its asker takes that delegate's latest question."""
    exchanges: list[Exchange] = []
    paired: set[int] = set()
    for i, turn in enumerate(turns):
        if turn.role != "question":
            continue
        answer = _holding_answer(turns, turn, paired)
        if answer is None:
            answer = _next_answer(turns, i, paired)
        if answer is not None:
            paired.add(answer)
        exchanges.append(Exchange(i, answer, turn.speaker or turn.title,
                                  turns[answer].speaker if answer is not None else None,
                                  turns[answer].title if answer is not None else turn.addressee,
                                  turn.topic or (turns[answer].topic if answer is not None else None)))
    _attach_debates(turns, exchanges)
    return exchanges


def _holding_answer(turns: list[Turn], question: Turn, paired: set[int]) -> int | None:
    """The answer whose lead holds this question ("Trả lời chất vấn về … do đại biểu X, …"),
    which starts before it."""
    return next((j for j, other in enumerate(turns) if other.role == "answer" and j not in paired and
                 other.asked_by == question.speaker and other.start <= question.start < other.end), None)


def _next_answer(turns: list[Turn], i: int, paired: set[int]) -> int | None:
    """The first answer after question ``i`` not yet paired: the addressee's if one answers
    later, not one that names another asker; in prose, none past another delegate's question."""
    turn = turns[i]
    for j in range(i + 1, len(turns)):
        other = turns[j]
        if other.role == "answer" and j not in paired:
            if other.asked_by and other.asked_by != turn.speaker:
                continue
            if turn.addressee and other.title and not _same_office(turn.addressee, other.title) and \
                    any(_same_office(turn.addressee, t.title or "") for t in turns[j + 1:] if t.role == "answer"):
                continue
            return j
        if other.role == "question" and other.speaker != turn.speaker and \
                turn.source == "prose" and other.source == "prose":
            return None
    return None


def _attach_debates(turns: list[Turn], exchanges: list[Exchange]) -> None:
    """A debate turn continues the exchange before it that its speaker took part in (the
    delegate who asked, or the official who answered: "Tranh luận lại, đại biểu X …"),
    else the exchange just before it."""
    for i, turn in enumerate(turns):
        if turn.role != "debate":
            continue
        before = [e for e in exchanges if e.question is not None and e.question < i]
        if not before:
            continue
        own = [e for e in before if turn.speaker and turn.speaker in (e.asker, e.answerer)]
        (own or before)[-1].debates.append(i)


def _same_office(a: str, b: str) -> bool:
    """One office in two spellings, whatever the commas ("Bộ Văn hóa, Thể thao và Du lịch")."""
    a, b = (" ".join(re.sub(r"[^\w&]+", " ", x.casefold()).split()) for x in (a, b))
    return a in b or b in a


def find_turns(text: str, sentences: list[tuple[int, int]], persons: list[PersonMention], bodies: list[BodyMention],
               furniture: list[tuple[int, int]], transcript: bool | None = None,
               attributor: Attributor | None = None) -> tuple[list[Turn], list[Exchange]]:
    speakers = _Speakers(text, attributor or Attributor(text, persons, bodies, furniture))
    labelled = _label_turns(text, speakers, furniture)
    if transcript is None:
        transcript = len(labelled) >= TRANSCRIPT_LABELS
    if transcript:
        labelled = sorted(labelled + _wrapped_label_turns(text, speakers, furniture, labelled), key=lambda t: t.start)
    _close_label_turns(text, labelled, transcript)
    question_time = _question_time(text)
    for turn in labelled:
        turn.role = _role(turn.label or "", turn.title, question_time)
        if turn.role == "question":
            verb = _cue("ask").search(text, turn.start, turn.label_end)
            turn.addressee = (_addressee(text, verb.end(), turn.label_end, speakers, after_verb=True) if verb else None) or \
                _addressee(text, turn.label_end, turn.end, speakers)
    turns = sorted(labelled + _prose_turns(text, sentences, speakers, labelled, furniture, question_time),
                   key=lambda t: t.start)
    for turn, after in zip(turns, turns[1:]):
        if turn.source == "prose" and turn.role == "question" and after.role == "answer" and \
                turn.start < after.start < turn.end:
            turn.end = len(text[:after.start].rstrip())  # a question reported, then its answer in the same paragraph
    _extend_answers(text, turns)
    stamps = list(_TIMESTAMP_LINE.finditer(text))
    for turn in turns:
        turn.title, turn.delegation = _title_alone(turn.title), _title_alone(turn.delegation)
        turn.topic = topic_of(text, turn.label_end or turn.start, turn.end)
        if turn.timestamp is None:
            # On the entry's line, or the first turn under an entry that heads it ("16h30: Đại
            # biểu Quốc hội chất vấn về …" above "-Hồ Thị Kim Ngân (Đoàn …): …").
            entry = next((m for m in reversed(stamps) if m.start() <= turn.start), None)
            if entry and (_paragraph_end(text, entry.start()) >= turn.start or
                          not any(entry.start() <= other.start < turn.start for other in turns)):
                turn.timestamp = _timestamp(entry)
    return turns, pair_exchanges(turns)


_TITLE_TAIL = re.compile(r"(?:\s+(?:đã|cũng|đang|sẽ|vừa|thay mặt)|\s*[–\-(,:])+$", re.IGNORECASE)


def _title_alone(title: str | None) -> str | None:
    """A title (or a delegation) without what its holder does next, as one read up to a verb
    carries it ("Trưởng đoàn ĐBQH tỉnh An Giang | báo cáo tóm tắt kết quả …", "Cử tri xã Thu
    Lũm | đã", "tổ đại biểu huyện Yên Dũng | chất vấn về công tác THADS.")."""
    if not title:
        return title
    verbs = [m.start() for group in _TURN_VERBS for m in _cue(group).finditer(title)]
    verbs += [m.start() for m in cue_regex("speech").finditer(title)]
    cut = title[:min(verbs)] if verbs and min(verbs) > 0 else title
    return _TITLE_TAIL.sub("", cut).strip() or title


def is_transcript(text: str) -> bool:
    """Speaker labels on at least ``TRANSCRIPT_LABELS`` lines, or as many timestamped entries."""
    labels = sum(1 for m in _LINE.finditer(text[:200_000]) if _is_label(m.group("label")))
    stamps = len(_TIMESTAMP_LINE.findall(text[:200_000]))
    return labels >= TRANSCRIPT_LABELS or stamps >= TRANSCRIPT_LABELS


def question_of(questions: list[dict], turn: int | None) -> int | None:
    """The exchange a statement belongs to: the one whose answer (or question) is its turn."""
    if turn is None:
        return None
    for role in ("answer", "question"):
        found = next((i for i, q in enumerate(questions) if q[role] == turn), None)
        if found is not None:
            return found
    return None


@step("hdnd_turns", "turns", label=lambda t: t.role.upper(), requires=["persons", "bodies", "furniture", "transcript"],
      assigns=["exchanges"])
def turns_of(doc: Doc) -> list[Turn]:
    turns, doc._.exchanges = find_turns(doc._.text, sentence_spans(doc), doc._.persons, doc._.bodies, doc._.furniture,
                                        doc._.transcript, attributor_of(doc))
    return turns
