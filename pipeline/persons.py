"""People named in the text, with the titles the text gives them.

A name is a run of two to four capitalised syllables that starts with a family name
(``models/surnames.txt``), or any such run announced by a person word (ông, bà, đồng
chí, nhà văn …), a credit (Ảnh:, Theo …) or a byline line. Places at the start of a run
are cut off first ("Hà Nội Trần Sỹ Thanh" → "Trần Sỹ Thanh"), and runs after street,
school or unit words ("đường Trần Hưng Đạo") are not people. Titles come from the text
before the name ("Chủ tịch UBND thành phố Hà Nội Trần Sỹ Thanh"), after it
("Phùng Thị Hồng Hà, Phó Chủ tịch Thường trực …", "Nguyễn Quang Trung - Chủ tịch …") or
in brackets ("Hồ Vân Nga (Tổ đại biểu quận Hai Bà Trưng)"). Streets, companies, peoples,
addresses and newspapers are not people ("đường Ông Ích Khiêm", "Tập đoàn Tôn Hoa Sen", "PV
Thanh Niên"); one person is one name however it is spelt ("Sỹ"/"Sĩ"), and a given name after
the full name ("ông Ngọc Anh" after "Chu Ngọc Anh") is that person. "Chủ tịch Hồ Chí Minh" is the
man the city is named after.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc

from pipeline.placenames import PlaceMention
from pipeline.resources import person_prefixes, places, surnames, titles
from pipeline.steps import step
from pipeline.text import CAP, CAP_RUN, UPPER, inside

# Words after which a capitalised run names a thing, not a person.
_NOT_PERSON_BEFORE = re.compile(
    r"(?<![\w])(?:Bộ|Sở|Cục|Tổng cục|Viện|Vụ|THPT|THCS|TP\.?|Trường|Đường|[Tt]hành phố|(?<![Tt]hành )(?:Phố|phố)|đường|phường|quận|huyện|xã|tỉnh|tp\.?|thị xã|thị trấn|(?<![Mm]ôi )trường|cầu|sông|hồ|chùa|đền|đình|"  # noqa: E501
    r"công viên|bệnh viện|khu|tuyến|dự án|thpt|thcs|tiểu học|đại học|học viện|giải|công ty|tập đoàn|ấp|(?<!nông )thôn|"
    r"bản|làng|xóm|khu phố|tổ dân phố|số|nhà|tàu|quỹ|đoàn tncs|báo|tạp chí|đài|kênh|lăng|quảng trường|"
    r"nút giao|bến|chợ|hầm|trung tâm|tòa|núi|đảo|vịnh|suối|đồi|đèo|"
    r"phim|tác phẩm|cuốn|bài thơ|bài hát|ca khúc|sách|thương hiệu|ngân hàng)\s+$")
# A company, a project, a people or an address before a run: "Tập đoàn Tôn Hoa Sen", "Công ty TNHH MTV Trà Tâm
# Lan", "dân tộc La Hủ", "khu vực Đồng Xanh", "địa chỉ 5/71 Ngô Thế Lân", "vườn cao su Phạm Phủ Thờ".
_THING_BEFORE = re.compile(r"(?<![\w])(?:(?:Công ty|công ty)(?:\s+(?:TNHH|CP|cổ phần|Cổ phần))?(?:\s+MTV)?|Tập đoàn|Nhà máy|"
                           r"Bệnh viện|Dự án|khu vực|dân tộc|vườn cao su|địa chỉ(?:\s+(?:số\s+)?[\d/]+)?)\s+$")
# A first word that makes the run a thing even after a person word or a credit: "Đường Lê Thuyết nối …",
# "số 111 Bà Huyện Thanh Quan", "Phóng viên Báo Nghệ An".
_THING_HEADS = {"Đường", "Phố", "Huyện", "Quận", "Tỉnh", "Xã", "Phường", "Báo", "Đài", "Kênh"}
# Newspapers and bodies whose names read like a person's: "PV Thanh Niên", "Đại biểu Quốc Hội".
_NOT_NAMES = {"thanh niên", "tiền phong", "tuổi trẻ", "người lao động", "lao động", "nhân dân", "dân trí", "pháp luật",
              "đại đoàn kết", "tin tức", "dân việt", "sài gòn giải phóng", "hà nội mới", "quốc hội", "vạn thịnh phát"}
_WEEKDAY = re.compile(r"(?<![\w])Thứ (?:[Hh]ai|[Bb]a|[Tt]ư|[Nn]ăm|[Ss]áu|[Bb]ảy)(?![\w])")
_PRESIDENT = re.compile(r"(?<![\w])Chủ tịch\s+$")
# The level of the units each kind word names ("tỉnh X": X is a province).
_UNIT_LEVELS = {"tỉnh": ("province",), "thành phố": ("province", "district"), "quận": ("district",),
                "huyện": ("district",), "thị xã": ("district",), "thị trấn": ("ward",), "xã": ("ward",),
                "phường": ("ward",)}
# Words that are a surname too but here open a body: "Công an", "Công Thương", "Ban Thường vụ".
_BODY_START = re.compile(r"(?:Công [Aa]n|Công Thương|Ban Thường|Bộ Nông|Đoàn (?:[Đđ]ại|[Cc]hủ|[Kk]iểm|[Gg]iám|[Cc]ông tác)|"
                         r"Tân [Cc]hủ|Giáp Thìn)(?![\w])")
_CREDIT = re.compile(r"(?:Ảnh|Ảnh minh họa|Video|Clip|Bài và ảnh|Bài, ảnh|Tác giả|Nhóm PV|Theo|Người viết|"
                     r"Thực hiện|Đồ họa|Trình bày)\s*:\s*$")
_LIST_JOIN = re.compile(r"(?:,\s+|\s+và\s+|\s+hay\s+|\s+hoặc\s+|\s+cùng\s+)$")
_TITLE_STOP = re.compile(
    r"(?<![\w])(?:cho biết|đã|sẽ|đang|là|được|có|trả lời|nói|phát biểu|nêu|cùng|với|do|bởi|theo|khi|thì|mà|"
    r"vào|tại|trong|về|để|này|đó|nhưng|vì|nên|chủ trì|dự|thăm|làm|yêu cầu|đề nghị|khẳng định|nhấn mạnh|"
    r"chia sẻ|thông tin|tiếp thu|từ|đến|trước|sau|cũng|vẫn|không|chưa|rất|đánh giá|ghi nhận|biểu dương|cảm ơn|"
    r"mong muốn|lưu ý|bày tỏ|kết luận|đề xuất|kiến nghị|giải trình)(?![\w])", re.IGNORECASE)
_COUNTRIES = {"Việt Nam", "Trung Quốc", "Hàn Quốc", "Nhật Bản", "Hoa Kỳ", "Liên Xô", "Thái Lan", "Ấn Độ",
              "Triều Tiên", "Đông Nam Á", "Liên Hợp Quốc", "Liên hợp quốc", "Châu Âu", "Châu Á", "Châu Phi",
              "Châu Mỹ", "Châu Úc"}
_BOUNDARY = re.compile(r"[.;:!?()\n\"“”]")
_BYLINE_TAIL = re.compile(r"\s*(?:[-–|,]\s*)?(?:\d{1,2}[/:.-]\d{1,2}(?:[/:.-]\d{2,4})?\s*)*(?:\(GMT\+7\))?\s*$")


@dataclass
class PersonMention:
    start: int
    end: int
    name: str
    title: str | None = None
    role: str | None = None          # author | photo | None
    furniture: bool = False

    def as_dict(self, text: str) -> dict:
        return {"name": self.name, "title": self.title, "role": self.role, "furniture": self.furniture,
                "start": self.start, "end": self.end, "quote": text[self.start:self.end]}


@dataclass
class Person:
    name: str
    title: str | None
    titles: list[str] = field(default_factory=list)
    mentions: list[PersonMention] = field(default_factory=list)


@lru_cache(maxsize=None)
def _prefix_regex() -> re.Pattern[str]:
    words = "|".join(re.escape(p) for p in person_prefixes())
    return re.compile(rf"(?<![\w])(?P<prefix>{words})(?:\s+(?:như|gồm|là|:))?\s+$", re.IGNORECASE)


@lru_cache(maxsize=None)
def title_regex() -> re.Pattern[str]:
    words = "|".join(re.escape(t) for t in titles())
    return re.compile(rf"(?<![\w])(?:{words})(?![\w])", re.IGNORECASE)


def is_place(name: str) -> bool:
    """A province, a district, or (for two-syllable names) a ward, or a country."""
    units = places().get(name, ())
    short = len(name.split()) <= 2
    return name in _COUNTRIES or any(u.level in ("province", "district") or short for u in units)


def _cut_place(words: list[str]) -> int:
    """How many leading words are a place followed by a surname-led name of 2–4 words."""
    for k in range(min(len(words) - 2, 4), 0, -1):
        units = places().get(" ".join(words[:k]), ())
        if words[k] in surnames() and len(words) - k <= 4 and units:
            # "Phan Công Bằng" is a name even though some ward is called Phan.
            if words[0] in surnames() and len(words) <= 4 and all(u.level == "ward" for u in units):
                continue
            return k
    return 0


def _title_ok(title: str) -> bool:
    return bool(title) and not _TITLE_STOP.search(title) and len(title.split()) <= 16


def _names_someone(segment: str) -> bool:
    """A surname-led run of two or more capitalised words that is not a place: another
    person's name inside what would otherwise be a title."""
    for run in CAP_RUN.finditer(segment):
        words = run.group().split()
        if len(words) >= 2 and words[0] in surnames() and not is_place(" ".join(words[:4])):
            return True
    return False


def _title_before(text: str, start: int) -> str | None:
    window_start = max(0, start - 160)
    breaks = list(_BOUNDARY.finditer(text, window_start, start))
    if breaks:
        window_start = breaks[-1].end()
    for match in title_regex().finditer(text, window_start, start):
        candidate = text[match.start():start]
        stripped = _prefix_regex().sub("", candidate).rstrip()
        if stripped != candidate.rstrip() and stripped.endswith(","):
            continue  # "…, đồng chí X": the title before the comma is someone else's
        candidate = stripped.strip(" ,-–")
        if "," in candidate and _names_someone(candidate.rsplit(",", 1)[0]):
            continue  # "đại biểu X, Giám đốc Sở Y <name>": the first title is X's
        if candidate and _title_ok(candidate):
            return candidate
    return None


def _title_after(text: str, end: int) -> str | None:
    rest = text[end:end + 200]
    paren = re.match(r"\s*\(([^()\n]{3,100})\)", rest)
    if paren:
        inner = paren.group(1).strip()
        if title_regex().match(inner) or inner.lower().startswith(("tổ đại biểu", "đoàn đại biểu")):
            return inner
        return None
    lead = re.match(r"\s*(?:,|[-–—])\s*", rest)
    if not lead:
        return None
    body = rest[lead.end():]
    cut = _BOUNDARY.search(body)
    body = body[:cut.start()] if cut else body
    parts = []
    for i, segment in enumerate(body.split(",")):
        segment = segment.strip()
        if not segment or not (title_regex().match(segment) or (i and segment.startswith("kiêm"))):
            break
        stop = _TITLE_STOP.search(segment)
        kept = segment[:stop.start()].strip() if stop else segment
        if not kept or _names_someone(kept):
            break  # "X, Giám đốc Sở Y Trần Văn Z": the title belongs to the next person
        parts.append(kept)
        if stop:
            break
    return ", ".join(parts) or None


def _byline_lines(text: str) -> list[tuple[int, int]]:
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
    return lines[:8] + lines[-3:]


def _credit_role(credit: re.Match[str]) -> str:
    """A credit for pictures ("Ảnh:", "Video:") is a photographer's, any other an author's."""
    return "photo" if credit.group().lower().startswith(("ảnh", "video", "clip", "đồ họa")) else "author"


def _unit_named(kind: str, name: str) -> bool:
    """A unit of that kind's level is called ``name`` ("tỉnh Kim Ngọc" is not: Kim Ngọc is a commune)."""
    return any(u.level in _UNIT_LEVELS[kind] for u in places().get(name, ()))


def _named_after(text: str, start: int, name: str) -> bool:
    """"Chủ tịch Hồ Chí Minh": a full name that a city took, after the title the man held."""
    return len(name.split()) >= 3 and bool(_PRESIDENT.search(text, max(0, start - 12), start))


def _accept(text: str, start: int, words: list[str], prefixed: bool) -> int:
    """How many of ``words`` (from ``start``) form a name; 0 when none."""
    if len(words) < 2:
        return 0
    second = start + len(words[0]) + 1
    if title_regex().match(text, second) or _BODY_START.match(text, start):
        return 0  # "Đoàn Đại biểu …", "Tân Chủ tịch …", "Công an …": a title or a body, not a name
    n = min(len(words), 4)
    # A title right after the name is not part of it ("Lê Minh Giang Phó Chủ tịch …").
    n = next((i for i in range(2, n) if title_regex().match(text, start + len(" ".join(words[:i])) + 1)), n)
    name = " ".join(words[:n])
    if words[0] == "Đoàn" and any(u.level == "province" for u in places().get(" ".join(words[1:n]), ())):
        return 0  # "Đoàn Quảng Ninh": a province's delegation
    if words[0] in _THING_HEADS or name.lower() in _NOT_NAMES or _THING_BEFORE.search(text, max(0, start - 40), start):
        return 0
    if words[0] in surnames():
        before = _NOT_PERSON_BEFORE.search(text, max(0, start - 20), start)
        kind = before.group().strip().lower().removesuffix(".") if before else None
        kind = "thành phố" if kind == "tp" else kind
        if kind in _UNIT_LEVELS and not _unit_named(kind, name) and not _unit_named(kind, " ".join(words[:2])):
            before = None  # "Chủ tịch UBND tỉnh Cao Tường Huy": no province is called that
        if (not prefixed and is_place(name) and not _named_after(text, start, name)) or before:
            return 0
        return n
    if prefixed:
        return n
    return 0


def find_persons(text: str, place_mentions: list[PlaceMention], furniture: list[tuple[int, int]]) -> list[PersonMention]:
    place_spans = [(p.start, p.end) for p in place_mentions]
    bylines = _byline_lines(text)
    found: list[PersonMention] = []
    prefix_rx = _prefix_regex()
    for run in CAP_RUN.finditer(text):
        words = run.group().split(" ")
        offset = run.start()
        weekday = _WEEKDAY.search(text, run.start(), run.end() + 5)
        if weekday and weekday.start() < run.end():  # a byline's date: "Ngọc Lương Thứ sáu, ngày 22/07/2016"
            words = text[run.start():weekday.start()].split()
        if not words:
            continue
        # Cut places and a capitalised person word at the start of the run.
        while words and (inside(place_spans, offset) and not _named_after(text, offset, " ".join(words))
                         or words[0].lower() in ("ông", "bà", "anh", "chị", "bác")):
            offset += len(words[0]) + 1
            words = words[1:]
        if run.group().split(" ")[0].lower() in ("ông", "bà") and _NOT_PERSON_BEFORE.search(text, max(0, run.start() - 20),
                                                                                          run.start()):
            continue  # "đường Ông Ích Khiêm": a street named after someone
        if title_regex().match(text, offset):
            continue  # "Phó Chủ tịch …": a title, not a name
        cut = _cut_place(words)
        offset += sum(len(w) + 1 for w in words[:cut])
        words = words[cut:]
        if len(words) < 2:
            continue
        before = text[max(0, offset - 40):offset]
        prefix = prefix_rx.search(before)
        role = None
        credit = _CREDIT.search(before)
        if credit:
            role = _credit_role(credit)
        line = next(((s, e) for s, e in bylines if s <= offset < e), None)
        if line and role is None and offset == line[0] and not inside(furniture, offset) and len(words) <= 4 \
                and _BYLINE_TAIL.match(text, offset + len(" ".join(words)), line[1]):
            role = "author"
        listed = bool(found) and found[-1].end < offset and _LIST_JOIN.search(text, found[-1].end, offset) \
            and found[-1].end >= offset - 8
        prefixed = bool(role) or (bool(prefix or listed) and " ".join(words[:4]) not in _COUNTRIES)
        if role and words[0] not in surnames():
            continue  # a pen name in a byline or credit ("Ảnh: Quang Khánh"): the annotation leaves it out
        n = _accept(text, offset, words, prefixed) if (words[0] in surnames() or prefix or role or listed) else 0
        if prefix and prefix.group("prefix").lower() == "cử tri" and is_place(" ".join(words[:n])):
            continue  # "cử tri Cần Giuộc": the voters of a place
        cut_short = n == 4 and len(words) > 4 and words[3] in ("Thị", "Văn")  # "TP Hà Hội Phùng Thị Hồng Hà"
        if cut_short or not n and not (prefix or role or listed) and (words[0] not in surnames() or
                                                                     _BODY_START.match(text, offset)):
            # A surname further into the run: "Sơn Tây Trần Anh Tuấn" after a place we missed,
            # "Bộ Công Thương Vũ Huy Hoàng" (Công is a surname too, but not a name there).
            for i in (i for i, w in enumerate(words) if i and w in surnames() and len(words) - i >= 2):
                at = offset + len(" ".join(words[:i])) + 1
                n = _accept(text, at, words[i:], False)
                if n:
                    offset, words = at, words[i:]
                    break
        if not n:
            continue
        name = " ".join(words[:n])
        end = offset + len(name)
        title = _title_before(text, offset) if not role else None
        after = _title_after(text, end)
        if prefix and prefix.group("prefix").lower() in ("đại biểu", "đb"):
            title = "Đại biểu" + (f", {after}" if after else "")
        elif after:
            title = after
        found.append(PersonMention(offset, end, name, title, role, inside(furniture, offset)))
    _as_full_names(found)
    return found + _capitals(text, bylines, found, furniture) + _short_mentions(text, found, furniture)


def _as_full_names(found: list[PersonMention]) -> None:
    """"ông Ngọc Anh" after "ông Chu Ngọc Anh" is the same man: a name that ends exactly one
    longer name of the document takes that name."""
    names = {m.name for m in found}
    for mention in found:
        longer = {n for n in names if n.endswith(" " + mention.name)}
        if len(longer) == 1:
            mention.name = longer.pop()


_CAPS_RUN = re.compile(rf"(?<![\w])[{UPPER}]{{2,}}(?: [{UPPER}]{{2,}}){{1,3}}(?![\w])")


def _capitals(text: str, bylines: list[tuple[int, int]], found: list[PersonMention],
              furniture: list[tuple[int, int]]) -> list[PersonMention]:
    """Bylines and credits in capitals ("PHƯƠNG THÙY", "Ảnh: VIỆT DŨNG") when their first
    word is a surname; pen names without one are left out, as the annotation does. Also names in
    capitals after a person word or before a title ("ÔNG NGUYỄN VĂN THỌ, CHỦ TỊCH UBND TỈNH", "Đại
    tướng TÔ LÂM, Bộ trưởng Công an") and a credit closing a caption's line ("… hợp tác VŨ ĐẠT")."""
    result = []
    for run in _CAPS_RUN.finditer(text):
        words, start = run.group().split(), run.start()
        spoken_of = words[0] in ("ÔNG", "BÀ") and len(words) > 2  # "ÔNG NGUYỄN VĂN THỌ, CHỦ TỊCH UBND TỈNH"
        if spoken_of:
            start += len(words[0]) + 1
            words = words[1:]
        name = " ".join(words)
        line = next(((a, b) for a, b in bylines if a <= start < b), None)
        credit = _CREDIT.search(text, max(0, start - 40), start)
        title = _title_after(text, run.end()) if not credit else None
        # A photo credit closing its caption: "… trao ý định thư hợp tác VŨ ĐẠT\n".
        closing = re.match(r"[ \t]*(?:\n|$)", text[run.end():]) is not None and len(words) <= 3
        credited = credit or (line and len(text[line[0]:line[1]].split()) <= 8)
        named = (spoken_of or title or closing) and not is_place(name.title()) and words[0].capitalize() not in _THING_HEADS
        if words[0].capitalize() not in surnames() or not (credited or named):
            continue
        if any(p.start <= start < p.end for p in found):
            continue
        role = _credit_role(credit) if credit else None if spoken_of or title else "author" if line else "photo"
        result.append(PersonMention(start, run.end(), name, title, role, inside(furniture, start)))
    return result


_SHORT = re.compile(rf"(?<![\w])(?:ông|bà|anh|chị|đồng chí|Ông|Bà|Anh|Chị|Đồng chí)\s+(?P<given>{CAP})(?![\w]| {CAP})")


def _short_mentions(text: str, found: list[PersonMention], furniture: list[tuple[int, int]]) -> list[PersonMention]:
    """"ông Thanh" after "Trần Sỹ Thanh" is the same man: a person word and the given name
    of exactly one person named in full earlier in the document."""
    result = []
    for match in _SHORT.finditer(text):
        start = match.start("given")
        earlier = {m.name for m in found if m.end <= start and m.role is None and
                   m.name.split()[-1] == match.group("given")}
        if len(earlier) == 1 and not any(m.start <= start < m.end for m in found):
            result.append(PersonMention(start, match.end("given"), earlier.pop(), None, None, inside(furniture, start)))
    return result


def _best_title(mentions: list[PersonMention]) -> str | None:
    titles_seen = Counter(m.title for m in mentions if m.title)
    if not titles_seen:
        return None
    return max(titles_seen, key=lambda t: (titles_seen[t], len(t)))


_TONES = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))
# A syllable of a consonant and "y" is the same with "i": Sỹ/Sĩ, Kỳ/Kì, Lý/Lí, Quý/Quí.
_Y_SYLLABLE = re.compile(r"^(b|c|ch|d|đ|g|gh|h|k|kh|l|m|n|ng|nh|p|ph|qu|r|s|t|th|tr|v|x)y$")


def spelling_key(name: str) -> str:
    """A name however it is spelt: without tone marks (a tone on another vowel, a typo's tone)
    and with i for a consonant's y ("Trần Sỹ Thanh" and "Trần Sĩ Thanh" are one man)."""
    bare = unicodedata.normalize("NFC", unicodedata.normalize("NFD", name).translate(_TONES)).lower()
    return " ".join(_Y_SYLLABLE.sub(r"\1i", word) for word in bare.split())


def group_persons(mentions: list[PersonMention]) -> list[Person]:
    """One person per name in a document, however it is spelt, with every title it was given;
    named as most often written."""
    by_name: dict[str, list[PersonMention]] = {}
    for mention in mentions:
        by_name.setdefault(spelling_key(mention.name), []).append(mention)
    result = []
    for group in by_name.values():
        name = Counter(m.name for m in group).most_common(1)[0][0]
        seen_titles = list(dict.fromkeys(m.title for m in group if m.title))
        result.append(Person(name, _best_title(group), seen_titles, group))
    return result


@step("hdnd_persons", "persons", label=lambda m: "PER", requires=["places", "furniture"])
def persons_of(doc: Doc) -> list[PersonMention]:
    return find_persons(doc._.text, doc._.places, doc._.furniture)
