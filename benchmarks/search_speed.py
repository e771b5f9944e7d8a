"""Search latency at a large corpus size: p50/p95 of ``corpus.search.search`` for 20 query
shapes, beside two baselines measured in the same run on the same file.

Run: python benchmarks/search_speed.py [--size 1000000] [--runs 7] [--cache build/search_speed]

The corpus is built once into the cache folder (reused while its size matches): real
paragraphs of ``../shared/gold/dev/news.jsonl`` and ``models/training/*.jsonl``, shuffled and
recombined into articles with new addresses, dates and sources, so no two articles are the
same text. Rows are written in bulk with plain SQL into a file made by hdnd's migrations,
so its triggers fill the search index; the folded copies are folded once per paragraph.

"ours" is ``search`` as hdnd runs it: a query matching more than RANK_AT_MOST articles comes
most recently added first ("order" says "added"), any other best first ("best"). Baselines:
"ranked" is ``search(..., ranked=True)``, every query ranked by relevance (all hdnd did
before); "joined" is the query hdnd ran before the ranking moved into the index (every match
joined to its article and tie-broken before the top 20 are cut); "floor" is a bare
``MATCH … ORDER BY rank LIMIT 20`` on the same expression, with no join or snippet: at a
million articles bm25 alone costs seconds for a common phrase, since it counts every article
holding each phrase. "same top 20" compares "ranked" with "joined" (and "ours" with them
where ours ranks).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.db import connect  # noqa: E402
from corpus.search import RANK_AT_MOST, fts_query, parse_query, search  # noqa: E402
from pipeline import fold  # noqa: E402

SHARED = ROOT.parent / "shared"
SOURCES = 40
BATCH = 5000

# (name, query, since, until): common and rare terms, with and without marks, phrases,
# AND/OR, prefixes, abbreviations and a date filter.
SHAPES = [
    ("common, marks", "Hội đồng", None, None),
    ("common, folded", "hoi dong", None, None),
    ("common word, marks", "đại biểu", None, None),
    ("common word, folded", "dai bieu", None, None),
    ("rare, marks", "hỏa táng", None, None),
    ("rare, folded", "hoa tang", None, None),
    ("phrase, marks", "Hội đồng nhân dân", None, None),
    ("phrase, folded", "hoi dong nhan dan", None, None),
    ("quoted phrase", '"kỳ họp thứ"', None, None),
    ("AND, marks", "ngân sách AND đầu tư", None, None),
    ("AND, folded", "ngan sach AND dau tu", None, None),
    ("AND of three", "cử tri AND kiến nghị AND giao thông", None, None),
    ("OR, marks", "chất vấn OR tiếp xúc cử tri", None, None),
    ("OR, folded", "chat van OR tiep xuc cu tri", None, None),
    ("prefix, marks", "kiến ngh*", None, None),
    ("prefix, folded", "ngh*", None, None),
    ("abbreviation", "HĐND", None, None),
    ("rare AND common", "hỏa táng AND thành phố", None, None),
    ("date filter, common", "thành phố", "2020-01-01", "2020-12-31"),
    ("date filter, folded", "cu tri", "2023-03-01", "2023-06-30"),
]


def paragraphs() -> list[tuple[str, str]]:
    """Each distinct paragraph of the real texts (at least 40 characters) and its fold."""
    files = [SHARED / "gold" / "dev" / "news.jsonl", *sorted((ROOT / "models" / "training").glob("*.jsonl"))]
    seen: dict[str, str] = {}
    for path in files:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(line).get("text") or ""
            for para in text.split("\n"):
                para = para.strip()
                if len(para) >= 40 and para not in seen:
                    seen[para] = fold(para)
    return sorted(seen.items())


def build(path: Path, size: int) -> float:
    """Write ``size`` articles into a new corpus at ``path``; the seconds it took."""
    start = time.perf_counter()
    paras = paragraphs()
    titles = [p for p in paras if len(p[0]) <= 160] or paras
    rng = random.Random(20)
    db = connect(path)
    conn = db.conn
    conn.execute("PRAGMA synchronous = OFF")
    conn.executemany("INSERT INTO sources (id, domain, name) VALUES (?, ?, ?)",
                     [(i + 1, f"bao{i + 1}.example.vn", f"Báo {i + 1}") for i in range(SOURCES)])
    sql = """INSERT INTO articles (id, url, source_id, title, published, text, content_hash, kind, imported_at,
                                   title_folded, text_folded) VALUES (?, ?, ?, ?, ?, ?, ?, 'article', ?, ?, ?)"""
    for first in range(0, size, BATCH):
        rows = []
        for i in range(first + 1, min(size, first + BATCH) + 1):
            title, title_folded = rng.choice(titles)
            body = rng.sample(paras, rng.randint(4, 10))
            text = "\n".join(p for p, _ in body)
            day = f"{rng.randint(2012, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            rows.append((i, f"https://bao{i % SOURCES + 1}.example.vn/bai-{i}.html", i % SOURCES + 1, title,
                         f"{day}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+07:00", text,
                         hashlib.sha1(text.encode()).hexdigest(), "2026-01-01T00:00:00+00:00", title_folded,
                         "\n".join(f for _, f in body)))
        conn.execute("BEGIN")
        conn.executemany(sql, rows)
        conn.execute("COMMIT")
        if first and first % (BATCH * 20) == 0:
            print(f"  {first:,} articles, {time.perf_counter() - start:.0f} s", flush=True)
    conn.execute("PRAGMA optimize")
    conn.close()
    return time.perf_counter() - start


def corpus(cache: Path, size: int) -> Path:
    """The cached corpus of ``size`` articles, built first if it is missing or of another size."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"search-{size}.db"
    done = cache / f"search-{size}.built"
    if not done.exists():
        for stale in cache.glob(f"search-{size}.db*"):
            stale.unlink()
        seconds = build(path, size)
        done.write_text(f"{seconds:.1f}\n")
        print(f"built {size:,} articles in {seconds:.0f} s ({size / seconds:,.0f} articles/s), "
              f"{path.stat().st_size / 2**30:.2f} GiB")
    else:
        print(f"reusing {path} ({size:,} articles, built in {float(done.read_text()):.0f} s)")
    return path


def joined(db, query: str, since: str | None, until: str | None) -> list[int]:
    """The top 20 ids as hdnd ranked them before: every match joined, then ordered."""
    where, params = ["articles_fts MATCH :q"], {"q": fts_query(parse_query(query))}
    if since:
        where.append("substr(a.published, 1, 10) >= :since")
        params["since"] = since
    if until:
        where.append("substr(a.published, 1, 10) <= :until")
        params["until"] = until
    sql = f"""SELECT a.id, bm25(articles_fts, 5.0, 1.0, 5.0, 1.0) AS score
              FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid LEFT JOIN sources s ON s.id = a.source_id
              WHERE {' AND '.join(where)} ORDER BY score, a.published DESC, a.id LIMIT 20"""
    return [row[0] for row in db.conn.execute(sql, params)]


def floor(db, query: str, since: str | None, until: str | None) -> list[int]:
    """A bare ranked MATCH, no join, no filter, no snippet: what the index alone costs."""
    sql = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT 20"
    return [row[0] for row in db.conn.execute(sql, [fts_query(parse_query(query))])]


def ours(db, query: str, since: str | None, until: str | None) -> list[int]:
    return [hit["id"] for hit in search(db, query, since=since, until=until)]


def ranked(db, query: str, since: str | None, until: str | None) -> list[int]:
    return [hit["id"] for hit in search(db, query, since=since, until=until, ranked=True)]


def timings(fn, db, shape, runs: int) -> tuple[float, float, list[int]]:
    """p50 and p95 in ms of ``runs`` calls after one warm-up call, and the ids it returned."""
    _, query, since, until = shape
    ids = fn(db, query, since, until)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(db, query, since, until)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], ids


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "search_speed")
    args = parser.parse_args(argv)
    path = corpus(args.cache, args.size)
    db = connect(path)
    print(f"{'shape':<22} {'hits':>8} {'order':>5} {'ours p50/p95 ms':>17} {'ranked p50/p95':>16} "
          f"{'joined p50/p95':>16} {'floor p50/p95':>15} {'same top 20':>11}")
    p95s: dict[str, list[float]] = {"ours": [], "ranked": [], "joined": []}
    for shape in SHAPES:
        hits = db.conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
                               [fts_query(parse_query(shape[1]))]).fetchone()[0]
        order = "added" if hits > RANK_AT_MOST else "best"
        o50, o95, o_ids = timings(ours, db, shape, args.runs)
        r50, r95, r_ids = timings(ranked, db, shape, args.runs)
        j50, j95, j_ids = timings(joined, db, shape, args.runs)
        f50, f95, _ = timings(floor, db, shape, args.runs)
        for name, p95 in (("ours", o95), ("ranked", r95), ("joined", j95)):
            p95s[name].append(p95)
        same = r_ids == j_ids and (order == "added" or o_ids == j_ids)
        print(f"{shape[0]:<22} {hits:>8,} {order:>5} {o50:>8.1f}/{o95:<8.1f} {r50:>7.1f}/{r95:<8.1f} "
              f"{j50:>7.1f}/{j95:<8.1f} {f50:>6.1f}/{f95:<8.1f} {'yes' if same else 'NO':>11}")
    worst = {name: max(values) for name, values in p95s.items()}
    print(f"worst p95: ours {worst['ours']:.1f} ms, ranked {worst['ranked']:.1f} ms, joined {worst['joined']:.1f} ms; "
          "median of p95s: " + ", ".join(f"{name} {statistics.median(values):.1f} ms" for name, values in p95s.items()))


if __name__ == "__main__":
    main()
