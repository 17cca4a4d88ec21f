"""The chapter's runs, declared once, and the table of every setting. The site build, the
snippets, the notebook, the command line, the lab and the tests all read these definitions;
nothing else states a seed, a setting, a default or a range.

A case trains the 1-2-1 network with the book's settings from one initialisation. A trace
runs the text's two single-sample steps. The sweep trains every combination of
{zeros, ones, normal} for (W1, B1, W2, B2) with several seeds. SETTINGS lists every setting a
user can give (``nn7 train``, ``nn7 trace``, the lab's forms and address) with its rule, its
default and where it is shown.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace

from . import book
from .inits import KINDS, PRESETS, InitSpec
from .settings import EPOCHS, LR, SEED, SEEDS, STEPS, TRAIN, Setting, TrainSettings

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
class LearningSpeed:
    """How fast each start learns: iterations until the validation R² first reaches
    ``target`` (a checkpoint every epoch), over several seeds. It tests the sentence of 7.7.4
    that starting the weights from 0 takes longer (biases 0 in every start). (Not the speed
    of the code: that is bench/.)"""

    name: str = "speed"
    starts: tuple[str, ...] = ("W1=normal,W2=normal", "W1=normal,W2=zeros", "W1=zeros,W2=normal")
    seeds: tuple[int, ...] = tuple(range(10))
    settings: TrainSettings = BOOK_SETTINGS
    target: float = 0.85  # validation R²
    chunk: int = 30  # fixed, so the bytes do not depend on the CPU count


@dataclass(frozen=True)
class ChaoticRun:
    """A chaotic run, where no second implementation can match nn7 to the last digits: its
    hidden units saturate (weights in the thousands), so rounding differences grow without
    bound. The build measures how far nn7's own two implementations (nn7.train, nn7.batched)
    drift apart on it, and the tests report the lab's difference on it."""

    name: str = "chaotic"
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
LEARNING_SPEED = LearningSpeed()
CHAOTIC_RUN = ChaoticRun()


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


def presets() -> dict[str, str]:
    """Every name an initialisation can be given by (``--init``, the lab): nn7.inits' presets
    and every case the pages show, each to its initialisation (``case4`` -> ``W1=normal,…``)."""
    out = {name: str(InitSpec.parse(spec)) for name, spec in PRESETS.items()}
    for c in page_cases():
        if out.get(c.name, str(c.spec)) != str(c.spec):
            raise ValueError(f"case {c.name!r} starts from {c.spec}, but the preset {c.name} is {out[c.name]}")
        out[c.name] = str(c.spec)
    return out


def parse_init(text: str) -> InitSpec:
    """An initialisation as ``--init`` and the lab take it: a preset, a case or NAME=KIND pairs."""
    return InitSpec.parse(text, presets())


# ---------------------------------------------------------------- the table of settings

_TRACE = TRACES["trace-case2"]  # the text's printed trace: nn7 trace's defaults
TRACE_STEPS = len(_TRACE.samples)  # steps a trace makes when neither --steps nor --sample says
DEFAULT_CASE = "case3"  # what `nn7 train` and the lab start from: the case that trains

# Every setting a user can give, once: its rule (nn7.settings), its default (from the
# definitions above) and where it is shown. The command line's options and checks, the lab's
# fields, menus, address and the command line it shows for a run, and the tests derive from this table
# (tests/test_lab_settings.py fails when a surface knows a setting this table does not, or
# lacks one it has). The lab's labels and messages are Chinese text in docs/_partials/lab-text.toml.
SETTINGS: tuple[Setting, ...] = (
    # nn7 train; the lab's training form and its address
    Setting("train", "case", DEFAULT_CASE, kind="case", cli=None, lab=True, url=True,
            choices=tuple(c.name for c in page_cases())),
    Setting("train", "init", DEFAULT_CASE, kind="init", lab=True, url=True,
            help="a preset ({presets}) or W1=…,B1=…,W2=…,B2=… with zeros/ones/normal (0/1/n); case does not matter"),
    Setting("train", "seed", CHAPTER_SEED, SEED, lab=True, url=True),
    *TRAIN,
    Setting("train", "data", None, kind="file", metavar="FILE",
            help="a data file like train7.txt: numbers separated by spaces or commas, '#' comments, "
                 "the last column the label (default: the book's train7.txt)"),
    Setting("train", "accuracy", "r2", kind="choice", choices=("r2", "book"),
            help="R² (r2), or the printed book's accu = 1 − loss/var(y) (book)"),
    Setting("train", "json", False, kind="flag", help="print one JSON object at the end instead of the log"),
    Setting("train", "quiet", False, kind="flag", cli=("-q", "--quiet"), help="no progress bar on a terminal"),
    # nn7 trace (the lab's single steps use the training form's init, seed and lr)
    Setting("trace", "init", _TRACE.case, kind="init", help="as for train ({presets}, or W1=…,…)"),
    Setting("trace", "lr", _TRACE.lr, LR),
    Setting("trace", "steps", None, STEPS,
            help=f"steps on samples drawn with --seed (default: {TRACE_STEPS}, or as many as --sample values)"),
    Setting("trace", "sample", (), kind="samples", metavar="X,Y",
            help="a sample in original units (years, price); repeat for more steps (default: samples drawn with --seed)"),
    Setting("trace", "seed", CHAPTER_SEED, SEED, help="seed of the drawn samples and the normal draws"),
    Setting("trace", "json", False, kind="flag", help="print a JSON list, one object per step"),
    # the lab's sweep (batch size and hidden units are the sweep's, as on the extension page)
    Setting("sweep", "seeds", len(SWEEP.seeds), SEEDS, cli=None, lab=True),
    Setting("sweep", "lr", SWEEP.settings.lr, LR, cli=None, lab=True),
    Setting("sweep", "epochs", SWEEP.settings.epochs, EPOCHS, cli=None, lab=True, page_maximum=100_000),
)
GROUPS = ("train", "trace", "sweep")


def settings(group: str) -> list[Setting]:
    """The settings of one group, in the table's order."""
    return [s for s in SETTINGS if s.group == group]


def setting(group: str, name: str) -> Setting:
    for s in SETTINGS:
        if s.group == group and s.name == name:
            return s
    raise KeyError(f"no setting {name!r} in {group}")
