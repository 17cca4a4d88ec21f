"""The toolchain: the site is built by ProperDocs and nothing runs MkDocs; the deploy workflow
is valid (GitHub's schema, via check-jsonschema), has no medium or high finding of zizmor, and
publishes only what `make site` built after `make test` passed, in a Debian container; `make
test` and `make site` set up the browsers they use (tools/ensure-browsers.sh), which, not run
as root, stops with one line naming the packages."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nn7_dev.repo import DEPLOY_ENV

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
BIN = Path(sys.executable).parent  # the venv's console scripts (check-jsonschema, zizmor)


def tool(name: str) -> str:
    path = BIN / name
    assert path.is_file(), f"{name} is not installed: it is in the test extra (`make venv`)"
    return str(path)


def test_every_workflow_follows_githubs_schema():
    assert WORKFLOWS
    proc = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor_finds_nothing_medium_or_high():
    proc = subprocess.run([tool("zizmor"), "--offline", "--format", "json", "--min-severity", "medium",
                           str(ROOT / ".github" / "workflows")], capture_output=True, text=True, timeout=120)
    findings = json.loads(proc.stdout or "[]")
    summary = [f"{f['ident']} ({f['determinations']['severity']}): {f['desc']}" for f in findings]
    assert proc.returncode == 0 and not findings, summary or proc.stderr


def steps_of(job: dict) -> list[str]:
    """Each step as one line: its `run` or `uses`."""
    return [step.get("run", "") or step.get("uses", "") for step in job["steps"]]


def test_the_deploy_tests_first_then_publishes_what_make_site_built():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    build = jobs["build"]
    assert build["container"]["image"].startswith("debian:"), "the packages the project installs are Debian's"
    lines = steps_of(build)
    order = [next(k for k, line in enumerate(lines) if re.search(pattern, line))
             for pattern in (r"actions/checkout@", r"^make test$", r"^make site$", r"actions/upload-pages-artifact@")]
    assert order == sorted(order), f"the build's steps are out of order: {lines}"
    site_step = next(s for s in build["steps"] if s.get("run") == "make site")
    assert set(site_step["env"]) == set(DEPLOY_ENV), "the deploy must say where the site and its repository are"
    upload = next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "site"  # make site's output
    assert jobs["deploy"]["needs"] == "build" and "deploy-pages" in steps_of(jobs["deploy"])[0]
    # least privilege: nothing at the workflow's level; Pages' rights only where it publishes
    assert workflow["permissions"] == {} and build["permissions"] == {"contents": "read"}
    assert set(jobs["deploy"]["permissions"]) == {"pages", "id-token"}
    for job in jobs.values():
        for line in steps_of(job):
            if "@" in line:
                assert re.search(r"@[0-9a-f]{40}$", line), f"{line}: not pinned to a commit"


def test_make_test_and_make_site_set_up_their_browsers():
    def commands(target: str) -> str:
        proc = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    test = commands("test")
    for step in ("tools/ensure-cjk-font.sh", "tools/ensure-browsers.sh test", "NN7_REQUIRE_BROWSERS=1"):
        assert step in test, f"make test does not run {step}"
    for target in ("site", "pdf"):
        assert "tools/ensure-browsers.sh site" in commands(target), f"make {target} does not set up Chromium"


def test_not_root_the_browser_set_up_names_what_to_install(tmp_path):
    """With nothing on PATH (so every browser is missing) and not root: one line naming the
    packages, exit status 1, nothing installed."""
    (tmp_path / "id").write_text("#!/bin/sh\necho 1000\n")
    (tmp_path / "apt-get").write_text("#!/bin/sh\necho apt-get was called >&2\nexit 9\n")
    for stub in ("id", "apt-get"):
        (tmp_path / stub).chmod(0o755)
    env = {**os.environ, "PATH": str(tmp_path)}
    proc = subprocess.run([shutil.which("bash"), str(ROOT / "tools" / "ensure-browsers.sh"), "test"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and proc.stdout == "", proc
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "apt-get install" in lines[0] and "called" not in lines[0], proc.stderr
    for package in ("firefox-esr", "webkit2gtk-driver", "xvfb", "nodejs", "npm"):
        assert re.search(rf"\b{package}\b", lines[0]), f"{package} not named: {lines[0]}"


def test_nothing_runs_mkdocs():
    """The site builder is `properdocs` everywhere a build or a server is started."""
    calls = re.compile(r"(-m\"?,?\s*\"?mkdocs\b|bin\)?/mkdocs\b|^\s*mkdocs\s+(build|serve))", re.M | re.I)
    places = [ROOT / "Makefile", ROOT / ".ci" / "run", *WORKFLOWS]
    for folder in ("tests", "bench", "tools", "src", "hooks"):
        places += [p for p in (ROOT / folder).rglob("*") if p.suffix in (".py", ".sh", ".mjs") and "node_modules" not in p.parts]
    found = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in places for m in calls.finditer(p.read_text(encoding="utf-8"))]
    assert not found, found


def test_nothing_imports_mkdocs_itself():
    """Code imports ProperDocs' modules (`properdocs.*`), never `mkdocs.*`: MkDocs' own classes,
    once imported into a test worker, make every later in-process load of mkdocs.yml there fail
    ("SearchPlugin must be a subclass of properdocs.plugins.BasePlugin")."""
    imports = re.compile(r"^\s*(?:from|import)\s+mkdocs(?:\.|\s|$)", re.M)
    places = [p for folder in ("tests", "bench", "tools", "src", "hooks") for p in (ROOT / folder).rglob("*.py")]
    found = [f"{p.relative_to(ROOT)}: {m.group(0).strip()}" for p in places for m in imports.finditer(p.read_text(encoding="utf-8"))]
    assert not found, found


@pytest.mark.site
def test_the_site_is_built_by_properdocs(built_site):
    generator = re.findall(r'<meta name="generator" content="([^"]+)">', (built_site / "index.html").read_text(encoding="utf-8"))
    assert generator and "ProperDocs" in generator[0], generator
