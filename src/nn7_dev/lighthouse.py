"""Lighthouse 12 (npm, installed by `make node` into tools/node/node_modules) on pages of a
served site, with one Debian Chromium for all of them (tools/node/lighthouse-pages.mjs).

:func:`run` returns, per URL, the category scores (0–100), the metrics (FCP, LCP, CLS, TBT,
Speed Index, transferred bytes) and every scored audit that is not perfect. Used by
tests/test_lighthouse.py (accessibility, best practices, SEO) and bench/measure_lighthouse.py
(all four categories, performance included).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from .chromium import find_chromium

NODE_DIR = Path(__file__).resolve().parents[2] / "tools" / "node"
SCRIPT = NODE_DIR / "lighthouse-pages.mjs"
PACKAGE = NODE_DIR / "node_modules" / "lighthouse" / "package.json"
NON_TIMING = ("accessibility", "best-practices", "seo")
ALL = ("performance", *NON_TIMING)


class LighthouseMissing(RuntimeError):
    """Node, the lighthouse package or Chromium is not there (the message says how to get it)."""


def missing() -> str | None:
    """Why Lighthouse cannot run here, or None."""
    if shutil.which("node") is None:
        return "Node.js is not installed (apt-get install nodejs npm)"
    if not PACKAGE.is_file():
        return f"the lighthouse package is not installed in {NODE_DIR}/node_modules (run `make node`)"
    if find_chromium() is None:
        return "Chromium not found (apt-get install chromium)"
    return None


def version() -> str:
    return json.loads(PACKAGE.read_text(encoding="utf-8"))["version"]


def run(urls: list[str], categories=ALL, throttling: str = "simulate", waits: bool = True,
        reports: Path | None = None, blocked: tuple[str, ...] = (), timeout: float = 900) -> list[dict]:
    """Lighthouse (mobile profile) on each of ``urls`` in turn; one dict per URL (see the module
    doc). ``waits=False``: no pauses for a quiet network and CPU after each load (for the
    categories that measure no time); ``reports``: a folder for the full reports; ``blocked``:
    URL patterns refused (e.g. the service worker, whose first visit downloads the whole site)."""
    problem = missing()
    if problem:
        raise LighthouseMissing(problem)
    cmd = ["node", str(SCRIPT), "--chrome", find_chromium(), "--categories", ",".join(categories),
           "--throttling", throttling, *([] if waits else ["--no-waits"]),
           *(["--reports", str(reports)] if reports else []),
           *[arg for pattern in blocked for arg in ("--block", pattern)], *urls]
    proc = subprocess.run(cmd, cwd=NODE_DIR, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"lighthouse failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    pages = json.loads(proc.stdout)["pages"]
    for page in pages:
        if page["runtime_error"]:
            raise RuntimeError(f"lighthouse on {page['url']}: {page['runtime_error']}")
    return pages
