"""The site's figures on screens and the page-side rewrites, on their own (no site build, no
browser): nn7_site.images (WebP variants in both palettes, the <picture>s), nn7_site.printouts
(cells that keep a trace's columns) and nn7_site.cssprune (which rules can match)."""

from __future__ import annotations

import html
import io
import re

import pytest

from nn7 import plots
from nn7.train import TrainSettings, train
from nn7_site import cssprune, images, printouts


@pytest.fixture(scope="module")
def curves():
    result = train("case3", TrainSettings(epochs=3), seed=1)
    render = lambda palette, dpi: plots.training_curves(result, palette=palette, dpi=dpi)  # noqa: E731
    return result, images.figure_files("img", "curves.png", render)


def _image(data: bytes):
    from PIL import Image

    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def test_the_books_png_is_unchanged_and_the_variants_are_webp_in_both_palettes(curves):
    from PIL import ImageStat

    result, files = curves
    assert files["img/curves.png"] == plots.training_curves(result)  # the light palette is matplotlib's defaults
    width, _ = images.png_size(files["img/curves.png"])
    widths = images.variant_widths(width, plots.DPI)
    assert widths == [800, 1200, 1600]
    assert set(files) == {"img/curves.png"} | {f"img/{images.variant_name('curves.png', p, w)}"
                                               for p in images.PALETTES for w in widths}
    for palette in images.PALETTES:
        for w in widths:
            im = _image(files[f"img/curves.{palette}.{w}.webp"])
            assert im.format == "WEBP" and im.width == w and im.height == round(w * 675 / 1350)
        luminance = ImageStat.Stat(_image(files[f"img/curves.{palette}.800.webp"]).convert("L")).mean[0] / 255
        assert (luminance > 0.85) if palette == "light" else (luminance < 0.25), (palette, luminance)
    # the dark figure's background is the dark palette's page colour
    corner = _image(files["img/curves.dark.800.webp"]).convert("RGB").getpixel((2, 2))
    page = tuple(int(plots.DARK_BACKGROUND[k:k + 2], 16) for k in (1, 3, 5))
    assert max(abs(a - b) for a, b in zip(corner, page)) <= 3, (corner, page)


def test_variants_are_the_same_bytes_every_time(curves):
    result, files = curves
    again = images.figure_files("img", "curves.png", lambda p, dpi: plots.training_curves(result, palette=p, dpi=dpi))
    assert again == files


def test_a_figure_becomes_two_pictures_in_a_link(tmp_path):
    png = plots.training_curves(train("case3", TrainSettings(epochs=2), seed=0))
    (tmp_path / "f.png").write_bytes(png)
    published = {"ch7/img/f.png": tmp_path / "f.png"}
    for palette in images.PALETTES:
        for w in (800, 1200):
            published[f"ch7/img/f.{palette}.{w}.webp"] = tmp_path / "unused"
    figures = images.Figures(published)
    page = ('<p><img alt="图 &amp; 说明" src="../img/f.png" width="640" /></p>'
            '<noscript><img src="../img/f.png" alt="x"></noscript><img src="../img/other.png" alt="y">')
    out = images.pictures(page, "ch7/7.7/", figures)
    assert out.count("<picture") == 2 and out.count('class="nn7-zoom"') == 1
    assert '<a class="nn7-zoom" href="../img/f.png" data-nn7-dark="../img/f.dark.1200.webp" data-nn7-width="900">' in out
    light = re.search(r'<picture class="nn7-fig nn7-fig--light">(.*?)</picture>', out).group(1)
    assert 'srcset="../img/f.light.800.webp 800w, ../img/f.light.1200.webp 1200w"' in light
    assert 'sizes="(max-width: 672px) calc(100vw - 32px), 640px"' in light
    assert 'src="../img/f.png" width="640" height="320" loading="lazy"' in light
    assert html.unescape(re.search(r'alt="([^"]*)"', light).group(1)) == "图 & 说明"
    assert '<noscript><img src="../img/f.png" alt="x"></noscript><img src="../img/other.png" alt="y">' in out


def test_a_traces_rows_break_at_the_same_columns():
    rows = ["      W1=[[0. 0.]],             B1=[[1. 1.]],  dW1=[[0. 0.]],           dB1=[[0. 0.]]",
            "      W2=[[-0.0362] [-0.0362]], B2=[[0.9524]], dW2=[[0.3623] [0.3623]], dB2=[[0.4757]]"]
    widths = [[len(cell) + len(space) for cell, space in printouts.cells(row)] for row in rows]
    assert widths[0][:-1] == widths[1][:-1] and len(widths[0]) == 5
    log = "轮数 998, 迭代 24975, 训练集: loss 0.022218, accu 0.4977, 验证集: loss 0.026585, accu 0.4967"
    assert [c for c, _ in printouts.cells(log)] == ["轮数 998,", "迭代 24975,", "训练集: loss 0.022218, accu 0.4977,",
                                                   "验证集: loss 0.026585, accu 0.4967"]
    text = "\n".join(rows + [log, "", "W1 = [[0. 0.]]", " " * 6 + "-" * 80, "a < b & c"]) + "\n"
    marked = printouts.mark_text(html.escape(text, quote=False))
    assert html.unescape(re.sub(r"<[^>]+>", "", marked)) == text  # only tags added: the same characters
    assert printouts.mark_text(marked) == marked and 'class="nn7-rule"' in marked


def test_which_css_rules_can_match():
    classes, ids = {"jupyter-wrapper", "jp-Cell"}, {"main"}
    can = [".jp-Cell", ".jupyter-wrapper .jp-Cell:hover", ".jp-Cell:not(.jp-mod-active)", "#main", "html body .jp-Cell",
           ".jp-Cell::before", "[data-x='.absent']", ".jp-Cell:is(.absent, .other)"]
    cannot = [".absent", ".jp-Cell .absent", "#other", ".jupyter-wrapper :root", ".jupyter-wrapper body"]
    assert [s for s in can if not cssprune.selector_can_match(s, classes, ids)] == []
    assert [s for s in cannot if cssprune.selector_can_match(s, classes, ids)] == []
    css = ("@media (min-width: 10px) { .absent { a: b } .jp-Cell { c: d } } .absent, .jp-Cell { e: f }"
           " @keyframes k { from { g: h } } .absent { i: j }")
    out = cssprune.prune_css(css, classes, ids)
    assert "c: d" in out and "e: f" in out and "@keyframes k" in out
    assert "i: j" not in out and "a: b" not in out
