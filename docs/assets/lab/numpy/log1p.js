// The arithmetic of the ziggurat's tail (numpy/generator.js): a fused multiply-add in doubles
// and log1p exactly as the C library NumPy was built with computes it (the tail's result
// depends on the last bit of log1p).

// Fused multiply-add a * b + c with one rounding, emulated in doubles (Boldo and Melquiond):
// the product exactly as ph + pl (Veltkamp splitting, Dekker), c + ph exactly as th + tl
// (TwoSum), tl + pl rounded to odd, and the final sum th + that rounded to nearest.
// Valid without overflow or underflow, as in the tail's log1p.
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer); // little-endian: U32[1] is the high word
const SPLITTER = 134217729; // 2**27 + 1

export function fma(a, b, c) {
  const ph = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b), bl = b - bh;
  const pl = ((ah * bh - ph) + ah * bl + al * bh) + al * bl;
  const th = c + ph;
  let bb = th - c;
  const tl = (c - (th - bb)) + (ph - bb);
  let v = tl + pl;
  bb = v - tl;
  const ve = (tl - (v - bb)) + (pl - bb);
  if (ve !== 0) {
    F64[0] = v;
    if ((U32[0] & 1) === 0) {
      // round to odd: an inexact even result moves one unit towards the exact sum
      if ((ve > 0) === (v > 0)) {
        if (U32[0] === 0xffffffff) { U32[0] = 0; U32[1] += 1; } else U32[0] += 1;
      } else if (U32[0] === 0) { U32[0] = 0xffffffff; U32[1] -= 1; } else U32[0] -= 1;
      v = F64[0];
    }
  }
  return th + v;
}

// log(1 + x) by the fdlibm algorithm in glibc's form: reduce 1 + x = 2**k (1 + f) with
// sqrt(2)/2 < 1 + f < sqrt(2) (a correction term c for the rounding of 1 + x), s = f/(2 + f),
// log(1 + f) = f - (f²/2 - s (f²/2 + R(s²))) with a degree-7 polynomial R evaluated in
// Estrin-like groups, plus k ln2 in two parts. `fused` multiply-adds where GCC contracts
// them in glibc's FMA build (which glibc selects on CPUs with FMA); the tail's result
// depends on the last bit, so the flavour must be the one NumPy's C library uses.
const LN2_HI = 6.93147180369123816490e-01, LN2_LO = 1.90821492927058770002e-10;
const LP1 = 6.666666666666735130e-01, LP2 = 3.999999999940941908e-01, LP3 = 2.857142874366239149e-01,
  LP4 = 2.222219843214978396e-01, LP5 = 1.818357216161805012e-01, LP6 = 1.531383769920937332e-01,
  LP7 = 1.479819860511658591e-01;

export function glibcLog1p(x, fused) {
  F64[0] = x;
  const hx = U32[1] | 0, ax = hx & 0x7fffffff;
  let k = 1, f = 0, c = 0, hu = 0;
  if (hx < 0x3fda827a) { // x < 0.41422
    if (ax >= 0x3ff00000) return x === -1 ? -Infinity : NaN; // x <= -1
    if (ax < 0x3e200000) { // |x| < 2**-29
      if (ax < 0x3c900000) return x; // |x| < 2**-54
      return fused ? fma(-(x * x), 0.5, x) : x - x * x * 0.5;
    }
    if (hx > 0 || hx <= (0xbfd2bec3 | 0)) { k = 0; f = x; hu = 1; } // -0.2929 < x < 0.41422
  } else if (hx >= 0x7ff00000) return x + x;
  if (k !== 0) {
    let u;
    if (hx < 0x43400000) {
      u = 1.0 + x;
      F64[0] = u;
      hu = U32[1] | 0;
      k = (hu >> 20) - 1023;
      c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0); // the rounding error of 1 + x
      c /= u;
    } else {
      u = x;
      F64[0] = u;
      hu = U32[1] | 0;
      k = (hu >> 20) - 1023;
      c = 0;
    }
    hu &= 0x000fffff;
    F64[0] = u;
    if (hu < 0x6a09e) {
      U32[1] = hu | 0x3ff00000; // normalise u to [1, sqrt(2))
    } else {
      k += 1;
      U32[1] = hu | 0x3fe00000; // normalise u/2 to [sqrt(2)/2, 1)
      hu = (0x00100000 - hu) >> 2;
    }
    f = F64[0] - 1.0;
  }
  const hfsq = 0.5 * f * f;
  if (hu === 0) { // |f| < 2**-20
    if (f === 0) {
      if (k === 0) return 0;
      return fused ? fma(k, LN2_HI, fma(k, LN2_LO, c)) : k * LN2_HI + (c + k * LN2_LO);
    }
    const R = fused ? fma(-f, 0.66666666666666666, 1.0) * hfsq : hfsq * (1.0 - 0.66666666666666666 * f);
    if (k === 0) return f - R;
    return fused ? fma(k, LN2_HI, -((R - fma(k, LN2_LO, c)) - f)) : k * LN2_HI - ((R - (k * LN2_LO + c)) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  let R;
  if (fused) {
    const z2 = z * z, z4 = z2 * z2, z6 = z2 * z4;
    R = fma(z, LP1, z2 * fma(z, LP3, LP2));
    R = fma(z4, fma(z, LP5, LP4), R);
    R = fma(z6, fma(z, LP7, LP6), R);
  } else {
    const z2 = z * z, z4 = z2 * z2, z6 = z4 * z2;
    R = z * LP1 + z2 * (LP2 + z * LP3) + z4 * (LP4 + z * LP5) + z6 * (LP6 + z * LP7);
  }
  const w = s * (hfsq + R);
  if (k === 0) return f - (hfsq - w);
  return fused ? fma(k, LN2_HI, -((hfsq - (w + fma(k, LN2_LO, c))) - f))
    : k * LN2_HI - ((hfsq - (w + (k * LN2_LO + c))) - f);
}
