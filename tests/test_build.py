"""The generation's pieces on their own: a new kind of experiment (a study) needs no generator
code, a job's recorded inputs are what it imported and read, and the notebook has one source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nn7_dev.repo import copy_repo
from nn7_site import cache
from nn7_site.context import BuildError
from nn7_site.generate import generate
from nn7_site.layout import DOCS, NOTEBOOK

ROOT = Path(__file__).resolve().parents[1]

STUDY = '''
from nn7 import plots
from nn7.experiments import Findings


def run():
    print("two numbers: 1 2")
    fig = plots.new_figure((2, 2))
    fig.subplots().plot([0, 1], [1, 2])
    return Findings(values={"total": 3, "parts": [1, 2]},
                    figures={"tiny.png": (plots.png_bytes(fig, dpi=20), plots.Table({"x": [0, 1], "y": [1, 2]}))})
'''


def _with_study(tmp_path: Path, source: str) -> Path:
    root = copy_repo(tmp_path / "repo")
    (root / "snippets" / "tiny_study.py").write_text(source, encoding="utf-8")
    registry = root / "src" / "nn7" / "experiments.py"
    text = registry.read_text(encoding="utf-8")
    head = "STUDIES: dict[str, Study] = {s.name: s for s in ["
    assert head in text
    registry.write_text(text.replace(head, head + '\n    Study("tiny", "tiny_study.py"),', 1), encoding="utf-8")
    return root


def test_a_study_yields_its_printout_figure_data_and_values(tmp_path):
    root = _with_study(tmp_path, STUDY)
    out = tmp_path / "out"
    generate(root, out=out, log=lambda line: None, only={"study:tiny"})
    assert (out / "printouts" / "tiny.txt").read_text(encoding="utf-8") == "two numbers: 1 2\n"
    assert (out / "img" / "tiny.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "data" / "tiny.csv").read_text(encoding="utf-8-sig") == "x,y\n0,1\n1,2\n"
    glue = json.loads((out / "glue" / "study_tiny.json").read_text(encoding="utf-8"))
    assert glue == {"total": 3, "parts": [1, 2], "figures": ["tiny.png"], "page": None}
    inputs = cache.Manifest.read(cache.manifest_path(out, "study_tiny")).inputs
    assert "snippets/tiny_study.py" in inputs and "src/nn7/plots.py" in inputs  # what it read and imported
    assert "src/nn7/train.py" not in inputs and "src/nn7_site/htmlfix.py" not in inputs  # what it did not


@pytest.mark.parametrize("body, message", [
    ("def run():\n    return 42\n", "returned int, not nn7.experiments.Findings"),
    ("from nn7.experiments import Findings\ndef run():\n    return Findings(values={'x': object()})\n",
     "are not JSON"),
    ("from nn7.experiments import Findings\ndef run():\n    return Findings(values={}, figures={'a.png': b'png'})\n",
     "figure 'a.png' must be (PNG bytes, nn7.plots.Table)"),
    ("def run():\n    raise ValueError('planted')\n", "ValueError: planted"),
])
def test_a_study_that_breaks_the_contract_fails_naming_its_file(tmp_path, body, message):
    root = _with_study(tmp_path, body)
    with pytest.raises(BuildError) as err:
        generate(root, out=tmp_path / "out", log=lambda line: None, only={"study:tiny"})
    assert "tiny_study.py" in str(err.value) and message in str(err.value)
    assert not (tmp_path / "out" / "printouts" / "tiny.txt").exists()  # nothing half-written


def test_the_notebook_has_one_source_kept_without_outputs():
    """docs/ch7/notebook.ipynb is the only source (the build executes it and publishes the
    executed copy): it is stored without outputs or execution counts, with fixed cell ids."""
    nb = json.loads((ROOT / DOCS / NOTEBOOK).read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert [c["id"] for c in nb["cells"]] == [f"cell-{i}" for i in range(len(nb["cells"]))]


def test_the_fresh_process_for_another_repository_never_starts_another(tmp_path, monkeypatch):
    """generate() for a repository whose code this process did not import runs in a fresh
    process that imports it; should that process still find other code than the repository's
    (the code changed meanwhile), it stops with a message instead of starting yet another."""
    for package in ("nn7", "nn7_site"):
        (tmp_path / "src" / package).mkdir(parents=True)
    (tmp_path / "src" / "nn7_site" / "worker.py").write_text("", encoding="utf-8")
    monkeypatch.setenv("NN7_GENERATE_ELSEWHERE", str(tmp_path.resolve()))
    with pytest.raises(BuildError, match="changed while the build was starting"):
        generate(tmp_path, log=lambda line: None)
