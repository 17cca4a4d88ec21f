"""The model of NumPy's ``Generator.standard_normal`` that the probed tables must satisfy:
PCG64's arithmetic (its output function and its invertible step, so that a state can be chosen
for the outputs a probe wants), the C library's ``log1p`` flavours, and one draw computed from
raw outputs as NumPy computes it (see the package doc for the algorithm)."""

from __future__ import annotations

import math
from dataclasses import dataclass

# ------------------------------------------------------------------ PCG64 arithmetic

MULT = 0x2360ED051FC65DA44385DF649FCCF645  # PCG64's LCG multiplier
MASK64 = (1 << 64) - 1
MASK128 = (1 << 128) - 1
MULT_INV = pow(MULT, -1, 1 << 128)  # the LCG step is invertible: the multiplier is odd
TWO52 = 1 << 52
TWO53 = 1 << 53
MANTISSA = TWO52 - 1


def output(state: int) -> int:
    """XSL-RR 128/64: xor the two halves, rotate right by the top six bits."""
    hi, lo = state >> 64, state & MASK64
    rot = hi >> 58
    x = hi ^ lo
    return ((x >> rot) | (x << (64 - rot))) & MASK64


def preimage(word: int, hi: int = 0) -> int:
    """A 128-bit state whose output is ``word``: with ``hi < 2**58`` the rotation is 0."""
    return (hi << 64) | (word ^ hi)


def uniform(word: int) -> float:
    """next_double: the top 53 bits of a raw word times 2**-53 (exact)."""
    return (word >> 11) * (1.0 / TWO53)


# ------------------------------------------------------------------ log1p flavours

# Inputs on which the known C-library log1p implementations differ in the last bit, with
# each flavour's result: "glibc-fma" is glibc's fdlibm-derived log1p (polynomial in Estrin-like
# groups) as built with FMA contraction, which glibc selects at run time on x86-64 CPUs with
# FMA; "glibc" the same source without FMA; "fdlibm" the classic Horner evaluation (Node's
# Math.log1p). The values come from numpy/log1p.js's implementations, which were checked against
# both glibc 2.36 builds on 2.4 million inputs.
LOG1P_PROBES = [  # (x, glibc-fma, glibc, fdlibm) as shortest round-trip decimals
    ("-0.35344518533525615", "-0.4360972975666746", "-0.43609729756667465", "-0.43609729756667465"),
    ("-0.3632773283862466", "-0.45142108459286623", "-0.4514210845928663", "-0.45142108459286623"),
    ("-0.31663244377805", "-0.3807224144958438", "-0.38072241449584376", "-0.38072241449584376"),
    ("-0.3130409649945516", "-0.37548061735068605", "-0.37548061735068605", "-0.375480617350686"),
    ("-0.8191814346096724", "-1.7102611516147563", "-1.7102611516147566", "-1.7102611516147563"),
    ("-0.3021830487750474", "-0.3597984581413821", "-0.3597984581413821", "-0.35979845814138206"),
    ("-0.36962604320006753", "-0.4614420534746877", "-0.4614420534746877", "-0.46144205347468764"),
    ("-0.3775918640304342", "-0.4741592342728559", "-0.47415923427285583", "-0.4741592342728559"),
    ("-0.2866568780294292", "-0.33779273733985", "-0.33779273733985", "-0.33779273733985005"),
    ("-0.37771741334166653", "-0.4743609700283744", "-0.47436097002837435", "-0.4743609700283744"),
    ("-0.2922448900641408", "-0.3456571350432365", "-0.34565713504323653", "-0.34565713504323653"),
    ("-0.247057963626087", "-0.2837670310721936", "-0.28376703107219353", "-0.28376703107219353"),
]
LOG1P_FLAVOURS = ("glibc-fma", "glibc", "fdlibm")


def log1p_flavour() -> str:
    """Which known log1p the C library's (``math.log1p``, what NumPy calls) is, or 'unknown'."""
    for column, name in enumerate(LOG1P_FLAVOURS, start=1):
        if all(math.log1p(float(row[0])) == float(row[column]) for row in LOG1P_PROBES):
            return name
    return "unknown"


# ------------------------------------------------------------------ the model


@dataclass
class Tables:
    ki: list[int]
    wi: list[float]
    fi: list[float]
    r: float
    inv_r: float


def simulate(t: Tables, words) -> tuple[float, int] | None:
    """One standard normal from the raw words ``words`` (an indexable sequence), computed as
    NumPy does with tables ``t``: (value, words used), or None if ``words`` ran out."""
    used = 0

    def draw() -> int:
        nonlocal used
        used += 1
        return words[used - 1]

    try:
        while True:
            w = draw()
            idx = w & 0xFF
            rabs = (w >> 9) & MANTISSA
            x = rabs * t.wi[idx]
            if (w >> 8) & 1:
                x = -x
            if rabs < t.ki[idx]:
                return x, used
            if idx == 0:
                while True:
                    xx = -t.inv_r * math.log1p(-uniform(draw()))
                    yy = -math.log1p(-uniform(draw()))
                    if yy + yy > xx * xx:
                        return (-(t.r + xx) if (rabs >> 8) & 1 else t.r + xx), used
            elif (t.fi[idx - 1] - t.fi[idx]) * uniform(draw()) + t.fi[idx] < math.exp(-0.5 * x * x):
                return x, used
    except IndexError:
        return None
