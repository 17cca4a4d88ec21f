"""Figure 7.5.8: the forward and backward path through the 1-2-1 network, drawn from code.

One input x, two tanh hidden units (each shown as its pre-activation z and activation a),
one linear output z2 and the loss. Solid arrows are the forward computation (7.4.1)–(7.4.4),
dashed arrows the back-propagation (7.4.5)–(7.4.11), each labelled with its formula in the
row-vector convention of :mod:`nn7.network`.

The drawing uses data coordinates in inches (the axes fill the whole figure), so every
position below can be read directly as a place on the 10 × 5 inch page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from .plots import DPI, chinese_text, get_palette, new_figure, save_png

FIG_SIZE = (10.0, 5.0)

FORWARD = "#1f5fa8"  # blue
BACKWARD = "#c0392b"  # red
NODE_EDGE = "#37474f"
NODE_FACE = "#f5f7fa"
HIDDEN_FACE = "#eef3fb"
LOSS_FACE = "#fbefee"


@dataclass(frozen=True)
class Colours:
    forward: str
    backward: str
    node_edge: str
    node_face: str
    hidden_face: str
    loss_face: str
    node_text: str
    legend_edge: str


# nn7.plots' palettes: the light one is the book's figure; the dark one, light ink and lighter
# arrows on the site's dark palette (its background: nn7.plots.DARK_BACKGROUND).
COLOURS = {
    "light": Colours(FORWARD, BACKWARD, NODE_EDGE, NODE_FACE, HIDDEN_FACE, LOSS_FACE, "#1b1b1b", "#b0b7bf"),
    "dark": Colours("#6cb6ff", "#ff7b72", "#a4a9b6", "#2b2e3b", "#23324a", "#3f2a2e", "#e2e4ea", "#6b7080"),
}

FORMULA_SIZE = 12.5
NODE_SIZE = 15
WEIGHT_SIZE = 12
LEGEND_SIZE = 12

# Half the distance between a forward arrow and the backward arrow that runs beside it.
LANE = 0.075
DASHES = (0, (4.5, 2.5))
HIDDEN_TEXT_OFFSET = 0.47


@dataclass(frozen=True)
class Node:
    """A circle (``width == height``, ``round=True``) or a rounded box, centred at (x, y)."""

    x: float
    y: float
    width: float
    height: float
    round: bool = False

    def boundary(self, towards: tuple[float, float]) -> tuple[float, float]:
        """Where the ray from the centre towards ``towards`` leaves the node."""
        dx, dy = towards[0] - self.x, towards[1] - self.y
        length = math.hypot(dx, dy)
        if self.round:
            t = self.width / 2 / length
        else:
            t = min(self.width / 2 / abs(dx) if dx else math.inf,
                    self.height / 2 / abs(dy) if dy else math.inf)
        return self.x + t * dx, self.y + t * dy


# Node positions (inches from the bottom-left corner of the figure).
X_NODE = Node(0.62, 2.5, 0.66, 0.66, round=True)
HIDDEN = (Node(3.4, 3.85, 1.62, 0.74), Node(3.4, 1.15, 1.62, 0.74))
Z2_NODE = Node(6.25, 2.5, 0.8, 0.8, round=True)
LOSS_NODE = Node(9.05, 2.5, 1.0, 0.62)


@dataclass
class DiagramParts:
    """The artists of the drawing, kept so that tests can check the layout geometrically."""

    colours: Colours = COLOURS["light"]
    labels: list = field(default_factory=list)  # formula, weight and bias texts; the legend
    arrows: list = field(default_factory=list)  # forward and backward arrows
    nodes: list = field(default_factory=list)  # node patches
    node_texts: list = field(default_factory=list)  # the names written inside the nodes


def _unit(p: tuple[float, float], q: tuple[float, float]) -> tuple[float, float]:
    dx, dy = q[0] - p[0], q[1] - p[1]
    length = math.hypot(dx, dy)
    return dx / length, dy / length


def _port(node: Node, other: Node) -> tuple[float, float]:
    """Where an edge between ``node`` and ``other`` touches ``node``: boxes are entered and
    left at the middle of their left/right side, circles on the line towards the other end."""
    if not node.round:
        return node.x + math.copysign(node.width / 2, other.x - node.x), node.y
    if other.round:
        return node.boundary((other.x, other.y))
    return node.boundary(_port(other, node))


def _edge_ends(a: Node, b: Node) -> tuple[tuple[float, float], tuple[float, float], tuple[float, float]]:
    """Start and end of the centre line a→b on the node outlines, and its left normal."""
    start, end = _port(a, b), _port(b, a)
    ux, uy = _unit(start, end)
    return start, end, (-uy, ux)


def _draw_arrow(ax, parts: DiagramParts, start, end, backward: bool, small: bool = False) -> None:
    from matplotlib.patches import FancyArrowPatch

    arrow = FancyArrowPatch(
        start, end, arrowstyle="-|>", mutation_scale=9 if small else 13,
        shrinkA=0 if small else 3, shrinkB=0 if small else 3,
        color=parts.colours.backward if backward else parts.colours.forward, linewidth=1.2 if small else 1.5,
        linestyle=((0, (2.5, 1.5)) if small else DASHES) if backward else "solid",
        joinstyle="miter", zorder=4 if small else 2)
    ax.add_patch(arrow)
    parts.arrows.append(arrow)


def _connect(ax, parts: DiagramParts, a: Node, b: Node, forward_side: float) -> tuple:
    """A forward arrow a→b and a dashed backward arrow b→a beside it.

    ``forward_side`` is +1 to put the forward arrow on the left of the direction a→b, -1
    for the right. Returns the centre line's midpoint, direction and forward-side normal.
    """
    start, end, (nx, ny) = _edge_ends(a, b)
    fx, fy = forward_side * nx * LANE, forward_side * ny * LANE
    _draw_arrow(ax, parts, (start[0] + fx, start[1] + fy), (end[0] + fx, end[1] + fy), backward=False)
    _draw_arrow(ax, parts, (end[0] - fx, end[1] - fy), (start[0] - fx, start[1] - fy), backward=True)
    mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
    return mid, _unit(start, end), (forward_side * nx, forward_side * ny)


def _label(ax, parts: DiagramParts, xy, text: str, color: str, size: float = FORMULA_SIZE,
           **kwargs):
    kwargs.setdefault("ha", "center")
    kwargs.setdefault("va", "center")
    label = ax.text(xy[0], xy[1], text, color=color, fontsize=size, zorder=4, **kwargs)
    parts.labels.append(label)
    return label


def _edge_label(ax, parts: DiagramParts, mid, direction, normal, text: str, offset: float,
                along: float = 0.0):
    """A weight name written along an edge, ``offset`` inches off it on the ``normal`` side."""
    angle = math.degrees(math.atan2(direction[1], direction[0]))
    xy = (mid[0] + along * direction[0] + offset * normal[0],
          mid[1] + along * direction[1] + offset * normal[1])
    return _label(ax, parts, xy, text, parts.colours.forward, size=WEIGHT_SIZE, rotation=angle,
                  rotation_mode="anchor")


def _draw_nodes(ax, parts: DiagramParts) -> None:
    from matplotlib.patches import Circle, FancyBboxPatch

    c = parts.colours

    def box(node: Node, face: str):
        pad = 0.08
        patch = FancyBboxPatch((node.x - node.width / 2 + pad, node.y - node.height / 2 + pad),
                               node.width - 2 * pad, node.height - 2 * pad,
                               boxstyle=f"round,pad={pad}", facecolor=face,
                               edgecolor=c.node_edge, linewidth=1.4, zorder=3)
        ax.add_patch(patch)
        parts.nodes.append(patch)

    def circle(node: Node, face: str):
        patch = Circle((node.x, node.y), node.width / 2, facecolor=face, edgecolor=c.node_edge,
                       linewidth=1.4, zorder=3)
        ax.add_patch(patch)
        parts.nodes.append(patch)

    def name(x, y, text):
        parts.node_texts.append(ax.text(x, y, text, ha="center", va="center", fontsize=NODE_SIZE,
                                        color=c.node_text, zorder=5))

    circle(X_NODE, c.node_face)
    name(X_NODE.x, X_NODE.y, "$x$")
    for k, node in enumerate(HIDDEN, start=1):
        box(node, c.hidden_face)
        name(node.x - HIDDEN_TEXT_OFFSET, node.y, f"$z^{{(1)}}_{k}$")
        name(node.x + HIDDEN_TEXT_OFFSET, node.y, f"$a^{{(1)}}_{k}$")
        # tanh inside the node: z → a forward, a → z backward.
        half = 0.17
        _draw_arrow(ax, parts, (node.x - half, node.y + LANE), (node.x + half, node.y + LANE),
                    backward=False, small=True)
        _draw_arrow(ax, parts, (node.x + half, node.y - LANE), (node.x - half, node.y - LANE),
                    backward=True, small=True)
    circle(Z2_NODE, c.node_face)
    name(Z2_NODE.x, Z2_NODE.y, "$z^{(2)}$")
    box(LOSS_NODE, c.loss_face)
    name(LOSS_NODE.x, LOSS_NODE.y, "loss")


def draw(fig, palette: str = "light") -> DiagramParts:
    """Draw figure 7.5.8 on ``fig`` (10 × 5 inches) in ``palette`` and return its artists."""
    from matplotlib.lines import Line2D

    fig.set_layout_engine("none")
    width, height = fig.get_size_inches()
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    parts = DiagramParts(colours=COLOURS[get_palette(palette).name])
    forward, backward = parts.colours.forward, parts.colours.backward
    _draw_nodes(ax, parts)

    # x → hidden: forward arrows on the outer side (away from the middle of the figure).
    h1, h2 = HIDDEN
    mid, d, n = _connect(ax, parts, X_NODE, h1, forward_side=+1)
    _edge_label(ax, parts, mid, d, n, "$w^{(1)}_{11}$", offset=0.24, along=-0.05)
    mid, d, n = _connect(ax, parts, X_NODE, h2, forward_side=-1)
    _edge_label(ax, parts, mid, d, n, "$w^{(1)}_{12}$", offset=0.24, along=-0.05)
    # hidden → z2
    mid, d, n = _connect(ax, parts, h1, Z2_NODE, forward_side=+1)
    _edge_label(ax, parts, mid, d, n, "$w^{(2)}_{11}$", offset=0.24)
    mid, d, n = _connect(ax, parts, h2, Z2_NODE, forward_side=-1)
    _edge_label(ax, parts, mid, d, n, "$w^{(2)}_{21}$", offset=0.24)
    # z2 → loss
    _connect(ax, parts, Z2_NODE, LOSS_NODE, forward_side=+1)

    # Biases, next to the nodes they are added in.
    for node, text, dy in ((h1, r"$+\,b^{(1)}_1$", 0.62), (h2, r"$+\,b^{(1)}_2$", -0.62),
                           (Z2_NODE, r"$+\,b^{(2)}$", 0.66)):
        _label(ax, parts, (node.x, node.y + dy), text, forward, size=WEIGHT_SIZE)

    # Forward formulas (blue).
    _label(ax, parts, (1.55, 4.62), r"(7.4.1)  $Z^{(1)} = X \cdot W^{(1)} + B^{(1)}$", forward)
    _label(ax, parts, (3.4, 2.86), r"(7.4.2)  $A^{(1)} = \tanh(Z^{(1)})$", forward)
    _label(ax, parts, (5.6, 4.62), r"(7.4.3)  $Z^{(2)} = A^{(1)} \cdot W^{(2)} + B^{(2)}$", forward)
    _label(ax, parts, (7.7, 3.16),
           "(7.4.4)\n" r"$\mathrm{loss} = \frac{1}{2}\,\mathrm{mean}((Z^{(2)} - Y)^2)$",
           forward, linespacing=1.5)

    # Backward formulas (red).
    _label(ax, parts, (7.65, 2.05), r"(7.4.5)  $dZ^{(2)} = Z^{(2)} - Y$", backward)
    _label(ax, parts, (6.85, 1.0),
           r"(7.4.6)  $dW^{(2)} = {A^{(1)}}^{T} \cdot dZ^{(2)} / m$" "\n"
           r"(7.4.7)  $dB^{(2)} = \mathrm{mean}(dZ^{(2)})$",
           backward, ha="left", linespacing=1.6)
    _label(ax, parts, (5.15, 0.4), r"(7.4.8)  $dA^{(1)} = dZ^{(2)} \cdot {W^{(2)}}^{T}$", backward)
    _label(ax, parts, (3.4, 2.14), r"(7.4.9)  $dZ^{(1)} = dA^{(1)} \odot (1 - (A^{(1)})^2)$", backward)
    _label(ax, parts, (0.12, 0.45),
           r"(7.4.10)  $dW^{(1)} = X^{T} \cdot dZ^{(1)} / m$" "\n"
           r"(7.4.11)  $dB^{(1)} = \mathrm{mean}(dZ^{(1)})$",
           backward, ha="left", linespacing=1.6)

    handles = [Line2D([], [], color=forward, linewidth=1.6, label="前向计算"),
               Line2D([], [], color=backward, linewidth=1.6, linestyle=DASHES, label="反向传播")]
    legend = ax.legend(handles=handles, loc="upper right", fontsize=LEGEND_SIZE, frameon=True,
                       handlelength=2.6, borderaxespad=0.3, edgecolor=parts.colours.legend_edge)
    parts.labels.append(legend)
    return parts


def backprop_diagram(path: str | Path, *, palette: str = "light", dpi: float = DPI) -> Path:
    """Figure 7.5.8 as a PNG at ``path``: the forward and back-propagation path of the
    1-2-1 network with formulas (7.4.1)–(7.4.11). Same bytes on every call."""
    with chinese_text(palette):
        fig = new_figure(FIG_SIZE)
        draw(fig, palette)
        save_png(fig, path, dpi)
    return Path(path)
