// The sweep in Web Workers (sweep-worker.js runs the engine's sweepSeed): the work cut into
// (seed, part of the initialisations) tasks, handed to at most MAX_WORKERS workers as they
// finish, with progress, cancelling and failure. And what the page says about the settings.

import { REGISTRY } from "../generated/registry.js";

const SWEEP = REGISTRY.sweep;
const MAX_WORKERS = 4;

/** The first `count` seeds: the sweep's own, then the next integers. */
export function sweepSeeds(count) {
  const seeds = SWEEP.seeds.slice(0, count);
  while (seeds.length < count) seeds.push(seeds.length ? seeds.at(-1) + 1 : 0);
  return seeds;
}

/** (seed, part of the initialisations) tasks, enough for `workers` to share out evenly. */
export function planTasks(inits, seeds, workers) {
  const parts = Math.min(9, Math.max(1, Math.ceil((4 * workers) / seeds.length)));
  const size = Math.ceil(inits.length / parts);
  const tasks = [];
  seeds.forEach((seed, k) => {
    for (let s = 0; s < inits.length; s += size) tasks.push({ id: tasks.length, k, seed, start: s, inits: inits.slice(s, s + size), epochs: 0 });
  });
  return tasks;
}

/**
 * Where settings fall short of the extension experiment's (fewer seeds or epochs, a smaller
 * learning rate): [{what, given, book}], empty when they do not. With fewer, the conclusion
 * can fail for want of training or of seeds (the median of few seeds is one unlucky seed).
 */
export function shortfalls({ seeds, lr, epochs }) {
  const book = { seeds: SWEEP.seeds.length, lr: SWEEP.settings.lr, epochs: SWEEP.settings.epochs };
  return Object.entries({ seeds, lr, epochs }).filter(([what, given]) => given < book[what])
    .map(([what, given]) => ({ what, given, book: book[what] }));
}

/** Whether the settings are the extension experiment's own (the heatmaps are then the same). */
export const isBookSweep = ({ seeds, lr, epochs }) =>
  seeds === SWEEP.seeds.length && lr === SWEEP.settings.lr && epochs === SWEEP.settings.epochs;

/**
 * Run the sweep of `inits` × `seeds` with the engine's `opts`; callbacks onProgress(fraction,
 * finished, total, workers), onDone(valR2: [init][seed]), onFail(failure: {code, details} of the
 * engine's error, or {code: "worker"}). Returns {workers, cancel()}.
 */
export function runPool({ inits, seeds, opts, workerUrl, onProgress, onDone, onFail }) {
  const workers = Math.max(1, Math.min(MAX_WORKERS, navigator.hardwareConcurrency || 2));
  const tasks = planTasks(inits, seeds, workers), queue = [...tasks];
  const total = tasks.reduce((s, t) => s + t.inits.length, 0) * opts.epochs;
  const valR2 = inits.map(() => new Array(seeds.length));
  const pool = [];
  let finished = 0, over = false;

  const end = () => {
    over = true;
    for (const w of pool) w.terminate();
  };
  const progress = () => onProgress(tasks.reduce((s, t) => s + t.inits.length * t.epochs, 0) / total, finished, tasks.length, pool.length);
  const feed = (worker) => {
    const task = queue.shift();
    if (task) worker.postMessage({ id: task.id, seed: task.seed, inits: task.inits, opts });
  };
  const fail = (failure) => {
    if (over) return;
    end();
    onFail(failure);
  };

  for (let i = 0; i < Math.min(workers, tasks.length); i++) {
    const worker = new Worker(workerUrl, { type: "module" });
    worker.onmessage = ({ data }) => {
      if (over) return;
      const task = tasks[data.id];
      if (data.type === "progress") {
        task.epochs = data.epochs;
      } else if (data.type === "done") {
        task.epochs = opts.epochs;
        data.valR2.forEach((r, j) => { valR2[task.start + j][task.k] = r; });
        if (++finished === tasks.length) {
          end();
          onDone(valR2);
          return;
        }
        feed(worker);
      } else {
        fail({ code: data.code, details: data.details });
        return;
      }
      progress();
    };
    worker.onerror = (ev) => {
      ev.preventDefault(); // reported on the page, in its words
      fail({ code: "worker" });
    };
    worker.onmessageerror = () => fail({ code: "worker" });
    pool.push(worker);
    feed(worker);
  }
  progress();
  return {
    workers: pool.length,
    cancel: () => {
      if (!over) end();
    },
  };
}
