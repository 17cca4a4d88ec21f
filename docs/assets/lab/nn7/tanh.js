// The engine's tanh.
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
