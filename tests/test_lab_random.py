"""The lab's port of numpy.random (docs/assets/lab/numpy/: seed-sequence.js, pcg64.js,
generator.js, gathered by random.js) and nn7/rng.js draw exactly NumPy's numbers, in headless
Chromium.

They reimplement the streams nn7 uses (SeedSequence, PCG64, Generator.permutation, integers,
standard_normal/normal with NumPy's ziggurat). The ziggurat tables come from
``nn7_site.lab.ziggurat_module()`` (from the committed tables, src/nn7_site/ziggurat.json),
written into generated/ as the site build does. Each check runs its loop inside the page (few round trips), brings the results
back as raw bytes and compares them bit for bit with NumPy; a failure names the seed and the
index that differ. A "bite" test shows the comparison notices a single skipped draw.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from nn7.rng import streams
from nn7_dev import ziggurat
from nn7_dev.browser import JsModules
from nn7_site.lab import ZIGGURAT, ziggurat_module

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
LAB_JS = ROOT / "docs" / "assets" / "lab"

SEEDS = range(1000)
PERMS = (1000, 800, 800, 800)  # data.permutation calls per seed, in order
NORMALS = (16, 5, 1, 16, 3)  # init.normal(size=k) calls per seed, in order
INTS_AFTER = 50  # data.integers(0, 1000, size=50) after the permutations (a buffered half pending)
INTS_FRESH = 30  # data.integers(0, 1000, size=30) on a fresh data stream (as `nn7 trace`)
BIG = 1_000_000  # standard normals compared for each of BIG_SEEDS
BIG_SEEDS = (1, 2)

M = 0x2360ED051FC65DA44385DF649FCCF645  # PCG64's multiplier
MASK128 = (1 << 128) - 1
M_INV = pow(M, -1, 1 << 128)

# Helpers evaluated in the page: typed arrays travel as base64 of their bytes.
PRELUDE = """
const b64 = (ta) => {
  const u8 = new Uint8Array(ta.buffer, ta.byteOffset, ta.byteLength);
  let s = "";
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
  return btoa(s);
};
const concat = (T, parts) => {
  const out = new T(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) { out.set(p, k); k += p.length; }
  return out;
};
"""


def page(js: JsModules, body: str, arg=None):
    """Run ``body`` (statements using ``m``: numpy/random.js and nn7/rng.js's ``streams``, and
    ``arg``) in the page."""
    script = ("async (arg) => { const m = {...(await import('/numpy/random.js')), ...(await import('/nn7/rng.js'))};"
              + PRELUDE + body + "}")
    out = js.evaluate(script, arg)
    assert not js.errors, f"errors in the page: {js.errors}"
    return out


def decode(text: str, dtype) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=dtype)


def first_difference(got: np.ndarray, want: np.ndarray, layout) -> str | None:
    """None if equal (floats compared bit for bit), else which seed, call and index differ.
    ``layout``: (seed, call label, length) for consecutive pieces of the arrays."""
    assert got.shape == want.shape, f"JS gave {got.shape[0]} values, NumPy {want.shape[0]}"
    if got.dtype.kind == "f":
        bad = np.flatnonzero(got.view(np.uint64) != want.view(np.uint64))
    else:
        bad = np.flatnonzero(got != want)
    if bad.size == 0:
        return None
    first, start = int(bad[0]), 0
    for seed, label, length in layout:
        if first < start + length:
            i = first - start
            where = label if seed is None else f"seed {seed}, {label}"
            return (f"{where}: index {i} differs: JS {got[first]!r}, NumPy {want[first]!r} "
                    f"({bad.size} values differ in all)")
        start += length
    raise AssertionError("layout shorter than the arrays")


def copy_port(folder: Path, ziggurat_js: str | None = None) -> None:
    """Into ``folder``: the lab's numpy/ and nn7/rng.js, and generated/ziggurat.js as the build makes it."""
    shutil.copytree(LAB_JS / "numpy", folder / "numpy")
    (folder / "nn7").mkdir()
    shutil.copy(LAB_JS / "nn7" / "rng.js", folder / "nn7" / "rng.js")
    (folder / "generated").mkdir()
    text = ziggurat_module(ZIGGURAT.read_bytes()) if ziggurat_js is None else ziggurat_js
    (folder / "generated" / "ziggurat.js").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def js(browser, tmp_path_factory):
    """numpy/ and nn7/rng.js with the ziggurat.js the build makes for them, served and imported in a page."""
    folder = tmp_path_factory.mktemp("lab-random")
    copy_port(folder)
    (folder / "favicon.ico").write_bytes(b"")  # the blank page's favicon request is not an error
    modules = JsModules(browser, folder)
    try:
        yield modules
    finally:
        modules.close()


# ------------------------------------------------------------------ the streams of all seeds


@pytest.fixture(scope="module")
def js_streams(js):
    """For every seed, in the page: the data stream's permutations then integers, the init
    stream's normals, and integers on a fresh data stream (as `nn7 trace` draws them)."""
    out = page(js, """
      const perms = [], ints = [], fresh = [], normals = [];
      for (let seed = 0; seed < arg.seeds; seed++) {
        const { data, init } = m.streams(seed);
        for (const n of arg.perms) perms.push(data.permutation(n));
        ints.push(data.integers(0, 1000, arg.intsAfter));
        for (const k of arg.normals) normals.push(init.normal(k));
        fresh.push(m.streams(seed).data.integers(0, 1000, arg.intsFresh));
      }
      return { perms: b64(concat(Int16Array, perms)), ints: b64(concat(Float64Array, ints)),
               fresh: b64(concat(Float64Array, fresh)), normals: b64(concat(Float64Array, normals)) };
    """, {"seeds": len(SEEDS), "perms": PERMS, "normals": NORMALS, "intsAfter": INTS_AFTER,
          "intsFresh": INTS_FRESH})
    return {"perms": decode(out["perms"], np.int16), "ints": decode(out["ints"], np.float64),
            "fresh": decode(out["fresh"], np.float64), "normals": decode(out["normals"], np.float64)}


@pytest.fixture(scope="module")
def numpy_streams():
    perms, ints, fresh, normals = [], [], [], []
    for seed in SEEDS:
        data, init = streams(seed)
        perms += [data.permutation(n) for n in PERMS]
        ints.append(data.integers(0, 1000, size=INTS_AFTER))
        normals += [init.normal(size=k) for k in NORMALS]
        fresh.append(streams(seed).data.integers(0, 1000, size=INTS_FRESH))
    return {"perms": np.concatenate(perms).astype(np.int16), "ints": np.concatenate(ints).astype(np.float64),
            "fresh": np.concatenate(fresh).astype(np.float64), "normals": np.concatenate(normals)}


def test_permutations_equal_numpy_for_every_seed(js_streams, numpy_streams):
    layout = [(seed, f"data.permutation({n}) call {c + 1}", n) for seed in SEEDS for c, n in enumerate(PERMS)]
    diff = first_difference(js_streams["perms"], numpy_streams["perms"], layout)
    assert diff is None, diff


def test_normals_equal_numpy_for_every_seed(js_streams, numpy_streams):
    layout = [(seed, f"init.normal(size={k}) call {c + 1}", k) for seed in SEEDS for c, k in enumerate(NORMALS)]
    diff = first_difference(js_streams["normals"], numpy_streams["normals"], layout)
    assert diff is None, diff


def test_integers_equal_numpy_for_every_seed(js_streams, numpy_streams):
    layout = [(seed, "fresh data.integers(0, 1000, size=30)", INTS_FRESH) for seed in SEEDS]
    diff = first_difference(js_streams["fresh"], numpy_streams["fresh"], layout)
    assert diff is None, diff
    layout = [(seed, "data.integers(0, 1000, size=50) after the permutations", INTS_AFTER) for seed in SEEDS]
    diff = first_difference(js_streams["ints"], numpy_streams["ints"], layout)
    assert diff is None, diff


INTEGER_CASES = [  # (low, high, size), passed to JS as Numbers (high None: integers(low, size))
    (0, 1000, 200), (-5, 7, 200), (1000, None, 100), (0, 1, 20), (0, 2**31, 100), (3, 2**32 + 3, 100),
    (0, 2**32 - 1, 100), (-(2**40), 2**40, 100), (0, 2**53 - 1, 50),
]
BIG_INTEGER_CASES = [  # passed to JS as BigInt
    (-(2**62), 2**62, 50), (-(2**63), 2**63 - 1, 50), (-(2**63), 2**63, 20), (0, 2**63 - 1, 50),
    (5, 2**33, 50), (-9, 10**6, 50),
]


def test_integers_other_ranges_equal_numpy(js):
    """Lemire's method on 32-bit draws (buffered halves) and on 64-bit draws, one generator
    for all cases in a row, then scalars (no size)."""
    cases = [[lo, hi, n] for lo, hi, n in INTEGER_CASES]
    big = [[str(lo), str(hi), n] for lo, hi, n in BIG_INTEGER_CASES]
    out = page(js, """
      const g = m.defaultRng(12345);
      const res = [];
      for (const [lo, hi, n] of arg.cases) res.push(Array.from(g.integers(lo, hi, n)).map(String));
      for (const [lo, hi, n] of arg.big) res.push(Array.from(g.integers(BigInt(lo), BigInt(hi), n)).map(String));
      res.push([String(g.integers(0, 1000)), String(g.integers(7)), String(g.integers(-3n, 3n))]);
      return res;
    """, {"cases": cases, "big": big})
    g = np.random.default_rng(12345)
    want = [g.integers(lo, hi, size=n) if hi is not None else g.integers(lo, size=n) for lo, hi, n in INTEGER_CASES]
    want += [g.integers(lo, hi, size=n) for lo, hi, n in BIG_INTEGER_CASES]
    want.append(np.array([g.integers(0, 1000), g.integers(7), g.integers(-3, 3)]))
    labels = [f"integers({lo}, {hi}, size={n})" for lo, hi, n in INTEGER_CASES + BIG_INTEGER_CASES] + ["scalars"]
    for label, got, exp in zip(labels, out, want):
        exp = [str(int(v)) for v in exp]
        bad = [i for i, (a, b) in enumerate(zip(got, exp)) if a != b]
        assert len(got) == len(exp) and not bad, f"{label}: index {bad[:1]} differs: JS {got[:8]}, NumPy {exp[:8]}"


# ------------------------------------------------------------------ SeedSequence and PCG64

ENTROPIES = [0, 1, 2**32 + 5, 2**64 - 1, 2**128 + 12345, 123456789012345678901234567890, [1, 2, 3]]
SPAWN_KEYS = [(), (0,), (3, 7), (2**40 + 1,)]


def test_seed_sequence_and_pcg64_seeding_equal_numpy(js):
    """generate_state(8), spawn (twice, so the child count continues) and nested spawn, for
    several entropies and spawn keys; and the PCG64 state each sequence seeds."""
    as_js = lambda e: [str(v) for v in e] if isinstance(e, list) else str(e)  # noqa: E731
    cases = [[as_js(e), [str(k) for k in key]] for e in ENTROPIES for key in SPAWN_KEYS]
    out = page(js, """
      const big = (e) => Array.isArray(e) ? e.map(BigInt) : BigInt(e);
      return arg.map(([e, key]) => {
        const ss = new m.SeedSequence(big(e), key.map(BigInt));
        const kids = ss.spawn(2).concat(ss.spawn(1));
        const grandkids = kids[2].spawn(2);
        const describe = (s) => ({ key: s.spawnKey.map(String), words: Array.from(s.generateState(8)),
                                   pcg: { state: String(new m.PCG64(s).state.state), inc: String(new m.PCG64(s).state.inc) } });
        return { root: describe(ss), kids: kids.map(describe), grandkids: grandkids.map(describe) };
      });
    """, cases)
    for (entropy, key), got in zip(((e, k) for e in ENTROPIES for k in SPAWN_KEYS), out):
        ss = np.random.SeedSequence(entropy, spawn_key=key)
        kids = ss.spawn(2) + ss.spawn(1)
        grandkids = kids[2].spawn(2)
        for name, want_seq, got_seq in [("root", ss, got["root"])] + \
                [(f"child {i}", s, g) for i, (s, g) in enumerate(zip(kids, got["kids"]))] + \
                [(f"grandchild {i}", s, g) for i, (s, g) in enumerate(zip(grandkids, got["grandkids"]))]:
            where = f"SeedSequence({entropy}, spawn_key={key}) {name}"
            assert got_seq["key"] == [str(k) for k in want_seq.spawn_key], f"{where}: spawn key"
            assert got_seq["words"] == [int(w) for w in want_seq.generate_state(8)], f"{where}: generate_state(8)"
            state = np.random.PCG64(want_seq).state["state"]
            assert got_seq["pcg"] == {"state": str(state["state"]), "inc": str(state["inc"])}, f"{where}: PCG64 state"


def test_raw_outputs_and_state_equal_numpy(js):
    """nextUint64 / nextUint32 (with NumPy's buffered high half) / nextDouble interleaved, and
    the state (including the buffered half) afterwards."""
    kinds = [64, 32, 32, 32, 64, 0, 32, 0, 32, 32, 32] * 20  # 64: nextUint64, 32: nextUint32, 0: nextDouble
    out = page(js, """
      const p = new m.PCG64(2024);
      const seq = arg.map((kind) => kind === 64 ? String(p.nextUint64()) : kind === 32 ? p.nextUint32() : p.nextDouble());
      const st = p.state;
      return { seq, state: String(st.state), has: st.hasUint32, uint: st.uinteger };
    """, kinds)
    bg = np.random.PCG64(2024)
    for i, (kind, got) in enumerate(zip(kinds, out["seq"])):
        if kind == 64:
            want, got = int(bg.random_raw()), int(got)
        elif kind == 32:
            want = int(bg.ctypes.next_uint32(bg.ctypes.state))
        else:
            want = float(bg.ctypes.next_double(bg.ctypes.state))
        assert got == want, f"raw output {i} (kind {kind}) differs: JS {got!r}, NumPy {want!r}"
    st = bg.state
    assert (out["state"], out["has"], out["uint"]) == (str(st["state"]["state"]), bool(st["has_uint32"]),
                                                      int(st["uinteger"]))


# ------------------------------------------------------------------ the ziggurat


def test_a_million_standard_normals_per_seed_equal_numpy_bitwise(js):
    """Enough draws that the slow paths run thousands of times and the tail hundreds."""
    out = page(js, """
      return arg.seeds.map((seed) => b64(m.defaultRng(seed).standardNormal(arg.n)));
    """, {"seeds": BIG_SEEDS, "n": BIG})
    for seed, text in zip(BIG_SEEDS, out):
        want = np.random.default_rng(seed).standard_normal(BIG)
        got = decode(text, np.float64)
        diff = first_difference(got, want, [(seed, f"standard_normal() draw (of {BIG})", BIG)])
        assert diff is None, diff
        wedges, tails = slow_paths(seed, BIG)
        assert tails >= 100 and wedges >= 5000, f"seed {seed}: only {tails} tail and {wedges} wedge draws"


def slow_paths(seed: int, n: int) -> tuple[int, int]:
    """How many of the first n standard normals of default_rng(seed) left the fast path in a
    layer >= 1 (a wedge test) and in layer 0 (the tail), read off the raw words."""
    t = ziggurat.tables()
    ki = np.array(t["ki"], dtype=np.uint64)
    words = np.random.PCG64(seed).random_raw(n + n // 20)
    idx = words & np.uint64(0xFF)
    rabs = (words >> np.uint64(9)) & np.uint64((1 << 52) - 1)
    slow = np.flatnonzero(rabs >= ki[idx.astype(np.intp)])
    wedges = tails = 0
    pos = extra = 0  # next word that starts a draw; words consumed beyond one per draw
    for i in slow.tolist():
        if i < pos:
            continue  # a uniform consumed by an earlier slow path
        if i - extra >= n:
            break
        _, used = ziggurat.simulate_standard_normal([int(w) for w in words[i:i + 64]], t)
        tails += int(idx[i]) == 0
        wedges += int(idx[i]) != 0
        pos, extra = i + used, extra + used - 1
    return wedges, tails


def forced_state(first: int, second: int, salt: int = 0) -> tuple[int, int]:
    """A PCG64 (state, inc) whose next two raw outputs are ``first`` and ``second``: a state
    with high half h < 2**58 (no rotation) outputs h ^ low; the increment links the two."""
    sa = (salt << 64) | (first ^ salt)
    bit = ((second ^ sa) & 1) ^ 1  # the increment must be odd
    inc = (((bit << 64) | (second ^ bit)) - sa * M) & MASK128
    return ((sa - inc) * M_INV) & MASK128, inc


def numpy_forced(states) -> tuple[np.ndarray, list[int]]:
    bg = np.random.PCG64(0)
    g = np.random.Generator(bg)
    values, ends = [], []
    for s, inc in states:
        bg.state = {"bit_generator": "PCG64", "state": {"state": s, "inc": inc}, "has_uint32": 0, "uinteger": 0}
        values.append(g.standard_normal())
        ends.append(bg.state["state"]["state"])
    return np.array(values), ends


FORCED_JS = """
  const pcg = new m.PCG64(0), g = new m.Generator(pcg);
  const values = new Float64Array(arg.length), ends = [];
  arg.forEach(([s, inc], i) => {
    pcg.setState({ state: BigInt(s), inc: BigInt(inc) });
    values[i] = g.standardNormal();
    ends.push(String(pcg.state.state));
  });
  return { values: b64(values), ends };
"""


def test_forced_slow_paths_equal_numpy(js):
    """Raw outputs chosen so that every layer's wedge test and the tail run (with random
    heights and uniforms): the same value and the same number of raw outputs consumed."""
    rnd = np.random.default_rng(77)
    ki = ziggurat.tables()["ki"]
    states, labels = [], []
    for idx in range(256):
        for _ in range(12):
            rabs = int(rnd.integers(min(ki[idx], 2**52 - 1), 2**52))
            word = (rabs << 9) | (int(rnd.integers(2)) << 8) | idx
            states.append(forced_state(word, int(rnd.integers(0, 2**63)) * 2 + int(rnd.integers(2)),
                                       int(rnd.integers(2**20))))
            labels.append(f"layer {idx}, rabs {rabs:#x}")
    values, ends = numpy_forced(states)
    out = page(js, FORCED_JS, [[str(s), str(i)] for s, i in states])
    got = decode(out["values"], np.float64)
    diff = first_difference(got, values, [(None, label, 1) for label in labels])
    assert diff is None, diff
    bad = [i for i, (a, b) in enumerate(zip(out["ends"], ends)) if a != str(b)]
    assert not bad, f"{labels[bad[0]]}: the draw consumed a different number of raw outputs"


# ------------------------------------------------------------------ the log1p flavour


OTHER_FLAVOUR = {"glibc-fma": "glibc", "glibc": "glibc-fma"}


@pytest.fixture(scope="module")
def tail_cases(js):
    """Forced tails whose first uniform u1 makes glibc's two log1p builds (with and without
    FMA contraction) differ in the last bit."""
    us = page(js, """
      const found = [];
      let s = 0x2545f491;
      for (let n = 0; n < 5e6 && found.length < 150; n++) {
        s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
        const k = (s >>> 0) * 2097152 + (n & 0x1fffff);  // a 53-bit integer: u1 = k * 2**-53
        const x = -k / 9007199254740992;
        if (k && m.glibcLog1p(x, true) !== m.glibcLog1p(x, false)) found.push(k);
      }
      return found;
    """)
    assert len(us) == 150
    word = (2**52 - 1) << 9  # layer 0, rabs at the top: the tail
    return [forced_state(word, k << 11, j) for j, k in enumerate(us)]


def test_tail_uses_the_c_librarys_log1p(js, tail_cases):
    """The tail's log1p is the C library's, last bit included (NumPy calls it)."""
    flavour = ziggurat.tables()["log1p"]
    assert flavour in ziggurat.LOG1P_FLAVOURS, f"NumPy's C library log1p is not a known flavour: {flavour}"
    values, ends = numpy_forced(tail_cases)
    out = page(js, FORCED_JS, [[str(s), str(i)] for s, i in tail_cases])
    diff = first_difference(decode(out["values"], np.float64), values,
                            [(None, f"forced tail {i}", 1) for i in range(len(values))])
    assert diff is None, diff
    assert out["ends"] == [str(e) for e in ends]


def test_bite_log1p_flavour_matters(js, tail_cases):
    """With the other glibc log1p build in ziggurat.js, some of those tails differ."""
    flavour = ziggurat.tables()["log1p"]
    if flavour not in OTHER_FLAVOUR:
        pytest.skip(f"NumPy's C library log1p is the {flavour} flavour here")
    folder = js.folder / "other-log1p"
    text = (js.folder / "generated" / "ziggurat.js").read_text(encoding="utf-8")
    line = f"export const LOG1P = {json.dumps(flavour)};"
    assert line in text
    if not folder.exists():
        copy_port(folder, text.replace(line, f"export const LOG1P = {json.dumps(OTHER_FLAVOUR[flavour])};"))
    values, _ = numpy_forced(tail_cases)
    out = js.evaluate("async (arg) => { const m = await import('/other-log1p/numpy/random.js');" + PRELUDE + FORCED_JS + "}",
                      [[str(s), str(i)] for s, i in tail_cases])
    got = decode(out["values"], np.float64)
    assert np.count_nonzero(got.view(np.uint64) != values.view(np.uint64)) > 0


# ------------------------------------------------------------------ bite: one skipped draw


def test_bite_one_skipped_draw_is_noticed(js):
    """One extra 32-bit draw before the permutation, or one extra 64-bit draw before the
    normals, and the comparison fails for every seed tried."""
    out = page(js, """
      const perms = [], normals = [];
      for (let seed = 0; seed < 20; seed++) {
        const { data, init } = m.streams(seed);
        data.bitGenerator.nextUint32();
        perms.push(data.permutation(1000));
        init.bitGenerator.nextDouble();
        normals.push(init.normal(16));
      }
      return { perms: b64(concat(Int32Array, perms)), normals: b64(concat(Float64Array, normals)) };
    """)
    perms = decode(out["perms"], np.int32).reshape(20, 1000)
    normals = decode(out["normals"], np.float64).reshape(20, 16)
    for seed in range(20):
        data, init = streams(seed)
        assert first_difference(perms[seed], data.permutation(1000).astype(np.int32),
                                [(seed, "permutation(1000) after a skipped draw", 1000)]) is not None
        assert first_difference(normals[seed], init.normal(size=16),
                                [(seed, "normal(16) after a skipped draw", 16)]) is not None


# ------------------------------------------------------------------ the prober (nn7_dev.ziggurat) itself


def test_the_committed_ziggurat_tables_are_the_installed_numpys():
    """src/nn7_site/ziggurat.json (data the build turns into the lab's ziggurat.js) holds what
    probing the installed NumPy measures; an upgrade that changes them is caught here."""
    committed = json.loads(ZIGGURAT.read_text(encoding="utf-8"))
    t = ziggurat.tables()
    differ = [k for k in ("ki", "wi", "fi", "r", "inv_r", "log1p") if committed[k] != t[k]]
    assert not differ, (f"NumPy {t['numpy']} (or the C library's log1p) does not match {ZIGGURAT.name}, probed "
                        f"with NumPy {committed['numpy']}: {', '.join(differ)} differ. Regenerate it with "
                        "`.venv/bin/python tools/ziggurat.py`, then run the tests again")


def test_ziggurat_tables_reproduce_numpy_and_are_deterministic():
    t = ziggurat.tables()
    assert len(t["ki"]) == len(t["wi"]) == len(t["fi"]) == 256
    assert all(isinstance(k, int) and 0 <= k < 2**52 for k in t["ki"])
    assert t["fi"][0] == 1.0 and t["ki"][1] == 0  # the top layer: every draw takes the wedge test
    assert t["wi"][255] * 2.0**52 == t["r"]  # the last layer ends where the tail starts
    # A fresh measurement gives the same tables, and the committed data the same module text.
    text = ziggurat_module(ZIGGURAT.read_bytes())
    ziggurat._cached.cache_clear()
    again = ziggurat.tables()
    assert again == t and ziggurat_module(ZIGGURAT.read_bytes()) == text
    # The model with these tables gives NumPy's draws from the raw words, several seeds in a row.
    for seed in (3, 4, 5):
        words = [int(w) for w in np.random.PCG64(seed).random_raw(5200)]
        want = np.random.Generator(np.random.PCG64(seed)).standard_normal(5000)
        pos = 0
        for i in range(5000):
            value, used = ziggurat.simulate_standard_normal(words[pos:pos + 64], t)
            assert value == want[i], f"seed {seed}, draw {i}: model {value!r}, NumPy {want[i]!r}"
            pos += used
    for name in ("ki", "wi", "fi"):
        assert f"export const {'KI_HEX' if name == 'ki' else name.upper()} = [" in text
    assert all(repr(float(v)) in text for v in t["fi"])
