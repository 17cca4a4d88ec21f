"""The lab in the two browser engines besides Chromium — Firefox ESR (SpiderMonkey, over
WebDriver BiDi) and WebKitGTK's MiniBrowser (JavaScriptCore, Safari's engine; WebKitWebDriver
under Xvfb), Debian's packages, headless (nn7_dev.engines):

* the engine's equality runs, the same as Chromium's (tests/lab_support.py: COMBOS, the
  divergent run among them, through lab_support's own functions; the chaotic run is
  reported, as in Chromium): parameters within tolerances.LAB of nn7, log lines identical;
* a smoke test of the page: a URL's settings reach the form, training prints nn7's log,
  single steps print nn7's trace, the sweep (its worker pool) gives nn7's medians, the address
  follows the form, the history brings settings back and the address opens them again; no
  error in the page.

All runs of an engine are one call in the page; the engine starts once for this file.
"""

from __future__ import annotations

import contextlib
import functools
import io
import shlex

import lab_support
import numpy as np
import pytest

from nn7.tolerances import LAB
from nn7.trace import STEP_HEADER
from nn7_dev import engines
from nn7_dev.chromium import StaticServer

pytestmark = [pytest.mark.browser, pytest.mark.site]

# The page's parts this file drives (docs/ch7/lab.md; keep in step when they are renamed).
PAGE = "ch7/lab/"
SEL = {
    "ready": "html.lab-ready",
    "radio": 'input[name="lab-{name}"][value="{value}"]',  # W1, B1, W2, B2 × zeros, ones, normal
    "lr": "#lab-lr", "epochs": "#lab-epochs",
    "speed": "#lab-speed", "run": "#lab-run", "status": "#lab-status", "log": "#lab-log",
    "command": "#lab-command",
    "step": "#lab-step", "trace": "#lab-trace", "trace_command": "#lab-trace-command",
    "sweep_seeds": "#lab-sweep-seeds", "sweep_lr": "#lab-sweep-lr", "sweep_epochs": "#lab-sweep-epochs",
    "sweep_start": "#lab-sweep-start", "sweep_status": "#lab-sweep-status", "cells": "#lab-heatmap td",
}
TRAINED = "训练完成|训练发散"  # what #lab-status says when a run has ended
SWEPT = "扫描完成"  # what #lab-sweep-status says when the sweep has ended
FAST = "fast"  # the #lab-speed option that trains without animation
STEP_MARK = STEP_HEADER + " {k}----"  # how the trace marks its k-th iteration (nn7.trace)
BLANK_PAGE = engines.BLANK


@pytest.fixture(scope="module", params=engines.ENGINES)
def engine(request, tmp_path_factory, engine_report):
    """One headless engine for this file's tests (pytest runs them grouped by engine)."""
    name = request.param
    try:
        browser = engines.launch(name, tmp_path_factory.mktemp(f"{name}-logs"))  # (Firefox starts meanwhile)
    except engines.EngineUnavailable as err:
        engine_report(name, None, str(err))  # skips the tests (fails them under `make test`), naming what is missing
        raise
    yield browser
    engine_report(name, browser.version)
    browser.close()


@functools.cache
def nn7_runs() -> tuple:
    """nn7's side of the equality runs, once for both engines."""
    return tuple(lab_support.py_run(combo) for combo in lab_support.COMBOS)


def test_the_engine_equals_nn7_for_every_combination(engine, built_site):
    py_runs = nn7_runs()  # (while the engine starts)
    js = engines.Modules(engine, built_site)
    try:
        runs = lab_support.js_runs(js)
        assert len(runs) == len(lab_support.COMBOS) >= 30
        worst = 0.0
        for combo, a, b in zip(lab_support.COMBOS, runs, py_runs):
            worst = max(worst, lab_support.compare(a, b, combo)["max_param_diff"])
        diverged = sum("error" in a for a in runs)
        assert diverged >= 1, "no divergent run among the combinations"
        chaotic = lab_support.js_runs(js, lab_support.CHAOTIC)[0]
        assert js.errors == []
    finally:
        js.close()
    py = lab_support.py_run(lab_support.CHAOTIC[0])
    note = "both diverge" if "error" in chaotic and "error" in py else (
        f"{max(float(np.max(np.abs(np.asarray(chaotic['result']['params'][k]) - np.asarray(v)))) for k, v in py['result']['params'].items()):.3g}"
        if "error" not in chaotic and "error" not in py else f"lab {chaotic.get('error')!r}, nn7 {py.get('error')!r}")
    print(f"{engine.version}: {len(runs)} runs equal nn7 ({diverged} diverging at nn7's iteration), largest "
          f"parameter difference {worst:.3g} (tolerance {LAB:g}); the chaotic run (reported only): {note}")


def run_command(line: str) -> str:
    """A command the page shows (`python -m nn7 …`), run in-process; its standard output."""
    from nn7_cli import main

    words = shlex.split(line)
    assert words[:3] == ["python", "-m", "nn7"], line
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(words[3:]) == 0, f"{line}: {err.getvalue()}"
    return out.getvalue()


def radios(page) -> dict[str, str]:
    return page.evaluate("""(pattern) => Object.fromEntries(['W1', 'B1', 'W2', 'B2'].map(n => [n,
        (document.querySelector(pattern.replace('{name}', n).replace('[value="{value}"]', ':checked')) || {}).value]))""",
                         SEL["radio"])


def matches(selector: str, pattern: str) -> str:
    return f"() => new RegExp({pattern!r}).test((document.querySelector({selector!r}) || {{}}).textContent || '')"


def test_the_lab_page_trains_steps_sweeps_and_keeps_its_url(engine, built_site):
    from nn7 import experiments
    from nn7.experiments import Sweep
    from nn7.sweep import run_sweep
    from nn7.train import TrainSettings

    server = StaticServer(built_site, extra={"/" + BLANK_PAGE: (engines.BLANK_HTML, "text/html; charset=utf-8")},
                          head_script=engines.RECORD_ERRORS)
    page = engine.new_page()
    try:
        # a URL's settings reach the form
        page.goto(server.url + PAGE + "?init=case2&epochs=30")
        page.wait_for(f"() => !!document.querySelector({SEL['ready']!r})", what="the lab to start")
        assert radios(page) == {"W1": "zeros", "B1": "ones", "W2": "zeros", "B2": "ones"}
        assert page.value(SEL["epochs"]) == "30" and page.value(SEL["lr"]) == "0.5"

        # training prints nn7's log: what the command the page shows prints
        page.select(SEL["speed"], FAST)
        page.click(SEL["run"])
        page.wait_for(matches(SEL["status"], TRAINED), what="training to end")
        log = page.text(SEL["log"]).split("\n")
        printed = run_command(page.text(SEL["command"])).rstrip("\n").split("\n")
        assert len(log) >= 2 and log == printed[-len(log):], f"{engine.version}: the lab's log is not nn7's"

        # single steps print nn7's trace
        page.click(SEL["step"])
        page.click(SEL["step"])
        page.wait_for(f"() => (document.querySelector({SEL['trace']!r}).textContent || '').includes("
                      f"{STEP_MARK.format(k=2)!r})", what="the second step")
        printed = run_command(page.text(SEL["trace_command"]))
        assert page.text(SEL["trace"]) == printed  # both iterations, kept side by side

        # the sweep, in the engine's workers, gives nn7's medians
        sweep = Sweep(seeds=experiments.SWEEP.seeds[:1], settings=TrainSettings(lr=0.5, epochs=3, every=3))
        page.fill(SEL["sweep_seeds"], str(len(sweep.seeds)))
        page.fill(SEL["sweep_epochs"], str(sweep.settings.epochs))
        page.fill(SEL["sweep_lr"], repr(sweep.settings.lr))
        page.click(SEL["sweep_start"])
        page.wait_for(matches(SEL["sweep_status"], SWEPT), what="the sweep to end")
        cells = page.evaluate("(s) => Array.from(document.querySelectorAll(s), td => [td.dataset.init, td.dataset.median])",
                              SEL["cells"])
        py = run_sweep(sweep)
        assert [init for init, _ in cells] == py.combos
        worst = max(abs(float(m) - p) for (_, m), p in zip(cells, py.median))
        assert worst <= LAB, f"{engine.version}: the sweep's medians differ from nn7's by {worst:.3g}"

        # the address follows the form; the history brings the settings back; the address opens them
        before = page.url
        page.fill(SEL["lr"], "0.3")
        page.check(SEL["radio"].format(name="W1", value="normal"))
        after = page.url
        assert after != before and radios(page)["W1"] == "normal"
        page.back()
        page.wait_for(f"() => document.querySelector({SEL['radio'].format(name='W1', value='zeros')!r}).checked",
                      what="W1 = zeros after going back")
        assert page.value(SEL["lr"]) == "0.3"
        page.back()
        page.wait_for(f"() => document.querySelector({SEL['lr']!r}).value === '0.5'", what="lr 0.5 after going back")
        page.forward()
        page.wait_for(f"() => document.querySelector({SEL['lr']!r}).value === '0.3'", what="lr 0.3 after going forward")
        assert page.errors() == [], f"{engine.version}: {page.errors()}"
        page.goto(server.url + BLANK_PAGE)  # away, then the address again, as a reader's link
        page.goto(after)
        page.wait_for(f"() => !!document.querySelector({SEL['ready']!r})", what="the lab to start again")
        assert page.value(SEL["lr"]) == "0.3" and radios(page) == {"W1": "normal", "B1": "ones", "W2": "zeros", "B2": "ones"}
        assert page.errors() == [], f"{engine.version}: {page.errors()}"
    finally:
        page.close()
        server.close()
