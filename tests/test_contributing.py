"""CONTRIBUTING.md is executable: every recipe in it is replayed on a temporary copy of the
repository — its changes applied (the ```diff blocks under a ``<!-- recipe: NAME -->`` mark)
while `mkdocs serve` runs there (tests/test_serve.py, which also compares with a clean build) —
and what it promises is checked (``<!-- expect: PAGE contains TEXT -->``, with ``{name:format}``
filled from the build's values; ``<!-- expect-file: PATH -->``). Here: the document holds the
recipes, and a recipe touches exactly the files it says (``<!-- touches: … -->``). So the
document cannot drift from the code."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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


def test_the_document_has_the_recipes():
    names = [r.name for r in recipes(DOC.read_text(encoding="utf-8"))]
    assert names == ["prose", "conclusion", "number", "case", "snippet-section", "page", "study"], names
    for r in recipes(DOC.read_text(encoding="utf-8")):
        assert r.diffs and r.touches and (r.expect or r.files), f"recipe {r.name}: incomplete"
        assert sorted({f for d in r.diffs for f in touched(d)}) == sorted(r.touches), \
            f"recipe {r.name}: its changes touch {sorted({f for d in r.diffs for f in touched(d)})}, it says {r.touches}"


def test_a_case_is_three_files():
    """Adding a case with its printout, two figures and a sentence quoting a value: one entry in
    the registry, its init in the snippet (the page shows the code), and the page."""
    case = next(r for r in recipes(DOC.read_text(encoding="utf-8")) if r.name == "case")
    assert sorted(case.touches) == sorted(["src/nn7/experiments.py", "snippets/H7_8_Train_Init_0.py", "docs/ch7/7.7.md"])
