"""The ``nn7`` command: ``data``, ``train``, ``trace``, ``figures``, ``build`` and ``values``.

Every failure is one line, ``nn7: error: …``, on stderr: bad arguments (named by their
option), bad data (file and line), a file nn7 may not write, a full disk or a failing
standard output exit with 2; Ctrl-C exits with 130 (``train`` first prints the parameters
it has); a closed pipe (``nn7 data | head -c1``) ends quietly. An unexpected exception is
one line with its place and exit status 1 (``NN7_TRACEBACK=1`` shows the traceback).
``data``, ``train``, ``trace`` and ``values`` never import matplotlib.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
import time
from pathlib import Path

from .errors import Nn7Error


# ---------------------------------------------------------------- arguments


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
                _say(message.rstrip("\n"))
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
    from .inits import InitSpec

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
    from .experiments import CHAPTER_SEED, TRACES
    from .inits import PRESETS
    from .train import TrainSettings

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


# ---------------------------------------------------------------- output


class _StdoutError(Nn7Error):
    """Standard output failed (a full disk, /dev/full)."""


class _ClosedStdout:
    """Standard output when the process was started without one (``nn7 data >&-``)."""

    def write(self, data):
        raise OSError(9, "it is closed")

    def flush(self):
        pass

    @property
    def buffer(self):
        return self

    def isatty(self):
        return False


@contextlib.contextmanager
def _stdout_errors():
    """A failing standard output (not a closed pipe, which main ends quietly) as _StdoutError."""
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as err:
        raise _StdoutError(f"cannot write to standard output: {err.strerror or err}") from None


def _say(text: str) -> None:
    """A line of text on standard output, flushed (a failing stdout is an error here)."""
    with _stdout_errors():
        sys.stdout.write(text + "\n")
        sys.stdout.flush()


def _write_output(data: bytes, path: Path | None) -> None:
    from .fileio import write_atomic

    if path is None or str(path) == "-":
        with _stdout_errors():
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        return
    write_atomic(path, data, make_parents=False)


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


class _Progress:
    """A one-line progress bar on stderr, redrawn in place; shown only on a terminal and only
    when the run looks like it takes more than a second."""

    WIDTH = 24

    def __init__(self, total: int, enabled: bool):
        self.total, self.enabled = total, enabled
        self.start = time.monotonic()
        self.shown = False
        self.next_draw = 0.0
        self.clear_for_stdout = enabled and _isatty(sys.stdout)  # stdout on the same screen

    def update(self, epoch: int) -> None:  # fit's on_epoch (0-based)
        if not self.enabled:
            return
        done, now = epoch + 1, time.monotonic()
        elapsed = now - self.start
        if not self.shown:
            if elapsed < 0.3:
                return
            if elapsed / done * self.total < 1.0:  # short run: no bar
                self.enabled = False
                return
            self.shown = True
        if now >= self.next_draw or done == self.total:
            self.next_draw = now + 0.1
            filled = self.WIDTH * done // self.total
            bar = "#" * filled + "." * (self.WIDTH - filled)
            left = elapsed / done * (self.total - done)
            self._write(f"\rtraining: epoch {done}/{self.total} [{bar}] {done / self.total:4.0%}, "
                        f"{_duration(left)} left\033[K")

    def make_room(self) -> None:
        """Clear the bar before a line on stdout (if both are on the screen)."""
        if self.shown and self.clear_for_stdout:
            self._write("\r\033[K")
            self.next_draw = 0.0  # redraw after the line

    def close(self) -> None:
        if self.shown:
            self._write("\r\033[K")
        self.shown = self.enabled = False

    @staticmethod
    def _write(text: str) -> None:
        try:
            sys.stderr.write(text)
            sys.stderr.flush()
        except OSError:
            pass


# ---------------------------------------------------------------- commands


def cmd_data(args) -> int:
    from .data import generate_book_data

    if args.output is not None and str(args.output) != "-":
        from .fileio import check_target

        check_target(args.output, make_parents=False)  # refuse before doing anything
    _write_output(generate_book_data(), args.output)
    return 0


def _interrupted_json(result, completed: int) -> dict:
    if len(result.history.iteration):
        out = result.to_json()
    else:
        out = {"init": result.init, "seed": result.seed, "settings": result.settings.as_dict(), "final": None,
               "params": result.params.to_json(), "history": None}
    return out | {"interrupted": True, "completed_epochs": completed}


def _check_memory(hidden: int, loader) -> None:
    """Refuse a --hidden whose buffers (fit's: two per sample, five per training sample, of
    ``hidden`` floats each) would not fit in half the machine's memory: the kernel would
    rather kill the process than say so."""
    try:
        memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return
    n = loader.num_train + len(loader.val_x)
    need = 8 * hidden * (2 * n + 5 * loader.num_train + loader.num_features + 4)
    if need > memory // 2:
        raise Nn7Error(f"--hidden {hidden} needs about {need / 1e9:.1f} GB of memory on {n} samples; "
                       f"this machine has {memory / 1e9:.1f} GB")


def cmd_train(args) -> int:
    from .data import DataLoader
    from .inits import make_params
    from .rng import streams
    from .train import TrainingInterrupted, TrainSettings, fit, param_lines

    settings = TrainSettings(lr=args.lr, epochs=args.epochs, batch_size=args.batch_size,
                             every=args.every, num_hidden=args.hidden)
    data_rng, init_rng = streams(args.seed)  # as train() draws them
    loader = (DataLoader.book(rng=data_rng) if args.data is None
              else DataLoader.from_file(args.data, rng=data_rng))
    _check_memory(settings.num_hidden, loader)
    params = make_params(args.init, init_rng, loader.num_features, settings.num_hidden)
    progress = _Progress(settings.epochs, enabled=not args.quiet and _isatty(sys.stderr))

    printed = 0  # log lines written to stdout (or to its buffer)

    def on_checkpoint(checkpoint) -> None:
        nonlocal printed
        if args.json:
            return
        line = checkpoint.log_line(args.accuracy) + "\n"
        progress.make_room()
        with _stdout_errors():
            # Counted first: Ctrl-C is raised when a call returns, so it can come after the
            # line went into the buffer but not between the count and the write.
            printed += 1
            sys.stdout.write(line)
            sys.stdout.flush()  # a Ctrl-C here leaves the line in the buffer, printed later

    try:
        result = fit(params, loader, settings, init=str(args.init), seed=args.seed,
                     on_epoch=progress.update, on_checkpoint=on_checkpoint)
    except TrainingInterrupted as stop:
        progress.close()
        done = stop.completed_epochs
        if args.json:
            _say(json.dumps(_interrupted_json(stop.result, done), ensure_ascii=False))
        else:  # a checkpoint the interrupt kept from being printed, then the parameters
            missed = [c.log_line(args.accuracy) for c in stop.result.history.checkpoints()[printed:]]
            _say("\n".join(missed + param_lines(stop.result.params)))
        which = "the initial ones" if done == 0 else "those after the last complete epoch"
        raise KeyboardInterrupt(f"interrupted after {done} of {settings.epochs} epochs; "
                                f"the parameters printed are {which}") from None
    finally:
        progress.close()
    if args.json:
        _say(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        _say("\n".join(param_lines(result.params)))
    return 0


def cmd_trace(args) -> int:
    import numpy as np

    from .data import book_samples
    from .experiments import book_scalers
    from .inits import make_params
    from .rng import streams
    from .trace import format_trace, trace

    data_rng, init_rng = streams(args.seed)
    if args.sample:
        if args.steps is not None and args.steps != len(args.sample):
            raise Nn7Error(f"--steps {args.steps} does not match the {len(args.sample)} --sample values")
        raw = np.array(args.sample, dtype=float)
    else:
        steps = 2 if args.steps is None else args.steps
        table = book_samples()
        raw = table[data_rng.integers(0, len(table), size=steps)]
    xs, ys = book_scalers()
    params = make_params(args.init, init_rng)
    with np.errstate(over="ignore", invalid="ignore"):
        result = trace(params, xs.scale(raw[:, :1]), ys.scale(raw[:, 1:]), args.lr)
    if args.json:
        out = [{"iteration": s.iteration, "x": s.x.tolist(), "y": s.y.tolist(),
                **s.to_json()} for s in result]
        _say(json.dumps(out))
    else:
        _say(format_trace(result).rstrip("\n"))
    return 0


def cmd_figures(args) -> int:
    """Every figure the site draws from a run, plus the diagram, from the registry; all
    targets are checked before anything is computed or written."""
    import tempfile

    from . import experiments, plots
    from .batched import default_workers
    from .build import DIAGRAM
    from .fileio import check_directory, check_target, write_atomic

    out: Path = args.output
    cases = [c for c in experiments.page_cases() if c.figures]
    names = [f for c in cases for f in c.figures] + [DIAGRAM, experiments.SWEEP.figure]
    check_directory(out, create=True)
    if out.is_dir():
        for name in names:
            check_target(out / name, make_parents=False)

    figures: dict[str, bytes] = {}
    for c in cases:
        result = experiments.run_case(c.name)
        curves, fit = c.figures
        figures[curves] = plots.training_curves(result)
        figures[fit] = plots.fit_figure(result)
    from .diagram import backprop_diagram

    with tempfile.TemporaryDirectory() as tmp:
        figures[DIAGRAM] = Path(backprop_diagram(Path(tmp) / DIAGRAM)).read_bytes()
    from .sweep import run_sweep

    figures[experiments.SWEEP.figure] = plots.sweep_heatmap(run_sweep(experiments.SWEEP, workers=default_workers()))

    out.mkdir(parents=True, exist_ok=True)
    for name in names:
        write_atomic(out / name, figures[name], make_parents=False)
        _say(str(out / name))
    return 0


def _is_repository(folder: Path) -> bool:
    return (folder / "mkdocs.yml").is_file() and (folder / "src" / "nn7").is_dir()


def find_root(start: str | Path | None = None) -> Path | None:
    """The first directory from ``start`` (default: the current one) upwards that has
    mkdocs.yml and src/nn7, or None."""
    here = Path.cwd() if start is None else Path(start)
    here = here.resolve()
    for folder in (here, *here.parents):
        if _is_repository(folder):
            return folder
    return None


def _root(args) -> Path:
    if args.root is not None:
        if not _is_repository(args.root):
            raise Nn7Error(f"--root {args.root}: not an nn7 repository (it has no mkdocs.yml and src/nn7)")
        return args.root
    root = find_root()
    if root is None:
        raise Nn7Error(f"{Path.cwd()}: not inside an nn7 repository (no directory from here upwards has "
                       "mkdocs.yml and src/nn7); run it in the repository or pass --root")
    return root


def cmd_build(args) -> int:
    from .build import generate

    only = None
    if args.only is not None:
        from .build import jobs

        only = {name.strip() for name in args.only.split(",") if name.strip()}
        known = {j.name for j in jobs(_root(args))}
        if not only or only - known:
            raise Nn7Error(f"--only: unknown job(s) {', '.join(sorted(only - known)) or '(none given)'}; "
                           f"the jobs are {', '.join(sorted(known))}")
    report = generate(_root(args), log=lambda line: print(line, file=sys.stderr, flush=True), only=only)
    _say(str(report.out))
    return 0


def _brief(value, limit: int) -> str:
    """``value`` as JSON; a list longer than ``limit`` characters cut after its first items."""
    text = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, list) or len(text) <= limit:
        return text
    shown: list[str] = []
    for item in value:
        part = _brief(item, limit // 3)
        if shown and len(", ".join(shown + [part])) > limit - 10:
            break
        shown.append(part)
    return f"[{', '.join(shown)}, …]"


def _show(value, limit: int = 160) -> str:
    """A value for ``nn7 values``: JSON, a long list shortened with ``…`` and its length."""
    text = _brief(value, limit)
    return f"{text} ({len(value)} items; --json shows all)" if text.endswith("…]") else text


def cmd_values(args) -> int:
    from .build import read_site
    from .pages import flatten

    values = read_site(_root(args)).values
    if args.json:
        _say(json.dumps(values, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        _say("\n".join(f"{name} = {_show(value)}" for name, value in sorted(flatten(values).items())))
    return 0


COMMANDS = {"data": cmd_data, "train": cmd_train, "trace": cmd_trace, "figures": cmd_figures,
            "build": cmd_build, "values": cmd_values}


# ---------------------------------------------------------------- main


def _silence_stdout() -> None:
    """After stdout failed, point it at /dev/null so that the interpreter's last flush does
    not print a second error."""
    try:
        fd = sys.stdout.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except (AttributeError, ValueError, OSError):
        pass


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _os_error(err: OSError) -> str:
    if err.filename is not None:
        return f"{err.filename}: {err.strerror or err}"
    return str(err.strerror or err)


def main(argv: list[str] | None = None) -> int:
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as stop:  # --help
            sys.stdout.flush()
            return stop.code if isinstance(stop.code, int) else 0
        code = COMMANDS[args.command](args)
        with _stdout_errors():
            sys.stdout.flush()
        return code
    except BrokenPipeError:  # e.g. `nn7 data | head -c1`: the reader has what it wanted
        _silence_stdout()
        return 0
    except _StdoutError as err:
        _silence_stdout()
        message, code = str(err), 2
    except Nn7Error as err:
        message, code = str(err), 2
    except KeyboardInterrupt as err:
        message, code = (str(err) or "interrupted"), 130
    except MemoryError:
        message, code = "out of memory (are --hidden, --batch-size or the data file too large?)", 2
    except OSError as err:
        message, code = _os_error(err), 2
    except Exception as err:  # a bug: one line with its place; NN7_TRACEBACK=1 for all of it
        if os.environ.get("NN7_TRACEBACK"):
            raise
        import traceback

        frame = traceback.extract_tb(err.__traceback__)[-1]
        message = (f"internal error at {frame.filename}:{frame.lineno}: {type(err).__name__}: {err} "
                   "(NN7_TRACEBACK=1 shows the traceback)")
        code = 1
    try:
        sys.stdout.flush()
    except OSError:
        _silence_stdout()
    if sys.stderr is not None:
        try:
            print(f"nn7: error: {_one_line(message)}", file=sys.stderr, flush=True)
        except OSError:
            pass
    return code
