// sweep-worker.js: a module Web Worker of the lab page (lab.js) for the initialisation sweep.
//
// Each message is one task: {id, seed, inits, opts}; the worker trains every initialisation in
// `inits` with that seed (nn7.js sweepSeed, the same numbers as nn7.sweep) and answers
//   {type: "progress", id, epochs}  at most every PROGRESS_MS, and after the last epoch,
//   {type: "done", id, valR2}       the final validation R² of each initialisation, or
//   {type: "error", id, message}    the engine's message (e.g. a learning rate that diverges).
// Cancelling is the page's worker.terminate().

import { Nn7Error, sweepSeed } from "./nn7.js";

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
    const valR2 = sweepSeed(seed, inits, { ...opts, onEpoch });
    self.postMessage({ type: "done", id, valR2 });
  } catch (err) {
    self.postMessage({ type: "error", id, message: err instanceof Nn7Error ? err.message : String(err) });
  }
};
