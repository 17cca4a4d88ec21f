"""Figures: a real CJK font or one clear error, never tofu; deterministic PNG bytes."""

from __future__ import annotations

import pytest

from nn7 import plots
from nn7.errors import Nn7Error
from nn7.runs import run_case
from nn7.train import TrainSettings, train


def test_a_cjk_font_is_found():
    family, path = plots.find_cjk_font()
    assert family in plots.CJK_FAMILIES and path


def test_a_missing_glyph_is_an_error_not_tofu():
    with pytest.raises(Nn7Error, match="cannot be drawn"):
        with plots.chinese_text():
            fig = plots.new_figure((2, 1))
            fig.text(0.1, 0.5, "误差 \ue000")  # a private-use character: no font has it
            plots.png_bytes(fig)


def test_no_cjk_font_is_one_message_saying_what_to_install(monkeypatch):
    from matplotlib import font_manager

    monkeypatch.setattr(plots, "CJK_FAMILIES", ("No Such CJK Font",))
    monkeypatch.setattr(font_manager, "_load_fontmanager", lambda try_read_cache=True: font_manager.fontManager)
    with pytest.raises(Nn7Error) as err:
        plots.find_cjk_font()
    assert "apt-get install fonts-noto-cjk" in str(err.value) and "\n" not in str(err.value)


def test_figures_are_deterministic_pngs_without_dates():
    result = train("case3", TrainSettings(epochs=3), seed=1)
    a, b = plots.training_curves(result), plots.training_curves(result)
    assert a == b and a.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"tIME" not in a and b"Software" not in a and b"Date" not in a


def test_accuracy_axis_is_linear_and_shows_negative_r2():
    """R² can be ≤ 0 (case 1): the accuracy axis must not be logarithmic."""
    from matplotlib.figure import Figure

    captured = {}
    original = Figure.savefig

    def spy(self, *args, **kwargs):
        captured["axes"] = self.axes
        return original(self, *args, **kwargs)

    import unittest.mock

    with unittest.mock.patch.object(Figure, "savefig", spy):
        plots.training_curves(run_case("case1"))
    loss_axis, accuracy_axis = captured["axes"]
    assert loss_axis.get_yscale() == "log" and accuracy_axis.get_yscale() == "linear"
    assert accuracy_axis.get_ylim()[0] < 0 < accuracy_axis.get_ylim()[1]
    assert [t.get_text() for t in (loss_axis.title, accuracy_axis.title)] == ["损失 loss（对数坐标）", "决定系数 R²"]
