"""The chapter's figures, drawn with matplotlib's object API (no pyplot, no global state).

Chinese labels need a real CJK font from the system; a glyph missing from the fonts is an
error, never a box of tofu. The same inputs give the same PNG bytes (no date, no software
tag in the metadata). Every figure function returns the PNG bytes and, given a path, also
writes them there.

Every figure is drawn in one of two palettes: ``light`` (matplotlib's defaults on white: the
book's figures, the files under the book's names, the print edition) and ``dark`` (light ink
on the background of the site's dark palette); and at any resolution (``dpi``,
default :data:`DPI`). The site makes its screen-sized variants from these (nn7_site.images).
"""

from __future__ import annotations

import io
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import inits
from .errors import Nn7Error
from .fileio import write_atomic
from .params import PARAM_NAMES

# Families tried in order; the first one installed wins.
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC",
    "Noto Sans CJK JP", "Noto Sans CJK TC", "Droid Sans Fallback",
)
INSTALL_HINT = ("no Chinese (CJK) font found for the figures; install one, e.g. "
                "`apt-get install fonts-noto-cjk` on Debian/Ubuntu (or fonts-wqy-microhei)")


def find_cjk_font() -> tuple[str, str]:
    """(family, file) of an installed CJK font, rebuilding matplotlib's font cache once if
    the font was installed after the cache was made."""
    from matplotlib import font_manager

    for attempt in range(2):
        by_name = {}
        for f in font_manager.fontManager.ttflist:
            if f.weight in (400, "normal", "regular") and f.style == "normal":
                by_name.setdefault(f.name, f.fname)
        for family in CJK_FAMILIES:
            if family in by_name:
                return family, by_name[family]
        if attempt == 0:
            font_manager.fontManager = font_manager._load_fontmanager(try_read_cache=False)
    raise Nn7Error(INSTALL_HINT)


DPI = 150  # the resolution of the figures under the book's names (pixels per inch)


@dataclass(frozen=True)
class Palette:
    """The colours of a figure: rcParams on top of matplotlib's defaults, and the colours the
    figure functions name themselves."""

    name: str
    rc: dict = field(default_factory=dict)
    cycle: tuple[str, ...] = ()  # the lines' colours in turn (matplotlib's when empty)
    samples: str = "tab:blue"  # the fit figure's training samples
    curve: str = "tab:red"  # the fit figure's network curve


# The light palette is matplotlib's defaults: its figures are the book's, byte for byte as before.
LIGHT = Palette("light")
# Light ink on the background of Material's dark palette ("slate": hsl(232, 15%, 14%)); the lines
# in lighter tints of the same hues. Every colour is >= 4.5:1 on that background.
DARK_BACKGROUND = "#1e2029"
DARK_INK = "#e2e4ea"
DARK = Palette("dark", {
    "figure.facecolor": DARK_BACKGROUND, "axes.facecolor": DARK_BACKGROUND, "savefig.facecolor": DARK_BACKGROUND,
    "text.color": DARK_INK, "axes.labelcolor": DARK_INK, "axes.edgecolor": "#a4a9b6",
    "xtick.color": DARK_INK, "ytick.color": DARK_INK, "grid.color": "#8a90a0",
    "legend.facecolor": "#2b2e3b", "legend.edgecolor": "#6b7080", "legend.framealpha": 0.9,
}, cycle=("#6cb6ff", "#ffa657", "#7ee787", "#ff7b72"), samples="#6cb6ff", curve="#ff7b72")
PALETTES = {p.name: p for p in (LIGHT, DARK)}


def get_palette(name: str) -> Palette:
    try:
        return PALETTES[name]
    except KeyError:
        raise ValueError(f"unknown palette {name!r}; the palettes are {', '.join(PALETTES)}") from None


@contextmanager
def chinese_text(palette_name: str = "light"):
    """rcParams for one figure: the CJK font first, an ASCII hyphen for minus signs, the
    palette's colours, and matplotlib's missing-glyph warning turned into an error."""
    import matplotlib as mpl
    from cycler import cycler

    colours = get_palette(palette_name)
    rc = dict(colours.rc)
    if colours.cycle:
        rc["axes.prop_cycle"] = cycler(color=list(colours.cycle))
    family, _ = find_cjk_font()
    with mpl.rc_context({"font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"],
                         "axes.unicode_minus": False, "svg.hashsalt": "nn7", **rc}):
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message=r".*[Gg]lyph .* missing from")
            try:
                yield family
            except UserWarning as err:
                raise Nn7Error(f"figure text cannot be drawn with font {family!r}: {err}") from None


def new_figure(size: tuple[float, float]):
    from matplotlib.figure import Figure

    return Figure(figsize=size, dpi=100, layout="constrained")


def png_bytes(fig, dpi: float = DPI) -> bytes:
    """The PNG of ``fig``: byte-identical for identical inputs (no date, no software tag)."""
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()


def save_png(fig, path: str | Path | None, dpi: float = DPI) -> bytes:
    """The figure's PNG bytes, also written to ``path`` (atomically, only if changed)."""
    data = png_bytes(fig, dpi)
    if path is not None:
        write_atomic(path, data)
    return data


class Table:
    """The data a figure draws, for its 下载数据 CSV: named columns of equal length. The
    headers are the figure's own labels (Chinese, like the figure)."""

    def __init__(self, columns: dict[str, list]):
        lengths = {len(v) for v in columns.values()}
        if len(lengths) != 1:
            raise ValueError(f"columns of different lengths: {sorted(lengths)}")
        self.columns = columns

    def csv(self) -> bytes:
        """UTF-8 with a byte-order mark (so that spreadsheet programs read the Chinese
        headers), numbers with repr precision (they read back to the same float)."""
        import csv

        out = io.StringIO()
        w = csv.writer(out, lineterminator="\n")
        w.writerow(self.columns)
        for row in zip(*self.columns.values()):
            w.writerow([repr(float(v)) if isinstance(v, (float, np.floating)) else v for v in row])
        return ("\ufeff" + out.getvalue()).encode("utf-8")


def curves_table(result) -> Table:
    """What :func:`training_curves` draws: loss and R² of both sets at every checkpoint."""
    h = result.history
    return Table({"迭代次数": h.iteration.tolist(), "训练集损失": h.train_loss.tolist(),
                  "验证集损失": h.val_loss.tolist(), "训练集 R²": h.train_accuracy("r2").tolist(),
                  "验证集 R²": h.val_accuracy("r2").tolist()})


def training_curves(result, path: str | Path | None = None, *, palette: str = "light", dpi: float = DPI) -> bytes:
    """Loss (log axis) and accuracy R² (linear axis: R² can be ≤ 0) against iterations."""
    t = curves_table(result).columns
    it, tl, vl, tr, vr = t.values()
    with chinese_text(palette):
        fig = new_figure((9, 4.5))
        ax_loss, ax_acc = fig.subplots(1, 2)
        every = max(1, len(it) // 20)
        for ax, train, val, title in ((ax_loss, tl, vl, "损失 loss（对数坐标）"), (ax_acc, tr, vr, "决定系数 R²")):
            ax.plot(it, train, label="训练集", linewidth=1.2)
            ax.plot(it, val, label="验证集", linewidth=1.0, marker="o", markersize=4,
                    markevery=every, markerfacecolor="none")
            ax.set_title(title)
            ax.set_xlabel("迭代次数")
            ax.grid(True, alpha=0.4)
            ax.legend()
        ax_loss.set_yscale("log")
        # one scale for every case, up to R² = 1, so a flat curve at 0 (case 1) reads as flat
        lowest = float(min(min(tr), min(vr)))
        ax_acc.set_ylim(min(-0.05, lowest - 0.02), 1.0)
        return save_png(fig, path, dpi)


FIT_GRID = np.linspace(0, 7, 100)  # x = 0…7 years, 100 points, as in the book
FIT_SAMPLES, FIT_CURVE = "训练样本", "网络的拟合"  # the legend's labels, and the CSV's first column


def _fit_data(result) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The training samples (x, y) and the network's curve over FIT_GRID, in original units."""
    x_train, y_train = result.train_xy
    xs = result.x_scaler.unscale(x_train)[:, 0]
    ys = result.y_scaler.unscale(y_train)[:, 0]
    return xs, ys, result.predict(FIT_GRID)[:, 0]


def fit_table(result) -> Table:
    """What :func:`fit_figure` draws: the training samples and the network's curve, in
    original units."""
    xs, ys, curve = _fit_data(result)
    return Table({"数据": [FIT_SAMPLES] * len(xs) + [FIT_CURVE] * len(FIT_GRID),
                  "时间（年）": [*xs.tolist(), *FIT_GRID.tolist()],
                  "房屋均价（万元/平米）": [*ys.tolist(), *curve.tolist()]})


def fit_figure(result, path: str | Path | None = None, *, palette: str = "light", dpi: float = DPI) -> bytes:
    """The training samples (original units) and the network's curve over x = 0…7."""
    xs, ys, curve = _fit_data(result)
    colours = get_palette(palette)
    with chinese_text(palette):
        fig = new_figure((6.4, 4.8))
        ax = fig.subplots()
        ax.scatter(xs, ys, s=4, color=colours.samples, alpha=0.6, label=FIT_SAMPLES, linewidths=0)
        ax.plot(FIT_GRID, curve, color=colours.curve, linewidth=2, label=FIT_CURVE)
        ax.set_xlabel("时间（年）")
        ax.set_ylabel("房屋均价（万元/平米）")
        ax.grid(True, alpha=0.4)
        ax.legend()
        return save_png(fig, path, dpi)


SHORT = {kind: short for short, kind in inits.SHORT.items()}  # zeros -> 0, as the heatmap labels


def sweep_table(result) -> Table:
    """What :func:`sweep_heatmap` draws, per initialisation: its median and lowest validation
    R², and every seed's."""
    specs = [inits.InitSpec.parse(combo) for combo in result.combos]
    columns = {name: [SHORT[getattr(spec, name)] for spec in specs] for name in PARAM_NAMES}
    columns["验证集 R² 中位数"] = result.median.tolist()
    columns["最低值"] = result.val_r2.min(axis=1).tolist()
    for k, seed in enumerate(result.sweep.seeds):
        columns[f"种子 {seed}"] = result.val_r2[:, k].tolist()
    return Table(columns)


HEATMAP_SIZE = (8.0, 6.6)  # inches: at the page's width (about 690 px at 1280) cell text is ≥ 10 px
HEATMAP_TEXT = 10  # points


def sweep_heatmap(result, path: str | Path | None = None, *, palette: str = "light", dpi: float = DPI) -> bytes:
    """Median validation R² of every initialisation (rows: W1, B1; columns: W2, B2), with the
    lowest run of each cell underneath."""
    kinds = result.sweep.kinds
    k = len(kinds)
    med = result.median.reshape(k * k, k * k)
    low = result.val_r2.min(axis=1).reshape(k * k, k * k)
    rows = [f"W1={SHORT[a]}, B1={SHORT[b]}" for a in kinds for b in kinds]
    cols = [f"W2={SHORT[a]}\nB2={SHORT[b]}" for a in kinds for b in kinds]
    with chinese_text(palette):
        fig = new_figure(HEATMAP_SIZE)
        ax = fig.subplots()
        image = ax.imshow(med, cmap="viridis", vmin=-0.1, vmax=1.0, aspect="auto")
        for i in range(k * k):
            for j in range(k * k):
                color = "black" if med[i, j] > 0.6 else "white"
                ax.text(j, i, f"{med[i, j]:.2f}\n({low[i, j]:.2f})", ha="center", va="center",
                        fontsize=HEATMAP_TEXT, color=color, linespacing=1.1)
        ax.set_xticks(range(k * k), cols, fontsize=HEATMAP_TEXT)
        ax.set_yticks(range(k * k), rows, fontsize=HEATMAP_TEXT)
        ax.set_xlabel("第二层的初始化（W2、B2）")
        ax.set_ylabel("第一层的初始化（W1、B1）")
        bar = fig.colorbar(image, ax=ax, shrink=0.8)
        bar.set_label(f"验证集 R² 的中位数（{len(result.sweep.seeds)} 个种子）")
        return save_png(fig, path, dpi)
