"""A copy of the repository in a temporary folder, for tests and benchmarks that edit sources,
kill builds or serve the site (the real checkout and its build/ are never touched), and
`properdocs serve` (the site builder) running on such a copy."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # this checkout (src/nn7_dev/repo.py)
# What only the deploy knows (mkdocs.yml reads them, .github/workflows/deploy.yml sets them from
# the workflow's context): the published site's address, its repository, the edit links' path.
# A local build has none of them.
DEPLOY_ENV = ("NN7_SITE_URL", "NN7_REPO_URL", "NN7_EDIT_URI")
PARTS = ("src", "snippets", "docs", "hooks", "overrides", "bench", "tools", "tests/data")
FILES = ("mkdocs.yml", "pyproject.toml")


def copy_repo(dst: Path, generated: Path | None = None, source: Path = ROOT) -> Path:
    """The sources of the repository at ``source`` (default: this checkout) in ``dst``; with
    ``generated``, its build outputs too (warm)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".pytest_cache", "node_modules")
    for part in PARTS:
        if (source / part).exists():
            shutil.copytree(source / part, dst / part, ignore=ignore)
    for name in FILES:
        shutil.copy(source / name, dst / name)
    if generated is not None:
        shutil.copytree(generated, dst / "build" / "generated")
    return dst


def local_env(**extra: str) -> dict:
    """This process's environment as a local build sees it: without the deploy's settings
    (:data:`DEPLOY_ENV`), whatever the shell or CI job has set; plus ``extra``."""
    return {**{k: v for k, v in os.environ.items() if k not in DEPLOY_ENV}, **extra}


def env_for(root: Path, **extra: str) -> dict:
    """The environment for a process that must run the copy's nn7 (not the checkout's)."""
    env = local_env(PYTHONDONTWRITEBYTECODE="1", **extra)
    env["PYTHONPATH"] = str(root / "src")
    return env


def nn7_build(root: Path, *args: str, timeout: float = 600, **env) -> subprocess.CompletedProcess:
    """`nn7 build` on the copy, in a fresh process running the copy's code (extra ``args`` such
    as ``--only case:case1`` are passed on)."""
    return subprocess.run([sys.executable, "-m", "nn7", "build", "--root", str(root), *args], cwd=root,
                          env=env_for(root, **env), capture_output=True, text=True, timeout=timeout)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- `properdocs serve` on a copy


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 10) -> bytes | None:
    """The body at ``url``, or None if it cannot be fetched (yet)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.read()
    except (urllib.error.URLError, OSError):
        return None


class ProperdocsServe:
    """``properdocs serve --livereload`` on ``root`` and a free port; its output goes to a file
    (read by offset, never a pipe that could fill up)."""

    def __init__(self, root: Path, env: dict, log_path: Path, port: int | None = None):
        self.port = free_port() if port is None else port
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log_path = log_path
        with open(log_path, "wb") as logf:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "properdocs", "serve", "-a", f"127.0.0.1:{self.port}", "--livereload"],
                cwd=root, env=env, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)

    def log(self, start: int = 0) -> str:
        return self.log_path.read_bytes()[start:].decode("utf-8", "replace")

    def offset(self) -> int:
        return self.log_path.stat().st_size

    def wait_for(self, cond, timeout: float, what: str, poll: float = 0.05):
        """``cond()``'s first true value; an error with the log's tail if the server exits,
        a rebuild fails or ``timeout`` seconds pass."""
        deadline = time.monotonic() + timeout
        while True:
            value = cond()
            if value:
                return value
            if self.proc.poll() is not None:
                raise RuntimeError(f"properdocs serve exited ({self.proc.returncode}) while waiting for {what}:\n"
                                   + self.log()[-3000:])
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}:\n" + self.log()[-3000:])
            time.sleep(poll)

    def wait_rebuilt(self, start: int, timeout: float) -> str:
        """The log from ``start`` (an offset) once a rebuild that began after it has finished."""

        def done():
            text = self.log(start)
            if "An error happened during the rebuild" in text:
                raise RuntimeError("properdocs serve: the rebuild failed:\n" + text[-3000:])
            return "Reloading browsers" in text and text

        return self.wait_for(done, timeout, "the rebuild to finish")

    def rebuilds(self, start: int = 0) -> int:
        """How many rebuilds began after ``start`` (an offset in the log)."""
        return self.log(start).count("Detected file changes")

    def wait_settled(self, start: int, timeout: float, quiet: float = 1.0, max_rebuilds: int = 1) -> int:
        """Wait until no rebuild runs or is pending: the last rebuild has finished and none began
        for ``quiet`` seconds (a change saved during a rebuild starts the next one as that ends,
        within milliseconds). The log's offset then. An error if a rebuild fails, or if more
        than ``max_rebuilds`` rebuilds begin after ``start``: a server that keeps rebuilding
        with nothing changed (its own reading of the watched files taken for a change) never
        settles, and burns a core while it runs."""
        marks = ("Detected file changes", "Building documentation", "Reloading browsers")
        last = {"size": -1, "since": 0.0}

        def settled():
            text = self.log()
            if "An error happened during the rebuild" in self.log(start):
                raise RuntimeError("properdocs serve: the rebuild failed:\n" + text[-3000:])
            again = self.rebuilds(start)
            if again > max_rebuilds:
                raise RuntimeError(f"properdocs serve keeps rebuilding with nothing changed: {again} rebuilds "
                                   f"after the last change showed (at most {max_rebuilds} expected):\n"
                                   + text[-1500:])
            found = [ln for ln in text.splitlines() if any(m in ln for m in marks)]
            if not found or "Reloading browsers" not in found[-1]:
                last["size"] = -1
                return False
            now = time.monotonic()
            if len(text) != last["size"]:
                last.update(size=len(text), since=now)
                return False
            return now - last["since"] >= quiet and self.offset()

        return self.wait_for(settled, timeout, "the server to settle", poll=0.1)

    def stop(self) -> list[int]:
        """Ctrl-C (a clean shutdown), then end whatever the server started and left behind;
        the ids of those leftover processes."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        leftovers = _session_members(self.proc.pid)
        for pid in leftovers:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        return leftovers


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
