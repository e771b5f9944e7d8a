"""One output path for the listing commands (--format table|json|jsonl|csv) and hdnd query,
read-only SQL: on a real corpus made by hdnd import and hdnd process."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shlex
import subprocess
import sys

import pytest
from click.testing import CliRunner

from corpus.cli import cli
from tests.conftest import ROOT
from tests.corpus.conftest import processed_transcript

TODAY = "2024-08-01"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A corpus with a transcript processed: a session, questions and promises to list."""
    return processed_transcript(tmp_path_factory.mktemp("output"), TODAY)


def _out(db: str, *args: str) -> bytes:
    """What ``hdnd ARGS --db db`` writes on stdout, as bytes; it must succeed."""
    result = CliRunner().invoke(cli, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def _csv_rows(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV without a BOM"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _as_csv_text(row: dict) -> dict:
    """A JSON row as its CSV cells read back: text, lists of words joined by spaces, None empty."""
    def cell(value):
        if isinstance(value, list) and all(isinstance(v, str) and v and not any(c.isspace() for c in v) for v in value):
            return " ".join(value)
        if isinstance(value, (list, dict)):
            return json.dumps(value, ensure_ascii=False)
        return "" if value is None else str(value)

    return {key: cell(value) for key, value in row.items()}


LISTINGS = [
    ("search", "ngập úng"),
    ("search", "--in", "sessions", "Bắc Giang"),
    ("promises", "--kind", "all", "--today", TODAY),
    ("sessions",),
    ("versions", "1"),
    ("query", "SELECT id, title, kind FROM articles"),
]


@pytest.mark.parametrize("args", LISTINGS, ids=lambda a: " ".join(a[:2]))
def test_json_jsonl_and_csv_hold_the_same_rows(corpus, args):
    rows = json.loads(_out(corpus, *args, "--format", "json"))
    assert isinstance(rows, list)
    lines = _out(corpus, *args, "--format", "jsonl").decode("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == rows
    from_csv = _csv_rows(_out(corpus, *args, "--format", "csv"))
    assert rows and set(from_csv[0]) == set(rows[0])
    assert from_csv == [_as_csv_text(row) for row in rows]


def test_the_corpus_has_rows_for_every_listing(corpus):
    """The test above compares real rows, not empty lists."""
    for args in LISTINGS:
        assert json.loads(_out(corpus, *args, "--format", "json")), args


def test_stats_and_session_keep_one_json_object_and_list_rows_otherwise(corpus):
    stats = json.loads(_out(corpus, "stats", "--format", "json"))
    assert _csv_rows(_out(corpus, "stats", "--format", "csv")) == [_as_csv_text(r) for r in stats["by_source_month"]]
    session = json.loads(_out(corpus, "session", "1", "--today", TODAY, "--format", "json"))
    rows = [json.loads(line) for line in _out(corpus, "session", "1", "--today", TODAY, "--format", "jsonl").splitlines()]
    assert [r for r in rows if r["list"] == "commitments"] == [{"list": "commitments", **c} for c in session["commitments"]]
    assert {r["list"] for r in rows} >= {"questions", "commitments", "articles"}


def test_text_is_still_accepted_as_table(corpus):
    for args in (("sessions",), ("session", "1", "--today", TODAY)):
        assert _out(corpus, *args, "--format", "text") == _out(corpus, *args) == _out(corpus, *args, "--format", "table")
    assert b"promises" in _out(corpus, "sessions", "--format", "text")


def test_sources_lists_in_every_format():
    runner = CliRunner()
    rows = json.loads(runner.invoke(cli, ["sources", "--format", "json"]).stdout_bytes)
    listed = _csv_rows(runner.invoke(cli, ["sources", "--format", "csv"]).stdout_bytes)
    assert [r["key"] for r in listed] == [r["key"] for r in rows] and rows


def test_csv_defuses_formulas_and_keeps_numbers(corpus):
    data = _out(corpus, "query", "SELECT '=HYPERLINK(\"x\")' AS f, '-3' AS n, 'Hà Nội' AS t", "--format", "csv")
    assert _csv_rows(data) == [{"f": "'=HYPERLINK(\"x\")", "n": "-3", "t": "Hà Nội"}]


def test_query_takes_named_parameters_and_prints_a_table(corpus):
    table = _out(corpus, "query", "SELECT :a || ' ' || :b AS greeting", "--param", "a", "xin", "-p", "b", "chào")
    assert table.decode("utf-8").splitlines() == ["greeting", "--------", "xin chào"]


def _sha256(path: str) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


@pytest.mark.parametrize("sql", [
    "INSERT INTO articles (url, title) VALUES ('x', 'y')",
    "DELETE FROM articles",
    "UPDATE articles SET title = 'x'",
    "DROP TABLE articles",
    "ATTACH DATABASE 'other.db' AS other",
    "ATTACH ':memory:' AS m",
    "PRAGMA user_version = 7",
])
def test_query_refuses_what_would_write_and_leaves_the_file_alone(corpus, tmp_path, sql):
    before = _sha256(corpus)
    done = subprocess.run([sys.executable, "-m", "corpus", "query", sql, "--db", corpus], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "Error: hdnd query only reads the corpus, and this statement would change it or attach another file.\n"
    assert _sha256(corpus) == before and not (tmp_path / "other.db").exists()


def test_query_runs_one_statement_within_its_time_limit(corpus):
    runner = CliRunner()
    two = runner.invoke(cli, ["query", "SELECT 1; DELETE FROM articles", "--db", corpus])
    assert two.exit_code == 2 and "one SQL statement at a time" in two.output
    endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    slow = runner.invoke(cli, ["query", endless, "--db", corpus, "--time-limit", "0.2"])
    assert slow.exit_code == 2 and "took longer than 0.2 s" in slow.output
    assert json.loads(_out(corpus, "query", "SELECT count(*) AS n FROM articles", "--format", "json")) == [{"n": 1}]


def test_query_refuses_a_missing_corpus_without_creating_it(tmp_path):
    done = subprocess.run([sys.executable, "-m", "corpus", "query", "SELECT 1", "--db", str(tmp_path / "typo.db")],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and "typo.db does not exist" in done.stderr
    assert not (tmp_path / "typo.db").exists()


def test_the_help_examples_of_query_run(corpus):
    help_text = CliRunner().invoke(cli, ["query", "--help"]).output
    examples = [line.strip() for line in help_text.splitlines() if line.strip().startswith("hdnd query ")]
    assert len(examples) == 2
    for example in examples:
        result = CliRunner().invoke(cli, [*shlex.split(example)[1:], "--db", corpus])
        assert result.exit_code == 0 and result.stdout_bytes, (example, result.output)
