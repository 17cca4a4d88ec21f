"""Import the repository's own Python files from their source, never from a bytecode cache,
and record which files were imported (with the SHA-256 of the bytes that ran).

Python trusts a ``__pycache__`` file whose recorded modification time (whole seconds) and
size match the source, so an edit saved within the same second that keeps the file's size
would run the old code. The build keys its cache by the bytes of the sources a job imported;
to run exactly those bytes, and to know which they were, a job's process installs
:func:`install` for ``src/`` and ``snippets/`` before importing anything from them, and reads
:data:`LOADED` when the job is done. Standard library only: this file is loaded by path,
before any package of the repository is imported.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import sys
from pathlib import Path

LOADED: dict[str, str] = {}  # absolute path of every source compiled here -> SHA-256 of its bytes


class FreshLoader(importlib.machinery.SourceFileLoader):
    """Compiles the source file every time the module is imported; writes no cache."""

    def get_code(self, fullname):
        path = self.get_filename(fullname)
        data = self.get_data(path)
        LOADED[str(Path(path).resolve())] = hashlib.sha256(data).hexdigest()
        return compile(data, path, "exec", dont_inherit=True)


class FreshFinder(importlib.abc.MetaPathFinder):
    """Finds modules as usual; those whose file lies under one of ``roots`` get a FreshLoader."""

    def __init__(self, roots):
        self.roots = [Path(r).resolve() for r in roots]

    def find_spec(self, fullname, path=None, target=None):
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or not spec.origin or not spec.origin.endswith(".py"):
            return None
        origin = Path(spec.origin).resolve()
        if not any(origin.is_relative_to(root) for root in self.roots):
            return None
        spec.loader = FreshLoader(fullname, spec.origin)
        return spec


def install(*roots) -> None:
    """Import modules found under ``roots`` from their source (first in ``sys.meta_path``)."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, FreshFinder)]
    sys.meta_path.insert(0, FreshFinder(roots))


def digest(*folders) -> str:
    """SHA-256 over the names and bytes of the ``*.py`` files directly in each of ``folders``."""
    h = hashlib.sha256()
    for folder in folders:
        for p in sorted(Path(folder).glob("*.py")):
            data = p.read_bytes()
            h.update(p.name.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
    return h.hexdigest()
