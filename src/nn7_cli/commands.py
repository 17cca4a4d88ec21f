"""The ``nn7`` command's commands: ``data``, ``train``, ``trace`` and ``figures`` run the science
(:mod:`nn7`); ``build`` and ``values`` the site's generation (:mod:`nn7_site`)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from nn7.errors import Nn7Error

from .output import Progress, isatty, say, stdout_errors, write_output


def cmd_data(args) -> int:
    from nn7.data import generate_book_data

    if args.output is not None and str(args.output) != "-":
        from nn7.fileio import check_target

        check_target(args.output, make_parents=False)  # refuse before doing anything
    write_output(generate_book_data(), args.output)
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
    from nn7.data import DataLoader
    from nn7.inits import make_params
    from nn7.rng import streams
    from nn7.train import TrainingInterrupted, TrainSettings, fit, param_lines

    settings = TrainSettings.of(vars(args))  # the options are named as the table's settings
    data_rng, init_rng = streams(args.seed)  # as train() draws them
    loader = (DataLoader.book(rng=data_rng) if args.data is None
              else DataLoader.from_file(args.data, rng=data_rng))
    _check_memory(settings.num_hidden, loader)
    params = make_params(args.init, init_rng, loader.num_features, settings.num_hidden)
    progress = Progress(settings.epochs, enabled=not args.quiet and isatty(sys.stderr))

    printed = 0  # log lines written to stdout (or to its buffer)

    def on_checkpoint(checkpoint) -> None:
        nonlocal printed
        if args.json:
            return
        line = checkpoint.log_line(args.accuracy) + "\n"
        progress.make_room()
        with stdout_errors():
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
            say(json.dumps(_interrupted_json(stop.result, done), ensure_ascii=False))
        else:  # a checkpoint the interrupt kept from being printed, then the parameters
            missed = [c.log_line(args.accuracy) for c in stop.result.history.checkpoints()[printed:]]
            say("\n".join(missed + param_lines(stop.result.params)))
        which = "the initial ones" if done == 0 else "those after the last complete epoch"
        raise KeyboardInterrupt(f"interrupted after {done} of {settings.epochs} epochs; "
                                f"the parameters printed are {which}") from None
    finally:
        progress.close()
    if args.json:
        say(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        say("\n".join(param_lines(result.params)))
    return 0


def cmd_trace(args) -> int:
    import numpy as np

    from nn7.data import book_samples, book_scalers
    from nn7.inits import make_params
    from nn7.rng import streams
    from nn7.trace import format_trace, trace

    data_rng, init_rng = streams(args.seed)
    if args.sample:
        if args.steps is not None and args.steps != len(args.sample):
            raise Nn7Error(f"--steps {args.steps} does not match the {len(args.sample)} --sample values")
        raw = np.array(args.sample, dtype=float)
    else:
        from nn7.experiments import TRACE_STEPS

        steps = TRACE_STEPS if args.steps is None else args.steps
        table = book_samples()
        raw = table[data_rng.integers(0, len(table), size=steps)]
    xs, ys = book_scalers()
    params = make_params(args.init, init_rng)
    with np.errstate(over="ignore", invalid="ignore"):
        result = trace(params, xs.scale(raw[:, :1]), ys.scale(raw[:, 1:]), args.lr)
    if args.json:
        out = [{"iteration": s.iteration, "x": s.x.tolist(), "y": s.y.tolist(),
                **s.to_json()} for s in result]
        say(json.dumps(out))
    else:
        say(format_trace(result).rstrip("\n"))
    return 0


def cmd_figures(args) -> int:
    """Every figure the site draws from a run, plus the diagram, from the registry; all
    targets are checked before anything is computed or written."""
    import tempfile

    from nn7 import experiments, plots
    from nn7.batched import default_workers
    from nn7.fileio import check_directory, check_target, write_atomic
    from nn7.runs import run_case

    out: Path = args.output
    cases = [c for c in experiments.page_cases() if c.figures]
    names = [f for c in cases for f in c.figures] + [experiments.DIAGRAM, experiments.SWEEP.figure]
    check_directory(out, create=True)
    if out.is_dir():
        for name in names:
            check_target(out / name, make_parents=False)

    figures: dict[str, bytes] = {}
    for c in cases:
        result = run_case(c.name)
        curves, fit = c.figures
        figures[curves] = plots.training_curves(result)
        figures[fit] = plots.fit_figure(result)
    from nn7.diagram import backprop_diagram

    with tempfile.TemporaryDirectory() as tmp:
        figures[experiments.DIAGRAM] = Path(backprop_diagram(Path(tmp) / experiments.DIAGRAM)).read_bytes()
    from nn7.sweep import run_sweep

    figures[experiments.SWEEP.figure] = plots.sweep_heatmap(run_sweep(experiments.SWEEP, workers=default_workers()))

    out.mkdir(parents=True, exist_ok=True)
    for name in names:
        write_atomic(out / name, figures[name], make_parents=False)
        say(str(out / name))
    return 0


def _root(args) -> Path:
    from nn7_site.layout import find_root, is_repository

    if args.root is not None:
        if not is_repository(args.root):
            raise Nn7Error(f"--root {args.root}: not an nn7 repository (it has no mkdocs.yml and src/nn7)")
        return args.root
    root = find_root()
    if root is None:
        raise Nn7Error(f"{Path.cwd()}: not inside an nn7 repository (no directory from here upwards has "
                       "mkdocs.yml and src/nn7); run it in the repository or pass --root")
    return root


def cmd_build(args) -> int:
    from nn7_site.generate import generate

    only = None
    if args.only is not None:
        from nn7_site.jobs import jobs

        only = {name.strip() for name in args.only.split(",") if name.strip()}
        known = {j.name for j in jobs()}
        if not only or only - known:
            raise Nn7Error(f"--only: unknown job(s) {', '.join(sorted(only - known)) or '(none given)'}; "
                           f"the jobs are {', '.join(sorted(known))}")
    report = generate(_root(args), log=lambda line: print(line, file=sys.stderr, flush=True), only=only)
    say(str(report.out))
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
    from nn7_site.generate import read_site
    from nn7_site.pages import flatten

    values = read_site(_root(args)).values
    if args.json:
        say(json.dumps(values, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        say("\n".join(f"{name} = {_show(value)}" for name, value in sorted(flatten(values).items())))
    return 0


COMMANDS = {"data": cmd_data, "train": cmd_train, "trace": cmd_trace, "figures": cmd_figures,
            "build": cmd_build, "values": cmd_values}
