// numpy.random.Generator, bit for bit, for the methods nn7 uses: permutation, shuffle,
// integers, random, standard_normal and normal (Marsaglia and Tsang's ziggurat with NumPy's
// tables, measured from the installed NumPy into ../generated/ziggurat.js), and default_rng.

import { FI, INV_R, KI_HEX, LOG1P, R, WI } from "../generated/ziggurat.js";
import { glibcLog1p } from "./log1p.js";
import { PCG64 } from "./pcg64.js";
import { SeedSequence } from "./seed-sequence.js";

const TWO32 = 4294967296;
const MASK64 = (1n << 64n) - 1n;

// The log1p NumPy's tail uses, as recorded in ziggurat.js ("fdlibm" is V8's Math.log1p).
const log1p = LOG1P === "glibc-fma" ? (x) => glibcLog1p(x, true)
  : LOG1P === "glibc" ? (x) => glibcLog1p(x, false)
    : Math.log1p;

// ============================================================================== ziggurat

const KI = Float64Array.from(KI_HEX, (h) => {
  const k = Number(h);
  if (!(k < 2 ** 53)) throw new RangeError(`ziggurat.js: ki ${h} does not fit a double exactly`);
  return k;
});
const WI_ = Float64Array.from(WI);
const FI_ = Float64Array.from(FI);
if (KI.length !== 256 || WI_.length !== 256 || FI_.length !== 256) throw new Error("ziggurat.js: tables must have 256 entries");

// One standard normal (Marsaglia and Tsang's ziggurat, NumPy's layout). A 64-bit word gives
// the layer idx (bits 0-7), the sign (bit 8) and a 52-bit integer rabs (bits 9-60); inside
// the layer's rectangle (rabs < ki[idx], 99% of draws) the result is ±rabs * wi[idx].
function standardNormalFrom(bg) {
  for (;;) {
    bg.step();
    const lo = bg.lo;
    const idx = lo & 0xff;
    const rabs = (lo >>> 9) + (bg.hi & 0x1fffffff) * 8388608; // bits 9..60, exact below 2**52
    let x = rabs * WI_[idx];
    if (lo & 0x100) x = -x;
    if (rabs < KI[idx]) return x;
    if (idx === 0) {
      // The tail beyond R (Marsaglia): xx ~ Exp(R) until an exponential yy accepts it; the
      // sign is bit 8 of rabs.
      for (;;) {
        const xx = -INV_R * log1p(-bg.nextDouble());
        const yy = -log1p(-bg.nextDouble());
        if (yy + yy > xx * xx) return (lo & 0x20000) ? -(R + xx) : R + xx; // bit 17 = rabs bit 8
      }
    }
    // A wedge: accept x if a uniform height in [fi[idx], fi[idx-1]] lies under the density.
    if ((FI_[idx - 1] - FI_[idx]) * bg.nextDouble() + FI_[idx] < Math.exp(-0.5 * x * x)) return x;
  }
}

// ============================================================================= Generator

function sizeOf(size) {
  if (Array.isArray(size)) return size.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`bad size ${size}`);
  return size;
}

export class Generator {
  constructor(bitGenerator) {
    this.bitGenerator = bitGenerator;
  }

  // Fisher-Yates from the end, as NumPy's shuffle: for i = n-1 down to 1 swap a[i] with
  // a[j], j uniform in [0, i] by masked rejection of 32-bit draws.
  shuffle(a) {
    const bg = this.bitGenerator;
    const n = a.length;
    if (n - 1 > 0xffffffff) throw new RangeError("shuffle: more than 2**32 elements");
    // 32-bit draws as NumPy makes them: a pending high half (left by an earlier nextUint32)
    // first, then the low and high halves of each raw output in turn. buf holds the raw
    // outputs as (low, high) pairs, so the draws are simply buf[q], buf[q + 1], ...
    const buf = bg.buf;
    let pending = bg.hasUint32, q = 2 * bg.pos, end = 2 * bg.len;
    for (let i = n - 1; i >= 1; i--) {
      const mask = 0xffffffff >>> Math.clz32(i); // the smallest all-ones mask >= i
      let j;
      if (pending) {
        pending = false;
        j = (bg.uinteger & mask) >>> 0;
      } else {
        j = i + 1;
      }
      while (j > i) {
        if (q === end) {
          bg.refill();
          q = 0;
          end = 2 * bg.len;
        }
        j = (buf[q++] & mask) >>> 0;
      }
      const tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
    // Hand the position back: after a low half (q odd) the high half is pending.
    if (!pending) {
      bg.pos = (q + 1) >> 1;
      bg.hasUint32 = (q & 1) === 1;
      if (bg.hasUint32) bg.uinteger = buf[q] >>> 0;
    }
    return a;
  }

  // np.random.Generator.permutation(n) for an integer n: 0..n-1 shuffled (Int32Array, or
  // Float64Array from 2**31 elements on).
  permutation(n) {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`permutation: n must be a non-negative integer, got ${n}`);
    const out = n <= 0x7fffffff ? new Int32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  // np.random.Generator.integers(low, high, size) with the default int64 and endpoint=False:
  // uniform in [low, high) (or [0, low) without high). Lemire's multiply-shift with
  // rejection on (buffered) 32-bit draws when high - low - 1 < 2**32 - 1, on 64-bit draws
  // above. Number bounds give Numbers (Float64Array), BigInt bounds BigInts (BigInt64Array);
  // no size gives one value.
  integers(low, high, size) {
    if (high === undefined || high === null) { high = low; low = 0; }
    const big = typeof low === "bigint" || typeof high === "bigint";
    if (!big && !(Number.isSafeInteger(low) && Number.isSafeInteger(high))) {
      throw new TypeError("integers: bounds must be safe integers (or BigInt)");
    }
    const lowB = BigInt(low), highB = BigInt(high);
    if (lowB < -(1n << 63n) || highB > (1n << 63n)) throw new RangeError("integers: bounds out of int64 range");
    if (highB <= lowB) throw new RangeError("integers: low >= high");
    const rng = highB - lowB - 1n; // the inclusive range
    const count = size === undefined || size === null ? 1 : sizeOf(size);
    const bg = this.bitGenerator;
    let out;
    if (rng <= 0xffffffffn && !big) {
      const off = Number(lowB), r = Number(rng);
      out = new Float64Array(count);
      if (r === 0) {
        out.fill(off); // no draws
      } else if (r === 0xffffffff) {
        for (let i = 0; i < count; i++) out[i] = off + bg.nextUint32();
      } else {
        const excl = r + 1;
        const threshold = (0xffffffff - r) % excl; // (2**32 - excl) mod excl
        const small = excl <= 0x200000; // then u * excl < 2**53: exact in a double
        for (let i = 0; i < count; i++) {
          let hi, lo;
          for (;;) {
            // Lemire: the 64-bit product u * excl; its high word is the draw, its low word
            // says whether u fell in the biased sliver (low word < threshold: draw again)
            const u = bg.nextUint32();
            if (small) {
              const m = u * excl;
              lo = m >>> 0;
              hi = (m - lo) / TWO32;
            } else {
              // through 16-bit halves of u: u * excl = p * 2**16 + q, p and q below 2**48
              const p = (u >>> 16) * excl, q = (u & 0xffff) * excl;
              const pLow = p % 65536;
              const mid = pLow * 65536 + q; // below 2**49
              lo = mid >>> 0;
              hi = (p - pLow) / 65536 + (mid - lo) / TWO32;
            }
            if (lo >= threshold) break; // (NumPy tests lo < excl first; threshold < excl)
          }
          out[i] = off + hi;
        }
      }
    } else {
      // The same through BigInt (not a hot path): 32-bit draws below 2**32, else 64-bit.
      out = big ? new BigInt64Array(count) : new Float64Array(count);
      for (let i = 0; i < count; i++) {
        let v;
        if (rng === 0n) v = 0n;
        else if (rng === 0xffffffffn) v = BigInt(bg.nextUint32());
        else if (rng < 0xffffffffn) {
          const excl = rng + 1n, threshold = (0xffffffffn - rng) % excl;
          let m = BigInt(bg.nextUint32()) * excl;
          while ((m & 0xffffffffn) < threshold) m = BigInt(bg.nextUint32()) * excl;
          v = m >> 32n;
        } else if (rng === MASK64) v = bg.nextUint64();
        else {
          const excl = rng + 1n, threshold = (MASK64 - rng) % excl;
          let m = bg.nextUint64() * excl;
          while ((m & MASK64) < threshold) m = bg.nextUint64() * excl;
          v = m >> 64n;
        }
        const value = lowB + v;
        out[i] = big ? value : Number(value);
      }
    }
    return size === undefined || size === null ? out[0] : out;
  }

  // np.random.Generator.random(size): doubles in [0, 1).
  random(size) {
    const bg = this.bitGenerator;
    if (size === undefined || size === null) return bg.nextDouble();
    const out = new Float64Array(sizeOf(size));
    for (let i = 0; i < out.length; i++) out[i] = bg.nextDouble();
    return out;
  }

  // np.random.Generator.standard_normal(size): one draw without size.
  standardNormal(size) {
    const bg = this.bitGenerator;
    if (size === undefined || size === null) return standardNormalFrom(bg);
    const out = new Float64Array(sizeOf(size));
    for (let i = 0; i < out.length; i++) out[i] = standardNormalFrom(bg);
    return out;
  }

  // np.random.Generator.normal(loc, scale, size): loc + scale * standard normal (so with
  // loc 0 a draw of -0.0 becomes +0.0, as in NumPy). One draw without size.
  normal(size, loc = 0, scale = 1) {
    const bg = this.bitGenerator;
    if (!(scale >= 0)) throw new RangeError("normal: scale < 0");
    if (size === undefined || size === null) return loc + scale * standardNormalFrom(bg);
    const out = new Float64Array(sizeOf(size));
    for (let i = 0; i < out.length; i++) out[i] = loc + scale * standardNormalFrom(bg);
    return out;
  }
}

// np.random.default_rng: a Generator on PCG64 from a seed (integer or SeedSequence), or the
// generator / bit generator given.
export function defaultRng(seed) {
  if (seed instanceof Generator) return seed;
  if (seed instanceof PCG64) return new Generator(seed);
  return new Generator(new PCG64(seed instanceof SeedSequence ? seed : new SeedSequence(seed)));
}
