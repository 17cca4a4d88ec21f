"""Many independent networks trained at once: the same SGD, vectorised over networks.

Each network is an (init, seed) pair and gets exactly what :func:`nn7.train.train` would
give it: its own split, its own epoch orders, its own initial parameters, so each result
equals its single run (to rounding). Networks that share a seed share data, so the data
of a seed is prepared and reshuffled once per epoch for all of them.

The public arrays have a leading network axis (W1 is (K, d, n)). Inside, the network axis
is the last one, so that every NumPy operation runs over K contiguous numbers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from .data import DataLoader
from .inits import InitSpec, make_params
from .metrics import accuracy_from_loss
from .rng import streams
from .train import TrainSettings

mul, add, sub, tanh, reduce_sum, einsum = np.multiply, np.add, np.subtract, np.tanh, np.add.reduce, np.einsum


@dataclass(frozen=True)
class Net:
    init: str  # canonical InitSpec
    seed: int


@dataclass
class BatchedResult:
    nets: list[Net]
    settings: TrainSettings
    W1: np.ndarray  # (K, d, n)
    B1: np.ndarray  # (K, 1, n)
    W2: np.ndarray  # (K, n, 1)
    B2: np.ndarray  # (K, 1, 1)
    iteration: np.ndarray  # (C,) iteration of each checkpoint
    train_loss: np.ndarray  # (C, K)
    val_loss: np.ndarray  # (C, K)
    train_var: np.ndarray  # (K,)
    val_var: np.ndarray  # (K,)

    def train_accuracy(self, kind: str = "r2") -> np.ndarray:
        return accuracy_from_loss(self.train_loss, self.train_var, kind)

    def val_accuracy(self, kind: str = "r2") -> np.ndarray:
        return accuracy_from_loss(self.val_loss, self.val_var, kind)

    def params(self, k: int):
        from .network import Params

        return Params(self.W1[k], self.B1[k], self.W2[k], self.B2[k])


class _Chunk:
    """The state of K networks, network axis last: W1 (d, n, K), B1 (n, K), W2 (n, K), B2 (K,)."""

    def __init__(self, nets: list[Net], loaders: dict[int, DataLoader], settings: TrainSettings):
        self.nets = nets
        K = len(nets)
        first = loaders[nets[0].seed]
        d, n = first.num_features, settings.num_hidden
        self.d, self.n, self.K = d, n, K
        # parameters and gradients: one flat (P, K) array each, the four parameters as views
        sizes = (d * n, n, n, 1)
        self.P, self.G = np.empty((sum(sizes), K)), np.empty((sum(sizes), K))
        self.W1, self.B1, self.W2, self.B2 = _views(self.P, sizes, d, n)
        self.gW1, self.gB1, self.gW2, self.gB2 = _views(self.G, sizes, d, n)
        for k, net in enumerate(nets):
            loader = loaders[net.seed]
            p = make_params(net.init, streams(net.seed).init, d, n)
            self.W1[:, :, k], self.B1[:, k], self.W2[:, k], self.B2[k] = p.W1, p.B1[0], p.W2[:, 0], p.B2[0, 0]
        # the seed groups: contiguous ranges of the network axis (nets are sorted by seed)
        self.groups: list[tuple[slice, DataLoader]] = []
        start = 0
        for k in range(1, K + 1):
            if k == K or nets[k].seed != nets[start].seed:
                self.groups.append((slice(start, k), loaders[nets[start].seed]))
                start = k
        self.train = _Set([(sl, g.train_x, g.train_y) for sl, g in self.groups], K, n)
        self.val = _Set([(sl, g.val_x, g.val_y) for sl, g in self.groups], K, n)

    def load_epoch(self, X: np.ndarray, Y: np.ndarray):
        """Reshuffle each seed's training set (one draw per seed) into X (N, d, K), Y (N, K)."""
        for sl, loader in self.groups:
            order = loader.epoch_order()
            X[:, :, sl] = loader.train_x[order][:, :, None]
            Y[:, sl] = loader.train_y[order]


def _views(flat, sizes, d, n):
    a, b, c = sizes[0], sizes[0] + sizes[1], sizes[0] + sizes[1] + sizes[2]
    K = flat.shape[1]
    return flat[:a].reshape(d, n, K), flat[a:b], flat[b:c], flat[c]


class _Buffers:
    def __init__(self, m: int, n: int, K: int):
        self.Z1 = np.empty((m, n, K))
        self.A1 = np.empty((m, n, K))
        self.T = np.empty((m, n, K))
        self.Z2 = np.empty((m, K))
        self.dZ2 = np.empty((m, K))
        self.XdZ2 = np.empty((m, K))


def _forward(c: _Chunk, X, b: _Buffers):
    mul(X[:, 0, None, :], c.W1[0], b.Z1)  # (7.4.1) Z1 = X·W1 + B1
    for i in range(1, c.d):
        mul(X[:, i, None, :], c.W1[i], b.T)
        add(b.Z1, b.T, b.Z1)
    add(b.Z1, c.B1, b.Z1)
    tanh(b.Z1, b.A1)  # (7.4.2) A1 = tanh(Z1)
    einsum("mnk,nk->mk", b.A1, c.W2, out=b.Z2)  # (7.4.3) Z2 = A1·W2 + B2
    add(b.Z2, c.B2, b.Z2)


def _step(c: _Chunk, X, Y, b: _Buffers, lr_m: float):
    """One SGD step of every network on its batch X (m, d, K), Y (m, K); lr_m = lr / m."""
    _forward(c, X, b)
    sub(b.Z2, Y, b.dZ2)  # (7.4.5) dZ2 = Z2 − Y
    einsum("mnk,mk->nk", b.A1, b.dZ2, out=c.gW2)  # (7.4.6) m·dW2 = A1ᵀ·dZ2
    reduce_sum(b.dZ2, 0, None, c.gB2)  # (7.4.7) m·dB2 = Σ dZ2
    # (7.4.8) dA1 = dZ2·W2ᵀ and (7.4.9) dZ1 = dA1 ⊙ (1 − A1²) are never stored whole:
    # W2 is the same for every sample, so the sums over the batch below are taken of
    # dZ2 ⊙ (1 − A1²) and multiplied by W2 afterwards.
    mul(b.A1, b.A1, b.T)
    sub(1.0, b.T, b.T)  # 1 − A1²
    for i in range(c.d):  # (7.4.10) m·dW1 = Xᵀ·dZ1
        mul(X[:, i], b.dZ2, b.XdZ2)
        einsum("mk,mnk->nk", b.XdZ2, b.T, out=c.gW1[i])
        mul(c.gW1[i], c.W2, c.gW1[i])
    einsum("mk,mnk->nk", b.dZ2, b.T, out=c.gB1)  # (7.4.11) m·dB1 = Σ dZ1
    mul(c.gB1, c.W2, c.gB1)
    mul(c.G, lr_m, c.G)  # P ← P − lr·dP, all parameters of all networks at once
    sub(c.P, c.G, c.P)


class _Set:
    """A fixed evaluation set per network (train or validation), network axis last."""

    def __init__(self, parts, K: int, n: int):
        N, d = parts[0][1].shape
        self.X = np.empty((N, d, K))
        self.Y = np.empty((N, K))
        for sl, x, y in parts:
            self.X[:, :, sl] = x[:, :, None]
            self.Y[:, sl] = y
        self.var = np.var(self.Y, axis=0)
        self.b = _Buffers(N, n, K)
        self.N = N

    def loss(self, c: _Chunk) -> np.ndarray:
        _forward(c, self.X, self.b)
        sub(self.b.Z2, self.Y, self.b.dZ2)
        mul(self.b.dZ2, self.b.dZ2, self.b.dZ2)
        return reduce_sum(self.b.dZ2, 0) / (2 * self.N)  # (7.4.4) per network


def _train_chunk(nets: list[Net], settings: TrainSettings, samples, source):
    loaders = {}
    for net in nets:
        if net.seed not in loaders:
            rng = streams(net.seed).data
            loaders[net.seed] = (DataLoader.book(rng=rng) if samples is None
                                 else DataLoader(samples, rng=rng, source=source))
    c = _Chunk(nets, loaders, settings)
    N = c.train.N
    X, Y = np.empty((N, c.d, c.K)), np.empty((N, c.K))
    bs = settings.batch_size
    buffers: dict[int, _Buffers] = {}
    batches = []
    for s in range(0, N, bs):
        m = min(bs, N - s)
        buffers.setdefault(m, _Buffers(m, c.n, c.K))
        batches.append((X[s:s + m], Y[s:s + m], buffers[m], settings.lr / m))
    its, tl, vl = [], [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(settings.epochs):
            c.load_epoch(X, Y)
            for Xb, Yb, b, lr_m in batches:
                _step(c, Xb, Yb, b, lr_m)
            if (epoch + 1) % settings.every == 0 or epoch == settings.epochs - 1:
                its.append((epoch + 1) * len(batches))
                tl.append(c.train.loss(c))
                vl.append(c.val.loss(c))
    K = c.K
    return dict(W1=np.moveaxis(c.W1, -1, 0).copy(), B1=c.B1.T.reshape(K, 1, c.n).copy(),
                W2=c.W2.T.reshape(K, c.n, 1).copy(), B2=c.B2.reshape(K, 1, 1).copy(),
                iteration=np.array(its), train_loss=np.array(tl), val_loss=np.array(vl),
                train_var=c.train.var, val_var=c.val.var)


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def train_batched(nets: list[Net | tuple[str, int]], settings: TrainSettings = TrainSettings(),
                  samples: np.ndarray | None = None, source: str = "<array>",
                  chunk: int = 256, workers: int = 1) -> BatchedResult:
    """Train every (init, seed) in ``nets`` at once; ``chunk`` networks share one set of
    arrays, and chunks run in ``workers`` processes (1: in this process)."""
    nets = [n if isinstance(n, Net) else Net(str(InitSpec.parse(n[0]) if isinstance(n[0], str) else n[0]), int(n[1]))
            for n in nets]
    order = sorted(range(len(nets)), key=lambda k: nets[k].seed)  # group by seed (stable)
    sorted_nets = [nets[k] for k in order]
    chunks = [sorted_nets[i:i + chunk] for i in range(0, len(sorted_nets), chunk)]
    jobs = [(ch, settings, samples, source) for ch in chunks]
    if workers > 1 and len(chunks) > 1:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(min(workers, len(chunks))) as pool:
            parts = pool.starmap(_train_chunk, jobs)
    else:
        parts = [_train_chunk(*job) for job in jobs]
    merged = {key: np.concatenate([p[key] for p in parts], axis=-1 if key.endswith("loss") else 0)
              for key in ("W1", "B1", "W2", "B2", "train_loss", "val_loss", "train_var", "val_var")}
    inverse = np.empty(len(order), dtype=int)
    inverse[order] = np.arange(len(order))
    for key in merged:  # back to the caller's order
        merged[key] = merged[key][:, inverse] if key.endswith("loss") else merged[key][inverse]
    return BatchedResult(nets, settings, iteration=parts[0]["iteration"], **merged)
