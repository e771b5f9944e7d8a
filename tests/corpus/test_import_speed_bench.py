"""The import benchmark at a tiny size, so that it keeps working (its figures mean nothing here)."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT


def test_import_benchmark_runs_both_sides_on_the_same_files(tmp_path):
    command = [sys.executable, "benchmarks/import_speed.py", "--size", "30", "--cache", str(tmp_path)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "30 text files, 30 stored by hdnd import" in done.stdout, done.stdout
    for name in ("hdnd import", "plain SQLite + FTS5"):
        assert re.search(rf"^{re.escape(name)} +[\d,]+ docs/s wall .* [\d,]+ docs/s CPU", done.stdout, re.M), done.stdout
    assert re.search(r"takes \d+\.\d\d× the baseline's wall time, \d+\.\d\d× its CPU time", done.stdout)
    assert len(list((tmp_path / "texts-30").rglob("*.txt"))) == 30
