"""hdnd serve: Datasette on 127.0.0.1 over a real corpus, checked over HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from corpus.cli import cli
from tests.conftest import ROOT
from tests.data.transcripts import TRANSCRIPT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from click.testing import CliRunner

    folder = tmp_path_factory.mktemp("serve")
    db_path = folder / "hdnd.db"
    (folder / "bien-ban.txt").write_text(TRANSCRIPT, encoding="utf-8")
    runner = CliRunner()
    for args in (["import", str(folder / "bien-ban.txt")], ["process", "--today", "2025-12-01"]):
        assert runner.invoke(cli, [*args, "--db", str(db_path)]).exit_code == 0
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "corpus", "serve", "--db", str(db_path), "--port", str(port)],
                               cwd=ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if _get(base + "/-/versions.json")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("hdnd serve did not start: " + process.stderr.read().decode())
    yield base
    process.terminate()
    process.wait(timeout=10)


def test_home_explains_the_data_in_vietnamese_and_english(server):
    status, body = _get(server + "/")
    page = body.decode("utf-8")
    assert status == 200 and "lời hứa" in page and "every figure links" in page


def test_promises_facet_on_status_and_speaker(server):
    status, body = _get(server + "/hdnd/commitments.json?_facet=status&_facet=speaker&kind=commitment")
    data = json.loads(body)
    assert status == 200
    statuses = {f["value"]: f["count"] for f in data["facet_results"]["status"]["results"]}
    # Both dated promises fell due before 2025-12-01; "Chúng tôi sẽ công khai …" has no deadline.
    assert statuses == {"overdue": 2, "open": 1}
    speakers = {f["value"] for f in data["facet_results"]["speaker"]["results"]}
    assert speakers == {"Trần Minh Đức", "Ngô Quang Vinh"}


def test_canned_queries_fold_diacritics(server):
    body = _get(server + "/hdnd/promises_by_speaker.json?speaker=ngo+quang+vinh&_shape=array")[1]
    rows = json.loads(body)
    assert [r["quote"][:26] for r in rows] == ["UBND tỉnh cam kết bàn giao"]
    turns = json.loads(_get(server + "/hdnd/said_at_session.json?session_id=1&_shape=array")[1])
    assert [t["role"] for t in turns][:3] == ["chair", "question", "answer"]


def test_read_only_and_limited(server):
    settings = json.loads(_get(server + "/-/settings.json")[1])
    assert settings["sql_time_limit_ms"] == 2000 and settings["allow_download"] is False
    status, body = _get(server + "/hdnd.json?sql=" + urllib.request.quote("DELETE FROM commitments"))
    assert status == 400 and b"Statement must be a SELECT" in body
    assert _get(server + "/hdnd.db")[0] in (403, 404)


def test_a_missing_corpus_is_one_sentence(tmp_path):
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "does not exist" in result.output
