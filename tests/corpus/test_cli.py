"""The command line: every command works, is documented in the README, and fails in one sentence."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from corpus.cli import cli
from corpus.db import connect
from tests.conftest import ROOT, article_text


def test_every_command_is_documented_with_an_example(runner):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert f"### `hdnd {name}" in readme, f"hdnd {name} has no section in README.md"
        help_text = runner.invoke(cli, [name, "--help"]).output
        assert "Example" in help_text and f"hdnd {name}" in help_text


def test_readme_starts_with_the_two_commands():
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    assert "pip install" in blocks[0] and "hdnd import" in blocks[0]
    assert "pip install" in blocks[1] and "pytest" in blocks[1]
    assert "pytest" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_python_dash_m_runs_the_cli():
    done = subprocess.run([sys.executable, "-m", "corpus", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and "import" in done.stdout and "search" in done.stdout


@pytest.fixture
def corpus_dir(tmp_path, runner):
    (tmp_path / "in").mkdir()
    for n in range(3):
        (tmp_path / "in" / f"{n}.txt").write_text(article_text(n), encoding="utf-8")
    return tmp_path


def test_import_search_export_stats(corpus_dir, runner):
    db = str(corpus_dir / "c.db")
    result = runner.invoke(cli, ["import", str(corpus_dir / "in"), "--db", db])
    assert result.exit_code == 0 and "3 new" in result.output
    again = runner.invoke(cli, ["import", str(corpus_dir / "in"), "--db", db])
    assert "0 new" in again.output and "3 unchanged" in again.output

    hits = json.loads(runner.invoke(cli, ["search", "hoi dong nhan dan tinh", "--db", db, "--format", "json"]).output)
    assert len(hits) == 3 and all("**" in h["snippet"] for h in hits)
    table = runner.invoke(cli, ["search", "Kỳ họp thứ 2", "--db", db])
    assert table.exit_code == 0 and "1. Kỳ họp thứ 2" in table.output
    csv_out = runner.invoke(cli, ["search", "ky hop", "--db", db, "--format", "csv"]).output
    assert csv_out.splitlines()[0] == "\ufeffid,title,published,source,url,score,snippet"

    out = corpus_dir / "a.csv"
    exported = runner.invoke(cli, ["export", "--table", "articles", "--format", "csv", "--out", str(out), "--db", db])
    assert exported.exit_code == 0 and "Wrote 3 rows" in exported.output

    stats = runner.invoke(cli, ["stats", "--db", db])
    assert "3 articles, 0 processed, 3 not yet." in stats.output and "import" in stats.output
    data = json.loads(runner.invoke(cli, ["stats", "--db", db, "--format", "json"]).output)
    assert data["by_source_month"] == [{"source": "local files", "month": "undated", "articles": 3, "processed": 0}]


def test_failed_file_sets_exit_code_and_keeps_the_rest(corpus_dir, runner):
    (corpus_dir / "in" / "empty.html").write_bytes(b"")
    db = str(corpus_dir / "c.db")
    result = runner.invoke(cli, ["import", str(corpus_dir / "in"), str(corpus_dir / "missing.txt"), "--db", db])
    assert result.exit_code == 1
    assert "3 new" in result.output and "2 failed" in result.output
    assert "empty.html: the file is empty" in result.output
    assert "missing.txt: no such file or folder" in result.output


@pytest.mark.parametrize("args, message", [
    (["search", "x" * 5000], "the limit is 1,000"),
    (["search", "()"], "no letters or digits"),
    (["export", "--table", "nope", "--format", "csv", "--out", "x.csv"], "no table 'nope'"),
    (["search", "dân", "--since", "05/07/2023"], "not a date of the form YYYY-MM-DD"),
])
def test_bad_requests_get_one_sentence_and_exit_2(tmp_path, runner, args, message):
    connect(tmp_path / "c.db").conn.close()  # reading commands refuse a missing corpus before anything else
    result = runner.invoke(cli, args + ["--db", str(tmp_path / "c.db")])
    assert result.exit_code == 2 and message in result.output


def test_db_that_is_a_folder(tmp_path, runner):
    result = runner.invoke(cli, ["stats", "--db", str(tmp_path)])
    assert result.exit_code == 2 and "is a directory" in result.output
