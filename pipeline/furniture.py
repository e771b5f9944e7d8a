"""Page furniture that survived into plain text: menus, widgets, related-article lists, spam.

Recognised line by line so that the extractors can leave it alone: index values, legal
references, sessions and bodies found there are not the article's. People named there
are still people named in the text, so persons keep them, marked as furniture.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from pipeline.resources import furniture_lines
from pipeline.steps import step

_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")
_IMAGE_FILE = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp)$", re.IGNORECASE)
_CAPTION_NUMBER = re.compile(r"\sảnh \d+$")
_NO_LETTERS = re.compile(r"^[\W\d_]*$")
_TIMESTAMP = re.compile(r"^\d{1,2}[ /.-]\w{2,9}[ ,]+\d{1,2}:\d{2}(?:\s*[AP]M)?$|^\d{1,2}:\d{2}\s+\d{1,2}/\d{1,2}/\d{4}$")
_MENU = re.compile(r"\S\s*\|\s*\S")
# Scraper spam glues a headline into one long "word".
_GLUED = re.compile(r"[^\W\d_]{25,}")
# Headers after which the rest of the page is other articles.
_TAIL_HEADERS = ("đọc nhiều", "đọc thêm", "xem thêm", "tin liên quan", "bài liên quan", "tin khác",
                 "tin cùng chuyên mục", "có thể bạn quan tâm", "đừng bỏ lỡ", "tin mới", "tin mới nhất",
                 "dòng sự kiện", "bài viết liên quan", "mới nhất", "xem nhiều")

def _is_furniture_line(line: str) -> bool:
    stripped = line.strip().rstrip(":").strip()
    if not stripped:
        return False
    lower = stripped.lower()
    whole, prefixes = furniture_lines()
    return (lower in whole or lower.startswith(prefixes) or bool(_CJK.search(stripped)) or bool(_GLUED.search(stripped))
            or bool(_IMAGE_FILE.match(stripped)) or bool(_CAPTION_NUMBER.search(stripped))
            or bool(_NO_LETTERS.match(stripped)) or bool(_TIMESTAMP.match(stripped))
            or (bool(_MENU.search(stripped)) and len(stripped) < 120))


def furniture_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of furniture lines; from a related-articles header in the second
    half of the text, everything to the end."""
    ranges: list[tuple[int, int]] = []
    previous = None
    pos = 0
    for line in text.splitlines(keepends=True):
        start, end = pos, pos + len(line.rstrip("\r\n"))
        pos += len(line)
        stripped = line.strip()
        if not stripped:
            continue
        header = stripped.rstrip(":").strip().lower()
        if header in _TAIL_HEADERS and start > len(text) * 0.4:
            ranges.append((start, len(text)))
            break
        if _is_furniture_line(line) or stripped == previous:
            ranges.append((start, end))
        previous = stripped
    return ranges


@step("hdnd_furniture", "furniture")
def furniture_of(doc: Doc) -> list[tuple[int, int]]:
    return furniture_ranges(doc._.text)
