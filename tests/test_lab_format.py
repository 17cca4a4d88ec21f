"""The lab's number formatting (docs/assets/lab/numpy/printing.js) against Python and NumPy.

The lab's JavaScript mirror of the training code must print log lines identical to
``python -m nn7 train``; its formatters run here in headless Chromium on many seeded cases
(evaluated in bulk, one page call per batch) and on the hard edges, and each result must equal
Python's ``format``/``repr`` or NumPy's ``array2string`` character for character.
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from nn7_dev.browser import JsModules

MODULE = Path(__file__).resolve().parents[1] / "docs" / "assets" / "lab" / "numpy" / "printing.js"
NAN, INF = float("nan"), float("inf")

# Per-case JavaScript expressions of `m` (the module) and `c` (one case), run in bulk by `run`.
FIXED = "m.pyFixed(c[0], c[1])"
G_REPR = "[m.pyG(c), m.pyRepr(c)]"
ARRAYS = "(() => { try { return m.arrayLine(c[0], c[1]); } catch (e) { return 'error: ' + e; } })()"
NATIVE_FIXED = "c[0].toFixed(c[1])"  # JavaScript's own rounding, for the bite test

# The cases travel as one JSON text (much faster than Playwright's argument serialisation);
# NaN and the infinities, which JSON lacks, as strings; -0.0 survives JSON.
BULK = """async ([text, expr]) => {
    const m = await import('/npformat.js');
    const special = {nan: NaN, inf: Infinity, '-inf': -Infinity};
    const cases = JSON.parse(text, (k, v) => (typeof v === 'string' && Object.hasOwn(special, v) ? special[v] : v));
    const f = new Function('m', 'c', 'return ' + expr);
    return JSON.stringify(cases.map((c) => f(m, c)));
}"""


def encode(case):
    if isinstance(case, (list, tuple)):
        return [encode(v) for v in case]
    if isinstance(case, float) and not math.isfinite(case):
        return "nan" if math.isnan(case) else ("inf" if case > 0 else "-inf")
    return case


def run(js, expr, cases):
    """`expr` evaluated in the page for every case, in one call."""
    return json.loads(js.evaluate(BULK, [json.dumps(encode(list(cases))), expr]))


def array_line(a, precision=8):
    """The reference: nn7's one array formatter."""
    text = np.array2string(np.asarray(a, dtype=np.float64), precision=precision, separator=" ",
                           max_line_width=10**9)
    return " ".join(part.strip() for part in text.split("\n"))


@pytest.fixture(scope="module")
def npformat(browser, tmp_path_factory):
    folder = tmp_path_factory.mktemp("npformat")
    shutil.copy(MODULE, folder / "npformat.js")  # it imports nothing: served alone
    (folder / "favicon.ico").write_bytes(b"")  # no 404 from the page's favicon request in the error list
    js = JsModules(browser, folder)
    try:
        yield js
        assert not js.errors, js.errors
    finally:
        js.close()


def mismatches(cases, got, want):
    assert len(got) == len(want) == len(cases)
    return [(c, g, w) for c, g, w in zip(cases, got, want) if g != w]


def assert_same(cases, got, want):
    bad = mismatches(cases, got, want)
    shown = "\n".join(f"  {c!r}: JS {g!r} != Python {w!r}" for c, g, w in bad[:10])
    assert not bad, f"{len(bad)} of {len(cases)} differ, e.g.\n{shown}"


# ------------------------------------------------------------------------------- cases

def random_values(rng: np.random.Generator, n: int) -> list[float]:
    """n floats: random magnitudes, exact binary ties, decimal halfway points and their
    neighbours, arbitrary bit patterns (subnormal, huge, non-finite) and wide normals."""
    k = n // 5
    out = [float(x) for x in 10.0 ** rng.uniform(-12, 6, k) * rng.choice([-1.0, 1.0], k)]
    digits = rng.choice([0, 1, 2, 3, 4, 4, 4, 5, 6, 6, 6, 7, 8, 10, 12, 15, 17], k)
    bits = rng.integers(1, 30, k)
    for d, b in zip(digits.tolist(), bits.tolist()):  # odd / 2**(d+1): a tie at d fraction digits
        m = int(rng.integers(0, 2 ** min(52, d + 1 + b)))
        out.append((2 * m + 1) / 2 ** (d + 1) * float(rng.choice([-1.0, 1.0])))
    for _ in range(k // 3):  # x.xxxx5 written in decimal: just above or below the tie
        d = int(rng.choice([2, 4, 6, 8]))
        frac = "".join(map(str, rng.integers(0, 10, d).tolist())) + "5"
        x = float(f"{int(rng.integers(0, 10 ** int(rng.integers(0, 7))))}.{frac}")
        out += [x, float(np.nextafter(x, INF)), float(np.nextafter(x, -INF))]
    out += [float(x) for x in rng.integers(0, 2**64, k, dtype=np.uint64).view(np.float64)]
    out += [float(x) for x in rng.standard_normal(k) * 10.0 ** rng.integers(-8, 25, k)]
    return out


HARD_VALUES = [0.0, -0.0, 0.125, -0.125, 0.375, 0.5, 1.5, 2.5, -2.5, 9.5, 0.1, 0.2, 0.3, 1 / 3, 2 / 3, 1.005, 2.675,
               1e-5, 1e-4, 9.99995e-5, 0.0001220703125, 12.03125, 1234565.0, 1234575.0, 999999.5, 9999995.0, 100000.0,
               1e6, 100.0, 1e15, 1e16, 1e17, 2.0**53, 2.0**53 + 2, 1e21, 1e22, 999999999999999999999.0, 1e300,
               1.7976931348623157e308, -1.7976931348623157e308, 2.2250738585072014e-308, 5e-324, -5e-324, 1e-323,
               NAN, INF, -INF, -3.37, 2.94, -0.0362, 6.9882e-05]


def random_arrays(rng: np.random.Generator, n: int) -> list[tuple[list, int]]:
    """n arrays of the shapes the lab prints, precision 8 or 4 (sometimes another), mixing
    magnitudes that keep fixed notation with ones that force scientific notation."""
    pool = [0.0, -0.0, 0.5, 1.0, 100.0, 1e8, 99999999.99, 1e-5, -1e-5, 1e-4, 9.99e-5, 1000.0, 1001.0, 1e-300, 1e300,
            5e-324, -3.37, 2.94, -0.0362, 0.125, 2.0**-13, 3 * 2.0**-14, 1234567885.0, 0.1, 0.2, 0.30000000000000004,
            1 / 3, NAN, INF, -INF]
    shapes = [(1, 1), (1, 2), (2, 1), (1, 8), (8, 1), (2, 3)]

    def value(kind: int) -> float:
        if kind == 0:
            return float(rng.choice(pool))
        if kind == 1:
            return float(10.0 ** rng.uniform(-7, 10) * rng.choice([-1.0, 1.0]))
        if kind in (2, 3):
            return float(rng.normal() * 3)  # weights and biases as in training
        if kind == 4:
            return float(rng.integers(-2**20, 2**20) / 2.0 ** rng.integers(0, 30))  # exact binary
        if kind == 5:
            return round(float(rng.normal() * 10.0 ** rng.integers(-6, 9)), int(rng.integers(0, 12)))
        return float(rng.uniform(-1, 1) * 10.0 ** rng.integers(-4, 4))

    out = []
    for i in range(n):
        rows, cols = shapes[i % len(shapes)]
        finite_only = rng.random() < 0.9
        fixed_only = rng.random() < 0.4  # kinds that mostly stay in fixed notation
        a = []
        for _ in range(rows):
            row = []
            for _ in range(cols):
                v = value(int(rng.choice([2, 3, 6])) if fixed_only else int(rng.integers(0, 7)))
                while finite_only and not math.isfinite(v):
                    v = value(int(rng.integers(1, 7)))
                row.append(v)
            a.append(row)
        out.append((a, [8, 4, 8, 4, int(rng.integers(0, 18))][i % 5]))
    return out


HARD_ARRAYS = [
    [[0.0, 0.0]], [[-0.0, 0.0]], [[-0.0]], [[0.0, -0.0], [-0.0, 0.0]], [[1e-5, 1e-5]], [[6.9882e-05, 6.9882e-05]],
    [[1.234, -0.5]], [[-3.37, 2.94]], [[0.1], [0.2]], [[-0.0362], [-0.0362]], [[0.5, 1.0, 100.0, 1e8]],
    [[1.0, 1000.0]], [[1.0, 1001.0]], [[0.0001, 0.1]], [[0.0001, 0.1000001]], [[9.99999999e-5]], [[0.999999995]],
    [[99999.999999995, 1.0]], [[2.0**-13, 1.0]], [[1.0 / 512, 0.5]], [[3.0 / 512, 0.5]], [[1234567885.0]],
    [[1e7, 1e7 + 0.5]], [[12345678.9]], [[1e-5, 1e100]], [[-INF, 1.23e-5, 1e100]], [[1e-323, 1.5e-300, 1.0]],
    [[1.7976931348623157e308, -5e-324]], [[NAN, INF]], [[NAN, -INF]], [[-INF]], [[1.0, NAN]], [[-1.0, INF]],
    [[INF, 1.5, -2.25]], [[NAN, -1e-5]], [[-0.0, 1e-5]], [[0.0, 1e9]], [[0.0, 1e-5, 1.5e-5]], [[1e16]], [[1e22, 1.0]],
]


# ------------------------------------------------------------------------------- tests

def test_pyfixed_matches_python(npformat):
    rng = np.random.default_rng(20240601)
    values = random_values(rng, 60_000)
    digits = rng.choice([4, 6, 4, 6, 0, 1, 2, 3, 5, 7, 8, 10, 12, 15, 17], len(values)).tolist()
    cases = list(zip(values, digits)) + [(x, d) for x in HARD_VALUES for d in range(18)]
    got = run(npformat, FIXED, cases)
    assert_same(cases, got, [format(x, f".{d}f") for x, d in cases])


def test_pyg_and_pyrepr_match_python(npformat):
    rng = np.random.default_rng(20240602)
    values = random_values(rng, 30_000) + HARD_VALUES
    for _ in range(1000):  # ties at six significant digits: integers ending in 5, binary fractions
        values.append(float(int(rng.integers(10**6, 10**int(rng.integers(7, 18)))) * 10 + 5))
        values.append(int(rng.integers(1, 2**30)) / 2.0 ** int(rng.integers(1, 40)))
    got = run(npformat, G_REPR, values)
    assert_same(values, [g for g, _ in got], [format(x, "g") for x in values])
    assert_same(values, [r for _, r in got], [repr(x) for x in values])


def test_array_line_matches_numpy(npformat):
    rng = np.random.default_rng(20240603)
    cases = random_arrays(rng, 6000) + [(a, p) for a in HARD_ARRAYS for p in (8, 4, 0, 1, 2, 17)]
    got = run(npformat, ARRAYS, cases)
    assert_same(cases, got, [array_line(a, p) for a, p in cases])


def test_array_line_examples(npformat):
    examples = [([[0.0, 0.0]], 8, "[[0. 0.]]"), ([[-0.0362], [-0.0362]], 4, "[[-0.0362] [-0.0362]]"),
                ([[6.9882e-05, 6.9882e-05]], 8, "[[6.9882e-05 6.9882e-05]]"), ([[1.234, -0.5]], 8, "[[ 1.234 -0.5  ]]"),
                ([[1e-5, NAN]], 8, "[[1.e-05    nan]]"), ([[2.0**-13, 1.0]], 8, "[[1.22070312e-04 1.00000000e+00]]")]
    for a, p, text in examples:
        assert array_line(a, p) == text
    assert run(npformat, ARRAYS, [[a, p] for a, p, _ in examples]) == [text for _, _, text in examples]
    # The default precision is 8; 0-d, 1-d, 3-d and empty arrays and typed rows work as in NumPy.
    others = [[[1 / 3, -2 / 3]], 3.5, 1e-5, [1.5, 2.0], [[[1.0, 2.0]], [[3.0, 4.0]]], [[]]]
    got = npformat.evaluate("""async (arrays) => { const m = await import('/npformat.js');
        return arrays.map((a) => m.arrayLine(a)).concat([m.arrayLine([Float64Array.of(1.5, -2)], 4)]); }""", others)
    assert got == [array_line(a) for a in others] + [array_line([[1.5, -2.0]], 4)]
    # NumPy would summarise more than 1000 elements with "..."; arrayLine refuses instead.
    assert run(npformat, ARRAYS, [[[0.0] * 1001, 8]]) == ["error: RangeError: arrayLine: more than 1000 "
                                                              "elements (NumPy summarises them)"]


def test_comparison_catches_a_wrong_formatter(npformat):
    """The bite: JavaScript's own toFixed rounds exact binary ties away from zero where Python
    rounds to even (0.125 -> '0.13' against '0.12'); the same comparison must flag it."""
    assert npformat.call("npformat.js", "pyFixed", 0.125, 2) == "0.12" == format(0.125, ".2f")
    rng = np.random.default_rng(20240604)
    cases = [(0.125, 2), (2.5, 0), (0.375, 2)] + [(x, d) for x, d in zip(random_values(rng, 2000), [4, 6] * 1000)
                                                  if math.isfinite(x) and abs(x) < 1e21]
    want = [format(x, f".{d}f") for x, d in cases]
    bad = mismatches(cases, run(npformat, NATIVE_FIXED, cases), want)
    assert ((0.125, 2), "0.13", "0.12") in bad and ((2.5, 0), "3", "2") in bad
    assert_same(cases, run(npformat, FIXED, cases), want)
