// nn7.trace: single-sample SGD steps with every intermediate, as the text prints them
// (`python -m nn7 trace`): the readable formulas of network.js on one sample at a time.
//
//   trace(opts)        → the steps of `nn7 trace --json`: opts.init, opts.seed, opts.lr, and
//                        either opts.samples ([[x, y], …] in original units) or opts.steps
//                        samples drawn from the book's data with the seed; opts.hidden
//   formatStep(step), formatTrace(steps) → what `nn7 trace` prints

import { REGISTRY } from "../generated/registry.js";
import { arrayLine } from "../numpy/printing.js";
import { N_SAMPLES, SAMPLES, X_SCALER, Y_SCALER } from "./data.js";
import { makeParams, parseInit } from "./inits.js";
import { backward, forward, update } from "./network.js";
import { streams } from "./rng.js";
import { checkOptions, checkSetting, setting } from "./settings.js";
import { seedOf } from "./train.js";

const TRACE_PRECISION = 4; // the text's traces print 4 decimals
export const STEP_HEADER = "----迭代"; // nn7.trace.STEP_HEADER: each step's printout starts with it, then its number

export function trace(opts = {}) {
  checkOptions(opts, "trace", ["samples", "hidden"]); // samples: the --sample values, [[x, y], …]
  const option = (name) => setting("trace", name);
  const spec = parseInit(opts.init ?? option("init").default);
  const lr = checkSetting(option("lr"), opts.lr ?? option("lr").default);
  const rng = streams(seedOf(opts.seed ?? option("seed").default));
  let raw = opts.samples;
  if (!raw || raw.length === 0) {
    const steps = Number(checkSetting(option("steps"), opts.steps ?? REGISTRY.traceSteps));
    raw = Array.from(rng.data.integers(0, N_SAMPLES, steps), (k) => SAMPLES[k]);
  }
  const flat = makeParams(spec, rng.init, Number(opts.hidden ?? setting("train", "hidden").default));
  let p = {
    W1: [Array.from(flat.W1)], B1: [Array.from(flat.B1)], W2: Array.from(flat.W2, (w) => [w]), B2: [[flat.B2[0]]],
  };
  return raw.map(([x0, y0], k) => {
    const x = [[X_SCALER.scale(x0)]], y = [[Y_SCALER.scale(y0)]];
    const f = forward(p, x); // (7.4.1)–(7.4.3)
    const g = backward(p, x, y, f); // (7.4.5)–(7.4.11), from the parameters before the update
    const after = update(p, g, lr);
    p = after;
    return {
      iteration: k + 1, x, y, Z1: f.Z1, A1: f.A1, Z2: f.Z2, dZ2: g.dZ2, dA1: g.dA1, dZ1: g.dZ1,
      dW1: g.dW1, dB1: g.dB1, dW2: g.dW2, dB2: g.dB2, W1: after.W1, B1: after.B1, W2: after.W2, B2: after.B2,
    };
  });
}

function row(cells, widths) {
  // Cells separated by commas, each padded so that the columns line up (nn7.trace._row).
  return cells.slice(0, -1).map((c, i) => (c + ",").padEnd(widths[i] + 1)).join(" ") + " " + cells[cells.length - 1];
}

/** The book's printout of one trace step (nn7.trace.format_step). */
export function formatStep(step) {
  const v = (k) => `${k}=${arrayLine(step[k], TRACE_PRECISION)}`;
  const head = [[v("Z1"), v("A1"), v("Z2")], [v("dZ2"), v("dA1"), v("dZ1")]];
  const tail = [[v("W1"), v("B1"), v("dW1"), v("dB1")], [v("W2"), v("B2"), v("dW2"), v("dB2")]];
  const widths = (rows, k) => Array.from({ length: k }, (_, i) => Math.max(...rows.map((r) => r[i].length)));
  const hw = widths(head, 3), tw = widths(tail, 4);
  const body = tail.map((r) => row(r, tw));
  const rule = "-".repeat(Math.max(...body.map((l) => l.length)));
  const pad = " ".repeat(6); // the display width of "前向: "
  return [`${STEP_HEADER} ${step.iteration}----`, "前向: " + row(head[0], hw), "反向: " + row(head[1], hw),
    pad + rule, ...body.map((l) => pad + l)].join("\n") + "\n";
}

export function formatTrace(steps) {
  return steps.map(formatStep).join("");
}
