// The lab's address: which settings it holds and how they are written. Pure functions (no
// page): tested directly by tests/test_lab_pure.py.
//
// readQuery(search, keys) → { values: Map key → the text given, notes: [{code, key, …}] }: a key
// this page does not know is a note ("unknown"), and so is one given more than once
// ("repeated": the first value counts); nothing is thrown, whatever the address holds.
// queryOf(values, keys) → "init=case3&seed=0&…", readable ("=" and "," are not escaped).

export function readQuery(search, keys) {
  const known = new Set(keys);
  const given = new Map();
  const order = [];
  for (const [key, value] of new URLSearchParams(search)) {
    if (!given.has(key)) {
      given.set(key, []);
      order.push(key);
    }
    given.get(key).push(value);
  }
  const values = new Map();
  const notes = [];
  for (const key of order) {
    const all = given.get(key);
    if (!known.has(key)) {
      notes.push({ code: "unknown", key });
      continue;
    }
    if (all.length > 1) notes.push({ code: "repeated", key, count: all.length });
    values.set(key, all[0]);
  }
  return { values, notes };
}

export function queryOf(values, keys) {
  const escape = (v) => encodeURIComponent(v).replace(/%3D/gi, "=").replace(/%2C/gi, ",");
  return keys.filter((k) => values.has(k)).map((k) => `${k}=${escape(values.get(k))}`).join("&");
}
