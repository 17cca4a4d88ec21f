"""The checks can fail: each test plants a defect and asserts that the check reports it."""

from __future__ import annotations

import shutil
from pathlib import Path

import claims
import numpy as np
import pytest
from docs_support import (
    block_kind,
    compare_printout,
    expand,
    page_blocks,
    raw_fences,
    run_block,
    snippet_options,
)

from nn7 import experiments, runs
from nn7.errors import Nn7Error
from nn7_dev.repo import copy_repo
from nn7_site import pages
from nn7_site.context import BuildError
from nn7_site.generate import generate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def copy(tmp_path, generated):
    """A copy of docs/ and snippets/, with snippet options pointing at the copy."""
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copytree(ROOT / "snippets", tmp_path / "snippets")
    opts = dict(snippet_options(ROOT))
    opts["base_path"] = [str(tmp_path / "snippets"), str(generated.out)]
    return tmp_path, opts


def test_a_failing_line_in_a_snippet_section_fails_its_block(copy):
    tmp, opts = copy
    script = tmp / "snippets" / experiments.SCRIPT
    text = script.read_text(encoding="utf-8")
    script.write_text(text.replace("    B2 = np.zeros((1, 1))  # B2 = rng.normal(size=(1, 1))\n",
                                   "    B2 = np.zeros((1, 1))  # B2 = rng.normal(size=(1, 1))\n"
                                   "    raise RuntimeError('planted')\n", 1), encoding="utf-8")
    blocks = page_blocks(ROOT, "ch7/7.7.md", docs=tmp / "docs", options=opts)
    block = next(b for b in blocks if b.snippet == f"{experiments.SCRIPT}:zeros")
    assert "planted" in block.code  # readers would see the planted line: the block is what runs
    with pytest.raises(AssertionError) as err:
        run_block(block, tmp / "snippets")
    msg = str(err.value)
    assert "docs/ch7/7.7.md:" in msg and experiments.SCRIPT in msg and "planted" in msg


def test_a_missing_snippet_fails_the_expansion_naming_it(copy):
    tmp, opts = copy
    page = tmp / "docs" / "ch7" / "7.7.md"
    page.write_text(page.read_text(encoding="utf-8").replace("H7_5_Train.py:train", "H7_5_Gone.py:train"),
                    encoding="utf-8")
    with pytest.raises(Exception, match="H7_5_Gone.py"):
        expand(page.read_text(encoding="utf-8"), ROOT, opts)


def test_a_fence_nobody_runs_is_unaccounted(copy):
    tmp, opts = copy
    page = tmp / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + '\n```bash title="x.sh"\n--8<-- "H7_5_Train.py"\n```\n',
                    encoding="utf-8")
    kinds = [block_kind(b) for b in page_blocks(ROOT, "index.md", docs=tmp / "docs", options=opts)]
    assert kinds[-1] == "unaccounted"
    assert raw_fences('```python title="a.py"\nx = 1\n```\n')[0]["info"] == 'python title="a.py"'


def test_a_wrong_number_in_a_printout_is_caught():
    fresh = "轮数 999, 迭代 25000, 训练集: loss 0.022338, accu 0.4950\nW2 = [[0.] [0.]]\n"
    compare_printout(fresh, fresh, "here")
    with pytest.raises(AssertionError, match="0.022339"):
        compare_printout(fresh.replace("0.022338", "0.022339"), fresh, "here")
    with pytest.raises(AssertionError, match="text differs"):
        compare_printout(fresh.replace("W2", "B2"), fresh, "here")


def test_a_wrong_number_next_to_a_claim_fails_the_claim():
    """The page's “W2 的值变成 -0.0362” and “不到 50%” checked against planted wrong values."""
    w2 = runs.run_trace("trace-case2")[0].after.W2[0, 0]
    claims.page_value_is_run_value("-0.0362", w2)
    with pytest.raises(AssertionError, match="-0.0363"):
        claims.page_value_is_run_value("-0.0363", w2)
    fresh = runs.run_case("case1").final("book")
    claims.accuracy_below(fresh, 0.50)
    for planted in ({**fresh, "val_book": 0.5003}, {**fresh, "train_book": 0.61}):  # a run that learned a little
        with pytest.raises(AssertionError, match="not below 50%"):
            claims.accuracy_below(planted, 0.50)


def test_a_case_with_another_learning_rate_fails_the_same_settings_claim():
    """“采用相同的学习率、训练轮数、批大小”: case 3 trained with lr 0.3 would contradict it."""
    from dataclasses import replace

    cases = experiments.page_cases(experiments.PAGE)
    shown = {"lr": 0.5, "epochs": 1000, "batch_size": 32}
    claims.same_settings(cases, shown)
    planted = [replace(c, settings=replace(c.settings, lr=0.3)) if c.name == "case3" else c for c in cases]
    with pytest.raises(AssertionError, match="case case3: lr = 0.3"):
        claims.same_settings(planted, shown)


def test_the_zero_start_claim_can_hold_and_can_fail():
    claims.zero_start_is_slower({"both": 900, "w2_zero": 1100, "w1_zero": 1800})
    with pytest.raises(AssertionError, match="W2 from 0 1112"):
        claims.zero_start_is_slower({"both": 1237.5, "w2_zero": 1112.5, "w1_zero": 1800})


def test_claims_fail_on_runs_that_contradict_them():
    r1 = runs.run_case("case1")
    broken = r1.params.copy()
    broken.W2[0, 0] = 1e-9
    with pytest.raises(AssertionError, match="W2"):
        claims.only_b2_changes(r1.initial, broken)
    with pytest.raises(AssertionError):
        claims.learns_nothing({"train_r2": 0.3, "val_r2": 0.0})
    sym = runs.run_case("case2").params.copy()
    sym.B1[0, 1] = np.nextafter(sym.B1[0, 1], 1)  # one ulp apart
    with pytest.raises(AssertionError, match="B1"):
        claims.stays_symmetric(sym)
    with pytest.raises(AssertionError):
        claims.between(0.0, 0.1, 0.9, "a run that learned nothing")
    with pytest.raises(AssertionError):
        claims.trains_well({"train_r2": 0.95, "val_r2": 0.6})
    step = runs.run_trace("trace-case1")[0]
    step.grads.dA1 = np.array([[0.0, 1e-12]])
    with pytest.raises(AssertionError, match="dA1"):
        claims.trace_case1_step(step, 1)


def test_an_unknown_value_names_page_and_line(tmp_path):
    values = {"case1": {"final": {"val_r2": 0.5}}}
    with pytest.raises(Nn7Error, match=r"^docs/ch7/x.md:3: unknown value: .*'nope' is undefined"):
        pages.render("a\nb\nc {{ nope }}\n", values, "docs/ch7/x.md", tmp_path)
    with pytest.raises(Nn7Error, match=r"^docs/ch7/x.md:2: unknown value: .*'val_r3'.*did you mean val_r2"):
        pages.render("a\n{{ case1.final.val_r3 | fixed(4) }}\n", values, "docs/ch7/x.md", tmp_path)
    with pytest.raises(Nn7Error, match=r"^docs/ch7/x.md:1: template error"):
        pages.render("{{ case1.final.val_r2 | fixed(4) \n", values, "docs/ch7/x.md", tmp_path)
    assert pages.render("R² {{ case1.final.val_r2 | fixed(3) }}", values, "x", tmp_path) == "R² 0.500"


def test_a_failing_snippet_fails_the_build_naming_the_file(tmp_path):
    copy_repo(tmp_path)
    script = tmp_path / "snippets" / experiments.SCRIPT
    script.write_text(script.read_text(encoding="utf-8").replace(
        "def run(name):\n", "def run(name):\n    raise ValueError('planted failure')\n", 1), encoding="utf-8")
    with pytest.raises(BuildError) as err:
        generate(tmp_path, out=tmp_path / "out", log=lambda line: None, only={"case:case1"})
    assert str(script) in str(err.value) and "planted failure" in str(err.value)
    assert not (tmp_path / "out" / "printouts" / "case1.txt").exists()  # nothing half-written


def test_a_missing_snippet_file_fails_the_build_naming_it(tmp_path):
    copy_repo(tmp_path)
    (tmp_path / "snippets" / experiments.SCRIPT).unlink()
    with pytest.raises(BuildError, match=experiments.SCRIPT):
        generate(tmp_path, out=tmp_path / "out", log=lambda line: None, only={"case:case1"})


def test_a_changed_prose_line_fails_the_verbatim_check():
    import test_prose

    page = test_prose.PAGE.read_text(encoding="utf-8")
    test_prose.check_verbatim(page, test_prose.chapter_text())
    with pytest.raises(AssertionError, match="这是为什么？"):
        test_prose.check_verbatim(page.replace("这是为什么呢？", "这是为什么？"), test_prose.chapter_text())
    with pytest.raises(AssertionError):  # a word typed where the book has a number
        test_prose.check_verbatim(page.replace("{{ trace_case2.steps[0].W2[0][0] | fixed(4) }}", "W2"),
                                  test_prose.chapter_text())


def test_a_failing_notebook_cell_fails_the_build_naming_the_notebook(tmp_path):
    """The build executes the notebook: a failing cell is one error naming it and the cell."""
    import json

    from nn7_site.layout import NOTEBOOK

    nb_path = tmp_path / "notebook.ipynb"
    nb = json.loads((ROOT / "docs" / NOTEBOOK).read_text(encoding="utf-8"))
    nb["cells"][1]["source"] = "raise ValueError('planted notebook failure')\n"
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    from nn7_site.notebook import execute

    with pytest.raises(Nn7Error) as err:
        execute(nb_path)
    assert str(err.value) == f"{nb_path}: cell 2 failed: ValueError: planted notebook failure"
