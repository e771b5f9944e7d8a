"""Helpers the fault tests share: a real ``hdnd serve`` on a loopback port, and waiting for a
child process with its resource usage but never forever."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.corpus.conftest import free_port, get


@contextmanager
def serving(db: Path, *args: str) -> Iterator[int]:
    """``hdnd serve`` on a free loopback port, as a user starts it; yields the port. Its
    output goes to a file (a full pipe would block the server), shown if it does not start."""
    port = free_port()
    log = db.parent / f"serve-{port}.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-m", "corpus", "serve", "--db", str(db), "--port", str(port),
                                    *args], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while not _answers(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("hdnd serve did not start: " + log.read_text())
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def _answers(port: int) -> bool:
    try:
        return get(f"http://127.0.0.1:{port}/-/versions.json")[0] == 200
    except OSError:
        return False


def wait_measured(process: subprocess.Popen, timeout: float) -> resource.struct_rusage:
    """Waits for ``process`` like ``os.wait4`` (the usage returned is that child's own, e.g.
    its peak memory) and sets its return code; one still running after ``timeout`` seconds
    is killed and the test fails, so a hung child cannot hold up the suite."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return usage
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            pytest.fail(f"{' '.join(map(str, process.args))} was still running after {timeout} s, so it was killed")
        time.sleep(0.05)
