"""Write docs/ch7/notebook.ipynb from the cells below (run once after editing this file).

The notebook is committed without outputs; the site build executes it (nn7.notebook, in
`python -m nn7 build`) and publishes the executed copy, which readers also download.
"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    ("md", "# 笔记本：动手试一试\n\n"
           "这个笔记本重新运行 7.7 节的三种情况，并让你试一试任何一种初始化。"
           "每个情况的种子和设置都来自 `nn7.experiments`，与正文的打印输出相同。"
           "点击页面右上角的下载按钮可以下载本笔记本，在装好 `nn7` 的 Jupyter 中运行。"),
    ("code", "from IPython.display import Image, display\n\n"
             "from nn7 import experiments, plots\n"
             "from nn7.train import train"),
    ("md", "## 重新运行三种情况\n\n打印最后两轮的日志（书中的准确率口径）和最终参数，以及同一次运行的 R²。"),
    ("code", "results = {}\n"
             "for name in [\"case1\", \"case2\", \"case3\"]:\n"
             "    result = experiments.run_case(name)\n"
             "    results[name] = result\n"
             "    print(f\"{name}（初始化 {result.init}）\")\n"
             "    print(result.log_tail(accuracy=\"book\"))\n"
             "    final = result.final()\n"
             "    print(f\"R²：训练集 {final['train_r2']:.4f}，验证集 {final['val_r2']:.4f}\\n\")"),
    ("md", "## 情况三的训练曲线与拟合"),
    ("code", "display(Image(plots.training_curves(results[\"case3\"])))\n"
             "display(Image(plots.fit_figure(results[\"case3\"])))"),
    ("md", "## 试一试任何一种初始化\n\n"
           "每个参数可以是 `zeros`、`ones` 或 `normal`（简写 `0`、`1`、`n`），没有写出的参数为 0；"
           "也可以用 `case1`、`case1-b2`、`case2`、`case3` 这些名字。改一改下面的 `init` 和 `seed` 再运行。"),
    ("code", "init = \"W1=zeros,B1=normal,W2=zeros,B2=zeros\"  # only B1 random: does it train?\n"
             "seed = 1\n"
             "result = train(init, seed=seed)\n"
             "print(result.log_tail())\n"
             "display(Image(plots.fit_figure(result)))"),
]


def main() -> None:
    nb = new_notebook(cells=[new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):  # stable ids: the file is byte-identical on every run
        cell["id"] = f"cell-{i}"
    path = Path(__file__).resolve().parents[1] / "docs" / "ch7" / "notebook.ipynb"
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
