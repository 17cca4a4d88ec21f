// Axes for the lab's charts: tick positions and their labels. Pure functions, tested directly.

import { pyG } from "../numpy/printing.js";

/** Ticks at 1, 2 or 5 × 10^k steps over [lo, hi], about `count` of them: {ticks, step}. */
export function niceTicks(lo, hi, count = 5) {
  const span = hi - lo;
  if (!(span > 0)) return { ticks: [lo], step: 1 };
  const raw = span / count, magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return { ticks, step };
}

/** A tick's label: as many decimals as the step needs; very small or large values the short way. */
export function tickLabel(v, step) {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return decimals > 6 || Math.abs(v) >= 1e6 ? pyG(v, 3) : v.toFixed(decimals);
}

const SUPERSCRIPT = Object.fromEntries([..."-0123456789"].map((c, i) => [c, "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"[i]]));

/** 10^k written with superscripts: 1, 10, 10², 10⁻³. */
export const powerLabel = (k) => (k === 0 ? "1" : k === 1 ? "10" : "10" + String(k).replace(/./g, (c) => SUPERSCRIPT[c]));

/**
 * Ticks of a log axis from 10^low to 10^high (low, high: log10 of the ends): every decade
 * labelled, 2× and 5× too when there are two decades or fewer, the other multiples unlabelled.
 */
export function logTicks(low, high) {
  const ticks = [];
  const few = high - low <= 2.01;
  for (let k = Math.floor(low + 1e-9); k <= high + 1e-9; k++) {
    for (let d = 1; d <= 9; d++) {
      const v = d * 10 ** k;
      if (Math.log10(v) < low - 1e-9 || Math.log10(v) > high + 1e-9) continue;
      ticks.push({ v, label: d === 1 ? powerLabel(k) : few && (d === 2 || d === 5) ? `${d}×${powerLabel(k)}` : "" });
    }
  }
  return ticks;
}

/** The decades a log axis spans to show values from lo to hi (both > 0): [10^a, 10^b], b > a. */
export function logRange(lo, hi) {
  const a = Math.floor(Math.log10(lo));
  return [10 ** a, 10 ** Math.max(Math.ceil(Math.log10(hi)), a + 1)];
}

/** [lo, hi] of the finite values of several lists, widened by `pad` of the span; `fallback` if none. */
export function valueRange(lists, pad, fallback) {
  let lo = Infinity, hi = -Infinity;
  for (const list of lists) {
    for (const v of list) {
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (lo > hi) return fallback;
  if (hi - lo < 1e-12) return [lo - 0.5, hi + 0.5];
  return [lo - (hi - lo) * pad, hi + (hi - lo) * pad];
}
