"""Helpers the fault tests share: waiting for a child process with its resource usage but
never forever."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import pytest


def wait_measured(process: subprocess.Popen, timeout: float) -> SimpleNamespace:
    """Waits for ``process`` like ``os.wait4`` (the usage returned is that child's own) and
    sets its return code; one still running after ``timeout`` seconds is killed and the test
    fails, so a hung child cannot hold up the suite. ``ru_maxrss`` is the peak of the
    program the child runs (``VmHWM``, read every 50 ms): the kernel's own figure also
    counts the test process the child was forked from, before its exec (620 MB late in a
    whole test run, whatever the child does)."""
    deadline = time.monotonic() + timeout
    peak = 0
    while True:
        peak = max(peak, _high_water_kb(process.pid))
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            fields = {name: getattr(usage, name) for name in dir(usage) if name.startswith("ru_")}
            return SimpleNamespace(**{**fields, "ru_maxrss": peak or usage.ru_maxrss})
        if time.monotonic() > deadline:
            process.kill()
            process.wait()
            pytest.fail(f"{' '.join(map(str, process.args))} was still running after {timeout} s, so it was killed")
        time.sleep(0.05)


def _high_water_kb(pid: int) -> int:
    """The peak resident memory (kB) of the program ``pid`` runs now, 0 when unreadable."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return int(found.group(1)) if found else 0
