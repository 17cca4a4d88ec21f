"""Loss and accuracy. The printed book's "accu" is 1 − loss/var(y) on the *halved* loss, so a
constant predictor scores 0.5; the coefficient of determination R² = 1 − mean((z−y)²)/var(y)
scores 0. Both come from the same loss: book accuracy = (1 + R²) / 2."""

from __future__ import annotations

import numpy as np

ACCURACY_KINDS = ("r2", "book")


def half_mse(z: np.ndarray, y: np.ndarray) -> float:
    """Loss (7.4.4): mean((z − y)²) / 2."""
    return float(np.mean((z - y) ** 2) / 2)


def r2_from_loss(loss, var_y):
    return 1 - 2 * loss / var_y  # R² = 1 − mean((z−y)²)/var(y)


def book_accuracy_from_loss(loss, var_y):
    return 1 - loss / var_y  # the printed book's convention


def accuracy_from_loss(loss, var_y, kind: str = "r2"):
    if kind == "r2":
        return r2_from_loss(loss, var_y)
    if kind == "book":
        return book_accuracy_from_loss(loss, var_y)
    raise ValueError(f"unknown accuracy {kind!r}; choose from {', '.join(ACCURACY_KINDS)}")


def r2(z: np.ndarray, y: np.ndarray) -> float:
    return float(r2_from_loss(half_mse(z, y), np.var(y)))
