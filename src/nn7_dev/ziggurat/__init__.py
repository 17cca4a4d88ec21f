"""NumPy's normal-distribution ziggurat, read off the installed NumPy by probing it.

The lab's JavaScript (``docs/assets/lab/numpy/``) reproduces NumPy's random streams bit
for bit. ``Generator.standard_normal`` uses a 256-layer ziggurat (Marsaglia and Tsang) whose
constant tables are compiled into NumPy; the textbook recurrence does not give the same
bits, so this package measures them from NumPy's behaviour. The measured tables are committed
as data, ``src/nn7_site/ziggurat.json`` (:data:`DATA`), written by ``python tools/ziggurat.py``;
the build turns them into the lab's ``ziggurat.js`` and a test holds them equal to what the
installed NumPy does. This is a tool: neither the library nor the build imports it.

How one standard normal is drawn (as observed): one raw 64-bit word ``w`` is split into
``idx = w & 0xff`` (the layer), bit 8 (the sign) and ``rabs = (w >> 9) & (2**52 - 1)``.

* Fast path: if ``rabs < ki[idx]`` the result is ``±rabs * wi[idx]``.
* Layer ``idx >= 1`` otherwise: ``x = ±rabs * wi[idx]`` is returned if, for one more
  uniform ``u`` (the next word's top 53 bits times 2**-53),
  ``(fi[idx-1] - fi[idx]) * u + fi[idx] < exp(-0.5 * x * x)``; else start again.
* Layer 0 otherwise, the tail beyond ``r``: draw ``xx = -inv_r * log1p(-u1)`` and
  ``yy = -log1p(-u2)`` until ``yy + yy > xx * xx``; return ``±(r + xx)``, the sign taken
  from bit 8 of ``rabs``.

The package: :mod:`.model` (PCG64's arithmetic, the log1p flavours, one draw computed as NumPy
computes it), :mod:`.probe` (the measurement, verified against the model) and, here, the
committed data file and the public functions.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path

from .model import LOG1P_FLAVOURS, Tables, simulate
from .probe import measure

__all__ = ["LOG1P_FLAVOURS", "DATA", "data", "simulate_standard_normal", "tables"]


def simulate_standard_normal(words, table: dict | None = None) -> tuple[float, int] | None:
    """NumPy's ``standard_normal()`` computed in Python from raw PCG64 outputs ``words`` with
    the probed tables: (value, number of words used), or None if ``words`` is too short."""
    tab = table or tables()
    return simulate(Tables(tab["ki"], tab["wi"], tab["fi"], tab["r"], tab["inv_r"]), words)


@functools.lru_cache(maxsize=1)
def _cached() -> dict:
    return measure()


DATA = Path(__file__).resolve().parents[2] / "nn7_site" / "ziggurat.json"


def data() -> bytes:
    """The committed data file's bytes for the installed NumPy: the tables and how they were made."""
    t = tables()
    doc = {"about": ("NumPy's Generator.standard_normal ziggurat tables and the C library's log1p flavour, "
                     "measured by probing NumPy's behaviour (nn7_dev.ziggurat); every table reproduces "
                     "NumPy's draws. Regenerate with: python tools/ziggurat.py"),
           "numpy": t["numpy"], "probes": t["probes"], "notes": t["notes"], "log1p": t["log1p"],
           "r": t["r"], "inv_r": t["inv_r"], "ki": t["ki"], "wi": t["wi"], "fi": t["fi"]}
    return (json.dumps(doc, indent=1) + "\n").encode()


def tables() -> dict:
    """The ziggurat of the installed NumPy's ``Generator.standard_normal``, measured once per
    process: ``ki`` (256 ints), ``wi``, ``fi`` (256 floats), ``r``, ``inv_r`` (floats),
    ``log1p`` (the C library's log1p flavour, one of :data:`LOG1P_FLAVOURS` or 'unknown'),
    ``numpy`` (its version), ``probes`` (NumPy calls made) and ``notes`` (values the probes could
    not pin to one double, and which was chosen). Raises RuntimeError if NumPy's draws do not
    follow the ziggurat model."""
    return copy.deepcopy(_cached())
