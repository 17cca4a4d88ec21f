"""One table of settings (nn7.experiments.SETTINGS), every surface derived from it.

* Each surface knows exactly the table's settings: the command line's options (``nn7 train``,
  ``nn7 trace``), their defaults and checks; the lab's fields, the keys of its address, the
  options of its "复现这次运行的命令" line, and the labels in the lab's text file.
* Every case of the registry reaches every surface: a case added to a copy of the registry is a
  job of the build, a preset of ``--init`` (in the help too), in the lab's case menu (with a
  label made from the text file) and opened by its link ``lab.md?case=NAME``.
* Every text the lab's scripts name is in docs/_partials/lab-text.toml.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from lab_support import LabPage, base_url, case_state, lab, run_command  # noqa: F401 (fixtures)

from nn7 import experiments
from nn7_cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
TEXT = tomllib.loads((ROOT / "docs" / "_partials" / "lab-text.toml").read_text(encoding="utf-8"))
PAGE_JS = ROOT / "docs" / "assets" / "lab" / "page"


def _options(command: str) -> dict[str, list[str]]:
    """dest -> option strings of one command of the parser (help aside)."""
    sub = next(a for a in build_parser()._actions if a.dest == "command").choices[command]
    return {a.dest: a.option_strings for a in sub._actions if a.dest != "help"}


@pytest.mark.parametrize("command", ["train", "trace"])
def test_the_command_line_has_exactly_the_tables_options(command):
    table = {s.name: list(s.cli) for s in experiments.settings(command) if s.cli}
    assert _options(command) == table
    defaults = build_parser().parse_args([command])
    for s in experiments.settings(command):
        if s.cli and s.kind in ("number", "whole"):
            assert getattr(defaults, s.name) == s.default, s.name
    assert str(defaults.init) == str(experiments.parse_init(experiments.setting(command, "init").default))


def test_the_lab_has_exactly_the_tables_fields_address_keys_command_options_and_labels(lab):
    v = lab("?epochs=5")
    fields = v.page.eval_on_selector_all("[data-setting]", "els => els.map(e => e.dataset.setting)")
    assert sorted(fields) == sorted(f"{s.group}.{s.name}" for s in experiments.SETTINGS if s.lab)
    untabled = v.page.eval_on_selector_all(
        "#lab-form :is(input:not([type=radio]), select):not([data-setting]):not(#lab-speed), "
        "#lab-sweep-form :is(input, select):not([data-setting])", "els => els.map(e => e.id)")
    assert untabled == [], f"fields the table does not know: {untabled}"
    v.set_field("#lab-seed", "3")  # a change writes the address
    written = [s.name for s in experiments.settings("train") if s.url and s.kind != "case"]
    assert list(v.query()) == written
    read = v.page.evaluate("async () => (await import('/assets/lab/page/state.js')).ADDRESS_KEYS")
    assert read == [s.name for s in experiments.settings("train") if s.url]
    words = v.text("#lab-command").split()
    assert words[:4] == ["python", "-m", "nn7", "train"]
    assert words[4::2] == [s.option for s in experiments.settings("train") if s.lab and s.url and s.option]
    for group in ("train", "sweep"):
        assert list(TEXT["label"][group]) == [s.name for s in experiments.settings(group) if s.lab], group
    v.check_clean()


def test_every_text_the_scripts_name_is_in_the_text_file():
    """say("status.idle") and lookup("…") with a literal key, and the literal prefix of a
    computed key (say(`rule.${…}`)), exist in lab-text.toml."""
    def has(path: str) -> bool:
        node = TEXT
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    literal, prefixes = set(), set()
    for js in sorted(PAGE_JS.glob("*.js")):
        code = js.read_text(encoding="utf-8")
        literal |= set(re.findall(r"""\b(?:say|lookup)\(\s*"([\w.-]+)"\s*[,)]""", code))
        prefixes |= set(re.findall(r"""\b(?:say|lookup)\(\s*`(\w+)\.""", code))
    assert len(literal) > 20 and {"label", "rule", "status", "case", "speed"} <= prefixes | {p.split(".")[0] for p in literal}
    assert [k for k in sorted(literal) if not has(k)] == []
    assert [p for p in sorted(prefixes) if p not in TEXT] == []
    for name in TEXT["case"]:  # every case label is a case of the registry (or the menu's own)
        assert name in ("custom", "other") or name in experiments.CASES, f"[case] {name}: no such case"


NEW_CASE = 'Case("case9", "W1=ones,B1=normal,W2=ones,B2=zeros"),'

PROBE = """
import contextlib, io, json, sys
from nn7_cli import main
from nn7_site import jobs, lab, pages
out = {}
for args in (["train", "--help"], ["train", "--init", "case9", "--epochs", "2"]):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        out[args[1]] = [main(args), buf.getvalue()]
out["jobs"] = [[j.name, j.glue_name] for j in jobs.jobs()]
out["registry"] = lab.registry_module()
out["link"] = pages.render('{% import "_partials/lab.md" as lab %}{{ lab.open(c) }}', {"c": {"name": "case9"}},
                           "probe.md", sys.argv[1])
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def new_case(tmp_path_factory):
    """A copy of src/ whose registry has one more case, case9; what it makes of it."""
    tmp = tmp_path_factory.mktemp("registry")
    shutil.copytree(ROOT / "src", tmp / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    registry = tmp / "src" / "nn7" / "experiments.py"
    text = registry.read_text(encoding="utf-8")
    anchor = '    Case("h7_5"'
    assert anchor in text
    registry.write_text(text.replace(anchor, f"    {NEW_CASE}\n{anchor}", 1), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", PROBE, str(ROOT / "docs")], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(tmp / "src"), "NN7_TRACEBACK": "1"}, cwd=tmp)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_a_new_case_reaches_the_build_the_command_line_and_its_link(new_case):
    assert ["case:case9", "case9"] in new_case["jobs"]
    code, help_text = new_case["--help"]
    assert code == 0 and "case9" in " ".join(help_text.split())
    code, log = new_case["--init"]
    assert code == 0 and log.startswith("轮数 0, 迭代 25")
    assert "(lab.md?case=case9)" in new_case["link"]
    assert '"case9"' in new_case["registry"]


def test_a_new_case_is_in_the_labs_menu_and_its_link_opens_it(browser, base_url, new_case):
    v = LabPage(browser, base_url, query=None)
    try:
        v.context.route("**/assets/lab/generated/registry.js", lambda route: route.fulfill(
            body=new_case["registry"], content_type="text/javascript; charset=utf-8"))
        v.open("?case=case9&epochs=2")
        options = v.page.eval_on_selector_all("#lab-case option", "os => os.map(o => [o.value, o.textContent])")
        assert ["case9", "case9：W1=1、B1=随机、W2=1、B2=0"] in options
        assert v.value("#lab-case") == "case9" and v.query()["init"] == "case9"
        assert v.radios() == {"W1": "ones", "B1": "normal", "W2": "ones", "B2": "zeros"}
        v.train()
        log = v.text("#lab-log").split("\n")
        assert "--init case9" in v.text("#lab-command")
        assert log == new_case["--init"][1].rstrip("\n").split("\n")[-5:]  # nn7's run of the same registry
        v.check_clean()
    finally:
        v.close()


def test_each_case_link_of_the_77_page_opens_its_case(lab, built_site):
    """The page's 在实验室中打开 links name the case; the lab sets its initialisation, seed and
    settings from the registry and writes them into the address."""
    html = (built_site / "ch7" / "7.7" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="nn7-lab-link" href="\.\./lab/(\?case=[^"]+)"', html)
    cases = experiments.page_cases()
    assert links == [f"?case={c.name}" for c in cases]
    v = lab(None)
    for c in cases:
        v.open(f"?case={c.name}")
        assert v.value("#lab-case") == c.name and v.text("#lab-address-notes") == ""
        want = case_state(c)
        assert {"init": c.name, "seed": str(c.seed), "lr": repr(c.settings.lr), "epochs": str(c.settings.epochs),
                "batch": str(c.settings.batch_size), "hidden": str(c.settings.num_hidden)}.items() <= want.items()
        assert v.query() == want
        assert run_command(v.text("#lab-command").replace(f"--epochs {c.settings.epochs}", "--epochs 1")).startswith("轮数 0")
    v.check_clean()


LAB_CONTROL_PROBE = """
import sys
from nn7_site import lab
print(lab.registry_module())
"""


def test_the_recipe_lab_control_shows_its_setting_in_the_lab(browser, base_url, tmp_path):
    """CONTRIBUTING's recipe "lab-control" (two files: the table's row, the label) applied to a
    copy of the sources: the lab built from them shows the field, writes it into the address and
    the command, and trains as `nn7 train` with that option does."""
    from test_contributing import DOC, apply, recipes

    recipe = next(r for r in recipes(DOC.read_text(encoding="utf-8")) if r.name == "lab-control")
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    (tmp_path / "docs" / "_partials").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "_partials" / "lab-text.toml", tmp_path / "docs" / "_partials" / "lab-text.toml")
    apply(tmp_path, recipe, tmp_path)  # (or already there: someone applied and committed it)
    from nn7_site.lab import TEXT as TEXT_FILE
    from nn7_site.lab import text_module

    registry = subprocess.run([sys.executable, "-c", LAB_CONTROL_PROBE], capture_output=True, text=True, cwd=tmp_path,
                              env={**os.environ, "PYTHONPATH": str(tmp_path / "src")}, check=True).stdout
    text = text_module((tmp_path / TEXT_FILE).read_bytes())
    v = LabPage(browser, base_url, query=None)
    try:
        def serve(body: str):
            return lambda route: route.fulfill(body=body, content_type="text/javascript; charset=utf-8")

        for name, body in (("registry", registry), ("text", text)):
            v.context.route(f"**/assets/lab/generated/{name}.js", serve(body))
        v.open("?init=case3&epochs=20&every=5")
        assert v.page.text_content("label[for=lab-every]") == "检查点间隔" and v.value("#lab-every") == "5"
        v.set_field("#lab-every", "abc")
        assert v.text("#lab-every-error").startswith("检查点间隔须为大于 0 的整数")
        v.set_field("#lab-every", "4")
        assert v.query()["every"] == "4" and "--every 4" in v.text("#lab-command")
        v.train()
        printed = run_command(v.text("#lab-command")).rstrip("\n").split("\n")
        assert printed[0].startswith("轮数 3, 迭代 100") and v.text("#lab-log").split("\n") == printed[-5:]
        v.check_clean()
    finally:
        v.close()


def test_the_lab_is_small_modules_and_a_short_main():
    """No hand-written module of the lab is much over 300 lines; main.js only wires the sections;
    generated data is apart (generated/, made by the build, not committed)."""
    lab_js = ROOT / "docs" / "assets" / "lab"
    sizes = {p.relative_to(lab_js).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in sorted(lab_js.rglob("*.js"))}
    assert not any(name.startswith("generated/") for name in sizes), "generated modules are committed"
    assert {"nn7.js", "nn7/train.js", "numpy/pcg64.js", "page/main.js"} <= set(sizes)
    assert [name for name, n in sizes.items() if n > 310] == [], sizes
    assert sizes["page/main.js"] <= 60, sizes["page/main.js"]
    print("lab modules (lines): " + ", ".join(f"{name} {n}" for name, n in sizes.items()))
