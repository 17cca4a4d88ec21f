// nn7.rng: a run's two random streams from its one seed (a non-negative integer of any size:
// a Number, or a BigInt beyond 2**53), as NumPy draws them:
//   data_seq, init_seq = np.random.SeedSequence(seed).spawn(2)
//   data = default_rng(data_seq): the one shuffle, the per-epoch reshuffles, a trace's samples
//   init = default_rng(init_seq): the normally distributed initial parameters

import { defaultRng, SeedSequence } from "../numpy/random.js";

export function streams(seed) {
  const [dataSeq, initSeq] = new SeedSequence(seed).spawn(2);
  return { data: defaultRng(dataSeq), init: defaultRng(initSeq) };
}
