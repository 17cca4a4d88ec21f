"""The exhaustive initialisation sweep: what decides whether the 1-2-1 network trains.

Every combination of {zeros, ones, normal} for (W1, B1, W2, B2) is trained with several
seeds (batched). The analysis sorts the combinations by what their start looks like:

* ``dead``: W1, B1 and W2 all zero. A1 = tanh(0) = 0 and W2 = 0 block every gradient but
  dB2, so only B2 learns (case 1);
* ``symmetric``: none of W1, B1, W2 random, but not dead. The two hidden units start equal,
  receive equal gradients and stay equal: the network acts as if it had one hidden unit
  (case 2);
* ``broken``: at least one of W1, B1, W2 random. The hidden units differ from the start.

B2 is one number shared by both hidden units, so a random B2 breaks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .batched import train_batched
from .experiments import LEARNING_SPEED, SWEEP, LearningSpeed, Sweep
from .inits import InitSpec

CLASSES = ("dead", "symmetric", "broken")


def classify(spec: InitSpec | str) -> str:
    spec = InitSpec.parse(spec) if isinstance(spec, str) else spec
    if "normal" in (spec.W1, spec.B1, spec.W2):
        return "broken"
    if spec.W1 == spec.B1 == spec.W2 == "zeros":
        return "dead"
    return "symmetric"


@dataclass
class SweepResult:
    sweep: Sweep
    combos: list[str]
    val_r2: np.ndarray  # (combos, seeds) final validation R²

    @property
    def median(self) -> np.ndarray:
        return np.median(self.val_r2, axis=1)

    @property
    def trains(self) -> np.ndarray:
        """Per combination: does the median run reach the threshold?"""
        return self.median > self.sweep.threshold

    def classes(self) -> list[str]:
        return [classify(c) for c in self.combos]

    def summary(self) -> dict:
        """Per class: how many combinations, how many train, and the R² range of all runs."""
        cls = np.array(self.classes())
        out = {}
        for name in CLASSES:
            sel = cls == name
            runs = self.val_r2[sel]
            out[name] = {
                "combos": int(sel.sum()),
                "combos_training": int(self.trains[sel].sum()),
                "runs": int(runs.size),
                "runs_training": int((runs > self.sweep.threshold).sum()),
                "r2_min": float(runs.min()), "r2_median": float(np.median(runs)), "r2_max": float(runs.max()),
            }
        return out

    def condition_holds(self) -> bool:
        """The condition the page states: a combination trains exactly when it is 'broken'."""
        return bool(np.array_equal(self.trains, np.array(self.classes()) == "broken"))

    def to_json(self) -> dict:
        """The sweep's published values (``{{ sweep.… }}`` on the pages)."""
        return {"combos": self.combos, "n_combos": len(self.combos), "n_kinds": len(self.sweep.kinds),
                "seeds": list(self.sweep.seeds), "n_seeds": len(self.sweep.seeds), "n_runs": int(self.val_r2.size),
                "threshold": self.sweep.threshold, "settings": self.sweep.settings.as_dict(),
                "median": self.median.tolist(), "lowest": self.val_r2.min(axis=1).tolist(),
                "val_r2": self.val_r2.tolist(), "summary": self.summary(),
                "condition_holds": self.condition_holds()}


def run_sweep(sweep: Sweep = SWEEP, workers: int = 1) -> SweepResult:
    result = train_batched(sweep.nets, sweep.settings, chunk=sweep.chunk, workers=workers)
    val = result.val_accuracy("r2")[-1].reshape(len(sweep.combos), len(sweep.seeds))
    return SweepResult(sweep, sweep.combos, val)


@dataclass
class SpeedResult:
    speed: LearningSpeed
    iterations: np.ndarray  # (starts, seeds): first iteration with validation R² ≥ target; inf if never

    def to_json(self) -> dict:
        """The published values (``{{ speed.… }}``): per start, the median iterations to the
        target, the fastest and slowest seed, and how many seeds reached it."""
        sp = self.speed
        out = []
        for start, row in zip(sp.starts, self.iterations):
            reached = row[np.isfinite(row)]
            median = float(np.median(row))  # a run that never reaches the target counts as slowest
            out.append({"init": str(InitSpec.parse(start)), "median": median if np.isfinite(median) else None,
                        "fastest": float(reached.min()) if reached.size else None,
                        "slowest": float(reached.max()) if reached.size else None,
                        "reached": int(reached.size),
                        "iterations": [int(v) if np.isfinite(v) else None for v in row]})
        return {"target": sp.target, "seeds": list(sp.seeds), "n_seeds": len(sp.seeds),
                "settings": sp.settings.as_dict(), "starts": out}


def run_speed(speed: LearningSpeed = LEARNING_SPEED, workers: int = 1) -> SpeedResult:
    """Train every start with every seed (a checkpoint every epoch); record when each run's
    validation R² first reaches the target."""
    nets = [(s, seed) for s in speed.starts for seed in speed.seeds]
    r = train_batched(nets, speed.settings, chunk=speed.chunk, workers=workers)
    reached = r.val_accuracy("r2") >= speed.target  # (checkpoints, nets)
    first = np.where(reached.any(axis=0), r.iteration[reached.argmax(axis=0)], np.inf)
    # equivalent mutants: already float
    return SpeedResult(speed, first.reshape(len(speed.starts), len(speed.seeds)).astype(float))  # pragma: no mutate
