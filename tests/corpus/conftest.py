"""The web server over the shared web corpus, started once for the server and browser tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.fixture(scope="session")
def server(web_corpus):
    """``hdnd serve`` as a user starts it, on a free loopback port; yields its base URL."""
    port = free_port()
    log = web_corpus.parent / "serve.log"  # a file, not a pipe: a full pipe would block the server
    process = subprocess.Popen([sys.executable, "-m", "corpus", "serve", "--db", str(web_corpus), "--port", str(port)],
                               cwd=ROOT, env=os.environ.copy(), stdout=log.open("w"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if get(base + "/-/versions.json")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("hdnd serve did not start: " + log.read_text())
    yield base
    process.terminate()
    process.wait(timeout=10)


