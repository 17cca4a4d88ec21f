"""The layout shows the architecture: the science (``nn7``) never imports the site's generation
(``nn7_site``), the command line (``nn7_cli``) or the shared development helpers (``nn7_dev``);
the generation never imports the command line; no module of ``src/`` takes part in an import
cycle. Every import counts, at any depth of a function. Tests, benchmarks and tools share code
through ``nn7_dev``, never by editing Python's import path."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"

# package -> the packages of src/ it may import (besides itself)
ALLOWED = {"nn7": set(), "nn7_site": {"nn7"}, "nn7_cli": {"nn7", "nn7_site"}, "nn7_dev": {"nn7", "nn7_site"}}
ENTRY_POINTS = {"nn7.__main__"}  # `python -m nn7`: the program, on top of everything


def module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(src: Path) -> dict[str, set[str]]:
    """module -> the modules of ``src`` it imports anywhere in its body (functions included)."""
    files = {module_name(p, src): p for p in sorted(src.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base for a in node.names]
            for target in targets:
                while target and target not in files:  # `import a.b.c` imports a, a.b and a.b.c
                    target = target.rpartition(".")[0]
                if target and target != name:
                    edges.add(target)
        graph[name] = edges
    return graph


def forbidden_edges(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for module, targets in graph.items():
        if module in ENTRY_POINTS:
            continue
        top = module.split(".")[0]
        for target in targets:
            other = target.split(".")[0]
            if other != top and other not in ALLOWED.get(top, set()):
                found.append(f"{module} imports {target}")
    return sorted(found)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_science_imports_nothing_of_the_site_and_nothing_imports_in_a_cycle():
    graph = import_graph(SRC)
    assert {"nn7.network", "nn7_site.generate", "nn7_cli", "nn7_dev.repo"} <= set(graph)
    assert forbidden_edges(graph) == []
    assert cycles(graph) == []


def test_the_checks_catch_a_planted_cycle_and_a_planted_upward_import(tmp_path):
    """Both checks bite: a function-level import of the site from the science, and a cycle."""
    for rel, text in {"nn7/__init__.py": "", "nn7/a.py": "def f():\n    from . import b\n",
                      "nn7/b.py": "from nn7 import a\n", "nn7/c.py": "def g():\n    import nn7_site.x\n",
                      "nn7_site/__init__.py": "", "nn7_site/x.py": "from nn7.c import g\n"}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    graph = import_graph(tmp_path)
    assert forbidden_edges(graph) == ["nn7.c imports nn7_site.x"]
    assert ["nn7.a", "nn7.b"] in cycles(graph) and ["nn7.c", "nn7_site.x"] in cycles(graph)


def test_no_import_path_edits_in_tests_bench_or_tools():
    edit = re.compile(r"\bsys" + r"\.path\b")  # spelled so that this file does not match itself
    found = [f"{p.relative_to(ROOT)}:{n}" for folder in ("tests", "bench", "tools") for p in (ROOT / folder).rglob("*.py")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1) if edit.search(line)]
    assert found == []
