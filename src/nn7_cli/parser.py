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


def _typed(setting):
    """An argparse type for a number setting of the table: its rule's check (nn7.settings),
    the one the lab applies too; the message without the option (the parser adds it as typed)."""
    from nn7.settings import SettingError

    def parse(text: str):
        try:
            return setting.parse(text)
        except SettingError as err:
            raise argparse.ArgumentTypeError(err.reason) from None

    parse.__name__ = f"a {setting.rule.kind} number"
    return parse


def _init(text: str):
    from nn7.experiments import parse_init

    try:
        return parse_init(text)
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


def _add_setting(parser: argparse.ArgumentParser, s, presets: str) -> None:
    """The option of one row of nn7.experiments.SETTINGS."""
    kw: dict = {"dest": s.name, "help": s.help.replace("{presets}", presets)}
    if s.kind in ("number", "whole"):
        kw |= {"type": _typed(s), "default": s.default}
    elif s.kind == "init":
        kw |= {"type": _init, "default": s.default}
    elif s.kind == "file":
        kw |= {"type": Path, "metavar": s.metavar, "default": s.default}
    elif s.kind == "choice":
        kw |= {"type": str.lower, "choices": s.choices, "default": s.default}
    elif s.kind == "flag":
        kw |= {"action": "store_true"}
    elif s.kind == "samples":
        kw |= {"type": _sample, "action": "append", "default": [], "metavar": s.metavar}
    else:
        raise ValueError(f"setting {s.group}.{s.name}: no command-line form for kind {s.kind!r}")
    parser.add_argument(*s.cli, **kw)


def build_parser() -> argparse.ArgumentParser:
    from nn7 import experiments

    presets = ", ".join(experiments.presets())
    p = _Parser(prog="nn7", formatter_class=_Help,
                description="Section 7.7 of the textbook: data, training, traces, figures and the site's values.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text, formatter_class=_Help)

    d = command("data", "write the book's train7.txt (byte for byte)")
    d.add_argument("-o", "--output", type=Path, metavar="FILE",
                   help="regular file to write, replaced atomically ('-' or default: standard output)")

    # train and trace: every option is a row of the table of settings (nn7.experiments.SETTINGS)
    for name, text in (("train", "train the 1-n-1 network and print the book's log as it trains"),
                       ("trace", "single-sample SGD steps with every intermediate, as the text prints them")):
        c = command(name, text)
        for s in experiments.settings(name):
            if s.cli:
                _add_setting(c, s, presets)

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
