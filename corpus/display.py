"""How stored text is shown to a reader in a line or a cell: shortened at a word
boundary and marked as shortened, never cut mid-word and closed as if complete; a
stored address offered to follow only when it is a web page's (``is_web_url``, the same
test by which the crawler takes an address as fetched from the web)."""

from __future__ import annotations

import re

from crawler.metadata import is_web_url

__all__ = ["is_web_url", "shorten"]


def shorten(text: str | None, width: int) -> str:
    """``text`` on one line, at most ``width`` characters plus "…" when it had to be cut
    (at the last space before ``width``; mid-word only when one word is longer)."""
    flat = re.sub(r"\s+", " ", text or "").strip()
    if len(flat) <= width:
        return flat
    cut = flat.rfind(" ", 0, width + 1)
    head = flat[:cut] if cut > width // 2 else flat[:width]
    return head.rstrip(" ,;:.-–") + "…"
