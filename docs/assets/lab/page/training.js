// The training section: its form (made from the table), the current run and its loop, the
// status line and the buttons 训练/暂停/继续 and 重置, and the animation speed. A settled
// change of a field is a new run (and, through `onCommit`, a new address).

import { commandLine } from "./command.js";
import { createForm } from "./form.js";
import { createLoop, Run } from "./run.js";
import { caseTexts, check, findCase, optionsOf } from "./state.js";
import { createTrainingView, summaryText, unitsText } from "./training-view.js";
import { messageOf, say } from "./words.js";

export const SPEEDS = { slow: 60, medium: 300, fast: Infinity }; // epochs per second on the screen
const DEFAULT_SPEED = "medium";

const same = (a, b) => a && b && a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);

export function createTraining({ onCommit = () => {}, onNewRun = () => {}, onChange = () => {} } = {}) {
  const byId = (id) => document.getElementById(id);
  const runButton = byId("lab-run"), speed = byId("lab-speed");
  let committed = null, checked = null, run = null, status = "idle", failure = null;

  const form = createForm(byId("lab-train-fields"), "train", {
    onInput: () => form.showErrors(check("train", form.read()).errors),
    onCommit: (name) => {
      if (name === "case") {
        const chosen = findCase(form.caseChosen());
        if (!chosen) return; // 自定义: the settings stay
        form.write(caseTexts(chosen));
      }
      commit();
    },
  });

  for (const [key, rate] of Object.entries(SPEEDS)) {
    speed.add(new Option(say(`speed.${key}`, { rate }), key, key === DEFAULT_SPEED, key === DEFAULT_SPEED));
  }

  const view = createTrainingView({ getRun: () => run, isRunning: () => status === "running", getCommand: command });
  const loop = createLoop({
    run: () => run,
    rate: () => SPEEDS[speed.value] ?? Infinity,
    onProgress: () => view.requestDraw(),
    onDone: () => setStatus("done"),
    onError: (err) => {
      failure = err;
      setStatus("error");
    },
  });

  /** The command line of the committed settings (as typed where they are not valid). */
  function command() {
    if (!committed) return "";
    const given = new Map([...committed].map(([name, text]) => [name, { text, value: checked.values.get(name) }]));
    return commandLine("train", given);
  }

  /** `inSteps`: the charts are drawn one per task (a page load; returns a promise of them). */
  function setStatus(next, inSteps = false) {
    status = next;
    const label = { running: "pause", paused: "resume" }[status] ?? "start";
    runButton.textContent = runButton.dataset[label];
    const epochs = run?.epochs;
    const texts = {
      idle: () => say("status.idle", { epochs }),
      running: () => say("status.running"),
      paused: () => `${say("status.paused", { done: run.epoch, epochs })}${summaryText(run)}${unitsText(run)}`,
      done: () => `${say("status.done", { epochs, iterations: run.trainer.history.iteration.at(-1) })}${summaryText(run)}${unitsText(run)}`,
      error: () => messageOf(failure),
      invalid: () => say("status.invalid"),
    };
    byId("lab-status").textContent = texts[status]();
    const drawn = inSteps ? view.drawInSteps() : view.drawNow();
    onChange();
    return drawn;
  }

  /** A new run of `texts` (its errors next to the fields; none when they are not valid). */
  function newRun(texts, inSteps = false) {
    loop.stop();
    committed = texts;
    checked = check("train", texts);
    form.showErrors(checked.errors);
    run = checked.ok ? new Run(optionsOf(texts, checked.values)) : null;
    onNewRun();
    return setStatus(run ? "idle" : "invalid", inSteps);
  }

  function commit() {
    const texts = form.read();
    if (same(texts, committed)) return;
    onCommit(texts);
    newRun(texts);
  }

  function start() {
    if (!run) return setStatus("invalid");
    if (status === "done" || status === "error") newRun(committed);
    if (!run) return undefined;
    setStatus("running");
    loop.start();
    return undefined;
  }

  runButton.addEventListener("click", () => {
    if (status === "running") {
      loop.stop();
      setStatus("paused");
    } else {
      start();
    }
  });
  byId("lab-reset").addEventListener("click", () => newRun(form.read()));
  speed.addEventListener("change", () => loop.restartRate());
  // the palette: Material sets these on every page load too, to the values they have (no redraw then)
  new MutationObserver((records) => {
    if (records.some((r) => r.oldValue !== r.target.getAttribute(r.attributeName))) view.requestDraw(true);
  }).observe(document.body, { attributes: true, attributeOldValue: true, attributeFilter: ["data-md-color-scheme", "data-md-color-primary"] });

  return {
    /** Show `texts` in the fields and start a new run with them (back/forward). */
    apply(texts) {
      form.write(texts);
      newRun(form.read());
    },
    /** A page load: `texts` in the fields (fill), then a new run with them whose charts are
     *  drawn one per task (load; a promise of the last). */
    fill: (texts) => form.write(texts),
    load: () => newRun(form.read(), true),
    texts: () => committed,
    values: () => (checked?.ok ? checked.values : null),
    run: () => run,
    status: () => status,
    start,
    chooseCase(name) {
      form.write(caseTexts(findCase(name)));
      commit();
    },
    setRadio: (param, kind) => form.setRadio(param, kind),
    setSpeed(key) {
      speed.value = key;
      loop.restartRate();
    },
  };
}
