"""【代码：H7_8_Train_Init_0.py】7.7 节：用相同的学习率、训练轮数和批大小比较不同的初始化。

    python H7_8_Train_Init_0.py                    # 情况一、二、三
    python H7_8_Train_Init_0.py case1-b2 case2-w-ones
    python H7_8_Train_Init_0.py trace-case1 trace-case2   # 两次单样本迭代的打印输出

每个实验的种子、学习率、轮数、批大小都来自 nn7.experiments，与网站、笔记本和测试相同。
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # makes `common` importable
try:
    from common.NeuralNet_7 import NeuralNet_7  # noqa: E402  (the repository's layout)
except ModuleNotFoundError:  # downloaded from the site into one folder
    from NeuralNet_7 import NeuralNet_7  # noqa: E402

from nn7 import experiments, runs  # noqa: E402
from nn7.data import DataLoader_7  # noqa: E402
from nn7.inits import make_params  # noqa: E402
from nn7.rng import streams  # noqa: E402

num_hidden = 2


def init_case1(rng):
    # --8<-- [start:zeros]
    W1 = np.zeros((1, num_hidden))
    W2 = np.zeros((num_hidden, 1))
    B1 = np.zeros((1, num_hidden))
    B2 = np.zeros((1, 1))  # B2 = rng.normal(size=(1, 1))
    # --8<-- [end:zeros]
    return W1, B1, W2, B2


def init_case1_b2(rng):
    W1, B1, W2, _ = init_case1(rng)
    B2 = rng.normal(size=(1, 1))
    return W1, B1, W2, B2


def init_case2(rng):
    # --8<-- [start:ones]
    W1 = np.zeros((1, num_hidden))
    B1 = np.ones((1, num_hidden))
    W2 = np.zeros((num_hidden, 1))
    B2 = np.ones((1, 1))
    # --8<-- [end:ones]
    return W1, B1, W2, B2


def init_case2_w_ones(rng):
    W1, B1, W2, B2 = np.ones((1, num_hidden)), np.ones((1, num_hidden)), np.ones((num_hidden, 1)), np.ones((1, 1))
    return W1, B1, W2, B2


def init_case3(rng):
    # --8<-- [start:random]
    W1 = rng.normal(size=(1, num_hidden))  # the one random group
    B1 = np.zeros((1, num_hidden))
    W2 = np.zeros((num_hidden, 1))
    B2 = np.zeros((1, 1))
    # --8<-- [end:random]
    return W1, B1, W2, B2


# The book-style initialisation of each case whose code the page shows; any other case of
# nn7.experiments starts from its init spec (the tests hold the two ways equal).
INITS = {"case1": init_case1, "case1-b2": init_case1_b2, "case2": init_case2,
         "case2-w-ones": init_case2_w_ones, "case3": init_case3}


def initial_params(name, rng):
    case = experiments.case(name)
    init = INITS.get(name)
    return init(rng) if init else make_params(case.spec, rng, num_hidden=case.settings.num_hidden).arrays()


def run(name):
    """Train one case; print the last two log lines and the final W1, B1, W2, B2 as the book does."""
    case = experiments.case(name)
    data_rng, init_rng = streams(case.seed)
    loader = DataLoader_7.book(rng=data_rng)
    net = NeuralNet_7(*initial_params(name, init_rng))
    result = net.train(loader, case.settings, init=case.init, seed=case.seed)
    print(result.log_tail(accuracy="book"), end="")
    return result


def trace(name):
    """The text's two single-sample iterations (lr 0.1), printed step by step."""
    t = experiments.TRACES[name]
    case = experiments.case(t.case)
    _, xs, ys, lr = runs.trace_inputs(name)
    net = NeuralNet_7(*initial_params(t.case, streams(case.seed).init))
    return [net.step(x[None], y[None], lr, k) for k, (x, y) in enumerate(zip(xs, ys), start=1)]


if __name__ == "__main__":
    for name in sys.argv[1:] or ["case1", "case2", "case3"]:
        print(f"# {name}")
        (trace if name.startswith("trace-") else run)(name)
