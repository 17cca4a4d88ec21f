"""Shared fixtures: the repository, the generated outputs, and one strict site build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the helper modules next to the tests


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def generated():
    """nn7's generated outputs for the site (cached between runs like the real build)."""
    from nn7 import build

    return build.generate(ROOT, log=lambda line: None)


@pytest.fixture(scope="session")
def sweep():
    """A fresh run of the chapter's sweep (81 initialisations × 10 seeds), shared by tests."""
    from nn7 import experiments
    from nn7.batched import default_workers
    from nn7.sweep import run_sweep

    return run_sweep(experiments.SWEEP, workers=default_workers())


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, generated) -> Path:
    """`mkdocs build --strict` into a temporary folder; fails the tests that need it if the
    build fails or warns."""
    site = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
                          cwd=ROOT, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}")
    site.joinpath(".build-log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    return site


_BLOCK_STATS: dict[str, list[str]] = {"executed": [], "printout": [], "skipped": [], "unaccounted": []}


@pytest.fixture(scope="session")
def block_stats() -> dict[str, list[str]]:
    return _BLOCK_STATS


def pytest_terminal_summary(terminalreporter):
    s = _BLOCK_STATS
    total = sum(len(v) for v in s.values())
    if total:
        terminalreporter.write_line(
            f"code blocks on the site: {total}; executed {len(s['executed'])}, printouts checked against "
            f"a fresh run {len(s['printout'])}, skipped {len(s['skipped'])}, unaccounted {len(s['unaccounted'])}")
