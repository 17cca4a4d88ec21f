"""batched_speedup_k256: one train_batched call over K nets against single runs, per network."""

from __future__ import annotations

import statistics
from dataclasses import replace

import numpy as np

from nn7.batched import default_workers, train_batched
from nn7.experiments import SWEEP
from nn7.tolerances import BATCHED
from nn7.train import train

from .benchlib import max_diff, out, timed
from .goals import Outcome

K = 256  # networks in the measurement: the sweep's first K in seed-major order


def measure(quick: bool) -> Outcome:
    settings = SWEEP.settings
    nets = [(c, s) for s in SWEEP.seeds for c in SWEEP.combos][:K]
    workers = default_workers()
    sample = sorted(set(np.linspace(0, K - 1, 24).round().astype(int).tolist()))
    rounds, n_w1 = (3, 1) if quick else (5, 2)
    groups = [sample[r::rounds] for r in range(rounds)]
    out(f"== batched_speedup_k256: K={K} nets (seed-major, seeds {sorted({s for _, s in nets})}), "
        f"settings {settings}, workers={workers}; {len(sample)} single runs in {rounds} rounds")
    train(nets[sample[0]][0], settings, seed=nets[sample[0]][1])  # warm-up
    t_b, t_b1, singles, batched = [], [], {}, None
    for r in range(rounds):
        dt, res = timed(train_batched, nets, settings, workers=workers)
        batched = batched or res
        t_b.append(dt)
        out(f"  round {r + 1}: train_batched(K={K}, workers={workers}) {dt:.3f} s ({dt / K * 1e3:.2f} ms/net)")
        for k in groups[r]:
            singles[k] = timed(train, nets[k][0], settings, seed=nets[k][1])
        out(f"  round {r + 1}: {len(groups[r])} single runs, mean {np.mean([singles[k][0] for k in groups[r]]):.3f} s")
        if r < n_w1:
            dt, _ = timed(train_batched, nets, settings, workers=1)
            t_b1.append(dt)
            out(f"  round {r + 1}: train_batched(K={K}, workers=1) {dt:.3f} s")
    single_mean = float(np.mean([t for t, _ in singles.values()]))
    p_diff = l_diff = 0.0
    for k, (_, res) in singles.items():  # each sampled network: batched == its single run
        p_diff = max(p_diff, max_diff(batched.params(k).arrays(), res.params.arrays()))
        l_diff = max(l_diff, abs(float(batched.val_loss[-1, k]) - float(res.history.val_loss[-1])),
                     abs(float(batched.train_loss[-1, k]) - float(res.history.train_loss[-1])))
    ok = p_diff <= BATCHED and l_diff <= BATCHED
    out(f"  equality: {len(singles)} sampled nets, max |params diff| {p_diff:.2e}, max |final loss diff| "
        f"{l_diff:.2e} (tolerance {BATCHED:g}): {'OK' if ok else 'MISMATCH'}")
    ratio = single_mean / (statistics.median(t_b) / K)
    ratio1 = single_mean / (statistics.median(t_b1) / K)
    out(f"  single mean {single_mean:.3f} s; batched median {statistics.median(t_b):.3f} s = "
        f"{statistics.median(t_b) / K * 1e3:.2f} ms/net: ratio {ratio:.1f}x (with the batched minimum: "
        f"{single_mean / (min(t_b) / K):.1f}x)")
    out(f"batched_speedup_k256_workers1: {ratio1:.1f}x (informational; median of {len(t_b1)})")
    details = {"K": K, "workers": workers, "settings": settings.as_dict(), "sampled_nets": sample,
               "single_s": {str(k): t for k, (t, _) in sorted(singles.items())}, "single_mean_s": single_mean,
               "batched_s": t_b, "batched_workers1_s": t_b1, "ratio": ratio, "ratio_workers1": ratio1,
               "max_param_diff": p_diff, "max_final_loss_diff": l_diff, "equal": ok}
    if not quick:
        details["every_epoch"] = _every_epoch(nets, sample[::3], workers)
    return Outcome(ratio, details, [] if ok else [f"train_batched disagrees with single runs "
                                                  f"(params {p_diff:.2e}, losses {l_diff:.2e})"])


def _every_epoch(nets, sample, workers) -> dict:
    settings = replace(SWEEP.settings, every=1)  # a checkpoint every epoch
    half = len(sample) // 2
    ts = [timed(train, nets[k][0], settings, seed=nets[k][1])[0] for k in sample[:half]]
    tb, _ = timed(train_batched, nets, settings, workers=workers)
    ts += [timed(train, nets[k][0], settings, seed=nets[k][1])[0] for k in sample[half:]]
    ratio = float(np.mean(ts)) / (tb / K)
    out(f"  every epoch: {len(ts)} single runs mean {np.mean(ts):.3f} s, train_batched {tb:.3f} s")
    out(f"batched_speedup_k256_every_epoch: {ratio:.1f}x (informational; checkpoint every epoch)")
    return {"single_s": ts, "batched_s": tb, "ratio": ratio}
