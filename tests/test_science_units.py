"""Unit tests of the science (nn7) that `make mutation` showed missing: each pins behaviour a
surviving mutant changed (messages a user reads, defaults, shapes, dtypes, the registry, the
sweep's analysis, the batched trainer's choices). Small inputs only: the file runs in seconds."""

from __future__ import annotations

import os

import numpy as np
import pytest

import nn7
from nn7 import batched, experiments, runs, sweep
from nn7.data import DataLoader, MinMaxScaler, book_samples, book_scalers, parse_samples, pick_samples, read_samples
from nn7.errors import DivergenceError, Nn7Error
from nn7.fmt import array_line
from nn7.inits import InitSpec, make_params
from nn7.metrics import accuracy_from_loss, book_accuracy_from_loss, r2_from_loss
from nn7.network import backward, forward, predict
from nn7.params import Params, shapes
from nn7.reference import train_reference
from nn7.rng import streams
from nn7.settings import TrainSettings
from nn7.trace import trace
from nn7.train import TrainingInterrupted, fit, train

TINY = TrainSettings(epochs=2)


def ramp(n: int = 20, d: int = 1) -> np.ndarray:
    """n samples, d features, a label that is not constant in any 80/20 split."""
    x = np.linspace(0, 1, n * d).reshape(n, d) ** np.arange(1, d + 1)
    return np.column_stack([x, np.sin(3 * x.sum(axis=1)) + x[:, 0]])


def message(exc_type, fn, *args, **kw) -> str:
    with pytest.raises(exc_type) as err:
        fn(*args, **kw)
    return str(err.value)


# ---------------------------------------------------------------- data: the parser


@pytest.mark.parametrize("text, expected", [
    ("year price\n1 2\n", "<data>:1: looks like a header line ('year price'), not numbers: "
                          "start it with '#' to make it a comment, or delete it"),
    ("1 2\nyear price\n", "<data>:2: column 1 is not a number: 'year'"),  # after the first row: not a header
    ("1 x\n", "<data>:1: column 2 is not a number: 'x'"),
    ("- -\n", "<data>:1: column 1 is not a number: '-'"),  # no letter: not a header either
    ("1_000 2\n", "<data>:1: column 1 is not a number: '1_000'"),
    ("1,,2\n", "<data>:1: column 2 is empty (two commas in a row, or a comma at the end?)"),
    ("6,77;\n", "<data>:1: looks like decimal commas: use '.' as the decimal point"),
    ("3,4,05\n", "<data>:1: looks like decimal commas: use '.' as the decimal point"),
    ("1 2 3\n4 5\n", "<data>:2: found 2 columns, expected 3 as on line 1"),
    ("1 2 3\n4\n", "<data>:2: found 1 column, expected 3 as on line 1"),
])
def test_parser_messages(text, expected):
    assert message(Nn7Error, parse_samples, text) == expected


def test_long_header_lines_are_cut_at_40_characters():
    forty, forty_one = "a" * 40, "b" * 41
    assert f"({forty!r})" in message(Nn7Error, parse_samples, forty + "\n1 2\n")
    assert f"({'b' * 39 + '…'!r})" in message(Nn7Error, parse_samples, forty_one + "\n1 2\n")


def test_byte_order_mark_is_skipped():
    assert parse_samples("\ufeff12 3\n4 5\n").tolist() == [[12, 3], [4, 5]]
    assert parse_samples("1 2\r\n3 4\r5 6\n").tolist() == [[1, 2], [3, 4], [5, 6]]


def test_read_samples(tmp_path):
    good = tmp_path / "good.txt"
    good.write_bytes(b"\xef\xbb\xbf# x y\n1 2\n3 4\n")
    assert read_samples(good).tolist() == [[1, 2], [3, 4]] and read_samples(str(good)).tolist() == [[1, 2], [3, 4]]
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"1 2\n3 x\n")
    assert message(Nn7Error, read_samples, bad) == f"{bad}:2: column 2 is not a number: 'x'"
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"1 2\n3 4\n5 \xe96\n")
    assert message(Nn7Error, read_samples, latin) == \
        f"{latin}:3: not a UTF-8 text file (invalid continuation byte at byte 10)"
    latin.write_bytes(b"\n1 2\n5 \xe96\n")  # a first line that is empty counts too
    assert message(Nn7Error, read_samples, latin).startswith(f"{latin}:3: not a UTF-8 text file")
    for bom in (b"\xff\xfe", b"\xfe\xff"):
        utf16 = tmp_path / "utf16.txt"
        utf16.write_bytes(bom + "1 2\n".encode("utf-16-le"))
        assert message(Nn7Error, read_samples, utf16) == f"{utf16}: is UTF-16 text; save it as UTF-8"
    assert message(Nn7Error, read_samples, tmp_path / "none.txt") == f"{tmp_path / 'none.txt'}: no such file"
    assert message(Nn7Error, read_samples, tmp_path) == f"{tmp_path}: is a directory, not a data file"
    if os.geteuid() != 0:
        secret = tmp_path / "secret.txt"
        secret.write_text("1 2\n")
        secret.chmod(0)
        assert message(Nn7Error, read_samples, secret) == f"{secret}: cannot read it: permission denied"
    assert message(Nn7Error, read_samples, good / "x") == f"{good / 'x'}: cannot read it (Not a directory)"


def test_read_samples_without_permission(tmp_path, monkeypatch):
    """(root may read anything: the refusal is simulated)"""
    from pathlib import Path

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    path = tmp_path / "secret.txt"
    assert message(Nn7Error, read_samples, path) == f"{path}: cannot read it: permission denied"


def test_loader_from_file(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("\n".join(" ".join(map(repr, row)) for row in ramp(20).tolist()))
    loader = DataLoader.from_file(path, seed=1)
    same = DataLoader(ramp(20), seed=1)
    assert loader.source == str(path) and np.array_equal(loader.val_x, same.val_x)
    path.write_text("1 2\n" * 20)
    assert message(Nn7Error, DataLoader.from_file, path, seed=1) == \
        f"{path}: x is constant (1); min-max scaling needs min < max"


# ---------------------------------------------------------------- data: the loader


def test_loader_messages():
    assert message(TypeError, DataLoader, ramp(), rng=np.random.default_rng(0), seed=0) == \
        "pass exactly one of rng= and seed="
    assert message(TypeError, DataLoader, ramp()) == "pass exactly one of rng= and seed="
    two_d = "need a 2-D table with at least 2 columns (features, then the label)"
    assert message(Nn7Error, DataLoader, np.arange(20.0), seed=0) == f"<array>: {two_d}"
    assert message(Nn7Error, DataLoader, np.ones((20, 1)), seed=0, source="s") == f"s: {two_d}"
    bad = ramp()
    bad[3, 1] = np.nan
    assert message(Nn7Error, DataLoader, bad, seed=0) == "<array>: contains NaN or infinite values"
    assert message(Nn7Error, DataLoader, ramp(5), seed=0) == (
        "<array>: 5 samples are too few for an 80/20 train/validation split "
        "(need at least 2 in each set, i.e. 6 samples)")
    assert DataLoader(ramp(6), seed=0).val_x.shape == (2, 1) and DataLoader(ramp(6), seed=0).num_train == 4
    flat = ramp(20, 2)
    flat[:, 1] = 5.0
    assert message(Nn7Error, DataLoader, flat, seed=0, source="s") == \
        "s: feature column 2 is constant (5); min-max scaling needs min < max"
    label = ramp()
    label[:, 1] = 2.0
    assert message(Nn7Error, DataLoader, label, seed=0, source="s") == \
        "s: the label (last column) is constant (2); min-max scaling needs min < max"


def test_a_set_whose_labels_are_all_equal():
    """Nine equal labels and one other among ten samples: the set without the odd one is
    constant; which set that is depends on the shuffle."""
    samples = np.column_stack([np.arange(10.0), np.r_[np.zeros(9), 1.0]])
    seen = {}
    for seed in range(40):
        try:
            DataLoader(samples, seed=seed, source="s")
        except Nn7Error as err:
            seen[str(err).split(" set ")[0]] = str(err)
    assert seen == {
        "s: every label in the training": "s: every label in the training set is equal; R² is undefined",
        "s: every label in the validation": "s: every label in the validation set is equal; R² is undefined"}


def test_loader_keeps_its_source_and_from_arrays_takes_columns():
    assert DataLoader.book(seed=0).source == "train7.txt" and DataLoader(ramp(), seed=0).source == "<array>"
    x = ramp(20, 2)[:, :2]
    loader = DataLoader.from_arrays(x, x[:, 0] - x[:, 1], seed=0)
    assert loader.num_features == 2 and loader.train_x.shape == (16, 2) and loader.train_y.shape == (16, 1)
    ints = DataLoader.from_arrays(list(range(20)), [i % 7 for i in range(20)], seed=0)
    assert ints.train_x.dtype == np.float64 and ints.num_train == 16


def test_single_precision_inputs_are_computed_in_double():
    samples = ramp(20).astype(np.float32)
    loader = DataLoader(samples, seed=0)
    assert loader.train_x.dtype == np.float64
    assert np.array_equal(loader.val_y, DataLoader(samples.astype(np.float64), seed=0).val_y)
    s = MinMaxScaler(np.float32([0.1]), np.float32([0.7]))
    assert s.low.dtype == s.high.dtype == np.float64 and s.unscale(np.float32([[0.5]])).dtype == np.float64
    steps = trace(make_params("case2", None), np.float32([[0.1]]), np.float32([[0.3]]), 0.1)
    assert steps[0].x.dtype == steps[0].y.dtype == np.float64 and steps[0].y.tolist() == [[float(np.float32(0.3))]]
    assert array_line(np.float32([[0.1]])) == "[[0.1]]"  # printed as the double it stands for
    ints = Params(np.array([[1, 2]]), np.array([[0, 0]]), np.array([[1], [1]]), np.array([[0]]))
    assert all(a.dtype == np.float64 for a in ints.copy().arrays())


def test_scalers():
    s = MinMaxScaler(np.array([1, 10]), np.array([3, 20]))
    assert s.scale([[2, 15]]).tolist() == [[0.5, 0.5]] and s.unscale([[0.5, 0.5]]).tolist() == [[2, 15]]
    xs, ys = book_scalers()
    loader = DataLoader.book(seed=4)
    assert np.array_equal(xs.low, loader.x_scaler.low) and np.array_equal(ys.high, loader.y_scaler.high)
    assert (xs.low.tolist(), xs.high.tolist(), ys.low.tolist(), ys.high.tolist()) == ([0.01], [7.0], [1.88], [3.73])


def test_pick_samples_from_any_table():
    table = np.array([[1.0, 5.0, 2.0], [2.0, 6.0, 2.0], [3.0, 7.0, 9.0]])
    assert pick_samples([(None, 2.0), (2.0, 2.0), (None, 9.0)], table).tolist() == table.tolist()
    assert message(ValueError, pick_samples, [(None, 9.99)]) == "no sample with x=None, y=9.99 in the book data"
    assert pick_samples([(1.38, 2.85)]).tolist() == [[1.38, 2.85]]
    assert np.array_equal(book_samples(), book_samples()) and book_samples() is not book_samples()


# ---------------------------------------------------------------- formatting


def test_array_line():
    assert array_line([[0, 0]]) == "[[0. 0.]]"  # integers print as the floats they stand for
    assert array_line(np.array([[1.0, -2.5]])) == "[[ 1.  -2.5]]"  # NumPy's alignment kept
    assert array_line(np.arange(4.0).reshape(2, 2), 4) == "[[0. 1.] [2. 3.]]"
    seven = np.linspace(-3.123456789, 2.987654321, 7).reshape(1, 7)  # NumPy would wrap it before " 2.98…"
    assert array_line(seven) == \
        "[[-3.12345679 -2.10493827 -1.08641975 -0.06790123  0.95061728  1.9691358   2.98765432]]"
    wide = np.linspace(-3.123456789, 2.987654321, 40).reshape(1, 40)
    line = array_line(wide)
    assert "\n" not in line and len(line) > 400 and line.count("[") == 2


# ---------------------------------------------------------------- network, params, inits


def test_shapes_and_gradient_shapes():
    assert shapes() == {"W1": (1, 2), "B1": (1, 2), "W2": (2, 1), "B2": (1, 1)}
    p = make_params("random", np.random.default_rng(0), 3, 5)
    assert {k: a.shape for k, a in p.as_dict().items()} == shapes(3, 5) and p.num_hidden == 5
    x, y = np.ones((4, 3)), np.zeros((4, 1))
    g = backward(p, x, y, forward(p, x))
    assert (g.dW1.shape, g.dB1.shape, g.dW2.shape, g.dB2.shape) == ((3, 5), (1, 5), (5, 1), (1, 1))
    assert np.array_equal(predict(p, x), forward(p, x).Z2)


def test_params_copy_is_a_deep_copy():
    p = make_params("case2", None)
    q = p.copy()
    q.W1[0, 0] = 7
    assert p.W1[0, 0] == 0


def test_make_params_needs_a_generator_only_for_normal():
    assert message(ValueError, make_params, "W1=zeros,W2=normal", None) == "W2=normal needs a random generator"
    p = make_params(InitSpec("ones", "zeros", "normal", "ones"), np.random.default_rng(1), 1, 3)
    assert p.W1.tolist() == [[1, 1, 1]] and p.W2.shape == (3, 1)


@pytest.mark.parametrize("text, expected", [
    ("", "empty initialisation: "),
    ("cse3", "unknown initialisation 'cse3': did you mean case3? "),
    ("CASE9", "unknown initialisation 'CASE9': did you mean case3? "),
    ("Rnadom", "unknown initialisation 'Rnadom': did you mean random? "),
    ("  xyz  abc ", "unknown initialisation 'xyz abc': use a preset"),
    ("W1=zeros,,B1=ones", "empty item in initialisation 'W1=zeros,,B1=ones' (two commas in a row?): "),
    ("W1==zeros", "unknown initialisation '=zeros' for W1: "),
    ("W1 = zeros , W5 =  ones", "bad initialisation item 'W5 = ones': "),
    ("W1=  big  one", "unknown initialisation 'big one' for W1: "),
    ("w1=N, W1 = 0", "W1 is given twice in initialisation 'w1=N, W1 = 0'"),
])
def test_init_messages(text, expected):
    valid = ("use a preset (case1, case1-b2, case2, case2-w-ones, case3, random) or NAME=KIND pairs such as "
             "W1=normal,B2=ones with NAME in W1/B1/W2/B2 and KIND in zeros/ones/normal (or 0/1/n)")
    msg = message(Nn7Error, InitSpec.parse, text)
    assert msg.startswith(expected)
    if "twice" not in msg:
        assert msg.endswith(valid)


# ---------------------------------------------------------------- settings and metrics


@pytest.mark.parametrize("kw, expected", [
    ({"lr": 0}, "--lr must be > 0 (a learning rate), got 0"),
    ({"epochs": -1}, "--epochs must be > 0 (a number of epochs), got -1"),
    ({"batch_size": 0}, "--batch-size must be > 0 (a batch size), got 0"),
    ({"every": float("nan")}, "--every must be a finite number > 0 (a checkpoint interval), got nan"),
    ({"num_hidden": 0}, "--hidden must be > 0 (a number of hidden units), got 0"),
    ({"lr": "0.5"}, "--lr must be a number > 0 (a learning rate), got '0.5'"),
    ({"batch_size": 2.5}, "--batch-size must be a whole number > 0 (a batch size), got 2.5"),
])
def test_settings_messages(kw, expected):
    assert message(Nn7Error, TrainSettings, **kw) == expected


def test_settings_as_dict():
    s = TrainSettings(lr=0.25, epochs=3, batch_size=8, every=2, num_hidden=4)
    assert s.as_dict() == {"lr": 0.25, "epochs": 3, "batch_size": 8, "every": 2, "num_hidden": 4}
    assert TrainSettings().as_dict() == {"lr": 0.5, "epochs": 1000, "batch_size": 32, "every": 1, "num_hidden": 2}


def test_accuracy_from_loss():
    assert accuracy_from_loss(0.01, 0.05) == r2_from_loss(0.01, 0.05) == pytest.approx(0.6)
    assert accuracy_from_loss(0.01, 0.05, "book") == book_accuracy_from_loss(0.01, 0.05) == pytest.approx(0.8)
    assert message(ValueError, accuracy_from_loss, 0.01, 0.05, "R2") == "unknown accuracy 'R2'; choose from r2, book"


# ---------------------------------------------------------------- training


def test_train_defaults_are_case3_and_seed_0():
    a, b = train(settings=TINY), train("case3", TINY, seed=0)
    assert a.init == b.init == "W1=normal,B1=zeros,W2=zeros,B2=zeros" and a.seed == 0
    assert a.log_lines() == b.log_lines() and a.log_lines() != train("case3", TINY, seed=1).log_lines()
    assert train(InitSpec.parse("case3"), TINY).log_lines() == a.log_lines()
    assert train("case3", TINY, seed=7).seed == 7 and train("case3", TINY, seed=7).to_json()["seed"] == 7


def test_fit_result_keeps_what_it_was_given():
    data_rng, init_rng = streams(2)
    loader, params = DataLoader(ramp(40), rng=data_rng, source="r.txt"), make_params("random", init_rng)
    settings = TrainSettings(lr=0.3, epochs=3, batch_size=8)
    epochs = []
    r = fit(params, loader, settings, on_epoch=epochs.append)
    assert epochs == [0, 1, 2]
    assert (r.init, r.seed, r.settings, r.source) == ("", 0, settings, "r.txt")
    assert r.initial is not params and all(np.array_equal(a, b) for a, b in zip(r.initial.arrays(), params.arrays()))
    assert r.x_scaler is loader.x_scaler and r.y_scaler is loader.y_scaler
    assert r.train_xy[0] is loader.train_x and r.train_xy[1] is loader.train_y
    assert r.history.iteration.tolist() == [4, 8, 12] and r.history.epoch.tolist() == [0, 1, 2]
    on_samples = train("random", settings, seed=2, samples=ramp(40), source="r.txt")
    assert on_samples.source == "r.txt" and on_samples.log_lines() == r.log_lines()
    assert train("random", settings, seed=2, samples=ramp(40)).source == "<array>"


def test_hidden_units_from_the_settings():
    r = train("random", TrainSettings(epochs=1, num_hidden=3), seed=1)
    assert r.params.W1.shape == (1, 3) and r.initial.W2.shape == (3, 1)
    out = train("random", TrainSettings(epochs=1, num_hidden=3), seed=1, samples=ramp(30, 2))
    assert out.params.W1.shape == (2, 3)


def test_predict_in_original_units():
    r = train("random", TrainSettings(epochs=3), seed=4)
    x = np.array([0.5, 3.0, 6.5])
    expected = r.y_scaler.unscale(forward(r.params, r.x_scaler.scale(x.reshape(-1, 1))).Z2)
    assert r.predict(x).shape == (3, 1) and np.array_equal(r.predict(x), expected)
    two = train("random", TrainSettings(epochs=2), seed=4, samples=ramp(30, 2))
    x2 = np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]])
    assert two.predict(x2).shape == (3, 1)
    assert np.array_equal(two.predict(x2), two.y_scaler.unscale(forward(two.params, two.x_scaler.scale(x2)).Z2))


def test_interrupt_before_an_epochs_first_step():
    """Ctrl-C while an epoch is being prepared: that epoch counts as not done."""
    data_rng, init_rng = streams(1)
    loader, params = DataLoader.book(rng=data_rng), make_params("case3", init_rng)
    draw, calls = loader.epoch_order, []

    def order():
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return draw()

    loader.epoch_order = order
    with pytest.raises(TrainingInterrupted) as err:
        fit(params, loader, TrainSettings(epochs=5))
    two = train("case3", TrainSettings(epochs=2), seed=1)
    assert err.value.completed_epochs == 2 and err.value.result.history.iteration.tolist() == [25, 50]
    assert all(np.array_equal(a, b) for a, b in zip(err.value.result.params.arrays(), two.params.arrays()))


def test_an_interrupt_before_any_checkpoint_has_an_empty_history():
    def stop(epoch):
        raise KeyboardInterrupt

    data_rng, init_rng = streams(0)
    with pytest.raises(TrainingInterrupted) as err:
        fit(make_params("case3", init_rng), DataLoader.book(rng=data_rng), TrainSettings(epochs=3, every=2),
            on_epoch=stop)
    h = err.value.result.history
    assert err.value.completed_epochs == 1 and h.iteration.tolist() == [] and h.train_loss.tolist() == []


def test_a_loss_that_overflows_while_the_parameters_stay_finite():
    """B1 = 30 saturates both hidden units (A1 = 1, so W1 and B1 get no gradient) and W2 makes
    every error 2·W2 ≈ 4e152: the 200 squared validation errors sum to half the largest
    float, the 800 squared training errors to twice it."""
    loader = DataLoader.book(seed=0)
    w2 = np.sqrt(np.finfo(float).max / 400) / 2
    p = Params(np.zeros((1, 2)), np.full((1, 2), 30.0), np.full((2, 1), w2), np.zeros((1, 1)))
    seen = []
    with pytest.raises(DivergenceError) as err:
        fit(p, loader, TrainSettings(lr=1e-300, epochs=2, every=2), on_checkpoint=seen.append)
    assert not np.isfinite(seen[0].train_loss) and np.isfinite(seen[0].val_loss)  # only one of them
    assert (err.value.iteration, err.value.epoch) == (50, 1)
    assert str(err.value) == ("training diverged: the loss overflowed after iteration 50 (--lr 1e-300); "
                              "try a smaller learning rate")


def test_divergence_messages_name_iteration_and_epoch():
    settings = TrainSettings(lr=40, epochs=3, batch_size=1)
    with pytest.raises(DivergenceError) as fast:
        train("random", settings, seed=3)
    k, e = fast.value.iteration, fast.value.epoch
    assert isinstance(e, int) and str(fast.value) == (
        f"training diverged at iteration {k} (epoch {e}): the parameters overflowed to inf/NaN "
        "with --lr 40; try a smaller learning rate")
    with pytest.raises(DivergenceError) as ref:
        train_reference(train("random", TrainSettings(epochs=1), seed=3).initial,
                        DataLoader.book(rng=streams(3).data), settings)
    assert str(ref.value) == f"training diverged at iteration {k} (epoch {e})" and ref.value.epoch == e


def test_trace_keeps_its_inputs_as_rows():
    xs, ys = np.array([[0.2, 0.7], [0.4, 0.1]]), np.array([0.5, 0.6])
    p = make_params("random", np.random.default_rng(0), 2, 2)
    steps = trace(p, xs, ys, 0.1)
    assert [s.iteration for s in steps] == [1, 2]
    assert steps[1].x.tolist() == [[0.4, 0.1]] and steps[1].y.tolist() == [[0.6]]
    one = trace(make_params("case2", None), [0.2, 0.4], [0.5, 0.6], 0.1)
    assert one[0].x.tolist() == [[0.2]] and one[0].y.tolist() == [[0.5]] and one[0].fwd.Z2.shape == (1, 1)


# ---------------------------------------------------------------- the package and the registry


def test_package_exports_load_lazily():
    from nn7 import data, train as train_module

    assert nn7.DataLoader is data.DataLoader and nn7.fit is train_module.fit and nn7.Params is Params
    assert message(AttributeError, getattr, nn7, "nope") == "module 'nn7' has no attribute 'nope'"


def test_registry_helpers():
    assert experiments.glue_name("case1-b2") == "case1_b2" and experiments.glue_name("case3") == "case3"
    shown = experiments.page_cases()
    assert [c.name for c in shown] == ["case1", "case1-b2", "case2", "case2-w-ones", "case3"]
    assert experiments.page_cases("ch7/7.7.md") == shown and experiments.page_cases("other.md") == []
    assert experiments.figures() == ["init_0_0_b0.png", "init_0_0_b0_result.png", "init_0_1.png",
                                     "init_0_1_result.png", "init_1_n.png", "init_1_n_result.png", "init_sweep.png"]
    assert experiments.case("h7_5").spec == InitSpec.parse("random")
    assert message(KeyError, experiments.case, "case9") == \
        "\"unknown case 'case9'; the chapter's cases are case1, case1-b2, case2, case2-w-ones, case3, h7_5\""


@pytest.fixture
def tiny_case(monkeypatch):
    case = experiments.Case("tiny", "random", seed=3, settings=TrainSettings(epochs=2, num_hidden=3))
    monkeypatch.setitem(experiments.CASES, "tiny", case)
    return case


def test_run_case_and_case_start(tiny_case):
    r = runs.run_case("tiny")
    assert r.log_lines() == train("random", tiny_case.settings, seed=3).log_lines() and r.params.W1.shape == (1, 3)
    loader, params = runs.case_start("tiny")
    assert all(np.array_equal(a, b) for a, b in zip(params.arrays(), r.initial.arrays()))
    assert np.array_equal(loader.val_x, DataLoader.book(seed=3).val_x)


def test_trace_inputs():
    params, x, y, lr = runs.trace_inputs("trace-case2")
    xs, ys = book_scalers()
    assert lr == 0.1 and x.shape == (2, 1) and y.shape == (2, 1)
    assert np.allclose(xs.unscale(x).ravel(), [1.38, 0.45]) and np.allclose(ys.unscale(y).ravel(), [2.85, 2.19])
    assert params.B1.tolist() == [[1, 1]]


# ---------------------------------------------------------------- the sweep's analysis


def test_classify_every_start():
    combos = experiments.SWEEP.combos
    assert len(combos) == 81 and combos[0] == "W1=zeros,B1=zeros,W2=zeros,B2=zeros"
    assert combos[-1] == "W1=normal,B1=normal,W2=normal,B2=normal" and combos[27].startswith("W1=ones,B1=zeros")
    classes = [sweep.classify(c) for c in combos]
    assert {k: classes.count(k) for k in sweep.CLASSES} == {"dead": 3, "symmetric": 21, "broken": 57}
    assert sweep.classify(InitSpec.parse("case2")) == "symmetric" and sweep.classify("case3") == "broken"
    assert sweep.classify("W1=zeros,B1=zeros,W2=zeros,B2=normal") == "dead"
    assert sweep.classify("W1=zeros,B1=normal,W2=zeros") == "broken"
    assert sweep.classify("W1=zeros,B1=zeros,W2=normal") == "broken"


SMALL_SWEEP = experiments.Sweep(seeds=(0, 1), chunk=100, settings=TrainSettings(epochs=3, every=3), threshold=0.3)


@pytest.fixture(scope="module")
def small_sweep():
    return sweep.run_sweep(SMALL_SWEEP)


def test_run_sweep_is_the_single_runs(small_sweep):
    r = small_sweep
    assert r.combos == SMALL_SWEEP.combos and len(r.combos) == 81 and r.val_r2.shape == (81, 2)
    assert SMALL_SWEEP.nets[:3] == [(r.combos[0], 0), (r.combos[0], 1), (r.combos[1], 0)]
    for k in (0, 5, 80):
        for s, seed in enumerate(SMALL_SWEEP.seeds):
            single = train(r.combos[k], SMALL_SWEEP.settings, seed=seed)
            assert abs(r.val_r2[k, s] - single.final()["val_r2"]) < 1e-10
    assert np.array_equal(r.median, np.median(r.val_r2, axis=1))
    assert np.array_equal(r.trains, r.median > 0.3) and r.trains.any() and not r.trains.all()


def test_sweep_summary_and_json(small_sweep):
    r = small_sweep
    summary = r.summary()
    cls = np.array(r.classes())
    assert list(summary) == list(sweep.CLASSES)
    for name in sweep.CLASSES:
        runs_ = r.val_r2[cls == name]
        assert summary[name] == {
            "combos": int((cls == name).sum()), "combos_training": int(r.trains[cls == name].sum()),
            "runs": runs_.size, "runs_training": int((runs_ > 0.3).sum()),
            "r2_min": runs_.min(), "r2_median": float(np.median(runs_)), "r2_max": runs_.max()}
    assert summary["dead"]["combos"] == 3 and summary["broken"]["combos"] == 57
    assert 0 < summary["broken"]["runs_training"] < summary["broken"]["runs"]
    out = r.to_json()
    assert out == {"combos": r.combos, "n_combos": 81, "n_kinds": 3, "seeds": [0, 1], "n_seeds": 2, "n_runs": 162,
                   "threshold": 0.3, "settings": SMALL_SWEEP.settings.as_dict(), "median": r.median.tolist(),
                   "lowest": r.val_r2.min(axis=1).tolist(), "val_r2": r.val_r2.tolist(), "summary": summary,
                   "condition_holds": r.condition_holds()}


def test_the_condition_is_checked_against_the_classes():
    combos = ["W1=zeros,B1=zeros,W2=zeros,B2=zeros", "case2", "case3"]
    sw = experiments.Sweep(seeds=(0,), threshold=0.5)
    holds = sweep.SweepResult(sw, combos, np.array([[0.1], [0.2], [0.9]]))
    assert holds.condition_holds() is True
    assert sweep.SweepResult(sw, combos, np.array([[0.1], [0.6], [0.9]])).condition_holds() is False
    at = sweep.SweepResult(sw, combos, np.array([[0.1], [0.2], [0.5]]))
    assert at.condition_holds() is False and at.summary()["broken"]["runs_training"] == 0  # not above


def test_run_sweep_with_its_fixed_chunk_in_this_process_by_default(monkeypatch):
    import multiprocessing

    fake = FakeContext()
    monkeypatch.setattr(multiprocessing, "get_context", lambda method: fake)
    sw = experiments.Sweep(kinds=("zeros", "normal"), seeds=(0, 1), chunk=5, settings=TrainSettings(epochs=1))
    one = sweep.run_sweep(sw)
    assert fake.pools == [] and one.val_r2.shape == (16, 2)
    two = sweep.run_sweep(sw, workers=2)
    assert fake.pools == [2] and fake.jobs == [5] * 6 + [2]
    assert np.array_equal(one.val_r2, two.val_r2)
    single = train(sw.combos[-1], sw.settings, seed=1)
    assert abs(one.val_r2[-1, 1] - single.final()["val_r2"]) < 1e-10


def test_speed_json():
    sp = experiments.LearningSpeed(starts=("W1=normal,W2=normal", "W1=zeros,W2=normal"), seeds=(0, 1, 2))
    out = sweep.SpeedResult(sp, np.array([[300.0, 100.0, np.inf], [np.inf, np.inf, np.inf]])).to_json()
    assert out == {"target": 0.85, "seeds": [0, 1, 2], "n_seeds": 3, "settings": sp.settings.as_dict(), "starts": [
        {"init": "W1=normal,B1=zeros,W2=normal,B2=zeros", "median": 300.0, "fastest": 100.0, "slowest": 300.0,
         "reached": 2, "iterations": [300, 100, None]},
        {"init": "W1=zeros,B1=zeros,W2=normal,B2=zeros", "median": None, "fastest": None, "slowest": None,
         "reached": 0, "iterations": [None, None, None]}]}


def test_run_speed_finds_the_first_checkpoint_at_the_target():
    sp = experiments.LearningSpeed(starts=("W1=normal,W2=normal", "case1"), seeds=(0, 1), target=0.2, chunk=3,
                           settings=TrainSettings(epochs=6))
    r = sweep.run_speed(sp)
    assert r.iterations.shape == (2, 2) and r.speed is sp
    for row, start in zip(r.iterations, sp.starts):
        for value, seed in zip(row, sp.seeds):
            curve = train(start, sp.settings, seed=seed).history
            hit = np.flatnonzero(curve.val_accuracy("r2") >= 0.2)
            assert value == (curve.iteration[hit[0]] if hit.size else np.inf), (start, seed)
    assert np.isinf(r.iterations[1]).all() and np.isfinite(r.iterations[0]).all()


def test_run_speed_reads_the_first_checkpoint_at_or_above_the_target(monkeypatch):
    """run_speed's own arithmetic, on losses made up so that one run reaches the target exactly."""
    sp = experiments.LearningSpeed(starts=("case3", "case1"), seeds=(4, 5), target=0.5, chunk=7,
                           settings=TrainSettings(epochs=3))
    calls = []

    class Made:
        iteration = np.array([25, 50, 75])

        def val_accuracy(self, kind):
            assert kind == "r2"
            return np.array([[0.1, 0.5, 0.2, 0.2], [0.6, 0.4, 0.2, 0.2], [0.7, 0.9, 0.2, 0.7]])

    def made(nets, settings, chunk=None, workers=1):
        calls.append((nets, settings, chunk, workers))
        return Made()

    monkeypatch.setattr(sweep, "train_batched", made)
    r = sweep.run_speed(sp)
    assert calls == [([("case3", 4), ("case3", 5), ("case1", 4), ("case1", 5)], sp.settings, 7, 1)]
    assert r.iterations.tolist() == [[50.0, 25.0], [np.inf, 75.0]] and r.iterations.dtype == np.float64
    sweep.run_speed(sp, workers=3)
    assert calls[-1][3] == 3


# ---------------------------------------------------------------- the batched trainer's choices


def test_default_workers(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert batched.default_workers() == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert batched.default_workers() == 3
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert batched.default_workers() == 1
    monkeypatch.setattr(os, "cpu_count", lambda: 5)
    assert batched.default_workers() == 5


class FakeContext:
    """multiprocessing's fork context, recording the pools asked for and running in process."""

    def __init__(self):
        self.pools = []
        self.jobs = None

    def Pool(self, size):
        self.pools.append(size)
        context = self

        class Pool:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def starmap(self, fn, jobs):
                context.jobs = [len(job[0]) for job in jobs]
                return [fn(*job) for job in jobs]

        return Pool()


@pytest.mark.parametrize("workers, chunk, pools, jobs", [
    (1, None, [], None),  # one worker: in this process, one chunk
    (1, 2, [], None),  # several chunks, one worker: still in this process
    (2, None, [2], [3, 2]),  # an equal share per worker
    (2, 5, [], None),  # one chunk: no pool
    (3, 2, [3], [2, 2, 1]),
    (8, 2, [3], [2, 2, 1]),  # no more processes than chunks
])
def test_chunks_and_processes(monkeypatch, workers, chunk, pools, jobs):
    import multiprocessing

    fake = FakeContext()
    monkeypatch.setattr(multiprocessing, "get_context", lambda method: fake if method == "fork" else None)
    nets = [("random", 1), ("case3", 0), ("random", 0), ("case1", 2), ("random", 2)]
    r = batched.train_batched(nets, TINY, workers=workers, chunk=chunk)
    assert fake.pools == pools and fake.jobs == jobs
    assert [(n.init, n.seed) for n in r.nets] == [(str(InitSpec.parse(i)), s) for i, s in nets]
    assert r.settings is TINY and r.train_loss.shape == (2, 5) and r.val_var.shape == (5,)
    for k, (init, seed) in enumerate(nets):
        single = train(init, TINY, seed=seed)
        assert abs(r.val_loss[-1, k] - single.history.val_loss[-1]) < 1e-12
        assert np.allclose(r.params(k).W1, single.params.W1, rtol=0, atol=1e-12)


def test_default_chunk_is_one_per_worker(monkeypatch):
    sizes = []
    real = batched._train_chunk
    monkeypatch.setattr(batched, "_train_chunk", lambda nets, *a: sizes.append(len(nets)) or real(nets, *a))
    batched.train_batched([("random", s) for s in range(5)], TINY)
    assert sizes == [5]
    sizes.clear()
    batched.train_batched([("random", s) for s in range(5)], TINY, chunk=2)
    assert sizes == [2, 2, 1]


def test_nets_may_be_given_as_net_or_spec():
    spec = InitSpec.parse("case3")
    r = batched.train_batched([batched.Net("W1=normal,B1=zeros,W2=zeros,B2=zeros", 1), (spec, 1), ("case3", 1)], TINY)
    assert [n.init for n in r.nets] == [str(spec)] * 3 and [n.seed for n in r.nets] == [1, 1, 1]
    assert np.array_equal(r.W1[0], r.W1[1]) and np.array_equal(r.W1[1], r.W1[2])


@pytest.mark.parametrize("seeds, inputs", [(8, batched._SharedInputs), (9, batched._OwnInputs)])
def test_first_layer_by_products_up_to_gemm_groups_seeds(seeds, inputs):
    assert batched.GEMM_GROUPS == 8
    nets = [batched.Net("W1=normal,B1=zeros,W2=zeros,B2=zeros", s) for s in range(seeds)]
    loaders = {s: DataLoader.book(rng=streams(s).data) for s in range(seeds)}
    chunk = batched._Chunk(nets, loaders, TINY)
    assert chunk.Inputs is inputs and chunk.nets is nets and len(chunk.groups) == seeds
    assert chunk.P.shape == (2 * 2 + 2 + 1, seeds)


def test_batched_on_samples_and_with_a_checkpoint_at_the_end():
    settings = TrainSettings(lr=0.3, epochs=5, batch_size=7, every=2)
    r = batched.train_batched([("random", 0), ("case3", 1)], settings, samples=ramp(40, 2))
    assert r.iteration.tolist() == [10, 20, 25] and r.train_loss.shape == (3, 2)
    single = train("case3", settings, seed=1, samples=ramp(40, 2))
    assert np.allclose(r.train_loss[:, 1], single.history.train_loss, rtol=0, atol=1e-12)
    unnamed = message(Nn7Error, batched.train_batched, [("random", 0)], settings, samples=ramp(40)[:, :1])
    assert unnamed.startswith("<array>: need a 2-D table")
    named = message(Nn7Error, batched.train_batched, [("random", 0)], settings, samples=ramp(40)[:, :1], source="s")
    assert named.startswith("s: need a 2-D table")


def test_batched_with_more_hidden_units():
    settings = TrainSettings(epochs=2, num_hidden=3)
    r = batched.train_batched([("random", 0), ("random", 1)], settings)
    single = train("random", settings, seed=1)
    assert r.W1.shape == (2, 1, 3) and np.allclose(r.params(1).W2, single.params.W2, rtol=0, atol=1e-12)


def test_batched_divergence_leaves_non_finite_losses_without_a_warning():
    r = batched.train_batched([("random", 3), ("case3", 3)], TrainSettings(lr=40, epochs=2, batch_size=1))
    assert not np.isfinite(r.train_loss[-1, 0]) and not np.isfinite(r.val_loss[-1, 0])
