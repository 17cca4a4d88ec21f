"""One job, in a process of its own: the process imports the repository's files from their
source (:mod:`nn7_site.fresh`), runs the job, and hands back its outputs with the inputs it
used: every source file imported after this module started and every file it read.

Started by :func:`nn7_site.generate.generate` as ``python -c BOOTSTRAP ROOT JOB RESULT``.
Standard library only at import time: what the job needs is imported while it runs.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

# The first lines of a process of the build: the fresh importer, loaded by path before anything
# of the repository ``sys.argv[1]`` is imported; the process ends with the build that started it.
PROLOGUE = """\
import importlib.util, os, sys
if sys.platform == "linux":  # end with the build that started it, should that be killed
    import ctypes, signal
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:
        sys.exit(137)
root = sys.argv[1]
spec = importlib.util.spec_from_file_location("nn7_site_fresh", root + "/src/nn7_site/fresh.py")
fresh = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fresh)
sys.dont_write_bytecode = True
sys.path.insert(0, root + "/src")
fresh.install(root + "/src", root + "/snippets")
"""

# A job's process: ``python -c BOOTSTRAP ROOT JOB RESULT``.
BOOTSTRAP = PROLOGUE + """\
from nn7_site.worker import run
sys.exit(run(root, sys.argv[2], sys.argv[3], fresh.LOADED))
"""


def run(root: str, name: str, result_path: str, loaded: dict[str, str]) -> int:
    """Run job ``name`` on the repository at ``root``; write {files, glue, inputs} or {error}
    to ``result_path`` (a pickle); the exit status is 0, or 2 for a job's error."""
    root_path = Path(root).resolve()
    started_with = set(loaded)  # this module and its package: the runner, not the job
    # a notebook kernel started by the job imports this repository's nn7 too
    os.environ["PYTHONPATH"] = os.pathsep.join([str(root_path / "src")] + [p for p in [os.environ.get("PYTHONPATH")] if p])
    try:
        from nn7.errors import Nn7Error

        from .context import Context
        from .jobs import glue_json, job

        try:
            j = job(name)
            ctx = Context(root_path)
            outputs = j.run(ctx)
            glue = None if outputs.glue is None else glue_json(outputs.glue)
        except Nn7Error as err:
            _dump(result_path, {"error": str(err)})
            return 2
        inputs = {Path(path).relative_to(root_path).as_posix(): digest
                  for path, digest in loaded.items() if path not in started_with}
        _dump(result_path, {"files": outputs.files, "glue": glue, "inputs": {**inputs, **ctx.read_files}})
        return 0
    except Exception as err:  # a bug: one line with its place
        import traceback

        frame = traceback.extract_tb(err.__traceback__)[-1]
        _dump(result_path, {"error": f"{name}: internal error at {frame.filename}:{frame.lineno}: "
                                     f"{type(err).__name__}: {err}"})
        if os.environ.get("NN7_TRACEBACK"):
            traceback.print_exc()
        return 1


def _dump(path: str, obj) -> None:
    with open(path, "wb") as f:
        pickle.dump(obj, f)
    sys.stdout.flush()
