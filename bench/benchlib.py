"""Shared helpers of the benchmarks: printing, timing, a copy of the repository to build in,
and `mkdocs build` / `mkdocs serve` on that copy."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
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


# ---------------------------------------------------------------- a copy of the repository

JOB_LINE = re.compile(r"nn7: (\S+)\s+(ran|cached)\s+([0-9.]+) s")
TOP_LEVEL_SKIP = {".venv", "site", "build", ".cache", ".git"}
ANYWHERE_SKIP = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


def copy_repo(dst: Path) -> None:
    """The working tree without its build outputs, caches and virtual environment."""

    def ignore(folder, names):
        skip = {n for n in names if n in ANYWHERE_SKIP or n.endswith(".egg-info")}
        if Path(folder).resolve() == ROOT:
            skip |= {n for n in names if n in TOP_LEVEL_SKIP}
        if Path(folder).resolve() == ROOT / "bench":
            skip |= {n for n in names if n == "results"}
        return skip

    shutil.copytree(ROOT, dst, ignore=ignore, symlinks=True)


def parse_jobs(log: str) -> list[tuple[str, bool, float]]:
    return [(m.group(1), m.group(2) == "ran", float(m.group(3))) for m in JOB_LINE.finditer(log)]


def build_env(repo: Path) -> dict:
    """The copy's own nn7 (src/ first on the path), so edits to the real tree do not disturb it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(repo / "src")] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def mkdocs_build(repo: Path, site: Path, env: dict) -> tuple[float, list, str]:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    dt = time.perf_counter() - t0
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise RuntimeError(f"mkdocs build --strict failed ({proc.returncode}):\n" + "\n".join(log.splitlines()[-30:]))
    return dt, parse_jobs(log), log


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def wait_for(cond, timeout: float, poll: float = 0.05, what: str = "", proc=None):
    deadline = time.perf_counter() + timeout
    while True:
        value = cond()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"mkdocs serve exited ({proc.returncode}) while waiting for {what}")
        if time.perf_counter() > deadline:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(poll)


class Server:
    """``mkdocs serve`` in the copy; output to a file (read incrementally, never a full pipe)."""

    def __init__(self, repo: Path, env: dict, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{self.port}/ch7/7.7/"
        with open(log_path, "wb") as logf:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{self.port}", "--livereload"],
                cwd=repo, env=env, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)

    def log(self, start: int = 0) -> str:
        return self.log_path.read_bytes()[start:].decode("utf-8", "replace")

    def offset(self) -> int:
        return self.log_path.stat().st_size

    def wait_rebuilt(self, start: int, timeout: float) -> str:
        """Wait until the rebuild that began after ``start`` (a log offset) has finished."""

        def done():
            text = self.log(start)
            if "An error happened during the rebuild" in text:
                raise RuntimeError("mkdocs serve: rebuild failed:\n" + "\n".join(text.splitlines()[-20:]))
            return "Reloading browsers" in text and text

        return wait_for(done, timeout, 0.05, "the rebuild to finish", self.proc)

    def stop(self) -> None:
        proc = self.proc
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # mkdocs serve shuts down cleanly on Ctrl-C
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        for pid in _session_members(proc.pid):  # anything the server started and left behind
            try:
                os.kill(pid, signal.SIGTERM)
                out(f"  note: ended leftover process {pid} of the server's session")
            except ProcessLookupError:
                pass


def _session_members(sid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and int(entry.name) != os.getpid():  # field 6 of stat: session id
            pids.append(int(entry.name))
    return pids
