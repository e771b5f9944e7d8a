"""Command-line leftovers of issue 19, run as a user runs hdnd on a copy of the web corpus:
hdnd serve starts without spaCy or underthesea, a correction is signed with --by, search
--in pages with --offset, and Parquet holds times and days as such."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from corpus.commitments import corrections
from corpus.db import connect
from tests.conftest import ROOT
from tests.corpus.conftest import _answers, free_port, get

HEAVY = ("spacy", "underthesea")


def hdnd(*args: str, code: int = 0) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "corpus", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == code, done.stderr
    return done


@pytest.fixture
def corpus(web_corpus, tmp_path):
    """A copy of the web corpus this test may write to."""
    path = tmp_path / "hdnd.db"
    with sqlite3.connect(web_corpus) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    return path


def test_serve_imports_neither_spacy_nor_underthesea(corpus, tmp_path):
    """Started and asked for its pages (search, a promise, a feed), the server never loads
    the NLP libraries: only analyze, process and train need them."""
    promise = sqlite3.connect(corpus).execute("SELECT MIN(id) FROM commitments").fetchone()[0]
    port, log = free_port(), tmp_path / "importtime.log"
    with log.open("w") as err:
        server = subprocess.Popen([sys.executable, "-X", "importtime", "-m", "corpus", "serve", "--db", str(corpus),
                                   "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 30
        while not _answers(port):
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()[-2000:]
            time.sleep(0.2)
        for path in ("/-/search?q=h%E1%BB%99i+%C4%91%E1%BB%93ng", "/-/search.json?q=chat+van", f"/-/promise/{promise}",
                     "/-/search.atom?q=bac+giang", "/-/promises.atom"):
            assert get(f"http://127.0.0.1:{port}{path}")[0] == 200, path
    finally:
        server.terminate()
        server.wait(timeout=20)
    modules = {line.rsplit("|", 1)[1].strip() for line in log.read_text().splitlines() if line.startswith("import time:")}
    assert "corpus.serve" in modules and "uvicorn" in modules, "the importtime report was not read"
    assert not sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_a_correction_is_signed_by_who_made_it(corpus):
    first, second = [r[0] for r in sqlite3.connect(corpus).execute("SELECT id FROM commitments ORDER BY id LIMIT 2")]
    done = hdnd("promise", str(first), "--reject", "not_a_promise", "--by", "Lan Anh", "--note", "lịch họp",
                "--db", str(corpus))
    assert done.stdout.startswith("Recorded correction")
    hdnd("promise", str(second), "--reject", "wrong_deadline", "--deadline", "2025-Q4", "--db", str(corpus))
    with sqlite3.connect(corpus) as conn:
        actors = dict(conn.execute("SELECT commitment_id, actor FROM commitment_events WHERE kind = 'correction'"))
    assert actors == {first: "Lan Anh", second: "person"}  # --by is optional for a correction
    # hdnd train --from-db still reads both: the rejection as a negative, the deadline as corrected.
    docs = corrections(connect(corpus))
    assert any(n["why"] == "other" for d in docs for n in d["negatives"])
    assert "2025-Q4" in [c["deadline"] for d in docs for c in d["commitments"] + d["demands"]]


def test_by_alone_is_refused_in_one_sentence(corpus):
    done = hdnd("promise", "1", "--by", "Lan Anh", "--db", str(corpus), code=2)
    assert done.stderr == "Error: --by, like --note, can only go with --confirm STATUS or --reject REASON.\n"


def test_search_in_a_record_table_pages_with_offset(corpus):
    every = json.loads(hdnd("search", "--in", "persons", "--limit", "100", "--format", "json", "--db", str(corpus)).stdout)
    assert len(every) >= 4
    pages = [json.loads(hdnd("search", "--in", "persons", "--limit", "2", "--offset", str(offset), "--format", "json",
                             "--db", str(corpus)).stdout) for offset in range(0, len(every), 2)]
    assert [row for page in pages for row in page] == every
    assert all(len(page) == 2 for page in pages[:-1])


def test_parquet_holds_times_as_timestamps_and_days_as_dates(corpus, tmp_path):
    for table in ("articles", "promises", "runs"):
        hdnd("export", "--table", table, "--format", "parquet", "--out", str(tmp_path / f"{table}.parquet"),
             "--db", str(corpus))
    articles = pq.read_table(tmp_path / "articles.parquet")
    for column in ("published", "imported_at", "processed_at"):
        assert articles.schema.field(column).type == pa.timestamp("us", tz="UTC"), column
    with sqlite3.connect(corpus) as conn:
        stored = [r[0] for r in conn.execute("SELECT published FROM articles ORDER BY id")]
        made_on = [r[0] for r in conn.execute("SELECT made_on FROM promises ORDER BY id")]
    assert articles.column("published").to_pylist() == [
        datetime.fromisoformat(s).astimezone(timezone.utc) if s else None for s in stored]
    assert pq.read_schema(tmp_path / "runs.parquet").field("started_at").type == pa.timestamp("us", tz="UTC")
    promises = pq.read_table(tmp_path / "promises.parquet")
    assert promises.schema.field("made_on").type == pa.date32()
    assert promises.column("made_on").to_pylist() == [date.fromisoformat(d) if d else None for d in made_on]
    # JSONL keeps the stored text.
    hdnd("export", "--table", "articles", "--format", "jsonl", "--out", str(tmp_path / "a.jsonl"), "--db", str(corpus))
    lines = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["published"] for line in lines] == stored


def test_a_column_with_a_value_that_is_not_a_date_keeps_its_text(corpus, tmp_path):
    with sqlite3.connect(corpus) as conn:
        conn.execute("UPDATE persons SET first_seen = 'đầu năm 2024' WHERE id = (SELECT MIN(id) FROM persons)")
    hdnd("export", "--table", "persons", "--format", "parquet", "--out", str(tmp_path / "p.parquet"), "--db", str(corpus))
    persons = pq.read_table(tmp_path / "p.parquet")
    assert persons.schema.field("first_seen").type == pa.string()
    assert "đầu năm 2024" in persons.column("first_seen").to_pylist()
    assert persons.schema.field("last_seen").type == pa.date32()


def test_the_dataset_card_types_times_and_dates(corpus, tmp_path):
    out = tmp_path / "ds"
    hdnd("export", "--table", "articles", "--table", "promises", "--format", "hf", "--out", str(out), "--db", str(corpus))
    card = (out / "README.md").read_text(encoding="utf-8")
    infos = {i["config_name"]: {f["name"]: f.get("dtype") for f in i["features"]}
             for i in yaml.safe_load(card.split("---\n")[1])["dataset_info"]}
    assert infos["articles"]["published"] == "timestamp[us, tz=UTC]" and infos["promises"]["made_on"] == "date32"
    fields = {f["name"]: f["type"] for r in json.loads((out / "datapackage.json").read_text(encoding="utf-8"))["resources"]
              for f in r["schema"]["fields"]}
    assert fields["published"] == "datetime" and fields["made_on"] == "date"
    shard = next((out / "data" / "articles").glob("train-*.parquet"))
    assert pq.read_schema(shard).field("published").type == pa.timestamp("us", tz="UTC")
