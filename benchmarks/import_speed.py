"""Import speed: documents per second of ``hdnd import`` on a folder of plain-text files,
beside plain SQLite + FTS5 fed the same files with the same normalisation done in bulk,
both measured as whole processes (one thread each) in the same run, wall and CPU time.

Run: python benchmarks/import_speed.py [--size 5000] [--cache build/import_speed]

The files are written once into the cache folder (reused while their number matches): real
paragraphs of ``../shared/gold/dev/news.jsonl`` and ``models/training/*.jsonl``
(``benchmarks.search_speed.paragraphs``), recombined into distinct articles, a title line
first. The baseline reads the same files, normalises and folds each text as hdnd stores it
(``stored_text`` and ``fold``) and writes every row in one transaction into a table with an
FTS5 index over text and folded text: what storing costs without hdnd's per-document
bookkeeping (runs, versions, duplicates, sources, language check, transcript detection).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.search_speed import paragraphs  # noqa: E402


def build(folder: Path, size: int) -> None:
    """Write ``size`` distinct articles of real paragraphs as text files under ``folder``."""
    paras = [p for p, _ in paragraphs()]
    titles = [p for p in paras if len(p) <= 160] or paras
    rng = random.Random(20)
    for i in range(size):
        body = rng.sample(paras, rng.randint(4, 10))
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"bai-{i:07d}.txt").write_text(rng.choice(titles) + "\n" + "\n".join(body) + "\n", encoding="utf-8")


def files(cache: Path, size: int) -> Path:
    """The cached folder of ``size`` text files, written first if missing or of another size."""
    folder = cache / f"texts-{size}"
    done = cache / f"texts-{size}.built"
    if not done.exists():
        if folder.exists():
            for path in sorted(folder.rglob("*.txt")):
                path.unlink()
        build(folder, size)
        done.write_text("ok\n")
    return folder


def baseline(folder: Path, db_path: Path) -> None:
    """Plain SQLite + FTS5: every file read, normalised and folded, stored in one transaction."""
    from corpus.store import stored_text
    from pipeline import fold

    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, url TEXT UNIQUE, title TEXT, text TEXT, "
                 "text_folded TEXT, content_hash TEXT)")
    conn.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, text_folded, content='articles', "
                 "content_rowid='id', tokenize='unicode61 remove_diacritics 0')")
    rows = []
    for path in sorted(folder.rglob("*.txt")):
        text = stored_text(path.read_text(encoding="utf-8"))
        rows.append((path.as_uri(), text.split("\n", 1)[0], text, fold(text), hashlib.sha256(text.encode()).hexdigest()))
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO articles (url, title, text, text_folded, content_hash) VALUES (?, ?, ?, ?, ?)", rows)
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    conn.execute("COMMIT")
    conn.close()


def timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one whole process (it runs on one core: a single thread). CPU
    seconds are the figure to compare on a machine that other work keeps busy."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return seconds, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "import_speed")
    parser.add_argument("--baseline", nargs=2, type=Path, metavar=("FOLDER", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.baseline:
        baseline(*args.baseline)
        return
    args.cache.mkdir(parents=True, exist_ok=True)
    folder = files(args.cache, args.size)
    with tempfile.TemporaryDirectory(dir=args.cache) as work:
        ours = timed([sys.executable, "-m", "corpus", "import", "--db", str(Path(work) / "hdnd.db"), str(folder)])
        plain = timed([sys.executable, __file__, "--baseline", str(folder), str(Path(work) / "plain.db")])
        stored = sqlite3.connect(Path(work) / "hdnd.db").execute("SELECT count(*) FROM articles").fetchone()[0]
    print(f"{args.size:,} text files, {stored:,} stored by hdnd import")
    for name, (wall, cpu) in (("hdnd import", ours), ("plain SQLite + FTS5", plain)):
        print(f"{name:<20} {args.size / wall:>7,.0f} docs/s wall ({wall:.1f} s)  "
              f"{args.size / cpu:>7,.0f} docs/s CPU ({cpu:.1f} s)")
    print(f"hdnd import takes {ours[0] / plain[0]:.2f}× the baseline's wall time, {ours[1] / plain[1]:.2f}× its CPU time")


if __name__ == "__main__":
    main()
