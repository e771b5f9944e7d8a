"""Is a page about People's Council sessions and the governance around them?

Before fetching: Vietnamese article URLs carry the slugged title, so a feed or sitemap
entry is kept when its slug holds a topic keyword ("ky-hop", "chat-van", "par-index" …)
and its date is in range; nothing else is downloaded. After extraction: a score from the
title and text, with the reasons, decides whether the article is stored.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

# Slug keywords, as they appear in URLs (tone marks removed, words joined by "-").
SLUG_KEYWORDS = (
    "hdnd", "hoi-dong-nhan-dan", "ky-hop", "chat-van", "tai-chat-van", "giam-sat", "giai-trinh",
    "dai-bieu", "tiep-xuc-cu-tri", "cu-tri", "nghi-quyet", "ubnd", "uy-ban-nhan-dan", "chu-tich",
    "cai-cach-hanh-chinh", "cchc", "thu-tuc-hanh-chinh", "chuyen-doi-so", "chinh-quyen-dien-tu",
    "par-index", "parindex", "chi-so-cai-cach", "sipas", "papi", "pci", "dti", "ict-index", "pgi",
    "loi-hua", "cam-ket", "du-an-cham-tien-do", "dau-tu-cong", "giai-ngan", "quoc-hoi", "dbqh",
)
# Text signals with their weights: what makes an article about council work.
TEXT_SIGNALS = (
    (r"hội đồng nhân dân|hđnd", 3.0), (r"kỳ họp", 2.0), (r"chất vấn|tái chất vấn", 2.0),
    (r"giám sát|giải trình", 1.0), (r"đại biểu", 1.0), (r"cử tri", 1.0), (r"ủy ban nhân dân|ubnd", 1.0),
    (r"nghị quyết", 0.5), (r"cải cách hành chính|cchc|thủ tục hành chính", 1.0),
    (r"chuyển đổi số|chính quyền điện tử", 1.0), (r"par[ -]?index|sipas|papi|\bpci\b|\bdti\b", 2.0),
    (r"cam kết|lời hứa|xin hứa", 1.0),
)
THRESHOLD = 4.0


def fold(text: str) -> str:
    """Lower case without tone marks, đ → d: how slugs spell Vietnamese."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slug_reasons(url: str) -> list[str]:
    """The topic keywords in the URL's path, as whole slug words."""
    path = fold(unquote(urlsplit(url).path))
    words = "-" + re.sub(r"[^a-z0-9]+", "-", path) + "-"
    return [k for k in SLUG_KEYWORDS if f"-{k}-" in words]


@dataclass
class Relevance:
    score: float
    reasons: list[str] = field(default_factory=list)

    @property
    def relevant(self) -> bool:
        return self.score >= THRESHOLD


def text_relevance(title: str | None, text: str) -> Relevance:
    """Weighted signals in the title (counted twice) and the first 5,000 characters."""
    body = (text or "")[:5000].lower()
    head = (title or "").lower()
    score, reasons = 0.0, []
    for pattern, weight in TEXT_SIGNALS:
        in_title = len(re.findall(pattern, head))
        in_body = min(len(re.findall(pattern, body)), 3)
        if in_title or in_body:
            gained = weight * (2 * min(in_title, 1) + in_body)
            score += gained
            reasons.append(f"{pattern.split('|')[0]}×{in_title + in_body}")
    return Relevance(round(score, 2), reasons)
