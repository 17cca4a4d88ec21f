"""The 1-n-1 network of section 7.4: formulas 7.4.1–7.4.11, one line each.

Row-vector convention: X is (m, d) with d = 1 in the chapter, W1 (d, n), B1 (1, n),
W2 (n, 1), B2 (1, 1); n = num_hidden = 2 by default. Forward, backward and update are
separate steps, so a trace can record every intermediate, and backward reads only the
parameters as they were before the update.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .params import PARAM_NAMES, Params  # noqa: F401  (re-exported: the snippets import Params from here)


@dataclass
class Forward:
    Z1: np.ndarray
    A1: np.ndarray
    Z2: np.ndarray  # the prediction


@dataclass
class Grads:
    dZ2: np.ndarray
    dW2: np.ndarray
    dB2: np.ndarray
    dA1: np.ndarray
    dZ1: np.ndarray
    dW1: np.ndarray
    dB1: np.ndarray


def forward(p: Params, X: np.ndarray) -> Forward:
    Z1 = X @ p.W1 + p.B1  # (7.4.1)
    A1 = np.tanh(Z1)  # (7.4.2)
    Z2 = A1 @ p.W2 + p.B2  # (7.4.3)
    return Forward(Z1, A1, Z2)


def loss(Z2: np.ndarray, Y: np.ndarray) -> float:
    return float(np.mean((Z2 - Y) ** 2) / 2)  # (7.4.4)


def backward(p: Params, X: np.ndarray, Y: np.ndarray, f: Forward) -> Grads:
    m = X.shape[0]
    dZ2 = f.Z2 - Y  # (7.4.5)
    dW2 = f.A1.T @ dZ2 / m  # (7.4.6)
    # equivalent mutants: dZ2 has one column: any axis gives (1, 1)
    dB2 = np.mean(dZ2, axis=0, keepdims=True)  # (7.4.7)  # pragma: no mutate
    dA1 = dZ2 @ p.W2.T  # (7.4.8)  W2 before the update
    dZ1 = dA1 * (1 - f.A1**2)  # (7.4.9)  tanh'(Z1) = 1 - A1²
    dW1 = X.T @ dZ1 / m  # (7.4.10)
    dB1 = np.mean(dZ1, axis=0, keepdims=True)  # (7.4.11)
    return Grads(dZ2, dW2, dB2, dA1, dZ1, dW1, dB1)


def update(p: Params, g: Grads, lr: float) -> Params:
    """Plain SGD, P ← P − lr·dP, returning new arrays (``p`` is left as it was)."""
    return Params(p.W1 - lr * g.dW1, p.B1 - lr * g.dB1, p.W2 - lr * g.dW2, p.B2 - lr * g.dB2)


def predict(p: Params, X: np.ndarray) -> np.ndarray:
    return forward(p, X).Z2
