"""Commands that only read the corpus start light and refuse a mistyped --db; serve refuses
a busy port before it says it is serving (issue 19)."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys

import pytest

from corpus.cli import cli
from tests.conftest import ROOT, article_text
from tests.corpus.conftest import free_port

HEAVY = ("spacy", "underthesea")


def _imported(stderr: str) -> set[str]:
    """The modules ``python -X importtime`` reports (its lines end ``| package.module``)."""
    return {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


def _light_commands(db) -> list[list[str]]:
    """Each reading command, with arguments that make it find something in ``db``."""
    with sqlite3.connect(db) as conn:
        session = conn.execute("SELECT MIN(id) FROM sessions").fetchone()[0]
        promise = conn.execute("SELECT MIN(id) FROM commitments").fetchone()[0]
        person = conn.execute("SELECT MIN(person_id) FROM commitments").fetchone()[0]
    assert session and promise and person, "the web corpus should hold a session and a promise by a person"
    return [["--version"], ["--help"], ["search", "cải cách hành chính"], ["search", "cai cach hanh chinh"],
            ["promises", "--kind", "all"], ["stats"], ["sessions"], ["session", str(session)],
            ["promise", str(promise)], ["person", str(person)], ["sources"]]


def test_reading_commands_import_neither_spacy_nor_underthesea(web_corpus):
    for args in _light_commands(web_corpus):
        db = ["--db", str(web_corpus)] if args[0] not in ("--version", "--help", "sources") else []
        done = subprocess.run([sys.executable, "-X", "importtime", "-m", "corpus", *args, *db], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (args, done.stderr[-2000:])
        assert done.stdout.strip(), f"hdnd {' '.join(args)} printed nothing"
        modules = _imported(done.stderr)
        assert "corpus.cli" in modules, "the importtime report was not parsed"
        heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY)
        assert not heavy, f"hdnd {' '.join(args)} imported {heavy[:5]}"


@pytest.mark.parametrize("args", [
    ["search", "x"], ["promises"], ["stats"], ["sessions"], ["session", "1"], ["promise", "1"],
    ["promise", "1", "--confirm", "kept", "--evidence", "https://example.vn/a", "--by", "Lan Anh"],
    ["versions", "1"], ["export", "--table", "articles", "--format", "csv", "--out", "{out}"], ["serve"],
])
def test_reading_commands_refuse_a_missing_database(tmp_path, runner, args):
    typo = tmp_path / "typo.db"
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, [a.format(out=out) for a in args] + ["--db", str(typo)])
    assert result.exit_code == 2, result.output
    assert result.stderr == f"Error: {typo} does not exist; create it with hdnd import or hdnd crawl first.\n"
    assert not typo.exists() and not out.exists()


def test_writing_commands_still_create_the_database(tmp_path, runner):
    text = tmp_path / "bai.txt"
    text.write_text(article_text(1), encoding="utf-8")
    new = tmp_path / "new.db"
    result = runner.invoke(cli, ["import", str(text), "--db", str(new)])
    assert result.exit_code == 0, result.output
    assert sqlite3.connect(new).execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1


def test_serve_on_a_busy_port_says_so_before_serving(web_corpus):
    port = free_port()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        done = subprocess.run([sys.executable, "-m", "corpus", "serve", "--db", str(web_corpus), "--port", str(port)],
                              cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr == (f"Error: port {port} on 127.0.0.1 is already in use (another hdnd serve?); "
                           "choose another with --port.\n")
    assert "Serving" not in done.stdout + done.stderr
