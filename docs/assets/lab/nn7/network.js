// nn7.network: formulas 7.4.1–7.4.11, one per line, on nested [[…]] rows (one sample or a
// batch). Shapes: X (m,1), W1 (1,n), B1 (1,n), W2 (n,1), B2 (1,1). The single steps (trace.js)
// use these; training (train.js) does the same arithmetic fused, tested equal.

import { tanh } from "./tanh.js";

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

