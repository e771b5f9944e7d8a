"""Fill offsets and validate hand annotations in the gold format (``../shared/gold/FORMAT.md``).

Annotators write each item's ``quote`` (copied from ``text``); this fills ``start``/``end``
from it, so offsets are never typed by hand, and refuses a file whose quotes are not in
the text, whose fields are off, or whose documents repeat a URL or text already annotated.

    python scripts/gold_tool.py fill models/training/batch-01.jsonl     # rewrite with offsets
    python scripts/gold_tool.py check models/training/*.jsonl           # validate, exit 1 on error

An item may carry ``"occurrence": N`` (1-based) when its quote occurs more than once; the
Nth occurrence is used (default: the first one not already taken by an item of the same list).
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

SPAN_LISTS = ("commitments", "demands", "negatives", "index_values", "legal_refs")
INDEX_CODES = {"PAR_INDEX", "SIPAS", "PAPI", "PCI", "DTI", "ICT_INDEX", "PGI"}
WHY = {"agenda", "past_result", "forecast", "ranking", "praise", "question", "other"}
DEADLINE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-\d{2})?|-Q[1-4])?$")
SHARED_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "gold" / "dev" / "news.jsonl"


def _occurrences(text: str, quote: str) -> list[int]:
    found, i = [], text.find(quote)
    while i >= 0:
        found.append(i)
        i = text.find(quote, i + 1)
    return found


def fill(doc: dict) -> list[str]:
    """Set start/end of every span item from its quote; return the problems found."""
    problems = []
    text = doc["text"] = unicodedata.normalize("NFC", doc["text"])
    for key in SPAN_LISTS:
        taken: set[int] = set()
        for item in doc.get(key) or []:
            quote = item.get("quote")
            if not quote:
                if key == "legal_refs":
                    continue
                problems.append(f"{key}: item without quote")
                continue
            quote = item["quote"] = unicodedata.normalize("NFC", quote)
            starts = _occurrences(text, quote)
            if not starts:
                problems.append(f"{key}: quote not in text: {quote[:60]!r}")
                continue
            n = item.pop("occurrence", None)
            if n is not None:
                start = starts[min(int(n), len(starts)) - 1]
            elif "start" in item and text[item["start"]:item.get("end", -1)] == quote:
                start = item["start"]
            else:
                start = next((s for s in starts if s not in taken), starts[0])
            taken.add(start)
            item["start"], item["end"] = start, start + len(quote)
    return problems


def check(doc: dict) -> list[str]:
    """Problems with one annotated document (empty when it is well formed)."""
    problems = []
    for field in ("doc", "source", "text"):
        if not doc.get(field):
            problems.append(f"missing {field}")
    text = doc.get("text", "")
    for key in SPAN_LISTS:
        for item in doc.get(key) or []:
            if item.get("quote") is None:
                continue
            if text[item.get("start", 0):item.get("end", 0)] != item["quote"]:
                problems.append(f"{key}: quote != text[start:end]: {item['quote'][:60]!r}")
    for key in ("commitments", "demands"):
        for item in doc.get(key) or []:
            if not (item.get("speaker") or item.get("speaker_title")):
                problems.append(f"{key}: neither speaker nor speaker_title: {item['quote'][:50]!r}")
            if item.get("deadline") and not DEADLINE.match(str(item["deadline"])):
                problems.append(f"{key}: deadline {item['deadline']!r} not YYYY[-MM[-DD]|-Qn]")
    for item in doc.get("negatives") or []:
        if item.get("why") not in WHY:
            problems.append(f"negatives: why {item.get('why')!r} not one of {sorted(WHY)}")
    for item in doc.get("index_values") or []:
        code = item.get("index", "")
        if code not in INDEX_CODES and not code.startswith("OTHER:"):
            problems.append(f"index_values: index {code!r}")
    if doc.get("published") and not re.match(r"^\d{4}-\d{2}-\d{2}$", doc["published"]):
        problems.append(f"published {doc['published']!r} not YYYY-MM-DD")
    return problems


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", unicodedata.normalize("NFC", text).lower())[:200]


SHINGLE_WORDS = 12
MAX_SHARED_SHINGLES = 15  # about a 26-word passage: more is a copy of the shared text, not a shared phrase


def _shingles(text: str) -> set[str]:
    words = re.findall(r"\w+", unicodedata.normalize("NFC", text).lower())
    return {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("fill", "check"):
        print(__doc__)
        return 2
    command, paths = argv[0], [Path(p) for p in argv[1:]]
    seen_url: dict[str, str] = {}
    seen_text: dict[str, str] = {}
    shared: set[str] = set()   # passages of ../shared, which must not be copied into our data
    if SHARED_DEV.exists():
        for line in SHARED_DEV.open(encoding="utf-8"):
            d = json.loads(line)
            seen_url[d["source"]] = d["doc"]
            seen_text[_key(d["text"])] = d["doc"]
            shared |= _shingles(d["text"])
        for seed in (SHARED_DEV.parents[2] / "seeds").glob("*"):
            shared |= _shingles(seed.read_text(encoding="utf-8"))
    bad = 0
    for path in paths:
        docs = []
        for n, line in enumerate(path.open(encoding="utf-8"), 1):
            if not line.strip():
                continue
            try:
                doc = json.loads(line)
            except json.JSONDecodeError as err:
                print(f"{path}:{n}: not JSON ({err})")
                bad += 1
                continue
            problems = fill(doc) if command == "fill" else []
            problems += check(doc)
            for other, seen, key in ((seen_url, seen_url, doc.get("source")),
                                     (seen_text, seen_text, _key(doc.get("text", "")))):
                if key in seen and seen[key] != doc.get("doc"):
                    problems.append(f"same {'URL' if other is seen_url else 'text'} as {seen[key]}")
                seen[key] = doc.get("doc")
            if path.resolve() != SHARED_DEV and len(_shingles(doc.get("text", "")) & shared) >= MAX_SHARED_SHINGLES:
                problems.append("repeats a passage of ../shared (a syndicated copy): drop it")
            for p in problems:
                print(f"{path}:{n} {doc.get('doc')}: {p}")
            bad += bool(problems)
            docs.append(doc)
        if command == "fill":
            with path.open("w", encoding="utf-8") as out:
                for doc in docs:
                    out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    print(f"{sum(1 for _ in paths)} file(s), {bad} document(s) with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
