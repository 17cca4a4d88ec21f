"""train_speedup_vs_reference: nn7.train.train against the reference loop (nn7.reference) in the
book's setting."""

from __future__ import annotations

import statistics

import numpy as np

from nn7.data import DataLoader, book_split
from nn7.experiments import BOOK_SETTINGS
from nn7.reference import train_reference
from nn7.rng import streams
from nn7.tolerances import FAST_PATH
from nn7.train import train

from .benchlib import max_diff, out, timed
from .goals import Outcome

INIT, SEED = "case3", 0


def measure(trials: int) -> Outcome:
    s = BOOK_SETTINGS
    kw = dict(lr=s.lr, epochs=s.epochs, batch_size=s.batch_size, every=s.every)
    out(f"== train_speedup_vs_reference: book setting {kw}, init {INIT}, seed {SEED}, {trials} interleaved trials")
    r = train(INIT, s, seed=SEED)  # warm-up, and the initial parameters

    def reference():  # from the same start, on the same data (the run's data stream)
        return train_reference(r.initial, DataLoader.book(rng=streams(SEED).data), s)

    reference()  # warm-up
    t_nn7, t_ref, res_nn7, res_ref = [], [], None, None
    for i in range(trials):
        for which in (("nn7", "ref") if i % 2 == 0 else ("ref", "nn7")):
            if which == "nn7":
                dt, res_nn7 = timed(train, INIT, s, seed=SEED)
                t_nn7.append(dt)
            else:
                dt, res_ref = timed(reference)
                t_ref.append(dt)
        out(f"  trial {i + 1}/{trials}: nn7 {t_nn7[-1]:.3f} s, reference {t_ref[-1]:.3f} s "
            f"(ratio {t_ref[-1] / t_nn7[-1]:.2f}x)")
    ref_params, ref_hist = res_ref
    p_diff = max_diff(res_nn7.params.arrays(), ref_params.arrays())
    rows = res_nn7.history.rows("r2")
    h_diff = float(np.max(np.abs(rows - ref_hist))) if rows.shape == ref_hist.shape else float("inf")
    ok = p_diff <= FAST_PATH and h_diff <= FAST_PATH
    out(f"  equality: max |params diff| {p_diff:.2e}, max |history diff| {h_diff:.2e} over "
        f"{len(rows)} checkpoints (tolerance {FAST_PATH:g}): {'OK' if ok else 'MISMATCH'}")
    med = statistics.median(t_ref) / statistics.median(t_nn7)
    mins = min(t_ref) / min(t_nn7)
    iters = s.epochs * -(-book_split()[0] // s.batch_size)
    out(f"  median: nn7 {statistics.median(t_nn7):.3f} s, reference {statistics.median(t_ref):.3f} s; "
        f"ratio of medians {med:.2f}x, ratio of minima {mins:.2f}x")
    out(f"  per iteration: nn7 {statistics.median(t_nn7) / iters * 1e6:.1f} µs, reference "
        f"{statistics.median(t_ref) / iters * 1e6:.1f} µs ({iters} iterations)")
    return Outcome(med, {"settings": kw, "init": INIT, "seed": SEED, "trials": trials, "nn7_s": t_nn7,
                         "reference_s": t_ref, "ratio_of_medians": med, "ratio_of_minima": mins,
                         "max_param_diff": p_diff, "max_history_diff": h_diff, "equal": ok},
                   [] if ok else [f"nn7.train disagrees with the reference (params {p_diff:.2e}, history {h_diff:.2e})"])
