"""The statements of section 7.7 that a run can decide, as functions of run results.

Each function checks one sentence (quoted in its docstring) and raises AssertionError with
the numbers when the sentence does not hold. tests/test_claims.py applies them to fresh
runs; tests/test_bite.py applies them to planted wrong data to show that they can fail.
"""

from __future__ import annotations

import numpy as np

R2_ZERO = 0.02  # "R² ≈ 0": within this of 0
CLEARLY = 0.2  # "clearly above/below": at least this much R² apart
TRAINS = 0.85  # case 3 "trains well": validation R² above this


def equal_pairs(a) -> bool:
    """The two hidden units' entries are bit-identical."""
    a = np.asarray(a)
    return bool(np.array_equal(a.reshape(-1)[0::2] if a.shape[-1] == 1 else a[..., 0],
                               a.reshape(-1)[1::2] if a.shape[-1] == 1 else a[..., 1]))


def only_b2_changes(initial, final):
    """“只有第二个线性层的偏置值有变化，其它值还保持为 0”"""
    for name in ("W1", "B1", "W2"):
        assert np.array_equal(getattr(final, name), np.zeros_like(getattr(final, name))), \
            f"{name} = {getattr(final, name)} is not exactly 0"
    assert not np.array_equal(final.B2, initial.B2), "B2 did not change"


def learns_nothing(final_r2: dict):
    """“什么也没有学到”: R² ≈ 0 on both sets"""
    for key in ("train_r2", "val_r2"):
        assert abs(final_r2[key]) < R2_ZERO, f"{key} = {final_r2[key]:.4f}, not within {R2_ZERO} of 0"


def accuracy_below(final_book: dict, bound: float = 0.50):
    """“两个数据集的准确率都不到 50%”: the book's accu (1 − loss/var(y)) of both sets is below
    the bound the book prints (the page keeps the book's 50% as it is)."""
    for key in ("train_book", "val_book"):
        assert final_book[key] < bound, f"{key} = {final_book[key]:.4f} is not below {bound:.0%}"


def same_settings(cases, shown: dict):
    """“采用相同的学习率（0.5）、训练轮数（1000）、批大小（32）”: every case on the page trains with
    exactly the learning rate, epochs and batch size the sentence shows."""
    for c in cases:
        for key in ("lr", "epochs", "batch_size"):
            assert getattr(c.settings, key) == shown[key], \
                f"case {c.name}: {key} = {getattr(c.settings, key)}, the page says {shown[key]}"


def zero_start_is_slower(medians: dict):
    """“从 0 开始调节权重值所需要的时间比较长”: both W random reaches the target in fewer
    iterations (median over seeds) than either W starting at 0."""
    both, w2_zero, w1_zero = (medians[k] for k in ("both", "w2_zero", "w1_zero"))
    assert both < w2_zero and both < w1_zero, \
        f"median iterations: both random {both}, W2 from 0 {w2_zero}, W1 from 0 {w1_zero}"


def page_value_is_run_value(shown: str, fresh: float, digits: int = 4):
    """A number in the prose (e.g. “W2 的值变成 -0.0362”) is the fresh run's number."""
    assert shown == f"{fresh:.{digits}f}", f"the page shows {shown}, a fresh run gives {fresh:.{digits}f}"


def stays_symmetric(params):
    """“W1,B1,W2 内部两个元素始终相等”"""
    for name in ("W1", "B1", "W2"):
        a = getattr(params, name)
        assert equal_pairs(a), f"{name} = {a.tolist()}: the two hidden units differ"


def between(low_r2: float, r2: float, high_r2: float, what: str):
    """Learns something but fails: clearly above one run, clearly below another."""
    assert r2 > low_r2 + CLEARLY, f"{what}: R² {r2:.3f} is not clearly above {low_r2:.3f}"
    assert r2 < high_r2 - CLEARLY, f"{what}: R² {r2:.3f} is not clearly below {high_r2:.3f}"


def trains_well(final_r2: dict):
    """“打印输出终于正常了！损失函数和准确率也都很合理”"""
    for key in ("train_r2", "val_r2"):
        assert final_r2[key] > TRAINS, f"{key} = {final_r2[key]:.4f} is not above {TRAINS}"


def trace_case1_step(step, k: int):
    """Iteration 1 and 2 of case 1: forward all 0 (iteration 2: only Z2 = B2); dZ2 ≠ 0;
    A1 = 0 so dW2 = 0 and W2 stays 0; dB2 ≠ 0 so B2 changes; W2 = 0 so dA1 = 0."""
    d = step.as_dict()
    assert not d["Z1"].any() and not d["A1"].any(), "forward is not all 0"
    if k == 1:
        assert not d["Z2"].any(), "Z2 is not 0 in iteration 1"
    else:
        assert d["Z2"].item() == step.before.B2.item() != 0, "Z2 is not B2 (≠ 0) in iteration 2"
    assert d["dZ2"].item() != 0, "dZ2 is 0"
    assert not d["dW2"].any() and not d["W2"].any(), "dW2 or the updated W2 is not 0"
    assert d["dB2"].item() != 0 and d["B2"].item() != step.before.B2.item(), "B2 did not change"
    assert not d["dA1"].any() and not d["dZ1"].any(), "dA1/dZ1 is not 0"
    assert not d["dW1"].any() and not d["dB1"].any(), "the first layer received a gradient"


def trace_case2_step1(step):
    """Case 2, iteration 1: Z1 = 1 (W1 = 0, B1 = 1), A1's two entries equal, Z2 = 1 (W2 = 0,
    B2 = 1); dW2 ≠ 0 with equal entries; dB2 ≠ 0; W2 was still 0 so dA1 = 0."""
    d = step.as_dict()
    assert np.array_equal(d["Z1"], np.ones((1, 2))), f"Z1 = {d['Z1']}"
    assert equal_pairs(d["A1"]) and d["A1"].all(), f"A1 = {d['A1']}"
    assert d["Z2"].item() == 1.0, f"Z2 = {d['Z2']}"
    assert d["dW2"].all() and equal_pairs(d["dW2"]) and equal_pairs(d["W2"]), "dW2/W2 not non-zero and equal"
    assert d["dB2"].item() != 0, "dB2 is 0"
    assert not d["dA1"].any(), f"dA1 = {d['dA1']} although W2 was 0"


def trace_case2_step2(step):
    """Case 2, iteration 2: W2 ≠ 0 so dA1 ≠ 0, but its two entries are equal, and so are
    those of dZ1, dB1, dW1 and of the updated W1, B1."""
    d = step.as_dict()
    assert d["dA1"].all(), f"dA1 = {d['dA1']}"
    for name in ("dA1", "dZ1", "dB1", "dW1", "W1", "B1", "W2"):
        assert equal_pairs(d[name]), f"{name} = {d[name]}: the two entries differ"


def constant_r2(r2: float, constant: float, labels) -> None:
    """“情况一的网络只会输出一个常数 B2，它的 R² = −(B2 − ȳ)²/var(y)”: the run's R² on a set is
    that of the constant B2, which is never above 0."""
    y = np.asarray(labels, dtype=float).ravel()
    expected = -((constant - y.mean()) ** 2) / y.var()
    assert abs(r2 - expected) < 1e-9, f"R² {r2:.6g}, the constant {constant:.6g} gives {expected:.6g}"
    assert r2 <= 0, f"R² {r2:.6g} of a constant is above 0"


def same_end(a, b) -> None:
    """A run that ends exactly where another does: every final parameter bit-identical."""
    for name in ("W1", "B1", "W2", "B2"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), f"{name}: {getattr(a, name)} vs {getattr(b, name)}"


def rate_of_printed_step(before: float, after: float, grad: float, lr: float, truncation: float = 1e-4) -> None:
    """“学习率是 0.1……书中的这两段打印输出就是这样算出来的”: the printed update after = before − lr × grad
    holds with the stated rate, within what the book's 4-decimal printing allows."""
    implied = (before - after) / grad
    slack = truncation / abs(grad) * 2
    assert abs(implied - lr) <= slack, f"the printed numbers imply a rate of {implied:.4g}, not {lr:g}"
