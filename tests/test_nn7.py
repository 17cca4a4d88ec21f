"""Unit tests of nn7: data, formulas and gradients, initialisation, training, traces, figures."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from nn7 import book, runs
from nn7.data import (
    BOOK_DATA_SHA256,
    DataLoader,
    book_samples,
    generate_book_data,
    parse_samples,
    pick_samples,
)
from nn7.errors import Nn7Error
from nn7.fmt import TRACE_PRECISION, array_line
from nn7.inits import PRESETS, InitSpec, make_params
from nn7.metrics import book_accuracy_from_loss, r2, r2_from_loss
from nn7.network import Params, backward, forward, loss, update
from nn7.rng import streams
from nn7.tolerances import BOOK_PRINT, FAST_PATH
from nn7.trace import format_trace, trace
from nn7.train import FoldedParams, TrainSettings, fit, make_sgd_step, train

# ---------------------------------------------------------------- data


def test_book_data_is_byte_identical():
    data = generate_book_data()
    assert len(data) == 10_020
    assert hashlib.sha256(data).hexdigest() == BOOK_DATA_SHA256


def test_book_data_ranges():
    s = book_samples()
    assert s.shape == (1000, 2)
    assert (s[:, 0].min(), s[:, 0].max(), s[:, 1].min(), s[:, 1].max()) == (0.01, 7.0, 1.88, 3.73)
    y = (s[:, 1] - 1.88) / (3.73 - 1.88)
    assert np.var(y) == pytest.approx(0.04595, abs=5e-6)


def test_loader_scales_shuffles_once_and_splits_80_20():
    loader = DataLoader.book(seed=3)
    assert loader.train_x.shape == (800, 1) and loader.val_x.shape == (200, 1)
    both = np.vstack([loader.train_x, loader.val_x])
    assert both.min() == 0 and both.max() == 1  # min-max over the whole set
    assert not np.array_equal(both[:, 0], np.sort(both[:, 0]))  # shuffled
    raw = book_samples()
    restored = loader.x_scaler.unscale(both)[:, 0]
    assert sorted(np.round(restored, 2)) == sorted(raw[:, 0])  # a permutation of the file
    assert np.allclose(loader.y_scaler.unscale(loader.y_scaler.scale(raw[:, 1:])), raw[:, 1:])


def test_each_epoch_reshuffles_and_batches_are_consecutive_with_a_short_last_one():
    loader = DataLoader.book(seed=0)
    batches = list(loader.epoch_batches(32))
    assert [len(x) for x, _ in batches] == [32] * 25
    sizes = [len(x) for x, _ in DataLoader.book(seed=0).epoch_batches(30)]
    assert sizes == [30] * 26 + [20]
    first = np.vstack([x for x, _ in batches])
    second = np.vstack([x for x, _ in loader.epoch_batches(32)])
    assert not np.array_equal(first, second) and np.array_equal(np.sort(first, 0), np.sort(second, 0))


def test_same_seed_same_split_different_seed_different_split():
    a, b, c = DataLoader.book(seed=5), DataLoader.book(seed=5), DataLoader.book(seed=6)
    assert np.array_equal(a.val_x, b.val_x) and not np.array_equal(a.val_x, c.val_x)


def test_parse_any_file_in_the_format():
    text = "# a comment\n1 2 10\n\n2, 4, 20  # trailing comment\n3 5 30\n4 1 40\n5 2 50\n6 3 60\n7 4 70\n8 5 80\n9 6 90\n10 7 100\n"
    samples = parse_samples(text, "t.txt")
    assert samples.shape == (10, 3)
    loader = DataLoader(samples, seed=0, source="t.txt")
    assert loader.num_features == 2 and loader.train_x.shape == (8, 2)


def test_from_arrays():
    x = np.linspace(0, 1, 20)
    loader = DataLoader.from_arrays(x, x ** 2, seed=0)
    assert loader.train_x.shape == (16, 1)


@pytest.mark.parametrize("text,message", [
    ("1 2\n3 x\n", "t.txt:2: column 2 is not a number: 'x'"),
    ("1 2\n3 nan\n", "t.txt:2: column 2 is not a finite number: 'nan'"),
    ("1 2\ninf 3\n", "t.txt:2: column 1 is not a finite number: 'inf'"),
    ("1\n2\n", "t.txt:1: found 1 column; need at least 2"),
    ("1 2\n3 4 5\n", "t.txt:2: found 3 columns, expected 2"),
    ("# only a comment\n", "t.txt: no samples"),
])
def test_parse_errors_name_file_and_line(text, message):
    with pytest.raises(Nn7Error) as err:
        parse_samples(text, "t.txt")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_too_few_samples_and_constant_columns():
    with pytest.raises(Nn7Error, match="too few"):
        DataLoader(np.array([[i, i * i] for i in range(5)], dtype=float), seed=0, source="s")
    with pytest.raises(Nn7Error, match="x is constant"):
        DataLoader(np.array([[1.0, i] for i in range(20)]), seed=0, source="s")
    with pytest.raises(Nn7Error, match="label .* is constant"):
        DataLoader(np.array([[i, 2.0] for i in range(20)], dtype=float), seed=0, source="s")


# ---------------------------------------------------------------- the network


def _random_problem(seed=0, m=7, d=1, n=3):
    rng = np.random.default_rng(seed)
    p = Params(rng.normal(size=(d, n)), rng.normal(size=(1, n)), rng.normal(size=(n, 1)), rng.normal(size=(1, 1)))
    return p, rng.normal(size=(m, d)), rng.normal(size=(m, 1))


@pytest.mark.parametrize("name", ["W1", "B1", "W2", "B2"])
@pytest.mark.parametrize("shape", [(7, 1, 2), (5, 3, 4), (1, 1, 2)])
def test_every_gradient_matches_central_differences(name, shape):
    """backward (7.4.5–7.4.11) is the gradient of the loss (7.4.4)."""
    m, d, n = shape
    p, X, Y = _random_problem(1, m, d, n)
    g = backward(p, X, Y, forward(p, X))
    analytic = {"W1": g.dW1, "B1": g.dB1, "W2": g.dW2, "B2": g.dB2}[name]
    numeric = np.zeros_like(analytic)
    h = 1e-6
    for idx in np.ndindex(analytic.shape):
        for sign in (1, -1):
            q = p.copy()
            getattr(q, name)[idx] += sign * h
            numeric[idx] += sign * loss(forward(q, X).Z2, Y) / (2 * h)
    assert np.allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


def test_intermediate_gradients_match_central_differences():
    """dZ2, dA1 and dZ1 are m times the gradients of the loss w.r.t. Z2, A1 and Z1."""
    p, X, Y = _random_problem(2, m=4, n=2)
    f = forward(p, X)
    g = backward(p, X, Y, f)
    h = 1e-6

    def loss_from_z1(Z1):
        return loss(np.tanh(Z1) @ p.W2 + p.B2, Y)

    num = np.zeros_like(f.Z1)
    for idx in np.ndindex(f.Z1.shape):
        e = np.zeros_like(f.Z1)
        e[idx] = h
        num[idx] = (loss_from_z1(f.Z1 + e) - loss_from_z1(f.Z1 - e)) / (2 * h)
    assert np.allclose(g.dZ1 / len(X), num, rtol=1e-6, atol=1e-10)
    assert np.allclose(g.dA1, g.dZ2 @ p.W2.T) and np.allclose(g.dZ2, f.Z2 - Y)


def test_update_uses_gradients_of_the_parameters_before_it():
    p, X, Y = _random_problem(3)
    g = backward(p, X, Y, forward(p, X))
    q = update(p, g, 0.1)
    assert np.allclose(q.W2, p.W2 - 0.1 * g.dW2) and q is not p and not np.array_equal(q.W2, p.W2)


def test_fast_step_equals_the_readable_formulas():
    """train's in-place step is formulas 7.4.1–7.4.11 again (to FAST_PATH over 50 steps)."""
    p, X, Y = _random_problem(4, m=32, n=2)
    Xa = np.hstack([X, np.ones((32, 1))])
    P = FoldedParams(p)
    G = P.like()
    step = make_sgd_step(P, G, Xa, Y, 0.3)
    for _ in range(50):
        step()
        p = update(p, backward(p, X, Y, forward(p, X)), 0.3)
    for a, b in zip(P.params().arrays(), p.arrays()):
        assert np.allclose(a, b, rtol=0, atol=FAST_PATH)


def test_accuracy_conventions():
    y = np.array([[0.0], [1.0], [2.0], [3.0]])
    z = np.full_like(y, y.mean())
    assert r2(z, y) == pytest.approx(0.0)  # a constant predictor explains nothing
    half = np.mean((z - y) ** 2) / 2
    assert book_accuracy_from_loss(half, np.var(y)) == pytest.approx(0.5)  # the book's 0.4999
    assert book_accuracy_from_loss(half, 2.0) == pytest.approx((1 + r2_from_loss(half, 2.0)) / 2)


# ---------------------------------------------------------------- initialisation


def test_init_specs():
    assert str(InitSpec.parse("W1=zeros,B1=ones,W2=zeros,B2=ones")) == PRESETS["case2"]
    assert InitSpec.parse("W1=n,B2=1") == InitSpec("normal", "zeros", "zeros", "ones")
    assert InitSpec.parse("case1-b2").B2 == "normal" and InitSpec.parse("case3").W1 == "normal"
    p = make_params("case2", None)
    assert p.W1.shape == (1, 2) and p.B1.tolist() == [[1, 1]] and p.W2.shape == (2, 1) and p.B2.tolist() == [[1]]
    a = make_params("W1=n,B2=n", np.random.default_rng(0))
    b = np.random.default_rng(0)
    assert np.array_equal(a.W1, b.normal(size=(1, 2))) and np.array_equal(a.B2, b.normal(size=(1, 1)))


@pytest.mark.parametrize("bad", ["foo", "W3=zeros", "W1=random", "W1=zeros,W1=ones", "W1"])
def test_bad_init_is_an_error_listing_the_valid_names(bad):
    with pytest.raises(Nn7Error) as err:
        InitSpec.parse(bad)
    msg = str(err.value)
    if "twice" not in msg:
        assert "case1" in msg and "zeros/ones/normal" in msg


# ---------------------------------------------------------------- training


@pytest.mark.parametrize("kw,word", [({"lr": 0}, "--lr"), ({"lr": -1}, "--lr"), ({"epochs": 0}, "--epochs"),
                                     ({"batch_size": 0}, "--batch-size"), ({"every": -2}, "--every"),
                                     ({"num_hidden": 0}, "--hidden"), ({"epochs": 2.5}, "whole")])
def test_bad_settings(kw, word):
    with pytest.raises(Nn7Error, match=word):
        TrainSettings(**kw)


def test_divergence_names_the_iteration():
    from nn7.errors import DivergenceError

    with pytest.raises(DivergenceError) as err:
        train("case3", TrainSettings(lr=50, epochs=5))
    assert f"iteration {err.value.iteration}" in str(err.value) and err.value.iteration > 0


def test_history_and_log_format():
    r = train("case3", TrainSettings(epochs=4, every=2), seed=1)
    assert r.history.iteration.tolist() == [50, 100] and r.history.epoch.tolist() == [1, 3]
    lines = r.log_lines("book")
    assert lines[0].startswith("轮数 1, 迭代 50, 训练集: loss ") and ", 验证集: loss " in lines[0]
    assert lines[-4].startswith("W1 = [[") and lines[-1].startswith("B2 = [[")
    assert len(r.log_tail().splitlines()) == 6
    assert np.allclose(r.history.train_accuracy("book"), (1 + r.history.train_accuracy("r2")) / 2)


def test_checkpoints_stream_and_an_interrupt_keeps_what_was_done():
    """on_checkpoint sees each checkpoint as it happens (the CLI streams the log from it); Ctrl-C
    (KeyboardInterrupt) in the middle of training keeps the checkpoints and the parameters after
    the last complete epoch."""
    from nn7.train import TrainingInterrupted

    seen = []
    full = train("case3", TrainSettings(epochs=6, every=2), seed=1)
    ref = train("case3", TrainSettings(epochs=4, every=2), seed=1)

    def stop_after_two(cp):
        seen.append(cp.log_line())
        if len(seen) == 2:
            raise KeyboardInterrupt

    data_rng, init_rng = streams(1)
    loader, params = DataLoader.book(rng=data_rng), make_params("case3", init_rng)
    with pytest.raises(TrainingInterrupted) as err:
        fit(params, loader, TrainSettings(epochs=6, every=2), on_checkpoint=stop_after_two)
    assert seen == full.log_lines()[:2]
    partial = err.value.result
    assert err.value.completed_epochs == 4 and partial.history.iteration.tolist() == [50, 100]
    assert all(np.array_equal(a, b) for a, b in zip(partial.params.arrays(), ref.params.arrays()))


def test_same_seed_same_bytes():
    a, b = train("random", TrainSettings(epochs=3), seed=9), train("random", TrainSettings(epochs=3), seed=9)
    assert a.log_lines() == b.log_lines()


# ---------------------------------------------------------------- traces


@pytest.mark.parametrize("case", ["case1", "case2"])
def test_traces_reproduce_the_books_printed_numbers(case):
    """Started from the book's initialisation, with samples carrying the labels it printed and
    lr 0.1, every printed number is reproduced within BOOK_PRINT (the book truncates), except the
    one printing slip: W1 in case 2's second iteration, printed 0.0007 for 0.00007."""
    steps = runs.run_trace(f"trace-{case}")
    slips = []
    for k, (printed, step) in enumerate(zip(book.TRACES[case]["steps"], steps), start=1):
        ours = step.as_dict()
        assert set(printed) == set(ours)
        for name, value in printed.items():
            if not np.allclose(ours[name], value, rtol=0, atol=BOOK_PRINT):
                slips.append((k, name))
    expected = [(2, "W1")] if case == "case2" else []
    assert slips == expected
    if case == "case2":
        w1 = steps[1].as_dict()["W1"]
        assert np.allclose(w1, 0.1 * 0.0007, atol=1e-5)  # lr × dW1


def test_trace_samples_come_from_the_book_data():
    raw = pick_samples(book.TRACES["case2"]["samples"])
    assert raw.tolist() == [[1.38, 2.85], [0.45, 2.19]]


def test_trace_printout_layout():
    text = format_trace(runs.run_trace("trace-case1"))
    lines = text.splitlines()
    assert lines[0] == "----迭代 1----" and lines[1].startswith("前向: Z1=[[0. 0.]],")
    assert lines[2].startswith("反向: dZ2=[[-0.5459]],")
    assert lines[4].lstrip().startswith("W1=[[0. 0.]],") and "B1=[[0. 0.]]," in lines[4]  # not B2 (book's slip)
    assert array_line(np.array([[6.9882e-05, 6.9882e-05]]), TRACE_PRECISION) == "[[6.9882e-05 6.9882e-05]]"


def test_one_array_formatter_never_wraps():
    """The log's W1 of 8 hidden units stays on one line (NumPy would wrap it at 75 columns)."""
    w = np.linspace(-3.123456789, 2.987654321, 8).reshape(1, 8)
    line = array_line(w)
    assert "\n" not in line and len(line) > 75 and line.startswith("[[-3.12345679 ")
    assert np.allclose([float(v) for v in line.strip("[]").split()], w[0], atol=1e-8)
    assert array_line(np.zeros((2, 1))) == "[[0.] [0.]]"


def test_trace_leaves_the_start_unchanged():
    p = make_params("case2", None)
    steps = trace(p, np.array([[0.2], [0.4]]), np.array([[0.5], [0.6]]), 0.1)
    assert np.array_equal(p.W2, np.zeros((2, 1))) and steps[1].before is steps[0].after


FIGURE_MODULES = {"plots.py", "diagram.py"}


def test_no_chinese_sentence_in_the_library():
    """Reader-facing Chinese lives in docs/: nn7's sources hold only labels — the figures'
    (plots.py, diagram.py) and the book's printout format (轮数, 迭代, 训练集, 前向: …), never a
    sentence (no Chinese punctuation, no long Chinese text) and no Chinese comment."""
    import ast
    import io
    import re
    import tokenize
    from pathlib import Path

    import nn7

    cjk = re.compile(r"[\u4e00-\u9fff]")
    sentence = re.compile(r"[，。；！？、]|[\u4e00-\u9fff]{12,}")
    found = []
    src = Path(nn7.__file__).parent.parent
    for path in sorted(p for package in ("nn7", "nn7_site", "nn7_cli", "nn7_dev") for p in (src / package).glob("*.py")):
        source = path.read_text(encoding="utf-8")
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT and cjk.search(tok.string):
                found.append(f"{path.name}:{tok.start[0]}: a Chinese comment {tok.string!r}")
        for node in ast.walk(ast.parse(source)):
            if path.name in FIGURE_MODULES:  # figure labels, e.g. 第一层的初始化（W1、B1）
                break
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and sentence.search(node.value) \
                    and cjk.search(node.value):
                found.append(f"{path.name}:{node.lineno}: {node.value[:60]!r}")
    assert not found, "\n".join(found)
