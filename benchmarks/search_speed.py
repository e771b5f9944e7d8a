"""Search latency at a large corpus size: p50/p95 of ``corpus.search.search`` for 20 query
shapes, beside two baselines measured in the same run on the same file.

Run: python benchmarks/search_speed.py [--size 1000000] [--runs 7] [--cache build/search_speed] [--processed N]

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

With ``--processed N`` (a tenth of the articles unless said), every (size/N)th article gets the
records ``hdnd process`` would store for it, once, written with plain SQL so the triggers fill
the record indexes: the persons, promises (commitments and demands) and index values of one
document of ``../shared/gold/dev/news.jsonl`` in turn (real text, checked by hand). A person's
name gets the number of the round it was copied in, so each round adds new people (the names
stay unique as distinct people's would). A second table then times the web search page's
work for the same shapes (``corpus.lookup.search_everything``: the articles ranked as the page
does, then promises, people and index results) and the record groups alone, found and ranked
in SQL through their per-field indexes ("indexed") beside matching every record in Python
("scanned", all the page did before migration 18), and says whether both match the same
records (their order differs: bm25 against the scan's field weights).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus import lookup  # noqa: E402
from corpus.db import connect  # noqa: E402
from corpus.migrations import MIGRATIONS, current_version, migrate  # noqa: E402
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


def gold_documents() -> list[dict]:
    """The documents of the development gold file that have persons, promises or index values."""
    path = SHARED / "gold" / "dev" / "news.jsonl"
    docs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    return [d for d in docs if d.get("persons") or d.get("commitments") or d.get("demands") or d.get("index_values")]


def add_records(db, size: int, count: int) -> float:
    """Records for ``count`` articles spread over the corpus, one gold document's in turn; the seconds it took."""
    start, docs, conn = time.perf_counter(), gold_documents(), db.conn
    step = max(1, size // count)
    people: dict[str, int] = {}
    conn.execute("BEGIN")
    for n, article in enumerate(range(1, step * count + 1, step)):
        doc, copy = docs[n % len(docs)], n // len(docs)
        day = conn.execute("SELECT substr(published, 1, 10) FROM articles WHERE id = ?", [article]).fetchone()[0]
        for person in doc.get("persons") or []:
            name = f"{person['name']} {copy}"
            if name not in people:
                people[name] = conn.execute("INSERT INTO persons (name, title, first_seen, last_seen) VALUES (?, ?, ?, ?)",
                                            [name, person.get("title"), day, day]).lastrowid
            conn.execute("INSERT INTO mentions (article_id, kind, person_id, name, title, start, \"end\", quote) "
                         "VALUES (?, 'person', ?, ?, ?, 0, 0, '')", [article, people[name], name, person.get("title")])
            if person.get("title"):
                conn.execute("INSERT OR IGNORE INTO person_titles VALUES (?, ?, ?, ?)",
                             [people[name], person["title"], article, day])
        for kind, key in (("commitment", "commitments"), ("demand", "demands")):
            for i, c in enumerate(doc.get(key) or []):
                row = conn.execute("INSERT INTO commitments (kind, fingerprint, quote, speaker, speaker_title, deadline, "
                                   "target, made_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                   [kind, f"{article}-{kind}-{i}", c["quote"], c.get("speaker"), c.get("speaker_title"),
                                    c.get("deadline"), c.get("target"), day, day]).lastrowid
                conn.execute("INSERT INTO commitment_sources (commitment_id, article_id, start, \"end\", quote) "
                             "VALUES (?, ?, ?, ?, ?)", [row, article, c["start"], c["end"], c["quote"]])
        for v in doc.get("index_values") or []:
            conn.execute("INSERT INTO index_values (article_id, \"index\", subindex, entity, year, value, unit, rank, rank_of, "
                         "change, rank_change, start, \"end\", quote) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [article, v["index"], v.get("subindex"), v.get("entity"), v.get("year"), v.get("value"),
                          v.get("unit"), v.get("rank"), v.get("rank_of"), v.get("change"), v.get("rank_change"),
                          v["start"], v["end"], v["quote"]])
        if n % BATCH == BATCH - 1:
            conn.execute("COMMIT")
            conn.execute("BEGIN")
    conn.execute("COMMIT")
    return time.perf_counter() - start


def processed(db, cache: Path, size: int, count: int) -> None:
    """Give the corpus its records once (a marker file remembers), saying how long it took."""
    done = cache / f"search-{size}.processed-{count}"
    if done.exists():
        print(f"reusing the records of {count:,} processed articles (written in {float(done.read_text()):.0f} s)")
        return
    if db.execute("SELECT count(*) FROM commitments").fetchone()[0]:
        sys.exit(f"{cache} holds records of another number of processed articles; remove its search-{size}.* files.")
    if not gold_documents():
        sys.exit(f"{SHARED / 'gold' / 'dev' / 'news.jsonl'} is missing: it gives the records; --processed 0 leaves them out.")
    seconds = add_records(db, size, count)
    done.write_text(f"{seconds:.1f}\n")
    print(f"wrote the records of {count:,} processed articles in {seconds:.0f} s")


def web(db, query: str, since: str | None, until: str | None) -> list:
    found = lookup.search_everything(db, query, filters=lookup.Filters(since=since, until=until))["groups"]
    return [[hit["id"] for hit in group["hits"]] for group in found.values()]


RECORD_GROUPS = ("promises", "people", "index_values")


def indexed(db, query: str, since: str | None, until: str | None, limit: int = 10) -> list:
    """The record groups' first ``limit`` hits through their per-field indexes, ranked in SQL, with their totals."""
    filters = lookup.Filters(since=since, until=until)
    found = [lookup.search_group(db, query, group, filters=filters, limit=limit) for group in RECORD_GROUPS]
    return [({hit["id"] for hit in group["hits"]}, group["total"], group["total_exact"]) for group in found]


def scanned(db, query: str, since: str | None, until: str | None) -> list:
    """The record groups as the page found them before their indexes: every row read and matched
    in Python; every hit's id and how many."""
    filters, parts, found = lookup.Filters(since=since, until=until), parse_query(query), []
    for group in RECORD_GROUPS:
        rows = lookup._filtered(db, group, lookup._read(db, group), filters)
        hits, total = lookup._ranked(rows, group, parts, len(rows))
        found.append(({hit["id"] for hit in hits}, total))
    return found


def same_matches(db, shape, scan: list) -> bool:
    """Whether the indexes find every record the scan matched, and no other: all their hits
    read, and the count as far as it goes."""
    every = indexed(db, *shape[1:], limit=10**9)
    return all(ids == scan_ids and (total == scan_total if exact else scan_total > total)
               for (ids, total, exact), (scan_ids, scan_total) in zip(every, scan))


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
    p50, p95, _, ids = timed(fn, db, shape, runs)
    return p50, p95, ids


def timed(fn, db, shape, runs: int) -> tuple[float, float, float, list[int]]:
    """p50 and p95 in ms of ``runs`` calls after one warm-up call, the p95 of the CPU time they
    took (on a shared machine the wall time also holds the time others' processes ran), and the ids."""
    _, query, since, until = shape
    ids = fn(db, query, since, until)
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn(db, query, since, until)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(times), _p95(times), _p95(cpu), ids


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def opened(path: Path):
    """The corpus at ``path``, migrated first if hdnd has migrations it has not had, saying how
    long they took: a cached corpus of a million articles is one a user could have, and some
    migrations rebuild its search index."""
    db = connect(path, migrate_schema=False)
    if current_version(db) < MIGRATIONS[-1][0]:
        start = time.perf_counter()
        if done := migrate(db):
            print(f"migrated to {done[-1]} (migrations {', '.join(map(str, done))}) in {time.perf_counter() - start:.0f} s")
    return connect(path)


def load() -> str:
    return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "search_speed")
    parser.add_argument("--processed", type=int, help="articles with records (default: a tenth of --size; 0: none)")
    args = parser.parse_args(argv)
    path = corpus(args.cache, args.size)
    db = opened(path)
    print(f"start: {load()}")
    articles(db, args.runs)
    print(f"end of the article search: {load()}")
    count = args.size // 10 if args.processed is None else args.processed
    if count:
        processed(db, args.cache, args.size, count)
        records(db, args.runs)


def records(db, runs: int) -> None:
    """The web search page's times per shape, and its record groups' through their indexes and
    scanned; whether both match the same records (the order differs: bm25 against field weights)."""
    print(f"{'shape':<22} {'web page p50/p95 ms':>20} {'indexed p50/p95':>16} {'scanned p50/p95':>16} {'same matches':>12}")
    p95s: dict[str, list[float]] = {"web page": [], "indexed": [], "scanned": []}
    for shape in SHAPES:
        w50, w95, _ = timings(web, db, shape, runs)
        i50, i95, _ = timings(indexed, db, shape, runs)
        s50, s95, scan = timings(scanned, db, shape, runs)
        for name, p95 in (("web page", w95), ("indexed", i95), ("scanned", s95)):
            p95s[name].append(p95)
        print(f"{shape[0]:<22} {w50:>10.1f}/{w95:<9.1f} {i50:>7.1f}/{i95:<8.1f} {s50:>7.1f}/{s95:<8.1f} "
              f"{'yes' if same_matches(db, shape, scan) else 'NO':>12}")
    print("worst p95: " + ", ".join(f"{name} {max(values):.1f} ms" for name, values in p95s.items()) +
          "; median of p95s: " + ", ".join(f"{name} {statistics.median(values):.1f} ms" for name, values in p95s.items()))


def articles(db, runs: int) -> None:
    """Article search's times per shape: ours, ranked, and the two baselines."""
    print(f"{'shape':<22} {'hits':>8} {'order':>5} {'ours p50/p95 ms':>17} {'CPU p95':>7} {'ranked p50/p95':>16} "
          f"{'joined p50/p95':>16} {'floor p50/p95':>15} {'same top 20':>11}")
    p95s: dict[str, list[float]] = {"ours": [], "ours CPU": [], "ranked": [], "joined": []}
    for shape in SHAPES:
        hits = db.conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
                               [fts_query(parse_query(shape[1]))]).fetchone()[0]
        order = "added" if hits > RANK_AT_MOST else "best"
        o50, o95, o_cpu, o_ids = timed(ours, db, shape, runs)
        r50, r95, r_ids = timings(ranked, db, shape, runs)
        j50, j95, j_ids = timings(joined, db, shape, runs)
        f50, f95, _ = timings(floor, db, shape, runs)
        for name, p95 in (("ours", o95), ("ours CPU", o_cpu), ("ranked", r95), ("joined", j95)):
            p95s[name].append(p95)
        same = r_ids == j_ids and (order == "added" or o_ids == j_ids)
        print(f"{shape[0]:<22} {hits:>8,} {order:>5} {o50:>8.1f}/{o95:<8.1f} {o_cpu:>7.1f} {r50:>7.1f}/{r95:<8.1f} "
              f"{j50:>7.1f}/{j95:<8.1f} {f50:>6.1f}/{f95:<8.1f} {'yes' if same else 'NO':>11}")
    worst = {name: max(values) for name, values in p95s.items()}
    print(f"worst p95: ours {worst['ours']:.1f} ms (CPU {worst['ours CPU']:.1f} ms), ranked {worst['ranked']:.1f} ms, "
          f"joined {worst['joined']:.1f} ms; "
          "median of p95s: " + ", ".join(f"{name} {statistics.median(values):.1f} ms" for name, values in p95s.items()))


if __name__ == "__main__":
    main()
