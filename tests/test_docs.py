"""Every code block a reader sees runs; every printout matches a fresh run; every snippet
file runs as a script; the notebook runs. See docs_support for how blocks are expanded."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from docs_support import (
    block_kind,
    compare_printout,
    one_seed_run,
    page_blocks,
    raw_fences,
    run_block,
)

from nn7 import experiments
from nn7.trace import STEP_HEADER

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"
PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md") if "_partials" not in p.parts)
FENCES = [(page, i, f) for page in PAGES for i, f in enumerate(raw_fences((DOCS / page).read_text(encoding="utf-8")))]
SCRIPTS = sorted(p.relative_to(SNIPPETS).as_posix() for p in SNIPPETS.rglob("*.py"))
EXPERIMENT_SCRIPT = experiments.SCRIPT


def _id(page, i, fence):
    return f"{page}:{fence['line']}" + (f"[{fence['snippet']}]" if fence["snippet"] else "")


def _run_script(rel: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """``snippets/REL ARGS`` as a script; the sweep's without arguments on one seed
    (docs_support.one_seed_run: its full run is the sweep page's code block, the same lines)."""
    if rel == experiments.SWEEP.script and not args:
        argv = ["-c", one_seed_run(str(SNIPPETS / rel))]
    else:
        argv = [str(SNIPPETS / rel), *args]
    return subprocess.run([sys.executable, *argv], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="session")
def script_runs(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """Each snippet file run as a script (``__name__ == "__main__"``) with no arguments, in
    an empty temporary folder (the sweep's on one seed: _run_script)."""
    return {rel: _run_script(rel, [], tmp_path_factory.mktemp("script")) for rel in SCRIPTS}


@pytest.fixture(scope="session")
def executed_blocks():
    """``run(block)``: what an executed block printed, run once per block (the sweep's block,
    810 trainings, is both a block to run and the fresh run of the sweep's printout)."""
    outputs: dict[str, str] = {}

    def run(block) -> str:
        if block.where not in outputs:
            outputs[block.where] = run_block(block, SNIPPETS)
        return outputs[block.where]

    return run


@pytest.fixture(scope="session")
def fresh_printouts(tmp_path_factory, script_runs, executed_blocks, generated) -> dict[str, str]:
    """What a fresh run prints for every printout the pages show, by marker name; the sweep's is
    what the sweep page's code block prints (the code shown above that printout)."""
    names = [*(c.name for c in experiments.page_cases()), *experiments.TRACES]
    proc = _run_script(EXPERIMENT_SCRIPT, names, tmp_path_factory.mktemp("printouts"))
    assert proc.returncode == 0, proc.stderr
    out: dict[str, str] = {}
    for part in proc.stdout.split("# ")[1:]:
        name, _, text = part.partition("\n")
        out[name] = text
        for k, step in enumerate(text.split(STEP_HEADER)[1:], start=1):
            out[f"{name} {k}"] = STEP_HEADER + step
    sweep_section = f"{experiments.SWEEP.script}:sweep"
    (sweep_block,) = [b for page in PAGES for b in page_blocks(ROOT, page, values=generated.values)
                      if b.snippet == sweep_section and block_kind(b) == "executed"]
    out["sweep"] = executed_blocks(sweep_block)
    for name, study in experiments.STUDIES.items():  # a study's script prints its printout when run
        out[name] = script_runs[study.script].stdout
    return out


def test_pages_have_blocks():
    assert len(FENCES) >= 10, "the collector found suspiciously few code blocks"


@pytest.mark.parametrize("page,index,fence", FENCES, ids=[_id(*f) for f in FENCES])
def test_code_block(page, index, fence, generated, fresh_printouts, executed_blocks, block_stats):
    """Run the block (Python), or compare it with a fresh run (printout), or skip it with a
    reason; any other fence fails: it would be code nobody runs."""
    block = page_blocks(ROOT, page, values=generated.values)[index]
    kind = block_kind(block)
    block_stats[kind].append(block.where)
    if kind == "unaccounted":
        pytest.fail(f"{block.where}: a ```{block.info} block that is neither executed nor marked "
                    "(<!-- nn7:printout NAME --> or <!-- nn7:skip REASON -->)")
    if kind == "skipped":
        pytest.skip(f"{block.where}: {block.marker[1] or 'no reason given'}")
    if kind == "executed":
        executed_blocks(block)
    else:
        name = block.marker[1]
        assert name in fresh_printouts, f"{block.where}: no experiment {name!r} to compare with"
        compare_printout(block.code, fresh_printouts[name], block.where)


@pytest.mark.parametrize("page,index,fence", FENCES, ids=[_id(*f) for f in FENCES])
def test_code_comes_from_snippets(page, index, fence):
    """Every code block on every page is included from a file, not typed into the page."""
    text = (DOCS / page).read_text(encoding="utf-8").split("\n")
    start = fence["line"]  # 1-based line of the opening fence
    end = next(i for i in range(start, len(text)) if text[i].strip().startswith(text[start - 1].strip()[:3]))
    body = [line.strip() for line in text[start:end] if line.strip()]
    assert len(body) == 1 and body[0].startswith("--8<--"), \
        f"docs/{page}:{start}: the block's content must be one --8<-- include, found {body}"


@pytest.mark.parametrize("rel", SCRIPTS)
def test_snippet_runs_as_script(rel, script_runs):
    proc = script_runs[rel]
    assert proc.returncode == 0, f"snippets/{rel} failed as a script:\n{proc.stderr[-2000:]}"


def test_every_snippet_is_downloadable_from_its_page():
    """Each page offers a download link for every snippet file it includes."""
    for page in PAGES:
        text = (DOCS / page).read_text(encoding="utf-8")
        for f in raw_fences(text):
            file = (f["snippet"] or "").split(":")[0]
            if file.endswith(".py"):
                assert f"](../downloads/{file})" in text, f"docs/{page}: no download link for snippets/{file}"


def test_notebook_runs_and_the_build_publishes_it_executed(generated):
    """The notebook executes top to bottom (an error in any cell fails); what the build
    publishes (and readers download) is that executed notebook, byte for byte."""
    import json

    from nn7_site.layout import NOTEBOOK
    from nn7_site.notebook import execute

    source = DOCS / NOTEBOOK
    nb = json.loads(source.read_text(encoding="utf-8"))
    assert not any(c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code"), \
        f"{source}: commit notebooks without outputs (the build executes them)"
    fresh = execute(source)
    executed = json.loads(fresh)
    assert any(o.get("output_type") == "display_data" for c in executed["cells"] for o in c.get("outputs", [])), \
        f"{source}: expected the notebook to display figures"
    assert not any(o.get("output_type") == "error" for c in executed["cells"] for o in c.get("outputs", []))
    published = dict(generated.published)[NOTEBOOK]
    assert published.read_bytes() == fresh, "the published notebook is not a fresh execution of the source"


def test_snippet_initialisations_are_the_experiments_specs():
    """The book-style init functions the page shows (H7_8_Train_Init_0.py) draw exactly the
    parameters of the InitSpec that nn7.experiments declares for each case."""
    import runpy

    import numpy as np

    from nn7.inits import make_params
    from nn7.rng import streams

    inits = runpy.run_path(str(SNIPPETS / EXPERIMENT_SCRIPT), run_name="nn7_test")["INITS"]
    cases = {c.name for c in experiments.page_cases() if c.script == EXPERIMENT_SCRIPT}
    assert inits and set(inits) <= cases, f"INITS names cases the registry does not run: {set(inits) - cases}"
    for name in inits:
        case = experiments.case(name)
        ours = inits[name](streams(case.seed).init)
        theirs = make_params(case.spec, streams(case.seed).init).arrays()
        for a, b in zip(ours, theirs):
            assert np.array_equal(a, b), name


DOWNLOAD_LINK = re.compile(r'<a download="([^"]+)" href="([^"]*downloads/[^"]+\.py)"|<a href="([^"]*downloads/[^"]+\.py)" download="([^"]+)"')


def test_downloads_run_as_downloaded(built_site, tmp_path):
    """Each snippet as a reader downloads it from the built site — saved into one folder under
    the name the link gives, next to the installed nn7 — runs; the code archive holds the
    snippet files as they are (in the repository's layout, which test_snippet_runs_as_script
    runs)."""
    import zipfile

    from nn7_site.layout import CODE_ARCHIVE

    saved = tmp_path / "one-folder"
    saved.mkdir()
    links = set()
    for page in built_site.rglob("*.html"):
        for m in DOWNLOAD_LINK.finditer(page.read_text(encoding="utf-8")):
            name, href = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
            links.add((name, (page.parent / href).resolve()))
    assert {n for n, _ in links} >= {Path(s).name for s in SCRIPTS}, f"download links: {sorted(links)}"
    for name, target in links:
        (saved / name).write_bytes(target.read_bytes())
    with zipfile.ZipFile(built_site / "downloads" / CODE_ARCHIVE) as z:
        for rel in SCRIPTS:
            assert z.read(f"nn7-7.7/{rel}") == (SNIPPETS / rel).read_bytes(), rel
    for script in sorted(p for p in saved.glob("*.py") if p.name != "NeuralNet_7.py"):
        if "from common" not in script.read_text(encoding="utf-8"):
            continue  # imports nn7 only, so where it is saved changes nothing: test_snippet_runs_as_script runs it
        proc = subprocess.run([sys.executable, script.name], cwd=saved, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, f"{script.name} failed as downloaded:\n{proc.stderr[-1500:]}"


def test_bench_readme_shows_the_latest_results():
    """bench/README.md's results table (the build-speed table, moved there from the readers'
    关于本站 page) is bench/results.json's: every goal with its value, target and whether it was
    met (make bench rewrites both; the tests do not import the benchmark, so this reads the table)."""
    import json

    results = json.loads((ROOT / "bench" / "results.json").read_text(encoding="utf-8"))
    readme = (ROOT / "bench" / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| ([^|]+) \|", readme, re.M))
    assert results["goals"], "bench/results.json has no goals"
    for g in results["goals"]:
        shown = f"{g['value']:.{g['digits']}f}" + {"x": "×", "s": " s"}.get(g["unit"], f" {g['unit']}")
        assert rows.get(g["name"], "").strip() == shown, \
            f"bench/README.md shows {g['name']} = {rows.get(g['name'])!r}, results.json {shown}: run `python -m bench.readme`"
    assert f"Measured on {results['date']}" in readme
