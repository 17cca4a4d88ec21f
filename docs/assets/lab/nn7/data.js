// nn7.data: the book's data (train7.txt, generated into ../generated/train7.js), scaled to
// [0, 1] over the whole file, shuffled once with the run's data stream, the first 80 % for
// training; each epoch reshuffles the training set.

import { REGISTRY } from "../generated/registry.js";
import { SAMPLES } from "../generated/train7.js";

export { SAMPLES };
export const N_SAMPLES = SAMPLES.length;
export const N_TRAIN = Math.floor(N_SAMPLES * REGISTRY.trainFraction); // 800: the first 80 % train

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
