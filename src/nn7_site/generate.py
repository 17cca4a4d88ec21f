"""Generate everything the site shows from runs into ``build/generated/``: printouts, figures
and their data, the executed notebook, the lab's data, downloads, and the named values
("glue") that pages quote (``{{ case1.final.val_r2 | fixed(4) }}``; ``python -m nn7 values``
lists them).

Jobs whose inputs are unchanged are skipped without starting anything (:mod:`.cache`); the
others run in fresh processes (:mod:`.worker`), in parallel. A job writes only the files whose
bytes changed (a watcher sees no change when nothing changed) and its manifest last, and only
if its inputs did not change while it ran. Files no current job produced are removed, so the
folder always holds exactly what a clean build would.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import cache, fresh
from .cache import Hashes, Manifest
from .context import BuildError
from .jobs import Job, jobs
from .layout import OUT, PUBLISH, SITE_MANIFEST, SNIPPETS
from .worker import BOOTSTRAP, PROLOGUE

_HERE = Path(__file__).resolve().parents[1]  # the src/ this code was imported from
_IMPORTED = fresh.digest(_HERE / "nn7", _HERE / "nn7_site")  # its bytes when it was imported


@dataclass
class JobOutcome:
    name: str
    ran: bool
    seconds: float
    reason: str | None = None  # why it ran


@dataclass
class Report:
    out: Path
    values: dict  # the glue namespace the pages render with
    published: list[tuple[str, Path]]  # (site path, file)
    outcomes: list[JobOutcome] = field(default_factory=list)


# ---------------------------------------------------------------- values not made by a job


def static_values(root: Path) -> dict:
    """Values that are not the output of a run: the book's settings and printed numbers,
    the benchmark results (bench/results.json) and the lab's file sizes."""
    from nn7 import book, experiments

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


# ---------------------------------------------------------------- running jobs


def run_job(root: Path, job: Job) -> dict:
    """Run ``job`` in a fresh process; its {files, glue, inputs, seconds}. A job's error is a BuildError."""
    t0 = time.perf_counter()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
    with tempfile.TemporaryDirectory(prefix="nn7-job-") as tmp:
        result = Path(tmp) / "result.pickle"
        proc = subprocess.run([sys.executable, "-c", BOOTSTRAP, str(root), job.name, str(result)], cwd=root,
                              env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
        try:
            data = pickle.loads(result.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError):
            tail = " ".join(proc.stderr.split()[-40:])
            raise BuildError(f"{job.name}: its process ended with status {proc.returncode} ({tail or 'no message'})") \
                from None
    if "error" in data:
        raise BuildError(data["error"])
    return {**data, "seconds": time.perf_counter() - t0}


def _store(root: Path, out: Path, job: Job, data: dict, env: str, hashes: Hashes, log) -> Manifest:
    """Write a job's outputs, then its manifest if its inputs did not change while it ran."""
    files = dict(data["files"])
    if data["glue"] is not None:
        files[f"glue/{job.stem}.json"] = data["glue"]
    for rel, blob in files.items():
        cache.write(out / rel, blob)
    manifest = Manifest(job.definition, env, data["inputs"], {rel: cache.sha256(b) for rel, b in sorted(files.items())})
    changed = [rel for rel, digest in data["inputs"].items() if hashes.now(rel) != digest]
    if changed:
        log(f"nn7: {job.name}: {changed[0]} changed while it ran; it will run again next build")
    else:
        cache.write(cache.manifest_path(out, job.stem), manifest.to_bytes())
    return manifest


def generate(root: str | Path = ".", out: str | Path | None = None, log: Callable[[str], None] = print,
             only: set[str] | None = None, workers: int | None = None) -> Report:
    """Run (or skip, when fresh) every job, then write the values and the list of published
    files (``site.json``). With ``only``, run just those jobs (no pruning, no site.json)."""
    root = Path(root).resolve()
    out = (root / OUT) if out is None else Path(out).resolve()
    if not (root / "src" / "nn7_site" / "worker.py").is_file():
        raise BuildError(f"{root}: not an nn7 repository (no src/nn7_site)")
    if (root / "src").resolve() != _HERE or fresh.digest(root / "src" / "nn7", root / "src" / "nn7_site") != _IMPORTED:
        # the jobs and the registry must be the repository's as they are on disk now
        if os.environ.get(_ELSEWHERE) == str(root):  # this is that fresh process: never start another
            raise BuildError(f"{root / 'src'}: its code changed while the build was starting; build again")
        return _generate_elsewhere(root, out, log, only, workers)
    env = cache.environment()
    hashes = Hashes(root)
    todo = [j for j in jobs() if only is None or j.name in only]
    manifests: dict[str, Manifest] = {}
    outcomes: dict[str, JobOutcome] = {}
    stale: list[tuple[Job, str]] = []
    for job in todo:
        t0 = time.perf_counter()
        m = Manifest.read(cache.manifest_path(out, job.stem))
        reason = cache.why_stale(m, job.definition, env, hashes, out)
        if reason is None:
            manifests[job.name] = m
            outcomes[job.name] = JobOutcome(job.name, False, time.perf_counter() - t0)
            log(f"nn7: {job.name:<20} cached {outcomes[job.name].seconds:6.2f} s")
        else:
            stale.append((job, reason))
    if stale:
        _run_stale(root, out, stale, env, hashes, manifests, outcomes, log, workers)
    if only is not None:
        return Report(out, {}, [], [outcomes[j.name] for j in todo])
    keep = {SITE_MANIFEST}
    glue = {}
    for job in todo:
        m = manifests[job.name]
        keep |= set(m.outputs) | {cache.manifest_path(out, job.stem).relative_to(out).as_posix()}
        if job.glue_name:  # read back, so a cached and a fresh job give the same (JSON) values
            glue[job.glue_name] = json.loads((out / "glue" / f"{job.stem}.json").read_text(encoding="utf-8"))
    cache.prune(out, keep)
    values = {**static_values(root), **glue}
    published = _published(root, sorted(keep))
    cache.write(out / SITE_MANIFEST, (json.dumps({"values": values, "published": published}, ensure_ascii=False,
                                                 indent=1, sort_keys=True) + "\n").encode())
    return Report(out, values, _resolve(published, root, out), [outcomes[j.name] for j in todo])


def _run_stale(root, out, stale, env, hashes, manifests, outcomes, log, workers) -> None:
    workers = workers or min(len(stale), os.cpu_count() or 1)
    failure: BuildError | None = None
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        started = {}
        for job, reason in stale:
            started[pool.submit(run_job, root, job)] = (job, reason)
        for future in concurrent.futures.as_completed(started):
            job, reason = started[future]
            if future.cancelled():
                continue
            try:
                data = future.result()
            except BuildError as err:
                failure = failure or err
                for other in started:
                    other.cancel()
                continue
            if failure is not None:
                continue
            manifests[job.name] = _store(root, out, job, data, env, hashes, log)
            outcomes[job.name] = JobOutcome(job.name, True, data["seconds"], reason)
            log(f"nn7: {job.name:<20} ran    {outcomes[job.name].seconds:6.2f} s  ({reason})")
    if failure is not None:
        raise failure


_GENERATE = PROLOGUE + """\
out, only, workers, result = sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
import pickle
from nn7.errors import Nn7Error
from nn7_site.generate import generate
try:
    report = generate(root, out, log=lambda line: print(line, file=sys.stderr, flush=True),
                      only=set(only.split(",")) if only else None, workers=workers or None)
    data = {"outcomes": report.outcomes}
except Nn7Error as err:
    data = {"error": str(err)}
with open(result, "wb") as f:
    pickle.dump(data, f)
"""


_ELSEWHERE = "NN7_GENERATE_ELSEWHERE"  # set in that process: the repository it generates for


def _generate_elsewhere(root: Path, out: Path, log, only, workers) -> Report:
    """:func:`generate` in a fresh process that imports ``root``'s code as it is on disk (the
    code this process imported is another repository's, or was edited since)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1", _ELSEWHERE: str(root)}
    with tempfile.TemporaryDirectory(prefix="nn7-generate-") as tmp:
        result = Path(tmp) / "result.pickle"
        proc = subprocess.Popen([sys.executable, "-c", _GENERATE, str(root), str(out), ",".join(sorted(only or ())),
                                 str(workers or 0), str(result)], cwd=root, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                                errors="replace")
        tail = []
        for line in proc.stderr:
            line = line.rstrip("\n")
            if line.startswith("nn7: "):
                log(line)
            elif line:
                tail = (tail + [line])[-20:]
        code = proc.wait()
        try:
            data = pickle.loads(result.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError):
            raise BuildError(f"`nn7 build` on {root} ended with status {code}: {' '.join(tail) or 'no message'}") from None
    if "error" in data:
        raise BuildError(data["error"])
    outcomes = [JobOutcome(o.name, o.ran, o.seconds, o.reason) for o in data["outcomes"]]
    if only is not None:
        return Report(out, {}, [], outcomes)
    report = read_site(root, out)
    report.outcomes = outcomes
    return report


# ---------------------------------------------------------------- what the site publishes


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
