"""How the tables are measured from the installed NumPy (``measure``).

The state of a ``numpy.random.PCG64`` can be set to anything, and its output
function (XSL-RR) and step (a 128-bit LCG) are invertible, so a state can be chosen whose
next raw output is any word we like, and, choosing the increment too, whose next *two*
outputs are. After one ``standard_normal()`` call the bit generator's state says how many
raw outputs the call consumed, hence which path it took. So:

* ``wi[idx]``: ``rabs = 1`` returns ``1 * wi[idx]`` exactly.
* ``ki[idx]``: the smallest ``rabs`` whose call consumes more than one output (a search
  started from the estimate ``x[idx-1] / x[idx] * 2**52``, where ``x[i] = wi[i] * 2**52``).
* ``fi[idx]``, ``idx >= 1``: with the second output's uniform ``u = 0`` the test reads
  ``fi[idx] < exp(-0.5 x²)``; pick the largest ``rabs`` it accepts (``e = exp(-0.5 x²)`` just
  above ``fi[idx]``), then search the smallest ``u = k * 2**-53`` it rejects. Only one double
  ``fi[idx]`` (near the estimate ``exp(-0.5 x[idx]²)``) predicts that threshold ``k``: a step of
  one ulp in ``fi[idx]`` moves ``k`` by ``2**53 ulp / (fi[idx-1] - fi[idx])``, i.e. many steps.
* ``fi[0]`` (used only by layer 1, as ``fi[idx-1]``): the same threshold in layer 1 with
  ``x`` tiny (``exp(-0.5 x²) == 1.0``), where ``u`` is near 1.
* ``r``: the tail with ``u1 = 0`` gives ``xx = +0`` and returns ``r`` itself.
* ``inv_r``: the doubles near ``1 / r`` that reproduce NumPy's tail results (value and
  outputs consumed) for many forced ``u1``. ``r + xx`` rounds away the last bits of ``xx``;
  if several candidates survive, the one closest to ``1 / r`` is kept and a note says so.
* The tail calls the C library's ``log1p`` (NumPy links it; Python's ``math.log1p`` is the
  same function). Implementations differ in the last bit (glibc picks an FMA-contracted
  build on CPUs with FMA), so the flavour the JavaScript must imitate is recognised on a
  few inputs that tell the known flavours apart (:data:`LOG1P_FLAVOURS`).

Finally every probe, plus forced slow paths in every layer and a run of ordinary draws,
is simulated in Python with the measured tables (using ``math.exp``/``math.log1p``, the
functions NumPy calls) and must give NumPy's values and output counts exactly; otherwise
``measure`` raises.

The JavaScript uses ``Math.exp`` in the layer test; V8's ``exp`` and the C library's differ in
the last bit for some arguments, which changes a decision only if the left-hand side equals
one of the two adjacent doubles exactly (about 1e-17 per draw), so it is not imitated.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np

from .model import (
    LOG1P_PROBES,
    MANTISSA,
    MASK128,
    MULT,
    MULT_INV,
    TWO52,
    TWO53,
    Tables,
    log1p_flavour,
    output,
    preimage,
    simulate,
)

# ------------------------------------------------------------------ probing NumPy


@dataclass
class _Observation:
    value: float
    words: list[int]  # the raw outputs the call consumed, in order


class _Prober:
    """A NumPy PCG64 Generator whose next raw outputs are chosen before each call."""

    def __init__(self) -> None:
        self.bitgen = np.random.PCG64(0)
        self.gen = np.random.Generator(self.bitgen)
        self.log: list[_Observation] = []

    def normal(self, first: int, second: int | None = None, salt: int = 0) -> _Observation:
        """standard_normal() with the next raw output ``first`` (and ``second``)."""
        sa = preimage(first, salt)  # the state after the first step
        if second is None:
            inc = 1
        else:
            # the increment makes the second step land on a state whose output is `second`;
            # it must be odd, so the second state's parity must differ from the first's
            bit = ((second ^ sa) & 1) ^ 1
            inc = (preimage(second, bit) - sa * MULT) & MASK128
        s0 = ((sa - inc) * MULT_INV) & MASK128  # one step back
        self.bitgen.state = {"bit_generator": "PCG64", "state": {"state": s0, "inc": inc},
                             "has_uint32": 0, "uinteger": 0}
        value = float(self.gen.standard_normal())
        end = self.bitgen.state["state"]["state"]
        words, s = [], s0
        while s != end:
            s = (s * MULT + inc) & MASK128
            words.append(output(s))
            if len(words) > 10_000:
                raise RuntimeError("standard_normal() consumed an unexpected number of raw outputs")
        obs = _Observation(value, words)
        self.log.append(obs)
        return obs


def _first_true(pred, lo: int, hi: int, guess: int) -> int:
    """The smallest t in (lo, hi] with pred(t), for pred monotone (False then True), pred(lo)
    False and pred(hi) True (neither is evaluated); galloping out from ``guess``."""
    guess = min(max(guess, lo + 1), hi)
    step = 1
    if guess < hi:
        if pred(guess):
            hi = guess
            while hi - step > lo:
                t = hi - step
                if pred(t):
                    hi = t
                    step *= 2
                else:
                    lo = t
                    break
        else:
            lo = guess
            while lo + step < hi:
                t = lo + step
                if pred(t):
                    hi = t
                    break
                lo = t
                step *= 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if pred(mid):
            hi = mid
        else:
            lo = mid
    return hi


def _k_threshold(fi_prev: float, fi: float, e: float) -> int:
    """The smallest k in [0, 2**53] for which the layer test rejects,
    ``not ((fi_prev - fi) * (k * 2**-53) + fi < e)``, evaluated in doubles as NumPy does
    (2**53 stands for "no uniform rejects")."""
    delta = fi_prev - fi

    def rejects(k: int) -> bool:
        return not (delta * (k * (1.0 / TWO53)) + fi < e)

    if rejects(0):
        return 0
    guess = int(min(max((e - fi) / delta * TWO53, 1.0), float(TWO53))) if delta > 0 else TWO53
    return _first_true(rejects, 0, TWO53, guess)


def _neighbours(x: float, n: int) -> list[float]:
    """x and the n doubles on either side of it, in increasing order."""
    down, up = [x], [x]
    for _ in range(n):
        down.append(math.nextafter(down[-1], -math.inf))
        up.append(math.nextafter(up[-1], math.inf))
    return down[:0:-1] + up


def _doubles_explaining(ok, centre: float, estimate: float) -> list[float]:
    """All doubles c with ok(c), searched around ``centre`` (where the measurement puts the
    value) and, failing that, in a wide window around ``estimate``. ``ok`` is assumed to hold
    on a run of consecutive doubles; the run is followed until 4 doubles fail on each side."""
    for start, width in ((centre, 8), (estimate, 64), (estimate, 4096)):
        hits = [c for c in _neighbours(start, width) if ok(c)]
        if hits:
            break
    else:
        return []
    for direction in (-math.inf, math.inf):  # extend the run past the window if it reaches the edge
        c, misses = (hits[0] if direction < 0 else hits[-1]), 0
        while misses < 4:
            c = math.nextafter(c, direction)
            if ok(c):
                hits.append(c)
                misses = 0
            else:
                misses += 1
    return sorted(set(hits))


def _layer_widths(p: _Prober) -> list[float]:
    # wi: rabs = 1 (sign +) returns 1 * wi[idx]; a slow path with u = 0 returns the same x
    wi = []
    for idx in range(256):
        obs = p.normal((1 << 9) | idx, 0)
        if len(obs.words) > 2:
            raise RuntimeError(f"standard_normal: rabs = 1 in layer {idx} was rejected")
        wi.append(obs.value)
    return wi


def _fast_path_limits(p: _Prober, x: list[float], notes: list[str]) -> list[int]:
    # ki: the first rabs that leaves the fast path
    def slow(idx: int, rabs: int) -> bool:
        return len(p.normal((rabs << 9) | idx, 0).words) > 1

    ki = []
    for idx in range(256):
        prev = x[255] if idx == 0 else (0.0 if idx == 1 else x[idx - 1])
        guess = int(prev / x[idx] * TWO52)
        k = _first_true(lambda t, i=idx: slow(i, t), -1, TWO52, guess)
        if k == TWO52:
            notes.append(f"ki[{idx}]: no 52-bit rabs leaves the fast path; any ki >= 2**52 behaves alike, "
                         "2**52 is written")
        ki.append(k)
    return ki


def _layer_heights(p: _Prober, x: list[float], wi: list[float], ki: list[int], notes: list[str]) -> list[float]:
    # fi[idx], idx >= 1
    def accepts(idx: int, rabs: int, k: int) -> bool:
        return len(p.normal((rabs << 9) | idx, k << 11).words) == 2

    fi_est = [1.0] + [math.exp(-0.5 * xi * xi) for xi in x[1:]]
    probes = {}  # idx -> (e, k*): the uniform threshold measured against e = exp(-x²/2)
    for idx in range(1, 256):
        # the largest rabs accepted with u = 0, i.e. the smallest exp(-x²/2) above fi[idx]
        first_reject = _first_true(lambda t, i=idx: not accepts(i, t, 0), ki[idx] - 1, TWO52, TWO52 - 1)
        rsel = first_reject - 1
        if rsel < ki[idx] or rsel < 0:
            raise RuntimeError(f"standard_normal: layer {idx} rejects every x with u = 0")
        xs = rsel * wi[idx]
        e = math.exp(-0.5 * xs * xs)
        k_est = _k_threshold(fi_est[idx - 1], fi_est[idx], e)
        kstar = _first_true(lambda k, i=idx, r=rsel: not accepts(i, r, k), 0, TWO53, k_est)
        e_low = None
        if first_reject < TWO52:
            xr = first_reject * wi[idx]
            e_low = math.exp(-0.5 * xr * xr)
        probes[idx] = (e, kstar, e_low)

    # fi[0]: layer 1 with x tiny, where exp(-x²/2) == 1.0 and the threshold u is near 1
    r1 = max(ki[1], 1)
    x1 = r1 * wi[1]
    e1 = math.exp(-0.5 * x1 * x1)
    k1 = _first_true(lambda k: not accepts(1, r1, k), 0, TWO53, _k_threshold(1.0, fi_est[1], e1))

    # solve: fi[idx] is the double near its estimate that predicts the measured threshold;
    # the prediction needs fi[idx-1] too, so iterate until nothing changes
    fi = list(fi_est)
    ambiguous: dict[int, list[float]] = {}
    for _ in range(4):
        new = list(fi)
        for idx in range(1, 256):
            e, kstar, e_low = probes[idx]
            cands = _doubles_explaining(
                lambda c, i=idx, e=e, k=kstar, lo=e_low: (c < e and (lo is None or c >= lo)
                                                          and _k_threshold(fi[i - 1], c, e) == k),
                e - (fi[idx - 1] - fi_est[idx]) * (kstar / TWO53), fi_est[idx])
            if not cands:
                raise RuntimeError(f"standard_normal: no fi[{idx}] explains the measured threshold")
            new[idx] = min(cands, key=lambda c, i=idx: (abs(c - fi_est[i]), c))
            ambiguous.pop(idx, None)
            if len(cands) > 1:
                ambiguous[idx] = cands
        cands = _doubles_explaining(lambda c: _k_threshold(c, new[1], e1) == k1,
                                    new[1] + (e1 - new[1]) / (k1 / TWO53) if k1 else 1.0, 1.0)
        if not cands:
            raise RuntimeError("standard_normal: no fi[0] explains the measured threshold")
        new[0] = min(cands, key=lambda c: (abs(c - 1.0), c))
        ambiguous.pop(0, None)
        if len(cands) > 1:
            ambiguous[0] = cands
        if new == fi:
            break
        fi = new
    for idx, cands in sorted(ambiguous.items()):
        notes.append(f"fi[{idx}]: {len(cands)} doubles ({cands[0]!r} .. {cands[-1]!r}) behave alike on the "
                     f"probes; the one nearest the estimate, {fi[idx]!r}, is written")
    return fi


def _tail(p: _Prober, ki: list[int], wi: list[float], fi: list[float], notes: list[str]) -> tuple[float, float]:
    # r: the tail with u1 = 0 returns r + 0 (rabs >= ki[0], bit 8 of rabs clear: sign +)
    tail_rabs = (TWO52 - 1) & ~0x100
    assert tail_rabs >= ki[0]
    for salt in range(64):
        obs = p.normal(tail_rabs << 9, 0, salt)
        if len(obs.words) == 3:  # accepted at once (u2 > 0)
            r = obs.value
            break
    else:
        raise RuntimeError("standard_normal: the tail never accepted xx = 0")

    # inv_r: the doubles near 1/r that reproduce forced tail draws
    tail_obs = [p.normal(tail_rabs << 9, ((j * TWO53) // 97) << 11, j) for j in range(1, 97)]
    tail_obs += [p.normal(tail_rabs << 9, (TWO53 - (1 << j)) << 11, j) for j in range(1, 40)]
    base = Tables(ki, wi, fi, r, 0.0)

    def explains(c: float) -> bool:
        base.inv_r = c
        return all(simulate(base, o.words) == (o.value, len(o.words)) for o in tail_obs)

    tail_obs.reverse()  # the large u1 first: they tell candidates apart soonest
    inv_cands = [c for c in _neighbours(1.0 / r, 64) if explains(c)]
    if not inv_cands:
        raise RuntimeError("standard_normal: no inv_r near 1/r explains the tail")
    inv_r = min(inv_cands, key=lambda c: (abs(c - 1.0 / r), c))
    if len(inv_cands) > 1:
        notes.append(f"inv_r: {len(inv_cands)} doubles behave alike on the tail probes "
                     f"({', '.join(map(repr, inv_cands))}); the one nearest 1/r, {inv_r!r}, is written")
    return r, inv_r


def measure() -> dict:
    """The tables, one kind after another (each kind's probes need the ones before)."""
    p = _Prober()
    notes: list[str] = []
    wi = _layer_widths(p)
    x = [w * TWO52 for w in wi]  # layer edges; x[255] is r, x[0] the base strip's width
    ki = _fast_path_limits(p, x, notes)
    fi = _layer_heights(p, x, wi, ki, notes)
    r, inv_r = _tail(p, ki, wi, fi, notes)
    t = Tables(ki, wi, fi, r, inv_r)
    _verify(p, t)
    return {"ki": ki, "wi": wi, "fi": fi, "r": r, "inv_r": inv_r, "log1p": log1p_flavour(),
            "numpy": np.__version__, "probes": len(p.log), "notes": notes}


def _verify(p: _Prober, t: Tables) -> None:
    """Every observation so far, forced slow paths in every layer and the tail, and a run of
    ordinary draws must come out of the model exactly (value and raw outputs consumed)."""
    rnd = random.Random(20240607)  # fixed: the same probes every time
    for idx in range(256):
        for _ in range(2):
            rabs = rnd.randrange(min(t.ki[idx], MANTISSA), TWO52)
            p.normal((rabs << 9) | (rnd.getrandbits(1) << 8) | idx, rnd.getrandbits(64), rnd.getrandbits(20))
    for row in LOG1P_PROBES:  # tails whose xx goes through the flavour-specific inputs
        u1 = -float(row[0])
        p.normal(((TWO52 - 1) << 9) | (1 << 8), int(u1 * TWO53) << 11, 7)
    for o in p.log:
        got = simulate(t, o.words)
        if got is None or got[1] != len(o.words) or got[0].hex() != o.value.hex():
            raise RuntimeError("the probed ziggurat does not reproduce NumPy's standard_normal on raw outputs "
                               f"{[hex(w) for w in o.words]}: NumPy gave {o.value!r}, the model {got!r}")
    bitgen = np.random.PCG64(987654321)
    n = 4000
    words = [int(w) for w in bitgen.random_raw(4 * n + 64)]
    values = np.random.Generator(np.random.PCG64(987654321)).standard_normal(n)
    pos = 0
    for i in range(n):
        got = simulate(t, words[pos:pos + 64])
        if got is None or got[0] != values[i]:
            raise RuntimeError(f"the probed ziggurat does not reproduce NumPy's standard_normal draw {i} "
                               "of PCG64(987654321)")
        pos += got[1]
