"""What a job sees while it runs: the repository (every file it reads through :meth:`Context.read`
is recorded as one of its inputs), its snippets, and what it returns (:class:`Outputs`)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

from nn7.errors import Nn7Error

from .layout import SNIPPETS


class BuildError(Nn7Error):
    """A job failed; the message names the file that failed."""


@dataclass
class Outputs:
    files: dict[str, bytes] = field(default_factory=dict)  # path under the output folder -> bytes
    glue: dict | None = None  # named values, published as {{ <glue name>.… }}


@dataclass
class Context:
    root: Path
    read_files: dict[str, str] = field(default_factory=dict)  # path relative to root -> SHA-256

    @property
    def snippets(self) -> Path:
        return self.root / SNIPPETS

    def read(self, path: Path) -> bytes:
        """The bytes of a file of the repository, recorded as an input of the job."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as err:
            raise BuildError(f"{path}: cannot read it ({err.strerror or err})") from None
        self.read_files[path.resolve().relative_to(self.root.resolve()).as_posix()] = hashlib.sha256(data).hexdigest()
        return data

    def snippet_files(self) -> list[Path]:
        return sorted(self.snippets.rglob("*.py"))

    def load_snippet(self, script: str) -> dict:
        """Run a snippet file (``snippets/<script>``) as a module, not as __main__, and return its
        namespace. Its own imports are recorded by the job's process like any other."""
        path = self.snippets / script
        if not path.is_file():
            raise BuildError(f"{path}: snippet file not found")
        source = self.read(path)
        module = types.ModuleType(f"nn7_snippet_{path.stem}")
        module.__file__ = str(path)
        sys.modules[module.__name__] = module
        try:
            exec(compile(source, str(path), "exec", dont_inherit=True), module.__dict__)
        except Exception as err:  # the snippet is user code: name it, keep the one-line form
            raise BuildError(f"{path}: failed to load: {type(err).__name__}: {err}") from err
        return module.__dict__

    def call_snippet(self, script: str, function: str, *args):
        """Call ``function(*args)`` of a snippet; return (its result, what it printed)."""
        path = self.snippets / script
        namespace = self.load_snippet(script)
        if function not in namespace:
            raise BuildError(f"{path}: has no function {function}()")
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                result = namespace[function](*args)
        except Nn7Error as err:
            raise BuildError(f"{path}: {function}{args}: {err}") from err
        except Exception as err:
            raise BuildError(f"{path}: {function}{args} failed: {type(err).__name__}: {err}") from err
        return result, out.getvalue()
