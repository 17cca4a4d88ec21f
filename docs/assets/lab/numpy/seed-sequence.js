// numpy.random.SeedSequence, bit for bit: entropy (a non-negative integer of any size, a
// Number or a BigInt) mixed into a pool of 32-bit words, spawned children, generate_state.
// Checked against NumPy by tests/test_lab_random.py.

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
