"""The fast paths agree with the plain versions: nn7.train.train with bench/reference.py (to
tolerances.FAST_PATH), nn7.batched.train_batched with single runs (to tolerances.BATCHED).
Short runs; no timing."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from nn7.batched import train_batched
from nn7.data import book_samples, book_split
from nn7.tolerances import BATCHED, FAST_PATH
from nn7.train import TrainSettings, train

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from reference import train_reference  # noqa: E402

TOL_REFERENCE = FAST_PATH
TOL_BATCHED = BATCHED


def _max_abs(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a, float) - np.asarray(b, float))))


@pytest.mark.parametrize("init, seed, epochs, batch_size, every", [
    ("case1", 0, 20, 32, 1),
    ("case2", 1, 20, 32, 1),
    ("case3", 0, 20, 32, 1),
    ("case3", 5, 20, 32, 1),
    ("random", 2, 20, 32, 1),
    ("random", 3, 20, 30, 1),  # 800 = 26·30 + 20: the last batch of every epoch is short
    ("case3", 4, 21, 30, 4),  # checkpoints every 4 epochs, and after the last (21st) one
])
def test_train_equals_reference(init, seed, epochs, batch_size, every):
    settings = TrainSettings(lr=0.5, epochs=epochs, batch_size=batch_size, every=every)
    r = train(init, settings, seed=seed)
    params, history = train_reference(book_samples(), r.initial.arrays(), seed=seed, lr=0.5, epochs=epochs,
                                      batch_size=batch_size, every=every)
    for name, ours, theirs in zip(("W1", "B1", "W2", "B2"), r.params.arrays(), params):
        assert ours.shape == theirs.shape, name
        assert _max_abs(ours, theirs) <= TOL_REFERENCE, name
    rows = r.history.rows("r2")  # (iteration, train loss, train R², val loss, val R²)
    assert rows.shape == history.shape
    expected_checkpoints = len([e for e in range(epochs) if (e + 1) % every == 0 or e == epochs - 1])
    assert len(rows) == expected_checkpoints
    assert np.array_equal(rows[:, 0], history[:, 0])  # iterations
    per_epoch = -(-book_split()[0] // batch_size)
    assert rows[-1, 0] == epochs * per_epoch
    for k, (ours, theirs) in enumerate(zip(rows, history)):
        assert _max_abs(ours, theirs) <= TOL_REFERENCE, f"history row {k}"


# 12 networks over 3 seeds, zeros/ones/normal mixed, deliberately not sorted by seed
NETS = [
    ("case3", 2), ("W1=normal,B1=ones,W2=normal,B2=zeros", 0), ("case1", 1), ("random", 2),
    ("case2", 0), ("W1=ones,B1=zeros,W2=normal,B2=normal", 1), ("case1-b2", 2), ("case3", 0),
    ("W1=zeros,B1=normal,W2=ones,B2=ones", 1), ("case2-w-ones", 2), ("random", 0), ("random", 1),
]
SETTINGS = TrainSettings(lr=0.5, epochs=20, batch_size=32, every=5)


@pytest.fixture(scope="module")
def singles():
    return [train(init, SETTINGS, seed=seed) for init, seed in NETS]


@pytest.mark.parametrize("workers, chunk", [(1, 256), (1, 5), (2, 4)])
def test_batched_equals_single_runs(singles, workers, chunk):
    res = train_batched(NETS, SETTINGS, chunk=chunk, workers=workers)
    assert [n.seed for n in res.nets] == [s for _, s in NETS]  # the caller's order
    assert res.train_loss.shape == res.val_loss.shape == (4, len(NETS))  # epochs 5, 10, 15, 20
    for k, single in enumerate(singles):
        h = single.history
        assert np.array_equal(res.iteration, h.iteration)
        for name, ours, theirs in zip(("W1", "B1", "W2", "B2"), res.params(k).arrays(), single.params.arrays()):
            assert ours.shape == theirs.shape, name
            assert _max_abs(ours, theirs) <= TOL_BATCHED, (NETS[k], name)
        assert _max_abs(res.train_loss[:, k], h.train_loss) <= TOL_BATCHED, NETS[k]
        assert _max_abs(res.val_loss[:, k], h.val_loss) <= TOL_BATCHED, NETS[k]
        assert _max_abs(res.val_accuracy("r2")[:, k], h.val_accuracy("r2")) <= TOL_BATCHED, NETS[k]


# More seeds in one chunk than nn7.batched.GEMM_GROUPS: the first layer then runs
# elementwise on each network's own copy of the data instead of as products per seed.
MANY_SEEDS = [("random", s) for s in range(6)] + [("case3", s) for s in range(6, 12)]


@pytest.mark.parametrize("chunk", [None, 5])
def test_batched_with_many_seeds_equals_single_runs(chunk):
    from nn7 import batched

    assert len({s for _, s in MANY_SEEDS}) > batched.GEMM_GROUPS
    res = train_batched(MANY_SEEDS, SETTINGS, chunk=chunk)
    for k, (init, seed) in enumerate(MANY_SEEDS):
        single = train(init, SETTINGS, seed=seed)
        for ours, theirs in zip(res.params(k).arrays(), single.params.arrays()):
            assert _max_abs(ours, theirs) <= TOL_BATCHED, (init, seed)
        assert _max_abs(res.val_loss[:, k], single.history.val_loss) <= TOL_BATCHED


@pytest.mark.parametrize("seeds", [[0, 0, 1], list(range(10))])
def test_batched_with_two_inputs_equals_single_runs(seeds):
    """A data set with two feature columns (d = 2), through both first-layer paths."""
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 1, size=(60, 2))
    samples = np.column_stack([x, np.sin(3 * x[:, 0]) + x[:, 1] ** 2])
    nets = [("random", s) for s in seeds]
    settings = TrainSettings(lr=0.3, epochs=6, batch_size=7, every=2)
    res = train_batched(nets, settings, samples=samples)
    for k, (init, seed) in enumerate(nets):
        single = train(init, settings, seed=seed, samples=samples)
        for ours, theirs in zip(res.params(k).arrays(), single.params.arrays()):
            assert ours.shape == theirs.shape and _max_abs(ours, theirs) <= TOL_BATCHED
