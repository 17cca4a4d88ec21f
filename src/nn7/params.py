"""The parameters of the 1-n-1 network: W1 (d, n), B1 (1, n), W2 (n, 1), B2 (1, 1), in the
order the text names them. The formulas that use them are in :mod:`nn7.network`."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

PARAM_NAMES = ("W1", "B1", "W2", "B2")


@dataclass
class Params:
    W1: np.ndarray  # (d, n)
    B1: np.ndarray  # (1, n)
    W2: np.ndarray  # (n, 1)
    B2: np.ndarray  # (1, 1)

    @property
    def num_hidden(self) -> int:
        return self.W1.shape[1]

    def copy(self) -> "Params":
        return Params(*(np.array(a, dtype=np.float64) for a in self.arrays()))  # np.array copies

    def arrays(self) -> tuple[np.ndarray, ...]:
        return tuple(getattr(self, f.name) for f in fields(self))

    def as_dict(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def to_json(self) -> dict[str, list]:
        """W1 … B2 as nested lists (``nn7 train --json``'s ``params``)."""
        return {name: a.tolist() for name, a in self.as_dict().items()}


def shapes(num_features: int = 1, num_hidden: int = 2) -> dict[str, tuple[int, int]]:
    return {"W1": (num_features, num_hidden), "B1": (1, num_hidden),
            "W2": (num_hidden, 1), "B2": (1, 1)}
