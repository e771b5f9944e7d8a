"""Government and party bodies: councils, people's committees, departments, party
committees, supervision teams, delegate groups, ministries.

A body is a head from ``models/bodies.txt`` ("UBND", "Sở", "Thành ủy"), its field where
the head needs one ("Sở Xây dựng", "Bộ Nội vụ") and its place ("quận Hai Bà Trưng",
"TP.Hà Nội"). The canonical name expands abbreviations and, when the text leaves the
place implicit ("UBND thành phố"), adds the province the document is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from pipeline.placenames import KIND_WORDS, PlaceMention
from pipeline.resources import abbreviations, body_heads, surnames
from pipeline.resources import places as gazetteer
from pipeline.steps import step
from pipeline.text import LOWER, UPPER

# Heads that name nothing without a field after them.
_NEEDS_FIELD = {"Sở", "Bộ", "Ban", "Cục", "Tổng cục", "Chi cục", "Vụ", "Phòng", "Trung tâm",
                "Văn phòng", "Thanh tra", "Công an", "Đảng ủy", "Đảng bộ", "Ban Quản lý"}
# Heads whose implicit place is the document's province ("UBND thành phố", "Thành ủy").
_PROVINCE_HEADS = {"HĐND", "Hội đồng nhân dân", "UBND", "Ủy ban nhân dân", "Thường trực HĐND",
                   "Thường trực Hội đồng nhân dân", "Thành ủy", "Tỉnh ủy",
                   "Văn phòng HĐND", "Văn phòng UBND", "Ủy ban MTTQ", "UBMTTQ", "Mặt trận Tổ quốc", "MTTQ"}
_STOP = set("""đã sẽ cho về của tại với trong là được đang có thì mà này đó để các những từ đến theo khi
nhưng cũng vẫn làm không chưa phải nên bị do vì nêu báo trả giải tham phối chủ rà kiểm tổ triển hoàn ban
và cùng đề yêu nhằm thuộc trên dưới sau trước như cần tiếp đối xin rất đây cấp số ngày tháng năm
lúc đi nay đứng xếp đạt tăng giảm ở""".split())
_WORD = rf"[{UPPER}{LOWER}&]+"
_PLACE_KIND = re.compile(r"\s*(?:cấp\s+)?(thành phố|TP\.?|Tp\.?|tỉnh|quận|huyện|thị xã|thị trấn|phường|xã)\b\s*",
                         re.IGNORECASE)
_LOWER_KIND = re.compile(r"(?<=\s)(?:Thành phố|Tỉnh|Quận|Huyện|Thị xã|Thị trấn|Phường|Xã)(?=\s)")
_NUMBERED = re.compile(r"\s+số\s+\d+")
# Heads some pages capitalise inside ("Hội đồng Nhân dân TP Hà Nội"), in their usual spelling.
_SPELLINGS = {"Hội đồng Nhân dân": "Hội đồng nhân dân", "Ủy ban Nhân dân": "Ủy ban nhân dân"}


@dataclass(frozen=True)
class BodyMention:
    start: int
    end: int
    head: str
    canonical: str

    def as_dict(self, text: str) -> dict:
        return {"name": self.canonical, "head": self.head, "start": self.start, "end": self.end,
                "quote": text[self.start:self.end]}


@lru_cache(maxsize=None)
def _heads() -> re.Pattern[str]:
    heads = "|".join(re.escape(h) for h in body_heads())
    return re.compile(rf"(?<![\w])(?:{heads})(?![\w])")


def _field_end(text: str, pos: int) -> int:
    """End of a field after a head: capitalised word first, then at most three lower-case
    words between capitalised ones, "và"/"-" joining two parts."""
    words = list(re.finditer(rf"\s*(?:-\s*)?({_WORD})", text[pos:pos + 120]))
    end = pos
    lower_run = 0
    for i, match in enumerate(words):
        word = match.group(1)
        if match.start() != (end - pos) or "\n" in match.group(0):
            break
        if i == 0 and not word[0].isupper():
            return pos
        if i == 0 and word.isupper() and ("&" in word or word in abbreviations()):
            return pos + match.end()  # an abbreviated field: "Bộ KH&CN", "Sở TN&MT", "Bộ GD&ĐT"
        if word[0].isupper():
            if word.isupper() and len(word) > 1 and word not in ("TP",):
                break  # an abbreviation: the next body (or place kind) begins
            if lower_run and word in surnames() and i + 1 < len(words) and words[i + 1].group(1)[:1].isupper() \
                    and words[i + 1].start() == match.end():
                break  # "Sở Tài nguyên và Môi trường Trần Thị Hồng": a person's name begins
            lower_run = 0
        else:
            if word in _STOP and word != "và":
                break
            if word == "và":
                nxt = words[i + 1].group(1) if i + 1 < len(words) else ""
                if not nxt[:1].isupper():
                    break
            lower_run += 1
            if lower_run > 3:
                break
            if word in ("thành", "tỉnh", "quận", "huyện", "xã", "phường", "thị"):
                break
        end = pos + match.end()
    return end


def _place_after(places: list[PlaceMention], pos: int) -> PlaceMention | None:
    for place in places:
        if place.start >= pos and place.start - pos <= 2:
            return place
        if place.start > pos + 2:
            break
    return None


def _expand(text: str) -> str:
    table = abbreviations()
    text = re.sub(r"\b(TP|Tp)\.(?=\w)", r"\1. ", text)
    return "".join(table.get(w, w) for w in re.split(r"(\s+)", text))


# Party committees name the level of their place: "Huyện ủy Ứng Hòa".
_COMMITTEE_KIND = {"Huyện ủy": "huyện", "Quận ủy": "quận", "Thị ủy": "thị xã", "Thành ủy": "thành phố",
                   "Tỉnh ủy": "tỉnh", "Đảng ủy": "xã"}
_NAME_AFTER = re.compile(rf" ((?:[{UPPER}][{LOWER}]*)(?: [{UPPER}][{LOWER}]*){{0,3}})")


def _committee_place(text: str, head: str, end: int) -> int:
    """End of the place after a party committee, or ``end`` when none follows."""
    kind = next((k for h, k in _COMMITTEE_KIND.items() if head.endswith(h)), None)
    match = _NAME_AFTER.match(text, end)
    if kind is None or match is None:
        return end
    words = match.group(1).split(" ")
    for n in range(len(words), 0, -1):
        units = gazetteer().get(" ".join(words[:n]), ())
        if any(u.kind == kind or (kind in ("thành phố", "tỉnh") and u.level == "province") for u in units):
            return match.start(1) + len(" ".join(words[:n]))
    return end


def _implicit_place(places: list[PlaceMention], pos: int, level: str, main_place: str | None) -> str:
    """The place a body leaves unnamed: the document's province for a city or province
    level, else the last unit of that level named before ``pos``."""
    if level in ("thành phố", "tỉnh"):
        return main_place or ""
    recent = next((p for p in reversed(places) if p.end <= pos and p.unit.kind == level), None)
    return recent.name if recent else ""


def _province_label(name: str) -> str:
    unit = next((u for u in gazetteer().get(name, ()) if u.level == "province"), None)
    return f"{unit.kind} {name}" if unit else name


def find_bodies(text: str, places: list[PlaceMention], main_place: str | None) -> list[BodyMention]:
    heads = _heads()
    found: list[BodyMention] = []
    pos = 0
    for match in heads.finditer(text):
        if match.start() < pos:
            continue
        head = _SPELLINGS.get(match.group(), match.group())
        if text[max(0, match.start() - 4):match.start()].strip().lower() == "các":
            continue  # "các Sở, ngành", "UBND các quận": not one body
        end = match.end()
        if head in _NEEDS_FIELD:
            field_end = _field_end(text, end)
            if field_end == end:
                continue
            end = field_end
        numbered = _NUMBERED.match(text, end)
        if numbered and head in ("Đoàn giám sát", "Tổ đại biểu", "Đoàn"):
            end = numbered.end()
        # A second head glued on: "Ban Thường vụ Huyện ủy", "Văn phòng UBND".
        nxt = heads.match(text, end + 1) if text[end:end + 1] == " " else None
        if nxt and nxt.group() not in _NEEDS_FIELD:
            end = nxt.end()
        head_end = end
        end = _committee_place(text, text[match.start():end], end)
        kind = _PLACE_KIND.match(text, end)
        place = _place_after(places, end) if end == head_end else None
        suffix = ""
        if place is not None:
            end = place.end
        elif end != head_end:
            pass
        elif kind and not text[kind.end():kind.end() + 3].strip().startswith(("các", "và")):
            end = kind.end(1)
            level = KIND_WORDS.get(kind.group(1).lower(), kind.group(1).lower())
            suffix = _implicit_place(places, match.start(), level, main_place)
        else:
            committee = next((k for h, k in _COMMITTEE_KIND.items() if text[match.start():end].endswith(h)), None)
            if committee:
                suffix = _implicit_place(places, match.start(), committee, main_place)
            elif head in _PROVINCE_HEADS and main_place:
                suffix = _province_label(main_place)
        canonical = _LOWER_KIND.sub(lambda m: m.group().lower(), _expand(head + text[match.end():end]))
        if suffix:
            canonical += f" {suffix}"
        canonical = re.sub(r"\s+", " ", canonical).strip()
        canonical = canonical[0].upper() + canonical[1:]
        found.append(BodyMention(match.start(), end, head, canonical))
        pos = end
    return found


@step("hdnd_bodies", "bodies", label=lambda m: "BODY", requires=["places", "main_place"])
def bodies_of(doc: Doc) -> list[BodyMention]:
    return find_bodies(doc._.text, doc._.places, doc._.main_place)
