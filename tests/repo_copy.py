"""A copy of the repository in a temporary folder, for tests that edit sources or kill builds
(the real checkout and its build/ are never touched)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("src", "snippets", "docs", "hooks", "overrides", "bench", "tools", "tests/data")
FILES = ("mkdocs.yml", "pyproject.toml")


def copy_repo(dst: Path, generated: Path | None = None) -> Path:
    """The repository's sources in ``dst``; with ``generated``, its build outputs too (warm)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".pytest_cache")
    for part in PARTS:
        if (ROOT / part).exists():
            shutil.copytree(ROOT / part, dst / part, ignore=ignore)
    for name in FILES:
        shutil.copy(ROOT / name, dst / name)
    if generated is not None:
        shutil.copytree(generated, dst / "build" / "generated")
    return dst


def env_for(root: Path, **extra: str) -> dict:
    """The environment for a process that must run the copy's nn7 (not the checkout's)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1", **extra}
    env["PYTHONPATH"] = str(root / "src")
    return env


def nn7_build(root: Path, *args: str, timeout: float = 600, **env) -> subprocess.CompletedProcess:
    """`nn7 build` on the copy, in a fresh process, exactly as the MkDocs hook starts it (extra
    ``args`` such as ``--only case:case1`` are passed on)."""
    from nn7 import build

    return subprocess.run([sys.executable, "-c", build._BOOTSTRAP, str(root), *args], cwd=root,
                          env=env_for(root, **env), capture_output=True, text=True, timeout=timeout)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
