"""Loss and accuracy. The printed book's "accu" is 1 − loss/var(y) on the *halved* loss, so a
constant predictor scores 0.5; the coefficient of determination R² = 1 − mean((z−y)²)/var(y)
scores 0. Both come from the same loss: book accuracy = (1 + R²) / 2."""

from __future__ import annotations

import numpy as np

ACCURACY_KINDS = ("r2", "book")


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
    return float(1 - np.mean((z - y) ** 2) / np.var(y))  # R² = 1 − mean((z−y)²)/var(y)


class Accuracies:
    """Accuracies of recorded losses, for a class with ``train_loss``, ``val_loss`` (the losses
    (7.4.4) at each checkpoint) and ``train_var``, ``val_var`` (var(y) of each set)."""

    def train_accuracy(self, kind: str = "r2"):
        return accuracy_from_loss(self.train_loss, self.train_var, kind)

    def val_accuracy(self, kind: str = "r2"):
        return accuracy_from_loss(self.val_loss, self.val_var, kind)
