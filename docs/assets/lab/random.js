// NumPy's random streams, bit for bit: SeedSequence, PCG64 and the Generator methods nn7 uses.
//
// nn7 draws everything from `nn7.rng.streams(seed)`:
//   data_seq, init_seq = np.random.SeedSequence(seed).spawn(2)
//   data = np.random.default_rng(data_seq)   # permutation(n), integers(0, 1000, size=K)
//   init = np.random.default_rng(init_seq)   # normal(size=shape) for W1, B1, W2, B2
// `streams(seed)` here returns the same two generators, drawing the same numbers:
//
//   new SeedSequence(entropy, spawnKey = [], poolSize = 4)
//       .spawn(n), .generateState(nWords)             numpy.random.SeedSequence
//   new PCG64(seedSequenceOrSeed)
//       .nextUint64() (BigInt), .nextUint32(), .nextDouble()
//   new Generator(bitGenerator)
//       .permutation(n), .shuffle(array), .integers(low, high, size), .random(size),
//       .standardNormal(size), .normal(size, loc = 0, scale = 1)
//   defaultRng(seedOrSeedSequence), streams(seed)
//
// Implemented from the published algorithms and checked against NumPy by experiment (see
// tests/test_lab_random.py): PCG64 is a 128-bit LCG with the XSL-RR 128/64 output; the
// ziggurat's constant tables are measured from the installed NumPy by nn7_dev.ziggurat (tools/ziggurat.py), which
// writes them to ./ziggurat.js at site build time. The hot paths (the LCG step, permutation,
// the ziggurat's fast path) use doubles and 24-bit limbs, no BigInt.

import { FI, INV_R, KI_HEX, LOG1P, R, WI } from "./ziggurat.js";

const TWO32 = 4294967296;
const TWO_M53 = 1 / 9007199254740992; // 2**-53
const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;

// ============================================================================ SeedSequence

// SeedSequence's hashing constants (uint32 multiplications modulo 2**32).
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;

// An entropy value as uint32 words, least significant first: a non-negative integer gives
// its base-2**32 digits (0 gives one word 0), an array the concatenation of its elements'.
function toWords(value, what) {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    return Array.from(value).flatMap((v) => toWords(v, what));
  }
  let n;
  if (typeof value === "bigint") {
    n = value;
  } else if (typeof value === "number" && Number.isSafeInteger(value)) {
    n = BigInt(value);
  } else {
    throw new TypeError(`${what} must be a non-negative integer (Number or BigInt), got ${value}`);
  }
  if (n < 0n) throw new RangeError(`${what} must be non-negative, got ${value}`);
  if (n === 0n) return [0];
  const words = [];
  while (n > 0n) {
    words.push(Number(n & 0xffffffffn));
    n >>= 32n;
  }
  return words;
}

export class SeedSequence {
  constructor(entropy, spawnKey = [], poolSize = 4) {
    if (entropy === undefined || entropy === null) {
      // Like NumPy without entropy: 128 bits from the operating system.
      const fresh = crypto.getRandomValues(new Uint32Array(4));
      entropy = fresh.reduceRight((acc, w) => (acc << 32n) | BigInt(w), 0n);
    }
    if (!Number.isInteger(poolSize) || poolSize < 4) throw new RangeError("poolSize must be an integer >= 4");
    this.entropy = entropy;
    this.spawnKey = Array.from(spawnKey);
    this.poolSize = poolSize;
    this.nChildrenSpawned = 0;
    // The run entropy, zero-padded to the pool size when a spawn key follows it (so that a
    // child's words cannot collide with a longer run entropy), then the spawn key's words.
    const run = toWords(entropy, "entropy");
    const spawn = toWords(this.spawnKey, "spawn key");
    if (spawn.length > 0) while (run.length < poolSize) run.push(0);
    this.pool = mixEntropy(run.concat(spawn), poolSize);
  }

  // `n` children whose spawn keys extend this one's with 0, 1, ... (continuing the count).
  spawn(n) {
    const children = [];
    for (let i = 0; i < n; i++) {
      children.push(new SeedSequence(this.entropy, [...this.spawnKey, this.nChildrenSpawned + i], this.poolSize));
    }
    this.nChildrenSpawned += n;
    return children;
  }

  // `nWords` uint32 words of seed material: the pool, cycled, each word hashed with a
  // running multiplier (generate_state(n_words, np.uint32)).
  generateState(nWords) {
    const out = new Uint32Array(nWords);
    let hashConst = INIT_B;
    for (let i = 0; i < nWords; i++) {
      let v = (this.pool[i % this.poolSize] ^ hashConst) >>> 0;
      hashConst = Math.imul(hashConst, MULT_B) >>> 0;
      v = Math.imul(v, hashConst) >>> 0;
      out[i] = (v ^ (v >>> XSHIFT)) >>> 0;
    }
    return out;
  }
}

// SeedSequence: mix the entropy words into the pool.
function mixEntropy(words, poolSize) {
  let hashConst = INIT_A;
  // hashmix: xor the running constant in, advance it, multiply, fold the high half down
  const hashmix = (value) => {
    let v = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    v = Math.imul(v, hashConst) >>> 0;
    return (v ^ (v >>> XSHIFT)) >>> 0;
  };
  // mix: combine two words with different multipliers, fold the high half down
  const mix = (x, y) => {
    const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (r ^ (r >>> XSHIFT)) >>> 0;
  };
  const pool = new Uint32Array(poolSize);
  // 1. Hash the first poolSize words (zeros past the end) into the pool.
  for (let i = 0; i < poolSize; i++) pool[i] = hashmix(i < words.length ? words[i] : 0);
  // 2. Let every pool word influence every other one.
  for (let src = 0; src < poolSize; src++) {
    for (let dst = 0; dst < poolSize; dst++) {
      if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
    }
  }
  // 3. Mix any remaining entropy words into every pool word.
  for (let src = poolSize; src < words.length; src++) {
    for (let dst = 0; dst < poolSize; dst++) pool[dst] = mix(pool[dst], hashmix(words[src]));
  }
  return pool;
}

// =================================================================================== PCG64

// The LCG multiplier 0x2360ED051FC65DA44385DF649FCCF645, and as 24-bit limbs, least
// significant first (the top limb holds bits 120-127).
const MULT = 0x2360ed051fc65da44385df649fccf645n;
const M0 = 0xccf645, M1 = 0xdf649f, M2 = 0xa44385, M3 = 0x1fc65d, M4 = 0x60ed05, M5 = 0x23;
const TWO24 = 16777216;
const TWO_M24 = 1 / 16777216;
const MAX_BLOCK = 128; // raw outputs computed per refill, at most

function limbsOf(x) {
  const limbs = [];
  for (let i = 0; i < 6; i++) limbs.push(Number((x >> BigInt(24 * i)) & 0xffffffn));
  return limbs;
}

function bigOf(limbs) {
  let x = 0n;
  for (let i = 5; i >= 0; i--) x = (x << 24n) | BigInt(limbs[i]);
  return x;
}

// XSL-RR 128/64, the output of a state given as 24-bit limbs: the words of bits 0-31,
// 32-63 (the low half) are xored with those of bits 64-95, 96-127 (the high half), and the
// result rotated right by the state's top 6 bits; written to buf[k] (low) and buf[k+1] (high).
// Without branches: swap the words when the rotation is 32 or more (m is all ones then),
// then rotate by rot mod 32; (x << 1) << (31 - r) is x << (32 - r), and 0 when r = 0.
function xslrr(buf, k, n0, n1, n2, n3, n4, n5) {
  const xl = (n0 | (n1 << 24)) ^ ((n2 >>> 16) | (n3 << 8));
  const xh = ((n1 >>> 8) | (n2 << 16)) ^ (n4 | (n5 << 24));
  const rot = n5 >>> 2;
  const m = -(rot >>> 5), d = (xh ^ xl) & m;
  const hi = xh ^ d, lo = xl ^ d;
  const r = rot & 31, l = 31 - r;
  buf[k] = (lo >>> r) | ((hi << 1) << l);
  buf[k + 1] = (hi >>> r) | ((lo << 1) << l);
}

export class PCG64 {
  // Seeded like NumPy: four 64-bit words from the SeedSequence's generate_state; the first
  // two (high, low) are the initial state, the last two the stream, whose odd increment is
  // (stream << 1) | 1. A Number or BigInt seed is wrapped in a SeedSequence first.
  constructor(seed) {
    const seq = seed instanceof SeedSequence ? seed : new SeedSequence(seed);
    this.seedSequence = seq;
    const w = seq.generateState(8); // generate_state(4, np.uint64): word 2i is the low half
    const u64 = (i) => (BigInt(w[2 * i + 1]) << 32n) | BigInt(w[2 * i]);
    const initState = (u64(0) << 64n) | u64(1);
    const initSeq = (u64(2) << 64n) | u64(3);
    const inc = ((initSeq << 1n) | 1n) & MASK128;
    // PCG's seeding: state = 0, step, add the initial state, step.
    let state = inc; // 0 * MULT + inc
    state = (state + initState) & MASK128;
    state = (state * MULT + inc) & MASK128;
    // Raw outputs are computed ahead in blocks (a tight loop over local variables), into
    // buf as (low, high) int32 pairs; pos counts those used. base is the state before the
    // block, so the state NumPy would report is base advanced by pos steps.
    this.buf = new Int32Array(2 * MAX_BLOCK);
    this.base = new Float64Array(6);
    this.setState({ state, inc, hasUint32: false, uinteger: 0 });
  }

  // The state as NumPy's bit_generator.state: {state, inc} (BigInt) and the buffered half.
  get state() {
    let state = bigOf(this.base);
    for (let i = 0; i < this.pos; i++) state = (state * MULT + this.inc) & MASK128;
    return { state, inc: this.inc, hasUint32: this.hasUint32, uinteger: this.uinteger };
  }

  setState({ state, inc, hasUint32 = false, uinteger = 0 }) {
    state = BigInt(state) & MASK128;
    inc = BigInt(inc) & MASK128;
    this.inc = inc;
    [this.s0, this.s1, this.s2, this.s3, this.s4, this.s5] = limbsOf(state);
    [this.c0, this.c1, this.c2, this.c3, this.c4, this.c5] = limbsOf(inc);
    this.base.set(limbsOf(state));
    this.len = 0; // outputs in buf
    this.pos = 0; // outputs of buf used
    this.nextLen = 8; // the next block's length: short at first, doubling up to MAX_BLOCK
    this.hasUint32 = Boolean(hasUint32);
    this.uinteger = Number(uinteger) >>> 0;
    this.hi = 0; // the last 64-bit output, high and low uint32 halves
    this.lo = 0;
  }

  // Compute the next block of raw outputs. An LCG step, state = state * MULT + inc
  // (mod 2**128), in 24-bit limbs (schoolbook product, bits from 128 up dropped):
  // * columns 0-3 exactly in doubles: a column sums at most four 48-bit products and the
  //   increment's limb, below 2**51; it splits into its low 24 bits and the rest h (below
  //   2**27), which belongs to the next column; those small sums are then normalised with
  //   int32 carries;
  // * columns 4 and 5 hold bits 96-127, so they are needed only modulo 2**32: int32
  //   arithmetic (Math.imul gives the low 32 bits of a product) with the carry from column 3.
  // Each new state's XSL-RR output goes to buf.
  refill() {
    const buf = this.buf, n = this.nextLen;
    this.nextLen = Math.min(2 * n, MAX_BLOCK);
    let a0 = this.s0, a1 = this.s1, a2 = this.s2, a3 = this.s3, a4 = this.s4, a5 = this.s5;
    const c0 = this.c0, c1 = this.c1, c2 = this.c2, c3 = this.c3, c4 = this.c4, c5 = this.c5;
    const base = this.base;
    base[0] = a0; base[1] = a1; base[2] = a2; base[3] = a3; base[4] = a4; base[5] = a5;
    for (let k = 0; k < 2 * n; k += 2) {
      const S0 = a0 * M0 + c0;
      const S1 = a0 * M1 + a1 * M0 + c1;
      const S2 = a0 * M2 + a1 * M1 + a2 * M0 + c2;
      const S3 = a0 * M3 + a1 * M2 + a2 * M1 + a3 * M0 + c3;
      const h0 = (S0 * TWO_M24) | 0, h1 = (S1 * TWO_M24) | 0, h2 = (S2 * TWO_M24) | 0, h3 = (S3 * TWO_M24) | 0;
      const n0 = (S0 - h0 * TWO24) | 0;
      let v = ((S1 - h1 * TWO24) + h0) | 0;
      const n1 = v & 0xffffff;
      v = (((S2 - h2 * TWO24) + h1) | 0) + (v >>> 24);
      const n2 = v & 0xffffff;
      v = (((S3 - h3 * TWO24) + h2) | 0) + (v >>> 24);
      const n3 = v & 0xffffff;
      v = (Math.imul(a0, M4) + Math.imul(a1, M3) + Math.imul(a2, M2) + Math.imul(a3, M1) + Math.imul(a4, M0)
        + c4 + h3 + (v >>> 24)) | 0;
      const n4 = v & 0xffffff;
      const n5 = (Math.imul(a0, M5) + Math.imul(a1, M4) + Math.imul(a2, M3) + Math.imul(a3, M2) + Math.imul(a4, M1)
        + Math.imul(a5, M0) + c5 + (v >>> 24)) & 0xff;
      a0 = n0; a1 = n1; a2 = n2; a3 = n3; a4 = n4; a5 = n5;
      xslrr(buf, k, a0, a1, a2, a3, a4, a5);
    }
    this.s0 = a0; this.s1 = a1; this.s2 = a2; this.s3 = a3; this.s4 = a4; this.s5 = a5;
    this.len = n;
    this.pos = 0;
  }

  // The next raw 64-bit output into this.hi / this.lo (uint32 halves).
  step() {
    if (this.pos === this.len) this.refill();
    const k = this.pos++ << 1;
    this.lo = this.buf[k] >>> 0;
    this.hi = this.buf[k + 1] >>> 0;
  }

  // The next 64-bit output as a BigInt (convenience; the generator methods use step()).
  nextUint64() {
    this.step();
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  // 32 bits: the low half of a fresh 64-bit output, whose high half is kept for the next call.
  nextUint32() {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    this.step();
    this.hasUint32 = true;
    this.uinteger = this.hi;
    return this.lo;
  }

  // A double in [0, 1): the top 53 bits of a 64-bit output times 2**-53.
  nextDouble() {
    this.step();
    return (this.hi * 2097152 + (this.lo >>> 11)) * TWO_M53;
  }
}

// ========================================================================= math for the tail

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

// nn7.rng.streams(seed): the run's data and init generators.
export function streams(seed) {
  const [dataSeq, initSeq] = new SeedSequence(seed).spawn(2);
  return { data: defaultRng(dataSeq), init: defaultRng(initSeq) };
}
