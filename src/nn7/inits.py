"""Initialisation specs: each of W1, B1, W2, B2 is ``zeros``, ``ones`` or ``normal``.

Written ``W1=zeros,B1=ones,W2=zeros,B2=ones`` (short forms ``0``, ``1``, ``n``; parameters
left out are zeros), or as one of the chapter's presets (``case1`` …).
Normal draws come from the run's init stream, in the order W1, B1, W2, B2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import Nn7Error
from .params import PARAM_NAMES, Params, shapes

KINDS = ("zeros", "ones", "normal")
SHORT = {"0": "zeros", "1": "ones", "n": "normal"}

PRESETS = {
    "case1": "W1=zeros,B1=zeros,W2=zeros,B2=zeros",  # 7.7.1 all zero
    "case1-b2": "W1=zeros,B1=zeros,W2=zeros,B2=normal",  # 7.7.1 variant: B2 random
    "case2": "W1=zeros,B1=ones,W2=zeros,B2=ones",  # 7.7.2 the start the trace shows
    "case2-w-ones": "W1=ones,B1=ones,W2=ones,B2=ones",  # 7.7.2 variant: both W (and B) start at 1
    "case3": "W1=normal,B1=zeros,W2=zeros,B2=zeros",  # 7.7.3 one group random
    "random": "W1=normal,B1=normal,W2=normal,B2=normal",  # H7_5_Train.py
}


@dataclass(frozen=True)
class InitSpec:
    W1: str = "zeros"
    B1: str = "zeros"
    W2: str = "zeros"
    B2: str = "zeros"

    def __str__(self) -> str:
        return ",".join(f"{name}={getattr(self, name)}" for name in PARAM_NAMES)

    @property
    def kinds(self) -> tuple[str, str, str, str]:
        return tuple(getattr(self, name) for name in PARAM_NAMES)

    @classmethod
    def parse(cls, text: str, presets: dict[str, str] | None = None) -> "InitSpec":
        """A preset name or ``NAME=KIND,…``; a bad spec is an error listing the valid names.

        Case does not matter (``Case3``, ``w1=N``) and spaces around ``=`` and ``,`` are allowed.
        ``presets``: the names to accept (default PRESETS; nn7.experiments.presets() adds the
        registry's cases)."""
        import difflib

        presets = PRESETS if presets is None else presets
        original = " ".join(text.split())
        text = text.strip()
        if text.lower() in presets:
            text = presets[text.lower()]
        valid = (f"use a preset ({', '.join(presets)}) or NAME=KIND pairs such as "
                 f"W1=normal,B2=ones with NAME in {'/'.join(PARAM_NAMES)} and KIND in "
                 f"{'/'.join(KINDS)} (or 0/1/n)")
        if not text:
            raise Nn7Error(f"empty initialisation: {valid}")
        if "=" not in text:
            close = difflib.get_close_matches(text.lower(), list(presets))
            hint = f"did you mean {close[0]}? " if close else ""
            raise Nn7Error(f"unknown initialisation {original!r}: {hint}{valid}")
        kinds: dict[str, str] = {}
        for part in text.split(","):
            name, sep, kind = (s.strip() for s in part.partition("="))
            typed, name, kind = kind, name.upper(), kind.lower()
            if not part.strip():
                raise Nn7Error(f"empty item in initialisation {original!r} (two commas in a row?): {valid}")
            if not sep or name not in PARAM_NAMES:
                raise Nn7Error(f"bad initialisation item {' '.join(part.split())!r}: {valid}")
            kind = SHORT.get(kind, kind)
            if kind not in KINDS:
                raise Nn7Error(f"unknown initialisation {' '.join(typed.split())!r} for {name}: {valid}")
            if name in kinds:
                raise Nn7Error(f"{name} is given twice in initialisation {original!r}")
            kinds[name] = kind
        return cls(**kinds)


def make_params(spec: InitSpec | str, rng: np.random.Generator | None,
                num_features: int = 1, num_hidden: int = 2) -> Params:
    """The initial W1, B1, W2, B2 for ``spec``; ``rng`` is needed only if one is normal."""
    if isinstance(spec, str):
        spec = InitSpec.parse(spec)
    arrays = {}
    for name, shape in shapes(num_features, num_hidden).items():
        kind = getattr(spec, name)
        if kind == "zeros":
            arrays[name] = np.zeros(shape)
        elif kind == "ones":
            arrays[name] = np.ones(shape)
        else:
            if rng is None:
                raise ValueError(f"{name}=normal needs a random generator")
            arrays[name] = rng.normal(size=shape)
    return Params(**arrays)
