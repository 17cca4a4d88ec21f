// A training run of the page and its loop.
//
// Run: the engine's trainer (nn7/train.js) and what the charts need from it, kept as it goes:
// the loss and R² at each checkpoint (with their ranges), each hidden unit's W1, B1, W2 after
// each epoch (thinned by halves beyond MAX_POINTS), and whether the units are equal.
//
// createLoop: trains a run in slices of at most SLICE_MS on the main thread (a task stays far
// below the 50 ms of a "long task"), no faster than the chosen animation speed, scheduled with
// setTimeout; start / pause / stop, and callbacks when it progressed, finished or failed.

import { createTrainer } from "../nn7/train.js";
import { X_SCALER, Y_SCALER } from "../nn7/data.js";
import { accuracy } from "../nn7/metrics.js";

const MAX_POINTS = 2048; // per-unit history kept for the charts
const SLICE_MS = 12;
export const UNIT_PARAMS = ["W1", "B1", "W2"]; // one entry per hidden unit

export class Run {
  constructor(opts) {
    this.opts = opts;
    this.trainer = createTrainer(opts);
    this.units = this.trainer.settings.num_hidden;
    this.history = { epoch: [] };
    for (const p of UNIT_PARAMS) this.history[p] = Array.from({ length: this.units }, () => []);
    this.stride = 1;
    this.lastCheckpoint = null;
    this.curves = { it: [], tl: [], vl: [], tr: [], vr: [], lossLo: Infinity, lossHi: -Infinity, r2Lo: 0 };
    const loader = this.trainer.loader;
    this.samples = { x: Array.from(loader.trainX, (v) => X_SCALER.unscale(v)), y: Array.from(loader.trainY, (v) => Y_SCALER.unscale(v)) };
    this.firstSplit = null; // the epoch after which the units first differed
    this.record();
    this.equalAtStart = this.distinct === 1;
  }

  get epochs() {
    return this.trainer.settings.epochs;
  }

  get iterationsTotal() {
    return this.epochs * Math.ceil(this.trainer.loader.trainX.length / this.trainer.settings.batch_size);
  }

  /** Train one epoch; its checkpoint (if one was made) into the curves. Throws the engine's errors. */
  advance() {
    for (const cp of this.trainer.runEpochs(1)) this.addCheckpoint(cp);
    this.record();
  }

  addCheckpoint(cp) {
    this.lastCheckpoint = cp;
    const curves = this.curves, r2 = this.accuracies(cp);
    curves.it.push(cp.iteration);
    curves.tl.push(cp.train_loss);
    curves.vl.push(cp.val_loss);
    curves.tr.push(r2.train);
    curves.vr.push(r2.val);
    for (const loss of [cp.train_loss, cp.val_loss]) {
      if (loss > 0 && Number.isFinite(loss)) {
        curves.lossLo = Math.min(curves.lossLo, loss);
        curves.lossHi = Math.max(curves.lossHi, loss);
      }
    }
    for (const v of [r2.train, r2.val]) if (Number.isFinite(v)) curves.r2Lo = Math.min(curves.r2Lo, v);
  }

  accuracies(cp) {
    return { train: accuracy(cp.train_loss, cp.train_var), val: accuracy(cp.val_loss, cp.val_var) };
  }

  /** The parameters after the epochs so far, into the per-unit history. */
  record() {
    this.current = this.trainer.params();
    this.epoch = this.trainer.epoch;
    const now = this.current;
    this.distinct = new Set(Array.from({ length: this.units }, (_, j) => `${now.W1[j]} ${now.B1[j]} ${now.W2[j]}`)).size;
    this.dead = UNIT_PARAMS.every((p) => now[p].every((v) => v === 0));
    if (this.distinct > 1 && this.firstSplit === null) this.firstSplit = this.epoch;
    if (this.epoch % this.stride !== 0) return;
    const history = this.history;
    history.epoch.push(this.epoch);
    for (const p of UNIT_PARAMS) for (let j = 0; j < this.units; j++) history[p][j].push(now[p][j]);
    if (history.epoch.length > MAX_POINTS) { // keep every other point
      this.stride *= 2;
      const keep = history.epoch.map((e) => e % this.stride === 0);
      history.epoch = history.epoch.filter((_, i) => keep[i]);
      for (const p of UNIT_PARAMS) history[p] = history[p].map((line) => line.filter((_, i) => keep[i]));
    }
  }
}

/**
 * The loop that trains `run()` (the current Run) while started. `rate()`: epochs per second
 * (Infinity: as fast as possible). Callbacks: onProgress(), onDone(), onError(err).
 */
export function createLoop({ run, rate, onProgress, onDone, onError }) {
  let generation = 0; // a slice scheduled before a pause or a new run does nothing
  let rateStart = 0, rateDone = 0;

  function schedule(delay) {
    const scheduled = generation;
    setTimeout(() => {
      if (scheduled === generation) slice();
    }, delay);
  }

  function slice() {
    const current = run(), t0 = performance.now(), perSecond = rate();
    const quota = perSecond === Infinity ? Infinity : Math.floor(((t0 - rateStart) / 1000) * perSecond) + 1 - rateDone;
    let done = 0;
    try {
      while (!current.trainer.done && done < quota) {
        current.advance();
        done++;
        if (performance.now() - t0 > SLICE_MS) break;
      }
    } catch (err) {
      generation++;
      onError(err);
      return;
    }
    rateDone += done;
    if (current.trainer.done) {
      generation++;
      onDone();
      return;
    }
    onProgress();
    schedule(done < quota ? 0 : Math.max(4, 1000 / perSecond));
  }

  return {
    start() {
      generation++;
      this.restartRate();
      schedule(0);
    },
    stop() {
      generation++;
    },
    /** The speed changed: count the quota from now. */
    restartRate() {
      rateStart = performance.now();
      rateDone = 0;
    },
  };
}
