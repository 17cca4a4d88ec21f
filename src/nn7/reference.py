"""The training loop of section 7.7, written plainly: the chapter's mini-batch SGD, one formula
per line, with nothing fused, folded or preallocated.

This is the library's reference. :mod:`nn7.train` (the single-run fast path), :mod:`nn7.batched`
(many networks at once) and the browser lab's JavaScript engine do the same arithmetic faster,
and the tests hold each of them equal to this loop. Read this one first.
"""

from __future__ import annotations

import numpy as np

from .data import DataLoader
from .errors import DivergenceError
from .network import backward, forward, loss, update
from .params import Params
from .settings import TrainSettings


def evaluate(p: Params, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(loss, R²) of the parameters ``p`` on one set."""
    z = forward(p, x).Z2  # (7.4.1)–(7.4.3)
    e = loss(z, y)  # (7.4.4) half the mean squared error
    return e, 1 - 2 * e / float(np.var(y))  # R² = 1 − mean((z−y)²)/var(y)


def train_reference(params: Params, loader: DataLoader, settings: TrainSettings = TrainSettings()):
    """Train a copy of ``params`` on ``loader``'s training set.

    Returns (the final parameters, the history): one row per checkpoint, (iteration, training
    loss, training R², validation loss, validation R²), after every ``settings.every``-th epoch
    and after the last. Raises DivergenceError at the first update that is not finite."""
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is caught below, by iteration
        return _train(params, loader, settings)


def _train(params: Params, loader: DataLoader, settings: TrainSettings):
    p = params.copy()
    history = []
    iteration = 0
    for epoch in range(settings.epochs):
        for x, y in loader.epoch_batches(settings.batch_size):  # reshuffle, then consecutive batches
            f = forward(p, x)  # (7.4.1) Z1 = X·W1 + B1, (7.4.2) A1 = tanh(Z1), (7.4.3) Z2 = A1·W2 + B2
            g = backward(p, x, y, f)  # (7.4.5)–(7.4.11): dZ2, dW2, dB2, dA1, dZ1, dW1, dB1
            p = update(p, g, settings.lr)  # W ← W − lr·dW, B ← B − lr·dB
            iteration += 1
            if not all(np.isfinite(a).all() for a in p.arrays()):  # an overflow: inf or NaN
                raise DivergenceError(f"training diverged at iteration {iteration} (epoch {epoch})", iteration, epoch)
        if (epoch + 1) % settings.every == 0 or epoch == settings.epochs - 1:
            history.append((iteration, *evaluate(p, loader.train_x, loader.train_y),
                            *evaluate(p, loader.val_x, loader.val_y)))
    return p, np.array(history)
