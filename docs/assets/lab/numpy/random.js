// numpy.random, as far as nn7 uses it, bit for bit: SeedSequence, PCG64, Generator and
// default_rng (one module each), implemented from the published algorithms and checked
// against NumPy by experiment (tests/test_lab_random.py).
//
//   new SeedSequence(entropy, spawnKey = [], poolSize = 4)
//       .spawn(n), .generateState(nWords)
//   new PCG64(seedSequenceOrSeed)
//       .nextUint64() (BigInt), .nextUint32(), .nextDouble(), .state
//   new Generator(bitGenerator)
//       .permutation(n), .shuffle(array), .integers(low, high, size), .random(size),
//       .standardNormal(size), .normal(size, loc = 0, scale = 1)
//   defaultRng(seedOrSeedSequence)

export { defaultRng, Generator } from "./generator.js";
export { fma, glibcLog1p } from "./log1p.js";
export { PCG64 } from "./pcg64.js";
export { SeedSequence } from "./seed-sequence.js";
