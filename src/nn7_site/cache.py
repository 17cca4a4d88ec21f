"""The build's cache: a job re-runs only when what it used changed.

A job's manifest (``build/generated/.cache/<job>.json``) records

* ``definition``: its registry entry (a changed seed, setting or figure name re-runs it);
* ``environment``: the versions of Python and of what draws the figures, and the CJK fonts;
* ``inputs``: every source file of the repository the job's process imported (nn7's modules,
  the site's job code, the snippets and their modules) and every file it read, each with the
  SHA-256 of the bytes it used;
* ``outputs``: every file it wrote, with its SHA-256.

A job is fresh when its definition and environment are the same, every input has the same
bytes on disk, and every output is there with the bytes it wrote (a missing, truncated or
hand-edited output re-runs it). So editing ``htmlfix.py`` or ``cli.py``, which no job
imports, re-runs nothing; editing ``network.py`` re-runs exactly the jobs that imported it.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass
from pathlib import Path

from nn7.fileio import write_atomic

from .layout import CACHE


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(path: Path, data: bytes) -> bool:
    """Every file the build writes goes through here (atomic; untouched if the bytes are the same)."""
    return write_atomic(path, data)


def environment() -> str:
    """The versions that decide the bytes of the outputs (read from the installed metadata:
    importing matplotlib just for its version would slow warm builds) and the CJK fonts."""
    from importlib.metadata import version

    versions = [f"python {platform.python_version()}"]
    versions += [f"{name} {version(name)}" for name in ("numpy", "matplotlib", "pillow", "nbclient", "ipykernel")]
    return sha256("\n".join(versions + [_fonts()]).encode())


def _fonts() -> str:
    """The CJK font files on this machine (names and sizes): the figures' bytes depend on them."""
    found = []
    for folder in ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"),
                   str(Path.home() / ".local/share/fonts")):
        base = Path(folder)
        if base.is_dir():
            found += [f"{p.name}:{p.stat().st_size}" for p in base.rglob("*")
                      if p.is_file() and any(k in p.name.lower() for k in ("cjk", "wqy", "sourcehan", "droidsansfallback"))]
    return "\n".join(sorted(found))


class Hashes:
    """SHA-256 of the repository's files, each read once per build (None: missing)."""

    def __init__(self, root: Path):
        self.root = root
        self.known: dict[str, str | None] = {}

    def __call__(self, rel: str) -> str | None:
        if rel not in self.known:
            try:
                self.known[rel] = sha256((self.root / rel).read_bytes())
            except OSError:
                self.known[rel] = None
        return self.known[rel]

    def now(self, rel: str) -> str | None:
        """Read again (a file edited while a job ran)."""
        self.known.pop(rel, None)
        return self(rel)


@dataclass
class Manifest:
    definition: str
    environment: str
    inputs: dict[str, str]  # path relative to the repository -> SHA-256 of the bytes the job used
    outputs: dict[str, str]  # path relative to the output folder -> SHA-256

    @classmethod
    def read(cls, path: Path) -> "Manifest | None":
        try:
            m = json.loads(path.read_text(encoding="utf-8"))
            return cls(str(m["definition"]), str(m["environment"]), dict(m["inputs"]), dict(m["outputs"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def to_bytes(self) -> bytes:
        data = {"definition": self.definition, "environment": self.environment,
                "inputs": dict(sorted(self.inputs.items())), "outputs": dict(sorted(self.outputs.items()))}
        return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode()

    def stale_inputs(self, hashes: Hashes) -> list[str]:
        return [rel for rel, digest in self.inputs.items() if hashes(rel) != digest]

    def outputs_intact(self, out: Path) -> bool:
        for rel, digest in self.outputs.items():
            try:
                if sha256((out / rel).read_bytes()) != digest:
                    return False
            except OSError:
                return False
        return True


def manifest_path(out: Path, stem: str) -> Path:
    return out / CACHE / f"{stem}.json"


def why_stale(m: Manifest | None, definition: str, env: str, hashes: Hashes, out: Path) -> str | None:
    """None if the job is fresh, else the reason it must run (for the log)."""
    if m is None:
        return "never ran"
    if m.definition != definition:
        return "its definition changed"
    if m.environment != env:
        return "the versions or fonts changed"
    stale = m.stale_inputs(hashes)
    if stale:
        return f"{stale[0]} changed" + (f" (and {len(stale) - 1} more)" if len(stale) > 1 else "")
    if not m.outputs_intact(out):
        return "an output is missing or was changed"
    return None


def prune(out: Path, keep: set[str]) -> None:
    """Remove every file under ``out`` that is not in ``keep`` (outputs of jobs that no longer
    exist, temporary files of a killed build), then the folders left empty."""
    if not out.is_dir():
        return
    for path in sorted(out.rglob("*"), reverse=True):
        rel = path.relative_to(out).as_posix()
        if path.is_file() or path.is_symlink():
            if rel not in keep:
                path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
