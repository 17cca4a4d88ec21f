// nn7.sweep: every initialisation trained with several seeds; per initialisation the median and
// lowest validation R², its class (dead / symmetric / broken), whether it trains, and the summary.
//
//   sweepSeed(seed, inits, opts) every initialisation with one seed (the lab's Web Workers run this)
//   sweepResult(inits, seeds, valR2, threshold) the analysis of per-seed results
//   sweep(opts)                  the whole sweep in this thread

import { REGISTRY } from "../generated/registry.js";
import { N_TRAIN, Loader } from "./data.js";
import { makeParams, parseInit } from "./inits.js";
import { accuracy } from "./metrics.js";
import { streams } from "./rng.js";
import { checkOptions, trainSettings } from "./settings.js";
import { setLoss, sgdStep } from "./train.js";

const SWEEP = REGISTRY.sweep;

/** dead / symmetric / broken, as nn7.sweep.classify. */
export function classify(spec) {
  if (typeof spec === "string") spec = parseInit(spec);
  if ([spec.W1, spec.B1, spec.W2].includes("normal")) return "broken";
  if (spec.W1 === "zeros" && spec.B1 === "zeros" && spec.W2 === "zeros") return "dead";
  return "symmetric";
}

/**
 * Train every initialisation in `inits` with one seed, all in lockstep over the same epoch
 * orders (the data stream of a seed does not depend on the initialisation); return each run's
 * final validation R². `opts` as train's; `opts.onEpoch(epoch)` reports progress. Each run
 * equals its own `train`.
 */
export function sweepSeed(seed, inits, opts = {}) {
  checkOptions(opts, "train", ["onEpoch"]);
  const settings = trainSettings(opts);
  const n = settings.num_hidden;
  const loader = new Loader(streams(seed).data);
  const nets = inits.map((init) => ({
    P: makeParams(parseInit(init), streams(seed).init, n),
    G: { W1: new Float64Array(n), B1: new Float64Array(n), W2: new Float64Array(n), A: new Float64Array(n) },
  }));
  const N = N_TRAIN, bs = settings.batch_size;
  const xe = new Float64Array(N), ye = new Float64Array(N);
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    const order = loader.epochOrder();
    for (let i = 0; i < N; i++) {
      xe[i] = loader.trainX[order[i]];
      ye[i] = loader.trainY[order[i]];
    }
    for (const net of nets) {
      for (let start = 0; start < N; start += bs) sgdStep(net.P, net.G, xe, ye, start, Math.min(bs, N - start), settings.lr, n);
    }
    opts.onEpoch?.(epoch);
  }
  return nets.map(({ P }) => accuracy(setLoss(P, loader.valX, loader.valY, n), loader.valVar));
}

/** NumPy's median of a list of numbers (the mean of the two middle ones for an even count). */
export function median(values) {
  const v = Float64Array.from(values).sort();
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * The sweep from per-seed results (`valR2[c][k]`: initialisation c with the k-th seed): per
 * initialisation its median and lowest validation R², class and whether it trains (median
 * above the threshold); nn7.sweep's summary; whether the page's condition holds.
 */
export function sweepResult(inits, seeds, valR2, threshold = SWEEP.threshold) {
  const rows = inits.map((init, c) => {
    const runs = valR2[c];
    const med = median(runs);
    return { init, class: classify(init), median: med, lowest: Math.min(...runs), trains: med > threshold, runs };
  });
  const summary = {};
  for (const name of ["dead", "symmetric", "broken"]) {
    const chosen = rows.filter((r) => r.class === name);
    const runs = chosen.flatMap((r) => r.runs);
    summary[name] = {
      combos: chosen.length, combos_training: chosen.filter((r) => r.trains).length,
      runs: runs.length, runs_training: runs.filter((v) => v > threshold).length,
      r2_min: Math.min(...runs), r2_median: median(runs), r2_max: Math.max(...runs),
    };
  }
  const conditionHolds = rows.every((r) => r.trains === (r.class === "broken"));
  return { inits, seeds, threshold, rows, summary, condition_holds: conditionHolds };
}

/** The sweep's options as train's: the lab's (or given) lr and epochs, the sweep's batch and hidden units. */
export function sweepOptions(opts = {}) {
  const s = SWEEP.settings;
  return { lr: s.lr, epochs: s.epochs, batch: s.batch_size, every: s.every, hidden: s.num_hidden, ...opts };
}

/** The whole sweep in this thread (the lab page runs sweepSeed in Web Workers instead). */
export function sweep(opts = {}) {
  const inits = opts.inits ?? SWEEP.combos;
  const seeds = opts.seeds ?? SWEEP.seeds;
  const given = ["lr", "epochs", "every", "batch", "hidden"].filter((k) => opts[k] !== undefined);
  const settings = sweepOptions(Object.fromEntries(given.map((k) => [k, opts[k]])));
  const perSeed = seeds.map((seed) => sweepSeed(seed, inits, settings));
  const valR2 = inits.map((_, c) => perSeed.map((r) => r[c]));
  return sweepResult(inits, seeds, valR2, opts.threshold ?? SWEEP.threshold);
}
