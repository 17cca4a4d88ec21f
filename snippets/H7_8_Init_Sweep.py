"""【代码：H7_8_Init_Sweep.py】扩展实验：W1、B1、W2、B2 各取 0、1 或随机的全部初始化组合，
每种用多个种子按书中的设置训练（批量训练：所有网络一起算），看哪些能训练成功。
种子数和训练设置都来自 nn7.experiments.SWEEP，与网站相同。

    python H7_8_Init_Sweep.py
"""

from nn7.batched import default_workers
from nn7.experiments import SWEEP
from nn7.sweep import classify, run_sweep


def run():
    # --8<-- [start:sweep]
    result = run_sweep(SWEEP, workers=default_workers())
    for combo, median, lowest in zip(result.combos, result.median, result.val_r2.min(axis=1)):
        print(f"{combo:40}  {classify(combo):9}  median R2 {median:6.3f}  lowest {lowest:6.3f}")
    # --8<-- [end:sweep]
    return result


if __name__ == "__main__":
    run()
