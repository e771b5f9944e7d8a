"""A reader searching while another process imports never sees an error."""

from __future__ import annotations

import subprocess
import sys
import time

from corpus.db import connect
from corpus.search import search
from tests.conftest import ROOT, article_text

DOCUMENTS = 150


def test_search_loop_while_another_process_imports(tmp_path, db_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(DOCUMENTS):
        (folder / f"bai-{n:04d}.txt").write_text(article_text(n), encoding="utf-8")
    connect(db_path).conn.close()  # schema first, so both sides start from a migrated file
    writer = subprocess.Popen(
        [sys.executable, "-m", "corpus", "import", str(folder), "--db", str(db_path)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    reader = connect(db_path)
    searches, seen = 0, set()
    deadline = time.monotonic() + 300
    while writer.poll() is None and time.monotonic() < deadline:
        hits = search(reader, "hoi dong nhan dan tinh", limit=5)  # raises if anything goes wrong
        seen.add(len(hits))
        searches += 1
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert f"{DOCUMENTS} new" in out
    assert searches > 5 and "locked" not in err
    assert reader["articles"].count == DOCUMENTS
    assert len(search(reader, "ky hop thu", limit=1000)) == DOCUMENTS
