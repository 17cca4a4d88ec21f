"""The code archive (the site's 下载代码包), as a reader uses it: unzipped into an empty folder,
installed with the one step its README gives into a fresh virtual environment, every script
runs and prints what the site shows, and the `nn7` command is there.

The fresh environment gets its packages the way the reader's pip would (the archive's
pyproject.toml decides what is installed), but offline, from a wheelhouse that `pip download`
fills once per constraints.txt (kept in .cache/wheelhouse/, like pip's own cache)."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docs_support import one_seed_run

from nn7 import experiments
from nn7_site.layout import CODE_ARCHIVE

ROOT = Path(__file__).resolve().parents[1]
INSTALL = "python -m pip install ."  # the one install step the archive's README gives


def _env() -> dict:
    """The reader's environment: nothing of this repository on the import path."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def _run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=_env(), **kw)


def _wheelhouse(project: Path) -> Path:
    """Wheels of everything `pip install project` needs (its dependencies and its build
    backend), pinned by constraints.txt: downloaded once, then reused."""
    from conftest import locked

    constraints = ROOT / "constraints.txt"
    key = hashlib.sha256(constraints.read_bytes() + (project / "pyproject.toml").read_bytes()).hexdigest()[:16]
    house = ROOT / ".cache" / "wheelhouse" / key
    with locked(ROOT / ".cache" / "wheelhouse.lock"):
        if not (house / ".complete").is_file():
            build_backend = re.search(r'requires\s*=\s*\[\s*"([^"]+)"', (project / "pyproject.toml").read_text()).group(1)
            proc = _run([sys.executable, "-m", "pip", "download", "-q", "-d", str(house), "-c", str(constraints),
                         build_backend, str(project)])
            assert proc.returncode == 0, ("could not fill the wheelhouse for the archive test with `pip download` "
                                          f"(it needs the package registry once):\n{proc.stderr[-2000:]}")
            (house / ".complete").touch()
    return house


@pytest.fixture(scope="module")
def installed(built_site, generated, tmp_path_factory):
    """(the unzipped folder, the fresh environment's bin/) after the README's install step."""
    with zipfile.ZipFile(built_site / "downloads" / CODE_ARCHIVE) as z:
        folder_name = {n.split("/")[0] for n in z.namelist()}
        assert folder_name == {generated.values["archive"]["folder"]}, folder_name
        unzipped = tmp_path_factory.mktemp("reader")
        z.extractall(unzipped)
    folder = unzipped / folder_name.pop()
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert f"cd {folder.name}\n{INSTALL}\n" in readme, "the archive's README does not give the install step"
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    proc = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    assert proc.returncode == 0, proc.stderr
    python = venv / "bin" / "python"
    # the README's step, run by this pip on the fresh environment's Python (no pip to bootstrap
    # there), offline; no .pyc compiling of NumPy and Matplotlib (nothing to do with the archive)
    proc = _run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-index", "--no-compile",
                 "--find-links", str(_wheelhouse(folder)), "."], cwd=folder)
    assert proc.returncode == 0, f"`{INSTALL}` failed in the unzipped archive:\n{proc.stderr[-3000:]}"
    return folder, venv / "bin"


def test_the_installed_nn7_is_the_archives(installed):
    folder, bin_ = installed
    proc = _run([str(bin_ / "python"), "-c", "import nn7, nn7_cli; print(nn7.__file__)"], cwd=folder)
    assert proc.returncode == 0, proc.stderr
    assert Path(proc.stdout.strip()).is_relative_to(bin_.parent), f"nn7 imported from {proc.stdout.strip()}"


def test_every_script_runs(installed, generated):
    """Each script of the archive, run as the README says (`python SCRIPT` in the folder). The
    chapter's script is the home page's first command (the next test runs it and compares its
    printouts). The sweep script runs on one seed (its full run, the same code, is
    tests/test_docs.py's: 810 trainings are not needed to know it runs here)."""
    folder, bin_ = installed
    scripts = generated.values["archive"]["scripts"]
    assert sorted(scripts) == sorted(p.relative_to(ROOT / "snippets").as_posix()
                                     for p in (ROOT / "snippets").rglob("*.py")), scripts
    printouts = generated.out / "printouts"
    for rel in scripts:
        if rel == experiments.SWEEP.script:
            proc = _run([str(bin_ / "python"), "-c", one_seed_run(rel)], cwd=folder)
            assert proc.returncode == 0, f"{rel} failed:\n{proc.stderr[-2000:]}"
            shown = (printouts / "sweep.txt").read_text(encoding="utf-8").splitlines()
            assert [line.split()[:2] for line in proc.stdout.splitlines()] == [line.split()[:2] for line in shown]
            continue
        if rel == experiments.SCRIPT:
            continue
        proc = _run([str(bin_ / "python"), rel], cwd=folder)
        assert proc.returncode == 0, f"{rel} failed after the install step:\n{proc.stderr[-2000:]}"
        assert proc.stdout.strip(), f"{rel} printed nothing"


def home_page_commands(built_site) -> list[str]:
    """The commands the home page's 在自己的电脑上运行 section gives, in order (inline code that
    starts with `cd`, `python` or `nn7`)."""
    import html

    raw = (built_site / "index.html").read_text(encoding="utf-8")
    section = raw[raw.index('id="run"'):]
    section = section[:section.index("<h2")]
    codes = [html.unescape(c) for c in re.findall(r"<code>([^<]*)</code>", section)]
    return [c for c in codes if len(c.split()) > 1 and c.split()[0] in ("cd", "python", "nn7")]


def test_the_home_pages_commands_run_as_written(built_site, installed, generated):
    """The home page's steps, in the unzipped archive after its install step: `cd` into the
    folder the archive unzips to, the README's install step, then each command; the chapter's
    script and `nn7 trace` print exactly the 7.7 page's printouts, `nn7 train` the log of case 3
    (every epoch, the last line the page's run). Notebook extras (Jupyter) are not installed."""
    folder, bin_ = installed
    commands = home_page_commands(built_site)
    assert commands[:2] == [f"cd {folder.name}", INSTALL], commands
    printouts = generated.out / "printouts"
    ran = set()
    for command in commands[2:]:
        words = command.split()
        if words[:4] == ["python", "-m", "pip", "install"]:
            continue  # the notebook's Jupyter: not needed for the code
        exe = bin_ / ("python" if words[0] == "python" else "nn7")
        proc = _run([str(exe), *words[1:]], cwd=folder)
        assert proc.returncode == 0, f"`{command}` failed:\n{proc.stderr[-2000:]}"
        if words[:2] == ["python", experiments.SCRIPT]:
            names = [c.name for c in experiments.page_cases() if c.name in ("case1", "case2", "case3")]
            assert proc.stdout == "".join(f"# {n}\n" + (printouts / f"{n}.txt").read_text(encoding="utf-8") for n in names)
        elif words[:2] == ["nn7", "trace"]:
            assert words[words.index("--init") + 1] == experiments.TRACES["trace-case2"].case
            k = len(generated.values["trace_case2"]["steps"])
            assert proc.stdout == "".join((printouts / f"trace-case2-{i}.txt").read_text(encoding="utf-8")
                                          for i in range(1, k + 1)), f"`{command}` does not print the page's iterations"
        elif words[:2] == ["nn7", "train"]:
            lines = proc.stdout.splitlines()
            case3 = generated.values["case3"]
            assert len([ln for ln in lines if ln.startswith("轮数 ")]) == case3["settings"]["epochs"]
            assert f"loss {case3['final']['train_loss']:.6f}" in lines[-5]
        ran.add(" ".join(words[:2]))
    assert {f"python {experiments.SCRIPT}", "nn7 trace", "nn7 train"} <= ran, ran
