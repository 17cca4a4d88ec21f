"""How to train: the settings of a run, with the book's as defaults."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from .errors import Nn7Error


@dataclass(frozen=True)
class TrainSettings:
    """How to train. The defaults are the book's settings in section 7.7 (lr 0.5, 1000 epochs,
    batch 32, a checkpoint every epoch, 2 hidden units); they are stated only here."""

    lr: float = 0.5
    epochs: int = 1000
    batch_size: int = 32
    every: int = 1  # a checkpoint every `every` epochs (and always after the last one)
    num_hidden: int = 2

    # the command-line option of each field (errors name the option a user typed)
    OPTIONS = {"lr": "--lr", "epochs": "--epochs", "batch_size": "--batch-size", "every": "--every",
               "num_hidden": "--hidden"}

    def __post_init__(self):
        checks = (("lr", self.lr, "a learning rate"), ("epochs", self.epochs, "a number of epochs"),
                  ("batch_size", self.batch_size, "a batch size"), ("every", self.every, "a checkpoint interval"),
                  ("num_hidden", self.num_hidden, "a number of hidden units"))
        for name, value, what in checks:
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise Nn7Error(f"{self.OPTIONS[name]} must be > 0 ({what}), got {value!r}")
        for name in ("epochs", "batch_size", "every", "num_hidden"):
            if int(getattr(self, name)) != getattr(self, name):
                raise Nn7Error(f"{self.OPTIONS[name]} must be a whole number, got {getattr(self, name)!r}")

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}
