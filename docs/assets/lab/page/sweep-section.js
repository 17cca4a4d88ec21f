// The sweep section: its form (made from the table), 开始扫描 / 取消, the progress, the heatmap
// and what the result says, with a warning when the settings are too short for the conclusion
// to mean much.

import { REGISTRY } from "../generated/registry.js";
import { sweepOptions, sweepResult } from "../nn7/sweep.js";
import { pyFixed, pyG } from "../numpy/printing.js";
import { createForm } from "./form.js";
import { renderHeatmap } from "./heatmap.js";
import { defaults, check } from "./state.js";
import { isBookSweep, runPool, shortfalls, sweepSeeds } from "./sweep-pool.js";
import { messageOf, say } from "./words.js";

const SWEEP = REGISTRY.sweep;

/** The warning for settings short of the extension experiment's, or "". */
export function shortWarning(values) {
  const short = shortfalls(values);
  if (!short.length) return "";
  const parts = short.map(({ what, given, book }) => say(`sweep.short_${what}`, { given: pyG(given), book: pyG(book) }));
  return say("sweep.short", { what: parts.join(say("sweep.joiner")) });
}

export function createSweepSection() {
  const byId = (id) => document.getElementById(id);
  const start = byId("lab-sweep-start"), cancel = byId("lab-sweep-cancel"), bar = byId("lab-sweep-progress");
  const status = byId("lab-sweep-status"), warning = byId("lab-sweep-warning");
  let job = null, last = null;

  const form = createForm(byId("lab-sweep-fields"), "sweep", { onInput: validate, onCommit: validate });
  form.write(defaults("sweep"));

  function validate() {
    const result = check("sweep", form.read());
    form.showErrors(result.errors);
    const values = result.ok ? plain(result.values) : null;
    warning.textContent = values ? shortWarning(values) : "";
    return values;
  }

  const plain = (values) => Object.fromEntries([...values].map(([k, v]) => [k, Number(v)]));

  function running(on) {
    cancel.setAttribute("aria-disabled", on ? "false" : "true");
    start.setAttribute("aria-disabled", on ? "true" : "false");
  }

  function summarise(result, values) {
    const summary = result.summary, three = (v) => pyFixed(v, 3);
    const items = ["broken", "symmetric", "dead"].map((name) => say(`sweep.${name}`, {
      combos: summary[name].combos, training: summary[name].combos_training, median: three(summary[name].r2_median),
      min: three(summary[name].r2_min), max: three(summary[name].r2_max),
    }));
    items.push(say(result.condition_holds ? "sweep.holds" : "sweep.fails", { threshold: pyG(result.threshold) }));
    const short = shortWarning(values);
    if (short) items.push(short);
    if (isBookSweep(values)) items.push(say("sweep.book"));
    byId("lab-sweep-summary").replaceChildren(...items.map((text) => Object.assign(document.createElement("li"), { textContent: text })));
  }

  start.addEventListener("click", () => {
    if (job) return;
    const values = validate();
    if (!values) return;
    const seeds = sweepSeeds(values.seeds), began = performance.now();
    running(true);
    bar.value = 0;
    job = runPool({
      inits: SWEEP.combos, seeds, opts: sweepOptions({ lr: values.lr, epochs: values.epochs }),
      workerUrl: new URL("./sweep-worker.js", import.meta.url),
      onProgress: (fraction, done, total, workers) => {
        bar.value = fraction;
        status.textContent = say("sweep.running", { workers, done, total, percent: `${Math.floor(100 * fraction)}%` });
      },
      onDone: (valR2) => {
        job = null;
        running(false);
        bar.value = 1;
        last = { result: sweepResult(SWEEP.combos, seeds, valR2, SWEEP.threshold), values };
        status.textContent = say("sweep.done", {
          combos: SWEEP.combos.length, seeds: seeds.length, seconds: pyFixed((performance.now() - began) / 1000, 1),
        });
        renderHeatmap(byId("lab-heatmap"), last.result);
        summarise(last.result, values);
      },
      onFail: (failure) => {
        job = null;
        running(false);
        bar.value = 0;
        const known = failure.code && failure.code !== "worker";
        status.textContent = say("sweep.failed", { message: known ? messageOf(failure) : say("sweep.worker") });
      },
    });
  });
  cancel.addEventListener("click", () => {
    if (!job) return;
    job.cancel();
    job = null;
    running(false);
    bar.value = 0;
    status.textContent = say("sweep.cancelled");
  });
  byId("lab-sweep-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    start.click();
  });
  new MutationObserver(() => last && renderHeatmap(byId("lab-heatmap"), last.result))
    .observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

  running(false);
  validate();
  status.textContent = say("sweep.idle");
}
