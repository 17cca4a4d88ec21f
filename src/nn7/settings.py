"""What a setting may be, and how to train.

A :class:`Rule` says what the value of a setting may be: a number or a whole number, and its
bounds. It reads typed text (``Rule.parse``) the same way on every surface: the ``nn7``
command, :class:`TrainSettings` and the browser lab, whose engine (``nn7/settings.js``) mirrors
this module and is tested against it. A bad value is a :class:`SettingError` that names the
option, the rule broken, its limits and the value as typed (the lab words the same fields in
Chinese).

A :class:`Setting` is one row of the table of every setting (``nn7.experiments.SETTINGS``):
its one-word name (the lab's address and fields, the engine's options), its rule, its default,
its command-line option and where it is shown. The five settings of :class:`TrainSettings` are
stated here, with the book's values as their defaults.
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, field, fields

from .errors import Nn7Error

# How typed numbers are read, on every surface (the lab's engine gets these from the table):
SPACE = " \t\n\r\f\v"  # stripped from both ends (ASCII only: a full-width space is a typing error)
WHOLE = "[+-]?[0-9]+"  # ASCII digits only (Python's int() would take full-width ones; the lab cannot)
NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
NON_FINITE = "[+-]?(?:inf|infinity|nan)"  # numbers to Python's float(), refused as not finite (any case)
MAX_DIGITS = 100  # a whole number (a seed) has at most this many digits
QUOTE_CHARS = 40  # a refused value is quoted up to this many characters, then "…"

RULE_NAMES = ("syntax", "finite", "digits", "low", "high", "page")  # what a SettingError can say


def quote(text: str) -> str:
    """A typed value in a message: Python's repr of it, cut after QUOTE_CHARS characters."""
    return repr(text) if len(text) <= QUOTE_CHARS else repr(text[:QUOTE_CHARS]) + "…"


class SettingError(Nn7Error):
    """A bad value for a setting: ``option`` (as the user typed it, e.g. ``--lr``), the
    ``rule`` broken (one of RULE_NAMES), the ``limit`` that applies and the value ``typed``.
    ``str()`` is the command line's one line; ``reason`` is it without the option."""

    def __init__(self, option: str, rule: str, reason: str, limit=None, typed: str = ""):
        super().__init__(f"{option} {reason}")
        self.option, self.rule, self.reason, self.limit, self.typed = option, rule, reason, limit, typed


@dataclass(frozen=True)
class Rule:
    """What a value may be: ``whole`` or any number, > ``minimum`` (>= if ``inclusive``), at
    most ``maximum``. ``what`` names it in messages; ``help`` is the command line's help."""

    what: str
    help: str
    whole: bool = False
    minimum: float = 0
    inclusive: bool = False
    maximum: int | None = None

    @property
    def kind(self) -> str:
        return "whole" if self.whole else "number"

    def _bound(self) -> str:
        return f"{'>=' if self.inclusive else '>'} {self.minimum:g}"

    def _note(self) -> str:
        return f" ({self.what})" if self.what else ""

    def _fail(self, option: str, rule: str, reason: str, limit, typed: str):
        raise SettingError(option, rule, reason, limit, typed)

    def parse(self, text: str, option: str, page_maximum: int | None = None):
        """The value of typed ``text``, or a SettingError. ``page_maximum``: a limit of the
        lab's page only (the command line has none)."""
        typed = str(text).strip(SPACE)
        kind = "a whole number" if self.whole else "a number"
        grammar = WHOLE if self.whole else NUMBER
        if not re.fullmatch(grammar, typed, re.ASCII):
            if not self.whole and re.fullmatch(NON_FINITE, typed, re.ASCII | re.IGNORECASE):
                self._fail(option, "finite", f"must be a finite number {self._bound()}{self._note()}, got {quote(typed)}",
                           self.minimum, typed)
            self._fail(option, "syntax", f"must be {kind} {self._bound()}{self._note()}, got {quote(typed)}",
                       self.minimum, typed)
        if self.whole:
            digits = len(typed.lstrip("+-"))
            if digits > MAX_DIGITS:
                self._fail(option, "digits", f"must have at most {MAX_DIGITS} digits{self._note()}, got {digits}",
                           MAX_DIGITS, typed)
            value = int(typed)
        else:
            value = float(typed)
            if not math.isfinite(value):
                self._fail(option, "finite", f"must be a finite number {self._bound()}{self._note()}, got {quote(typed)}",
                           self.minimum, typed)
        return self._check_range(value, typed, option, page_maximum)

    def _check_range(self, value, shown: str, option: str, page_maximum: int | None):
        if value < self.minimum or (value == self.minimum and not self.inclusive):
            self._fail(option, "low", f"must be {self._bound()}{self._note()}, got {shown}", self.minimum, shown)
        if self.maximum is not None and value > self.maximum:
            self._fail(option, "high", f"must be <= {self.maximum:g}{self._note()}, got {shown}", self.maximum, shown)
        if page_maximum is not None and value > page_maximum:
            self._fail(option, "page", f"must be <= {page_maximum:g} on the lab's page{self._note()}, got {shown}",
                       page_maximum, shown)
        return value

    def check(self, value, option: str):
        """A value given in code (not typed): the same rules, the value shown as Python's repr."""
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            self._fail(option, "syntax", f"must be {'a whole number' if self.whole else 'a number'} {self._bound()}"
                       f"{self._note()}, got {value!r}", self.minimum, repr(value))
        if not math.isfinite(value):
            self._fail(option, "finite", f"must be a finite number {self._bound()}{self._note()}, got {value!r}",
                       self.minimum, repr(value))
        if self.whole and int(value) != value:
            self._fail(option, "syntax", f"must be a whole number {self._bound()}{self._note()}, got {value!r}",
                       self.minimum, repr(value))
        return self._check_range(value, repr(value), option, None)


# The rules, each stated once (several settings share one: the learning rate of a run, of a
# trace and of the sweep).
LR = Rule("a learning rate", "learning rate")
EPOCHS = Rule("a number of epochs", "passes over the training set", whole=True)
BATCH = Rule("a batch size", "samples per SGD step (the last batch of an epoch may be shorter)", whole=True)
EVERY = Rule("a checkpoint interval", "a checkpoint (log line) every this many epochs, and after the last", whole=True)
HIDDEN = Rule("a number of hidden units", "number of hidden units", whole=True)
SEED = Rule("", "seed of the data split and order and of the normal draws", whole=True, inclusive=True)
STEPS = Rule("a number of steps", "steps on samples drawn with --seed", whole=True, maximum=10_000)
SEEDS = Rule("a number of seeds", "seeds per initialisation (0, 1, 2, …)", whole=True, maximum=100)


@dataclass(frozen=True)
class Setting:
    """One row of the table of settings (``nn7.experiments.SETTINGS``).

    ``name`` is the one word for it on every surface that allows it: the lab's address and
    fields, the engine's options, ``--name`` on the command line unless ``option`` says
    otherwise, and the TrainSettings attribute unless ``attribute`` says otherwise. ``kind``:
    a Rule's ``number``/``whole``, or ``init``, ``file``, ``choice``, ``flag``, ``samples``
    (command-line options that are not numbers)."""

    group: str  # train, trace or sweep: nn7 train, nn7 trace, the lab's sweep
    name: str
    default: object
    rule: Rule | None = None
    kind: str = ""  # derived from the rule when it has one
    help: str = ""  # the rule's help when it has one
    cli: tuple[str, ...] | None = ()  # the command-line option(s); () = ("--NAME",); None = not an option
    attribute: str | None = None  # TrainSettings' attribute, if it is one of its five and is named otherwise
    lab: bool = False  # a field of the lab's section of this group
    url: bool = False  # a key of the lab's address
    page_maximum: int | None = None  # a limit of the lab's page only
    choices: tuple[str, ...] = ()
    metavar: str | None = None

    def __post_init__(self):
        if self.rule is not None:
            object.__setattr__(self, "kind", self.rule.kind)
            object.__setattr__(self, "help", self.help or self.rule.help)
        if self.cli == ():
            object.__setattr__(self, "cli", (f"--{self.name}",))

    @property
    def option(self) -> str | None:
        """The command line's (long) option, or None."""
        return self.cli[-1] if self.cli else None

    def parse(self, text: str, option: str | None = None, page: bool = False):
        """The value of typed ``text`` (number settings); errors name ``option``."""
        return self.rule.parse(text, option or self.option or self.name, self.page_maximum if page else None)

    def to_json(self) -> dict:
        rule = self.rule
        return {"group": self.group, "name": self.name, "kind": self.kind, "default": self.default,
                "option": self.option, "attribute": self.attribute, "lab": self.lab, "url": self.url,
                "what": rule.what if rule else None, "minimum": rule.minimum if rule else None,
                "inclusive": rule.inclusive if rule else None, "maximum": rule.maximum if rule else None,
                "pageMaximum": self.page_maximum, "choices": list(self.choices)}


# The settings of a run, with the book's values (section 7.7: lr 0.5, 1000 epochs, batch 32,
# a checkpoint every epoch, 2 hidden units). TrainSettings' defaults are these.
TRAIN = (
    Setting("train", "lr", 0.5, LR, attribute="lr", lab=True, url=True),
    Setting("train", "epochs", 1000, EPOCHS, attribute="epochs", lab=True, url=True, page_maximum=100_000),
    Setting("train", "batch", 32, BATCH, attribute="batch_size", cli=("--batch-size",), lab=True, url=True),
    Setting("train", "every", 1, EVERY, attribute="every"),
    Setting("train", "hidden", 2, HIDDEN, attribute="num_hidden", lab=True, url=True, page_maximum=8),
)
_BY_ATTRIBUTE = {s.attribute: s for s in TRAIN}


def _default(attribute: str):
    return field(default=_BY_ATTRIBUTE[attribute].default)


@dataclass(frozen=True)
class TrainSettings:
    """How to train: the five settings of TRAIN (the book's values by default)."""

    lr: float = _default("lr")
    epochs: int = _default("epochs")
    batch_size: int = _default("batch_size")
    every: int = _default("every")  # a checkpoint every `every` epochs (and always after the last one)
    num_hidden: int = _default("num_hidden")

    def __post_init__(self):
        for f in fields(self):
            s = _BY_ATTRIBUTE[f.name]
            s.rule.check(getattr(self, f.name), s.option)

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def of(cls, values: dict) -> "TrainSettings":
        """From values by setting name (``batch``, ``hidden``, …; others are ignored)."""
        return cls(**{s.attribute: values[s.name] for s in TRAIN if s.name in values})
