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
from .metrics import Accuracies
from .rng import streams
from .train import TrainSettings

MAX_CHUNK = 512  # networks per chunk: larger arrays stop paying off and cost memory
mul, add, sub, tanh, reduce_sum, einsum = np.multiply, np.add, np.subtract, np.tanh, np.add.reduce, np.einsum


@dataclass(frozen=True)
class Net:
    init: str  # canonical InitSpec
    seed: int


@dataclass
class BatchedResult(Accuracies):
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

    def params(self, k: int):
        from .network import Params

        return Params(self.W1[k], self.B1[k], self.W2[k], self.B2[k])


GEMM_GROUPS = 8  # up to this many seeds in a chunk, layer 1 runs as products per seed


class _SharedInputs:
    """Inputs of networks that share their data with the other networks of their seed: the
    first layer is then, per seed group and hidden unit, one matrix product [X 1]·[W1; B1]."""

    def __init__(self, groups: list[tuple[slice, np.ndarray]]):
        self.groups = groups  # (network range, [X 1] of that seed: (N, d+1))

    @classmethod
    def of(cls, groups: list[tuple[slice, np.ndarray]]) -> "_SharedInputs":
        return cls(groups)

    def rows(self, start: int, stop: int) -> "_SharedInputs":
        return _SharedInputs([(sl, xa[start:stop]) for sl, xa in self.groups])

    def layer1(self, Wa1: np.ndarray, Z1: np.ndarray, U: np.ndarray, g: np.ndarray):
        """Functions computing Z1 = [X 1]·[W1; B1] and g = [X 1]ᵀ·U, one matrix product per
        seed group (stacked over the hidden units)."""

        def by_unit(a, sl):  # (rows, n, K) seen as (n, rows, K) for the networks of one seed
            return a[:, :, sl].transpose(1, 0, 2)

        forward = [(xa, by_unit(Wa1, sl), by_unit(Z1, sl)) for sl, xa in self.groups]
        backward = [(xa.T, by_unit(U, sl), by_unit(g, sl)) for sl, xa in self.groups]

        def z1():
            for xa, w, z in forward:
                np.matmul(xa, w, out=z)

        def sums():
            for xaT, u, out in backward:
                np.matmul(xaT, u, out=out)

        return z1, sums


class _OwnInputs:
    """Inputs of networks with data of their own: X (N, d, K), layer 1 elementwise."""

    def __init__(self, X: np.ndarray):
        self.X = X  # (N, d, K)
        self.d = X.shape[1]

    @classmethod
    def of(cls, groups: list[tuple[slice, np.ndarray]]) -> "_OwnInputs":
        """Each network's copy of its seed's [X 1] (N, d+1), without the column of ones."""
        N, d = len(groups[0][1]), groups[0][1].shape[1] - 1  # pragma: no mutate - every group has the same width
        X = np.empty((N, d, groups[-1][0].stop))
        for sl, xa in groups:
            X[:, :, sl] = xa[:, :d, None]
        return cls(X)

    def rows(self, start: int, stop: int) -> "_OwnInputs":
        return _OwnInputs(self.X[start:stop])

    def layer1(self, Wa1: np.ndarray, Z1: np.ndarray, U: np.ndarray, g: np.ndarray):
        """Functions computing Z1 = X·W1 + B1 and g = [X 1]ᵀ·U elementwise."""
        X, d = self.X, self.d
        cols = [X[:, i, None, :] for i in range(d)]  # each input as (m, 1, K)
        T = np.empty_like(Z1)

        def z1():
            mul(cols[0], Wa1[0], Z1)
            for i in range(1, d):
                mul(cols[i], Wa1[i], T)
                add(Z1, T, Z1)
            add(Z1, Wa1[d], Z1)

        def sums():
            for i in range(d):
                einsum("mk,mnk->nk", X[:, i], U, out=g[i])  # pragma: no mutate - einsum's subscripts ignore case
            reduce_sum(U, 0, None, g[d])

        return z1, sums


class _Chunk:
    """The state of K networks, network axis last: [W1; B1] (d+1, n, K), W2 (n, K), B2 (K,)."""

    def __init__(self, nets: list[Net], loaders: dict[int, DataLoader], settings: TrainSettings):
        self.nets = nets
        K = len(nets)
        first = loaders[nets[0].seed]
        d, n = first.num_features, settings.num_hidden
        self.d, self.n, self.K = d, n, K
        # parameters and gradients: one flat (rows, K) array each, the parameters as views
        rows = (d + 1) * n + n + 1
        self.P, self.G = np.empty((rows, K)), np.empty((rows, K))
        self.Wa1, self.W2, self.B2 = _views(self.P, d, n)
        self.gWa1, self.gW2, self.gB2 = _views(self.G, d, n)
        for k, net in enumerate(nets):
            p = make_params(net.init, streams(net.seed).init, d, n)
            self.Wa1[:d, :, k], self.Wa1[d, :, k], self.W2[:, k], self.B2[k] = p.W1, p.B1[0], p.W2[:, 0], p.B2[0, 0]
        # the seed groups: contiguous ranges of the network axis (nets are sorted by seed)
        self.groups: list[tuple[slice, DataLoader]] = []
        start = 0
        for k in range(1, K + 1):  # pragma: no mutate - k = 0 never closes a group
            if k == K or nets[k].seed != nets[start].seed:
                self.groups.append((slice(start, k), loaders[nets[start].seed]))
                start = k
        self.Inputs = _SharedInputs if len(self.groups) <= GEMM_GROUPS else _OwnInputs
        self.train = _Set(self, [(sl, g.train_x, g.train_y) for sl, g in self.groups])
        self.val = _Set(self, [(sl, g.val_x, g.val_y) for sl, g in self.groups])
        # this epoch's order of each seed's training set
        self.epoch_xa = [(sl, np.empty((g.num_train, d + 1))) for sl, g in self.groups]
        for _, xa in self.epoch_xa:
            xa[:, d] = 1.0
        self.Y = np.empty((first.num_train, K))
        self.inputs = self.Inputs.of(self.epoch_xa)

    def load_epoch(self):
        """Reshuffle each seed's training set (one draw per seed, as in its single run)."""
        d = self.d
        for (sl, loader), (_, xa) in zip(self.groups, self.epoch_xa):
            order = loader.epoch_order()
            np.take(loader.train_x, order, axis=0, out=xa[:, :d])
            self.Y[:, sl] = loader.train_y[order]
        if self.Inputs is _OwnInputs:  # copy each seed's order to its networks' columns
            for sl, xa in self.epoch_xa:
                self.inputs.X[:, :, sl] = xa[:, :d, None]


def _views(flat, d, n):
    K = flat.shape[1]
    a, b = (d + 1) * n, (d + 2) * n
    return flat[:a].reshape(d + 1, n, K), flat[a:b], flat[b]


class _Workspace:
    """The arrays of one step on m samples. Steps on batches of the same size share one
    workspace, so that the same memory stays in the cache from step to step."""

    def __init__(self, m: int, n: int, K: int):
        self.Z1, self.A1, self.U = np.empty((m, n, K)), np.empty((m, n, K)), np.empty((m, n, K))
        self.Z2, self.dZ2 = np.empty((m, K)), np.empty((m, K))


def _make_forward(c: _Chunk, inputs, ws: _Workspace):
    """Formulas 7.4.1–7.4.3 for every network of the chunk, as a function of no arguments
    that fills (and returns) A1 (m, n, K) and Z2 (m, K) of the workspace; also returns the
    first layer's gradient sums for the step."""
    Z1, A1, Z2 = ws.Z1, ws.A1, ws.Z2
    W2, B2 = c.W2, c.B2
    z1, sums = inputs.layer1(c.Wa1, Z1, ws.U, c.gWa1)

    def forward():
        z1()  # (7.4.1) Z1 = X·W1 + B1
        tanh(Z1, A1)  # (7.4.2) A1 = tanh(Z1)
        einsum("mnk,nk->mk", A1, W2, out=Z2)  # (7.4.3) Z2 = A1·W2 + B2  # pragma: no mutate - subscripts ignore case
        add(Z2, B2, Z2)
        return A1, Z2

    return forward, sums


def _make_step(c: _Chunk, inputs, Y: np.ndarray, lr: float, ws: _Workspace):
    """One SGD step of every network on its batch, as a function of no arguments that only
    fills the arrays of the workspace."""
    m = len(Y)
    forward, layer1_sums = _make_forward(c, inputs, ws)
    U, dZ2 = ws.U, ws.dZ2
    dZ2n = dZ2[:, None, :]
    W2, P, G, gWa1, gW2, gB2 = c.W2, c.P, c.G, c.gWa1, c.gW2, c.gB2
    lr_m = lr / m

    def step():
        A1, Z2 = forward()
        sub(Z2, Y, dZ2)  # (7.4.5) dZ2 = Z2 − Y
        einsum("mnk,mk->nk", A1, dZ2, out=gW2)  # (7.4.6) m·dW2 = A1ᵀ·dZ2  # pragma: no mutate - subscripts ignore case
        reduce_sum(dZ2, 0, None, gB2)  # (7.4.7) m·dB2 = Σ dZ2
        # (7.4.8) dA1 = dZ2·W2ᵀ and (7.4.9) dZ1 = dA1 ⊙ (1 − A1²): W2 is the same for every
        # sample of a network, so U = dZ2 ⊙ (1 − A1²) = dZ1 / W2ᵀ is summed over the batch
        # first, and the sums are multiplied by W2 (before its update) afterwards.
        mul(A1, A1, U)
        sub(1.0, U, U)
        mul(U, dZ2n, U)
        layer1_sums()  # (7.4.10) m·dW1 = Xᵀ·dZ1, (7.4.11) m·dB1 = Σ dZ1 (divided by W2)
        mul(gWa1, W2, gWa1)
        mul(G, lr_m, G)  # P ← P − lr·dP, all parameters of all networks at once
        sub(P, G, P)

    return step


class _Set:
    """A fixed evaluation set of each network (its training or validation set)."""

    def __init__(self, c: _Chunk, parts):
        N = len(parts[0][1])
        groups = [(sl, np.hstack([x, np.ones((N, 1))])) for sl, x, _ in parts]
        self.Y = np.empty((N, c.K))
        for sl, _, y in parts:
            self.Y[:, sl] = y
        self.var = np.var(self.Y, axis=0)
        self.N = N
        self.E = np.empty((N, c.K))
        self.forward, _ = _make_forward(c, c.Inputs.of(groups), _Workspace(N, c.n, c.K))

    def loss(self) -> np.ndarray:
        _, Z2 = self.forward()
        sub(Z2, self.Y, self.E)
        mul(self.E, self.E, self.E)
        # equivalent mutants: axis 0 is reduce's default
        return reduce_sum(self.E, 0) / (2 * self.N)  # (7.4.4) per network  # pragma: no mutate


def _train_chunk(nets: list[Net], settings: TrainSettings, samples, source):
    loaders = {}
    for net in nets:
        if net.seed not in loaders:
            rng = streams(net.seed).data
            loaders[net.seed] = (DataLoader.book(rng=rng) if samples is None
                                 else DataLoader(samples, rng=rng, source=source))
    c = _Chunk(nets, loaders, settings)
    N, bs = len(c.Y), settings.batch_size
    workspaces: dict[int, _Workspace] = {}
    steps = []
    for s in range(0, N, bs):
        m = min(bs, N - s)
        if m not in workspaces:
            workspaces[m] = _Workspace(m, c.n, c.K)
        ws = workspaces[m]
        steps.append(_make_step(c, c.inputs.rows(s, s + m), c.Y[s:s + m], settings.lr, ws))
    its, tl, vl = [], [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(settings.epochs):
            c.load_epoch()
            for step in steps:
                step()
            if (epoch + 1) % settings.every == 0 or epoch == settings.epochs - 1:
                its.append((epoch + 1) * len(steps))
                tl.append(c.train.loss())
                vl.append(c.val.loss())
    K, d, n = c.K, c.d, c.n
    return dict(W1=np.moveaxis(c.Wa1[:d], -1, 0).copy(), B1=c.Wa1[d].T.reshape(K, 1, n).copy(),
                W2=c.W2.T.reshape(K, n, 1).copy(), B2=c.B2.reshape(K, 1, 1).copy(),
                iteration=np.array(its), train_loss=np.array(tl), val_loss=np.array(vl),
                train_var=c.train.var, val_var=c.val.var)


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def train_batched(nets: list[Net | tuple[str, int]], settings: TrainSettings = TrainSettings(),
                  samples: np.ndarray | None = None, source: str = "<array>",
                  chunk: int | None = None, workers: int = 1) -> BatchedResult:
    """Train every (init, seed) in ``nets`` at once.

    Networks are sorted by seed and cut into chunks that each share one set of arrays
    (``chunk`` networks, by default an equal share per worker, at most MAX_CHUNK); chunks run
    in ``workers`` processes (1: in this process). Every network's result equals its single
    run to rounding; the bits can depend on the chunking (the sums over a batch are taken in
    another order), so pass a fixed ``chunk`` where identical bytes matter across machines."""
    nets = [n if isinstance(n, Net) else Net(str(InitSpec.parse(n[0]) if isinstance(n[0], str) else n[0]), int(n[1]))
            for n in nets]
    order = sorted(range(len(nets)), key=lambda k: nets[k].seed)  # group by seed (stable)
    sorted_nets = [nets[k] for k in order]
    if chunk is None:
        chunk = min(MAX_CHUNK, -(-len(nets) // max(1, workers)))
    chunks = [sorted_nets[i:i + chunk] for i in range(0, len(sorted_nets), chunk)]
    jobs = [(ch, settings, samples, source) for ch in chunks]
    if workers > 1 and len(chunks) > 1:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(min(workers, len(chunks))) as pool:
            parts = pool.starmap(_train_chunk, jobs)
    else:
        parts = [_train_chunk(*job) for job in jobs]
    # equivalent mutants: losses are 2-D: axis 1 is -1
    merged = {key: np.concatenate([p[key] for p in parts], axis=-1 if key.endswith("loss") else 0)  # pragma: no mutate
              for key in ("W1", "B1", "W2", "B2", "train_loss", "val_loss", "train_var", "val_var")}
    inverse = np.empty(len(order), dtype=int)
    inverse[order] = np.arange(len(order))
    for key in merged:  # back to the caller's order
        merged[key] = merged[key][:, inverse] if key.endswith("loss") else merged[key][inverse]
    return BatchedResult(nets, settings, iteration=parts[0]["iteration"], **merged)
