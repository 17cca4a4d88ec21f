"""Single-sample SGD steps with every intermediate recorded, and the book's printout of them.

This is what section 7.7 prints to explain why a zero start cannot learn: for each step,
the forward values Z1, A1, Z2, the backward values dZ2, dA1, dZ1, the four gradients and
the four parameters after the update (all gradients come from the parameters before it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import Nn7Error
from .fmt import TRACE_PRECISION, array_line
from .network import Forward, Grads, Params, backward, forward, update

STEP_HEADER = "----迭代"  # the book's printout starts each step with it, then the step number


@dataclass
class TraceStep:
    iteration: int  # 1-based
    x: np.ndarray  # (1, d), scaled
    y: np.ndarray  # (1, 1), scaled
    before: Params
    fwd: Forward
    grads: Grads
    after: Params

    def as_dict(self) -> dict[str, np.ndarray]:
        """Every intermediate by its name in the text (W1 … B2 are the updated values)."""
        g = self.grads
        return {"Z1": self.fwd.Z1, "A1": self.fwd.A1, "Z2": self.fwd.Z2,
                "dZ2": g.dZ2, "dA1": g.dA1, "dZ1": g.dZ1,
                "dW1": g.dW1, "dB1": g.dB1, "dW2": g.dW2, "dB2": g.dB2,
                **self.after.as_dict()}

    def to_json(self) -> dict[str, list]:
        """Every intermediate as nested lists (``nn7 trace --json``)."""
        return {k: np.asarray(v).tolist() for k, v in self.as_dict().items()}


def trace(params: Params, xs: np.ndarray, ys: np.ndarray, lr: float) -> list[TraceStep]:
    """One SGD step per sample, in order, starting from ``params`` (left unchanged)."""
    if not (np.isfinite(lr) and lr > 0):
        raise Nn7Error(f"--lr must be > 0 (a learning rate), got {lr!r}")
    p = params.copy()
    steps = []
    for k, (x, y) in enumerate(zip(np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)), start=1):
        x, y = np.atleast_2d(x), np.atleast_2d(y)  # a row (1, d) and (1, 1)
        f = forward(p, x)  # (7.4.1)–(7.4.3)
        g = backward(p, x, y, f)  # (7.4.5)–(7.4.11), all from the parameters before the update
        after = update(p, g, lr)
        steps.append(TraceStep(k, x, y, p, f, g, after))
        p = after
    return steps


def _row(cells: list[str], widths: list[int]) -> str:
    """Cells separated by commas, each padded so that the columns line up."""
    return " ".join((c + ",").ljust(w + 1) for c, w in zip(cells[:-1], widths)) + " " + cells[-1]


def format_step(step: TraceStep) -> str:
    """The book's layout of one step (with its typos fixed: B1 where it printed B2 twice)."""
    v = {k: array_line(a, TRACE_PRECISION) for k, a in step.as_dict().items()}
    head = [[f"Z1={v['Z1']}", f"A1={v['A1']}", f"Z2={v['Z2']}"],
            [f"dZ2={v['dZ2']}", f"dA1={v['dA1']}", f"dZ1={v['dZ1']}"]]
    tail = [[f"W1={v['W1']}", f"B1={v['B1']}", f"dW1={v['dW1']}", f"dB1={v['dB1']}"],
            [f"W2={v['W2']}", f"B2={v['B2']}", f"dW2={v['dW2']}", f"dB2={v['dB2']}"]]
    hw = [max(len(r[i]) for r in head) for i in range(3)]
    tw = [max(len(r[i]) for r in tail) for i in range(4)]
    body = [_row(r, tw) for r in tail]
    rule = "-" * max(len(line) for line in body)
    pad = " " * 6  # the display width of the row labels (two wide characters, a colon, a space)
    return "\n".join([f"{STEP_HEADER} {step.iteration}----",
                      "前向: " + _row(head[0], hw), "反向: " + _row(head[1], hw),
                      pad + rule, *(pad + line for line in body)]) + "\n"


def format_trace(steps: list[TraceStep]) -> str:
    return "".join(format_step(s) for s in steps)
