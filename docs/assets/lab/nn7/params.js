// nn7.params: W1 (1,n), B1 (1,n), W2 (n,1) and B2 (1,1). The engine keeps them flat (a
// Float64Array each, one entry per hidden unit); nested, they are the shapes nn7 prints.

import { REGISTRY } from "../generated/registry.js";

export const PARAM_NAMES = REGISTRY.paramNames; // W1, B1, W2, B2

export function copyParams(p) {
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

export const allFinite = (p) => PARAM_NAMES.every((k) => p[k].every(Number.isFinite));
