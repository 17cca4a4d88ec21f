"""tests_s (informational): the whole test suite, as `make test` runs it."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from .benchlib import ROOT, out
from .goals import Outcome


def measure() -> Outcome:
    out("== tests_s: python -m pytest -q -p no:cacheprovider (in the real repository)")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    t0 = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=1800)
        code, text = proc.returncode, proc.stdout + proc.stderr
    except subprocess.TimeoutExpired as err:
        code, text = "timeout", str(err)
    dt = time.perf_counter() - t0
    last = ([ln for ln in text.splitlines() if ln.strip()][-1:] or ["?"])[0]
    out(f"  pytest {dt:.1f} s, exit {code}: {last}")
    if code != 0:
        for ln in text.splitlines()[-15:]:
            out(f"    {ln}")
    return Outcome(dt, {"seconds": dt, "exit": code, "passed": code == 0, "summary": last},
                   note="" if code == 0 else "pytest FAILED")
