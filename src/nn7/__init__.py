"""nn7: the data, network, initialisations, training, traces and figures of section 7.7
(weight initialisation) of a Chinese neural-network textbook, as a tested library.

The math, in the order the chapter builds it:

* :mod:`nn7.data` the book's data file, loading, scaling and the train/validation split;
* :mod:`nn7.params` W1, B1, W2, B2; :mod:`nn7.network` formulas 7.4.1–7.4.11, one line each;
* :mod:`nn7.inits` zeros / ones / normal starts and the chapter's presets;
* :mod:`nn7.reference` the plain training loop, readable top to bottom: every fast path
  (:mod:`nn7.train`, :mod:`nn7.batched`, the browser lab) is tested against it;
* :mod:`nn7.trace` single-sample steps with every intermediate, as the text prints them;
* :mod:`nn7.experiments` every run of the chapter, defined once; :mod:`nn7.runs` runs them;
  :mod:`nn7.sweep` the sweep over all 81 starts; :mod:`nn7.plots`, :mod:`nn7.diagram` figures.

Runtime dependencies: NumPy, and Matplotlib for the figures only. This package never
imports the site's generation (``nn7_site``) or the command line (``nn7_cli``); importing
``nn7`` itself loads nothing until a name below is used.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_EXPORTS = {"DataLoader": "data", "DataLoader_7": "data", "generate_book_data": "data",
            "DivergenceError": "errors", "Nn7Error": "errors", "InitSpec": "inits", "make_params": "inits",
            "Params": "params", "backward": "network", "forward": "network", "update": "network",
            "TrainSettings": "settings", "TrainResult": "train", "fit": "train"}
# (the function nn7.train.train is not exported here: ``nn7.train`` is its module)

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'nn7' has no attribute {name!r}")
