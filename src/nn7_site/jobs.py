"""The build's jobs, derived from the experiment registry (:mod:`nn7.experiments`): one per case
shown on a page, per trace, per study, the sweep, the learning-speed comparison and the
chaotic run, plus the data file, the diagram, the notebook, the lab's data and the code
archive.

Each job runs in a process of its own (:mod:`nn7_site.worker`), so what it imports is what it
needs: this module imports only the registry, and every job imports the rest of nn7 when it
runs. The modules a job imported and the files it read are its inputs (:mod:`nn7_site.cache`).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from nn7 import experiments

from .context import BuildError, Context, Outputs
from .layout import CODE_ARCHIVE, DOCS, NOTEBOOK


@dataclass
class Job:
    name: str
    definition: str  # part of the key: the registry entry, as its repr
    run: Callable[[Context], Outputs]
    glue_name: str | None = None

    @property
    def stem(self) -> str:
        """The job's name as a file name (``case:case1`` -> ``case_case1``)."""
        return self.name.replace(":", "_")


def _json_default(obj):
    raise TypeError(f"{type(obj).__name__} is not JSON-serialisable")


def glue_json(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True, default=_json_default) + "\n").encode()


# ---------------------------------------------------------------- the jobs


def _data_job(ctx: Context) -> Outputs:
    from nn7.data import (
        BOOK_DATA_NAME,
        BOOK_DATA_SHA256,
        DataLoader,
        book_samples,
        generate_book_data,
    )

    data, samples = generate_book_data(), book_samples()
    loader = DataLoader.book(seed=experiments.CHAPTER_SEED)
    glue = {"file": BOOK_DATA_NAME, "bytes": len(data), "sha256": BOOK_DATA_SHA256, "n": len(samples),
            "n_train": loader.num_train, "n_val": len(loader.val_x),
            "x_min": float(samples[:, 0].min()), "x_max": float(samples[:, 0].max()),
            "y_min": float(samples[:, 1].min()), "y_max": float(samples[:, 1].max())}
    return Outputs({f"downloads/{BOOK_DATA_NAME}": data}, glue)


def _diagram_job(ctx: Context) -> Outputs:
    import tempfile

    from nn7.diagram import backprop_diagram
    from nn7.plots import DPI

    from .images import figure_files

    def render(palette: str, dpi: float) -> bytes:
        with tempfile.TemporaryDirectory() as tmp:
            return backprop_diagram(Path(tmp) / experiments.DIAGRAM, palette=palette, dpi=dpi).read_bytes()

    return Outputs(figure_files("img", experiments.DIAGRAM, render, DPI))


def _case_job(name: str):
    def run(ctx: Context) -> Outputs:
        from nn7 import plots

        from .images import figure_files

        case = experiments.case(name)
        result, printed = ctx.call_snippet(case.script, "run", name)
        files = {f"printouts/{name}.txt": printed.encode()}
        if case.figures:
            curves, fit = case.figures
            files |= figure_files("img", curves, lambda p, dpi: plots.training_curves(result, palette=p, dpi=dpi), plots.DPI)
            files[f"data/{Path(curves).stem}.csv"] = plots.curves_table(result).csv()
            files |= figure_files("img", fit, lambda p, dpi: plots.fit_figure(result, palette=p, dpi=dpi), plots.DPI)
            files[f"data/{Path(fit).stem}.csv"] = plots.fit_table(result).csv()
        h = result.history
        glue = {"name": name, "init": str(case.spec), "seed": case.seed, "settings": case.settings.as_dict(),
                "final": {**result.final("r2"), **result.final("book")},
                "initial": result.initial.to_json(), "params": result.params.to_json(),
                "iterations": int(h.iteration[-1]), "checkpoints": len(h.iteration),
                "figures": list(case.figures or ()), "page": case.page}
        return Outputs(files, glue)

    return run


def trace_differences(name: str, ours: list[dict]) -> list[dict]:
    """Every printed value of the book's trace that a fresh run does not reproduce within
    the book's truncation (tolerances.BOOK_PRINT)."""
    import numpy as np

    from nn7 import book
    from nn7.tolerances import BOOK_PRINT

    case = experiments.TRACES[name].case
    diffs = []
    for k, (printed, mine) in enumerate(zip(book.TRACES[case]["steps"], ours), start=1):
        for key, value in printed.items():
            if not np.allclose(np.asarray(value, float), np.asarray(mine[key], float), rtol=0, atol=BOOK_PRINT):
                diffs.append({"iteration": k, "name": key, "printed": value, "ours": mine[key]})
    return diffs


def _trace_job(name: str):
    def run(ctx: Context) -> Outputs:
        from nn7.data import pick_samples
        from nn7.trace import STEP_HEADER

        t = experiments.TRACES[name]
        steps, printed = ctx.call_snippet(t.script, "trace", name)
        blocks = [STEP_HEADER + part for part in printed.split(STEP_HEADER)[1:]]
        if len(blocks) != len(steps):
            raise BuildError(f"{ctx.snippets / t.script}: trace({name!r}) printed {len(blocks)} "
                             f"iterations for {len(steps)} steps")
        files = {f"printouts/{name}-{k}.txt": b.encode() for k, b in enumerate(blocks, start=1)}
        ours = [s.to_json() for s in steps]
        picked = pick_samples(t.samples)
        glue = {"name": name, "case": t.case, "lr": t.lr, "steps": ours,
                "samples": [{"x": float(px), "y": float(py), "x_given": x is not None}
                            for (x, _), (px, py) in zip(t.samples, picked)],
                "book_differences": trace_differences(name, ours)}
        return Outputs(files, glue)

    return run


def _study_job(name: str):
    def run(ctx: Context) -> Outputs:
        study = experiments.STUDIES[name]
        path = ctx.snippets / study.script
        findings, printed = ctx.call_snippet(study.script, study.function)
        if not isinstance(findings, experiments.Findings):
            raise BuildError(f"{path}: {study.function}() returned {type(findings).__name__}, "
                             "not nn7.experiments.Findings(values=…, figures=…)")
        files = {f"printouts/{name}.txt": printed.encode()}
        for figure, drawn in sorted(findings.figures.items()):
            if not (isinstance(drawn, tuple) and len(drawn) == 2 and isinstance(drawn[0], bytes)):
                raise BuildError(f"{path}: figure {figure!r} must be (PNG bytes, nn7.plots.Table)")
            png, table = drawn
            files[f"img/{figure}"] = png
            files[f"data/{Path(figure).stem}.csv"] = table.csv()
        try:
            glue_json(findings.values)
        except (TypeError, ValueError) as err:
            raise BuildError(f"{path}: the values {study.function}() returned are not JSON: {err}") from None
        return Outputs(files, {**findings.values, "figures": sorted(findings.figures), "page": study.page})

    return run


def _sweep_job(ctx: Context) -> Outputs:
    from nn7 import plots

    from .images import figure_files

    sw = experiments.SWEEP
    result, printed = ctx.call_snippet(sw.script, "run")
    stem = Path(sw.figure).stem
    heatmap = figure_files("img", sw.figure, lambda p, dpi: plots.sweep_heatmap(result, palette=p, dpi=dpi), plots.DPI)
    return Outputs({"printouts/sweep.txt": printed.encode(), **heatmap,
                    f"data/{stem}.csv": plots.sweep_table(result).csv()}, result.to_json())


def _speed_job(ctx: Context) -> Outputs:
    from nn7.sweep import run_speed

    return Outputs({}, run_speed(experiments.LEARNING_SPEED).to_json())


def _chaotic_job(ctx: Context) -> Outputs:
    import numpy as np

    from nn7.batched import train_batched
    from nn7.train import train

    lim = experiments.CHAOTIC_RUN
    single = train(lim.init, lim.settings, seed=lim.seed)
    batched = train_batched([(lim.init, lim.seed)], lim.settings).params(0)
    diff = max(float(np.max(np.abs(a - b))) for a, b in zip(single.params.arrays(), batched.arrays()))
    return Outputs({}, {"init": single.init, "seed": lim.seed, "settings": lim.settings.as_dict(),
                        "max_param_diff": diff, "largest_weight": float(np.max(np.abs(single.params.W1)))})


def _notebook_job(ctx: Context) -> Outputs:
    """The notebook, executed top to bottom (as readers download it, with its outputs)."""
    from .notebook import execute

    src = ctx.root / DOCS / NOTEBOOK
    executed, imported = execute(src, ctx.read(src), report_modules_under=ctx.root / "src")
    for path in imported:  # what the notebook's kernel imported is an input like any other
        ctx.read(path)
    return Outputs({f"pages/{NOTEBOOK}": executed})


ARCHIVE_FOLDER = "nn7-7.7"  # the folder the code archive unzips to
ARCHIVE_README = "_partials/archive-readme.md"  # docs-relative: the archive's README.md (Chinese, a template)
ARCHIVE_PACKAGES = ("nn7", "nn7_cli")  # what the scripts and the `nn7` command import; not the site's generation


def _summary(docstring: str) -> str:
    """A snippet's docstring's first paragraph as one line, without the bracketed tag it starts with."""
    first = "".join(line.strip() for line in docstring.split("\n\n")[0].splitlines())
    return re.sub(r"^\u3010[^\u3011]*\u3011", "", first)


def _archive_job(ctx: Context) -> Outputs:
    """The code download: every snippet file, the data, and the packages the snippets import
    with the repository's pyproject.toml, so that after unzipping one ``pip install ./nn7-7.7``
    makes every script (and the ``nn7`` command) run. Its README.md is rendered from
    docs/_partials/archive-readme.md. Fixed dates: the same bytes every build."""
    import ast

    from nn7.data import BOOK_DATA_NAME, generate_book_data

    from .pages import environment

    files = {p.relative_to(ctx.snippets).as_posix(): ctx.read(p) for p in ctx.snippet_files()}
    scripts = [{"path": rel, "summary": _summary(ast.get_docstring(ast.parse(data)) or "")}
               for rel, data in sorted(files.items())]
    files[BOOK_DATA_NAME] = generate_book_data()
    for package in ARCHIVE_PACKAGES:
        for path in sorted((ctx.root / "src" / package).rglob("*.py")):
            files[path.relative_to(ctx.root).as_posix()] = ctx.read(path)
    files["pyproject.toml"] = pyproject = ctx.read(ctx.root / "pyproject.toml")
    python = re.search(r'^requires-python\s*=\s*">=\s*([\d.]+)"', pyproject.decode("utf-8"), re.M)
    readme = ctx.root / DOCS / ARCHIVE_README
    try:
        text = environment(ctx.root / DOCS).from_string(ctx.read(readme).decode("utf-8")).render(
            folder=ARCHIVE_FOLDER, archive=CODE_ARCHIVE, scripts=scripts, data=BOOK_DATA_NAME,
            python=python.group(1) if python else None)
    except Exception as err:  # a template error in the Chinese text: name the file
        raise BuildError(f"{readme}: {type(err).__name__}: {err}") from None
    files["README.md"] = text.encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for rel, data in sorted(files.items()):
            info = zipfile.ZipInfo(f"{ARCHIVE_FOLDER}/{rel}", date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return Outputs({f"downloads/{CODE_ARCHIVE}": buf.getvalue()},
                   {"file": CODE_ARCHIVE, "folder": ARCHIVE_FOLDER, "files": sorted(files),
                    "scripts": [s["path"] for s in scripts]})


def _lab_job(ctx: Context) -> Outputs:
    from .lab import lab_files

    return Outputs(lab_files(ctx))


def jobs() -> list[Job]:
    """Every job of the build, derived from the registry, in a fixed order."""
    glue = experiments.glue_name
    out = [Job("data", "train7.txt", _data_job, "data"), Job("diagram", experiments.DIAGRAM, _diagram_job)]
    out += [Job(f"case:{c.name}", repr(c), _case_job(c.name), glue(c.name)) for c in experiments.page_cases()]
    out += [Job(f"trace:{name}", repr(t) + repr(experiments.case(t.case)), _trace_job(name), glue(name))
            for name, t in experiments.TRACES.items()]
    out += [Job(f"study:{name}", repr(s), _study_job(name), glue(name)) for name, s in experiments.STUDIES.items()]
    out += [Job("sweep", repr(experiments.SWEEP), _sweep_job, "sweep"),
            Job("speed", repr(experiments.LEARNING_SPEED), _speed_job, "speed"),
            Job("chaotic", repr(experiments.CHAOTIC_RUN), _chaotic_job, "chaotic"),
            Job("notebook", NOTEBOOK, _notebook_job),
            Job("lab", "lab", _lab_job),
            Job("archive", CODE_ARCHIVE, _archive_job, "archive")]
    return out


def job(name: str) -> Job:
    for j in jobs():
        if j.name == name:
            return j
    raise BuildError(f"unknown job {name!r}; the jobs are {', '.join(j.name for j in jobs())}")
