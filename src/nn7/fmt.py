"""How nn7 prints numbers: the one array formatter, used by the training log, the traces,
the errata and the glue values (the browser lab mirrors it in assets/lab/numpy/printing.js)."""

from __future__ import annotations

import sys

import numpy as np

LOG_PRECISION = 8  # NumPy's default: the final W1 … B2 of the training log
TRACE_PRECISION = 4  # the text's traces print 4 decimals


def array_line(a, precision: int = LOG_PRECISION) -> str:
    """NumPy's printout of ``a`` with ``precision`` digits, on one line: ``[[0.] [0.]]``
    rather than two lines. Never wrapped, however many hidden units."""
    text = np.array2string(np.asarray(a, dtype=np.float64), precision=precision, max_line_width=sys.maxsize)
    return " ".join(part.strip() for part in text.split("\n"))
