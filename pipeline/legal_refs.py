"""References to numbered documents: "Kế hoạch số 103/KH-UBND ngày 04/4/2024 của UBND
thành phố", "Nghị quyết 18-NQ/TU", "Nghị định số 61/2018/NĐ-CP".

A reference needs a document type (``models/legal_types.txt``) and a number: a code with a
letter part (103/KH-UBND, 18-NQ/TU, 54/KHUBND, "2031 KH-UBND" with a space for the slash)
or a year part (43/2019/QH14), or a bare number as the news cites it ("Nghị quyết 68",
"Đề án 06", "Kế hoạch số 197"), but not a count or a year ("kế hoạch 5 năm", "Kế hoạch
2025"). A document header "Số: 62/KH-UBND" takes its type from the code's letters. A law
may be cited by its name before the number ("Luật Tổ chức chính quyền địa phương số
72/2025/QH15"), and one type may cover several numbers ("Quyết định số 468/QĐ-UBND,
469/QĐ-UBND và 492/QĐ-UBND"), each a reference with the date and issuer written after the last. A header's date is the day
written after the place it was signed in ("Số: 30/2018/QĐ-UBND | Hải Phòng, ngày 09 tháng 10 năm 2018").
A law cited by its name without a number, with the day it was passed ("Luật Giao thông đường
bộ ngày 13/11/2008") or only the year ("Luật Đất đai năm 2013", "Hiến pháp 2013"), is a
reference with its name kept and that day or year as its date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from pipeline.dates import find_dates
from pipeline.resources import abbreviations, legal_types
from pipeline.steps import step
from pipeline.text import inside

# Separators as typed, with stray spaces ("35/ NQ-CP", "846 /UBND-TH", "04/2017/NQ - HĐND").
_SEP = r"(?:\s{0,3}/\s?|-|\s-\s)"
_CODE = (rf"\d{{1,5}}[a-z]?(?:{_SEP}[\dA-ZĐa-zđ&.]+)*{_SEP}[A-ZĐ][\dA-ZĐa-zđ&.]*(?:(?:-|\s-\s)[A-ZĐ][\dA-ZĐa-zđ&.]*)*(?<![.-])"
         r"|\d{1,5}/(?:19|20)\d{2}/[A-ZĐ][\dA-ZĐa-zđ-]*|\d{1,5}\s[A-ZĐ]{1,4}-[A-ZĐ][\dA-ZĐa-zđ-]*")
# A bare number: "Nghị quyết số 60", "Nghị quyết 98/2023", not "kế hoạch 5 năm" or "75%".
_BARE = (r"\d{1,5}[a-z]?(?:/(?:19|20)\d{2})?"
         r"(?![\w/%]|[,.]\d|\s*(?:%|tỷ|triệu|nghìn|người|ha\b|km|điểm|lần|tháng|ngày(?!\s*\d)|giờ"
         r"|năm(?!\s+(?:19|20)\d{2}(?!\s*[-–]))))")  # "Nghị quyết 68 năm 2024", not "Kế hoạch 5 năm 2021 - 2025"
# Types that are also common verbs or nouns ("quyết định 5 nội dung") need "số" or a capital to be cited bare.
_BARE_ANY_CASE = {"nghị quyết", "nghị định", "đề án", "kế hoạch"}
_HEADER = re.compile(rf"(?<![\w])Số\s*:\s*(?P<number>{_CODE})(?![\w/])")
# The letters of a header's code name its type: 62/KH-UBND is a Kế hoạch.
_CODE_TYPES = {"NQ": "Nghị quyết", "QĐ": "Quyết định", "KH": "Kế hoạch", "CT": "Chỉ thị", "TTr": "Tờ trình",
               "BC": "Báo cáo", "TB": "Thông báo", "NĐ": "Nghị định", "TT": "Thông tư", "KL": "Kết luận",
               "HD": "Hướng dẫn", "CTr": "Chương trình", "ĐA": "Đề án", "QC": "Quy chế", "CĐ": "Công điện"}
# A law cited by its name, then its number: "Luật Tổ chức chính quyền địa phương số 72/2025/QH15".
_NAMED_LAW = re.compile(rf"(?<![\w])(?P<type>Bộ luật|Luật|Pháp lệnh)\s+[A-ZĐÀ-Ỹ][^\s,.;:()]*(?:\s+[^\s,.;:()]+){{0,9}}?"
                        rf"\s+số\s+(?P<number>{_CODE})(?![\w/])")
# A law cited by its name and the day it was passed, without its number: "Luật Tổ chức chính
# quyền địa phương ngày 19 tháng 6 năm 2015", "Luật Giao thông đường bộ\nngày 13/11/2008".
_DATED_LAW = re.compile(r"(?<![\w])(?P<type>Bộ luật|Luật|Pháp lệnh)\s+(?P<name>[A-ZĐÀ-Ỹ][^\W\d]*(?:\s+[^\W\d]+){0,14}?)"
                        r"\s+(?P<day>ngày\s+\d)")
# Words that end a law's name: what is said of the law, not its title ("… có hiệu lực từ ngày …").
_NOT_NAME = re.compile(r"(?<![\w])(?:có|được|đã|sẽ|từ|vào|đến|thông qua|hiệu lực|ban hành|số|năm)(?![\w])")
# A law cited by its name and the year it was passed, without its number or day: "Luật Đất
# đai 2013", "Luật Đất đai năm 2024", "Bộ luật Hình sự 2015", "Hiến pháp năm 2013" (the
# Constitution alone may have no name). Not a period ("năm 2021-2025") or a day ("2013/…").
_YEAR_LAW = re.compile(r"(?<![\w])(?P<type>Bộ luật|Luật|Pháp lệnh|Hiến [pP]háp)(?P<name>(?:\s+[^\W\d]+){0,14}?)"
                       r"\s+(?:năm\s+)?(?P<year>(?:19|20)\d{2})(?![\w/]|\s*[-–]\s*\d|[.,]\d)")
# Words that are no part of a law's name before a year: where or when it applies ("Luật Đầu
# tư công trong năm 2024", "Luật này năm 2025").
_NOT_YEAR_NAME = re.compile(r"(?<![\w])(?:trong|tại|theo|cho|với|này|đó|khi|mà|là|thì|nhưng|hiện hành|mới|trước|sau)"
                            r"(?![\w])")
# A header's date, after the place it was signed in: "Số: 30/2018/QĐ-UBND | Hải Phòng, ngày 09 tháng 10 năm 2018".
_HEADER_DATE = re.compile(r"[\s|]*(?:[^\W\d][^|,\d]{0,40},\s*)?(?=ngày\s)", re.IGNORECASE)
# More numbers after one type: "Quyết định số: 468/QĐ-UBND, 469/QĐ-UBND và 492/QĐ-UBND", "Chương
# trình hành động số 26 và số 30".
_MORE = re.compile(rf"\s*(?:,|;|và)\s*(?:(?:số\s*)?(?P<number>{_CODE})(?![\w/])|số\s+(?P<bare>\d{{1,5}})(?![\w/%]|[,.]\d))")
_ISSUER = re.compile(r"\s+(?:của|do)\s+((?:[A-ZĐÀ-Ỹ][^\s,.;:()]*)(?:\s+[^\s,.;:()]+){0,7})")
_ISSUER_STOP = re.compile(r"\s(?:về|ngày|năm|đã|để|nhằm|thì|và|quy định|hướng dẫn|ban hành|phê duyệt|tại|với|trong)\b")


@dataclass(frozen=True)
class LegalRef:
    start: int
    end: int
    type: str
    number: str | None        # None for a law cited by name and date alone
    date: str | None
    issuer: str | None
    name: str | None = None   # a law's name when it is cited without its number

    def as_dict(self, text: str) -> dict:
        return {"type": self.type, "number": self.number, "name": self.name, "date": self.date, "issuer": self.issuer,
                "quote": text[self.start:self.end], "start": self.start, "end": self.end}


@lru_cache(maxsize=None)
def _regex() -> re.Pattern[str]:
    # A type broken over two lines ("Tờ\ntrình số 617/TTr-SNV") is still the type.
    types = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in legal_types())
    # A qualifier may come between the type and "số": "Báo cáo thẩm định số", "Kế hoạch giám sát số"; in
    # lower case, and not a preposition before another document ("quy định tại Nghị quyết số 36/…").
    return re.compile(rf"(?<![\w])(?P<type>{types})(?P<so>(?-i:(?:\s+(?!(?:tại|theo|của|và)\s)[a-zà-ỹđ\"“”]+){{0,3}}?)\s+số:?)?"
                      rf"\s*(?:[:]\s*)?(?:(?P<number>{_CODE})(?![\w/])|(?P<bare>{_BARE}))", re.IGNORECASE)


def _canonical_type(written: str) -> str:
    lower = " ".join(written.lower().split())
    return next(t for t in legal_types() if t.lower() == lower)


def _issuer_from_code(number: str) -> str | None:
    """The issuer part of a code: 103/KH-UBND → UBND, 18-NQ/TU → TU (Thành ủy)."""
    tail = re.split(r"[-/]", number)[-1]
    return abbreviations().get(tail, tail) if tail and not tail.isdigit() else None


def _type_of_code(number: str) -> str | None:
    letters = re.findall(r"[A-ZĐa-zđ]+", number)
    return _CODE_TYPES.get(letters[0]) if letters else None


def _cited(match: re.Match[str]) -> tuple[str, str] | None:
    """(type, number) of a reference match, None for a bare number too weak to cite."""
    written = match.group("type")
    if match.group("number"):
        return _canonical_type(written), match.group("number")
    bare = match.group("bare")
    if not match.group("so") and re.fullmatch(r"(?:19|20)\d{2}", bare):
        return None  # "Kế hoạch 2025": a year, not a number
    if not (match.group("so") or written[0].isupper() or written.lower() in _BARE_ANY_CASE):
        return None
    return _canonical_type(written), bare


def _header_date(text: str, end: int, published) -> str | None:
    """The date of a document whose header number ends at ``end``: the day written after the
    place it was signed in, on its line or the next ("Cà\nMau, ngày 20 tháng 06\nnăm 2018")."""
    place = _HEADER_DATE.match(text, end)
    if place is None:
        return None
    found = find_dates(text[place.end():place.end() + 40], published)
    return found[0].value if found and found[0].start == 0 and found[0].granularity == "day" else None


def find_legal_refs(text: str, published=None, furniture: list[tuple[int, int]] = ()) -> list[LegalRef]:
    refs: list[LegalRef] = []
    matches = [(m, _cited(m)) for m in _regex().finditer(text)]
    taken = [(m.start(), m.end()) for m, cited in matches if cited]
    matches += [(m, (m.group("type"), m.group("number"))) for m in _NAMED_LAW.finditer(text)
                if not inside(taken, m.start("number"))]
    matches += [(m, (_type_of_code(m.group("number")), m.group("number"))) for m in _HEADER.finditer(text)
                if _type_of_code(m.group("number")) and not inside(taken, m.start("number"))]
    for match, cited in sorted(matches, key=lambda mc: mc[0].start()):
        # A document header ("Số: 30/2018/QĐ-UBND | Hải Phòng, ngày …") is laid out like a menu, but is none.
        if cited is None or (match.re is not _HEADER and inside(list(furniture), match.start())):
            continue
        numbers = [(match.start(), match.end(), cited[1])]
        while more := _MORE.match(text, numbers[-1][1]):
            numbers.append((more.start("number") if more.group("number") else more.start("bare"), more.end(),
                            more.group("number") or more.group("bare")))
        kind, end = cited[0], numbers[-1][1]
        date = _header_date(text, end, published) if match.re is _HEADER else None
        tail = text[end:end + 40]
        dated = re.match(r"\s*,?\s*(?:ban hành\s+)?ngày\s+", tail)
        if dated:
            found = find_dates(text[end:end + 60], published)
            if found and found[0].granularity == "day" and found[0].start <= dated.end() + 5:
                date = found[0].value
                end = end + found[0].end
        issuer = None
        issued = _ISSUER.match(text, end)
        if issued:
            name = issued.group(1)
            stop = _ISSUER_STOP.search(name)
            name = name[:stop.start()] if stop else name
            issuer = name.strip() or None
            if issuer:
                end = issued.start(1) + len(issuer)
        for start, _end, written in numbers:
            number = re.sub(r"\s*([/-])\s*", r"\1", written)  # "35 /2024/QĐ-UBND" as 35/2024/QĐ-UBND
            refs.append(LegalRef(start, end, kind, number, date, issuer or _issuer_from_code(number)))
    taken = [(r.start, r.end) for r in refs]
    refs += [ref for ref in _dated_laws(text, published) if not inside(taken, ref.start)]
    taken = [(r.start, r.end) for r in refs]
    refs += [ref for ref in _year_laws(text) if not inside(taken, ref.start)]
    return sorted(refs, key=lambda r: r.start)


def _dated_laws(text: str, published) -> list[LegalRef]:
    """Laws cited by name and date with no number: the name is kept, as the reference."""
    found = []
    for match in _DATED_LAW.finditer(text):
        name = " ".join(match.group("name").split())
        if _NOT_NAME.search(name):
            continue
        at = match.start("day")
        dates = find_dates(text[at:at + 45], published)
        if not dates or dates[0].start > match.end("day") - 1 - at or dates[0].granularity != "day":
            continue
        found.append(LegalRef(match.start(), at + dates[0].end, match.group("type"), None, dates[0].value, None, name))
    return found


def _year_laws(text: str) -> list[LegalRef]:
    """Laws cited by name and the year they were passed: the name kept, the year as the date
    ("2013", as a deadline's year is written); the Constitution without a name is named by its type."""
    found = []
    for match in _YEAR_LAW.finditer(text):
        name = " ".join(match.group("name").split())
        law = "Hiến pháp" if match.group("type").startswith("Hiến") else match.group("type")
        if _NOT_NAME.search(name) or _NOT_YEAR_NAME.search(name) or not (name or law == "Hiến pháp"):
            continue
        found.append(LegalRef(match.start(), match.end(), law, None, match.group("year"), None, name or law))
    return found


@step("hdnd_legal_refs", "legal_refs", label=lambda r: r.type, requires=["published", "furniture"])
def legal_refs_of(doc: Doc) -> list[LegalRef]:
    return find_legal_refs(doc._.text, doc._.published, doc._.furniture)
