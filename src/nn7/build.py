"""Generate everything the site shows from runs: printouts, figures and their data, the
executed notebook, the lab's data, downloads, and the named values ("glue") that pages quote.

Callable without MkDocs: ``python -m nn7 build``. The MkDocs hook runs exactly that, in a
fresh process (:func:`generate_in_subprocess`), so the code that runs is the code on disk
whose bytes key the cache; that process imports the repository's files from their source,
never from a bytecode cache (:mod:`nn7._fresh`).

Jobs come from the experiment registry (:mod:`nn7.experiments`): one per case shown on a
page, per trace, the sweep, the speed comparison, plus the data file, the diagram, the
notebook, the lab's data and the code archive. A job's key is the SHA-256 of its
definition, nn7's sources, the files it depends on and the versions of what draws the
figures. Its manifest records the key and the SHA-256 of every output it wrote; it is
skipped only when the key matches and every output is there with those bytes (a missing,
truncated or hand-edited output re-runs it). A job writes only the files whose bytes
changed (so a watcher sees no change when nothing changed), its manifest last, and only
if its inputs did not change while it ran. Files no current job produced are removed, so
``build/generated/`` always holds exactly what a clean build would.

Each job also *glues* named values where it computes them; pages use them by name
(``{{ case1.final.val_r2 | fixed(4) }}``), and ``python -m nn7 values`` lists them all.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import platform
import runpy
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import _fresh, book, experiments
from .errors import Nn7Error
from .fileio import write_atomic

OUT = Path("build") / "generated"  # relative to the repository root, outside docs/
SNIPPETS = Path("snippets")
DOCS = Path("docs")
SITE_MANIFEST = "site.json"  # the values and the published files, read by the MkDocs hook
CACHE = ".cache"  # job manifests, inside OUT
DIAGRAM = "backprop_7_5_8.png"
NOTEBOOK = "ch7/notebook.ipynb"  # docs-relative; the build publishes it executed, in its place
CODE_ARCHIVE = "nn7-7.7-code.zip"
# first folder of an output -> where the site publishes it (other outputs are not published:
# printouts/ are included into pages by pymdownx.snippets, glue/ feeds the values)
PUBLISH = {"img": "ch7/img", "data": "ch7/data", "downloads": "downloads", "lab": "assets/lab", "pages": ""}


class BuildError(Nn7Error):
    """A job failed; the message names the file that failed."""


@dataclass
class Outputs:
    files: dict[str, bytes] = field(default_factory=dict)  # path under OUT -> bytes
    glue: dict | None = None  # named values, published as {{ <glue name>.… }}


@dataclass
class Job:
    name: str
    definition: str  # part of the key
    depends: tuple[str, ...]  # files relative to the repository root
    run: Callable[["Context"], Outputs]
    glue_name: str | None = None

    @property
    def stem(self) -> str:
        """The job's name as a file name (``case:case1`` -> ``case_case1``)."""
        return self.name.replace(":", "_")


@dataclass
class Context:
    root: Path
    out: Path

    @property
    def snippets(self) -> Path:
        return self.root / SNIPPETS


@dataclass
class JobOutcome:
    name: str
    ran: bool
    seconds: float


@dataclass
class Report:
    out: Path
    values: dict  # the glue namespace the pages render with
    published: list[tuple[str, Path]]  # (site path, file)
    outcomes: list[JobOutcome] = field(default_factory=list)
    code_hash: str = ""


# ---------------------------------------------------------------- keys


def _sha(*parts: bytes) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(len(p).to_bytes(8, "little"))
        h.update(p)
    return h.hexdigest()


def code_hash() -> str:
    """nn7's own sources and the versions that decide the bytes of the outputs (read from
    the installed metadata: importing matplotlib just for its version would slow warm builds)."""
    from importlib.metadata import version

    import numpy as np

    versions = (f"python {platform.python_version()} numpy {np.__version__} "
                f"matplotlib {version('matplotlib')} pillow {version('pillow')} nbclient {version('nbclient')}")
    return _sha(versions.encode(), _fonts().encode(), _fresh.digest(Path(__file__).resolve().parent).encode())


def _fonts() -> str:
    """The CJK font files on this machine (names and sizes): the figures' bytes depend on them."""
    found = []
    for folder in ("/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts"),
                   str(Path.home() / ".local/share/fonts")):
        base = Path(folder)
        if base.is_dir():
            found += [f"{p.name}:{p.stat().st_size}" for p in base.rglob("*")
                      if p.is_file() and any(k in p.name.lower() for k in ("cjk", "wqy", "sourcehan", "droidsansfallback"))]
    return "\n".join(sorted(found))


def _job_key(ctx: Context, job: Job, base: str) -> str:
    deps = []
    for rel in job.depends:
        path = ctx.root / rel
        if not path.is_file():
            raise BuildError(f"{path}: file not found (needed by {job.name})")
        deps.append(rel.encode() + b"\0" + path.read_bytes())
    return _sha(base.encode(), job.definition.encode(), *deps)


# ---------------------------------------------------------------- snippets


def load_snippet(path: Path) -> dict:
    """Run a snippet file as a module (not as __main__) and return its namespace."""
    if not path.is_file():
        raise BuildError(f"{path}: snippet file not found")
    try:
        return runpy.run_path(str(path), run_name=f"nn7_snippet_{path.stem}")
    except Exception as err:  # the snippet is user code: name it, keep the one-line form
        raise BuildError(f"{path}: failed to load: {type(err).__name__}: {err}") from err


def call_snippet(path: Path, function: str, *args):
    """Call ``function(*args)`` of a snippet; return (its result, what it printed)."""
    namespace = load_snippet(path)
    if function not in namespace:
        raise BuildError(f"{path}: has no function {function}()")
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            result = namespace[function](*args)
    except Nn7Error as err:
        raise BuildError(f"{path}: {function}{args}: {err}") from err
    except Exception as err:
        raise BuildError(f"{path}: {function}{args} failed: {type(err).__name__}: {err}") from err
    return result, out.getvalue()


def _json(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


# ---------------------------------------------------------------- jobs


def _data_job(ctx: Context) -> Outputs:
    from .data import BOOK_DATA_NAME, BOOK_DATA_SHA256, DataLoader, book_samples, generate_book_data

    data, samples = generate_book_data(), book_samples()
    loader = DataLoader.book(seed=experiments.CHAPTER_SEED)
    glue = {"file": BOOK_DATA_NAME, "bytes": len(data), "sha256": BOOK_DATA_SHA256, "n": len(samples),
            "n_train": loader.num_train, "n_val": len(loader.val_x),
            "x_min": float(samples[:, 0].min()), "x_max": float(samples[:, 0].max()),
            "y_min": float(samples[:, 1].min()), "y_max": float(samples[:, 1].max())}
    return Outputs({f"downloads/{BOOK_DATA_NAME}": data}, glue)


def _diagram_job(ctx: Context) -> Outputs:
    import tempfile

    from .diagram import backprop_diagram

    with tempfile.TemporaryDirectory() as tmp:
        path = backprop_diagram(Path(tmp) / DIAGRAM)
        return Outputs({f"img/{DIAGRAM}": Path(path).read_bytes()})


def _case_job(name: str):
    def run(ctx: Context) -> Outputs:
        from . import plots

        case = experiments.case(name)
        result, printed = call_snippet(ctx.snippets / case.script, "run", name)
        files = {f"printouts/{name}.txt": printed.encode()}
        if case.figures:
            curves, fit = case.figures
            files[f"img/{curves}"] = plots.training_curves(result)
            files[f"data/{Path(curves).stem}.csv"] = plots.curves_table(result).csv()
            files[f"img/{fit}"] = plots.fit_figure(result)
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

    from .tolerances import BOOK_PRINT

    case = experiments.TRACES[name].case
    diffs = []
    for k, (printed, mine) in enumerate(zip(book.TRACES[case]["steps"], ours), start=1):
        for key, value in printed.items():
            if not np.allclose(np.asarray(value, float), np.asarray(mine[key], float), rtol=0, atol=BOOK_PRINT):
                diffs.append({"iteration": k, "name": key, "printed": value, "ours": mine[key]})
    return diffs


def _trace_job(name: str):
    def run(ctx: Context) -> Outputs:
        from .trace import STEP_HEADER

        t = experiments.TRACES[name]
        steps, printed = call_snippet(ctx.snippets / t.script, "trace", name)
        blocks = [STEP_HEADER + part for part in printed.split(STEP_HEADER)[1:]]
        if len(blocks) != len(steps):
            raise BuildError(f"{ctx.snippets / t.script}: trace({name!r}) printed {len(blocks)} "
                             f"iterations for {len(steps)} steps")
        files = {f"printouts/{name}-{k}.txt": b.encode() for k, b in enumerate(blocks, start=1)}
        ours = [s.to_json() for s in steps]
        picked = experiments.pick_samples(t.samples)
        glue = {"name": name, "case": t.case, "lr": t.lr, "steps": ours,
                "samples": [{"x": float(px), "y": float(py), "x_given": x is not None}
                            for (x, _), (px, py) in zip(t.samples, picked)],
                "book_differences": trace_differences(name, ours)}
        return Outputs(files, glue)

    return run


def _sweep_job(ctx: Context) -> Outputs:
    from . import plots

    sw = experiments.SWEEP
    result, printed = call_snippet(ctx.snippets / sw.script, "run")
    stem = Path(sw.figure).stem
    return Outputs({"printouts/sweep.txt": printed.encode(), f"img/{sw.figure}": plots.sweep_heatmap(result),
                    f"data/{stem}.csv": plots.sweep_table(result).csv()}, result.to_json())


def _speed_job(ctx: Context) -> Outputs:
    from .sweep import run_speed

    return Outputs({}, run_speed(experiments.SPEED).to_json())


def _limit_job(ctx: Context) -> Outputs:
    import numpy as np

    from .batched import train_batched
    from .train import train

    lim = experiments.LIMIT
    single = train(lim.init, lim.settings, seed=lim.seed)
    batched = train_batched([(lim.init, lim.seed)], lim.settings).params(0)
    diff = max(float(np.max(np.abs(a - b))) for a, b in zip(single.params.arrays(), batched.arrays()))
    return Outputs({}, {"init": single.init, "seed": lim.seed, "settings": lim.settings.as_dict(),
                        "max_param_diff": diff, "largest_weight": float(np.max(np.abs(single.params.W1)))})


def _notebook_job(ctx: Context) -> Outputs:
    """The notebook, executed top to bottom (as readers download it, with its outputs)."""
    from .notebook import execute

    src = ctx.root / DOCS / NOTEBOOK
    return Outputs({f"pages/{NOTEBOOK}": execute(src)})


def _archive_job(ctx: Context) -> Outputs:
    """Every snippet file and the data in one zip (fixed dates: the same bytes every build)."""
    from .data import BOOK_DATA_NAME, generate_book_data

    files = {p.relative_to(ctx.snippets).as_posix(): p.read_bytes() for p in sorted(ctx.snippets.rglob("*.py"))}
    files[BOOK_DATA_NAME] = generate_book_data()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for rel, data in sorted(files.items()):
            info = zipfile.ZipInfo(f"nn7-7.7/{rel}", date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return Outputs({f"downloads/{CODE_ARCHIVE}": buf.getvalue()}, {"file": CODE_ARCHIVE, "files": sorted(files)})


def _lab_job(ctx: Context) -> Outputs:
    from .lab import lab_files

    return Outputs(lab_files())


def jobs(root: Path | None = None) -> list[Job]:
    """Every job of the build, derived from the registry."""
    snippet_files = ()
    if root is not None:
        snippet_files = tuple(p.relative_to(root).as_posix() for p in sorted((root / SNIPPETS).rglob("*.py")))
    out = [Job("data", "train7.txt", (), _data_job, "data"), Job("diagram", DIAGRAM, (), _diagram_job)]
    for c in experiments.page_cases():
        out.append(Job(f"case:{c.name}", repr(c), tuple(f"{SNIPPETS}/{d}" for d in c.depends), _case_job(c.name),
                       experiments.glue_name(c.name)))
    for name, t in experiments.TRACES.items():
        out.append(Job(f"trace:{name}", repr(t) + repr(experiments.case(t.case)),
                       tuple(f"{SNIPPETS}/{d}" for d in t.depends), _trace_job(name), experiments.glue_name(name)))
    sw, sp = experiments.SWEEP, experiments.SPEED
    out.append(Job("sweep", repr(sw), tuple(f"{SNIPPETS}/{d}" for d in sw.depends), _sweep_job, "sweep"))
    out.append(Job("speed", repr(sp), (), _speed_job, "speed"))
    out.append(Job("limit", repr(experiments.LIMIT), (), _limit_job, "limit"))
    out.append(Job("notebook", NOTEBOOK, (f"{DOCS}/{NOTEBOOK}",), _notebook_job))
    out.append(Job("lab", "lab", (), _lab_job))
    out.append(Job("archive", CODE_ARCHIVE, snippet_files, _archive_job, "archive"))
    return out


# ---------------------------------------------------------------- values not made by a job


def static_values(root: Path) -> dict:
    """Values that are not the output of a run: the book's settings and printed numbers,
    the benchmark results (bench/results.json) and the lab's file sizes."""
    from .lab import lab_sizes

    names = ("train_loss", "train_accu", "val_loss", "val_accu")
    values = {"book": {"settings": experiments.BOOK_SETTINGS.as_dict(),
                       "log_tails": {c: [dict(zip(names, row)) for row in rows] for c, rows in book.LOG_TAILS.items()}},
              "cases": [experiments.glue_name(c.name) for c in experiments.page_cases()],
              "figures": experiments.figures()}
    bench = root / "bench" / "results.json"
    if bench.is_file():
        data = json.loads(bench.read_text(encoding="utf-8"))
        values["bench"] = {"date": data.get("date"), "machine": data.get("machine", {}),
                           "goals": {g["name"]: g for g in data.get("goals", [])}}
    else:
        values["bench"] = None
    values["lab_files"] = lab_sizes(root)
    return values


# ---------------------------------------------------------------- the cache


class _Writes:
    """Every file the build writes goes through here. For the tests' killed-build checks,
    NN7_BUILD_CRASH_AFTER=N ends the process (as a kill would) after the N-th write, and
    NN7_BUILD_CRASH_MIDWRITE=N in the middle of it (a temporary file half written)."""

    def __init__(self):
        self.count = 0
        self.after = int(os.environ.get("NN7_BUILD_CRASH_AFTER", "0") or 0)
        self.mid = int(os.environ.get("NN7_BUILD_CRASH_MIDWRITE", "0") or 0)

    def __call__(self, path: Path, data: bytes) -> None:
        self.count += 1
        if self.count == self.mid:
            path.parent.mkdir(parents=True, exist_ok=True)
            (path.parent / f".{path.name}.crash").write_bytes(data[: len(data) // 2])
            os._exit(137)
        write_atomic(path, data)
        if self.count == self.after:
            os._exit(137)


def _manifest_path(out: Path, job: Job) -> Path:
    return out / CACHE / f"{job.stem}.json"


def _read_manifest(path: Path) -> dict | None:
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return m if isinstance(m, dict) and isinstance(m.get("outputs"), dict) else None


def _is_fresh(m: dict | None, key: str, out: Path) -> bool:
    """The key matches and every output is on disk with the bytes the job wrote."""
    if m is None or m.get("key") != key:
        return False
    for rel, digest in m["outputs"].items():
        try:
            if hashlib.sha256((out / rel).read_bytes()).hexdigest() != digest:
                return False
        except OSError:
            return False
    return True


def _prune(out: Path, keep: set[str]) -> None:
    """Remove every file under ``out`` that is not in ``keep`` (outputs of jobs that no longer
    exist, temporary files of a killed build), then the folders left empty."""
    if not out.is_dir():
        return
    for path in sorted(out.rglob("*"), reverse=True):
        rel = path.relative_to(out).as_posix()
        if path.is_file() or path.is_symlink():
            if rel not in keep:
                path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def generate(root: str | Path = ".", out: str | Path | None = None, log: Callable[[str], None] = print,
             only: set[str] | None = None) -> Report:
    """Run (or skip, when cached) every job, then write the values and the list of published
    files (``site.json``). With ``only``, run just those jobs (no pruning, no site.json)."""
    root = Path(root).resolve()
    out = (root / OUT) if out is None else Path(out).resolve()
    ctx = Context(root, out)
    write = _Writes()
    base = code_hash()
    outcomes, keep, glue = [], {SITE_MANIFEST}, {}
    for job in jobs(root):
        if only is not None and job.name not in only:
            continue
        key = _job_key(ctx, job, base)
        manifest_path = _manifest_path(out, job)
        manifest = _read_manifest(manifest_path)
        t0 = time.perf_counter()
        cached = _is_fresh(manifest, key, out)
        if not cached:
            result = job.run(ctx)
            files = dict(result.files)
            if result.glue is not None:
                files[f"glue/{job.stem}.json"] = _json(result.glue)
            for rel, data in files.items():
                write(out / rel, data)
            manifest = {"key": key, "outputs": {rel: hashlib.sha256(data).hexdigest() for rel, data in sorted(files.items())}}
            if _job_key(ctx, job, code_hash()) == key:  # inputs unchanged while it ran
                write(manifest_path, _json(manifest))
            else:
                log(f"nn7: {job.name}: its inputs changed while it ran; it will run again next build")
        seconds = time.perf_counter() - t0
        outcomes.append(JobOutcome(job.name, not cached, seconds))
        log(f"nn7: {job.name:<20} {'cached' if cached else 'ran'} {seconds:6.2f} s")
        keep |= set(manifest["outputs"]) | {manifest_path.relative_to(out).as_posix()}
        if job.glue_name:  # read back, so a cached and a fresh job give the same (JSON) values
            glue[job.glue_name] = json.loads((out / "glue" / f"{job.stem}.json").read_text(encoding="utf-8"))
    if only is not None:
        return Report(out, {}, [], outcomes, base)
    _prune(out, keep)
    values = {**static_values(root), **glue}
    published = _published(root, sorted(keep))
    write(out / SITE_MANIFEST, _json({"values": values, "published": published}))
    return Report(out, values, _resolve(published, root, out), outcomes, base)


def _published(root: Path, files: list[str]) -> list[list[str]]:
    """[site path, "generated" or "snippets", path relative to it] of every output the site
    publishes, and of every snippet file (readers download them as they are)."""
    items = []
    for rel in files:
        top, _, rest = rel.partition("/")
        if top in PUBLISH and rest:
            items.append([f"{PUBLISH[top]}/{rest}".lstrip("/"), "generated", rel])
    snippets = root / SNIPPETS
    items += [[f"downloads/{rel}", "snippets", rel]
              for rel in sorted(p.relative_to(snippets).as_posix() for p in snippets.rglob("*.py"))]
    return items


def _resolve(published: list[list[str]], root: Path, out: Path) -> list[tuple[str, Path]]:
    bases = {"generated": out, "snippets": root / SNIPPETS}
    return [(site, bases[base] / rel) for site, base, rel in published]


def read_site(root: str | Path, out: str | Path | None = None) -> Report:
    """The values and published files of the last complete generation."""
    root = Path(root).resolve()
    out = (root / OUT) if out is None else Path(out)
    try:
        data = json.loads((out / SITE_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise BuildError(f"{out / SITE_MANIFEST}: no complete generation ({err}); run `python -m nn7 build`") from None
    return Report(out, data["values"], _resolve(data["published"], root, out))


# ---------------------------------------------------------------- in a fresh process

# The generating process: import the repository's nn7 and snippets from their source files
# (never a stale bytecode cache), then run `nn7 build`.
_BOOTSTRAP = """\
import importlib.util, sys
root = sys.argv[1]
spec = importlib.util.spec_from_file_location("nn7_fresh", root + "/src/nn7/_fresh.py")
fresh = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fresh)
sys.dont_write_bytecode = True
sys.path.insert(0, root + "/src")
fresh.install(root + "/src/nn7", root + "/snippets")
from nn7.cli import main
sys.exit(main(["build", "--root", root, *sys.argv[2:]]))
"""


def generate_in_subprocess(root: str | Path, log: Callable[[str], None] = print) -> Report:
    """Run ``nn7 build`` on ``root`` in a fresh Python process that runs the repository's
    code as it is on disk now (what the MkDocs hook calls on every build), relaying its log;
    return the values and published files it wrote."""
    root = Path(root).resolve()
    if not (root / "src" / "nn7" / "_fresh.py").is_file():
        raise BuildError(f"{root}: not an nn7 repository (no src/nn7)")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-c", _BOOTSTRAP, str(root)], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    last = ""
    for line in proc.stderr:
        line = line.rstrip("\n")
        if line.startswith("nn7: error: "):
            last = line[len("nn7: error: "):]
        elif line:
            log(line)
            last = line
    code = proc.wait()
    if code != 0:
        raise BuildError(last or f"`nn7 build` exited with status {code}")
    return read_site(root)
