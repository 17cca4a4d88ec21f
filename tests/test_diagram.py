"""Figure 7.5.8 (nn7.diagram): a valid, deterministic PNG whose labels overlap nothing."""

from __future__ import annotations

import itertools
import subprocess
import sys
import warnings

import numpy as np
import pytest

from nn7.diagram import FIG_SIZE, backprop_diagram, draw
from nn7.plots import chinese_text, new_figure

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FORMULAS = [f"(7.4.{k})" for k in range(1, 12)]


@pytest.fixture(scope="module")
def png(tmp_path_factory):
    path = tmp_path_factory.mktemp("diagram") / "fig" / "backprop.png"  # parent does not exist yet
    returned = backprop_diagram(path)
    return path, returned


def test_png_is_written_and_valid(png):
    path, returned = png
    assert returned == path
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC)
    assert not list(path.parent.glob(".*")), "no temporary file left behind"
    Image = pytest.importorskip("PIL.Image")
    with Image.open(path) as im:
        im.verify()
    with Image.open(path) as im:
        assert im.format == "PNG"
        width, height = im.size
        assert 1000 <= width <= 2400 and 500 <= height <= 1400
        assert width / height == pytest.approx(FIG_SIZE[0] / FIG_SIZE[1], rel=0.02)
        pixels = np.asarray(im.convert("RGB"))
    # Not blank: a white background with a fair amount of ink, and both arrow colours.
    assert (pixels < 250).any(axis=2).mean() > 0.02
    red = (pixels[..., 0] > 150) & (pixels[..., 1] < 90) & (pixels[..., 2] < 90)
    blue = (pixels[..., 2] > 130) & (pixels[..., 0] < 80)
    assert red.sum() > 500 and blue.sum() > 500


def test_same_bytes_twice(png, tmp_path):
    path, _ = png
    again = backprop_diagram(tmp_path / "again.png")
    assert again.read_bytes() == path.read_bytes()


def test_no_missing_glyph_or_other_warning(tmp_path):
    # chinese_text() already turns a missing glyph into an error; also make sure nothing
    # else is warned about (a glyph warning escaping the context would show up here).
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        backprop_diagram(tmp_path / "d.png")
    assert [str(w.message) for w in caught] == []


def test_no_pyplot_and_no_global_rcparams_change(tmp_path):
    code = (
        "import sys, matplotlib as mpl\n"
        # dict.items: the raw values, without resolving the "backend" entry (which would
        # import pyplot by itself)
        "before = dict(dict.items(mpl.rcParams))\n"
        "from nn7.diagram import backprop_diagram\n"
        f"backprop_diagram({str(tmp_path / 'p.png')!r})\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'\n"
        "after = dict(dict.items(mpl.rcParams))\n"
        "assert after == before, sorted(k for k in after if after[k] != before.get(k))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


# --- layout ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def layout():
    """The drawn artists with the outline of each in display coordinates."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.path import Path as MplPath

    with chinese_text():
        fig = new_figure(FIG_SIZE)
        parts = draw(fig)
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)

        def text_outline(text, margin=3.0):
            """The (possibly rotated) rectangle around a text, grown by ``margin`` pixels."""
            angle = text.get_rotation() if hasattr(text, "get_rotation") else 0  # legend: none
            if angle:
                text.set_rotation(0)
            box = text.get_window_extent(renderer).padded(margin)
            if angle:
                text.set_rotation(angle)
            corners = box.corners()[[0, 1, 3, 2]]  # counter-clockwise from bottom left
            if angle:
                # rotation_mode="anchor" with centred alignment: the text turns about its anchor
                cx, cy = text.get_transform().transform(text.get_position())
                t = np.radians(angle)
                rot = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
                corners = (corners - (cx, cy)) @ rot.T + (cx, cy)
            return MplPath(np.vstack([corners, corners[:1]]), closed=True)

        def patch_outline(patch):
            """The patch's outline as a list of polylines (curves flattened, no CLOSEPOLY
            placeholder vertex at the origin)."""
            path = patch.get_transform().transform_path(patch.get_path())
            return [MplPath(poly) for poly in path.to_polygons(closed_only=False)]

        outlines = {
            "labels": [(t, text_outline(t)) for t in parts.labels],
            "node_texts": [(t, text_outline(t)) for t in parts.node_texts],
            "arrows": [(a, patch_outline(a)) for a in parts.arrows],
            "nodes": [(n, patch_outline(n)) for n in parts.nodes],
        }
        bounds = fig.bbox
    return parts, outlines, bounds


def _hits(outline, polylines) -> bool:
    return any(outline.intersects_path(p, filled=True) for p in polylines)


def _name(artist) -> str:
    return artist.get_text() if hasattr(artist, "get_text") else type(artist).__name__


def test_every_formula_and_the_legend_are_drawn(layout):
    parts, _, _ = layout
    texts = " ".join(t.get_text() for t in parts.labels if hasattr(t, "get_text"))
    for number in FORMULAS:
        assert number in texts
    legend = [t for t in parts.labels if not hasattr(t, "get_text")]
    assert len(legend) == 1
    assert [t.get_text() for t in legend[0].get_texts()] == ["前向计算", "反向传播"]
    styles = {a.get_linestyle() in ("-", "solid") for a in parts.arrows}
    assert styles == {True, False}, "solid forward and dashed backward arrows"
    assert len(parts.nodes) == 5


def test_labels_stay_inside_the_figure(layout):
    _, outlines, bounds = layout
    for artist, outline in outlines["labels"] + outlines["node_texts"]:
        xs, ys = outline.vertices[:, 0], outline.vertices[:, 1]
        assert xs.min() >= bounds.x0 and xs.max() <= bounds.x1, _name(artist)
        assert ys.min() >= bounds.y0 and ys.max() <= bounds.y1, _name(artist)


def test_labels_overlap_nothing(layout):
    _, outlines, _ = layout
    texts = outlines["labels"] + outlines["node_texts"]
    clashes = []
    for (a, pa), (b, pb) in itertools.combinations(texts, 2):
        if pa.intersects_path(pb, filled=True):
            clashes.append((_name(a), _name(b)))
    for (label, outline) in outlines["labels"]:
        for other, path in outlines["arrows"] + outlines["nodes"]:
            if _hits(outline, path):
                clashes.append((_name(label), _name(other)))
    # the names inside the nodes may touch their node, but not any arrow
    for (label, outline) in outlines["node_texts"]:
        for other, path in outlines["arrows"]:
            if _hits(outline, path):
                clashes.append((_name(label), _name(other)))
    assert clashes == []


def test_overlap_check_detects_a_clash(layout):
    """The check above is not vacuous: a label moved onto an arrow is caught."""
    from matplotlib.transforms import Affine2D

    _, outlines, _ = layout
    (label, outline), = [(t, o) for t, o in outlines["labels"]
                         if hasattr(t, "get_text") and t.get_text().startswith("(7.4.2)")]
    arrow_paths = [p for _, p in outlines["arrows"]]
    assert not any(_hits(outline, p) for p in arrow_paths)
    x_arrow = arrow_paths[0][0]  # the shaft of the first arrow
    middle = x_arrow.vertices.mean(axis=0)
    shifted = outline.transformed(Affine2D().translate(*(middle - outline.vertices[:-1].mean(axis=0))))
    assert _hits(shifted, [x_arrow])
