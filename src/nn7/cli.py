"""The ``nn7`` command: ``data``, ``train``, ``trace``, ``figures`` and ``build``.

Bad arguments or bad data print one line, ``nn7: error: …``, on stderr and exit with 2.
``data``, ``train`` and ``trace`` never import matplotlib.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import Nn7Error


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage block
        raise Nn7Error(message)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


def _sample(text: str) -> tuple[float, float]:
    parts = text.split(",")
    try:
        x, y = (float(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected X,Y (two numbers), got {text!r}") from None
    return x, y


def build_parser() -> argparse.ArgumentParser:
    from .experiments import CHAPTER_SEED

    p = _Parser(prog="nn7", description="Section 7.7 of the textbook: data, training, traces and figures.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    d = sub.add_parser("data", help="write the book's train7.txt (byte for byte)")
    d.add_argument("-o", "--output", type=Path, help="file to write (default: standard output)")

    t = sub.add_parser("train", help="train the 1-2-1 network and print the book's log")
    t.add_argument("--init", default="case3", help="preset (case1, case1-b2, case2, case3, …) or W1=…,B1=…,W2=…,B2=…")
    t.add_argument("--lr", type=_positive_float, default=0.5)
    t.add_argument("--epochs", type=_int, default=1000)
    t.add_argument("--batch-size", type=_int, default=32)
    t.add_argument("--seed", type=_int, default=CHAPTER_SEED)
    t.add_argument("--every", type=_int, default=1, help="a checkpoint every this many epochs")
    t.add_argument("--hidden", type=_int, default=2, help="number of hidden units")
    t.add_argument("--data", type=Path, help="a data file like train7.txt (default: the book's data)")
    t.add_argument("--accuracy", choices=("r2", "book"), default="r2",
                   help="r2 (default) or the printed book's 1 − loss/var(y)")
    t.add_argument("--json", action="store_true", help="print one JSON object instead of the log")

    r = sub.add_parser("trace", help="single-sample SGD steps with every intermediate, as the text prints them")
    r.add_argument("--init", default="case2")
    r.add_argument("--lr", type=_positive_float, default=0.1)
    r.add_argument("--steps", type=_int, default=None, help="steps on samples drawn with --seed (default 2)")
    r.add_argument("--sample", type=_sample, action="append", default=[], metavar="X,Y",
                   help="a sample in original units (years, price); repeat for more steps")
    r.add_argument("--seed", type=_int, default=CHAPTER_SEED)
    r.add_argument("--json", action="store_true")

    f = sub.add_parser("figures", help="write every figure of the chapter under the book's file names")
    f.add_argument("-o", "--output", type=Path, required=True, help="folder to write into")

    b = sub.add_parser("build", help="generate the site's printouts, figures and numbers (as the MkDocs hook does)")
    b.add_argument("--root", type=Path, default=Path("."), help="the repository root")
    return p


def _write_output(data: bytes, path: Path | None) -> None:
    from .fileio import write_atomic

    if path is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    if path.is_dir():
        raise Nn7Error(f"{path}: is a directory")
    if not path.parent.is_dir():
        raise Nn7Error(f"{path.parent}: no such directory")
    write_atomic(path, data)


def cmd_data(args) -> int:
    from .data import generate_book_data

    _write_output(generate_book_data(), args.output)
    return 0


def cmd_train(args) -> int:
    from .data import DataLoader
    from .inits import InitSpec
    from .rng import streams
    from .train import TrainSettings, train

    spec = InitSpec.parse(args.init)
    settings = TrainSettings(lr=args.lr, epochs=args.epochs, batch_size=args.batch_size,
                             every=args.every, num_hidden=args.hidden)
    if args.seed < 0:
        raise Nn7Error(f"seed must be >= 0, got {args.seed}")
    loader = None
    if args.data is not None:
        loader = DataLoader.from_file(args.data, rng=streams(args.seed).data)
    result = train(spec, settings, seed=args.seed, loader=loader)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print("\n".join(result.log_lines(args.accuracy)))
    return 0


def cmd_trace(args) -> int:
    import numpy as np

    from .experiments import book_scalers
    from .data import book_samples
    from .inits import InitSpec, make_params
    from .rng import streams
    from .trace import format_trace, trace

    spec = InitSpec.parse(args.init)
    if args.seed < 0:
        raise Nn7Error(f"seed must be >= 0, got {args.seed}")
    data_rng, init_rng = streams(args.seed)
    if args.sample:
        if args.steps is not None and args.steps != len(args.sample):
            raise Nn7Error(f"--steps {args.steps} does not match the {len(args.sample)} --sample values")
        raw = np.array(args.sample, dtype=float)
    else:
        steps = 2 if args.steps is None else args.steps
        if steps <= 0:
            raise Nn7Error(f"--steps must be > 0, got {steps}")
        table = book_samples()
        raw = table[data_rng.integers(0, len(table), size=steps)]
    if not np.isfinite(raw).all():
        raise Nn7Error("--sample values must be finite numbers")
    xs, ys = book_scalers()
    params = make_params(spec, init_rng)
    with np.errstate(over="ignore", invalid="ignore"):
        result = trace(params, xs.scale(raw[:, :1]), ys.scale(raw[:, 1:]), args.lr)
    if args.json:
        out = [{"iteration": s.iteration, "x": s.x.tolist(), "y": s.y.tolist(),
                **{k: np.asarray(v).tolist() for k, v in s.as_dict().items()}} for s in result]
        print(json.dumps(out))
    else:
        print(format_trace(result), end="")
    return 0


def cmd_figures(args) -> int:
    from . import experiments, plots
    from .diagram import backprop_diagram
    from .batched import default_workers
    from .sweep import run_sweep

    out = args.output
    if out.exists() and not out.is_dir():
        raise Nn7Error(f"{out}: exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    for name in experiments.PAGE_CASES:
        case = experiments.case(name)
        if case.figures:
            result = experiments.run_case(name)
            plots.training_curves(result, out / case.figures[0])
            plots.fit_figure(result, out / case.figures[1])
            print(out / case.figures[0])
            print(out / case.figures[1])
    print(backprop_diagram(out / "backprop_7_5_8.png"))
    plots.sweep_heatmap(run_sweep(experiments.SWEEP, workers=default_workers()), out / "init_sweep.png")
    print(out / "init_sweep.png")
    return 0


def cmd_build(args) -> int:
    from .build import generate

    report = generate(args.root, log=lambda line: print(line, file=sys.stderr))
    print(report.out)
    return 0


COMMANDS = {"data": cmd_data, "train": cmd_train, "trace": cmd_trace, "figures": cmd_figures, "build": cmd_build}


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except Nn7Error as err:
        print(f"nn7: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nn7: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `nn7 data | head`
        sys.stderr.close()
        return 0
