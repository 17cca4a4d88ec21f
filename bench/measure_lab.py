"""The browser lab against nn7, each measured side by side in one run, in headless Chromium:

* lab_train_speedup_vs_nn7: the book run (1000 epochs, batch 32, a checkpoint every epoch) with
  the lab's engine against nn7's in-process single run (nn7 time / lab time);
* lab_sweep_time_ratio: the full sweep (81 initialisations × 10 seeds) in the browser, one Web
  Worker per core, against nn7's sweep on every core (lab time / nn7 time).
"""

from __future__ import annotations

import statistics
from pathlib import Path

import numpy as np

from nn7.batched import default_workers
from nn7.experiments import BOOK_SETTINGS, SWEEP
from nn7.sweep import run_sweep
from nn7.tolerances import LAB
from nn7.train import train
from nn7_dev.chromium import CHROMIUM_ARGS, StaticServer, find_chromium

from .benchlib import out, timed
from .goals import Outcome

ENGINE = "/assets/lab/nn7.js"
INIT, SEED = "case3", 0

JS_TRAIN = """async ([engine, init, seed]) => {
    const m = await import(engine);
    const t0 = performance.now();
    const r = m.train({init, seed});
    return {ms: performance.now() - t0, params: r.params};
}"""

# The sweep in Web Workers: each worker trains every initialisation with its share of the seeds
# (the engine's sweepSeed, as the lab page's workers do).
JS_SWEEP = """async ([engine, workers]) => {
    const m = await import(engine);
    const def = m.REGISTRY.sweep;
    const src = `import {sweepSeed} from "${new URL(engine, location.href)}";
        onmessage = (e) => postMessage({seed: e.data.seed, r2: sweepSeed(e.data.seed, e.data.inits, e.data.opts)});`;
    const url = URL.createObjectURL(new Blob([src], {type: "text/javascript"}));
    const opts = m.sweepOptions();
    const t0 = performance.now();
    const results = new Map();
    const queue = [...def.seeds];
    await Promise.all(Array.from({length: workers}, () => new Promise((resolve) => {
        const w = new Worker(url, {type: "module"});
        const next = () => {
            if (!queue.length) { w.terminate(); resolve(); return; }
            w.postMessage({seed: queue.shift(), inits: def.combos, opts});
        };
        w.onmessage = (e) => { results.set(e.data.seed, e.data.r2); next(); };
        next();
    })));
    const ms = performance.now() - t0;
    const valR2 = def.combos.map((_, c) => def.seeds.map((s) => results.get(s)[c]));
    const r = m.sweepResult(def.combos, def.seeds, valR2, def.threshold);
    return {ms, workers, medians: r.rows.map((x) => x.median), trains: r.rows.map((x) => x.trains)};
}"""


class _Browser:
    def __init__(self, site: Path):
        from playwright.sync_api import sync_playwright

        chromium = find_chromium()
        if chromium is None:
            raise RuntimeError("Chromium not found: install Debian's `chromium` to measure the lab")
        self.server = StaticServer(site)
        self.pw = sync_playwright().start()
        self.browser = self.pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        self.page = self.browser.new_page()
        self.page.goto(self.server.url + "ch7/7.7/")

    def evaluate(self, script, arg):
        return self.page.evaluate(script, arg)

    def close(self):
        self.browser.close()
        self.pw.stop()
        self.server.close()


def measure(site: Path, quick: bool) -> dict[str, Outcome]:
    b = _Browser(site)
    try:
        return {"lab_train_speedup_vs_nn7": _train(b, 5 if quick else 9),
                "lab_sweep_time_ratio": _sweep(b, 1 if quick else 2)}
    finally:
        b.close()


def _train(b: _Browser, trials: int) -> Outcome:
    out(f"== lab_train_speedup_vs_nn7: the book run ({BOOK_SETTINGS.epochs} epochs, batch {BOOK_SETTINGS.batch_size}, "
        f"a checkpoint every epoch), init {INIT}, seed {SEED}; {trials} interleaved trials")
    b.evaluate(JS_TRAIN, [ENGINE, INIT, SEED])  # warm-up (module load, JIT)
    py = train(INIT, BOOK_SETTINGS, seed=SEED)
    t_js, t_py, diff = [], [], 0.0
    for i in range(trials):
        for which in (("js", "py") if i % 2 == 0 else ("py", "js")):
            if which == "js":
                r = b.evaluate(JS_TRAIN, [ENGINE, INIT, SEED])
                t_js.append(r["ms"] / 1000)
                diff = max(diff, max(float(np.max(np.abs(np.asarray(r["params"][k]) - v)))
                                     for k, v in py.params.as_dict().items()))
            else:
                t_py.append(timed(train, INIT, BOOK_SETTINGS, seed=SEED)[0])
        out(f"  trial {i + 1}/{trials}: lab {t_js[-1]:.3f} s, nn7 {t_py[-1]:.3f} s (ratio {t_py[-1] / t_js[-1]:.2f}x)")
    ratio = statistics.median(t_py) / statistics.median(t_js)
    out(f"  median: lab {statistics.median(t_js):.3f} s, nn7 {statistics.median(t_py):.3f} s; ratio {ratio:.2f}x; "
        f"largest parameter difference {diff:.2e} (tolerance {LAB:g})")
    return Outcome(ratio, {"lab_s": t_js, "nn7_s": t_py, "max_param_diff": diff},
                   [] if diff <= LAB else [f"the lab's book run differs from nn7's by {diff:.2e}"])


def _sweep(b: _Browser, trials: int) -> Outcome:
    workers = default_workers()
    out(f"== lab_sweep_time_ratio: the full sweep ({len(SWEEP.combos)} × {len(SWEEP.seeds)}) in {workers} Web Workers "
        f"vs run_sweep(workers={workers}); {trials} interleaved trial(s)")
    t_js, t_py, problems = [], [], []
    py = None
    for i in range(trials):
        for which in (("py", "js") if i % 2 == 0 else ("js", "py")):
            if which == "py":
                dt, py = timed(run_sweep, SWEEP, workers=workers)
                t_py.append(dt)
            else:
                r = b.evaluate(JS_SWEEP, [ENGINE, workers])
                t_js.append(r["ms"] / 1000)
                js = r
        out(f"  trial {i + 1}/{trials}: lab {t_js[-1]:.1f} s, nn7 {t_py[-1]:.1f} s (ratio {t_js[-1] / t_py[-1]:.2f})")
    diff = float(np.max(np.abs(np.asarray(js["medians"]) - py.median)))
    if diff > LAB or js["trains"] != py.trains.tolist():
        problems.append(f"the lab's sweep differs from nn7's (medians by {diff:.2e})")
    ratio = statistics.median(t_js) / statistics.median(t_py)
    out(f"  median: lab {statistics.median(t_js):.1f} s, nn7 {statistics.median(t_py):.1f} s; ratio {ratio:.2f}; "
        f"medians differ by at most {diff:.2e}")
    return Outcome(ratio, {"lab_s": t_js, "nn7_s": t_py, "workers": workers, "max_median_diff": diff}, problems)
