"""Random streams. Every draw in nn7 comes from a seed the caller passes in.

One run has one seed. It is split with :class:`numpy.random.SeedSequence` into two
independent streams, so that the data order does not depend on how many parameters
an initialisation draws (case 1 and case 3 with the same seed see the same batches).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Streams(NamedTuple):
    data: np.random.Generator  # the one shuffle and the per-epoch reshuffles
    init: np.random.Generator  # the normally distributed initial parameters


def streams(seed: int) -> Streams:
    """The run's two generators, derived from ``seed`` (an int >= 0)."""
    data_seq, init_seq = np.random.SeedSequence(seed).spawn(2)
    return Streams(np.random.default_rng(data_seq), np.random.default_rng(init_seq))
