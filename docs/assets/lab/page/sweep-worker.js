// sweep-worker.js: a module Web Worker of the lab page (sweep-pool.js) for the sweep.
//
// Each message is one task: {id, seed, inits, opts}; the worker trains every initialisation in
// `inits` with that seed (the engine's sweepSeed, the same numbers as nn7.sweep) and answers
//   {type: "progress", id, epochs}      at most every PROGRESS_MS, and after the last epoch,
//   {type: "done", id, valR2}           the final validation R² of each initialisation, or
//   {type: "error", id, code, details}  the engine's error in fields (the page words it).
// Cancelling is the page's worker.terminate().

import { Nn7Error } from "../nn7/errors.js";
import { sweepSeed } from "../nn7/sweep.js";

const PROGRESS_MS = 100;

self.onmessage = (event) => {
  const { id, seed, inits, opts } = event.data;
  let last = 0;
  const onEpoch = (epoch) => {
    const now = performance.now();
    if (now - last >= PROGRESS_MS || epoch === opts.epochs - 1) {
      last = now;
      self.postMessage({ type: "progress", id, epochs: epoch + 1 });
    }
  };
  try {
    self.postMessage({ type: "done", id, valR2: sweepSeed(seed, inits, { ...opts, onEpoch }) });
  } catch (err) {
    if (!(err instanceof Nn7Error)) throw err; // a bug: the page's onerror reports the worker failed
    self.postMessage({ type: "error", id, code: err.code, details: err.details });
  }
};
