"""The fast paths agree with the reference loop (nn7.reference): nn7.train.train to
tolerances.FAST_PATH, nn7.batched.train_batched to tolerances.BATCHED, each run from the same
start on the same data. Short runs; no timing."""

from __future__ import annotations

import numpy as np
import pytest

from nn7.batched import train_batched
from nn7.data import DataLoader, book_split
from nn7.errors import DivergenceError
from nn7.reference import train_reference
from nn7.rng import streams
from nn7.tolerances import BATCHED, FAST_PATH
from nn7.train import TrainSettings, train


def reference_run(initial, settings, seed, samples=None):
    """The reference loop from the same start, on the data ``seed`` draws (as train() draws it)."""
    data_rng = streams(seed).data
    loader = DataLoader.book(rng=data_rng) if samples is None else DataLoader(samples, rng=data_rng)
    return train_reference(initial, loader, settings)

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
    params, history = reference_run(r.initial, settings, seed)
    for name, ours, theirs in zip(("W1", "B1", "W2", "B2"), r.params.arrays(), params.arrays()):
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


@pytest.fixture(scope="module")
def references(singles):
    return [reference_run(single.initial, SETTINGS, seed) for single, (_, seed) in zip(singles, NETS)]


@pytest.mark.parametrize("lr, batch_size", [(5.0, 32), (8.0, 100), (40.0, 1)])
def test_divergence_is_reported_at_the_references_iteration(lr, batch_size):
    """The fast path names the first iteration whose update is not finite, as the reference does."""
    settings = TrainSettings(lr=lr, epochs=50, batch_size=batch_size)
    with pytest.raises(DivergenceError) as reference:
        reference_run(train("random", TrainSettings(epochs=1), seed=3).initial, settings, 3)
    with pytest.raises(DivergenceError) as fast:
        train("random", settings, seed=3)
    assert (fast.value.iteration, fast.value.epoch) == (reference.value.iteration, reference.value.epoch)
    assert f"iteration {reference.value.iteration} " in str(fast.value)


@pytest.mark.parametrize("workers, chunk", [(1, 256), (1, 5), (2, 4)])
def test_batched_equals_the_reference(references, workers, chunk):
    res = train_batched(NETS, SETTINGS, chunk=chunk, workers=workers)
    assert [n.seed for n in res.nets] == [s for _, s in NETS]  # the caller's order
    assert res.train_loss.shape == res.val_loss.shape == (4, len(NETS))  # epochs 5, 10, 15, 20
    for k, (params, history) in enumerate(references):
        assert np.array_equal(res.iteration, history[:, 0])
        for name, ours, theirs in zip(("W1", "B1", "W2", "B2"), res.params(k).arrays(), params.arrays()):
            assert ours.shape == theirs.shape, name
            assert _max_abs(ours, theirs) <= TOL_BATCHED, (NETS[k], name)
        assert _max_abs(res.train_loss[:, k], history[:, 1]) <= TOL_BATCHED, NETS[k]
        assert _max_abs(res.train_accuracy("r2")[:, k], history[:, 2]) <= TOL_BATCHED, NETS[k]
        assert _max_abs(res.val_loss[:, k], history[:, 3]) <= TOL_BATCHED, NETS[k]
        assert _max_abs(res.val_accuracy("r2")[:, k], history[:, 4]) <= TOL_BATCHED, NETS[k]


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
