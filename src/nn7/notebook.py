"""Execute the site's notebook: the page and its download show it with its outputs.

The kernel talks to this process over local IPC sockets (not TCP); nothing of the run
(timings, dates) is recorded in the notebook and a cell's printed text is one output however
the kernel happened to flush it, so the same notebook and code give the same bytes. A failing cell is one error naming the notebook, the cell and its exception.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from .errors import Nn7Error

TIMEOUT_S = 600


def execute(path: Path, workdir: Path | None = None) -> bytes:
    """The notebook at ``path`` executed top to bottom, as .ipynb bytes."""
    import nbformat
    from nbclient import NotebookClient
    from traitlets.config import Config
    from nbclient.exceptions import CellExecutionError

    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError) as err:
        raise Nn7Error(f"{path}: not a readable notebook ({err})") from None
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
    return (nbformat.writes(nb) + "\n").encode("utf-8")
