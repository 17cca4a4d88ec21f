"""The browser lab against nn7, shared by the lab's tests (tests/test_lab_*.py) and the tests of
other browsers.

The engine (assets/lab/nn7.js and its modules nn7/*.js): ``COMBOS`` are the runs.
``run_combo(call, combo)`` runs one through any driver's ``call(module, function, *args)``
(JsModules.call in Chromium, or another browser's); ``js_runs`` runs many at once in one
JsModules page. ``py_run`` is nn7's run and ``compare`` the check.

The page (ch7/lab/): ``LabPage`` is one visit in a fresh browser context (the fixture ``lab``
opens them), ``nn7_says``/``run_command`` run nn7's command line in-process, ``run_axe`` runs
axe-core and ``english_sentences`` finds English in the page's visible text."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shlex
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from nn7 import experiments
from nn7.data import book_split
from nn7.inits import PRESETS
from nn7.tolerances import LAB
from nn7.train import TrainSettings, train
from nn7_dev.browser import StaticServer

ENGINE = "assets/lab/nn7.js"  # in the built site
N_TRAIN = book_split()[0]
OPTIONS = ("init", "seed", "hidden", "lr", "batch", "epochs", "every")  # a combo's fields, as the engine names them

# (init, seed, hidden, lr, batch size, epochs, every): every preset, the page's cases with the
# book's settings, seeds across 0–999 and beyond 2**53 (10**30), 1 and 8 hidden units, batches of
# 1 and of the whole set, and runs that diverge (both must name the same iteration).
# Runs whose hidden units saturate (|W1| in the thousands) are chaotic: there, nn7's own two
# implementations already disagree by far more than 1e-9, so no mirror can be exact;
# CHAOTIC is the registry's example (experiments.CHAOTIC_RUN), and the test reports the difference.
COMBOS = [
    *[(c.init, c.seed, 2, c.settings.lr, c.settings.batch_size, c.settings.epochs, 1)
      for c in experiments.page_cases()],
    *[(preset, seed, 2, 0.5, 32, 40, 10) for preset, seed in zip(PRESETS, (1, 7, 123, 500, 999, 42))],
    ("random", 3, 1, 0.5, 32, 60, 20),
    ("random", 4, 8, 0.5, 32, 60, 20),
    ("case3", 5, 8, 0.3, 16, 30, 7),
    ("W1=n,B1=n", 11, 1, 0.5, 1, 3, 1),
    ("random", 12, 3, 0.1, 1, 2, 1),
    ("W2=normal", 13, 2, 0.5, N_TRAIN, 300, 50),
    ("random", 14, 4, 0.8, N_TRAIN, 200, 25),
    ("W1=ones,B1=normal,W2=zeros,B2=ones", 15, 2, 0.5, 30, 50, 10),
    ("W1=normal,B1=ones,W2=normal,B2=normal", 999, 5, 0.7, 100, 80, 16),
    ("W1=zeros,B1=normal,W2=ones,B2=zeros", 250, 6, 0.25, 64, 50, 5),
    ("W1 = n , B2 = 1", 16, 2, 0.5, 32, 20, 4),
    ("case2", 17, 7, 0.9, 400, 100, 100),
    ("case1", 18, 1, 0.05, 7, 10, 3),
    ("random", 19, 2, 2.0, 32, 30, 10),
    ("case3", 20, 2, 0.5, 799, 40, 8),
    ("random", 21, 8, 0.5, 1, 2, 1),
    ("case2-w-ones", 22, 4, 0.6, 48, 40, 10),
    ("W1=n,W2=n", 321, 2, 0.5, 32, 100, 1),
    ("Case3", 654, 3, 0.45, 25, 60, 12),
    ("w1=N,b1=1", 888, 2, 0.5, 32, 50, 50),
    ("random", 2**53, 2, 0.5, 32, 20, 5),
    ("case3", 2**64 + 1, 2, 0.5, 1000, 30, 10),
    ("random", 10**30, 3, 0.5, 32, 20, 5),
]

_C = experiments.CHAOTIC_RUN
CHAOTIC = [(_C.init, _C.seed, _C.settings.num_hidden, _C.settings.lr, _C.settings.batch_size, _C.settings.epochs,
            _C.settings.every)]


def options(combo) -> dict:
    """The engine's options for a combo; a seed beyond 2**53 as its digits (JSON numbers cannot
    hold it exactly; the engine reads digits as --seed does, into a BigInt)."""
    opts = dict(zip(OPTIONS, combo))
    if opts["seed"] >= 2**53:
        opts["seed"] = str(opts["seed"])
    return opts


JS_RUNS = """async ([engine, runs]) => {
    const m = await import(engine);
    return runs.map((opts) => {
        try {
            const r = m.train(opts);
            return {result: r, log: m.formatLog(r, "r2"), book: m.formatLog(r, "book")};
        } catch (err) {
            return {error: String(err.message)};
        }
    });
}"""


def js_runs(js, combos=COMBOS, engine=ENGINE) -> list[dict]:
    """Many combos in one JsModules page (one round trip)."""
    return js.evaluate(JS_RUNS, ["/" + engine, [options(c) for c in combos]])


def _message(err: Exception) -> str:
    """The JavaScript error's message from a driver's exception (``Name: message`` first)."""
    m = re.search(r"(?:Nn7Error|DivergenceError|SettingError|Error): (.*)", str(err))
    return m.group(1).strip() if m else str(err)


def run_combo(call, combo, engine=ENGINE) -> dict:
    """One combo through ``call(module, function, *args)`` (a JSON-returning driver of any
    browser): {result, log, book} or {error}, as ``py_run`` gives them."""
    try:
        result = call(engine, "train", options(combo))
    except Exception as err:  # the engine's error, e.g. divergence: nn7 must say the same
        return {"error": _message(err)}
    return {"result": result, "log": call(engine, "formatLog", result, "r2"), "book": call(engine, "formatLog", result, "book")}


def py_run(combo) -> dict:
    init, seed, hidden, lr, batch_size, epochs, every = combo
    settings = TrainSettings(lr=lr, epochs=epochs, batch_size=batch_size, every=every, num_hidden=hidden)
    try:
        r = train(init, settings, seed=seed)
    except Exception as err:  # e.g. divergence: the engine must say the same
        return {"error": str(err)}
    return {"result": json.loads(json.dumps(r.to_json())), "log": r.log_lines("r2"), "book": r.log_lines("book")}


def compare(js: dict, py: dict, combo) -> dict:
    """AssertionError naming the run and the first difference; otherwise the largest parameter
    difference."""
    where = f"train {combo}"
    if "error" in py or "error" in js:
        assert js.get("error") == py.get("error"), f"{where}: nn7 says {py.get('error')!r}, the lab {js.get('error')!r}"
        return {"max_param_diff": 0.0}
    a, b = js["result"], py["result"]
    assert a["init"] == b["init"], f"{where}: init: lab {a['init']!r}, nn7 {b['init']!r}"
    assert int(a["seed"]) == b["seed"], f"{where}: seed: lab {a['seed']!r}, nn7 {b['seed']!r}"
    assert a["settings"] == b["settings"], f"{where}: settings: lab {a['settings']!r}, nn7 {b['settings']!r}"
    worst = 0.0
    for name in ("W1", "B1", "W2", "B2"):
        x, y = np.asarray(a["params"][name]), np.asarray(b["params"][name])
        assert x.shape == y.shape, f"{where}: {name} shape {x.shape} vs {y.shape}"
        d = float(np.max(np.abs(x - y)))
        worst = max(worst, d)
        assert d <= LAB, f"{where}: {name} differs by {d:.3g} (> {LAB:g}): lab {x.tolist()}, nn7 {y.tolist()}"
    for key, v in b["final"].items():
        assert abs(a["final"][key] - v) <= LAB, f"{where}: final {key}: lab {a['final'][key]!r}, nn7 {v!r}"
    for key in ("iteration", "train_loss", "train_r2", "val_loss", "val_r2"):
        x, y = np.asarray(a["history"][key], float), np.asarray(b["history"][key], float)
        assert x.shape == y.shape, f"{where}: history {key}: {len(x)} checkpoints vs {len(y)}"
        assert np.allclose(x, y, rtol=0, atol=LAB), f"{where}: history {key} differs by {np.max(np.abs(x - y)):.3g}"
    for kind in ("log", "book"):
        for k, (la, lb) in enumerate(zip(js[kind], py[kind])):
            assert la == lb, f"{where}: log line {k + 1} ({kind}):\n  lab: {la}\n  nn7: {lb}"
        assert len(js[kind]) == len(py[kind]), f"{where}: {len(js[kind])} log lines vs {len(py[kind])}"
    return {"max_param_diff": worst}


# ---------------------------------------------------------------- the lab's page in Chromium

PAGE = "ch7/lab/"
# the training form's settings, and those its address holds, in the table's order (so that a
# setting added to the table, as CONTRIBUTING's recipe "lab-control" does, changes no test)
FIELDS = [s for s in experiments.settings("train") if s.lab and s.kind != "case"]
STATE_KEYS = [s.name for s in FIELDS if s.url]


def case_state(case) -> dict[str, str]:
    """The address (and fields) the lab shows for a case of the registry."""
    out = {}
    for s in FIELDS:
        value = {"init": case.name, "seed": case.seed}.get(s.name)
        if value is None:
            value = getattr(case.settings, s.attribute)
        out[s.name] = repr(value) if s.kind == "number" else str(value)
    return {k: v for k, v in out.items() if k in STATE_KEYS}


def train_command(state: dict[str, str]) -> str:
    """`python -m nn7 train` with an option per setting of the lab's address, as the lab writes it."""
    options = {s.name: s.option for s in FIELDS}
    return " ".join(["python -m nn7 train", *(f"{options[k]} {v}" for k, v in state.items())])
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
TIMEOUT_MS = 20_000

# Every PerformanceObserver entry of type "longtask" (main-thread tasks over 50 ms), from the
# start of the page, with its start time; registered before any of the page's scripts runs.
LONG_TASKS = """
window.__longTasks = [];
try {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({start: e.startTime, duration: e.duration});
  }).observe({type: "longtask", buffered: true});
} catch (err) {
  window.__longTasks = null;
}
"""

# The visible text of the lab's content that is not code (commands, printouts and the heatmap's
# notation are code, not sentences), and the English sentences in it: three words or more.
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'\-]+[A-Za-z]{2,}){2,}")
VISIBLE_PROSE = """() => {
    const skip = (el) => el.closest('pre, code, .lab-heatmap, script, style, noscript');
    const out = [];
    const walker = document.createTreeWalker(document.querySelector('.md-content'), NodeFilter.SHOW_TEXT);
    for (let n; (n = walker.nextNode());) {
        const el = n.parentElement;
        if (!el || skip(el) || !el.checkVisibility()) continue;
        if (n.textContent.trim()) out.push(n.textContent.trim());
    }
    for (const el of document.querySelectorAll('.md-content [aria-label], .md-content [title]')) {
        if (el.checkVisibility()) out.push(el.getAttribute('aria-label') || '', el.getAttribute('title') || '');
    }
    return out.filter(Boolean);
}"""


def english_sentences(page) -> list[str]:
    return [t for t in page.evaluate(VISIBLE_PROSE) if ENGLISH.search(t)]


class LabPage:
    """One visit of the lab page in a fresh context; requests outside the site are blocked
    and recorded, console errors and uncaught exceptions collected."""

    def __init__(self, browser, base_url: str, query: str = "", **context_options):
        options = {"viewport": {"width": 1280, "height": 900}, "locale": "zh-CN", "service_workers": "block"}
        self.context = browser.new_context(**(options | context_options))
        self.context.set_default_timeout(TIMEOUT_MS)
        self.origin = base_url.rstrip("/")
        self.base_url = base_url
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.add_init_script(LONG_TASKS)
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"exception: {e}"))
        if query is not None:
            self.open(query, wait=context_options.get("java_script_enabled", True))

    def open(self, query: str = "", wait: bool = True):
        self.page.goto(self.base_url + PAGE + query)
        if wait:
            self.page.wait_for_selector("html.lab-ready", state="attached")

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.origin + "/") or url.startswith(("data:", "blob:")):
            route.fallback()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    # ---- reading the page

    def text(self, selector: str) -> str:
        return self.page.text_content(selector) or ""

    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.page.url).query).items()}

    def value(self, selector: str) -> str:
        return self.page.input_value(selector)

    def radios(self) -> dict[str, str]:
        return self.page.evaluate("""() => Object.fromEntries(['W1', 'B1', 'W2', 'B2'].map(n =>
            [n, document.querySelector(`input[name="lab-${n}"]:checked`).value]))""")

    def units(self) -> list[list[str]]:
        """The exact current W1, B1, W2 of each hidden unit (the table under the charts)."""
        return self.page.evaluate("""() => Array.from(document.querySelectorAll('#lab-units-body tr'),
            tr => Array.from(tr.querySelectorAll('td'), td => td.dataset.value))""")

    # ---- acting

    def set_field(self, selector: str, value: str):
        self.page.fill(selector, value)
        self.page.press(selector, "Tab")  # commits (change event)

    def train(self, timeout: int = TIMEOUT_MS):
        self.page.select_option("#lab-speed", "fast")
        self.page.click("#lab-run")
        self.wait_trained(timeout)

    def wait_trained(self, timeout: int = TIMEOUT_MS):
        self.page.wait_for_function(
            "() => /训练完成|训练发散/.test(document.getElementById('lab-status').textContent)", timeout=timeout)

    def long_tasks(self, since: float = 0.0) -> list[dict]:
        tasks = self.page.evaluate("() => window.__longTasks")
        assert tasks is not None, "PerformanceObserver does not support 'longtask' in this Chromium"
        return [t for t in tasks if t["start"] >= since]

    def check_clean(self):
        assert not self.blocked, f"requests outside the site: {self.blocked}"
        assert not self.errors, "\n".join(self.errors)

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def base_url(playwright_api, built_site):
    assert (built_site / PAGE / "index.html").is_file(), "the lab page was not built (is ch7/lab.md in the nav?)"
    server = StaticServer(built_site)
    try:
        yield server.url
    finally:
        server.close()


@pytest.fixture
def lab(browser, base_url):
    """``lab(query, **context options)``: a LabPage, closed after the test."""
    opened: list[LabPage] = []

    def open_lab(query: str = "", **options) -> LabPage:
        visit = LabPage(browser, base_url, query, **options)
        opened.append(visit)
        return visit

    yield open_lab
    for visit in opened:
        visit.close()


def nn7_says(args: list[str]) -> tuple[int, str, str]:
    """`python -m nn7 ARGS`, in-process: exit status, stdout, stderr."""
    from nn7_cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue(), err.getvalue()


def run_command(line: str) -> str:
    """A command the page shows (`python -m nn7 …`), run in-process; its standard output."""
    words = shlex.split(line)
    assert words[:3] == ["python", "-m", "nn7"], line
    code, out, err = nn7_says(words[3:])
    assert code == 0, f"{line}: {err}"
    return out


def run_axe(page) -> list[str]:
    if not AXE.is_file():
        pytest.skip(f"axe-core is not vendored at {AXE}")
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("""async (tags) => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
        return r.violations.map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join('; ')})`);
    }""", AXE_TAGS)
