"""The gaps mutation testing found in the science's tests (issue 14, "The tests' strength,
measured"), each closed by a test that fails on the named mutant: the final values read the
last checkpoint; the book's accuracy convention in log lines and in ``val_accuracy``; the JSON
layouts, in process; ``trace`` refuses a learning rate that is not > 0; the parser's
decimal-comma branches and comment lines with two ``#``; the traces' columns line up.
``make mutation`` measures the rest (tools/mutation.py)."""

from __future__ import annotations

import json
import unicodedata

import numpy as np
import pytest

from nn7 import runs
from nn7.data import parse_samples
from nn7.errors import Nn7Error
from nn7.inits import make_params
from nn7.metrics import book_accuracy_from_loss, r2_from_loss
from nn7.params import PARAM_NAMES
from nn7.settings import TrainSettings
from nn7.trace import STEP_HEADER, format_step, format_trace, trace
from nn7.train import Checkpoint, train

SHORT = TrainSettings(epochs=6, every=2)  # three checkpoints: 50, 100, 150 iterations


@pytest.fixture(scope="module")
def short():
    return train("case3", SHORT, seed=1)


# ---------------------------------------------------------------- the last checkpoint


@pytest.mark.parametrize("kind", ["r2", "book"])
def test_final_values_are_the_last_checkpoints(short, kind):
    h = short.history
    assert len(h.iteration) == 3
    final = short.final(kind)
    assert final == {"train_loss": h.train_loss[-1], f"train_{kind}": h.train_accuracy(kind)[-1],
                     "val_loss": h.val_loss[-1], f"val_{kind}": h.val_accuracy(kind)[-1]}
    for key, column in (("train_loss", h.train_loss), (f"val_{kind}", h.val_accuracy(kind))):
        assert final[key] != column[-2] and final[key] != column[0], key  # not an earlier one
    assert all(type(v) is float for v in final.values())


def test_final_defaults_to_r2(short):
    assert short.final() == short.final("r2")
    assert short.history.rows().tolist() == short.history.rows("r2").tolist()


# ---------------------------------------------------------------- the two accuracies

# chosen so that the two conventions give different numbers: R² 0.6 / 0.4, the book's 0.8 / 0.7
CHECKPOINT = Checkpoint(epoch=7, iteration=200, train_loss=0.01, val_loss=0.015, train_var=0.05, val_var=0.05)


def test_book_log_line_prints_the_books_accuracy():
    line = CHECKPOINT.log_line("book")
    assert line == ("轮数 7, 迭代 200, 训练集: loss 0.010000, accu 0.8000, "
                    "验证集: loss 0.015000, accu 0.7000")


def test_r2_log_line_prints_r2_not_the_books_accuracy():
    """The R² line's label is the lab's to choose (issue 18); its numbers are R²'s."""
    for line in (CHECKPOINT.log_line("r2"), CHECKPOINT.log_line()):
        assert line.startswith("轮数 7, 迭代 200, 训练集: loss 0.010000, ")
        assert ", 验证集: loss 0.015000, " in line
        assert " 0.6000, " in line and line.endswith(" 0.4000")
        assert "0.8000" not in line and "0.7000" not in line


def test_log_lines_use_the_kind_asked_for(short):
    h = short.history
    for kind in ("r2", "book"):
        lines = short.log_lines(kind)
        assert len(lines) == len(h.iteration) + len(PARAM_NAMES)
        for line, t, v in zip(lines, h.train_accuracy(kind), h.val_accuracy(kind)):
            assert f" {t:.4f}, 验证集" in line and line.endswith(f" {v:.4f}")


def test_val_accuracy_of_each_convention(short):
    h = short.history
    assert np.array_equal(h.val_accuracy("book"), book_accuracy_from_loss(h.val_loss, h.val_var))
    assert np.array_equal(h.val_accuracy("r2"), r2_from_loss(h.val_loss, h.val_var))
    assert np.array_equal(h.val_accuracy(), h.val_accuracy("r2"))
    assert np.array_equal(h.train_accuracy(), h.train_accuracy("r2"))
    assert np.allclose(h.val_accuracy("book"), (1 + h.val_accuracy("r2")) / 2)
    assert not np.allclose(h.val_accuracy("book"), h.train_accuracy("book"))  # its own losses and var(y)
    with pytest.raises(ValueError, match="unknown accuracy 'accu'; choose from r2, book"):
        h.val_accuracy("accu")


def test_log_tail_is_the_last_checkpoints_and_the_parameters(short):
    lines = short.log_lines("book")
    assert short.log_tail("book") == "\n".join(lines[-6:]) + "\n"
    assert short.log_tail("book", checkpoints=1) == "\n".join(lines[-5:]) + "\n"
    assert short.log_tail() == "\n".join(short.log_lines()[-6:]) + "\n"


# ---------------------------------------------------------------- JSON, in process


def test_train_result_json_layout(short):
    out = short.to_json()
    assert json.loads(json.dumps(out, allow_nan=False)) == out  # plain JSON, as `nn7 train --json` writes it
    assert list(out) == ["init", "seed", "settings", "final", "params", "history"]
    assert out["init"] == "W1=normal,B1=zeros,W2=zeros,B2=zeros" and out["seed"] == 1
    assert out["settings"] == {"lr": 0.5, "epochs": 6, "batch_size": 32, "every": 2, "num_hidden": 2}
    assert out["final"] == short.final("r2") | {"train_book": short.final("book")["train_book"],
                                                "val_book": short.final("book")["val_book"]}
    assert list(out["final"]) == ["train_loss", "train_r2", "val_loss", "val_r2", "train_book", "val_book"]
    assert out["params"] == {name: a.tolist() for name, a in short.params.as_dict().items()}
    h = short.history
    assert out["history"] == {"iteration": [50, 100, 150], "train_loss": h.train_loss.tolist(),
                              "train_r2": h.train_accuracy("r2").tolist(), "val_loss": h.val_loss.tolist(),
                              "val_r2": h.val_accuracy("r2").tolist()}


def test_params_json_layout(short):
    out = short.params.to_json()
    assert list(out) == list(PARAM_NAMES)
    assert [np.shape(out[k]) for k in PARAM_NAMES] == [(1, 2), (1, 2), (2, 1), (1, 1)]
    assert all(np.array_equal(out[k], getattr(short.params, k)) for k in PARAM_NAMES)
    assert json.loads(json.dumps(out)) == out


def test_trace_step_json_layout():
    step = runs.run_trace("trace-case2")[1]
    out = step.to_json()
    assert list(out) == ["Z1", "A1", "Z2", "dZ2", "dA1", "dZ1", "dW1", "dB1", "dW2", "dB2", *PARAM_NAMES]
    assert json.loads(json.dumps(out)) == out
    for name, value in step.as_dict().items():
        assert out[name] == np.asarray(value).tolist() and np.shape(out[name]) == np.shape(value), name
    assert out["W1"] == step.after.W1.tolist() and out["W1"] != step.before.W1.tolist()  # after the update


# ---------------------------------------------------------------- trace's learning rate


@pytest.mark.parametrize("lr", [0, 0.0, -0.1, float("nan"), float("inf")])
def test_trace_refuses_a_learning_rate_that_is_not_positive(lr):
    with pytest.raises(Nn7Error) as err:
        trace(make_params("case2", None), np.array([[0.2]]), np.array([[0.5]]), lr)
    assert str(err.value) == f"--lr must be > 0 (a learning rate), got {lr!r}"


# ---------------------------------------------------------------- the data parser


@pytest.mark.parametrize("text", [
    "6,77 2,5\n",  # separated by spaces
    "6,77;2,5\n",  # separated by a semicolon
    "1.5; 2,5\n",  # a semicolon, and one decimal comma
    "6,77\t2\n",  # a tab
    "3,01\n",  # one comma, no space: a leading zero no program writes gives it away
    "3, 4,05\n",  # the same, after a comma and a space
    "1 2\n3,01\n",  # on a later line
])
def test_decimal_commas_are_an_error(text):
    line = text.count("\n")
    with pytest.raises(Nn7Error) as err:
        parse_samples(text, "t.txt")
    assert str(err.value) == f"t.txt:{line}: looks like decimal commas: use '.' as the decimal point"


@pytest.mark.parametrize("text, rows", [
    ("3,10\n4,20\n", [[3, 10], [4, 20]]),  # commas between two numbers, no leading zero
    ("3,0\n4,0.5\n", [[3, 0], [4, 0.5]]),  # a lone 0 is a number a program writes
    ("1, 2\n", [[1, 2]]),
    ("1 2;\n", None),  # a semicolon without a decimal comma is not taken for one
])
def test_commas_that_separate_numbers(text, rows):
    if rows is None:
        with pytest.raises(Nn7Error, match="column 2 is not a number: '2;'"):
            parse_samples(text, "t.txt")
    else:
        assert parse_samples(text, "t.txt").tolist() == rows


def test_comment_lines_with_two_hashes():
    text = "## a comment, twice marked\n1 2 # first # second\n3 4 #\n#\n5 6## end\n"
    assert parse_samples(text, "t.txt").tolist() == [[1, 2], [3, 4], [5, 6]]


# ---------------------------------------------------------------- the traces' columns


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def cells(line: str) -> list[tuple[int, int]]:
    """(start, end) display columns of each ``NAME=…,`` cell of a row (the last has no comma)."""
    out = []
    for k, c in enumerate(line):
        if c == "=":
            start = line.rfind(" ", 0, k) + 1
            comma = line.find(",", k)
            end = len(line) if comma == -1 else comma + 1
            out.append((display_width(line[:start]), display_width(line[:end])))
    return out


def test_trace_columns_line_up():
    """Each step prints two rows of three cells and two of four; in each pair the cells start
    in the same columns, each column as wide as its widest cell and its comma, then one space;
    the labels 前向:/反向: are exactly as wide as the indent of the rows below them."""
    steps = runs.run_trace("trace-case2")
    text = format_trace(steps)
    assert text == "".join(format_step(s) for s in steps)
    blocks = text.split(f"{STEP_HEADER} ")
    assert blocks[0] == "" and len(blocks) == 3
    for k, block in enumerate(blocks[1:], start=1):
        lines = block.split("\n")
        assert lines[0] == f"{k}----" and len(lines) == 7 and lines[-1] == ""  # one newline at the end
        fwd, bwd, rule, w, b = lines[1:6]
        for line, names in ((fwd, "Z1 A1 Z2"), (bwd, "dZ2 dA1 dZ1"), (w, "W1 B1 dW1 dB1"), (b, "W2 B2 dW2 dB2")):
            assert [cell.split("=")[0].split()[-1] for cell in line.split(",")] == names.split(), line
        assert fwd.startswith("前向: Z1=") and bwd.startswith("反向: dZ2=")
        assert w.startswith(" " * 6 + "W1=") and b.startswith(" " * 6 + "W2=")
        assert display_width("前向: ") == display_width("反向: ") == 6
        assert rule == " " * 6 + "-" * (max(len(w), len(b)) - 6)
        for pair, n in (((fwd, bwd), 3), ((w, b), 4)):
            a, c = cells(pair[0]), cells(pair[1])
            assert len(a) == len(c) == n, pair
            assert [s for s, _ in a] == [s for s, _ in c], pair  # the cells start in the same columns
            for col in range(n - 1):
                gaps = [row[col + 1][0] - row[col][1] for row in (a, c)]
                assert min(gaps) == 1 and max(gaps) >= 1, (pair, col)  # the widest: comma, one space
            assert not pair[0].endswith((",", " ")) and not pair[1].endswith((",", " "))
