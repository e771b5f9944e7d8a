"""Helpers the fault tests share: waiting for a child process with its resource usage but
never forever."""

from __future__ import annotations

import os
import resource
import subprocess
import time

import pytest


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
