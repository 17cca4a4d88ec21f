"""sweep_cold_s: one run of the chapter's sweep on every core."""

from __future__ import annotations

from nn7.batched import default_workers
from nn7.experiments import SWEEP
from nn7.sweep import run_sweep

from .benchlib import out, timed
from .goals import Outcome


def measure() -> Outcome:
    workers = default_workers()
    out(f"== sweep_cold_s: run_sweep(SWEEP, workers={workers}), {len(SWEEP.nets)} networks")
    dt, res = timed(run_sweep, SWEEP, workers=workers)
    out(f"  run_sweep {dt:.2f} s; condition holds: {res.condition_holds()}")
    return Outcome(dt, {"seconds": dt, "networks": len(SWEEP.nets), "workers": workers,
                        "condition_holds": res.condition_holds()})
