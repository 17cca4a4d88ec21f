"""The reference trainer for `make bench`: the plain NumPy program a reader would write from
formulas 7.4.1–7.4.11 (allocate per step, ``np.var`` per checkpoint, fancy-index shuffles).

It is self-contained on purpose (it shares no code with nn7's trainer) and consumes random
numbers exactly as nn7 does, so for the same seed both must agree to 1e-12.
"""

from __future__ import annotations

import numpy as np


def train_reference(samples, init, *, seed, lr=0.5, epochs=1000, batch_size=32, every=1):
    """Train on raw ``samples`` (n, 2) from the initial ``init`` = (W1, B1, W2, B2).

    Returns ((W1, B1, W2, B2), history) with history rows
    (iteration, train loss, train R², validation loss, validation R²)."""
    data_seq, _ = np.random.SeedSequence(seed).spawn(2)
    rng = np.random.default_rng(data_seq)
    x, y = samples[:, :1], samples[:, 1:]
    x = (x - x.min()) / (x.max() - x.min())
    y = (y - y.min()) / (y.max() - y.min())
    order = rng.permutation(len(x))
    x, y = x[order], y[order]
    n_train = int(len(x) * 0.8)
    xt, yt, xv, yv = x[:n_train], y[:n_train], x[n_train:], y[n_train:]
    W1, B1, W2, B2 = (np.array(a, dtype=float) for a in init)

    def evaluate(X, Y):
        Z2 = np.tanh(X @ W1 + B1) @ W2 + B2
        loss = np.mean((Z2 - Y) ** 2) / 2
        return loss, 1 - np.mean((Z2 - Y) ** 2) / np.var(Y)

    history = []
    iteration = 0
    for epoch in range(epochs):
        perm = rng.permutation(n_train)
        xs, ys = xt[perm], yt[perm]
        for start in range(0, n_train, batch_size):
            X, Y = xs[start:start + batch_size], ys[start:start + batch_size]
            m = len(X)
            Z1 = X @ W1 + B1
            A1 = np.tanh(Z1)
            Z2 = A1 @ W2 + B2
            dZ2 = Z2 - Y
            dW2 = A1.T @ dZ2 / m
            dB2 = np.mean(dZ2, axis=0, keepdims=True)
            dA1 = dZ2 @ W2.T
            dZ1 = dA1 * (1 - A1 ** 2)
            dW1 = X.T @ dZ1 / m
            dB1 = np.mean(dZ1, axis=0, keepdims=True)
            W1 = W1 - lr * dW1
            B1 = B1 - lr * dB1
            W2 = W2 - lr * dW2
            B2 = B2 - lr * dB2
            iteration += 1
        if (epoch + 1) % every == 0 or epoch == epochs - 1:
            history.append((iteration, *evaluate(xt, yt), *evaluate(xv, yv)))
    return (W1, B1, W2, B2), np.array(history)
