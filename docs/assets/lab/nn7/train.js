// nn7.train: mini-batch SGD with checkpoints and the book's log, the same arithmetic as
// nn7.train.fit (tested equal, run for run, and against nn7.reference's plain loop):
//
//   createTrainer(opts) a run that advances epoch by epoch (for a page that must not freeze)
//   train(opts)         → what `python -m nn7 train --json` prints (plus history.epoch, vars)
//   formatLog(result, accuracy) → the lines `python -m nn7 train` prints
//
// opts are named as the table of settings names them: init, seed, lr, epochs, batch, every,
// hidden (nn7.experiments.SETTINGS; the book's values by default).

import { REGISTRY } from "../generated/registry.js";
import { arrayLine, pyFixed, pyG } from "../numpy/printing.js";
import { N_TRAIN, X_SCALER, Y_SCALER, Loader } from "./data.js";
import { DivergenceError } from "./errors.js";
import { initString, makeParams, parseInit } from "./inits.js";
import { accuracy } from "./metrics.js";
import { allFinite, copyParams, nestedParams, PARAM_NAMES } from "./params.js";
import { streams } from "./rng.js";
import { checkOptions, checkSetting, parseSetting, setting, trainSettings } from "./settings.js";
import { tanh } from "./tanh.js";

/** The word before each accuracy in a log line (nn7.train.ACCURACY_LABELS). */
export const ACCURACY_LABELS = { r2: "R²", book: "accu" };

/** A run's seed: a non-negative integer of any size (a Number, a BigInt or its digits), as --seed. */
export function seedOf(seed = setting("train", "seed").default) {
  const row = setting("train", "seed");
  return typeof seed === "string" ? parseSetting(row, seed) : checkSetting(row, seed);
}

/**
 * One SGD step of the flat parameters on rows [start, start+m) of (xs, ys): formulas
 * 7.4.1–7.4.11 for d = 1 input, fused into one pass over the batch (as nn7.train's fast
 * step: sums over the batch first, then the update P ← P − (lr/m)·ΣdP).
 */
export function sgdStep(P, G, xs, ys, start, m, lr, n) {
  if (n === 2) return sgdStep2(P, G, xs, ys, start, m, lr);
  const { W1, B1, W2, B2 } = P;
  const gW1 = G.W1, gB1 = G.B1, gW2 = G.W2;
  gW1.fill(0);
  gB1.fill(0);
  gW2.fill(0);
  let gB2 = 0;
  const a = G.A;
  for (let s = start; s < start + m; s++) {
    const x = xs[s];
    let z2 = 0;
    for (let j = 0; j < n; j++) {
      const aj = tanh(x * W1[j] + B1[j]); // (7.4.1) z1 = x·w1 + b1, (7.4.2) a1 = tanh(z1)
      a[j] = aj;
      z2 += aj * W2[j]; // (7.4.3) z2 = a1·W2 …
    }
    z2 += B2[0]; // (7.4.3) … + B2
    const dz2 = z2 - ys[s]; // (7.4.5) dZ2 = Z2 − Y
    gB2 += dz2; // (7.4.7) m·dB2 = Σ dZ2
    for (let j = 0; j < n; j++) {
      gW2[j] += a[j] * dz2; // (7.4.6) m·dW2 = A1ᵀ·dZ2
      const dz1 = dz2 * W2[j] * (1 - a[j] * a[j]); // (7.4.8) dA1 = dZ2·W2ᵀ; (7.4.9) dZ1 = dA1 ⊙ (1 − A1²)
      gW1[j] += x * dz1; // (7.4.10) m·dW1 = Xᵀ·dZ1
      gB1[j] += dz1; // (7.4.11) m·dB1 = Σ dZ1
    }
  }
  const lrM = lr / m; // the sums above are m times the means
  for (let j = 0; j < n; j++) {
    W1[j] -= gW1[j] * lrM; // P ← P − lr·dP
    B1[j] -= gB1[j] * lrM;
    W2[j] -= gW2[j] * lrM;
  }
  B2[0] -= gB2 * lrM;
}

// The same step for n = 2 hidden units (the book's network), the parameters held in local
// variables: the same operations in the same order, so the same bits, about twice as fast.
function sgdStep2(P, G, xs, ys, start, m, lr) {
  const W1 = P.W1, B1 = P.B1, W2 = P.W2, B2 = P.B2;
  const w10 = W1[0], w11 = W1[1], b10 = B1[0], b11 = B1[1], w20 = W2[0], w21 = W2[1], b2 = B2[0];
  let gw10 = 0, gw11 = 0, gb10 = 0, gb11 = 0, gw20 = 0, gw21 = 0, gb2 = 0;
  for (let s = start, end = start + m; s < end; s++) {
    const x = xs[s];
    const a0 = tanh(x * w10 + b10), a1 = tanh(x * w11 + b11); // (7.4.1), (7.4.2)
    const dz2 = (a0 * w20 + a1 * w21 + b2) - ys[s]; // (7.4.3) Z2 = A1·W2 + B2; (7.4.5) dZ2 = Z2 − Y
    gb2 += dz2; // (7.4.7)
    gw20 += a0 * dz2; // (7.4.6)
    gw21 += a1 * dz2;
    const dz10 = dz2 * w20 * (1 - a0 * a0), dz11 = dz2 * w21 * (1 - a1 * a1); // (7.4.8), (7.4.9)
    gw10 += x * dz10; // (7.4.10)
    gw11 += x * dz11;
    gb10 += dz10; // (7.4.11)
    gb11 += dz11;
  }
  const lrM = lr / m;
  W1[0] = w10 - gw10 * lrM; // P ← P − lr·dP
  W1[1] = w11 - gw11 * lrM;
  B1[0] = b10 - gb10 * lrM;
  B1[1] = b11 - gb11 * lrM;
  W2[0] = w20 - gw20 * lrM;
  W2[1] = w21 - gw21 * lrM;
  B2[0] = b2 - gb2 * lrM;
}

/** The loss (7.4.4) of the parameters on (xs, ys): mean((Z2 − Y)²)/2. */
export function setLoss(P, xs, ys, n) {
  const { W1, B1, W2, B2 } = P;
  let sum = 0;
  if (n === 2) {
    const w10 = W1[0], w11 = W1[1], b10 = B1[0], b11 = B1[1], w20 = W2[0], w21 = W2[1], b2 = B2[0];
    for (let s = 0; s < xs.length; s++) {
      const x = xs[s];
      const e = (tanh(x * w10 + b10) * w20 + tanh(x * w11 + b11) * w21 + b2) - ys[s]; // (7.4.1)–(7.4.3)
      sum += e * e;
    }
    return sum / (2 * xs.length); // (7.4.4)
  }
  for (let s = 0; s < xs.length; s++) {
    let z2 = 0;
    for (let j = 0; j < n; j++) z2 += tanh(xs[s] * W1[j] + B1[j]) * W2[j]; // (7.4.1)–(7.4.3)
    const e = z2 + B2[0] - ys[s];
    sum += e * e;
  }
  return sum / (2 * xs.length); // (7.4.4)
}

/**
 * A training run that advances epoch by epoch: `runEpochs(k)` trains up to k more epochs and
 * returns the checkpoints made; `done`; `result()` is nn7's `train --json` object.
 */
export function createTrainer(opts = {}) {
  checkOptions(opts, "train", ["onCheckpoint"]);
  const spec = parseInit(opts.init ?? setting("train", "init").default);
  const settings = trainSettings(opts);
  const seed = seedOf(opts.seed);
  const rng = streams(seed);
  const loader = new Loader(rng.data);
  const n = settings.num_hidden;
  const initial = makeParams(spec, rng.init, n);
  const P = copyParams(initial);
  const G = { W1: new Float64Array(n), B1: new Float64Array(n), W2: new Float64Array(n), A: new Float64Array(n) };
  const N = N_TRAIN, bs = settings.batch_size, stepsPerEpoch = Math.ceil(N / bs);
  const xe = new Float64Array(N), ye = new Float64Array(N);
  const history = { epoch: [], iteration: [], train_loss: [], val_loss: [] };
  const startOfEpoch = copyParams(P);
  const lr = pyG(settings.lr);
  let epoch = 0;

  function step(start) {
    sgdStep(P, G, xe, ye, start, Math.min(bs, N - start), settings.lr, n);
  }

  function diverged() {
    // Replay the epoch step by step to name the first iteration whose update is not finite.
    Object.assign(P, copyParams(startOfEpoch));
    for (let k = 0, start = 0; start < N; k++, start += bs) {
      step(start);
      if (!allFinite(P)) {
        const it = epoch * stepsPerEpoch + k + 1;
        return new DivergenceError(`training diverged at iteration ${it} (epoch ${epoch}): the parameters ` +
          `overflowed to inf/NaN with --lr ${lr}; try a smaller learning rate`, "diverged", it, epoch, settings.lr);
      }
    }
    return new Error("divergence not reproduced");
  }

  const trainer = {
    spec, settings, seed, loader, initial,
    get epoch() { return epoch; },
    get done() { return epoch >= settings.epochs; },
    params: () => copyParams(P),
    history,

    runEpochs(k = Infinity) {
      const made = [];
      const stop = Math.min(settings.epochs, epoch + k);
      for (; epoch < stop; epoch++) {
        const order = loader.epochOrder(); // reshuffle every epoch
        for (let i = 0; i < N; i++) {
          xe[i] = loader.trainX[order[i]];
          ye[i] = loader.trainY[order[i]];
        }
        for (const name of PARAM_NAMES) startOfEpoch[name].set(P[name]);
        for (let start = 0; start < N; start += bs) step(start); // consecutive batches; the last may be short
        if (!allFinite(P)) throw diverged();
        if ((epoch + 1) % settings.every === 0 || epoch === settings.epochs - 1) {
          const checkpoint = {
            epoch, iteration: (epoch + 1) * stepsPerEpoch,
            train_loss: setLoss(P, loader.trainX, loader.trainY, n),
            val_loss: setLoss(P, loader.valX, loader.valY, n),
            train_var: loader.trainVar, val_var: loader.valVar,
          };
          for (const key of ["epoch", "iteration", "train_loss", "val_loss"]) history[key].push(checkpoint[key]);
          made.push(checkpoint);
        }
      }
      if (trainer.done) {
        const last = history.iteration.length - 1;
        if (!(Number.isFinite(history.train_loss[last]) && Number.isFinite(history.val_loss[last]))) {
          throw new DivergenceError(`training diverged: the loss overflowed after iteration ${history.iteration[last]} ` +
            `(--lr ${lr}); try a smaller learning rate`, "diverged-loss", history.iteration[last], history.epoch[last],
          settings.lr);
        }
      }
      return made;
    },

    result() {
      const h = history;
      const acc = (losses, v, kind) => losses.map((l) => accuracy(l, v, kind));
      const last = h.iteration.length - 1;
      const tl = h.train_loss[last], vl = h.val_loss[last];
      const tv = loader.trainVar, vv = loader.valVar;
      return {
        init: initString(spec), seed: typeof seed === "bigint" ? seed.toString() : seed, settings: { ...settings },
        final: {
          train_loss: tl, train_r2: accuracy(tl, tv), val_loss: vl, val_r2: accuracy(vl, vv),
          train_book: accuracy(tl, tv, "book"), val_book: accuracy(vl, vv, "book"),
        },
        params: nestedParams(P),
        history: {
          iteration: [...h.iteration], train_loss: [...h.train_loss], train_r2: acc(h.train_loss, tv, "r2"),
          val_loss: [...h.val_loss], val_r2: acc(h.val_loss, vv, "r2"), epoch: [...h.epoch],
        },
        vars: { train: tv, val: vv },
      };
    },
  };
  return trainer;
}

/**
 * Train and return what `python -m nn7 train --json` prints (plus history.epoch and vars,
 * which formatLog uses; a seed beyond 2**53 as a string of digits). `opts.onCheckpoint(cp)`
 * sees each checkpoint.
 */
export function train(opts = {}) {
  const t = createTrainer(opts);
  while (!t.done) {
    for (const cp of t.runEpochs(1)) opts.onCheckpoint?.(cp);
  }
  return t.result();
}

/**
 * Predictions in original units (房屋均价) for inputs in original units (年), scaled in and
 * un-scaled out, as nn7.train.TrainResult.predict; `params` are flat (trainer.params()).
 */
export function predict(params, xs) {
  const n = params.W1.length;
  return Array.from(xs, (x0) => {
    const x = X_SCALER.scale(x0);
    let z2 = 0;
    for (let j = 0; j < n; j++) z2 += tanh(x * params.W1[j] + params.B1[j]) * params.W2[j]; // (7.4.1)–(7.4.3)
    return Y_SCALER.unscale(z2 + params.B2[0]);
  });
}

/** The book's log line of a checkpoint, the accuracy labelled for what it is (nn7.train.Checkpoint.log_line). */
export function logLine(checkpoint, kind = "r2") {
  const c = checkpoint, label = ACCURACY_LABELS[kind];
  const t = accuracy(c.train_loss, c.train_var, kind), v = accuracy(c.val_loss, c.val_var, kind);
  return `轮数 ${c.epoch}, 迭代 ${c.iteration}, 训练集: loss ${pyFixed(c.train_loss, 6)}, ${label} ${pyFixed(t, 4)}, ` +
    `验证集: loss ${pyFixed(c.val_loss, 6)}, ${label} ${pyFixed(v, 4)}`;
}

/** `W1 = [[…]]` … as the log ends (nn7.train.param_lines). */
export function paramLines(params) {
  return PARAM_NAMES.map((name) => `${name} = ${arrayLine(params[name])}`);
}

/** The lines `python -m nn7 train` prints: one per checkpoint, then the parameters. */
export function formatLog(result, kind = "r2") {
  const h = result.history;
  const lines = h.iteration.map((iteration, i) => logLine({
    epoch: h.epoch[i], iteration, train_loss: h.train_loss[i], val_loss: h.val_loss[i],
    train_var: result.vars.train, val_var: result.vars.val,
  }, kind));
  return [...lines, ...paramLines(result.params)];
}

export { N_TRAIN, REGISTRY };
