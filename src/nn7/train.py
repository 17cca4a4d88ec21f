"""Mini-batch SGD for the 1-n-1 network, with checkpoints, a history and the book's log.

The step is formulas 7.4.1–7.4.11 again (see :mod:`nn7.network` for the one-line-per-formula
version that the trace uses); here every array lives in a buffer allocated once, and the
bias is folded into its weight matrix as an extra row: [X 1]·[W1; B1] = X·W1 + B1. The same
trick turns the bias gradients into one more row of the weight gradients, and makes the
update of all four parameters a single array operation. Tests hold both versions equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NamedTuple

import numpy as np

from .data import DataLoader
from .errors import DivergenceError
from .fmt import array_line
from .inits import InitSpec, make_params
from .metrics import Accuracies, accuracy_from_loss
from .params import PARAM_NAMES, Params
from .rng import streams
from .settings import TrainSettings


class Checkpoint(NamedTuple):
    """The losses (7.4.4) after an epoch, and var(y) of each set (for the accuracies)."""

    epoch: int  # 0-based, as the book prints it
    iteration: int
    train_loss: float
    val_loss: float
    train_var: float
    val_var: float

    def log_line(self, accuracy: str = "r2") -> str:
        """The book's log line for this checkpoint, its accuracy labelled for what it is:
        ``R²`` for R², ``accu`` only for the printed book's 1 − loss/var(y) (``book``)."""
        t = accuracy_from_loss(self.train_loss, self.train_var, accuracy)
        v = accuracy_from_loss(self.val_loss, self.val_var, accuracy)
        label = ACCURACY_LABELS[accuracy]
        return (f"轮数 {self.epoch}, 迭代 {self.iteration}, 训练集: loss {self.train_loss:.6f}, {label} {t:.4f}, "
                f"验证集: loss {self.val_loss:.6f}, {label} {v:.4f}")


ACCURACY_LABELS = {"r2": "R²", "book": "accu"}  # the word before each accuracy in a log line


def param_lines(params: Params) -> list[str]:
    """The book's printout of the parameters after training: ``W1 = [[…]]`` …"""
    return [f"{name} = {array_line(a)}" for name, a in params.as_dict().items()]


@dataclass
class History(Accuracies):
    """One row per checkpoint. Losses are (7.4.4); accuracies derive from them."""

    epoch: np.ndarray
    iteration: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    train_var: float  # var(y) of the training labels (scaled)
    val_var: float

    def rows(self, kind: str = "r2"):
        """(iteration, train loss, train accuracy, validation loss, validation accuracy)."""
        return np.column_stack([self.iteration, self.train_loss, self.train_accuracy(kind),
                                self.val_loss, self.val_accuracy(kind)])

    def checkpoints(self) -> list[Checkpoint]:
        return [Checkpoint(int(e), int(i), float(t), float(v), self.train_var, self.val_var)
                for e, i, t, v in zip(self.epoch, self.iteration, self.train_loss, self.val_loss)]


@dataclass
class TrainResult:
    settings: TrainSettings
    init: str  # the canonical InitSpec
    seed: int
    initial: Params
    params: Params  # after the last step
    history: History
    source: str = "train7.txt"
    x_scaler: object = field(default=None, repr=False)
    y_scaler: object = field(default=None, repr=False)
    train_xy: tuple = field(default=None, repr=False)  # scaled (x, y) of the training set

    def final(self, kind: str = "r2") -> dict[str, float]:
        h = self.history
        return {"train_loss": float(h.train_loss[-1]), f"train_{kind}": float(h.train_accuracy(kind)[-1]),
                "val_loss": float(h.val_loss[-1]), f"val_{kind}": float(h.val_accuracy(kind)[-1])}

    def log_lines(self, accuracy: str = "r2") -> list[str]:
        """The book's log: a line per checkpoint, then the final parameters."""
        return [c.log_line(accuracy) for c in self.history.checkpoints()] + param_lines(self.params)

    def log_tail(self, accuracy: str = "r2", checkpoints: int = 2) -> str:
        """The last ``checkpoints`` log lines and the final parameters, as the text prints them."""
        lines = self.log_lines(accuracy)
        return "\n".join(lines[-(checkpoints + len(PARAM_NAMES)):]) + "\n"

    def predict(self, x_original: np.ndarray) -> np.ndarray:
        """Predictions in original units for inputs in original units (scaled in, un-scaled out)."""
        from .network import predict

        x = self.x_scaler.scale(np.asarray(x_original).reshape(-1, self.params.W1.shape[0]))
        return self.y_scaler.unscale(predict(self.params, x))

    def to_json(self) -> dict:
        return {
            "init": self.init, "seed": self.seed, "settings": self.settings.as_dict(),
            "final": self.final("r2") | {k: v for k, v in self.final("book").items() if "book" in k},
            "params": self.params.to_json(),
            "history": {"iteration": self.history.iteration.tolist(),
                        "train_loss": self.history.train_loss.tolist(),
                        "train_r2": self.history.train_accuracy("r2").tolist(),
                        "val_loss": self.history.val_loss.tolist(),
                        "val_r2": self.history.val_accuracy("r2").tolist()},
        }


class FoldedParams:
    """W1, B1, W2, B2 as views into one flat vector, with Wa1 = [W1; B1] (d+1, n)."""

    def __init__(self, p: Params):
        d, n = p.W1.shape
        self.d, self.n = d, n
        self.flat = np.empty((d + 1) * n + n + 1)
        self.Wa1 = self.flat[: (d + 1) * n].reshape(d + 1, n)
        self.W2 = self.flat[(d + 1) * n: (d + 2) * n].reshape(n, 1)
        self.B2 = self.flat[(d + 2) * n:].reshape(1, 1)
        self.Wa1[:d], self.Wa1[d:], self.W2[:], self.B2[:] = p.W1, p.B1, p.W2, p.B2

    def like(self) -> "FoldedParams":
        """Another flat vector with the same layout (for the gradients)."""
        return FoldedParams(self.params())

    def params(self) -> Params:
        d = self.d
        return Params(self.Wa1[:d].copy(), self.Wa1[d:].copy(), self.W2.copy(), self.B2.copy())


dot, tanh, add, subtract, multiply = np.dot, np.tanh, np.add, np.subtract, np.multiply


def make_sgd_step(P: FoldedParams, G: FoldedParams, Xa: np.ndarray, Y: np.ndarray, lr: float):
    """One SGD step on the batch Xa = [X 1] (m, d+1), Y (m, 1), as a function of no arguments.

    Every array the step needs is allocated here, once; the step itself only fills them."""
    m, n = len(Xa), P.n
    Z1, A1, Z2 = np.empty((m, n)), np.empty((m, n)), np.empty((m, 1))
    dZ2, dA1, S, dZ1 = np.empty((m, 1)), np.empty((m, n)), np.empty((m, n)), np.empty((m, n))
    ones, XaT, A1T, W2T = np.ones(m), Xa.T, A1.T, P.W2.T
    Wa1, W2, B2, flat = P.Wa1, P.W2, P.B2, P.flat
    gWa1, gW2, gB2, gflat = G.Wa1, G.W2, G.B2.reshape(1), G.flat
    lr_m = lr / m  # the gradients below are sums over the batch; the means divide by m

    def step():
        dot(Xa, Wa1, Z1)  # (7.4.1) Z1 = X·W1 + B1, as [X 1]·[W1; B1]
        tanh(Z1, A1)  # (7.4.2) A1 = tanh(Z1)
        dot(A1, W2, Z2)  # (7.4.3) Z2 = A1·W2 + B2
        add(Z2, B2, Z2)
        subtract(Z2, Y, dZ2)  # (7.4.5) dZ2 = Z2 − Y
        dot(A1T, dZ2, gW2)  # (7.4.6) m·dW2 = A1ᵀ·dZ2
        dot(ones, dZ2, gB2)  # (7.4.7) m·dB2 = Σ dZ2
        dot(dZ2, W2T, dA1)  # (7.4.8) dA1 = dZ2·W2ᵀ (W2 before the update)
        multiply(A1, A1, S)  # (7.4.9) dZ1 = dA1 ⊙ (1 − A1²)
        subtract(1.0, S, S)
        multiply(dA1, S, dZ1)
        dot(XaT, dZ1, gWa1)  # (7.4.10) m·dW1 = Xᵀ·dZ1 and (7.4.11) m·dB1 = Σ dZ1
        multiply(gflat, lr_m, gflat)  # P ← P − lr·dP, all four parameters at once
        subtract(flat, gflat, flat)

    return step


class _Evaluator:
    """Loss (7.4.4) of the current parameters on the training and validation sets at once
    (one forward pass over both), with every buffer allocated once."""

    def __init__(self, loader: DataLoader, P: FoldedParams):
        x = np.vstack([loader.train_x, loader.val_x])
        N, n, split = len(x), P.n, loader.num_train
        Xa = np.hstack([x, np.ones((N, 1))])
        self.train_Xa = Xa[:split]
        self.train_var, self.val_var = float(np.var(loader.train_y)), float(np.var(loader.val_y))
        Z1, A1, Z2, E = np.empty((N, n)), np.empty((N, n)), np.empty((N, 1)), np.empty(N)
        Et, Ev = E[:split], E[split:]
        Wa1, W2, B2, Y = P.Wa1, P.W2, P.B2, np.vstack([loader.train_y, loader.val_y])[:, 0]

        def losses() -> tuple[float, float]:
            dot(Xa, Wa1, Z1)
            tanh(Z1, A1)
            dot(A1, W2, Z2)
            add(Z2[:, 0], B2[0], E)
            subtract(E, Y, E)
            return float(dot(Et, Et)) / (2 * len(Et)), float(dot(Ev, Ev)) / (2 * len(Ev))  # mean((Z2 − Y)²)/2

        self.losses = losses


class TrainingInterrupted(KeyboardInterrupt):
    """Ctrl-C during training. ``result`` holds the checkpoints so far and the parameters as
    they were after the last complete epoch (``completed_epochs`` of them)."""

    def __init__(self, result: "TrainResult", completed_epochs: int):
        super().__init__()
        self.result = result
        self.completed_epochs = completed_epochs


def fit(params: Params, loader: DataLoader, settings: TrainSettings = TrainSettings(),
        *, init: str = "", seed: int = 0, on_epoch: Callable[[int], None] | None = None,
        on_checkpoint: Callable[[Checkpoint], None] | None = None) -> TrainResult:
    """Train ``params`` (not modified) on ``loader``'s training set; checkpoint on both sets.

    ``on_epoch(epoch)`` is called after every epoch and ``on_checkpoint(checkpoint)`` after
    every checkpoint, as they happen (for progress and a streamed log)."""
    P = FoldedParams(params)
    G = P.like()
    evaluate = _Evaluator(loader, P)
    Xa_train, Y_train = evaluate.train_Xa, loader.train_y
    Xa_ep, Y_ep = np.empty_like(Xa_train), np.empty_like(Y_train)  # this epoch's order
    N, bs = len(Xa_ep), settings.batch_size
    steps = [make_sgd_step(P, G, Xa_ep[s:s + bs], Y_ep[s:s + bs], settings.lr) for s in range(0, N, bs)]
    start_of_epoch = P.flat.copy()
    checkpoints: list[Checkpoint] = []
    iteration = epoch = 0

    def result() -> TrainResult:
        e, i, tl, vl = (np.array([c[k] for c in checkpoints]) for k in range(4))
        history = History(e, i, tl, vl, evaluate.train_var, evaluate.val_var)
        return TrainResult(settings, init, seed, params.copy(), P.params(), history, loader.source,
                           loader.x_scaler, loader.y_scaler, (loader.train_x, loader.train_y))

    try:
        with np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(settings.epochs):
                start_of_epoch[:] = P.flat
                order = loader.epoch_order()  # reshuffle every epoch
                np.take(Xa_train, order, axis=0, out=Xa_ep)
                np.take(Y_train, order, axis=0, out=Y_ep)
                for step in steps:  # consecutive batches; the last may be short
                    step()
                iteration += len(steps)
                if not np.isfinite(P.flat).all():
                    _raise_divergence(start_of_epoch, P, steps, epoch, iteration - len(steps), settings)
                if (epoch + 1) % settings.every == 0 or epoch == settings.epochs - 1:
                    checkpoints.append(Checkpoint(epoch, iteration, *evaluate.losses(),
                                                  evaluate.train_var, evaluate.val_var))
                    if on_checkpoint is not None:
                        on_checkpoint(checkpoints[-1])
                if on_epoch is not None:
                    on_epoch(epoch)
    except KeyboardInterrupt:
        done = epoch if iteration < (epoch + 1) * len(steps) else epoch + 1
        if done == epoch:
            P.flat[:] = start_of_epoch  # the epoch in progress is dropped
        raise TrainingInterrupted(result(), done) from None
    last = checkpoints[-1]
    if not (np.isfinite(last.train_loss) and np.isfinite(last.val_loss)):
        raise DivergenceError(f"training diverged: the loss overflowed after iteration {last.iteration} "
                              f"(--lr {settings.lr:g}); try a smaller learning rate", last.iteration, last.epoch)
    return result()


def _raise_divergence(start_flat, P, steps, epoch, first_iteration, settings):
    """Replay the epoch step by step to name the first iteration whose update is not finite."""
    P.flat[:] = start_flat
    for k, step in enumerate(steps, start=first_iteration + 1):
        step()
        if not np.isfinite(P.flat).all():
            raise DivergenceError(
                f"training diverged at iteration {k} (epoch {epoch}): the parameters overflowed to "
                f"inf/NaN with --lr {settings.lr:g}; try a smaller learning rate", k, epoch)
    raise AssertionError("divergence not reproduced")  # pragma: no cover, no mutate - replay is deterministic


def train(init: InitSpec | str = "case3", settings: TrainSettings = TrainSettings(), seed: int = 0,
          loader: DataLoader | None = None, samples: np.ndarray | None = None, source: str = "<array>") -> TrainResult:
    """Initialise from ``init`` with the run's ``seed`` and train on the book's data (or ``samples``)."""
    spec = InitSpec.parse(init) if isinstance(init, str) else init
    data_rng, init_rng = streams(seed)
    if loader is None:
        loader = (DataLoader.book(rng=data_rng) if samples is None
                  else DataLoader(samples, rng=data_rng, source=source))
    params = make_params(spec, init_rng, loader.num_features, settings.num_hidden)
    return fit(params, loader, settings, init=str(spec), seed=seed)
