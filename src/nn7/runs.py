"""Running the registry's experiments (:mod:`nn7.experiments`) with nn7 alone: the notebook,
the snippets and the tests use these; the site build runs the same experiments through their
snippets, and the tests hold the two equal."""

from __future__ import annotations

from .data import DataLoader, book_scalers, pick_samples
from .experiments import TRACES, case
from .inits import make_params
from .rng import streams
from .trace import trace
from .train import TrainResult, train


def run_case(name: str) -> TrainResult:
    """Train a case with nn7 alone (the notebook and the tests use this; the site build runs
    the case through its snippet, and the tests hold the two equal)."""
    c = case(name)
    return train(c.spec, c.settings, seed=c.seed)


def case_start(name: str) -> tuple:
    """(loader, initial params) of a case, drawn exactly as :func:`run_case` draws them."""
    c = case(name)
    data_rng, init_rng = streams(c.seed)
    loader = DataLoader.book(rng=data_rng)
    return loader, make_params(c.spec, init_rng, loader.num_features, c.settings.num_hidden)


def trace_inputs(name: str):
    """(initial params, scaled xs, scaled ys, lr) of a trace."""
    t = TRACES[name]
    raw = pick_samples(t.samples)
    xs, ys = book_scalers()
    _, params = case_start(t.case)
    # equivalent mutants: the book data has 2 columns: :1 is :-1
    return params, xs.scale(raw[:, :-1]), ys.scale(raw[:, -1:]), t.lr  # pragma: no mutate


def run_trace(name: str):
    """The trace's steps with nn7 alone."""
    params, x, y, lr = trace_inputs(name)
    return trace(params, x, y, lr)
