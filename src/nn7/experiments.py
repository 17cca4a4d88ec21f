"""The chapter's runs, declared once. The site build, the snippets, the notebook and the
tests all read these definitions; nothing else states a seed or a setting.

A case trains the 1-2-1 network with the book's settings from one initialisation. A trace
runs the text's two single-sample steps. The sweep trains every combination of
{zeros, ones, normal} for (W1, B1, W2, B2) with several seeds.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

from . import book
from .inits import KINDS, InitSpec
from .settings import TrainSettings

CHAPTER_SEED = 0  # the one seed of the chapter's runs: every case sees the same data order
BOOK_SETTINGS = TrainSettings()  # TrainSettings' defaults are the book's (lr 0.5, 1000 epochs, batch 32)
SCRIPT = "H7_8_Train_Init_0.py"  # the snippet that runs the chapter's cases and traces
PAGE = "ch7/7.7.md"  # the page that shows the cases' printouts and figures
DIAGRAM = "backprop_7_5_8.png"  # the backpropagation diagram of section 7.5.8 (drawn by nn7.diagram)


def glue_name(name: str) -> str:
    """An experiment's name in the pages' templates: ``case1-b2`` is ``case1_b2``."""
    return name.replace("-", "_")


@dataclass(frozen=True)
class Case:
    """One training run of the chapter: its printout is ``printouts/NAME.txt`` and its values
    are ``{{ NAME.… }}`` on the pages (see ``python -m nn7 values``)."""

    name: str
    init: str  # a preset or spec of nn7.inits
    seed: int = CHAPTER_SEED
    settings: TrainSettings = BOOK_SETTINGS
    figures: tuple[str, str] | None = None  # (training curves, fit) file names, as in the book
    page: str | None = PAGE  # the page that shows its printout; None: not run by the build
    script: str = SCRIPT

    @property
    def spec(self) -> InitSpec:
        return InitSpec.parse(self.init)


@dataclass(frozen=True)
class Trace:
    name: str
    case: str  # the case whose initialisation it starts from
    lr: float
    samples: tuple[tuple[float | None, float], ...]  # (x or None, y) picked from the book data
    script: str = SCRIPT


@dataclass(frozen=True)
class Sweep:
    name: str = "sweep"
    kinds: tuple[str, ...] = KINDS
    seeds: tuple[int, ...] = tuple(range(10))
    settings: TrainSettings = replace(BOOK_SETTINGS, every=BOOK_SETTINGS.epochs)  # final checkpoint only
    threshold: float = 0.8  # validation R² above which a run "trains"
    chunk: int = 405  # networks trained together: fixed, so the bytes do not depend on the CPU count
    figure: str = "init_sweep.png"
    script: str = "H7_8_Init_Sweep.py"

    @property
    def combos(self) -> list[str]:
        """All len(kinds)**4 initialisations, W1 varying slowest."""
        return [str(InitSpec(*k)) for k in itertools.product(self.kinds, repeat=4)]

    @property
    def nets(self) -> list[tuple[str, int]]:
        return [(c, s) for c in self.combos for s in self.seeds]


@dataclass(frozen=True)
class Speed:
    """How long each start takes to learn: iterations until the validation R² first reaches
    ``target`` (a checkpoint every epoch), over several seeds. It tests the sentence of 7.7.4
    that starting the weights from 0 takes longer (biases 0 in every start)."""

    name: str = "speed"
    starts: tuple[str, ...] = ("W1=normal,W2=normal", "W1=normal,W2=zeros", "W1=zeros,W2=normal")
    seeds: tuple[int, ...] = tuple(range(10))
    settings: TrainSettings = BOOK_SETTINGS
    target: float = 0.85  # validation R²
    chunk: int = 30  # fixed, so the bytes do not depend on the CPU count


@dataclass(frozen=True)
class Limit:
    """A run where no second implementation can match nn7 to the last digits: its hidden units
    saturate (weights in the thousands), so rounding differences grow without bound. The build
    measures how far nn7's own two implementations (nn7.train, nn7.batched) drift apart on it;
    the lab's page quotes that, and the tests report the lab's difference on it."""

    name: str = "limit"
    init: str = "random"
    seed: int = 14
    settings: TrainSettings = TrainSettings(lr=1.0, epochs=200, batch_size=800, every=25, num_hidden=4)


@dataclass(frozen=True)
class Study:
    """Any other experiment, picked up as an example script is: the build calls
    ``function()`` of ``snippets/<script>``; what it prints is the printout
    (``printouts/NAME.txt``) and it returns :class:`Findings`: named values (``{{ NAME.… }}`` on
    the pages) and figures, each published with the CSV of its data. No generator code to write."""

    name: str
    script: str
    function: str = "run"
    page: str | None = None  # the page that shows it


@dataclass
class Findings:
    """What a study's function returns."""

    values: dict  # JSON-serialisable
    figures: dict = field(default_factory=dict)  # file name -> (PNG bytes, nn7.plots.Table of its data)


CASES = {c.name: c for c in [
    Case("case1", "case1", figures=("init_0_0_b0.png", "init_0_0_b0_result.png")),
    Case("case1-b2", "case1-b2"),
    Case("case2", "case2", figures=("init_0_1.png", "init_0_1_result.png")),
    Case("case2-w-ones", "case2-w-ones"),
    Case("case3", "case3", figures=("init_1_n.png", "init_1_n_result.png")),
    Case("h7_5", "random", page=None, script="H7_5_Train.py"),
]}

TRACES = {t.name: t for t in [
    Trace("trace-case1", "case1", 0.1, book.TRACES["case1"]["samples"]),
    Trace("trace-case2", "case2", 0.1, book.TRACES["case2"]["samples"]),
]}

STUDIES: dict[str, Study] = {s.name: s for s in [
]}

SWEEP = Sweep()
SPEED = Speed()
LIMIT = Limit()


def page_cases(page: str | None = None) -> list[Case]:
    """The cases the build runs (those shown on a page), in definition order = page order."""
    return [c for c in CASES.values() if c.page is not None and (page is None or c.page == page)]


def figures() -> list[str]:
    """Every figure file the build draws from an experiment, in page order (the 7.7 page's
    figures are numbered 7.7.1, 7.7.2, … in this order)."""
    return [f for c in page_cases() if c.figures for f in c.figures] + [SWEEP.figure]


def case(name: str) -> Case:
    try:
        return CASES[name]
    except KeyError:
        raise KeyError(f"unknown case {name!r}; the chapter's cases are {', '.join(CASES)}") from None
