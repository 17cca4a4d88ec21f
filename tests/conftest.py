"""Shared fixtures: the repository, the generated outputs, one fresh sweep and one strict site
build. The suite runs in parallel (pytest-xdist, one worker per core): what is expensive is
made once, by the first worker that needs it, under a file lock, and shared by the others."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pickle
import subprocess
import sys
from pathlib import Path

import properdocs.replacement  # noqa: F401 - before anything imports a plugin: `mkdocs.*` is ProperDocs', as under `properdocs`
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared(tmp_path_factory) -> Path:
    """A folder all workers of this run share (the parent of each worker's base folder)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def locked(path: Path):
    """One worker at a time (the others wait), across processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def generated():
    """nn7's generated outputs for the site (cached between runs like the real build); the
    first worker generates, the others find every job cached."""
    from nn7_site.generate import generate

    with locked(ROOT / "build" / ".generate.lock"):
        return generate(ROOT, log=lambda line: None)


@pytest.fixture(scope="session")
def sweep(shared):
    """A fresh run of the chapter's sweep (81 initialisations × 10 seeds), shared by tests and
    by the workers of this run."""
    from nn7 import experiments
    from nn7.batched import default_workers
    from nn7.sweep import run_sweep

    cache = shared / "sweep.pickle"
    with locked(shared / "sweep.lock"):
        if cache.is_file():
            return pickle.loads(cache.read_bytes())
        result = run_sweep(experiments.SWEEP, workers=default_workers())
        cache.write_bytes(pickle.dumps(result))
        return result


# ---------------------------------------------------------------- the browser


# What each browser engine was in this run: its version, or why it was not tested. Printed at
# the end of the run (pytest_terminal_summary), so no browser test is left out silently.
_ENGINES: dict[str, str] = {}
REQUIRE_BROWSERS = "NN7_REQUIRE_BROWSERS"  # set by `make test`: a missing browser fails instead of skipping


def browser_missing(engine: str, problem: str):
    """Skip (or, under ``make test``, fail) a test whose browser is missing; the run's summary
    names it."""
    _ENGINES[engine] = f"NOT TESTED: {problem}"
    if os.environ.get(REQUIRE_BROWSERS):
        pytest.fail(f"{problem} ({REQUIRE_BROWSERS} is set: `make test` installs every browser the tests use)")
    pytest.skip(problem)


@pytest.fixture(scope="session")
def engine_report():
    """``report(engine, version)`` when an engine ran; ``report(engine, None, problem)`` skips
    (fails under ``make test``) naming the problem."""
    def report(engine: str, version: str | None, problem: str | None = None):
        if problem is not None:
            browser_missing(engine, problem)
        _ENGINES[engine] = version

    return report


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium; the browser tests skip (saying why) where it is absent. Session
    scope, like ``built_site``: a missing browser skips before the slow site build starts."""
    from nn7_dev.browser import find_chromium

    path = find_chromium()
    if path is None:
        browser_missing("chromium", "Chromium not found (neither `chromium` on PATH nor /usr/bin/chromium): "
                        "install it with `apt-get install chromium` to run the browser tests")
    return path


@pytest.fixture(scope="session")
def playwright_api(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        pytest.skip(f"the playwright Python package is missing ({exc}): install the test extra, "
                    "e.g. `pip install -e .[test]` (no browser download needed: Debian's Chromium is used)")
    return sync_playwright


@pytest.fixture(scope="session")
def browser(playwright_api, chromium_path):
    """One headless Chromium for the session (each test opens its own context)."""
    from nn7_dev.browser import CHROMIUM_ARGS

    with playwright_api() as p:
        b = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS, timeout=30_000)
        _ENGINES["chromium"] = f"Chromium {b.version}"
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session")
def built_site(shared, generated) -> Path:
    """The site as `make site` builds it: `properdocs build --strict` into a temporary folder, then
    its PDF (tools/pdf.py) when Chromium is there; fails the tests that need it if the build
    fails or warns. Built once per run, shared by the workers."""
    with locked(shared / "site.lock"):
        site = shared / "site"
        if not (shared / "site.complete").is_file():
            _build_site(site, shared)
        return site


def _build_site(site: Path, shared: Path) -> None:
    import shutil

    from nn7_dev.browser import find_chromium

    shutil.rmtree(site, ignore_errors=True)
    site.mkdir()
    from nn7_dev.repo import local_env

    env = local_env()  # a local build: no site address, no repository (tests/test_links.py)
    proc = subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "-q", "-d", str(site)],
                          cwd=ROOT, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        pytest.fail(f"properdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}")
    log = proc.stdout + proc.stderr
    if find_chromium() is not None:
        pdf = subprocess.run([sys.executable, str(ROOT / "tools" / "pdf.py"), str(site)], cwd=ROOT,
                             capture_output=True, text=True, env=env, timeout=300)
        if pdf.returncode != 0:
            pytest.fail(f"tools/pdf.py failed: {pdf.stderr}")
    (shared / "site-build.log").write_text(log, encoding="utf-8")
    (shared / "site.complete").touch()


_BLOCK_STATS: dict[str, list[str]] = {"executed": [], "printout": [], "skipped": [], "unaccounted": []}


@pytest.fixture(scope="session")
def block_stats() -> dict[str, list[str]]:
    return _BLOCK_STATS


# The order in which a parallel run hands out whole files (pytest-xdist, --dist loadfile,
# --no-loadscope-reorder): the slowest first, so that no worker is left with a long file at the
# end; right after the first, the files that need neither the generated outputs nor the site,
# so the other workers have work while the first generates them (on a clean clone, ~25 s).
# Files not named here come last, in pytest's order.
FILE_ORDER = ("test_serve.py", "test_nn7.py", "test_lab_random.py", "test_lab_format.py", "test_fastpaths.py",
              "test_plots.py", "test_diagram.py", "test_prose.py", "test_lab_pure.py", "test_lighthouse.py",
              "test_a11y.py", "test_site.py", "test_lab_ui.py", "test_engines.py", "test_offline.py", "test_docs.py",
              "test_lab_states.py", "test_claims.py", "test_cli.py", "test_links.py", "test_archive.py",
              "test_lab_engine.py", "test_lab_settings.py", "test_phone.py", "test_cache.py", "test_figures.py",
              "test_pdf.py")


def pytest_xdist_auto_num_workers(config):
    """`-n auto`: one worker more than the cores. A good part of the suite waits (on a browser, a
    served page, a build in another process): a third worker on 2 cores fills that time (the
    whole suite: bench/README.md, tests_s)."""
    return (os.cpu_count() or 1) + 1


def pytest_collection_modifyitems(items):
    rank = {name: k for k, name in enumerate(FILE_ORDER)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def pytest_sessionfinish(session):
    """A worker of a parallel run hands its block counts to the controller."""
    if hasattr(session.config, "workeroutput"):
        import json

        session.config.workeroutput["nn7_blocks"] = json.dumps(_BLOCK_STATS)
        session.config.workeroutput["nn7_engines"] = json.dumps(_ENGINES)


_WORKER_SUMMARIES: list[str] = []  # summary lines a worker's tests left (e.g. the axe results per page)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    import json

    output = getattr(node, "workeroutput", {})
    for kind, where in json.loads(output.get("nn7_blocks", "{}")).items():
        _BLOCK_STATS[kind].extend(where)
    if output.get("nn7_a11y"):
        _WORKER_SUMMARIES.append(output["nn7_a11y"])
    for engine, state in json.loads(output.get("nn7_engines", "{}")).items():
        if not str(_ENGINES.get(engine, "")).startswith("NOT TESTED"):  # a skip anywhere is kept
            _ENGINES[engine] = state


def pytest_terminal_summary(terminalreporter):
    for text in _WORKER_SUMMARIES:
        for line in str(text).splitlines():
            terminalreporter.write_line(line)
    for engine, state in sorted(_ENGINES.items()):
        terminalreporter.write_line(f"browser engine {engine}: {state}",
                                    red=state.startswith("NOT TESTED"), bold=state.startswith("NOT TESTED"))
    s = _BLOCK_STATS
    total = sum(len(v) for v in s.values())
    if total:
        terminalreporter.write_line(
            f"code blocks on the site: {total}; executed {len(s['executed'])}, printouts checked against "
            f"a fresh run {len(s['printout'])}, skipped {len(s['skipped'])}, unaccounted {len(s['unaccounted'])}")
