"""A Vietnamese temporal normaliser: dates, months, quarters, halves, years and periods.

dateparser returns nothing or the wrong year for most of these, so the rules are ours.
Every expression keeps its span, an ISO value with a granularity, and the latest date it
allows (``deadline``, in the shapes gold/FORMAT.md uses: YYYY-MM-DD, YYYY-MM, YYYY-Qn,
YYYY). Ratios such as 21/63 and figures such as 83,57% are never dates: a day/month
without a year needs a calendar word before it (ngày, sáng, chiều, trước, đến …) and must
be a real date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipeline.numbers import roman_to_int

_Y = r"(?P<y>(?:19|20)\d{2})"
_D = r"(?P<d>[0-3]?\d)"
_M = r"(?P<m>[01]?\d)"
_B = r"(?<![\w/.,])"          # not glued to a preceding number or word
_E = r"(?![\w]|[/.,]\d)"       # nor to a following one
_CAL_WORD = (r"(?:ngày|hôm nay,?|sáng|chiều|tối|trưa|đêm|rạng sáng|trước|đến|tới|từ|hạn|hết|"
             r"kể từ|chậm nhất|sau|vào|thứ (?:hai|ba|tư|năm|sáu|bảy)|chủ nhật),?\s+(?:ngày\s+)?")
_NOW_YEAR = r"(?P<rel>nay|này|tới|sau|trước|ngoái)"
PREVIEW_DAYS = 31
# Times of day and weekdays: how a report dates what happened ("Chiều 5-7, …").
_REPORTED = re.compile(r"(?:hôm nay|sáng|chiều|tối|trưa|đêm|rạng sáng|thứ (?:hai|ba|tư|năm|sáu|bảy)|chủ nhật)\b,?\s+"
                       r"(?:ngày\s+)?\d", re.IGNORECASE)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [(kind, re.compile(rx, re.IGNORECASE)) for kind, rx in [
    ("day", _B + r"ngày\s+" + _D + r"\s+tháng\s+" + _M + r"\s+năm\s+" + _Y + _E),
    ("day", _B + _D + r"\s*(?P<s>[/.\-])\s*" + _M + r"\s*(?P=s)\s*" + _Y + _E),
    ("month", r"\btháng\s+" + _M + r"\s*(?:[/\-]|\s+năm)\s*" + _Y + _E),
    ("quarter", r"\bquý\s+(?P<q>IV|III|II|I|[1-4])(?:\s*(?:[/\-]|năm)\s*" + _Y + r"|\s+năm\s+" + _NOW_YEAR + r")?" + _E),
    ("half", r"\b(?P<n>6|sáu|9|chín|3|ba)\s+tháng\s+(?P<part>đầu|cuối)\s+năm(?:\s+" + _Y + r"|\s+" + _NOW_YEAR + r")?" + _E),
    ("period", r"\b(?:giai đoạn|nhiệm kỳ|thời kỳ)\s+" + r"(?P<y1>(?:19|20)\d{2})\s*[-–—]\s*(?P<y2>(?:19|20)\d{2})" + _E),
    ("period", r"\btừ năm\s+(?P<y1>(?:19|20)\d{2})\s+(?:đến|tới)\s+(?:năm\s+)?(?P<y2>(?:19|20)\d{2})" + _E),
    ("year", r"\b(?P<part>cuối|đầu|giữa)\s+năm(?:\s+" + _Y + r"|\s+" + _NOW_YEAR + r")?" + _E),
    ("year", r"\bnăm\s+" + _Y + _E),
    ("year", r"\bnăm\s+" + _NOW_YEAR + r"\b"),
    ("daymonth", r"\b" + _CAL_WORD + r"(?P<core>" + _D + r"\s*[/\-]\s*" + _M + r")" + _E),
    # "Sáng 28.5", "Ngày 22.9": a dot between day and month only after a time of day or "ngày".
    ("daymonth", r"\b(?:ngày|hôm nay,?|sáng|chiều|tối|trưa|đêm|rạng sáng)\s+(?:ngày\s+)?(?P<core>" + _D + r"\." + _M + r")"
                 + _E + r"(?!\s*%)"),
    # "trong tháng 8", "trước tháng 10": the next such month from the published date.
    ("monthonly", r"\b(?:trong|trước|đến|tới|cuối|giữa|hết|đầu)\s+(?P<core>tháng\s+(?P<m>1[0-2]|0?[1-9]))"
                  r"(?![\w/-]|[.,]\d)(?!\s*(?:năm|/|-)\s*\d)"),
]]

_MODIFIER = re.compile(
    r"(?P<mod>trước|chậm nhất(?: là)?|hạn chót|đến hết|đến|tới|trong|từ|sau|kể từ)\s*(?:ngày\s+)?$",
    re.IGNORECASE)
_MODIFIERS = {"trước": "before", "chậm nhất": "by", "chậm nhất là": "by", "hạn chót": "by",
              "đến hết": "by", "đến": "by", "tới": "by", "trong": "within", "từ": "from",
              "kể từ": "from", "sau": "after"}
_RELATIVE_YEAR = {"nay": 0, "này": 0, "tới": 1, "sau": 1, "trước": -1, "ngoái": -1}


@dataclass(frozen=True)
class TimeExpr:
    start: int
    end: int
    text: str
    value: str            # 2023-07-05 · 2023-07 · 2023-Q1 · 2024-H1 · 2023 · 2021/2025
    granularity: str      # day | month | quarter | half | year | period
    modifier: str | None  # before | by | within | from | after | start | end | None
    deadline: str | None  # the latest point the expression allows, in gold/FORMAT.md shape

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "quote": self.text, "value": self.value,
                "granularity": self.granularity, "modifier": self.modifier, "deadline": self.deadline}


def parse_published(published: str | date | None) -> date | None:
    if published is None or isinstance(published, date):
        return published
    try:
        return date.fromisoformat(str(published)[:10])
    except ValueError:
        return None


def _year(match: re.Match[str], published: date | None) -> int | None:
    groups = match.groupdict()
    if groups.get("y"):
        return int(groups["y"])
    if groups.get("rel") and published:
        return published.year + _RELATIVE_YEAR[groups["rel"].lower()]
    return published.year if published else None


def _valid_day(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _build(kind: str, match: re.Match[str], published: date | None) -> tuple[str, str, str | None, str | None] | None:
    """(value, granularity, part modifier, deadline) or None when it is not a real time."""
    g = match.groupdict()
    if kind == "day":
        y, m, d = int(g["y"]), int(g["m"]), int(g["d"])
        if not _valid_day(y, m, d):
            return None
        value = f"{y:04d}-{m:02d}-{d:02d}"
        return value, "day", None, value
    if kind == "daymonth":
        m, d = int(g["m"]), int(g["d"])
        y = published.year if published else 2000  # 2000 is a leap year: validates 29/2
        if not _valid_day(y, m, d):
            return None
        if not published:
            return f"--{m:02d}-{d:02d}", "day", None, None
        if (date(y, m, d) - published).days > PREVIEW_DAYS and _REPORTED.match(match.group()) and _valid_day(y - 1, m, d):
            # "Chiều 5-7" in a report is the latest 5 July on or before publication; a bare
            # "ngày 20/12" or a deadline ("trước 30/6", "đến 31/12") may look ahead, and so
            # may a preview a few days ahead ("Sáng 12-6, bộ trưởng … trả lời chất vấn"
            # published on 9 June).
            y -= 1
        value = f"{y:04d}-{m:02d}-{d:02d}"
        return value, "day", None, value
    if kind == "monthonly":
        m = int(g["m"])
        if not published:
            return None
        y = published.year + (m < published.month)
        value = f"{y:04d}-{m:02d}"
        return value, "month", None, value
    if kind == "month":
        y, m = int(g["y"]), int(g["m"])
        if not 1 <= m <= 12:
            return None
        value = f"{y:04d}-{m:02d}"
        return value, "month", None, value
    if kind == "quarter":
        q = roman_to_int(g["q"]) if not g["q"].isdigit() else int(g["q"])
        y = _year(match, published)
        if y is None:
            return f"Q{q}", "quarter", None, None
        value = f"{y:04d}-Q{q}"
        return value, "quarter", None, value
    if kind == "half":
        months = {"6": 6, "sáu": 6, "9": 9, "chín": 9, "3": 3, "ba": 3}[g["n"].lower()]
        y = _year(match, published)
        first = g["part"].lower() == "đầu"
        if y is None:
            return None
        if months == 6:
            return f"{y:04d}-H{1 if first else 2}", "half", None, f"{y:04d}-{6 if first else 12:02d}"
        last = months if first else 12
        start = 1 if first else 13 - months
        return f"{y:04d}-{start:02d}/{y:04d}-{last:02d}", "months", None, f"{y:04d}-{last:02d}"
    if kind == "period":
        y1, y2 = int(g["y1"]), int(g["y2"])
        if y2 < y1:
            return None
        return f"{y1}/{y2}", "period", None, str(y2)
    if kind == "year":
        y = _year(match, published)
        if y is None:
            return None
        part = {"cuối": "end", "đầu": "start", "giữa": "middle"}.get((g.get("part") or "").lower())
        return str(y), "year", part, str(y)
    raise ValueError(kind)


def find_dates(text: str, published: str | date | None = None) -> list[TimeExpr]:
    """Every time expression in ``text``, leftmost-longest, without overlaps."""
    pub = parse_published(published)
    found: list[TimeExpr] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            built = _build(kind, match, pub)
            if built is None:
                continue
            value, granularity, part, deadline = built
            start, end = match.span("core") if kind in ("daymonth", "monthonly") else match.span()
            before = _MODIFIER.search(text, max(0, start - 25), start)
            modifier = _MODIFIERS[before.group("mod").lower()] if before else part
            found.append(TimeExpr(start, end, text[start:end], value, granularity, modifier, deadline))
    found.sort(key=lambda t: (t.start, -(t.end - t.start)))
    result: list[TimeExpr] = []
    for expr in found:
        if result and expr.start < result[-1].end:
            continue
        result.append(expr)
    return result


def deadline_date(deadline: str | None) -> date | None:
    """The last day a deadline (YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY) allows."""
    if not deadline:
        return None
    match = re.fullmatch(r"(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|Q([1-4])))?", deadline)
    if not match:
        return None
    y, m, d, q = match.groups()
    if d:
        return date(int(y), int(m), int(d)) if _valid_day(int(y), int(m), int(d)) else None
    month = int(m) if m else (int(q) * 3 if q else 12)
    if not 1 <= month <= 12:
        return None
    following = date(int(y) + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)
