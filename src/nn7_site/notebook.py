"""Execute the site's notebook: the page and its download show it with its outputs.

The kernel talks to this process over local IPC sockets (not TCP); nothing of the run
(timings, dates) is recorded in the notebook and a cell's printed text is one output however
the kernel happened to flush it, so the same notebook and code give the same bytes. A failing cell is one error naming the
notebook, the cell and its exception. After the last cell, one more (not kept) asks the kernel
which of the repository's source files it imported: they are the build job's inputs.
"""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path

from nn7.errors import Nn7Error

TIMEOUT_S = 600


_MODULES_CELL = """\
import json as _json, os as _os, sys as _sys
_files = (_os.path.realpath(m.__file__) for m in list(_sys.modules.values()) if getattr(m, "__file__", None))
print(_json.dumps(sorted(f for f in _files if f.startswith({root!r}))))"""


def execute(path: Path, source: bytes | None = None, workdir: Path | None = None,
            report_modules_under: Path | None = None):
    """The notebook at ``path`` (its bytes: ``source``) executed top to bottom, as .ipynb bytes;
    with ``report_modules_under``, (those bytes, the files under that folder the kernel imported)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from traitlets.config import Config

    try:
        text = (Path(path).read_bytes() if source is None else source).decode("utf-8")
        nb = nbformat.reads(text, as_version=4)
    except (OSError, ValueError) as err:
        raise Nn7Error(f"{path}: not a readable notebook ({err})") from None
    n_cells = len(nb.cells)
    if report_modules_under is not None:
        root = str(Path(report_modules_under).resolve()) + "/"
        nb.cells.append(nbformat.v4.new_code_cell(_MODULES_CELL.format(root=root), id="nn7-modules"))
    for name in ("traitlets", "nbclient", "jupyter_client"):
        logging.getLogger(name).setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="nn7-notebook-") as tmp:
        ipc = Config({"KernelManager": {"transport": "ipc", "ip": str(Path(tmp) / "kernel")}})
        client = NotebookClient(nb, config=ipc, kernel_name="python3", timeout=TIMEOUT_S, allow_errors=False,
                                record_timing=False, coalesce_streams=True,
                                resources={"metadata": {"path": str(workdir or tmp)}})
        try:
            client.execute()
        except CellExecutionError as err:
            cell = next((i for i, c in enumerate(nb.cells, start=1)
                         if any(o.get("output_type") == "error" for o in c.get("outputs", []))), "?")
            raise Nn7Error(f"{path}: cell {cell} failed: {err.ename}: {err.evalue}") from None
        except Exception as err:  # the kernel did not start, a timeout, …
            raise Nn7Error(f"{path}: could not execute the notebook: {type(err).__name__}: {err}") from None
    if report_modules_under is None:
        return (nbformat.writes(nb) + "\n").encode("utf-8")
    report = nb.cells.pop()
    imported = json.loads("".join(o.get("text", "") for o in report.outputs if o.get("name") == "stdout"))
    assert len(nb.cells) == n_cells
    return (nbformat.writes(nb) + "\n").encode("utf-8"), [Path(p) for p in imported]
