// The single-step section: 单步 adds one single-sample iteration (step k of
// `nn7 trace --steps k` for the training form's initialisation, seed and learning rate), and
// every iteration so far stays on screen, side by side; a button per trace of the text shows
// the book's two iterations. Quantities whose hidden-unit entries are all equal are marked.

import { REGISTRY } from "../generated/registry.js";
import { parseInit } from "../nn7/inits.js";
import { formatStep, trace } from "../nn7/trace.js";
import { pyG } from "../numpy/printing.js";
import { commandLine } from "./command.js";
import { caseLabel, lookup, say } from "./words.js";

const UNIT_KEYS = ["Z1", "A1", "dA1", "dZ1", "W1", "B1", "dW1", "dB1", "W2", "dW2"]; // one entry per hidden unit

/** A step's printout as nodes: text, with each all-equal quantity of `units` > 1 units in <mark>. */
export function markedStep(step, units) {
  const text = formatStep(step);
  const ranges = [];
  for (const key of UNIT_KEYS) {
    const flat = step[key].flat();
    if (units < 2 || !flat.every((v) => v === flat[0])) continue;
    const re = new RegExp(`(?<![A-Za-z0-9])${key}=\\[`, "g");
    for (let m; (m = re.exec(text));) {
      let depth = 0, end = m.index + key.length + 1;
      for (; end < text.length; end++) {
        if (text[end] === "[") depth++;
        else if (text[end] === "]" && --depth === 0) break;
      }
      ranges.push([m.index, end + 1]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const nodes = [];
  let at = 0;
  for (const [start, end] of ranges) {
    nodes.push(document.createTextNode(text.slice(at, start)));
    nodes.push(Object.assign(document.createElement("mark"), { textContent: text.slice(start, end) }));
    at = end;
  }
  nodes.push(document.createTextNode(text.slice(at)));
  return nodes;
}

export function createSingleStep({ training }) {
  const byId = (id) => document.getElementById(id);
  const out = byId("lab-trace"), commandBox = byId("lab-trace-command-box"), note = byId("lab-trace-note");
  let count = 0; // single steps shown

  function show(steps, units, command, text, newest = true) {
    out.replaceChildren(...steps.map((step) => {
      const pre = Object.assign(document.createElement("pre"), { className: "lab-pre lab-trace-step" });
      const code = document.createElement("code");
      code.append(...markedStep(step, units));
      pre.append(code);
      return pre;
    }));
    byId("lab-trace-command").textContent = command;
    note.textContent = text;
    out.hidden = commandBox.hidden = steps.length === 0;
    if (steps.length) { // the newest iteration in view (its earlier ones to its left), or the first
      out.scrollLeft = newest ? out.lastElementChild.offsetLeft - out.firstElementChild.offsetLeft : 0;
    }
  }

  function reset() {
    count = 0;
    show([], 0, "", say("trace.none"));
  }

  byId("lab-step").addEventListener("click", () => {
    const values = training.values();
    if (!values) {
      note.textContent = say("trace.invalid");
      return;
    }
    count++;
    const texts = training.texts(), units = Number(values.get("hidden"));
    const opts = { init: texts.get("init"), seed: values.get("seed"), lr: values.get("lr"), steps: count, hidden: units };
    const given = new Map([["init", { value: values.get("init") }], ["seed", { value: values.get("seed") }],
      ["lr", { value: values.get("lr") }], ["steps", { value: count }]]);
    let text = say("trace.step", { k: count, seed: String(values.get("seed")), lr: pyG(values.get("lr")) });
    if (units !== 2) text += say("trace.hidden");
    show(trace(opts), units, commandLine("trace", given), text);
  });

  // a button per trace of the text (the book's two iterations), after 单步
  const buttons = byId("lab-book-traces");
  for (const t of REGISTRY.traces) {
    const known = REGISTRY.cases.find((c) => c.name === t.case);
    const label = caseLabel(known ?? { name: t.case }, parseInit(t.init));
    const button = Object.assign(document.createElement("button"), {
      type: "button", id: `lab-book-trace-${t.case}`, className: "md-button",
      textContent: lookup(`trace.button.${t.name}`) ?? say("trace.button_other", { case: label }),
    });
    button.addEventListener("click", () => {
      count = 0; // 单步 starts again from the first iteration
      const steps = trace({ init: t.init, seed: t.seed, lr: t.lr, samples: t.samples });
      const given = new Map([["init", { value: parseInit(t.case) }], ["lr", { value: t.lr }], ["sample", { value: t.samples }]]);
      const samples = t.samples.map(([x, y]) => `(${pyG(x)}, ${pyG(y)})`).join("、");
      show(steps, 2, commandLine("trace", given), say("trace.book", { case: label, samples, lr: pyG(t.lr) }), false);
    });
    buttons.append(button);
  }

  reset();
  return { reset };
}
