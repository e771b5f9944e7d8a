"""Who said a clause: quoted speech and its name line, verbs of saying ("X cho biết, …",
"Theo X, …"), reported speech carried on from the last attribution, the speaker turn of
a session record, the subject person or body, and pronouns ("Ông cam kết …") resolved to
the person last named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from pipeline.bodies import BodyMention
from pipeline.clauses import QUOTE_CHARS, Clause, lines_of, paragraph_index, retrim
from pipeline.cues import commitment_cues, cue_regex
from pipeline.normalize import fold
from pipeline.persons import PersonMention, group_persons, is_place, title_regex
from pipeline.resources import surnames
from pipeline.text import SpanIndex, inside

CARRY_PARAGRAPHS = 2   # reported speech runs on for this many paragraphs after its attribution


@dataclass
class Speaker:
    name: str | None
    title: str | None
    kind: str | None        # person | body | group (delegates or voters as a group)
    how: str                # quote_name_line | quote_after | quote_before | speech_verb | theo | carried | subject


def attributor_of(doc: Doc) -> "Attributor":
    """One Attributor per Doc, shared by the steps that ask who speaks (turns, candidates)."""
    if doc._.attributor is None:
        doc._.attributor = Attributor(doc._.text, doc._.persons, doc._.bodies, doc._.furniture)
    return doc._.attributor


class Attributor:
    """Finds who said a clause, from the people, bodies and verbs of saying around it."""

    def __init__(self, text: str, persons: list[PersonMention], bodies: list[BodyMention],
                 furniture: list[tuple[int, int]]):
        self.text = text
        self.persons = SpanIndex(p for p in persons if not p.furniture and p.role is None)
        self.bodies = SpanIndex(bodies)
        self._titled: dict[str, list[PersonMention]] = {}
        self.lines = lines_of(text)
        self.line_starts = [start for start, _ in self.lines]
        self.best_title = {p.name: p.title for p in group_persons(self.persons.records)}
        self.furniture = furniture
        self.said = self._speech_acts()

    def paragraph_of(self, pos: int) -> int:
        return paragraph_index(self.lines, self.line_starts, pos)

    def person(self, mention: PersonMention, how: str) -> Speaker:
        return Speaker(mention.name, self.best_title.get(mention.name) or mention.title, "person", how)

    def speaker_in(self, start: int, end: int, how: str) -> Speaker | None:
        """The last person named in [start, end); else a group of delegates or voters ("các
        đại biểu"); else a title that names one; else a body. A subject stops at a
        directive ("ĐB Kim đề nghị Bộ trưởng X …"): who is named after it is asked, not asking."""
        if how == "subject":
            end = self._before_addressee(start, end)
        named = self.persons.between(start, end)
        if named:
            return self.person(named[-1], how)
        group = _GROUP.search(self.text, start, end)
        # "… nhiều đại biểu đặt câu hỏi, Chủ tịch Quốc hội đề nghị": a title after the group's clause speaks.
        comma = self.text.find(",", group.end(), end) if group else -1
        titled_after = comma >= 0 and title_regex().search(self.text, comma + 1, end) is not None
        if group and not titled_after:
            return Speaker(None, group.group(), "group", how)
        for match in title_regex().finditer(self.text, comma + 1 if titled_after else start, end):
            # Whole words only: callers may end the window one letter into the verb.
            phrase = re.sub(r"\s+\S*$", "", self.text[match.start():end + 1]) if end < len(self.text) and \
                self.text[end - 1:end].isalpha() and self.text[end:end + 1].isalpha() else self.text[match.start():end]
            phrase = _SPEECH_TAIL.split(phrase.strip(" ,"))[0].strip(" ,")
            if len(phrase.split()) > MAX_TITLE_WORDS:
                # A subject "Chủ tịch UBND tỉnh phân công cụ thể …": the office and the body it heads;
                # "đại biểu đề cập khi có …": a title word inside a longer clause.
                body = next((b for b in self.bodies.between(match.end(), end)
                             if how == "subject" and not self.text[match.end():b.start].strip()), None)
                if body is None:
                    continue
                phrase = self.text[match.start():body.end]
            named = _NAME_AT_END.search(phrase)
            if named and named.group(1).split()[0] in surnames() and not is_place(named.group(1)):
                # "Chủ tịch UBND TP Nguyễn Thành Phong" where the name was not found as a person.
                return Speaker(named.group(1), phrase[:named.start()].strip(" ,-–") or None, "person", how)
            phrase = _TRAILING.sub("", _NEW.sub("", phrase))
            person = self.by_title(phrase, start, shorter=how in ("subject", "speech_verb"))
            if person:
                return self.person(person, how)
            # "Chủ tịch UBND tỉnh yêu cầu …" with nobody named: the title is the speaker.
            return Speaker(None, phrase, "person", how)
        body = next((b for b in self.bodies.between(start, end)
                     if not _OBJECT_BEFORE.search(self.text, max(start, b.start - 12), b.start)), None)
        if body:
            # "HĐND TP đề nghị …" is the council's own act; "Bộ Công an sẽ …" in the minister's answer is his.
            head = self.head_of(body, start)
            return self.person(head, how) if head else Speaker(None, body.canonical, "body", how)
        # A quote's "“…” - ông Tuân nói" when the text never gives his full name: the name as
        # written (not "ông Chủ tịch", not "Bà Rịa").
        given = next(reversed(list(_GIVEN_NAME.finditer(self.text, start, end))), None) if how.startswith("quote") else None
        if given and not title_regex().match(self.text, given.start(1)) and \
                not any(is_place(name) for name in (given.group(1), self.text[given.start():given.end(1)])):
            return Speaker(given.group(1), None, "person", how)
        return None

    def _before_addressee(self, start: int, end: int) -> int:
        """Where the asking subject of [start, end) ends: before the last directive that
        is followed at once by a person or an office ("đề nghị ông Xuân Lâm …", "đề nghị
        Bộ trưởng … Trần Hồng Hà làm rõ")."""
        for directive in reversed(list(cue_regex("directive").finditer(self.text, start, end))):
            after = _HONORIFIC.match(self.text, directive.end(), end).end()
            if self.persons.covers(after) or title_regex().match(self.text, after, end):
                return directive.start()
        return end

    def head_of(self, body: BodyMention, before: int) -> PersonMention | None:
        """The person named last before ``before``, within ``CARRY_PARAGRAPHS`` paragraphs,
        whose title heads ``body`` ("Chủ tịch UBND tỉnh" for "UBND tỉnh", "Bộ trưởng Bộ Y
        tế" for "Bộ Y tế", "Thủ tướng" for "Chính phủ"): what a body says in its head's
        speech is the head's (a body is the speaker only when no person speaks)."""
        return self.head_by_key(re.sub(r"^bo ", "", title_key(body.canonical)), before)

    def head_by_key(self, key: str, before: int) -> PersonMention | None:
        """``head_of`` for a body given as its title key ("uy ban nhan dan tinh thanh hoa")."""
        # "HĐND tỉnh Trà Vinh" is headed by the "Chủ tịch HĐND tỉnh" of a text about Trà Vinh.
        unit = re.match(r".*?\b(?:tinh|thanh pho|huyen|quan|thi xa|xa|phuong)\b", key)
        here = self.paragraph_of(before)
        for mention in reversed(self.persons.before(before)):
            if here - self.paragraph_of(mention.start) > CARRY_PARAGRAPHS:
                return None
            title = title_key(self.best_title.get(mention.name) or mention.title or "")
            if title.startswith("thu tuong"):
                title += " chinh phu"
            if key and (f" {key}" in f" {title}" or (unit and title.endswith(f" {unit.group()}"))):
                return mention
        return None

    def by_title(self, phrase: str, before: int, shorter: bool = False) -> PersonMention | None:
        """The person most recently given a title that ``phrase`` starts (or that starts
        it), else the first such person in the text; with ``shorter``, a title-only subject
        may name an earlier holder of the title without its last words. Titles compare in one spelling:
        "Bộ trưởng Tài chính" is "Bộ trưởng Bộ Tài chính", "UBND" is "Ủy ban nhân dân"."""
        key = title_key(phrase)
        if key not in self._titled:
            # A compound title ("Phó Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh") matches by any part.
            # "Phó Bí thư Tỉnh ủy giữ chức vụ Chủ tịch UBND tỉnh" holds "Chủ tịch UBND tỉnh"
            # (but a "Phó Chủ tịch" is not the "Chủ tịch").
            # Who holds the whole title outranks who holds only its start: "tân Chủ tịch nước" is the one
            # elected, not "Chủ tịch Hồ Chí Minh" named after him.
            within = re.compile(rf"(?:^|(?<!pho) ){re.escape(key)}(?: |$)")
            whole = [m for m in self.persons.records if any(part and within.search(part) for part in self._title_parts(m))]
            self._titled[key] = whole or [m for m in self.persons.records if any(
                part and key.startswith(part) for part in self._title_parts(m))]
        matching = self._titled[key]
        earlier = [m for m in matching if m.start < before + len(phrase)]
        if matching:
            return (earlier or matching)[-1 if earlier else 0]
        return (self._by_shorter_title(key, before) or self._named_beside(phrase, before)) if shorter else None

    def _by_shorter_title(self, key: str, before: int) -> PersonMention | None:
        """A title nobody holds whole ("Chủ tịch HĐND TP.HCM" when the text gave the title
        as "… Chủ tịch HĐND TP"): the person named last before who holds it without its
        last words, down to the office and its body ("chủ tịch hội đồng nhân dân")."""
        words = key.split()
        for size in range(len(words) - 1, MIN_TITLE_WORDS - 1, -1):
            within = re.compile(rf"(?:^|(?<!pho) ){re.escape(' '.join(words[:size]))}$")
            for mention in reversed(self.persons.before(before)):
                if any(within.search(part) for part in self._title_parts(mention)):
                    return mention
        return None

    def _title_parts(self, mention: PersonMention) -> list[str]:
        """The keys of each part of a person's titles, best and here ("Phó Bí thư Tỉnh ủy,
        Chủ tịch UBND tỉnh" has two)."""
        return [title_key(part) for title in (self.best_title.get(mention.name), mention.title) if title
                for part in title.split(",")]

    def _named_beside(self, phrase: str, before: int) -> PersonMention | None:
        """The person the text names right beside the same title before ``before`` ("Ông
        Lương Nguyễn Minh Triết, tân Bí thư Thành ủy Đà Nẵng …" for a later "tân Bí thư
        Thành ủy Đà Nẵng hứa …", also after another title, "đồng chí X, Tỉnh ủy viên, Bí thư
        Huyện ủy", or appointed to it, "ông X - Trưởng phòng … giữ chức Phó Giám đốc Sở …"),
        when the title was not read as that person's."""
        if len(phrase.split()) < 3:
            return None
        for match in reversed(list(re.finditer(re.escape(phrase), self.text[:before], re.IGNORECASE))):
            ahead = self.persons.before(match.start())
            if ahead and _BESIDE.fullmatch(self.text, ahead[-1].end, match.start()):
                return ahead[-1]
            after = self.persons.between(match.end(), match.end() + 3)
            if after:
                return after[0]
        return None

    def _speech_acts(self) -> list[tuple[int, Speaker]]:
        """Every "X cho biết / khẳng định / …" in the text, with X, in order."""
        acts = []
        for match in cue_regex("speech").finditer(self.text):
            if inside(self.furniture, match.start()):
                continue
            line_start = self.text.rfind("\n", 0, match.start()) + 1
            lead_start = max(line_start, match.start() - 160)
            cut = max(self.text.rfind(c, lead_start, match.start()) for c in ".;!?\"“”")
            if _PRONOUN_BEFORE.search(self.text, max(lead_start, cut + 1), match.start()):
                # "…, trước Quốc hội, tôi tuyên thệ:": the pronoun speaks, not the body named before it.
                earlier = self.persons.before(match.start())
                if earlier:
                    acts.append((match.start(), self.person(earlier[-1], "speech_verb")))
                continue
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
            if needs_colon != line.endswith(":") or len(line.split()) > 18 or line[:1] in QUOTE_CHARS:
                continue
            named = self.persons.between(start, end)
            if named and (needs_colon or named[-1].end >= start + len(self.text[start:end].rstrip(" .")) - 2):
                return self.person(named[-1], "quote_name_line")
        return None

    def carried(self, pos: int) -> tuple[Speaker, int] | None:
        """The speaker of the last verb of saying before ``pos`` and its paragraph, if the
        reported speech can still be running."""
        here = self.paragraph_of(pos)
        for at, speaker in reversed(self.said):
            if at < pos:
                paragraph = self.paragraph_of(at)
                if here - paragraph > CARRY_PARAGRAPHS:
                    return None
                return Speaker(speaker.name, speaker.title, speaker.kind, "carried"), paragraph
        return None

    def subject(self, start: int, end: int) -> Speaker | None:
        """A person (or a title) in the clause's subject: "Giám đốc Sở Y tế Trần Văn Tuấn
        cam kết …", "Chủ tịch UBND tỉnh yêu cầu …"."""
        speaker = self.speaker_in(start, end, "subject")
        return speaker if speaker and speaker.kind == "person" else None

    def nearest(self, pos: int) -> Speaker | None:
        """The person named last before ``pos`` within ``CARRY_PARAGRAPHS`` paragraphs: the
        annotators' rule for a clause with no other attribution (the ceremony's new
        chairman, the minister the report is about)."""
        here = self.paragraph_of(pos)
        earlier = self.persons.before(pos)
        if earlier and here - self.paragraph_of(earlier[-1].start) <= CARRY_PARAGRAPHS:
            return self.person(earlier[-1], "nearest")
        if not earlier:
            # A headline or lead before anyone is named: who is named next ("… Chủ tịch X nói").
            later = self.persons.between(pos, len(self.text))
            if later and self.paragraph_of(later[0].start) - here <= CARRY_PARAGRAPHS:
                return self.person(later[0], "following")
        return None

    def asker(self, pos: int) -> Speaker | None:
        """Who asks a question: the delegate (or voter) named last before it, within
        ``CARRY_PARAGRAPHS`` paragraphs; the official the question names is its addressee."""
        here = self.paragraph_of(pos)
        for mention in reversed(self.persons.before(pos)):
            if here - self.paragraph_of(mention.start) > CARRY_PARAGRAPHS:
                return None
            title = self.best_title.get(mention.name) or mention.title or ""
            if _ASKER.search(title) or _ASKER.search(self.text[max(0, mention.start - 16):mention.start]):
                return self.person(mention, "asker")
        return None

    def pronoun(self, start: int, end: int) -> Speaker | None:
        """A pronoun subject ("Ông cam kết …", "Bà hứa …", "Đồng chí khẳng định …",
        "Chúng tôi sẽ …") stands for the person named last before it."""
        comma = self.text.rfind(",", start, end)
        pronoun = PRONOUN.match(self.text, start, end) or \
            (comma >= 0 and PRONOUN.match(self.text, comma + 1 + len(self.text[comma + 1:end]) -
                                          len(self.text[comma + 1:end].lstrip()), end))
        if not pronoun:
            return None
        earlier = self.persons.before(start)
        if pronoun.group().lower() in ("ông", "anh"):
            # "Ông" is a man: not the woman (middle name "Thị") who asked just before.
            earlier = [m for m in earlier if " Thị " not in f" {m.name} "] or earlier
        return self.person(earlier[-1], "pronoun") if earlier else None


MAX_TITLE_WORDS = 12
MIN_TITLE_WORDS = 4    # an office and a body ("chủ tịch ủy ban …"): shorter is not one title
# Delegates or voters as a group: who asks, with no one person to name.
_GROUP = re.compile(r"(?<![\w])(?:các|nhiều|một số|những|một vài|hầu hết|đa số)\s+(?:vị\s+)?(?:đại biểu|ĐBQH|ĐB|cử tri)"
                    r"(?![\w])", re.IGNORECASE)
# A place as the subject, with no body head: "Tỉnh phấn đấu …", "Thành phố quyết tâm …", "huyện sẽ …".
_UNIT_SUBJECT = re.compile(r"(?:tỉnh|thành phố|TP\.?|huyện|quận|thị xã|xã|phường)(?:\s+(?-i:[A-ZĐÀ-Ỹ]\w*)){0,3}"
                           r"\s*(?:cũng\s+|đã\s+|sẽ\s+)?", re.IGNORECASE)
# A body after these is an object ("trước Quốc hội", "đề nghị với UBND tỉnh"), not who speaks.
_OBJECT_BEFORE = re.compile(r"(?<![\w])(?:trước|với|cho|của|tại|theo|đến|tới|gửi|lên|về|thay mặt)\s+$", re.IGNORECASE)
_HONORIFIC = re.compile(r"\s*(?:(?:ông|bà|anh|chị|đồng chí|các|tân)\s+)?", re.IGNORECASE)
_ASKER = re.compile(r"(?<![\w])(?:đại biểu|ĐBQH|ĐB|cử tri)(?![\w])", re.IGNORECASE)
_TRAILING = re.compile(r"(?:\s+(?:cũng|đã|vẫn|còn|thì|đều|lại|tiếp tục))+$", re.IGNORECASE)
_TITLE_SPELLINGS = ((re.compile(r"\bbo truong bo\b"), "bo truong"), (re.compile(r"\bubnd\b"), "uy ban nhan dan"),
                    (re.compile(r"\bhdnd\b"), "hoi dong nhan dan"), (re.compile(r"\btp\b\.?"), "thanh pho "),
                    (re.compile(r"\bqh\b"), "quoc hoi"),
                    # "Chủ tịch tỉnh/TP X" is the chairman of its People's Committee.
                    (re.compile(r"\bchu tich (?=(?:tinh|thanh pho|huyen|quan|thi xa|xa|phuong)\b)"), "chu tich uy ban nhan dan "),
                    (re.compile(r"[^\w ]+"), " "), (re.compile(r"\s+"), " "))


def title_key(title: str) -> str:
    """A title folded to one spelling for comparison (tone marks, abbreviations, "Bộ")."""
    key = fold(title).lower()
    for pattern, replacement in _TITLE_SPELLINGS:
        key = pattern.sub(replacement, key)
    return key.strip()

_NEW = re.compile(r"^(?:tân|tân nhiệm)\s+", re.IGNORECASE)
# "ông Tuân" right before the verb: a man or woman named by the given name alone.
_GIVEN_NAME = re.compile(r"(?<![\w])(?:[Ôô]ng|[Bb]à)\s+([A-ZĐÀ-Ỹ][a-zà-ỹđ]+)(?![\w])(?!\s+[A-ZĐÀ-Ỹ])\s*(?:\w+\s*)?$")
# Between a name and its title: a comma or dash, up to two shorter titles, or an appointment ("giữ chức").
_BESIDE = re.compile(r"\s*[,–-]?\s*(?:(?:[^,.;:!?()\n]{1,30},\s*){0,2}(?:tân\s+)?|"
                     r"[^.;!?\n]{0,120}?(?<![\w])giữ chức(?:\s+vụ)?\s+)", re.IGNORECASE)
_NAME_AT_END = re.compile(r"((?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+\s+){1,3}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+)(?:\s+(?:cũng|đã|vẫn|còn|thì))?$")
_SPEECH_TAIL = re.compile(r"\s+(?:" + "|".join(re.escape(p) for p in sorted(commitment_cues()["speech"], key=len,
                                                                         reverse=True)) + r")(?![\w])")
# Pronouns that stand for a person named before them (never before a name: "Ông Nguyễn …").
PRONOUNS = ("chúng tôi", "chúng ta", "đồng chí", "ông", "bà", "anh", "chị", "tôi", "mình", "em", "cháu")
_PRONOUN_WORDS = "|".join(PRONOUNS)
PRONOUN = re.compile(rf"(?:{_PRONOUN_WORDS})(?![\w])(?!\s+(?-i:[A-ZĐÀ-Ỹ]))", re.IGNORECASE)
_PRONOUN_BEFORE = re.compile(rf"(?<![\w])(?:{_PRONOUN_WORDS})\s*$", re.IGNORECASE)


# Verbs of saying that ask or order: they are the cue of a demand, never a lead before one.
_DIRECTIVE_SPEECH = ("yêu cầu", "đề nghị", "kiến nghị", "chỉ đạo", "lưu ý", "cam kết", "hứa", "xin hứa")


def cut_lead(text: str, clause: Clause, cue_start: int, attributor: Attributor) -> tuple[Clause, Speaker | None]:
    """"X cho biết, <promise>" and "Theo X, <promise>": the clause starts after the lead,
    and X is the speaker."""
    theo = re.match(r"Theo\s+([^,]{3,140}),\s*", text[clause.start:cue_start])
    if theo:
        speaker = attributor.speaker_in(clause.start, clause.start + theo.end(1), "theo")
        if speaker:
            return retrim(text, clause, clause.start + theo.end()), speaker
    for at, speaker in reversed(attributor.said):
        if clause.start <= at < cue_start:
            verb = cue_regex("speech").match(text, at)
            if verb is None or verb.group().lower() in _DIRECTIVE_SPEECH:
                break
            tail = re.match(r"\s*(?:rằng|là)?\s*[,:]?\s*", text[verb.end():cue_start])
            return retrim(text, clause, verb.end() + tail.end()), speaker
    return clause, None


def cut_tail(text: str, clause: Clause, cue_end: int, attributor: Attributor) -> tuple[Clause, Speaker | None]:
    """"<promise>, Chủ tịch UBND tỉnh X cho biết": the speaker follows the clause."""
    for at, speaker in attributor.said:
        if cue_end < at < clause.end:
            comma = text.rfind(",", cue_end, at)
            if comma > 0 and attributor.speaker_in(comma, at + 1, "speech_after"):
                return retrim(text, clause, end=comma), Speaker(speaker.name, speaker.title, speaker.kind,
                                                                  "speech_after")
    return clause, None


def turn_speaker(turns: SpanIndex, pos: int) -> tuple[int | None, Speaker | None, bool]:
    """The speaker turn holding ``pos``: its index, its speaker, and whether a transcript
    label names that speaker (then it outranks every other attribution)."""
    index = turns.holding(pos)
    if index is None:
        return None, None, False
    turn = turns.records[index]
    if not (turn.speaker or turn.title):
        return index, None, False
    return index, Speaker(turn.speaker, turn.title, turn.speaker_kind, "turn"), turn.source == "transcript"


def subject_speaker(clause: Clause, cue_start: int, attributor: Attributor) -> Speaker | None:
    """No attribution in the sentence: reported speech carried over, else the subject body
    (or a place named as the subject)."""
    if cue_start == clause.start:
        # No cue: "Lập tức ông Trần Thọ yêu cầu ông Lê Anh … giải thích" is said by whoever the
        # clause's first verb of saying names (a later one is inside what is asked: "Đề nghị UBND … chỉ đạo").
        first = cue_regex("speech").search(attributor.text, clause.start, clause.end)
        own = next((speaker for at, speaker in attributor.said if first and at == first.start()), None)
        if own:
            return own
    carried = attributor.carried(clause.start)
    subject_body = next(iter(attributor.bodies.between(clause.start, cue_start)), None)
    if carried:
        speaker, paragraph = carried
        # "Sở Xây dựng sẽ …" two paragraphs after the mayor spoke: the body's own promise,
        # unless the mayor's title names that body ("Chủ tịch UBND quận …" → "Quận …").
        if subject_body and clause.paragraph - paragraph > 1 and \
                subject_body.head.casefold() not in (speaker.title or "").casefold():
            return Speaker(None, subject_body.canonical, "body", "subject")
        return speaker
    if subject_body:
        return Speaker(None, subject_body.canonical, "body", "subject")
    subject = attributor.text[clause.start:cue_start].strip(" ,")
    if subject and _UNIT_SUBJECT.fullmatch(subject):  # "TP yêu cầu …", "Tỉnh phấn đấu …": the place itself,
        # or its chairman when he has just spoken ("Tỉnh Thanh Hóa sẽ chỉ đạo …" after the chairman's words).
        head = attributor.head_by_key("uy ban nhan dan " + title_key(_TRAILING.sub("", subject)), clause.start)
        return attributor.person(head, "subject") if head else Speaker(None, subject, "body", "subject")
    return None
