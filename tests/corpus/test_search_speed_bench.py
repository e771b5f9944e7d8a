"""The search benchmark at a tiny size, so that it keeps working (its figures mean nothing here)."""

from __future__ import annotations

import subprocess
import sys

from benchmarks.search_speed import SHAPES
from tests.conftest import ROOT


def test_search_benchmark_builds_once_and_agrees_with_the_old_ranking(tmp_path):
    command = [sys.executable, "benchmarks/search_speed.py", "--size", "300", "--runs", "1", "--cache", str(tmp_path)]
    first = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "built 300 articles" in first.stdout
    article_table, record_table = first.stdout.split("worst p95", 1)
    rows = {line[:22].strip(): line.split() for line in article_table.splitlines()}
    for name, *_ in SHAPES:
        assert rows[name][-1] == "yes", first.stdout  # the same top 20 as the query it replaced
        assert rows[name][-7] == "best", first.stdout  # 300 articles: every query is ranked
        assert float(rows[name][-5]) > 0, first.stdout  # the CPU time of ours
    assert sum(int(rows[name][-8].replace(",", "")) > 0 for name, *_ in SHAPES) >= 15, first.stdout
    assert "start: load average" in first.stdout and "migrated" not in first.stdout
    assert "wrote the records of 30 processed articles" in record_table
    records = {line[:22].strip(): line.split() for line in record_table.splitlines()}
    for name, *_ in SHAPES:
        assert records[name][-1] == "yes", first.stdout  # the record indexes find what scanning every record found
    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "reusing" in again.stdout and "built 300" not in again.stdout
    assert "reusing the records of 30 processed articles" in again.stdout
