"""【代码：H7_5_Train.py】7.5 节：训练 1-2-1 网络拟合房价曲线，四个参数全部随机初始化。

    python H7_5_Train.py
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # makes `common` importable
try:
    from common.NeuralNet_7 import NeuralNet_7  # noqa: E402  (the repository's layout)
except ModuleNotFoundError:  # downloaded from the site into one folder
    from NeuralNet_7 import NeuralNet_7  # noqa: E402

from nn7 import experiments  # noqa: E402
from nn7.data import DataLoader_7  # noqa: E402
from nn7.rng import streams  # noqa: E402


# --8<-- [start:train]
def train(data_loader: DataLoader_7, rng: np.random.Generator):
    ...
    num_hidden = 2
    W1 = rng.normal(size=(1, num_hidden))  # 随机初始化
    B1 = rng.normal(size=(1, num_hidden))  # 可以为 0
    W2 = rng.normal(size=(num_hidden, 1))  # 随机初始化
    B2 = rng.normal(size=(1, 1))           # 可以为 0
    ...
# --8<-- [end:train]
    net = NeuralNet_7(W1, B1, W2, B2)
    case = experiments.case("h7_5")
    return net.train(data_loader, case.settings, init=case.init, seed=case.seed)


if __name__ == "__main__":
    case = experiments.case("h7_5")
    data_rng, init_rng = streams(case.seed)
    result = train(DataLoader_7.book(rng=data_rng), init_rng)
    print(result.log_tail(), end="")
