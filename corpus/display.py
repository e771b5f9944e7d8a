"""How stored values are shown to a reader in a line or a cell: a count of one with its
noun in the singular; text shortened at a word boundary and marked as shortened, never cut
mid-word and closed as if complete; times on Vietnam's clock (stored and machine formats
stay ISO 8601 with their offset, mostly UTC); a stored address offered to follow only when
it is a web page's (``is_web_url``, the same test by which the crawler takes an address as
fetched from the web)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.metadata import is_web_url

__all__ = ["VIETNAM", "count_of", "is_web_url", "local_time", "shorten", "shown_time", "today_local"]

try:
    VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
except ZoneInfoNotFoundError:  # no time-zone database (Windows without tzdata); Vietnam has kept +07 since 1975
    VIETNAM = timezone(timedelta(hours=7), "+07")

# A stored date-time: what hdnd writes (UTC, "+00:00") and what publishers give (their offset).
_DATE_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?")


def count_of(n: int, noun: str, plural: str | None = None) -> str:
    """A count people read, "1 article", "2 articles": the noun takes an "s" unless its
    ``plural`` is given ("1 feed or listing", "2 feeds or listings")."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def shorten(text: str | None, width: int) -> str:
    """``text`` on one line, at most ``width`` characters plus "…" when it had to be cut
    (at the last space before ``width``; mid-word only when one word is longer)."""
    flat = re.sub(r"\s+", " ", text or "").strip()
    if len(flat) <= width:
        return flat
    cut = flat.rfind(" ", 0, width + 1)
    head = flat[:cut] if cut > width // 2 else flat[:width]
    return head.rstrip(" ,;:.-–") + "…"


def local_time(stamp: str | None) -> datetime | None:
    """A stored date or date-time as an aware time in Vietnam: a date alone is that day's
    midnight there, a time without offset is taken as Vietnam's (as the crawler reads
    pages); None when there is no date to read."""
    if not stamp:
        return None
    try:
        parsed = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(stamp.strip()[:10]), time())
        except ValueError:
            return None
    return parsed.replace(tzinfo=VIETNAM) if parsed.tzinfo is None else parsed.astimezone(VIETNAM)


def today_local() -> date:
    """Today in Vietnam, whatever the machine's clock zone: the day a reader there has."""
    return datetime.now(VIETNAM).date()


def shown_time(value):
    """A stored date-time as a reader in Vietnam reads it, "2026-01-02 03:00 +07" (for
    2026-01-01T20:00:00+00:00); a date alone, or any value that is not a date-time, as it is."""
    if not isinstance(value, str) or not _DATE_TIME.fullmatch(value.strip()):
        return value
    return local_time(value).strftime("%Y-%m-%d %H:%M %Z")
