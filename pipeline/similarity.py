"""How alike two passages are, for tying a later report to an earlier promise and for
merging copies of one quote: folded content syllables and syllable pairs, without the
words every council report uses. Pure text functions; ``corpus.commitments`` stores and
searches with them.
"""

from __future__ import annotations

import re

from pipeline.cues import cue_regex
from pipeline.normalize import fold

_WORD = re.compile(r"\w+")
# Words too common in council reporting to tie a report to one promise.
_COMMON = frozenset(fold(w) for w in (
    "thành phố tỉnh quận huyện xã phường sẽ đã đang các những của và cho với trong trên tại theo để được "
    "có là này đó thực hiện tiếp tục triển khai hoàn thành năm tháng ngày trước đến việc công tác cùng "
    "đồng thời ubnd hđnd ủy ban nhân dân hội đồng chúng tôi nay thời gian tới").split())


def fingerprint(quote: str) -> str:
    """Identical quotes in any outlet, with any spelling of tone marks or case, are one."""
    return " ".join(_WORD.findall(fold(quote).lower()))


def content_words(text: str) -> list[str]:
    """Folded syllables of ``text`` without the common ones and numbers."""
    return [w for w in _WORD.findall(fold(text).lower()) if w not in _COMMON and not w.isdigit()]


def _content(text: str) -> set[str]:
    """Adjacent syllable pairs: most Vietnamese words are two syllables, and one syllable
    alone ("trung", "hành") says little."""
    words = content_words(text)
    return {f"{a} {b}" for a, b in zip(words, words[1:])}


def match_query(text: str) -> str | None:
    """An FTS5 query: any of the text's content word pairs, as phrases."""
    words = content_words(text)
    pairs = list(dict.fromkeys(f'"{a} {b}"' for a, b in zip(words, words[1:])))[:40]
    return " OR ".join(pairs) or None


def similarity(a: str, b: str) -> float:
    """The share of ``a``'s content word pairs that ``b`` repeats."""
    x, y = _content(a), _content(b)
    return len(x & y) / len(x) if x and y else 0.0


def followup_score(commitment: str, report: str, paragraph: str, names: tuple[str | None, ...]) -> float:
    """How surely a report speaks of a commitment: its content words, plus the speaker or
    their title (or the body) named in the report's paragraph, and words that return to
    earlier promises ("tái chất vấn", "lời hứa")."""
    score = similarity(commitment, report)
    folded = fold(paragraph).lower()
    for name in names:
        if name and fold(name).lower() in folded:
            score += 0.15
    if cue_regex("followup_frame").search(paragraph):
        score += 0.1
    return score
