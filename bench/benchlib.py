"""Shared helpers of the benchmarks: printing, timing, and `properdocs build` on a copy of the
repository. The copy itself and `properdocs serve` on it come from nn7_dev.repo, Chromium from
nn7_dev.chromium (the helpers the tests use too)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def out(line: str = "") -> None:
    print(line, flush=True)


def timed(fn, *args, **kw):
    t0 = time.perf_counter()
    result = fn(*args, **kw)
    return time.perf_counter() - t0, result


def max_diff(a_arrays, b_arrays) -> float:
    return max(float(np.max(np.abs(np.asarray(a, float) - np.asarray(b, float)))) for a, b in zip(a_arrays, b_arrays))


# ---------------------------------------------------------------- builds on a copy

JOB_LINE = re.compile(r"nn7: (\S+)\s+(ran|cached)\s+([0-9.]+) s")


def parse_jobs(log: str) -> list[tuple[str, bool, float]]:
    return [(m.group(1), m.group(2) == "ran", float(m.group(3))) for m in JOB_LINE.finditer(log)]


def site_build(repo: Path, site: Path, env: dict) -> tuple[float, list, str]:
    """`properdocs build --strict` of ``repo`` into ``site``: seconds, the jobs' lines, the log."""
    cmd = [sys.executable, "-m", "properdocs", "build", "--strict", "-d", str(site)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    dt = time.perf_counter() - t0
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise RuntimeError(f"properdocs build --strict failed ({proc.returncode}):\n" + "\n".join(log.splitlines()[-30:]))
    return dt, parse_jobs(log), log
