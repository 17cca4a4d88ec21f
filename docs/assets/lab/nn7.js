// nn7.js: the chapter's 1-n-1 network in the browser, a mirror of the Python package nn7.
//
// Formulas 7.4.1–7.4.11 as in nn7.network (one per line, numbered), the book's data pipeline
// as in nn7.data, initialisations as in nn7.inits, mini-batch SGD as in nn7.train.fit, the
// single-sample traces as in nn7.trace and the initialisation sweep as in nn7.sweep. Random
// numbers come from random.js (NumPy's SeedSequence → PCG64 streams, bit for bit) and numbers
// are printed by npformat.js (Python's and NumPy's formatting), so `train` returns what
// `python -m nn7 train --json` prints and `formatLog` the lines it prints without --json.
// tests/test_lab_engine.py holds the two equal (parameters within 1e-9) for many runs.
//
//   train(opts)        → {init, seed, settings, final, params, history}   (nn7 train --json)
//   createTrainer(opts)→ a run that advances epoch by epoch (for a page that must not freeze)
//   formatLog(result, accuracy) → the log lines                          (nn7 train)
//   trace(opts)        → the steps of nn7 trace --json;  formatTrace(steps) → nn7 trace
//   sweep(opts)        → per initialisation the median and lowest validation R² (nn7.sweep)
//
// opts use the command line's option names: init, seed, lr, epochs, batchSize, every, hidden.

import { DEFINITIONS, SAMPLES } from "./book.js";
import { arrayLine, pyFixed, pyG, pyRepr } from "./npformat.js";
import { streams } from "./random.js";

export { DEFINITIONS };
export const PARAM_NAMES = ["W1", "B1", "W2", "B2"];
const KINDS = DEFINITIONS.kinds; // zeros, ones, normal
const TRACE_PRECISION = 4; // the text's traces print 4 decimals

// ================================================================ errors

/** A problem with the user's input: the message is one line, as nn7 prints it. */
export class Nn7Error extends Error {
  constructor(message) {
    super(message);
    this.name = "Nn7Error";
  }
}

/** Training produced a non-finite loss or parameter. */
export class DivergenceError extends Nn7Error {
  constructor(message, iteration, epoch) {
    super(message);
    this.name = "DivergenceError";
    this.iteration = iteration;
    this.epoch = epoch;
  }
}

// ================================================================ initialisations (nn7.inits)

const SHORT = DEFINITIONS.shortKinds; // "0" → zeros, "1" → ones, "n" → normal

/** A preset name or NAME=KIND pairs → {W1, B1, W2, B2} (kinds), as nn7.inits.InitSpec.parse. */
export function parseInit(text) {
  text = String(text).trim();
  const presets = DEFINITIONS.presets;
  const preset = Object.keys(presets).find((p) => p.toLowerCase() === text.toLowerCase());
  if (preset !== undefined) text = presets[preset];
  const valid = `use a preset (${Object.keys(presets).join(", ")}) or NAME=KIND pairs such as ` +
    `W1=normal,B2=ones with NAME in ${PARAM_NAMES.join("/")} and KIND in ${KINDS.join("/")} (or 0/1/n)`;
  if (!text.includes("=")) throw new Nn7Error(`unknown initialisation ${pyStr(text)}: ${valid}`);
  const spec = { W1: "zeros", B1: "zeros", W2: "zeros", B2: "zeros" };
  const seen = new Set();
  for (const part of text.split(",")) {
    const at = part.indexOf("=");
    const rawName = (at < 0 ? part : part.slice(0, at)).trim();
    const name = PARAM_NAMES.find((n) => n.toLowerCase() === rawName.toLowerCase());
    if (at < 0 || name === undefined) throw new Nn7Error(`bad initialisation item ${pyStr(part.trim())}: ${valid}`);
    let kind = part.slice(at + 1).trim().toLowerCase();
    kind = SHORT[kind] ?? kind;
    if (!KINDS.includes(kind)) throw new Nn7Error(`unknown initialisation ${pyStr(kind)} for ${name}: ${valid}`);
    if (seen.has(name)) throw new Nn7Error(`${name} is given twice in initialisation ${pyStr(text)}`);
    seen.add(name);
    spec[name] = kind;
  }
  return spec;
}

/** The canonical spec string, as str(InitSpec): "W1=normal,B1=zeros,W2=zeros,B2=zeros". */
export function initString(spec) {
  return PARAM_NAMES.map((n) => `${n}=${spec[n]}`).join(",");
}

function pyStr(s) {
  // Python's repr of a str, for messages (the common cases: no quotes inside).
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/'/g, "\\'")}'`;
}

/**
 * The initial W1 (1,n), B1 (1,n), W2 (n,1), B2 (1,1) as flat Float64Arrays, drawn from the
 * run's init stream in the order W1, B1, W2, B2 (nn7.inits.make_params).
 */
export function makeParams(spec, initRng, numHidden) {
  const sizes = { W1: numHidden, B1: numHidden, W2: numHidden, B2: 1 };
  const p = {};
  for (const name of PARAM_NAMES) {
    const kind = spec[name];
    if (kind === "zeros") p[name] = new Float64Array(sizes[name]);
    else if (kind === "ones") p[name] = new Float64Array(sizes[name]).fill(1);
    else p[name] = Float64Array.from(initRng.normal(sizes[name]));
  }
  return p;
}

function copyParams(p) {
  return { W1: p.W1.slice(), B1: p.B1.slice(), W2: p.W2.slice(), B2: p.B2.slice() };
}

/** Flat parameters as nested arrays, the shapes nn7 prints: W1 [[…]], W2 [[w], [w]], … */
export function nestedParams(p) {
  return {
    W1: [Array.from(p.W1)],
    B1: [Array.from(p.B1)],
    W2: Array.from(p.W2, (w) => [w]),
    B2: [[p.B2[0]]],
  };
}

// ================================================================ settings (nn7.train.TrainSettings)

const BOOK = DEFINITIONS.bookSettings;

/** Validated settings with nn7's names; errors name the command-line option. */
export function settingsOf(opts = {}) {
  const s = {
    lr: opts.lr ?? BOOK.lr,
    epochs: opts.epochs ?? BOOK.epochs,
    batch_size: opts.batchSize ?? BOOK.batch_size,
    every: opts.every ?? BOOK.every,
    num_hidden: opts.hidden ?? BOOK.num_hidden,
  };
  const checks = [["lr", "--lr", "a learning rate"], ["epochs", "--epochs", "a number of epochs"],
    ["batch_size", "--batch-size", "a batch size"], ["every", "--every", "a checkpoint interval"],
    ["num_hidden", "--hidden", "a number of hidden units"]];
  for (const [key, option, what] of checks) {
    const v = s[key];
    if (!(typeof v === "number" && Number.isFinite(v) && v > 0)) {
      throw new Nn7Error(`${option} must be > 0 (${what}), got ${key === "lr" ? pyRepr(Number(v)) : v}`);
    }
  }
  for (const [key, option] of checks.slice(1)) {
    if (!Number.isInteger(s[key])) throw new Nn7Error(`${option} must be a whole number, got ${s[key]}`);
  }
  return s;
}

function seedOf(opts) {
  const seed = opts.seed ?? DEFINITIONS.chapterSeed;
  if (!Number.isInteger(seed) || seed < 0) throw new Nn7Error(`--seed must be >= 0, got ${seed}`);
  return seed;
}

// ================================================================ data (nn7.data)

const N_SAMPLES = SAMPLES.length;
export const N_TRAIN = Math.floor(N_SAMPLES * DEFINITIONS.trainFraction); // 800: the first 80 % train

/** Column-wise min-max scaling to [0, 1] over the whole file (nn7.data.MinMaxScaler). */
class Scaler {
  constructor(values) {
    this.low = Math.min(...values);
    this.high = Math.max(...values);
  }

  scale(v) {
    return (v - this.low) / (this.high - this.low);
  }

  unscale(v) {
    return v * (this.high - this.low) + this.low;
  }
}

export const X_SCALER = new Scaler(SAMPLES.map((s) => s[0]));
export const Y_SCALER = new Scaler(SAMPLES.map((s) => s[1]));
const SCALED_X = Float64Array.from(SAMPLES, (s) => X_SCALER.scale(s[0]));
const SCALED_Y = Float64Array.from(SAMPLES, (s) => Y_SCALER.scale(s[1]));

/**
 * The book's data as nn7.data.DataLoader prepares it with the run's data stream: scaled,
 * shuffled once, the first 80 % for training; `epochOrder()` is one reshuffle of the
 * training set (a permutation drawn from the same stream).
 */
export class Loader {
  constructor(dataRng) {
    this.rng = dataRng;
    const order = dataRng.permutation(N_SAMPLES); // shuffle once
    const x = Float64Array.from(order, (k) => SCALED_X[k]);
    const y = Float64Array.from(order, (k) => SCALED_Y[k]);
    this.trainX = x.slice(0, N_TRAIN);
    this.trainY = y.slice(0, N_TRAIN);
    this.valX = x.slice(N_TRAIN);
    this.valY = y.slice(N_TRAIN);
    this.trainVar = variance(this.trainY);
    this.valVar = variance(this.valY);
  }

  epochOrder() {
    return this.rng.permutation(N_TRAIN);
  }
}

// NumPy's pairwise summation of a contiguous float64 array (blocks of 8 partial sums up to
// 128 numbers, halves above), so that var(y) is NumPy's to the last bit.
function pairwiseSum(a, start, n) {
  if (n < 8) {
    let s = -0.0;
    for (let i = 0; i < n; i++) s += a[start + i];
    return s;
  }
  if (n <= 128) {
    const r = [a[start], a[start + 1], a[start + 2], a[start + 3], a[start + 4], a[start + 5], a[start + 6], a[start + 7]];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
    }
    let s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) s += a[start + i];
    return s;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** np.var(a): the mean of squared deviations from the mean, with NumPy's summation. */
export function variance(a) {
  const mean = pairwiseSum(a, 0, a.length) / a.length;
  const sq = Float64Array.from(a, (v) => (v - mean) * (v - mean));
  return pairwiseSum(sq, 0, sq.length) / sq.length;
}

// ================================================================ tanh

// tanh(a + b) = Σₖ tanh⁽ᵏ⁾(a)/k!·bᵏ, with a on a grid of step 1/256 (a table made once, from
// Math.tanh) and |b| ≤ 1/512, to degree 6: within 4 ulps of Math.tanh (and of NumPy's tanh),
// and about three times faster, which the in-browser sweep needs. The k-th derivative is a
// polynomial in t = tanh(a): p₀ = t, pₖ₊₁ = pₖ′(t)·(1 − t²).
const TANH_STEPS = 256, TANH_LIMIT = 20, TANH_DEG = 6; // beyond 20, tanh is ±1 in double precision
const TANH_STRIDE = 8; // coefficients per grid point (7 used), a power of two for the index
const TANH_TABLE = (() => {
  const polys = [[0, 1]];
  for (let k = 0; k < TANH_DEG; k++) {
    const d = polys[k].slice(1).map((c, i) => c * (i + 1));
    const q = new Array(d.length + 2).fill(0);
    d.forEach((c, i) => { q[i] += c; q[i + 2] -= c; });
    polys.push(q);
  }
  const points = TANH_LIMIT * TANH_STEPS + 1;
  const table = new Float64Array(points * TANH_STRIDE);
  for (let i = 0; i < points; i++) {
    const t = Math.tanh(i / TANH_STEPS);
    let factorial = 1;
    for (let k = 0; k <= TANH_DEG; k++) {
      if (k > 0) factorial *= k;
      let v = 0;
      for (let j = polys[k].length - 1; j >= 0; j--) v = v * t + polys[k][j];
      table[i * TANH_STRIDE + k] = v / factorial;
    }
  }
  return table;
})();

export function tanh(x) {
  const ax = Math.abs(x);
  if (!(ax < TANH_LIMIT)) return ax === ax ? (x > 0 ? 1 : -1) : x; // NaN stays NaN
  const i = (ax * TANH_STEPS + 0.5) | 0; // the nearest grid point
  const b = ax - i * (1 / TANH_STEPS); // exact: a power of two times a small integer
  const c = TANH_TABLE, o = i * TANH_STRIDE;
  const t = c[o] + b * (c[o + 1] + b * (c[o + 2] + b * (c[o + 3] + b * (c[o + 4] + b * (c[o + 5] + b * c[o + 6])))));
  return x < 0 ? -t : t;
}

// ================================================================ the network (nn7.network)

// The readable formulas, one sample or a batch of rows; the trace uses them. Shapes:
// X (m,1), W1 (1,n), B1 (1,n), W2 (n,1), B2 (1,1); arrays are nested [[…]] rows.

function matmul(A, B) {
  return A.map((row) => B[0].map((_, j) => row.reduce((s, a, k) => s + a * B[k][j], 0)));
}
const transpose = (A) => A[0].map((_, j) => A.map((row) => row[j]));
const add = (A, B) => A.map((row, i) => row.map((a, j) => a + B[B.length === 1 ? 0 : i][j]));
const sub = (A, B) => A.map((row, i) => row.map((a, j) => a - B[i][j]));
const mul = (A, B) => A.map((row, i) => row.map((a, j) => a * B[i][j]));
const scale = (A, c) => A.map((row) => row.map((a) => a * c));
const mapEach = (A, f) => A.map((row) => row.map(f));
const meanRows = (A) => [A[0].map((_, j) => A.reduce((s, row) => s + row[j], 0) / A.length)];

export function forward(p, X) {
  const Z1 = add(matmul(X, p.W1), p.B1); // (7.4.1) Z1 = X·W1 + B1
  const A1 = mapEach(Z1, tanh); // (7.4.2) A1 = tanh(Z1)
  const Z2 = add(matmul(A1, p.W2), p.B2); // (7.4.3) Z2 = A1·W2 + B2
  return { Z1, A1, Z2 };
}

export function loss(Z2, Y) {
  return Z2.reduce((s, row, i) => s + (row[0] - Y[i][0]) ** 2, 0) / Z2.length / 2; // (7.4.4)
}

export function backward(p, X, Y, f) {
  const m = X.length;
  const dZ2 = sub(f.Z2, Y); // (7.4.5) dZ2 = Z2 − Y
  const dW2 = scale(matmul(transpose(f.A1), dZ2), 1 / m); // (7.4.6) dW2 = A1ᵀ·dZ2 / m
  const dB2 = meanRows(dZ2); // (7.4.7) dB2 = mean(dZ2)
  const dA1 = matmul(dZ2, transpose(p.W2)); // (7.4.8) dA1 = dZ2·W2ᵀ, W2 before the update
  const dZ1 = mul(dA1, mapEach(f.A1, (a) => 1 - a ** 2)); // (7.4.9) dZ1 = dA1 ⊙ (1 − A1²)
  const dW1 = scale(matmul(transpose(X), dZ1), 1 / m); // (7.4.10) dW1 = Xᵀ·dZ1 / m
  const dB1 = meanRows(dZ1); // (7.4.11) dB1 = mean(dZ1)
  return { dZ2, dW2, dB2, dA1, dZ1, dW1, dB1 };
}

export function update(p, g, lr) {
  // Plain SGD, P ← P − lr·dP, into new arrays.
  return {
    W1: sub(p.W1, scale(g.dW1, lr)), B1: sub(p.B1, scale(g.dB1, lr)),
    W2: sub(p.W2, scale(g.dW2, lr)), B2: sub(p.B2, scale(g.dB2, lr)),
  };
}

// ================================================================ training (nn7.train.fit)

/**
 * One SGD step of the flat parameters on rows [start, start+m) of (xs, ys): formulas
 * 7.4.1–7.4.11 for d = 1 input, fused into one pass over the batch (as nn7.train's fast
 * step: sums over the batch first, then the update P ← P − (lr/m)·ΣdP).
 */
function sgdStep(P, G, xs, ys, start, m, lr, n) {
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
function setLoss(P, xs, ys, n) {
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

const allFinite = (P) => PARAM_NAMES.every((k) => P[k].every(Number.isFinite));

/** Accuracy from a loss: R² = 1 − 2·loss/var(y), or the printed book's 1 − loss/var(y). */
export function accuracy(lossValue, varY, kind = "r2") {
  if (kind === "r2") return 1 - 2 * lossValue / varY;
  if (kind === "book") return 1 - lossValue / varY;
  throw new Nn7Error(`unknown accuracy '${kind}'; choose from r2, book`);
}

/**
 * A training run that advances epoch by epoch: `runEpochs(k)` trains up to k more epochs and
 * returns the checkpoints made; `done`; `result()` is nn7's `train --json` object. Options as
 * the command line's (init, seed, lr, epochs, batchSize, every, hidden).
 */
export function createTrainer(opts = {}) {
  const spec = parseInit(opts.init ?? "case3");
  const settings = settingsOf(opts);
  const seed = seedOf(opts);
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
  let epoch = 0;

  function step(start) {
    sgdStep(P, G, xe, ye, start, Math.min(bs, N - start), settings.lr, n);
  }

  function diverged(startOfEpoch) {
    // Replay the epoch step by step to name the first iteration whose update is not finite.
    Object.assign(P, copyParams(startOfEpoch));
    for (let k = 0, start = 0; start < N; k++, start += bs) {
      step(start);
      if (!allFinite(P)) {
        const it = epoch * stepsPerEpoch + k + 1;
        return new DivergenceError(`training diverged at iteration ${it} (epoch ${epoch}): the parameters ` +
          `overflowed to inf/NaN with --lr ${pyG(settings.lr)}; try a smaller learning rate`, it, epoch);
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
        for (const k of PARAM_NAMES) startOfEpoch[k].set(P[k]);
        for (let start = 0; start < N; start += bs) step(start); // consecutive batches; the last may be short
        if (!allFinite(P)) throw diverged(startOfEpoch);
        if ((epoch + 1) % settings.every === 0 || epoch === settings.epochs - 1) {
          const cp = {
            epoch, iteration: (epoch + 1) * stepsPerEpoch,
            train_loss: setLoss(P, loader.trainX, loader.trainY, n),
            val_loss: setLoss(P, loader.valX, loader.valY, n),
            train_var: loader.trainVar, val_var: loader.valVar,
          };
          for (const key of ["epoch", "iteration", "train_loss", "val_loss"]) history[key].push(cp[key]);
          made.push(cp);
        }
      }
      if (trainer.done) {
        const last = history.iteration.length - 1;
        if (!(Number.isFinite(history.train_loss[last]) && Number.isFinite(history.val_loss[last]))) {
          throw new DivergenceError(`training diverged: the loss overflowed after iteration ${history.iteration[last]} ` +
            `(--lr ${pyG(settings.lr)}); try a smaller learning rate`, history.iteration[last], history.epoch[last]);
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
        init: initString(spec), seed, settings: { ...settings },
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
 * Train with nn7's settings and return what `python -m nn7 train --json` prints (plus
 * history.epoch and vars, which formatLog uses). `opts.onCheckpoint(cp)` sees each checkpoint.
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

/** The book's log line of one checkpoint (nn7.train.Checkpoint.log_line). */
export function logLine(epoch, iteration, trainLoss, trainAcc, valLoss, valAcc) {
  return `轮数 ${epoch}, 迭代 ${iteration}, 训练集: loss ${pyFixed(trainLoss, 6)}, accu ${pyFixed(trainAcc, 4)}, ` +
    `验证集: loss ${pyFixed(valLoss, 6)}, accu ${pyFixed(valAcc, 4)}`;
}

/** `W1 = [[…]]` … as the log ends (nn7.train.param_lines). */
export function paramLines(params) {
  return PARAM_NAMES.map((name) => `${name} = ${arrayLine(params[name])}`);
}

/** The lines `python -m nn7 train` prints: one per checkpoint, then the parameters. */
export function formatLog(result, kind = "r2") {
  const h = result.history;
  const lines = h.iteration.map((it, i) => logLine(h.epoch[i], it,
    h.train_loss[i], accuracy(h.train_loss[i], result.vars.train, kind),
    h.val_loss[i], accuracy(h.val_loss[i], result.vars.val, kind)));
  return [...lines, ...paramLines(result.params)];
}

// ================================================================ traces (nn7.trace)

/**
 * Single-sample SGD steps with every intermediate, as `python -m nn7 trace --json`:
 * opts.init, opts.lr (default 0.1), and either opts.samples ([[x, y], …] in original units)
 * or opts.steps (default 2) samples drawn from the book data with opts.seed.
 */
export function trace(opts = {}) {
  const spec = parseInit(opts.init ?? "case2");
  const lr = opts.lr ?? 0.1;
  if (!(typeof lr === "number" && Number.isFinite(lr) && lr > 0)) {
    throw new Nn7Error(`--lr must be > 0 (a learning rate), got ${pyRepr(Number(lr))}`);
  }
  const rng = streams(seedOf(opts));
  let raw = opts.samples;
  if (!raw || raw.length === 0) {
    const steps = opts.steps ?? 2;
    if (!Number.isInteger(steps) || steps <= 0) throw new Nn7Error(`--steps must be > 0, got ${steps}`);
    raw = Array.from(rng.data.integers(0, N_SAMPLES, steps), (k) => SAMPLES[k]);
  }
  const flat = makeParams(spec, rng.init, opts.hidden ?? BOOK.num_hidden);
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
  return [`----迭代 ${step.iteration}----`, "前向: " + row(head[0], hw), "反向: " + row(head[1], hw),
    pad + rule, ...body.map((l) => pad + l)].join("\n") + "\n";
}

export function formatTrace(steps) {
  return steps.map(formatStep).join("");
}

// ================================================================ the sweep (nn7.sweep)

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
 * final validation R². `onEpoch(epoch)` reports progress. Each run equals its own `train`.
 */
export function sweepSeed(seed, inits, opts = {}) {
  const settings = settingsOf(opts);
  const n = settings.num_hidden;
  const dataRng = streams(seed).data;
  const loader = new Loader(dataRng);
  const nets = inits.map((init) => {
    const P = makeParams(parseInit(init), streams(seed).init, n);
    return { P, G: { W1: new Float64Array(n), B1: new Float64Array(n), W2: new Float64Array(n), A: new Float64Array(n) } };
  });
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
 * The sweep from per-seed results: for every initialisation its median and lowest validation
 * R², its class, and whether it trains (median above the threshold); plus nn7.sweep's summary.
 * `valR2[c][k]` is initialisation c with the k-th seed.
 */
export function sweepResult(inits, seeds, valR2, threshold = DEFINITIONS.sweep.threshold) {
  const rows = inits.map((init, c) => {
    const runs = valR2[c];
    const med = median(runs);
    return { init, class: classify(init), median: med, lowest: Math.min(...runs), trains: med > threshold, runs };
  });
  const summary = {};
  for (const name of ["dead", "symmetric", "broken"]) {
    const sel = rows.filter((r) => r.class === name);
    const runs = sel.flatMap((r) => r.runs);
    summary[name] = {
      combos: sel.length, combos_training: sel.filter((r) => r.trains).length,
      runs: runs.length, runs_training: runs.filter((v) => v > threshold).length,
      r2_min: Math.min(...runs), r2_median: median(runs), r2_max: Math.max(...runs),
    };
  }
  const conditionHolds = rows.every((r) => r.trains === (r.class === "broken"));
  return { inits, seeds, threshold, rows, summary, condition_holds: conditionHolds };
}

/** The whole sweep in this thread (the lab page runs sweepSeed in Web Workers instead). */
export function sweep(opts = {}) {
  const def = DEFINITIONS.sweep;
  const inits = opts.inits ?? def.combos;
  const seeds = opts.seeds ?? def.seeds;
  const settings = { lr: def.settings.lr, epochs: def.settings.epochs, batchSize: def.settings.batch_size,
    every: def.settings.every, hidden: def.settings.num_hidden, ...opts };
  const perSeed = seeds.map((seed) => sweepSeed(seed, inits, settings));
  const valR2 = inits.map((_, c) => perSeed.map((r) => r[c]));
  return sweepResult(inits, seeds, valR2, opts.threshold ?? def.threshold);
}
