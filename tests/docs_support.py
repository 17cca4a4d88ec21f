"""The code blocks of the site, expanded exactly as the build expands them.

The Markdown of a page is first filled with the build's values (nn7_site.pages.render, as the
MkDocs hook does), then goes through pymdownx's own snippet preprocessor, configured with the
options of mkdocs.yml; pytest-codeblocks then extracts the blocks from the expanded text. A separate
scan of the raw page finds every fence (also the ones pytest-codeblocks ignores, such as
``python title="…"``), the snippet it includes and the marker above it, so that every
block is accounted for: executed, checked as a printout, or explicitly skipped.
"""

from __future__ import annotations

import contextlib
import io
import re
import runpy
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,}|~{3,})(?P<info>.*)$")
INCLUDE = re.compile(r'^\s*--8<--\s+"(?P<target>[^"]+)"\s*$')
MARKER = re.compile(r"^\s*<!--\s*nn7:(?P<kind>printout|skip)\s*(?P<args>.*?)\s*-->\s*$")
EXECUTED_LANGUAGES = {"python", "py", "python3"}


@dataclass
class Block:
    page: str  # path relative to docs/
    line: int  # line of the opening fence in the page
    language: str  # first word of the info string ("python" for ```python title="x")
    info: str
    code: str  # the block's content after snippet expansion (what readers see)
    snippet: str | None  # "file.py:section" if the block includes a snippet
    marker: tuple[str, str] | None  # ("printout", "case1") / ("skip", "reason")
    source: str | None = None  # the included file where the build found it (e.g. build/generated/printouts/x.txt)

    @property
    def where(self) -> str:
        src = f" (from {self.source or self.snippet})" if self.snippet else ""
        return f"docs/{self.page}:{self.line}{src}"

    @property
    def snippet_file(self) -> str | None:
        return None if self.snippet is None else self.snippet.split(":", 1)[0]


@lru_cache(maxsize=4)
def snippet_options(root: Path) -> dict:
    """pymdownx.snippets' options from mkdocs.yml (its base paths are `!relative` to it)."""
    import properdocs.replacement  # noqa: F401 - the plugins' `mkdocs.*` imports are ProperDocs', as under `properdocs`
    from properdocs.config import load_config

    cfg = load_config(str(root / "mkdocs.yml"))
    opts = dict(cfg.mdx_configs.get("pymdownx.snippets", {}))
    opts["base_path"] = [str(root / p) for p in opts.get("base_path", ["."])]
    return opts


def render(text: str, page: str, docs: Path, values: dict | None) -> str:
    """The page's template filled with the build's values (what the hook does first)."""
    if values is None:
        return text
    from nn7_site.pages import render as render_page

    return render_page(text, values, f"docs/{page}", docs)


def expand(text: str, root: Path, options: dict | None = None) -> str:
    """Run pymdownx's snippet preprocessor over ``text``."""
    import markdown

    opts = dict(snippet_options(root) if options is None else options)
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": opts})
    return "\n".join(md.preprocessors["snippet"].run(text.split("\n")))


def find_included(target: str, options: dict, root: Path) -> str:
    """Where the build finds an included file (the first base path that has it)."""
    name = target.split(":", 1)[0]
    for base in options.get("base_path", []):
        path = Path(base) / name
        if path.is_file():
            return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    return f"{name} (not found in {', '.join(map(str, options.get('base_path', [])))})"


def raw_fences(text: str) -> list[dict]:
    """Every fenced block of the raw page: line, info string, included snippet, marker."""
    lines = text.split("\n")
    out = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        ticks, start = m.group("ticks"), i
        marker = None
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        if j >= 0 and (mk := MARKER.match(lines[j])):
            marker = (mk.group("kind"), mk.group("args"))
        i += 1
        body = []
        while i < len(lines) and not lines[i].strip().startswith(ticks):
            body.append(lines[i])
            i += 1
        includes = [inc.group("target") for b in body if (inc := INCLUDE.match(b))]
        out.append({"line": start + 1, "info": m.group("info").strip(),
                    "snippet": includes[0] if includes else None, "marker": marker})
        i += 1
    return out


def page_blocks(root: Path, page: str, docs: Path | None = None, options: dict | None = None,
                values: dict | None = None) -> list[Block]:
    """The blocks of one page, raw fence information paired with the expanded code (the page
    filled with ``values`` first, when given, as the build does)."""
    from pytest_codeblocks import extract_from_buffer

    docs = root / "docs" if docs is None else docs
    opts = snippet_options(root) if options is None else options
    text = (docs / page).read_text(encoding="utf-8")
    fences = raw_fences(text)
    blocks = extract_from_buffer(io.StringIO(expand(render(text, page, docs, values), root, opts)))
    if len(blocks) != len(fences):
        raise AssertionError(f"docs/{page}: pytest-codeblocks found {len(blocks)} blocks after snippet "
                             f"expansion, the raw page has {len(fences)} fences")
    out = []
    for f, b in zip(fences, blocks):
        language = (f["info"].split() or [""])[0].lower()
        source = find_included(f["snippet"], opts, root) if f["snippet"] else None
        out.append(Block(page, f["line"], language, f["info"], b.code, f["snippet"], f["marker"], source))
    return out


def block_kind(block: Block) -> str:
    """executed / printout / skipped / unaccounted."""
    if block.marker and block.marker[0] == "skip":
        return "skipped"
    if block.marker and block.marker[0] == "printout":
        return "printout"
    if block.language in EXECUTED_LANGUAGES:
        return "executed"
    return "unaccounted"


def run_block(block: Block, snippets: Path) -> str:
    """Execute a Python block as readers see it and return what it printed.

    A block included from a section of a snippet file runs in that file's namespace (the
    file loaded as a module, not as __main__), because a section is a fragment of that file:
    it may use the file's imports and globals. Errors name the page, line and snippet."""
    namespace: dict = {"__name__": "nn7_docs_block"}
    if block.snippet_file:
        path = snippets / block.snippet_file
        try:
            namespace = dict(runpy.run_path(str(path), run_name="nn7_docs_block"))
        except Exception as err:
            raise AssertionError(f"{block.where}: loading {path} failed: "
                                 f"{type(err).__name__}: {err}") from err
    out = io.StringIO()
    code = textwrap.dedent(block.code)
    try:
        compiled = compile(code, f"{block.where}", "exec")
        with contextlib.redirect_stdout(out):
            exec(compiled, namespace)
    except Exception as err:
        raise AssertionError(f"{block.where}: code block failed: {type(err).__name__}: {err}\n{code}") from err
    return out.getvalue()


NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def compare_printout(shown: str, fresh: str, where: str) -> None:
    """The printout on the page against a fresh run: the same text around the numbers, and
    every number within one unit of its last printed digit (runs are deterministic, so in
    practice they agree exactly; the tolerance only allows a different last-digit rounding)."""
    a_text, b_text = NUMBER.sub("#", shown.strip()), NUMBER.sub("#", fresh.strip())
    assert a_text == b_text, f"{where}: the printout's text differs from a fresh run:\n{shown}\n---\n{fresh}"
    for a, b in zip(NUMBER.findall(shown), NUMBER.findall(fresh)):
        decimals = len(a.split(".")[1].split("e")[0].split("E")[0]) if "." in a else 0
        exp = int(re.split("[eE]", a)[1]) if re.search("[eE]", a) else 0
        tol = 10.0 ** (exp - decimals)
        assert abs(float(a) - float(b)) <= tol, f"{where}: printout shows {a}, a fresh run gives {b}"


def one_seed_run(script: str) -> str:
    """Python code (for ``python -c``) that runs the sweep's ``script`` as ``__main__`` on the
    first of the sweep's seeds only: that it runs (tests/test_archive.py; its full run, the
    same code, is tests/test_docs.py's: 810 trainings that need not be done again)."""
    return ("import dataclasses, runpy, nn7.experiments as e; "
            "e.SWEEP = dataclasses.replace(e.SWEEP, seeds=e.SWEEP.seeds[:1]); "
            f"runpy.run_path({script!r}, run_name='__main__')")
