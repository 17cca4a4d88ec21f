"""The checks can fail: each test plants a defect and asserts that the check reports it."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import claims
from docs_support import block_kind, compare_printout, expand, page_blocks, raw_fences, run_block, snippet_options
from nn7 import build, experiments, pages
from nn7.errors import Nn7Error

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


def test_a_wrong_number_next_to_a_claim_fails_the_claim(generated):
    """The page's “W2 的值变成 -0.0362” and “不到 50%” checked against planted wrong values."""
    w2 = experiments.run_trace("trace-case2")[0].after.W2[0, 0]
    claims.page_value_is_run_value("-0.0362", w2)
    with pytest.raises(AssertionError, match="-0.0363"):
        claims.page_value_is_run_value("-0.0363", w2)
    final = {"train_book": 0.4950, "val_book": 0.4974}
    claims.accuracy_below(final, "50%")
    for wrong in ("40%", "60%"):
        with pytest.raises(AssertionError):
            claims.accuracy_below(final, wrong)


def test_claims_fail_on_runs_that_contradict_them():
    r1 = experiments.run_case("case1")
    broken = r1.params.copy()
    broken.W2[0, 0] = 1e-9
    with pytest.raises(AssertionError, match="W2"):
        claims.only_b2_changes(r1.initial, broken)
    with pytest.raises(AssertionError):
        claims.learns_nothing({"train_r2": 0.3, "val_r2": 0.0})
    sym = experiments.run_case("case2").params.copy()
    sym.B1[0, 1] = np.nextafter(sym.B1[0, 1], 1)  # one ulp apart
    with pytest.raises(AssertionError, match="B1"):
        claims.stays_symmetric(sym)
    with pytest.raises(AssertionError):
        claims.between(0.0, 0.1, 0.9, "a run that learned nothing")
    with pytest.raises(AssertionError):
        claims.trains_well({"train_r2": 0.95, "val_r2": 0.6})
    step = experiments.run_trace("trace-case1")[0]
    step.grads.dA1 = np.array([[0.0, 1e-12]])
    with pytest.raises(AssertionError, match="dA1"):
        claims.trace_case1_step(step, 1)


def test_unknown_placeholder_names_page_and_line():
    with pytest.raises(Nn7Error, match=r"ch7/x.md:3: unknown value \{\{ nope \}\}"):
        pages.fill("a\nb\nc {{ nope }}\n", {"book.lr": "0.5"}, "ch7/x.md")


def test_a_failing_snippet_fails_the_build_naming_the_file(tmp_path):
    shutil.copytree(ROOT / "snippets", tmp_path / "snippets")
    script = tmp_path / "snippets" / experiments.SCRIPT
    script.write_text(script.read_text(encoding="utf-8").replace(
        "def run(name):\n", "def run(name):\n    raise ValueError('planted failure')\n", 1), encoding="utf-8")
    with pytest.raises(build.BuildError) as err:
        build.generate(tmp_path, out=tmp_path / "out", log=lambda line: None, only={"case:case1"})
    assert str(script) in str(err.value) and "planted failure" in str(err.value)
    assert not (tmp_path / "out" / "printouts" / "case1.txt").exists()  # nothing half-written


def test_a_missing_snippet_file_fails_the_build_naming_it(tmp_path):
    shutil.copytree(ROOT / "snippets", tmp_path / "snippets")
    (tmp_path / "snippets" / experiments.SCRIPT).unlink()
    with pytest.raises(build.BuildError, match=experiments.SCRIPT):
        build.generate(tmp_path, out=tmp_path / "out", log=lambda line: None, only={"case:case1"})


def test_a_changed_prose_line_fails_the_verbatim_check():
    import test_prose

    page = test_prose.PAGE.read_text(encoding="utf-8")
    test_prose.check_verbatim(page, test_prose.chapter_text())
    with pytest.raises(AssertionError, match="这是为什么？"):
        test_prose.check_verbatim(page.replace("这是为什么呢？", "这是为什么？"), test_prose.chapter_text())
    with pytest.raises(AssertionError):  # a number typed where the book has another
        test_prose.check_verbatim(page.replace("{{ trace-case2.W2_after_1 }}", "W2"), test_prose.chapter_text())


def test_a_failing_notebook_cell_fails_the_build_naming_the_notebook(tmp_path, generated):
    """mkdocs build on a copy of the site whose notebook raises: one error naming it."""
    import json
    import os
    import subprocess
    import sys

    repo = tmp_path / "repo"
    for part in ("docs", "snippets", "hooks", "overrides", "tools", "bench", "src"):
        shutil.copytree(ROOT / part, repo / part)
    shutil.copy(ROOT / "mkdocs.yml", repo / "mkdocs.yml")
    shutil.copytree(generated.out, repo / "build" / "generated")  # the experiments stay cached
    nb_path = repo / "docs" / "ch7" / "notebook.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    nb["cells"][1]["source"] = "raise ValueError('planted notebook failure')\n"
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
                          cwd=repo, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                          timeout=300)
    assert proc.returncode != 0
    assert ("nn7: docs/ch7/notebook.ipynb: a notebook cell failed: ValueError: planted notebook failure"
            in proc.stderr), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
