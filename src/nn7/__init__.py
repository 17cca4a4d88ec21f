"""nn7: the data, network, initialisations, training, traces and figures of section 7.7
(weight initialisation) of a Chinese neural-network textbook, as a tested library.

Runtime dependencies: NumPy, and Matplotlib for the figures only.
"""

__version__ = "0.1.0"

from .data import DataLoader, DataLoader_7, generate_book_data  # noqa: E402
from .errors import DivergenceError, Nn7Error  # noqa: E402
from .inits import InitSpec, make_params  # noqa: E402
from .network import Params, backward, forward, update  # noqa: E402
from .train import TrainResult, TrainSettings, fit, train  # noqa: E402

__all__ = ["DataLoader", "DataLoader_7", "generate_book_data", "DivergenceError", "Nn7Error", "InitSpec",
           "make_params", "Params", "backward", "forward", "update", "TrainResult", "TrainSettings", "fit", "train"]
