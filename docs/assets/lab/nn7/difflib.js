// Python's difflib.get_close_matches(word, possibilities, n=1) (SequenceMatcher's ratio, no
// junk), for the "did you mean …?" of a mistyped initialisation, as nn7.inits says it.

// The longest common block of a[alo:ahi] and b[blo:bhi], the earliest in a, then in b.
function longestMatch(a, b, alo, ahi, blo, bhi) {
  let besti = alo, bestj = blo, bestsize = 0;
  let lengths = new Map();
  for (let i = alo; i < ahi; i++) {
    const next = new Map();
    for (let j = blo; j < bhi; j++) {
      if (a[i] !== b[j]) continue;
      const k = (lengths.get(j - 1) ?? 0) + 1;
      next.set(j, k);
      if (k > bestsize) [besti, bestj, bestsize] = [i - k + 1, j - k + 1, k];
    }
    lengths = next;
  }
  return [besti, bestj, bestsize];
}

/** SequenceMatcher(None, a, b).ratio(): 2·(matching characters) / (len(a) + len(b)). */
export function ratio(a, b) {
  a = Array.from(a);
  b = Array.from(b);
  let matched = 0;
  const queue = [[0, a.length, 0, b.length]];
  while (queue.length) {
    const [alo, ahi, blo, bhi] = queue.pop();
    const [i, j, k] = longestMatch(a, b, alo, ahi, blo, bhi);
    if (k === 0) continue;
    matched += k;
    if (alo < i && blo < j) queue.push([alo, i, blo, j]);
    if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
  }
  const total = a.length + b.length;
  return total ? (2 * matched) / total : 1;
}

/** get_close_matches(word, possibilities, n=1, cutoff=0.6)[0], or undefined. */
export function closeMatch(word, possibilities, cutoff = 0.6) {
  let best;
  for (const x of possibilities) {
    const score = ratio(x, word);
    if (score >= cutoff && (!best || score > best[0] || (score === best[0] && x > best[1]))) best = [score, x];
  }
  return best?.[1];
}
