"""【代码：common.NeuralNet_7.py】书中的双层网络类 NeuralNet_7（1 个输入、n 个 tanh 隐层神经元、1 个线性输出）。

式（7.4.1）～（7.4.11）的实现在 nn7.network 中，每个公式一行；本文件把它们组合成书中的
NeuralNet_7：train() 用小批量随机梯度下降训练，step() 做一次单样本的前向、反向和更新，
并按 7.7 节的格式打印全部中间结果（即 7.7.4 所说的“增加打印输出”）。
"""

import numpy as np

from nn7.network import Params, backward, forward, update
from nn7.trace import TraceStep, format_step
from nn7.train import TrainSettings, fit


class NeuralNet_7:
    def __init__(self, W1, B1, W2, B2):
        self.params = Params(*(np.asarray(a, dtype=np.float64) for a in (W1, B1, W2, B2)))

    def train(self, data_loader, settings=TrainSettings(), *, init="", seed=0):
        """Mini-batch SGD on the loader's training set; returns history and final parameters."""
        result = fit(self.params, data_loader, settings, init=init, seed=seed)
        self.params = result.params
        return result

    # --8<-- [start:step]
    def step(self, x, y, lr, iteration):
        """One single-sample iteration: forward, backward, update, then the printout."""
        p = self.params
        f = forward(p, x)  # (7.4.1)-(7.4.3)
        g = backward(p, x, y, f)  # (7.4.5)-(7.4.11), from the parameters before the update
        self.params = update(p, g, lr)  # W <- W - lr * dW, and the same for B
        step = TraceStep(iteration, x, y, p, f, g, self.params)
        print(format_step(step), end="")
        return step
    # --8<-- [end:step]


if __name__ == "__main__":
    # One step from the start of case 2 (W1 = 0, B1 = 1, W2 = 0, B2 = 1) on a scaled sample.
    net = NeuralNet_7(np.zeros((1, 2)), np.ones((1, 2)), np.zeros((2, 1)), np.ones((1, 1)))
    net.step(np.array([[0.5]]), np.array([[0.5]]), lr=0.1, iteration=1)
