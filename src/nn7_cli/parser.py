"""The ``nn7`` command's arguments: argparse with one-line errors naming the option typed, and
every option's help ending with its default."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from nn7.errors import Nn7Error

from .output import say


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors as one line naming the option the user typed."""

    _argv: list[str] = []

    def parse_known_args(self, args=None, namespace=None):
        self._argv = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def _typed(self, names: list[str]) -> str:
        """Of an option's names (``-o/--output``), the one the user typed."""
        for token in self._argv:
            name = token.split("=", 1)[0]
            if name in names:
                return name
        return max(names, key=len)

    def _print_message(self, message, file=None):  # argparse would hide a failing stdout
        if message:
            if file is sys.stdout:
                say(message.rstrip("\n"))
            else:
                (file or sys.stderr).write(message)

    def error(self, message):  # one line, no usage block
        m = re.fullmatch(r"argument (\S+): (.*)", message, re.S)
        if m and m.group(1) == "command":
            message = m.group(2)
        elif m:
            option, rest = self._typed(m.group(1).split("/")), m.group(2)
            message = f"{option} {rest}" if rest.startswith("must ") else f"{option}: {rest}"
        elif message == "the following arguments are required: command":
            message = "a command is required: data, train, trace, figures, build or values (see nn7 --help)"
        raise Nn7Error(" ".join(message.split()))


class _Help(argparse.RawDescriptionHelpFormatter):
    """Every option's help ends with its default."""

    def _get_help_string(self, action):
        text = action.help or ""
        if not action.option_strings or "default" in text or action.default is argparse.SUPPRESS:
            return text
        if action.required:
            return text + " (required)"
        if action.default is False:
            return text + " (default: off)"
        return text + " (default: %(default)s)"


def _number(what: str, *, whole: bool = False, minimum: float = 0, inclusive: bool = False,
            maximum: float | None = None):
    """An argparse type: a finite number (``whole``: an integer) > ``minimum`` (>= if
    ``inclusive``) and at most ``maximum``."""
    import math

    bound = f"{'>=' if inclusive else '>'} {minimum:g}"
    kind = "a whole number" if whole else "a number"
    note = f" ({what})" if what else ""

    def parse(text: str):
        try:
            value = int(text) if whole else float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {kind} {bound}{note}, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number {bound}{note}, got {text!r}")
        if value < minimum or (value == minimum and not inclusive):
            raise argparse.ArgumentTypeError(f"must be {bound}{note}, got {text.strip()}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be <= {maximum:g}{note}, got {text.strip()}")
        return value

    parse.__name__ = kind
    return parse


def _init(text: str):
    from nn7.inits import InitSpec

    try:
        return InitSpec.parse(text)
    except Nn7Error as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _sample(text: str) -> tuple[float, float]:
    import math

    parts = text.split(",")
    try:
        x, y = (float(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected X,Y (two numbers), got {text!r}") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise argparse.ArgumentTypeError(f"expected X,Y (two finite numbers), got {text!r}")
    return x, y


def build_parser() -> argparse.ArgumentParser:
    from nn7.experiments import CHAPTER_SEED, TRACES
    from nn7.inits import PRESETS
    from nn7.train import TrainSettings

    book = TrainSettings()  # its defaults are the book's settings
    trace = TRACES["trace-case2"]  # the text's printed trace
    presets = ", ".join(PRESETS)
    p = _Parser(prog="nn7", formatter_class=_Help,
                description="Section 7.7 of the textbook: data, training, traces, figures and the site's values.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text, formatter_class=_Help)

    d = command("data", "write the book's train7.txt (byte for byte)")
    d.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help="regular file to write, replaced atomically ('-' or default: standard output)")

    t = command("train", "train the 1-n-1 network and print the book's log as it trains")
    t.add_argument("--init", type=_init, default="case3",
                   help=f"a preset ({presets}) or W1=…,B1=…,W2=…,B2=… with zeros/ones/normal (0/1/n); "
                        "case does not matter")
    t.add_argument("--lr", type=_number("a learning rate"), default=book.lr, help="learning rate")
    t.add_argument("--epochs", type=_number("a number of epochs", whole=True), default=book.epochs,
                   help="passes over the training set")
    t.add_argument("--batch-size", type=_number("a batch size", whole=True), default=book.batch_size,
                   help="samples per SGD step (the last batch of an epoch may be shorter)")
    t.add_argument("--seed", type=_number("", whole=True, inclusive=True), default=CHAPTER_SEED,
                   help="seed of the data order and the normal draws")
    t.add_argument("--every", type=_number("a checkpoint interval", whole=True), default=book.every,
                   help="a checkpoint (log line) every this many epochs, and after the last")
    t.add_argument("--hidden", type=_number("a number of hidden units", whole=True), default=book.num_hidden,
                   help="number of hidden units")
    t.add_argument("--data", type=Path, metavar="FILE",
                   help="a data file like train7.txt: numbers separated by spaces or commas, '#' comments, "
                        "the last column the label (default: the book's train7.txt)")
    t.add_argument("--accuracy", type=str.lower, choices=("r2", "book"), default="r2",
                   help="r2, or the printed book's 1 − loss/var(y)")
    t.add_argument("--json", action="store_true", help="print one JSON object at the end instead of the log")
    t.add_argument("-q", "--quiet", action="store_true", help="no progress bar on a terminal")

    r = command("trace", "single-sample SGD steps with every intermediate, as the text prints them")
    r.add_argument("--init", type=_init, default=trace.case, help=f"as for train ({presets}, or W1=…,…)")
    r.add_argument("--lr", type=_number("a learning rate"), default=trace.lr, help="learning rate")
    r.add_argument("--steps", type=_number("a number of steps", whole=True, maximum=10_000), default=None,
                   help=f"steps on samples drawn with --seed (default: {len(trace.samples)}, "
                        "or as many as --sample values)")
    r.add_argument("--sample", type=_sample, action="append", default=[], metavar="X,Y",
                   help="a sample in original units (years, price); repeat for more steps "
                        "(default: samples drawn with --seed)")
    r.add_argument("--seed", type=_number("", whole=True, inclusive=True), default=CHAPTER_SEED,
                   help="seed of the drawn samples and the normal draws")
    r.add_argument("--json", action="store_true", help="print a JSON list, one object per step")

    f = command("figures", "write every figure of the chapter under the book's file names")
    f.add_argument("-o", "--output", type=Path, required=True, metavar="DIR",
                   help="directory to write into (created if missing)")

    root_help = ("the repository (default: the first directory from the current one upwards "
                 "that has mkdocs.yml and src/nn7)")
    b = command("build", "generate the site's printouts, figures and values (as the MkDocs hook does)")
    b.add_argument("--root", type=Path, default=None, help=root_help)
    b.add_argument("--only", default=None, metavar="JOB[,JOB…]",
                   help="run just these jobs (names as the log prints them, e.g. case:case1); "
                        "writes no values and removes nothing")

    v = command("values", "list every value the pages can use ({{ name }}), from the last build")
    v.add_argument("--root", type=Path, default=None, help=root_help)
    v.add_argument("--json", action="store_true", help="print the values as one nested JSON object")
    return p
