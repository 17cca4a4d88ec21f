"""CONTRIBUTING.md is executable: every recipe in it is replayed on a temporary copy of the
repository — its changes applied (the ```diff blocks under a ``<!-- recipe: NAME -->`` mark),
then `python -m nn7 build` and a strict MkDocs build — and what it promises is checked
(``<!-- expect: PAGE contains TEXT -->``, with ``{name:format}`` filled from the build's values;
``<!-- expect-file: PATH -->``). A recipe touches exactly the files it says (``<!-- touches: … -->``).
So the document cannot drift from the code."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from repo_copy import ROOT, copy_repo, env_for, nn7_build

pytestmark = [pytest.mark.site]

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


def test_the_document_has_the_recipes():
    names = [r.name for r in recipes(DOC.read_text(encoding="utf-8"))]
    assert names == ["prose", "conclusion", "number", "case", "snippet-section", "page"], names
    for r in recipes(DOC.read_text(encoding="utf-8")):
        assert r.diffs and r.touches and (r.expect or r.files), f"recipe {r.name}: incomplete"
        assert sorted({f for d in r.diffs for f in touched(d)}) == sorted(r.touches), \
            f"recipe {r.name}: its changes touch {sorted({f for d in r.diffs for f in touched(d)})}, it says {r.touches}"


def test_a_case_is_three_files():
    """Adding a case with its printout, two figures and a sentence quoting a value: one entry in
    the registry, its init in the snippet (the page shows the code), and the page."""
    case = next(r for r in recipes(DOC.read_text(encoding="utf-8")) if r.name == "case")
    assert sorted(case.touches) == sorted(["src/nn7/experiments.py", "snippets/H7_8_Train_Init_0.py", "docs/ch7/7.7.md"])


def test_every_recipe_works_on_a_copy(tmp_path, generated):
    import json

    root = copy_repo(tmp_path / "repo", generated.out)
    all_recipes = recipes(DOC.read_text(encoding="utf-8"))
    for r in all_recipes:
        for k, diff in enumerate(r.diffs):
            patch = tmp_path / f"{r.name}-{k}.diff"
            patch.write_text(diff, encoding="utf-8")
            proc = subprocess.run(["git", "apply", str(patch)], cwd=root, capture_output=True, text=True)
            assert proc.returncode == 0, f"recipe {r.name}: its change no longer applies:\n{proc.stderr}"
    proc = nn7_build(root)
    assert proc.returncode == 0, f"python -m nn7 build after the recipes:\n{proc.stderr[-3000:]}"
    site = tmp_path / "site"
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], cwd=root,
                           env=env_for(root), capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, f"mkdocs build --strict after the recipes:\n{built.stderr[-3000:]}"
    values = json.loads((root / "build" / "generated" / "site.json").read_text(encoding="utf-8"))["values"]
    for r in all_recipes:
        for page, text in r.expect:
            html = (site / page).read_text(encoding="utf-8")
            visible = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
            expected = fill(text, values)
            assert expected in visible, f"recipe {r.name}: {page} does not contain {expected!r}"
        for rel in r.files:
            assert (root / rel).is_file(), f"recipe {r.name}: {rel} was not made"
