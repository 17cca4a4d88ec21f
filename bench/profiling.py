"""--profile: pyinstrument profiles of one reference, one nn7 and one batched run."""

from __future__ import annotations

import time

import numpy as np

from nn7.batched import train_batched
from nn7.data import DataLoader, book_split
from nn7.experiments import BOOK_SETTINGS, SWEEP
from nn7.reference import train_reference
from nn7.rng import streams
from nn7.train import train

from .benchlib import out
from .measure_batched import K


def profile() -> dict:
    from pyinstrument import Profiler

    s = BOOK_SETTINGS
    r = train("case3", s, seed=0)
    runs = [("reference (book setting)", lambda: train_reference(r.initial, DataLoader.book(rng=streams(0).data), s)),
            ("nn7.train.train (book setting)", lambda: train("case3", s, seed=0)),
            (f"train_batched K={K} (sweep settings, workers=1)",
             lambda: train_batched([(c, seed) for seed in SWEEP.seeds for c in SWEEP.combos][:K], SWEEP.settings))]
    for title, fn in runs:
        prof = Profiler(interval=0.0005)
        prof.start()
        fn()
        prof.stop()
        out(f"== profile: {title} ({prof.last_session.duration:.2f} s)")
        flat = [ln for ln in prof.output_text(unicode=True, color=False, flat=True).splitlines() if ln.strip()]
        for ln in [ln for ln in flat if not _banner(ln)][:12]:
            out(f"  {ln}")
    # the floor under the batched step: tanh over (batch, hidden, K) once per iteration
    iters = SWEEP.settings.epochs * -(-book_split()[0] // SWEEP.settings.batch_size)
    a = np.linspace(-2, 2, SWEEP.settings.batch_size * 2 * K).reshape(SWEEP.settings.batch_size, 2, K)
    b = np.empty_like(a)
    t0 = time.perf_counter()
    for _ in range(iters):
        np.tanh(a, b)
    dt = time.perf_counter() - t0
    out(f"== profile: np.tanh alone on the batched step's (32, 2, {K}) array, {iters} times: {dt:.2f} s")
    return {"tanh_floor_s": dt}


def _banner(line: str) -> bool:
    return any(key in line for key in ("Recorded:", "Duration:", "v5.", "v4.", "Profile at", "._   __/__"))
