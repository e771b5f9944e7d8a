"""Tokens per second of ``pipeline.document`` beside underthesea's ``ner`` on the same
sentences, in the same process, and the ratio (target: ≥ 5×). Also the ratio of
``hdnd process`` with two workers to one, and peak RSS.

Run: python benchmarks/analyze_speed.py [--docs 200] [--rss-articles 10000] [--whole 200] [--steps 200] [--startup]

``--whole N`` times whole processes on the first N real texts of
``../shared/gold/dev/news.jsonl``: ``hdnd analyze`` (the full pipeline, trained classifier
included), the same with ``--workers 2``, and a Python process running underthesea's
``ner`` over the same lines (it has no workers), each started fresh (imports and model
loading included), and prints the ratios, in wall time and in CPU seconds (on a shared
machine the wall time measures the neighbours too).

``--steps N`` prints the CPU seconds of each pipeline step (normalisation and segmentation
first) on the first N of those texts, in one process with the models loaded.

``--startup`` prints the CPU seconds of each stage of a fresh process's start-up, before
its first document's own work: importing spaCy, importing the pipeline's modules, building
the pipeline, loading the word segmenter, and the rest of the first (one-sentence) document
(lexicons, matchers, the classifier).

``--rss-articles N`` processes N synthetic articles with two workers in a fresh corpus
and prints the peak RSS of this process and of the largest worker (target: under 1 GB).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "tests"))

from conftest import SHARED, article_text  # noqa: E402

from pipeline.document import analyze  # noqa: E402

DEV = SHARED / "gold" / "dev" / "news.jsonl"


def texts(docs: int) -> tuple[list[str], list[str]]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))] if SHARED.is_dir() else []
    return seeds, [article_text(i, paragraphs=8) for i in range(docs)]


def tokens_per_second(batch: list[str]) -> tuple[float, float, int]:
    from underthesea import ner, word_tokenize

    tokens = sum(len(word_tokenize(t)) for t in batch)
    analyze(batch[0])
    start = time.perf_counter()
    for text in batch:
        analyze(text)
    ours = tokens / (time.perf_counter() - start)
    lines = [line for text in batch for line in text.splitlines() if line.strip()]
    start = time.perf_counter()
    for line in lines:
        ner(line)
    theirs = tokens / (time.perf_counter() - start)
    return ours, theirs, tokens


def process_ratio(batch: list[str]) -> float:
    from corpus.db import connect
    from corpus.ingest import import_paths
    from corpus.process import process_corpus

    times = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        for i, text in enumerate(batch):
            (folder / f"{i}.txt").write_text(text, encoding="utf-8")
        for workers in (1, 2):
            db = connect(Path(tmp) / f"w{workers}.db")
            import_paths(db, [folder])
            start = time.perf_counter()
            process_corpus(db, workers=workers)
            times.append(time.perf_counter() - start)
    return times[0] / times[1]


def process_rss(count: int) -> None:
    from corpus.db import connect
    from corpus.ingest import import_paths
    from corpus.process import process_corpus

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        for i in range(count):
            (folder / f"{i}.txt").write_text(article_text(i, paragraphs=8), encoding="utf-8")
        db = connect(Path(tmp) / "rss.db")
        import_paths(db, [folder])
        start = time.perf_counter()
        summary = process_corpus(db, workers=2)
        elapsed = time.perf_counter() - start
    print(f"process --workers 2 on {count:,} articles: {elapsed:,.0f} s; {summary.line()}")
    print(f"peak RSS: this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB, "
          f"largest worker {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:,.0f} MB")


_NER_SCRIPT = """
import json, sys
from underthesea import ner
for line in sys.stdin:
    for paragraph in json.loads(line)["text"].splitlines():
        if paragraph.strip():
            ner(paragraph)
"""


def whole_processes(count: int) -> None:
    """Wall time of ``hdnd analyze`` and of underthesea ``ner`` as whole processes."""
    import subprocess

    docs = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()[:count]]
    payload = "".join(json.dumps({"doc": d["doc"], "text": d["text"], "published": d["published"]},
                                 ensure_ascii=False) + "\n" for d in docs)
    times, cpu = {}, {}
    load = os.getloadavg()[0]
    for label, command in (("hdnd analyze", [sys.executable, "-m", "corpus", "analyze"]),
                           ("hdnd analyze --workers 2", [sys.executable, "-m", "corpus", "analyze", "--workers", "2"]),
                           ("underthesea ner", [sys.executable, "-c", _NER_SCRIPT])):
        start, used = time.perf_counter(), _children_cpu()
        subprocess.run(command, input=payload, text=True, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times[label], cpu[label] = time.perf_counter() - start, _children_cpu() - used
    chars = sum(len(d["text"]) for d in docs)
    ner = times["underthesea ner"]
    print(f"whole processes on {len(docs)} real texts ({chars:,} characters): underthesea ner {ner:.1f} s (one process); "
          + "; ".join(f"{label} {times[label]:.1f} s, ratio {ner / times[label]:.1f}×"
                      for label in ("hdnd analyze", "hdnd analyze --workers 2")))
    # On a shared machine wall time measures the neighbours too; CPU seconds much less so.
    print(f"CPU seconds (load average {load:.1f} before, {os.getloadavg()[0]:.1f} after): underthesea ner "
          f"{cpu['underthesea ner']:.1f} s; hdnd analyze {cpu['hdnd analyze']:.1f} s, ratio "
          f"{cpu['underthesea ner'] / cpu['hdnd analyze']:.1f}×; --workers 2 {cpu['hdnd analyze --workers 2']:.1f} s in all")


def _children_cpu() -> float:
    """User and system CPU seconds of the finished child processes (and theirs) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def step_costs(count: int) -> None:
    """CPU seconds of each step of the pipeline on the first ``count`` real dev texts, in this
    process with the models loaded: where the time of ``hdnd analyze`` goes, start-up aside."""
    from pipeline.document import STEPS, model_choice, nlp, prepare, warm

    warm()
    docs = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()[:count]]
    costs = dict.fromkeys(("normalise and segment", *STEPS), 0.0)
    for item in docs:
        start = time.process_time()
        doc, _ = prepare(item["text"], item["published"], until=STEPS[0])
        costs["normalise and segment"] += time.process_time() - start
        for name, component in nlp(model_choice()).pipeline:
            start = time.process_time()
            doc = component(doc)
            costs[name] += time.process_time() - start
    total = sum(costs.values())
    print(f"CPU seconds per step on {len(docs)} real texts, {total:.2f} s in all: "
          + "; ".join(f"{name} {cost:.2f} ({cost / total:.0%})" for name, cost in sorted(costs.items(), key=lambda kv: -kv[1])))


# Run in a fresh process: the CPU seconds of each start-up stage, as JSON.
_STARTUP = """
import json, time
stages, last = {}, 0.0  # from the process start: the interpreter first
def stage(name):
    global last
    now = time.process_time()
    stages[name], last = round(now - last, 3), now
stage("interpreter")
import spacy
stage("import spacy")
from pipeline import document
stage("import pipeline modules")
document.nlp(document.model_choice())
stage("build the pipeline")
from pipeline.segment import word_segmenter
word_segmenter()
stage("load the word segmenter")
document.warm()
stage("first document (lexicons, matchers, classifier)")
print(json.dumps(stages))
"""


def startup() -> None:
    """CPU seconds of each start-up stage of a fresh process (``_STARTUP``)."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", _STARTUP], cwd=ROOT, capture_output=True, text=True, check=True)
    stages = json.loads(done.stdout)
    print(f"start-up CPU seconds, {sum(stages.values()):.2f} s in all (load average {os.getloadavg()[0]:.1f}): "
          + "; ".join(f"{name} {seconds:.2f}" for name, seconds in stages.items()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--rss-articles", type=int, default=0)
    parser.add_argument("--whole", type=int, default=0, help="Time whole processes on this many real texts.")
    parser.add_argument("--steps", type=int, default=0, help="CPU seconds of each pipeline step on this many real texts.")
    parser.add_argument("--startup", action="store_true", help="CPU seconds of each stage of a fresh process's start-up.")
    args = parser.parse_args()
    if args.startup:
        startup()
        return
    if args.steps:
        step_costs(args.steps)
        return
    if args.rss_articles:
        process_rss(args.rss_articles)
        return
    if args.whole:
        whole_processes(args.whole)
        return
    seeds, synthetic = texts(args.docs)
    real = [json.loads(line)["text"] for line in DEV.read_text(encoding="utf-8").splitlines()[:args.docs]] \
        if DEV.exists() else []
    for label, batch in (("seeds", seeds), (f"real dev texts ×{len(real)}", real), (f"synthetic ×{args.docs}", synthetic)):
        if not batch:
            continue
        ours, theirs, tokens = tokens_per_second(batch)
        print(f"{label}: {tokens} tokens; analyze {ours:,.0f} tokens/s, underthesea ner {theirs:,.0f} tokens/s, "
              f"ratio {ours / theirs:.1f}×")
    print(f"process --workers 2 vs 1 on {args.docs} articles: {process_ratio(synthetic):.2f}×")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB (this process)")


if __name__ == "__main__":
    main()
