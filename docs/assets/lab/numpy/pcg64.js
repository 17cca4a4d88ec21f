// numpy.random.PCG64, bit for bit: a 128-bit LCG with the XSL-RR 128/64 output, seeded from a
// SeedSequence as NumPy seeds it. The hot path (the LCG step) uses doubles and 24-bit limbs,
// no BigInt; raw outputs are computed ahead in blocks.

import { SeedSequence } from "./seed-sequence.js";

const TWO_M53 = 1 / 9007199254740992; // 2**-53
const MASK128 = (1n << 128n) - 1n;

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
