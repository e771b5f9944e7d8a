"""Governance-index results: PAR INDEX, SIPAS, PAPI, PCI, DTI, ICT Index, PGI.

Within a sentence the pieces are found separately (the index and its sub-index, the
entity, the year, a value, a change, a rank out of N, a change in rank) and assembled in
reading order: each figure joins the record for the nearest index, entity and year
before it. A record is keyed by (index, sub-index, entity, year); a figure whose slot is
already filled is a secondary ranking ("đứng thứ 2 trong 5 thành phố") and is dropped.
The index and year of one sentence carry to the next one when it reports a result
without naming the index ("… (PAPI) năm 2023. Kết quả: Hà Nội đạt 43,9603 điểm").
A year written only as the comparison ("tụt 16 bậc so với năm 2021") gives the year
after it; with no year at all, the year before publication (results come out the
following spring), and a year written as the publication's own is the edition before. A
target ("phấn đấu … đạt 88%"), an index's structure ("gồm 12 chỉ số … (400 điểm)") and a rise
("mức tăng cao nhất là 9,39%") are no results; a figure for no one named is dropped. A
regional ranking ("xếp thứ 5 trong 6 tỉnh Bắc Trung Bộ") is a result of its own. One rank may
be given for several indexes named together ("đứng đầu … PAR INDEX, SIPAS, PCI và PGI"); an
average of a group is that group's ("của 17 bộ, cơ quan ngang bộ"), the country a lead is over is
no entity ("đứng đầu cả nước với …"), and one result written with two spellings of its entity is
one record. Tables with a place, a score and a rank per row are read as rankings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from pipeline.bodies import BodyMention
from pipeline.dates import TimeExpr, parse_published
from pipeline.normalize import fold
from pipeline.numbers import NUMBER, parse_number, parse_number_words
from pipeline.placenames import PlaceMention
from pipeline.resources import body_heads, index_names, index_subindices, places, provinces
from pipeline.steps import step
from pipeline.text import inside

# Not after an abbreviated kind of place: "TP. Hải Phòng xếp thứ 3" is one sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?…])(?<![\s(]TP\.)(?<![\s(]Tp\.)(?<![\s(]TX\.)\s+(?=\S)|\n+")
_VALUE = re.compile(rf"(?:đạt|với|là|được|có|ở mức|đạt mức|đạt được|:|=)\s+"
                    rf"(?:(?P<about>trên|gần|hơn|khoảng)\s+|chỉ\s+)?"
                    rf"(?:(?:số điểm|tỷ lệ(?: hài lòng)?)\s+(?P<num>{NUMBER})(?:/(?:1|10|80|100))?"
                    rf"(?:\s*(?P<unit>%|điểm)|(?=\s+trên\s+thang))"
                    rf"|điểm số\s+(?P<num2>{NUMBER})(?:\s*(?P<unit2>%|điểm))?"
                    rf"|(?P<num3>{NUMBER})(?:/(?:1|10|80|100|1\.?000))?\s*(?P<unit3>%|điểm)"
                    # a score without a unit, written to two to four decimals (PAPI 42,407; DTI 0,7955; "đạt 47,88;")
                    rf"|(?:(?:số điểm|điểm số|tổng điểm)\s+)?(?P<num4>\d{{1,2}}[,.]\d{{2,4}})(?![\d%/])"
                    rf"(?=\s*[,;.)(]|\s*$|\s+(?:và|tăng|giảm|cao|thấp|xếp|đứng)\s))",
                    re.IGNORECASE)
_CHANGE = re.compile(rf"(?P<verb>tăng|giảm|cải thiện|sụt giảm|tụt|cao hơn|thấp hơn)\s+(?:thêm\s+)?(?P<num>{NUMBER})\s*"
                     rf"(?P<unit>%|điểm)(?!\s*/)|\(\s*(?P<verb2>[+-])\s*(?P<num2>{NUMBER})\s*(?P<unit2>%|điểm)\s*\)",
                     re.IGNORECASE)
_ORDINALS = {"nhất": 1, "một": 1, "nhì": 2, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8,
             "chín": 9, "mười": 10}
_RANK = re.compile(r"(?:xếp thứ|xếp hạng|xếp vị trí|đứng thứ|đứng ở vị trí|đứng vị thứ|vị trí thứ|vị trí|thứ hạng|hạng|xếp|"
                   r"lên thứ|xuống thứ|lên|bậc)\s+"
                   # not "trong bảng xếp hạng năm nay" (this year's ranking, not fifth place)
                   r"(?:thứ\s+|số\s+)?(?:(?P<rank>\d{1,3})|(?P<word>" + "|".join(_ORDINALS) + r")(?![\w])"
                   r"(?!\s+(?:nay|qua|trước|ngoái|bậc|hạng|(?:19|20)\d\d)(?![\w])))"
                   r"(?:\s*/\s*(?P<of>\d{1,3})|\s+(?:trên|trong tổng số|trong số|trong(?: bảng xếp hạng)?)\s+(?P<of2>\d{1,3}))?"
                   r"(?![\d%]|[,.]\d)",
                   re.IGNORECASE)
# A rank in brackets after its entity: "Hải Phòng góp mặt trong Top 10 (thứ 3)".
_RANK_PAREN = re.compile(r"\(\s*(?:thứ|hạng)\s+(?P<rank>\d{1,2})\s*\)", re.IGNORECASE)
# A bare ordinal that introduces its entity ("…, thứ hai là Ngân hàng Nhà nước Việt Nam"); kept
# only when an entity follows it.
_RANK_IS = re.compile(r"(?<![\w])thứ\s+(?:(?P<rank>\d{1,2})|(?P<word>" + "|".join(_ORDINALS) + r"))(?=\s+là\s)")
# An index named after its figures: "Bắc Kạn đứng thứ 60 … về Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)",
# "giành vị trí á quân trong bảng xếp hạng PCI 2023".
_ABOUT_BEFORE = re.compile(r"(?<![\w])(?:về|(?:(?:trong|của|tại)\s+)?(?:bảng\s+)?xếp hạng|bảng)\s+(?:các\s+)?(?:chỉ số\s+)?$",
                           re.IGNORECASE)
# First place in words: "dẫn đầu", "đứng đầu" (not "người đứng đầu", the head of an office), "quán quân".
# Second place in words: "giành vị trí á quân".
_FIRST = re.compile(r"(?<!người )(?<![\w])(?:đứng đầu|dẫn đầu|quán quân|ngôi đầu|vị trí dẫn đầu|(?P<second>á quân))(?![\w])"
                    r"(?!\s+(?:đoàn|cơ quan|đơn vị))", re.IGNORECASE)
_YEAR_AFTER = re.compile(r"(?:\s+(?:cả nước|toàn quốc))?\s*\(\s*(?:năm\s+)?((?:19|20)\d{2})\s*\)"
                         r"|\s+(?:(?:của|trong)\s+)?năm\s+((?:19|20)\d{2})(?![\d/-])"
                         # "… xếp thứ 4/63 tỉnh thành vào năm 2018": at the end of the figure's clause
                         r"|[^.;,\n]{0,30}?\s+vào\s+năm\s+((?:19|20)\d{2})(?=\s*[.;,\n]|\s*$)")
_BARE_YEAR = re.compile(r"\s*[-–(]?\s*((?:19|20)\d{2})(?![\d/.,-])")
_INTRODUCES = re.compile(r"\s*(?:trong bảng xếp hạng\s+)?(?:(?!lần lượt)[^\W\d][^.;,:\d]{0,24}?(?:\s(?:19|20)\d{2})?\s+)?"
                         r"(?:vẫn |cũng )?(?:là|thuộc về|tiếp theo là)\s+"
                         r"(?:tỉnh|thành phố|TP\.?|vùng|khu vực)?\s*", re.IGNORECASE)
# A score leading its sentence, capitalised (a page may glue a label to it: "Địa phươngVới 67,48 điểm").
_LEADING_SCORE = re.compile(rf"(?:Với|Đạt)\s+(?:(?:số điểm|điểm số|tổng điểm)\s+)?(?:{NUMBER})\s*(?:/100\s*)?(?:%|điểm)")
_MANY_LEAD = re.compile(r"(?<![\w])(?:các|những)\s+(?:tỉnh|thành phố|địa phương|đơn vị|bộ)[^.;:]*$", re.IGNORECASE)
_FROM_BEFORE = re.compile(r"(?<![\w])từ\s+$", re.IGNORECASE)
_GROUP_BEFORE = re.compile(r"(?<![\w])(?:nhóm|tốp|top|trong số)(?![\w])[^.;:]*$", re.IGNORECASE)
# A score in brackets after the entity: "Đà Nẵng (70,1 điểm)", "Ngân hàng Nhà nước (91,77% điểm)".
_PAREN_VALUE = re.compile(rf"\(\s*(?P<num>{NUMBER})(?:/(?:1|10|80|100))?\s*(?P<unit>%|điểm)(?:\s*điểm)?\s*(?:\)|[–,;-])",
                          re.IGNORECASE)
# The score of the year compared with, in brackets after it.
_EARLIER = re.compile(rf"so với\s+(?:năm\s+)?(?P<year>(?:19|20)\d{{2}})\s*\(\s*(?P<num>{NUMBER})\s*(?P<unit>%|điểm)?\s*\)",
                      re.IGNORECASE)
# Regions and national agencies ranked by the indexes, beside the places and bodies found.
_REGIONS = re.compile(r"(?<![\w])(?:vùng\s+)?(?:Đồng bằng sông Hồng|Đông Nam Bộ|Bắc Trung Bộ và [Dd]uyên hải miền Trung|"
                      r"Trung du (?:và )?miền núi phía Bắc|Tây Nguyên|Đồng bằng sông Cửu Long|Duyên hải Nam Trung Bộ)(?![\w])")
_AGENCIES = re.compile(r"(?<![\w])(?:Ngân hàng Nhà nước(?: Việt Nam)?|Bảo hiểm xã hội Việt Nam|Thanh tra Chính phủ|"
                       r"Ủy ban Dân tộc|Văn phòng Chính phủ|Viện Hàn lâm (?:Khoa học và Công nghệ|Khoa học xã hội) Việt Nam|"
                       r"Đài Truyền hình Việt Nam|Đài Tiếng nói Việt Nam|Thông tấn xã Việt Nam)(?![\w])", re.IGNORECASE)
# Banks and corporations the ICT Index ranks, by name ("Tập đoàn Điện lực Việt Nam đã giành vị trí số một"),
# not the kind ("các tập đoàn kinh tế"): the name starts in capitals and ends before its verb.
_COMPANIES = re.compile(r"(?<![\w])(?:Ngân hàng TMCP|Tập đoàn|Tổng công ty)(?=\s+[A-ZĐÂĂÊÔƠƯÁÀẢÃẠ])"
                        r"(?:\s+(?!(?:đã|đang|dẫn|giành|xếp|đứng|với|là|có|được|tiếp|vẫn|cũng|và|ở|trong)(?![\w]))"
                        r"[^\W\d][\w&-]*){1,6}")
# "tăng 5 bậc", "nhảy vọt 8 bậc", "tụt đến 8 bậc", "giảm một bậc".
_RANK_CHANGE = re.compile(r"(?P<verb>tăng vọt|nhảy vọt|vọt|tăng|giảm|tụt|lên|xuống|thăng|rơi)\s+(?:thêm\s+|tới\s+|đến\s+)?"
                          r"(?P<n>\d{1,3}|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+(?:bậc|hạng|vị trí|thứ hạng)",
                          re.IGNORECASE)
_EARLIER_IS = re.compile(rf"\(\s*năm\s+(?P<year>(?:19|20)\d{{2}})\s+(?:là|đạt)\s+(?P<num>{NUMBER})\s*(?P<unit>%|điểm)?\s*\)",
                         re.IGNORECASE)
_YEAR_RANK = re.compile(r"(?<![\w])năm\s+(?P<year>(?:19|20)\d{2})\s*\(\s*(?:thứ\s+|hạng\s+)?"
                        r"(?P<rank>\d{1,3})\s*/\s*(?P<of>\d{1,3})"
                        r"[^()\d]{0,12}\)", re.IGNORECASE)
# K: a place out of how many with no verb: ", thứ 4/17 về hạ tầng nhân lực"
_RANK_OF = re.compile(r"(?<![\w])thứ\s+(?P<rank>\d{1,3})\s*/\s*(?P<of>\d{1,3})(?![\d%]|[,.]\d)", re.IGNORECASE)
# The year compared with: "so với năm 2022", "tăng từ 60,98 năm 2018 lên 63,85".
_COMPARISON = re.compile(rf"(?:so với|so cùng kỳ|từ|trước|hơn|kể từ)(?:\s+(?:{NUMBER})\s*(?:%|điểm)?)?\s*$", re.IGNORECASE)
# The score reached: "Điểm số đã tăng từ 60,98 năm 2018 lên 63,85 (+2,87 điểm)".
_RISE = re.compile(rf"(?<![\w])từ\s+(?:{NUMBER})\s*(?:%|điểm)?\s*(?:(?:năm\s+|\(\s*)(?:19|20)\d{{2}}\s*\)?\s*)?"
                   rf"(?:lên|xuống|còn)\s+(?P<num>{NUMBER})\s*(?P<unit>%|điểm)?(?![\w/])", re.IGNORECASE)
# The score of the year risen from, inside a rise: "Điểm số đã tăng từ 60,98 năm 2018 lên 63,85".
_FROM_YEAR = re.compile(rf"(?<=từ )(?P<num>{NUMBER})\s*(?P<unit>%|điểm)?\s*(?:năm\s+|\(\s*(?:năm\s+)?)"
                        rf"(?P<year>(?:19|20)\d{{2}})\s*\)?(?=\s*(?:lên|xuống|còn)\s)", re.IGNORECASE)
# How an index is built, not anyone's score: "DTI cấp quốc gia gồm 12 chỉ số chia thành 3 trụ cột chính:
# Chính phủ số (400 điểm)".
_STRUCTURE = re.compile(r"(?<![\w])(?:gồm|chia thành)\s+\d+\s+(?:chỉ số|trụ cột|lĩnh vực|tiêu chí|nhóm)|thang điểm|điểm tối đa",
                        re.IGNORECASE)
# A rise written as a value: "tỉnh có mức tăng cao nhất là 9,39%".
_RISE_IS = re.compile(r"(?<![\w])(?:mức|tốc độ)\s+(?:tăng|giảm)(?![\w])[^.;]*$"
                      # the most risen, not a score: "tỉnh Bình Thuận tăng mạnh nhất với 6,39%", "giảm điểm nhiều nhất (với 5,14"
                      r"|(?<![\w])(?:tăng|giảm)(?:\s+điểm)?\s+(?:mạnh|cao|nhiều|sâu|ít|thấp)\s+nhất\s*\(?\s*(?:với|là)?\s*$"
                      # nobody named: "tỉnh cao nhất là 94,07%", "nơi giảm nhiều nhất là 2,94%"
                      r"|(?<![\w])(?:tỉnh|địa phương|nơi|đơn vị)\s+(?:(?:tăng|giảm)\s+)?(?:cao|thấp|nhiều|ít)\s+nhất"
                      r"\s*(?:(?:là|đạt|với)\s*)?$",
                      re.IGNORECASE)
# A lead held in the years before: "sau 4 năm đứng đầu … PCI, Đà Nẵng tiếp tục …"; a rank held over
# years, no one year's result: "Từ năm 2021 đến nay, chỉ số PCI của tỉnh duy trì vị trí đứng thứ 3".
_PAST_STREAK = re.compile(r"(?<![\w])sau\s+\d+\s+năm(?:\s+liên tiếp|\s+liền)?\s+(?:(?:chiếm|giữ)\s+)?$", re.IGNORECASE)
_SINCE = re.compile(r"(?<![\w])(?:kể\s+)?từ\s+năm\s+(?:19|20)\d{2}\s+(?:đến|tới)\s+nay(?![\w])", re.IGNORECASE)
# A target is a commitment, not a result: "phấn đấu Chỉ số SIPAS năm 2025 đạt 88%" (issue 15); not a
# result that met one ("vượt mục tiêu"). Not "chỉ tiêu" either, an indicator as often as a target
# ("một số chỉ tiêu thành phần CCHC có dấu hiệu suy giảm, … xếp hạng 31/63", seed 000).
_TARGET = re.compile(r"(?<![\w])(?<!vượt )(?<!thành )(?<!đạt )(?<!với )(?:phấn đấu|mục tiêu)(?![\w])", re.IGNORECASE)
# How many places an index ranks, not a rank: "PCI đo lường và xếp hạng 63 tỉnh, thành phố".
_RANKS_HOW_MANY = re.compile(r"\s+(?:các\s+)?(?:tỉnh|địa phương)(?![\w])", re.IGNORECASE)
_COMPARED = re.compile(r"(?<![\w])so với\s+(?:(?:chỉ số|kết quả|năm)\s+)?$", re.IGNORECASE)
# The index referred to: "Năm 2023, chỉ số nội dung này đạt 4,8918 điểm".
_INDEX_ANAPHOR = re.compile(r"(?<![\w])chỉ số(?:\s+(?:nội dung|thành phần))?\s+này(?![\w])", re.IGNORECASE)
_CARRY_START = re.compile(r"\s*(?:kết quả|theo đó|cụ thể|trong đó|theo kết quả)\b", re.IGNORECASE)
_NEGATIVE = {"giảm", "tụt", "sụt giảm", "xuống", "rơi", "thấp hơn", "-"}
_ENTITY_HEADS = {"Sở", "Bộ", "Ban", "Văn phòng", "Công an", "Thanh tra", "Cục", "Chi cục", "Trung tâm"}
# Values above this are not scores in points or percent (then 91.430 is 91.43).
_MAX_SCORE = 100


@dataclass
class IndexValue:
    index: str
    subindex: str | None
    entity: str | None
    year: int | None
    start: int
    end: int
    value: float | None = None
    unit: str | None = None
    rank: int | None = None
    rank_of: int | None = None
    change: float | None = None
    rank_change: int | None = None
    year_inferred: bool = False

    def as_dict(self, text: str) -> dict:
        return {"index": self.index, "subindex": self.subindex, "entity": self.entity, "year": self.year,
                "value": self.value, "unit": self.unit, "rank": self.rank, "rank_of": self.rank_of,
                "change": self.change, "rank_change": self.rank_change,
                "quote": text[self.start:self.end], "start": self.start, "end": self.end}


@dataclass
class _Context:
    index: str | None = None
    subindex: str | None = None
    year: int | None = None
    year_inferred: bool = False


@lru_cache(maxsize=None)
def _index_regex() -> re.Pattern[str]:
    names = sorted(index_names(), key=len, reverse=True)
    return re.compile("(?<![\\w])(?:" + "|".join(re.escape(n) for n in names) + ")(?![\\w])", re.IGNORECASE)


@lru_cache(maxsize=None)
def _subindex_regex() -> re.Pattern[str]:
    names = sorted(index_subindices(), key=len, reverse=True)
    return re.compile("(?<![\\w])(?:" + "|".join(re.escape(n) for n in names) + ")(?![\\w])", re.IGNORECASE)


def _sentences(text: str, start: int, end: int):
    """Sentences: cut after ".", "!" or "?" before a word that does not start in lower case
    or a digit ("… 38,97 điểm. Đáng chú ý, …"), and at every line break."""
    pos = start
    for cut in _SENTENCE_END.finditer(text, start, end):
        after = text[cut.end():cut.end() + 1]
        if "\n" not in cut.group() and (after.islower() or after.isdigit()):
            continue
        if cut.start() > pos:
            yield pos, cut.start()
        pos = cut.end()
    if pos < end:
        yield pos, end


# A score right after the sub-index it is for: "chi phí không chính thức 7,49 điểm (giảm 0,42 điểm)".
_AFTER_NAME = re.compile(rf"\s+(?P<num>{NUMBER})\s*(?P<unit>%|điểm)?(?=\s*[,;.(]|\s*$)", re.IGNORECASE)


def _named_scores(text: str, start: int, end: int, mentions) -> list[tuple[int, int, str, re.Match[str]]]:
    """Scores written straight after a sub-index's name, with a unit or decimals (not "… 47 chỉ
    số thành phần"), unless the sentence is a target or an index's structure."""
    if _TARGET.search(text, start, end) or _STRUCTURE.search(text, start, end):
        return []
    found = []
    for pos, _code, name in mentions:
        score = _AFTER_NAME.match(text, pos + len(name), end) if name else None
        if score and (score.group("unit") or re.search(r"[.,]\d", score.group("num"))):
            found.append((score.start("num"), score.end(), "value", score))
    return found


def _events(text: str, start: int, end: int, entities: list[tuple[int, int, str]]) -> list[tuple[int, int, str, re.Match[str]]]:
    events = []
    taken: list[tuple[int, int]] = []
    structure = _STRUCTURE.search(text, start, end)
    target = _TARGET.search(text, start, end)
    for kind, rx in (("earlier", _EARLIER), ("earlier", _EARLIER_IS), ("rank_year", _YEAR_RANK), ("rank_change", _RANK_CHANGE),
                     ("change", _CHANGE), ("value", _VALUE), ("value", _RISE), ("value", _PAREN_VALUE),
                     ("rank", _RANK), ("rank", _RANK_PAREN), ("rank", _RANK_IS), ("rank", _RANK_OF), ("first", _FIRST),
                     ("earlier", _FROM_YEAR)):
        for match in rx.finditer(text, start, end):
            if rx is not _FROM_YEAR and any(s < match.end() and match.start() < e for s, e in taken):
                continue  # (the score risen from lies inside the rise: both are figures)
            if kind == "value" and (structure and structure.start() < match.start() or
                                    _RISE_IS.search(text, max(start, match.start() - 60), match.start())):
                continue
            if target and target.start() < match.start() and kind not in ("earlier", "rank_year"):
                continue
            if kind in ("rank", "first") and (_PAST_STREAK.search(text, max(start, match.start() - 35), match.start()) or
                                              _SINCE.search(text, start, match.start())):
                continue
            if rx is _RANK and match.group().lower().startswith("xếp hạng") and not (match.group("of") or match.group("of2")) \
                    and _RANKS_HOW_MANY.match(text, match.end()):
                continue
            group = _GROUP_BEFORE.search(text, max(start, match.start() - 40), match.start()) if kind == "first" else None
            # "nằm trong nhóm 10 tỉnh dẫn đầu" is among the first, not first; "trong số các
            # tỉnh, Đà Nẵng dẫn đầu" names the group the entity leads.
            # "thuộc tốp cao nhất, nhưng dẫn đầu là Thừa Thiên Huế" names the one who leads it.
            if group and not any(group.end() <= a and b <= match.start() for a, b, _ in entities) and \
                    _entity_after(entities, text, match.end(), end) is None:
                continue
            if kind == "first" and _MANY_LEAD.search(text, max(start, match.start() - 30), match.start()):
                continue  # "các tỉnh, thành dẫn đầu về chỉ số PAPI năm 2023 là: …" lists them
            if match.re is _VALUE and match.group("about") and not re.search(r"[.,]\d", match.group()):
                continue  # "đạt trên 80%": a threshold all of them pass, not anyone's score
            # "từ vị trí thứ 8 lên thứ 3": the rank before, not the result; the result of the year
            # compared with when the sentence names it ("so với năm 2020 … từ thứ hạng 51").
            left = kind == "rank" and _FROM_BEFORE.search(text, max(start, match.start() - 8), match.start())
            taken.append(match.span())
            events.append((match.start(), match.end(), "rank_from" if left else kind, match))
    events.sort(key=lambda e: e[0])
    return events


def _years(dates: list[TimeExpr], text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """(position, year, is_comparison) for the year expressions in [start, end), taken
    from the document's dates (read once, by the hdnd_dates step). Only years written
    out: "PCI năm nay" in May 2024 is PCI 2023, the edition published that year."""
    return [(d.start, int(d.value[:4]), bool(_COMPARISON.search(text, max(0, d.start - 24), d.start)))
            for d in dates if d.granularity == "year" and start <= d.start and d.end <= end and d.value[:4].isdigit()
            and re.search(r"\d{4}", d.text)]


def _as_written(written: str, label: str) -> str:
    """A place's canonical name, or the text's spelling when that does not contain it (an
    abbreviation: "TP.HCM" for Hồ Chí Minh), which is what a reader finds in the quote."""
    return label if _letters(label) in _letters(written) else written


def _letters(name: str) -> str:
    return re.sub(r"\W+", "", fold(name).lower())


def _entity_after(entities: list[tuple[int, int, str]], text: str, pos: int,
                  ceiling: int) -> tuple[int, str, int] | None:
    """The entity a rank introduces: "đứng đầu là tỉnh Quảng Ninh", "thứ 7 thuộc về Quảng Nam"."""
    for start, end, label in entities:
        if pos <= start and end <= ceiling:
            return (start, label, end) if len(text[pos:start]) <= 44 and _INTRODUCES.fullmatch(text[pos:start]) else None
    return None


def _joined_after(entities: list[tuple[int, int, str]], text: str, pos: int, ceiling: int) -> list[str]:
    """The entities listed right after one at ``pos`` ("…, B và C"), that share its figure."""
    joined = []
    for start, end, label in entities:
        if pos <= start and end <= ceiling:
            if not re.fullmatch(r"\s*(?:,|và)\s*", text[pos:start]):
                break
            joined.append(label)
            pos = end
    return joined


def _entity_before(entities: list[tuple[int, int, str]], pos: int, floor: int, text: str = "") -> tuple[int, str] | None:
    """The last entity before ``pos``, not one in an aside closed before it ("xếp thứ 5/17 Bộ (không
    tính Bộ Quốc phòng và Bộ Công an) …, năm 2019 (thứ 10/17 Bộ)" is the first ministry's)."""
    best = None
    for start, end, label in entities:
        if floor <= start and end <= pos and not (text and text.rfind("(", floor, start) > text.rfind(")", floor, start)
                                                  and ")" in text[end:pos]):
            best = (start, label)
    return best


# The national figure: "giá trị trung bình … đạt 88,37%", "điểm số trung vị đạt 67,67 điểm", "cả nước là 83,94%";
# not the average compared with ("cao hơn trung bình cả nước"), a region's or a province's own average
# ("2 vùng còn lại có cùng giá trị trung bình", "trung bình của cả 3 cấp").
_NATIONAL = re.compile(r"(?<![\w])(?:cả nước|toàn quốc|trung bình|bình quân|trung vị)"
                       r"(?![\w])(?!\s+(?:là|thuộc về)\s)"
                       r"(?!\s+(?:cả nước\s+)?của\s+(?:cả\s+\d|các\s+(?:sở|cơ quan|huyện|xã|đơn vị)))",
                       re.IGNORECASE)
# Not the country a rank is out of either: "đứng thứ 3 cả nước", "xếp thứ 23/63 tỉnh, thành phố trong cả nước".
_THAN = re.compile(r"(?:(?<![\w])(?:hơn|với)\s+(?:mức\s+)?(?:(?:điểm\s+)?(?:trung bình|bình quân)\s+)?"
                   r"|(?:thứ|hạng|vị trí)\s+\w+(?:/\d+)?(?:\s+(?:tỉnh|thành phố|tỉnh,\s+thành phố|trong|của))*\s+"
                   r"|(?<![\w])(?:dẫn đầu|đứng đầu|xếp hạng)\s+)$",
                   re.IGNORECASE)
_OWN = re.compile(r"(?<![\w])(?<!trung bình )(?<!bình quân )(?:của|các)\s+(?:tỉnh|thành phố|địa phương|huyện|sở|cơ quan)(?![\w])"
                  r"|(?<![\w])vùng(?![\w])",
                  re.IGNORECASE)
# The groups an average is of, beside the country: "của 17 bộ, cơ quan ngang bộ", "của UBND cấp huyện", "của các tỉnh,
# thành phố" (as written, which is what a reader finds).
_GROUP = re.compile(r"(?<![\w])(?:(?:trung bình|bình quân)\s+các\s+tỉnh|các\s+tỉnh,\s*thành\s+phố|"
                    r"\d+\s+bộ(?:,\s*(?:cơ quan ngang bộ|ngành))?|UBND cấp (?:huyện|xã)|các sở, ban, ngành)(?![\w])",
                    re.IGNORECASE)
# A place named by what it is: "địa phương này", "Kết quả, địa phương giành vị trí á quân".
_ANAPHOR = re.compile(r"(?<![\w])(?:(?:địa phương|tỉnh|thành phố|đơn vị) này|địa phương(?!\s+(?:khác|còn lại)))(?![\w])",
                      re.IGNORECASE)


def _national(text: str, start: int, pos: int) -> bool:
    """A figure about the whole country: a word for the average or the country between its
    entity (or the sentence start) and it, and no province, region or office of its own near."""
    words = [w for w in _NATIONAL.finditer(text, start, pos) if not _THAN.search(text, max(0, w.start() - 30), w.start())]
    return bool(words) and not _OWN.search(text, max(start, words[-1].start() - 30), pos)


def _subject_after(text: str, entities, pos: int, ceiling: int, leading: bool) -> tuple[int, str] | None:
    """The entity a figure's clause leads up to: "Với 67,48 điểm, … Thái Nguyên", "với điểm số
    PCI … đạt 71,25 điểm, Quảng Ninh tiếp tục là tỉnh đứng đầu"."""
    for a, b, label in entities:
        if pos <= a and b <= ceiling:
            if leading or re.fullmatch(r"\s*,\s*(?:tỉnh|thành phố|TP\.?)?\s*", text[pos:a], re.IGNORECASE):
                return a, label
            return None
    return None


def _referred(text: str, entities, s_start: int, pos: int) -> tuple[int, str] | None:
    """The place "địa phương này" stands for: the last one named in the sentences before."""
    if _ANAPHOR.search(text, s_start, pos) is None:
        return None
    before = [(a, label) for a, b, label in entities if s_start - 400 <= a and b <= s_start]
    return before[-1] if before else None


def _shared_figure(text: str, subs, subindex: str | None, pos: int) -> list[str] | None:
    """The sub-indices one figure is given for: "cả 3 trụ cột, gồm: Chính quyền số, kinh tế số và xã
    hội số đều xếp vị trí thứ 2/63" (the figure's clause says "đều", "all")."""
    if len(subs) < 2 or subindex != subs[-1][2]:
        return None
    if not re.search(r"(?<![\w])đều(?![\w])", text[subs[-1][0] + len(subs[-1][2]):pos]):
        return None
    return list(dict.fromkeys(m[2] for m in subs))


def _share_rank_of(ranked: list[IndexValue]) -> None:
    """Ranks of one place's sub-indices listed in one sentence take the total given once at its
    end: "chính quyền số ở vị trí thứ 12, kinh tế số ở vị trí thứ 13 và xã hội số ở vị trí thứ 14
    trong 63 tỉnh, thành phố"."""
    if len(ranked) < 2 or ranked[-1].rank_of is None:
        return
    for record in ranked[:-1]:
        if record.rank_of is None and record.entity == ranked[-1].entity and record.subindex != ranked[-1].subindex \
                and record.subindex is not None and record.rank is not None and record.rank <= ranked[-1].rank_of:
            record.rank_of = ranked[-1].rank_of


def _slot(index: str, subindex: str | None, entity: str | None, year: int | None) -> tuple:
    """The key of one result: a sub-index however capitalised ("chi phí không chính thức" in the
    text, "Chi phí không chính thức" in quotes after it) is one slot."""
    return index, subindex.casefold() if subindex else None, entity, year


_BODY_VERB = re.compile(r"\s+(?:vươn|tiếp tục|đứng|dẫn|xếp|đạt|giữ|là|có|được|đã|vẫn)(?![\w])")


def _body_entity(text: str, body: BodyMention) -> tuple[int, int, str]:
    """A body as an entity, as written when abbreviated ("Bộ TT&TT"); a span that runs on past a
    comma ("Theo Bộ TT&TT, Đà Nẵng tiếp tục …") ends there, leaving the place after it."""
    written = text[body.start:body.end]
    verb = _BODY_VERB.search(written)
    if verb:
        written = written[:verb.start()]
        return body.start, body.start + len(written), written
    if ", " in written:
        written = written[:written.index(", ")]
        return body.start, body.start + len(written), written
    return body.start, body.end, written if "&" in written else body.canonical


def find_index_values(text: str, places: list[PlaceMention], bodies: list[BodyMention],
                      main_place: str | None, published, furniture: list[tuple[int, int]],
                      dates: list[TimeExpr]) -> list[IndexValue]:
    pub = parse_published(published)
    entities = sorted([(p.start, p.end, _as_written(text[p.start:p.end], p.label)) for p in places] +
                      [_body_entity(text, b) for b in bodies if b.head in _ENTITY_HEADS] +
                      [(m.start(), m.end(), m.group()) for rx in (_REGIONS, _AGENCIES, _COMPANIES) for m in rx.finditer(text)])
    entities = [e for i, e in enumerate(entities) if not any(o[0] <= e[0] and e[1] <= o[1] and o != e
                                                             for o in entities[max(0, i - 3):i + 3])]
    records: dict[tuple, IndexValue] = {}
    order: list[IndexValue] = []
    carried: _Context | None = None
    furniture = list(furniture)
    default_year, only, named_indexes = _document_indexes(text, furniture, pub, dates)
    quiet = 0
    filled: tuple[int, str] | None = None  # where the last figure of a sentence went, and to whom
    for s_start, s_end in _sentences(text, 0, len(text)):
        if inside(furniture, s_start):
            continue  # a caption between two paragraphs does not end the ranking they report
        # An index named as what a figure is compared with ("tụt 8 bậc so với PCI 2022") names
        # no result of its own.
        mentions = [(m.start(), index_names()[m.group().lower()], None) for m in _index_regex().finditer(text, s_start, s_end)
                    if not _COMPARED.search(text, max(s_start, m.start() - 16), m.start())]
        mentions += [(m.start(), index_subindices()[m.group().lower()], m.group())
                     for m in _subindex_regex().finditer(text, s_start, s_end)
                     if not named_indexes or index_subindices()[m.group().lower()] in named_indexes]
        mentions.sort()
        events = sorted(_events(text, s_start, s_end, entities) + _named_scores(text, s_start, s_end, mentions))
        years = _years(dates, text, s_start, s_end)
        ordered = _ORDERED.search(text, s_start, s_end) is not None  # "4 vị trí tiếp theo thuộc về A, B, …"
        if not mentions and not events and not ordered and carried and quiet < 2:
            quiet += 1  # a line without figures (a photo caption, a lead-in) keeps the index of the ranking
            continue
        quiet = 0
        if not mentions:
            sentence_entity = next((e for e in entities if s_start <= e[0] and e[1] <= s_end), None)
            starts_with_entity = sentence_entity and sentence_entity[0] - s_start < 25
            if not (carried and (ordered or events and (_CARRY_START.match(text, s_start) or starts_with_entity
                                                        or _INDEX_ANAPHOR.search(text, s_start, s_end)
                                                        or any(e[2] == "rank" for e in events)))):
                # A ranking told place by place before or after the one mention of its index
                # (a slideshow: "Đà Nẵng (70,1 điểm) xếp vị trí thứ 2. … bảng xếp hạng PCI 2017").
                if not (only and (ordered or sentence_entity and any(e[2] in ("rank", "first") for e in events))):
                    carried = None
                    continue
                carried = only
        used_context = None
        context = carried or only
        listed = _respectively(text, s_start, s_end, entities, mentions, context, years, default_year) + \
            _ordered_list(text, s_start, s_end, mentions, context, years, default_year, order) + \
            _ordinal_list(text, s_start, s_end, mentions, context, years, default_year)
        for record in listed:
            key = _slot(record.index, record.subindex, record.entity, record.year)
            if key not in records:
                records[key] = record
                order.append(record)
        if listed:
            first = min(r.start for r in listed)
            events = [e for e in events if e[0] < first]  # the list's figures are paired already
        national, last_figure = False, s_start
        ranked: list[IndexValue] = []
        previous, filled = filled, None
        for ev_start, ev_end, kind, match in events:
            before = [m for m in mentions if m[0] < ev_start]
            shared = None
            named_after = next((m for m in mentions if ev_end <= m[0] <= ev_end + 40 and
                                (_ABOUT_BEFORE.search(text, max(s_start, m[0] - 30), m[0]) or not text[ev_end:m[0]].strip())),
                               None) if kind in ("rank", "first") else None
            together: list[str] = []
            if named_after:  # "Quảng Ninh tiếp tục đứng đầu bảng xếp hạng Chỉ số … (PCI)", whatever index came before
                together = _coordinated(text, mentions, named_after)
                code, subindex, anchor = named_after[1], named_after[2], ev_start
            elif before:
                index_pos = max(m[0] for m in before)
                codes = [m for m in before if m[0] == index_pos]
                code = codes[0][1]
                named = [m for m in before if m[2] is None]
                subs = [m for m in before if m[2] is not None and m[1] == code]
                if named and max(m[0] for m in named) >= index_pos:
                    code = next(m[1] for m in named if m[0] == max(x[0] for x in named))
                subindex = subs[-1][2] if subs and (not named or subs[-1][0] > named[-1][0]) else None
                anchor = min(m[0] for m in before if m[1] == code)
                shared = _shared_figure(text, [m for m in subs if m[0] >= last_figure], subindex, ev_start)
            elif mentions and kind == "value" and (lead := _LEADING_SCORE.search(text, s_start, s_start + 40)) and \
                    lead.start() <= ev_start < lead.end() and mentions[0][0] > ev_start:
                # "Với 67,48 điểm, Chỉ số PCI năm 2023 của Thái Nguyên …": the score leads the sentence.
                code, subindex, anchor = mentions[0][1], mentions[0][2], ev_start
            elif about := next((m for m in mentions if m[0] > ev_end and
                                _ABOUT_BEFORE.search(text, max(s_start, m[0] - 30), m[0])), None):
                code, subindex, anchor = about[1], about[2], ev_start
            elif carried and all(m[2] is not None or (m[1] == carried.index and kind not in ("rank", "first"))
                                 for m in mentions):
                # Only sub-indices, or the same index after scores, named after the figures ("…, khẳng định vị
                # thế … chính quyền số, kinh tế số và xã hội số"; "… đạt 90.17% …; đây cũng là vùng … chỉ số cải
                # cách hành chính tăng trưởng cao nhất"): the ranking carried on is still the one reported. Not a
                # rank before the index: "Huyện Si Ma Cai đứng thứ nhất về kết quả đo lường Chỉ số hài lòng"
                # ranks the districts of a province.
                code, subindex, anchor = carried.index, carried.subindex, s_start
            elif mentions:
                continue  # otherwise figures before the index is named are not its results
            elif carried:
                code, subindex, anchor = carried.index, carried.subindex, s_start
            else:
                continue
            if kind in ("rank", "first"):
                subindex = _subindex_after(text, mentions, code, ev_end) or subindex
            explicit = [y for y in years if y[0] < ev_start and not y[2]]
            comparisons = [y for y in years if y[2]]
            right_after = _YEAR_AFTER.match(text, ev_end)
            if kind in ("earlier", "rank_year"):  # "cao hơn 3,05% so với năm 2022 (84,74%)": the score of that year
                year, inferred = int(match.group("year")), False
            elif kind == "rank_from":  # the year written after it ("từ vị trí thứ 5 của năm 2015"), else the year
                compared = [y for y in comparisons if ev_start - 60 <= y[0] < ev_start]  # compared with, just before
                if not (compared or right_after):
                    continue
                year, inferred = (int(next(g for g in right_after.groups() if g)) if right_after else compared[-1][1]), False
            elif right_after:  # "hạng 48 (năm 2012), hạng 33 (năm 2013)": the year written after the figure
                year, inferred = int(next(g for g in right_after.groups() if g)), False
            elif explicit:
                year, inferred = _edition(code, explicit[-1][1], pub), False
            elif carried and not before:
                year, inferred = carried.year, carried.year_inferred
            elif comparisons:
                year, inferred = comparisons[0][1] + 1, True
            else:
                year, inferred = default_year(code), True
            after = _entity_after(entities, text, ev_end, s_end) if kind in ("rank", "first", "value") else None
            if match.re is _RANK_IS and after is None:
                continue
            ent = after[:2] if after else _entity_before(entities, ev_start, s_start, text)
            if ent is None and kind in ("value", "change"):
                ent = _subject_after(text, entities, ev_end, s_end, leading=anchor == ev_start)
            if ent is None:
                ent = _referred(text, entities, s_start, ev_start)
            if ent is None and previous and re.match(r"\s*Trong đó\b", text[s_start:s_start + 12]):
                ent = previous  # "TP Hà Nội … xếp thứ 24/63. Trong đó, CQS xếp thứ 40/63": the same place's parts
            # The average's change follows its value: "giá trị trung bình … đạt 88,37%, cao hơn 1,39%".
            national = (kind == "value" and _national(text, max(ent[0] if ent else s_start, last_figure), ev_start)) or \
                (kind in ("change", "earlier") and national and not after and not (ent and ent[0] > last_figure))
            last_figure = ev_end
            group = _GROUP.search(text, s_start, ev_start) if national else None
            entity = group.group() if group else "cả nước" if national else ent[1] if ent else main_place
            # The quote starts at the last of index name, entity and year before the figure,
            # or at the figure when it introduces the entity after it.
            anchor = ev_start if after else max([anchor] + ([ent[0]] if ent else []) + [y[0] for y in explicit[-1:]])
            # "2 vùng còn lại có cùng giá trị trung bình đạt 85,42% là Đồng bằng sông Cửu Long và Tây Nguyên"
            joined = _joined_after(entities, text, after[2], s_end) if after and kind == "value" else []
            ev_end = max(ev_end, after[2]) if after else ev_end
            if kind == "rank" and _WITHIN_REGION.match(text, match.end()):
                key_tail: tuple = ("region",)  # "xếp thứ 5 trong 6 tỉnh Bắc Trung Bộ": a ranking of its own
            else:
                key_tail = ()
            years_of = _years_sharing(text, explicit, year, ev_start, kind)
            for code, sub, year, entity in [(c, sub, y, who) for c in together or [code] for y in years_of
                                            for sub in shared or [subindex] for who in [entity, *joined]]:
                key = _slot(code, sub, entity, year) + key_tail
                record = records.get(key)
                if record is None:
                    record = IndexValue(code, sub, entity, year, anchor, ev_end, year_inferred=inferred)
                filled = (anchor, entity)
                if not _fill(record, kind, match):
                    continue
                if key not in records:
                    records[key] = record
                    order.append(record)
                record.end = max(record.end, ev_end)
                if kind == "rank":
                    ranked.append(record)
                    if record.rank_of is None:
                        record.rank_of = _group_size(text, s_start, ev_start, record.rank)
                # the year compared with does not carry to the next sentence
                if kind not in ("earlier", "rank_from", "rank_year"):
                    used_context = _Context(code, sub, year, inferred)
        _share_rank_of(ranked)
        filled = filled or previous
        if mentions:
            last = mentions[-1]
            explicit = [y for y in years if not y[2]]
            carried = used_context or _Context(last[1], last[2], explicit[-1][1] if explicit else default_year(last[1]),
                                               not explicit)
        else:
            carried = used_context
    for record in _tables(text, entities, main_place, only) + _year_rows(text, main_place, only) + \
            _ranked_lines(text, entities, only) + _score_rows(text, entities, only):
        key = _slot(record.index, record.subindex, record.entity, record.year)
        if key not in records:
            records[key] = record
            order.append(record)
    order = _merge_spellings(order)
    # A figure for no one named (no place in the text, none from its source) cannot be checked.
    return [r for r in order if r.entity and (r.value is not None or r.rank is not None or r.change is not None
                                              or r.rank_change is not None)]


_FIGURES = ("value", "unit", "rank", "rank_of", "change", "rank_change")


def _merge_spellings(order: list[IndexValue]) -> list[IndexValue]:
    """One result whose entity is written two ways ("Ngân hàng Nhà nước Việt Nam" in the lead,
    "Ngân hàng Nhà nước" in the body) is one record: a later record of the same index, sub-index
    and year whose entity contains or is contained in an earlier one's, with no figure that
    disagrees, fills the earlier one's empty slots."""
    kept: list[IndexValue] = []
    for record in order:
        twin = next((k for k in kept if (k.index, k.subindex, k.year) == (record.index, record.subindex, record.year)
                     and k.entity and record.entity and k.entity != record.entity
                     and (_letters(k.entity) in _letters(record.entity) or _letters(record.entity) in _letters(k.entity))
                     and all(getattr(k, f) is None or getattr(record, f) is None or getattr(k, f) == getattr(record, f)
                             for f in _FIGURES)), None)
        if twin is None:
            kept.append(record)
            continue
        for f in _FIGURES:
            if getattr(twin, f) is None:
                setattr(twin, f, getattr(record, f))
    return kept


# Indexes whose results for a year come out the year after (the ICT Index has come out in December).
_PUBLISHED_NEXT_YEAR = {"PAR_INDEX", "SIPAS", "PAPI", "PCI", "DTI", "PGI"}


def _edition(code: str, year: int, pub) -> int:
    """The edition a result belongs to: the publication's own year written before it is when the
    results came out, for the year before ("Năm 2023, Chỉ số DTI của tỉnh đạt 541,46/1.000 điểm"
    on 16 November 2023 is DTI 2022: DTI 2023 came out in 2024)."""
    return year - 1 if pub and year == pub.year and code in _PUBLISHED_NEXT_YEAR else year


def _coordinated(text: str, mentions, first) -> list[str]:
    """The indexes named together from ``first`` on ("PAR INDEX, SIPAS, PCI và PGI"), which share
    the figure before them."""
    codes, end = [first[1]], first[0]
    for start, code, sub in mentions:
        if start <= first[0]:
            continue
        name = _index_regex().match(text, end)
        if sub is not None or name is None or not re.fullmatch(r"\s*(?:,|và)\s*", text[name.end():start]):
            break
        codes.append(code)
        end = start
    return list(dict.fromkeys(codes))


def _subindex_after(text: str, mentions, code: str, pos: int) -> str | None:
    """The sub-index a rank is about when it is named after the rank, in its clause: "còn xếp thứ 3
    cả nước về nỗ lực cắt giảm gánh nặng chi phí không chính thức" (the first name after it)."""
    following = next((m for m in mentions if m[0] >= pos), None)
    if following is None or following[2] is None or following[1] != code or following[0] - pos > 80:
        return None
    about = re.search(r"(?<![\w])về(?:\s+[^\W\d]+){0,6}\s*$", text[pos:following[0]])
    return following[2] if about and not re.search(r"[.;:\d]", text[pos:following[0]]) else None


_GROUP_OF = re.compile(r"(?<![\w])(?:ở|với|trong|thuộc)\s+nhóm\s+(?P<of>\d{1,3})\s+(?!vị trí|năm|tháng)(?P<what>[^.;:]*)$",
                       re.IGNORECASE)
_BEST = re.compile(r"(?<![\w])(?:nhất|dẫn đầu|đứng đầu|top|tốp|cao|thấp|tốt|xuất sắc)(?![\w])", re.IGNORECASE)
_WITHIN_REGION = re.compile(r"\s+(?:tỉnh(?:,\s*thành(?:\s+phố)?)?\s+)?(?:vùng|khu vực|Bắc Trung Bộ|Nam Trung Bộ|Tây Nguyên|"
                            r"Đông Nam Bộ|Tây Nam Bộ|Đồng bằng|Duyên hải|miền|Trung du)(?![\w])", re.IGNORECASE)


def _group_size(text: str, start: int, pos: int, rank: int | None) -> int | None:
    """What a rank is out of when its sentence names the group first: "ở nhóm 17 bộ, ngành có dịch
    vụ công, Bộ Kế hoạch và Đầu tư xếp ở vị trí số 1" (not a group of the best: "nhóm 5 tỉnh …
    xuất sắc nhất", which a rank inside it is not out of)."""
    group = _GROUP_OF.search(text, start, pos)
    if group is None or rank is None or _BEST.search(group.group("what")) or rank > int(group.group("of")):
        return None
    return int(group.group("of"))


_TWO_YEARS = re.compile(r"(?:năm\s+)?(?P<first>(?:19|20)\d{2})\s*(?:và|,)\s*(?:năm\s+)?(?P<second>(?:19|20)\d{2})[\s,]*",
                        re.IGNORECASE)


def _years_sharing(text: str, explicit: list[tuple[int, int, bool]], year: int | None, pos: int,
                   kind: str) -> list[int | None]:
    """The years one rank or score at ``pos`` is given for: "năm 2019 và 2020 xếp hạng 59" (two
    years joined by "và" just before it), else just its year (a change is between two years)."""
    if kind not in ("rank", "first", "value") or not explicit or explicit[-1][1] != year:
        return [year]
    for start in [y[0] for y in explicit[-2:]]:
        two = _TWO_YEARS.fullmatch(text, start, pos)
        if two:
            return [int(two.group("first")), int(two.group("second"))]
    return [year]


_TABLE_ROW = re.compile(r"^(?P<label>[^|\n]*?)\s*\|(?P<cells>[^\n]*)\|[ \t]*$", re.MULTILINE)
_RANK_LABEL = re.compile(r"(?:xếp hạng|thứ hạng|hạng|vị trí)$", re.IGNORECASE)
_SCORE_LABEL = re.compile(r"(?:điểm số|tổng điểm|điểm)(?:\s+\S+)?$", re.IGNORECASE)


def _tables(text: str, entities, main_place, only) -> list[IndexValue]:
    """Results laid out as a table with one column per year, as pages with the index's
    profile of a province print them ("Năm | 2022 | 2023 |", then "Điểm số PGI | 13.99 |
    24.20 |", "Xếp hạng | 49 | 5 |", a sub-index or a place per row). A row named by a
    place is that place's; any other row belongs to the place named just before the
    table. Only in a document about one index."""
    if only is None:
        return []
    result: dict[tuple, IndexValue] = {}
    years: list[int] = []
    owner = main_place
    for row in _TABLE_ROW.finditer(text):
        label = row.group("label").strip()
        cells = [c.strip() for c in row.group("cells").split("|")]
        if all(re.fullmatch(r"(?:19|20)\d{2}", c) for c in cells):
            years = [int(c) for c in cells]
            written = [e for e in entities if row.start() - 200 <= e[0] < row.start()]
            owner = _as_written(text[written[-1][0]:written[-1][1]], written[-1][2]) if written else main_place
            continue
        if not years or len(cells) != len(years):
            continue
        named = any(row.start() <= e[0] and e[1] <= row.start() + len(label) for e in entities)
        is_rank, is_score = bool(_RANK_LABEL.fullmatch(label)), bool(_SCORE_LABEL.fullmatch(label))
        if named or (len(label.split()) <= 3 and label[:1].isupper() and not is_rank and not is_score):
            entity, subindex = label, None  # a place's row ("Bình Dương", "BRVT")
        else:
            entity, subindex = owner, None if is_rank or is_score else label
        for year, cell in zip(years, cells):
            record = result.setdefault((subindex, entity, year),
                                       IndexValue(only.index, subindex, entity, year, row.start(), row.end()))
            if is_rank and cell.isdigit() and len(cell) <= 3:
                record.rank = int(cell)
            elif not is_rank and record.value is None:
                record.value = parse_number(cell, max_plain=_MAX_SCORE)
                record.unit = "điểm" if record.value is not None else None
    return list(result.values())


_YEAR_ROW = re.compile(r"(?<![\d,.|])(?P<year>(?:19|20)\d{2})\s*\|\s*(?P<score>\d{1,3}[,.]\d{1,4})\s*\|\s*(?P<rank>\d{1,2})\s*\|")


def _year_rows(text: str, main_place: str | None, only) -> list[IndexValue]:
    """Results laid out as a table with one row per year ("Năm | Điểm số | Xếp hạng |", then
    "2006 | 43,99 | 57 |", as a legal portal prints a plan's table one cell per line): the
    document's place's, at least three rows, in a document about one index."""
    rows = list(_YEAR_ROW.finditer(text))
    if only is None or main_place is None or len(rows) < 3:
        return []
    return [IndexValue(only.index, None, main_place, int(row.group("year")), row.start(), row.end(),
                       value=parse_number(row.group("score"), max_plain=_MAX_SCORE), unit="điểm", rank=int(row.group("rank")))
            for row in rows]


_RANKED_LINE = re.compile(r"^(?P<rank>\d{1,2})\.?[ \t]+(?P<name>[^\d\n|]{2,40}?)[ \t]*$", re.MULTILINE)


def _ranked_lines(text: str, entities, only) -> list[IndexValue]:
    """A ranking printed as lines of a rank and a place ("1 TP. Đà Nẵng", "2 TP. Hồ Chí
    Minh", …), at least three in a row with ranks that never go down, in a document
    about one index."""
    if only is None:
        return []
    runs: list[list[tuple[int, int, int, str]]] = [[]]
    for line in _RANKED_LINE.finditer(text):
        place = next((e for e in entities if line.start("name") <= e[0] and e[1] <= line.end("name")), None)
        run = runs[-1]
        if place is None or (run and (text.count("\n", run[-1][1], line.start()) > 1 or int(line.group("rank")) < run[-1][2])):
            runs.append([])
            if place is None:
                continue
        runs[-1].append((line.start(), line.end(), int(line.group("rank")), _as_written(line.group("name"), place[2])))
    return [IndexValue(only.index, None, name, only.year, start, end, rank=rank, year_inferred=only.year_inferred)
            for run in runs if len(run) >= 3 for start, end, rank, name in run]


# A row of a ranking table: a place, its score, its rank and maybe its tier ("Quảng Ninh 72.95 1 Rất tốt"),
# on one line or, as some portals print tables, one cell per line ("Quảng Ninh\n\n73.40\n\n1\n\nRất tốt").
_SCORE_ROW = re.compile(r"^(?P<name>[^\d\n|]{2,40}?)(?:[ \t]+|[ \t]*\n\s*)(?P<score>\d{1,3}[.,]\d{1,4})(?:[ \t]+|[ \t]*\n\s*)"
                        r"(?P<rank>\d{1,2})[ \t]*(?=\n|$|[ \t]+[^\W\d][^\d\n]{0,20}$)", re.MULTILINE)
_TABLE_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def _score_rows(text: str, entities, only) -> list[IndexValue]:
    """A ranking table with a place, its score and its rank per row, at least three rows in a
    row with ranks that never go down, in a document about one index; the year is the last one
    written in the table's heading (the 200 characters before its first row)."""
    if only is None:
        return []
    runs: list[list[re.Match[str]]] = [[]]
    for row in _SCORE_ROW.finditer(text):
        name = row.group("name").strip()
        run = runs[-1]
        apart = run and (text.count("\n", run[-1].end(), row.start()) > 4 or int(row.group("rank")) < int(run[-1].group("rank")))
        if not (name[:1].isupper() and len(name.split()) <= 5) or apart:
            runs.append([])
            if not name[:1].isupper():
                continue
        runs[-1].append(row)
    result = []
    for run in (r for r in runs if len(r) >= 3):
        heading = _TABLE_YEAR.findall(text, max(0, run[0].start() - 200), run[0].start())
        year = int(heading[-1]) if heading else only.year
        for row in run:
            place = next((e for e in entities if row.start("name") <= e[0] and e[1] <= row.end("name")), None)
            name = row.group("name").strip()
            result.append(IndexValue(only.index, None, _as_written(name, place[2]) if place else name, year, row.start(),
                                     row.end("rank"), value=parse_number(row.group("score"), max_plain=_MAX_SCORE), unit="điểm",
                                     rank=int(row.group("rank")), year_inferred=not heading))
    return result


_RESPECTIVELY = re.compile(r"(?<![\w])(?:lần lượt|tương ứng)(?![\w])", re.IGNORECASE)
_LIST_RANKS = re.compile(r"(?:thứ|vị trí|hạng)\s+(\d{1,2})((?:\s*(?:,|và)\s*(?:thứ\s+)?\d{1,2})+)(?!\s*[,.]\d)", re.IGNORECASE)
_LIST_VALUES = re.compile(rf"(?P<num>{NUMBER})\s*(?P<unit>%|điểm)?")


def _index_before(mentions, pos: int, context) -> tuple[str | None, str | None]:
    """The index (and sub-index) a list at ``pos`` reports: the last named before it in its
    sentence, else the one carried from the sentences before."""
    before = [m for m in mentions if m[0] < pos]
    if before:
        return before[-1][1], before[-1][2]
    return (context.index, context.subindex) if context else (None, None)


def _listed_before(entities, text: str, pos: int, floor: int) -> list[tuple[int, int, str]]:
    """The places listed together ("A, B và C") whose last one ends just before ``pos`` (a verb
    between, "giữ vị trí"), first to last."""
    before = [e for e in entities if floor <= e[0] and e[1] <= pos]
    if not before or not re.fullmatch(r"\s*(?:(?:giữ|xếp|đứng|ở|lần lượt|vị trí|hạng)\s+)*", text[before[-1][1]:pos]):
        return []
    listed = [before[-1]]
    for e in reversed(before[:-1]):
        if not re.fullmatch(r"\s*(?:,|và)\s*", text[e[1]:listed[0][0]]):
            break
        listed.insert(0, e)
    return listed if len(listed) >= 2 else []


def _respectively(text: str, start: int, end: int, entities, mentions, context, years, default_year) -> list[IndexValue]:
    """"Hà Nội và TP.HCM lần lượt đạt 43,96 điểm và 41,77 điểm", "TP.HCM và Quảng Ninh lần
    lượt xếp thứ 2 và 3", "Lạng Sơn, Bạc Liêu và Điện Biên, với các điểm số tương ứng là
    0,2144; 0,1914 và 0,1738": the entities before the word, paired in order with the
    figures after it (only when their numbers agree). Without the word, places listed together
    right before as many ranks: "Thanh Hóa, Điện Biên, Hà Tĩnh giữ vị trí thứ 5, 6, 7"."""
    word = _RESPECTIVELY.search(text, start, end)
    if word is None:
        listed = _LIST_RANKS.search(text, start, end)
        named = _listed_before(entities, text, listed.start(), start) if listed else []
        if not listed or len(named) != 1 + len(re.findall(r"\d{1,2}", listed.group(2))):
            return []
        word = re.compile(r"\s*").match(text, listed.start())  # the ranks follow at once
    else:
        named = [(a, b, label) for a, b, label in entities if start <= a and b <= word.start()]
    code, subindex = _index_before(mentions, word.start(), context)
    if code is None or len(named) < 2:
        return []
    tail = text[word.end():end]
    ranks = _LIST_RANKS.search(tail)
    figures: list[tuple[str, float, str | None]] = []
    if ranks and ranks.start() < 20:
        figures = [("rank", float(n), None) for n in [ranks.group(1), *re.findall(r"\d{1,2}", ranks.group(2))]]
    else:
        for match in _LIST_VALUES.finditer(tail):
            value = parse_number(match.group("num"), max_plain=_MAX_SCORE)
            if value is not None and not re.fullmatch(r"(?:19|20)\d{2}", match.group("num")):
                figures.append(("value", value, (match.group("unit") or "").lower() or None))
    named = named[-len(figures):] if len(figures) <= len(named) else named
    if len(figures) != len(named) or len(figures) < 2:
        return []
    explicit = [y for y in years if not y[2]]
    year = explicit[-1][1] if explicit else default_year(code)
    result = []
    for (a, _b, label), (kind, number, unit) in zip(named, figures):
        record = IndexValue(code, subindex, label, year, a, end, year_inferred=not explicit)
        if kind == "rank":
            record.rank = int(number)
        else:
            record.value, record.unit = number, unit
        result.append(record)
    return result


# A ranking given as an ordered list (not "top 10 … gồm: …", which lists without ranking).
_ORDERED = re.compile(r"(?<![\w])(?P<n>\d{1,2}|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+(?:vị trí|đơn vị|địa phương)"
                      r"(?:\s+xếp)?\s+(?P<where>dẫn đầu|đầu bảng(?: xếp hạng)?|đứng đầu|tiếp theo)"
                      r"(?:,?\s+lần lượt)?\s*(?:,\s*)?(?:là|thuộc về)\s*:?\s+(?:các\s+)?", re.IGNORECASE)
_GROUP_SIZE = re.compile(r"(?<![\w])(?:nhóm|trong số|trong)\s+(?P<of>\d{1,3})\s+(?!vị trí|năm|tháng)\w", re.IGNORECASE)


def _list_items(text: str, start: int, end: int, count: int) -> list[tuple[int, int]] | None:
    """The ``count`` names listed in [start, end): split at commas, and at the one "và"
    that starts a new name (before a body's head or a capital) when one more is needed."""
    stop = re.search(r"[.;]\s|\(|$", text[start:end])
    end = start + (stop.start() if stop else end - start)
    items = [(m.start() + start, m.end() + start) for m in re.finditer(r"[^,]+", text[start:end])]
    items = [(a + len(text[a:b]) - len(text[a:b].lstrip()), len(text[:b].rstrip(" ."))) for a, b in items]
    if len(items) == count - 1:
        a, b = items[-1]
        for joint in re.finditer(r"\s+và\s+(?=[A-ZĐÀ-Ỹ])", text[a:b]):
            head = text[a + joint.end():b]
            if _heads_a_name(head):
                items[-1:] = [(a, a + joint.start()), (a + joint.end(), b)]
                break
    if len(items) != count or any(not text[a:a + 1].isupper() or len(text[a:b].split()) > 12 for a, b in items):
        return None
    return items


def _heads_a_name(text: str) -> bool:
    words = text.split()
    if any(" ".join(words[:n]) in places() for n in range(1, min(len(words), 4) + 1)):  # "Thừa Thiên Huế", an old name
        return True
    return text.startswith(tuple(f"{h} " for h in body_heads())) or text.startswith(tuple(provinces())) or \
        text.startswith(("Ngân hàng", "Tổng công ty", "Tập đoàn", "Thông tấn xã", "Đài", "Viện", "TP"))


def _ordered_list(text: str, start: int, end: int, mentions, context, years, default_year,
                  earlier: list[IndexValue]) -> list[IndexValue]:
    """"3 vị trí dẫn đầu lần lượt thuộc về Bộ Tài chính, Ngân hàng Nhà nước Việt Nam và Bộ
    Giáo dục và Đào tạo", "4 vị trí tiếp theo thuộc về …" (after the last rank given): the
    names in order take the ranks, out of the group named before ("trong nhóm 29 ngân
    hàng") when there is one. Only when as many names as announced follow."""
    header = _ORDERED.search(text, start, end)
    if header is None:
        return []
    code, subindex = _index_before(mentions, header.start(), context)
    if code is None:
        return []
    n = header.group("n")
    count = int(n) if n.isdigit() else parse_number_words(n)
    items = _list_items(text, header.end(), end, count) if 1 < count <= 10 else None
    if items is None:
        return []
    first = 1
    if header.group("where").lower() == "tiếp theo":  # after the last rank given: "… số 1, 4 vị trí tiếp theo …"
        ranked = [r.rank for r in earlier if r.index == code and r.rank]
        if not ranked:
            return []
        first = ranked[-1] + 1
    group = _GROUP_SIZE.search(text, start, header.start())
    rank_of = int(group.group("of")) if group else None
    explicit = [y for y in years if not y[2]]
    year = explicit[-1][1] if explicit else (context.year if context and context.index == code else default_year(code))
    result = []
    for i, (a, b) in enumerate(items):
        record = IndexValue(code, subindex, text[a:b], year, header.start() if i == 0 else a, b,
                            rank=first + i, rank_of=rank_of, year_inferred=not explicit)
        result.append(record)
    return result


_ORDINAL_WORD = r"\d{1,2}|" + "|".join(_ORDINALS)
# "Hai vị trí thứ tư và thứ năm là Quảng Ninh và Thừa Thiên Huế".
_ORDINAL_LIST = re.compile(rf"(?<![\w])(?:vị trí|hạng)\s+thứ\s+"
                           rf"(?P<ranks>(?:{_ORDINAL_WORD})(?:\s*(?:,|và)\s*thứ\s+(?:{_ORDINAL_WORD}))+)"
                           rf"\s+(?:lần lượt\s+)?(?:là|thuộc về)\s+(?:các\s+)?", re.IGNORECASE)


def _ordinal_list(text: str, start: int, end: int, mentions, context, years, default_year) -> list[IndexValue]:
    """Ranks written as ordinals, then the names that hold them in order, as many as ranks."""
    header = _ORDINAL_LIST.search(text, start, end)
    if header is None:
        return []
    code, subindex = _index_before(mentions, header.start(), context)
    words = re.findall(rf"(?<![\w])(?:{_ORDINAL_WORD})(?![\w])", header.group("ranks"), re.IGNORECASE)
    ranks = [int(w) if w.isdigit() else _ORDINALS[w.lower()] for w in words]
    items = _list_items(text, header.end(), end, len(ranks)) if code else None
    if items is None:
        return []
    explicit = [y for y in years if not y[2]]
    year = explicit[-1][1] if explicit else (context.year if context and context.index == code else default_year(code))
    return [IndexValue(code, subindex, text[a:b], year, header.start() if i == 0 else a, b, rank=rank,
                       year_inferred=not explicit) for i, ((a, b), rank) in enumerate(zip(items, ranks))]


def _document_indexes(text: str, furniture: list[tuple[int, int]], pub, dates: list[TimeExpr]):
    """From one pass over the index names of the document: the year a figure takes when its
    sentence names none (the year written beside the first mention of its index, "PCI 2017",
    "Chỉ số DTI năm 2023", else the year before publication: results come out the following
    spring; else the heading's year, else the latest year written), the context of a document that
    names exactly one index, and the indexes it names."""
    years: dict[str, int] = {}
    codes: set[str] = set()
    for m in _index_regex().finditer(text):
        code = index_names()[m.group().lower()]
        if inside(furniture, m.start()):
            continue
        codes.add(code)
        if code in years:
            continue
        bare = _BARE_YEAR.match(text, m.end())  # "PCI 2017", "PAR INDEX 2024"
        if bare:
            years[code] = int(bare.group(1))
            continue
        window = max(0, m.start() - 160)
        window = max([window] + [text.rfind(c, window, m.start()) + 1 for c in ".!?\n"])  # its sentence
        near = [y for y in _years(dates, text, window, min(len(text), m.end() + 30)) if not y[2]]
        if near:
            years[code] = min(near, key=lambda y: abs(y[0] - m.end()))[1]

    # With no publication date, the year of the heading ("… chuyển đổi số năm 2022").
    heading = next((y[1] for y in _years(dates, text, 0, min(len(text), 300)) if not y[2]), None)
    if heading is None:  # else the latest year the page names ("… năm 2021 … còn năm 2022, Thành phố …")
        heading = max((y[1] for y in _years(dates, text, 0, len(text))), default=None)

    def default_year(code: str) -> int | None:
        return years.get(code, pub.year - 1 if pub else heading)

    only = _Context(next(iter(codes)), None, default_year(next(iter(codes))), True) if len(codes) == 1 else None
    return default_year, only, codes


def _fill(record: IndexValue, kind: str, match: re.Match[str]) -> bool:
    """Put one figure into its slot; False when the slot is taken."""
    if kind in ("value", "earlier"):
        if record.value is not None:
            return False
        groups = match.groupdict()
        num, unit = next(((groups[n], groups[u]) for n, u in (("num", "unit"), ("num2", "unit2"), ("num3", "unit3"))
                          if groups.get(n)), (groups.get("num4"), None))
        record.value = parse_number(num, max_plain=_MAX_SCORE)
        record.unit = (unit or "điểm").lower() if not groups.get("num4") else None
    elif kind == "change":
        if record.change is not None:
            return False
        value = parse_number(match.group("num") or match.group("num2"), max_plain=_MAX_SCORE)
        if value is None:
            return False
        record.change = -value if (match.group("verb") or match.group("verb2")).lower() in _NEGATIVE else value
    elif kind == "first":
        if record.rank is not None:
            return False
        record.rank = 2 if match.group("second") else 1
    elif kind in ("rank", "rank_from", "rank_year"):
        written = match.groupdict().get("of") or match.groupdict().get("of2")
        rank = int(match.group("rank")) if match.group("rank") else _ORDINALS[match.group("word").lower()]
        rank_of = int(written) if written else None
        if rank_of is not None and rank > rank_of:
            return False
        if record.rank is not None:
            # The same rank told again with what it is out of (a heading, then the lead): keep that.
            if record.rank != rank or record.rank_of is not None or rank_of is None:
                return False
        record.rank, record.rank_of = rank, rank_of
    elif kind == "rank_change":
        if record.rank_change is not None:
            return False
        n = int(match.group("n")) if match.group("n").isdigit() else parse_number_words(match.group("n"))
        record.rank_change = -n if match.group("verb").lower() in _NEGATIVE else n
    return True


@step("hdnd_index_values", "index_values", label=lambda v: v.index,
      requires=["places", "bodies", "main_place", "published", "furniture", "dates"])
def index_values_of(doc: Doc) -> list[IndexValue]:
    return find_index_values(doc._.text, doc._.places, doc._.bodies, doc._.main_place, doc._.published,
                             doc._.furniture, doc._.dates)
