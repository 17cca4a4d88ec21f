"""CONTRIBUTING.md is executable: every recipe in it is replayed on a temporary copy of the
repository — its changes applied (the ```diff blocks under a ``<!-- recipe: NAME -->`` mark)
while `properdocs serve` runs there (tests/test_serve.py, which also compares with a clean build) —
and what it promises is checked (``<!-- expect: PAGE contains TEXT -->``, with ``{name:format}``
filled from the build's values; ``<!-- expect-file: PATH -->``). Here: the document holds the
recipes, a recipe touches exactly the files it says (``<!-- touches: … -->``), and each recipe
applies on its own, whichever others are already in the sources (a recipe applied and
committed is recognised by the replay: ``apply``). So the document cannot drift from the code,
and following a recipe leaves the suite green."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from nn7_dev.repo import ROOT

DOC = ROOT / "CONTRIBUTING.md"


@dataclass
class Recipe:
    name: str
    diffs: list[str] = field(default_factory=list)
    touches: list[str] = field(default_factory=list)
    expect: list[tuple[str, str]] = field(default_factory=list)  # (page, text)
    files: list[str] = field(default_factory=list)


def recipes(text: str) -> list[Recipe]:
    out: list[Recipe] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if m := re.match(r"<!-- recipe: (\S+) -->$", line):
            out.append(Recipe(m.group(1)))
        elif out and (m := re.match(r"<!-- touches: (.+) -->$", line)):
            out[-1].touches = m.group(1).split()
        elif out and (m := re.match(r"<!-- expect: (\S+) contains (.+) -->$", line)):
            out[-1].expect.append((m.group(1), m.group(2)))
        elif out and (m := re.match(r"<!-- expect-file: (\S+) -->$", line)):
            out[-1].files.append(m.group(1))
        elif out and line.startswith("```diff"):
            j = lines.index("```", i + 1)
            out[-1].diffs.append("\n".join(lines[i + 1:j]) + "\n")
            i = j
        i += 1
    return out


def touched(diff: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"^\+\+\+ b/(\S+)$", diff, re.M)]


def fill(text: str, values: dict) -> str:
    """``{case3.final.val_r2:.4f}`` → the value, formatted."""
    def value(m: re.Match):
        v = values
        for part in m.group(1).split("."):
            v = v[int(part)] if isinstance(v, list) else v[part]
        return format(v, m.group(2) or "")
    return re.sub(r"\{([A-Za-z0-9_.]+)(?::([^}]*))?\}", value, text)


def apply(root: Path, recipe: Recipe, scratch: Path) -> str:
    """Apply a recipe's changes in ``root``: "applied", or "present" when the sources already
    hold them (a recipe someone applied and committed). Anything else is an AssertionError
    saying what to do."""
    outcomes = []
    for k, diff in enumerate(recipe.diffs):
        patch = scratch / f"{recipe.name}-{k}.diff"
        patch.write_text(diff, encoding="utf-8")

        def git(*args):
            return subprocess.run(["git", "apply", *args, str(patch)], cwd=root, capture_output=True, text=True)

        if git("--check").returncode == 0:
            done = git()
            assert done.returncode == 0, done.stderr
            outcomes.append("applied")
        elif git("--reverse", "--check").returncode == 0:
            outcomes.append("present")
        else:
            raise AssertionError(
                f"recipe {recipe.name}: its change neither applies nor is already in the sources: the lines it "
                f"edits changed. Update its diff in CONTRIBUTING.md (git diff prints that format).\n{git('--check').stderr}")
    assert len(set(outcomes)) == 1, f"recipe {recipe.name}: partly in the sources already ({outcomes})"
    return outcomes[0]


def test_the_document_has_the_recipes():
    names = [r.name for r in recipes(DOC.read_text(encoding="utf-8"))]
    assert names == ["prose", "conclusion", "number", "case", "snippet-section", "page", "lab-control", "study"], names
    for r in recipes(DOC.read_text(encoding="utf-8")):
        assert r.diffs and r.touches and (r.expect or r.files), f"recipe {r.name}: incomplete"
        assert sorted({f for d in r.diffs for f in touched(d)}) == sorted(r.touches), \
            f"recipe {r.name}: its changes touch {sorted({f for d in r.diffs for f in touched(d)})}, it says {r.touches}"


def test_a_case_is_three_files():
    """Adding a case with its printout, two figures and a sentence quoting a value: one entry in
    the registry, its init in the snippet (the page shows the code), and the page."""
    case = next(r for r in recipes(DOC.read_text(encoding="utf-8")) if r.name == "case")
    assert sorted(case.touches) == sorted(["src/nn7/experiments.py", "snippets/H7_8_Train_Init_0.py", "docs/ch7/7.7.md"])


def test_each_recipe_applies_alone_and_is_recognised_once_applied(tmp_path):
    """Any one recipe, applied to the sources as they are (or already in them: someone applied
    and committed it), then every other on top of it: each applies or is recognised as present
    (no recipe needs another), and then all are present. So a recipe applied and committed
    leaves the replay (and the suite) working."""
    all_recipes = recipes(DOC.read_text(encoding="utf-8"))
    files = sorted({f for r in all_recipes for f in r.touches})

    def copy(to: Path) -> Path:
        for rel in files:
            if (ROOT / rel).exists():
                (to / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(ROOT / rel, to / rel)
        return to

    base = {r.name: apply(copy(tmp_path / f"alone-{r.name}"), r, tmp_path) for r in all_recipes}  # each on its own
    for first in all_recipes:
        root = copy(tmp_path / first.name)
        apply(root, first, tmp_path)
        for other in all_recipes:
            expected = "present" if other is first else base[other.name]
            assert apply(root, other, tmp_path) == expected, f"{other.name} after {first.name}"
        assert all(apply(root, r, tmp_path) == "present" for r in all_recipes)