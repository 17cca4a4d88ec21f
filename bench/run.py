"""`make bench`: measure nn7's performance goals in one process and write bench/results.json.

    python bench/run.py [--quick] [--profile] [--keep]

Run from the repository root (the venv's Python). One line per measurement as it goes, then
one summary line per goal (``name: value (goal N)``, ``MISSED`` when missed). The machine is
noisy, so competing variants are always measured interleaved in the same run, and every
speed-up is a ratio of two numbers from the same run.

The site builds run on a fresh copy of the working tree in a temporary folder (with
PYTHONPATH pointing at the copy's src/), so the real build cache is never touched and edits
made in parallel to src/ do not disturb the measurement.

Exit status: 0 even when a goal is missed; 1 when a measurement failed or a fast path
disagrees with its reference.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from reference import train_reference  # noqa: E402

from nn7.batched import default_workers, train_batched  # noqa: E402
from nn7.data import book_samples  # noqa: E402
from nn7.experiments import SWEEP  # noqa: E402
from nn7.sweep import run_sweep  # noqa: E402
from nn7.train import TrainSettings, train  # noqa: E402

BOOK = dict(lr=0.5, epochs=1000, batch_size=32, every=1)  # the book's setting (25,000 iterations)
K = 256  # networks in the batched measurement
PARAM_TOL, BATCHED_TOL = 1e-12, 1e-10

# name: (label on the site, unit, op, goal, digits, informational)
GOALS = {
    "train_speedup_vs_reference": ("单次训练相对朴素 NumPy 实现的加速比", "×", "≥", 3, 1, False),
    "batched_speedup_k256": ("批量训练 256 个网络时每个网络相对单次训练的加速比", "×", "≥", 30, 1, False),
    "sweep_cold_s": ("完整扫描（81 种初始化 × 10 个种子）用时", " 秒", "≤", 30, 1, False),
    "build_cold_s": ("空缓存完整构建网站（含执行笔记本）用时", " 秒", "≤", 40, 1, False),
    "build_warm_s": ("无改动时重新构建网站用时", " 秒", "≤", 3, 2, False),
    "build_prose_edit_s": ("预览时修改正文到页面更新的用时", " 秒", "≤", 2, 2, False),
    "tests_s": ("全部测试用时", " 秒", "≤", 90, 0, True),
}

STEPS = ("train", "batched", "sweep", "build", "tests")
DETAILS: dict = {}
MEASURED: dict[str, float] = {}
ERRORS: dict[str, str] = {}
PROBLEMS: list[str] = []  # correctness failures (not missed goals)
NOTES: dict[str, str] = {}  # extra text for a summary line


def out(line: str = "") -> None:
    print(line, flush=True)


def timed(fn, *args, **kw):
    t0 = time.perf_counter()
    result = fn(*args, **kw)
    return time.perf_counter() - t0, result


def max_diff(a_arrays, b_arrays) -> float:
    return max(float(np.max(np.abs(np.asarray(a, float) - np.asarray(b, float)))) for a, b in zip(a_arrays, b_arrays))


def unit_text(unit: str) -> str:
    return "x" if unit == "×" else " s"


# ---------------------------------------------------------------- 1. single run vs reference


def bench_train(trials: int) -> None:
    out(f"== train_speedup_vs_reference: book setting {BOOK}, init case3, seed 0, {trials} interleaved trials")
    settings = TrainSettings(**BOOK)
    samples = book_samples()
    r = train("case3", settings, seed=0)  # warm-up, and the initial parameters
    init = r.initial.arrays()
    train_reference(samples, init, seed=0, **BOOK)  # warm-up
    t_nn7, t_ref = [], []
    res_nn7 = res_ref = None
    for i in range(trials):
        for which in (("nn7", "ref") if i % 2 == 0 else ("ref", "nn7")):
            if which == "nn7":
                dt, res_nn7 = timed(train, "case3", settings, seed=0)
                t_nn7.append(dt)
            else:
                dt, res_ref = timed(train_reference, samples, init, seed=0, **BOOK)
                t_ref.append(dt)
        out(f"  trial {i + 1}/{trials}: nn7 {t_nn7[-1]:.3f} s, reference {t_ref[-1]:.3f} s "
            f"(ratio {t_ref[-1] / t_nn7[-1]:.2f}x)")
    ref_params, ref_hist = res_ref
    p_diff = max_diff(res_nn7.params.arrays(), ref_params)
    rows = res_nn7.history.rows("r2")
    same_shape = rows.shape == ref_hist.shape
    h_diff = float(np.max(np.abs(rows - ref_hist))) if same_shape else float("inf")
    ok = p_diff <= PARAM_TOL and h_diff <= PARAM_TOL
    out(f"  equality: max |params diff| {p_diff:.2e}, max |history diff| {h_diff:.2e} over "
        f"{len(rows)} checkpoints (tolerance {PARAM_TOL:g}): {'OK' if ok else 'MISMATCH'}")
    if not ok:
        PROBLEMS.append(f"nn7.train disagrees with the reference (params {p_diff:.2e}, history {h_diff:.2e})")
    med = statistics.median(t_ref) / statistics.median(t_nn7)
    mins = min(t_ref) / min(t_nn7)
    out(f"  median: nn7 {statistics.median(t_nn7):.3f} s, reference {statistics.median(t_ref):.3f} s; "
        f"ratio of medians {med:.2f}x, ratio of minima {mins:.2f}x")
    iters = BOOK["epochs"] * -(-800 // BOOK["batch_size"])
    out(f"  per iteration: nn7 {statistics.median(t_nn7) / iters * 1e6:.1f} µs, reference "
        f"{statistics.median(t_ref) / iters * 1e6:.1f} µs ({iters} iterations)")
    MEASURED["train_speedup_vs_reference"] = med
    DETAILS["train"] = {"settings": BOOK, "init": "case3", "seed": 0, "trials": trials,
                        "nn7_s": t_nn7, "reference_s": t_ref, "ratio_of_medians": med, "ratio_of_minima": mins,
                        "max_param_diff": p_diff, "max_history_diff": h_diff, "equal": ok}


# ---------------------------------------------------------------- 2. batched vs single


def bench_batched(quick: bool) -> None:
    settings = SWEEP.settings
    nets = [(c, s) for s in SWEEP.seeds for c in SWEEP.combos][:K]
    workers = default_workers()
    sample = sorted(set(np.linspace(0, K - 1, 24).round().astype(int).tolist()))
    rounds = 3 if quick else 5
    n_w1 = 1 if quick else 2
    groups = [sample[r::rounds] for r in range(rounds)]
    out(f"== batched_speedup_k256: K={K} nets (seed-major, seeds {sorted({s for _, s in nets})}), "
        f"settings {settings}, workers={workers}; {len(sample)} single runs in {rounds} rounds")
    train(nets[sample[0]][0], settings, seed=nets[sample[0]][1])  # warm-up
    t_b, t_b1, singles = [], [], {}
    batched = None
    for r in range(rounds):
        dt, res = timed(train_batched, nets, settings, workers=workers)
        if batched is None:
            batched = res
        t_b.append(dt)
        out(f"  round {r + 1}: train_batched(K={K}, workers={workers}) {dt:.3f} s ({dt / K * 1e3:.2f} ms/net)")
        ts = []
        for k in groups[r]:
            init, seed = nets[k]
            dt, res = timed(train, init, settings, seed=seed)
            singles[k] = (dt, res)
            ts.append(dt)
        out(f"  round {r + 1}: {len(ts)} single runs, mean {np.mean(ts):.3f} s")
        if r < n_w1:
            dt, _ = timed(train_batched, nets, settings, workers=1)
            t_b1.append(dt)
            out(f"  round {r + 1}: train_batched(K={K}, workers=1) {dt:.3f} s")
    single_mean = float(np.mean([t for t, _ in singles.values()]))
    # each sampled network: batched final params == its single run
    p_diff = l_diff = 0.0
    for k, (_, res) in singles.items():
        p_diff = max(p_diff, max_diff(batched.params(k).arrays(), res.params.arrays()))
        l_diff = max(l_diff, abs(float(batched.val_loss[-1, k]) - float(res.history.val_loss[-1])),
                     abs(float(batched.train_loss[-1, k]) - float(res.history.train_loss[-1])))
    ok = p_diff <= BATCHED_TOL and l_diff <= BATCHED_TOL
    out(f"  equality: {len(singles)} sampled nets, max |params diff| {p_diff:.2e}, max |final loss diff| "
        f"{l_diff:.2e} (tolerance {BATCHED_TOL:g}): {'OK' if ok else 'MISMATCH'}")
    if not ok:
        PROBLEMS.append(f"train_batched disagrees with single runs (params {p_diff:.2e}, losses {l_diff:.2e})")
    ratio = single_mean / (statistics.median(t_b) / K)
    ratio_min = single_mean / (min(t_b) / K)
    out(f"  single mean {single_mean:.3f} s; batched median {statistics.median(t_b):.3f} s = "
        f"{statistics.median(t_b) / K * 1e3:.2f} ms/net: ratio {ratio:.1f}x (with the batched minimum: {ratio_min:.1f}x)")
    ratio1 = single_mean / (statistics.median(t_b1) / K)
    out(f"batched_speedup_k256_workers1: {ratio1:.1f}x (informational; median of {len(t_b1)})")
    out(f"  note: train_batched splits the {K} nets into {workers} chunk(s) of about {-(-K // workers)}, "
        f"one per worker process")
    MEASURED["batched_speedup_k256"] = ratio
    d = {"K": K, "workers": workers, "settings": {"lr": settings.lr, "epochs": settings.epochs,
                                                  "batch_size": settings.batch_size, "every": settings.every},
         "sampled_nets": sample, "single_s": {str(k): t for k, (t, _) in sorted(singles.items())},
         "single_mean_s": single_mean, "batched_s": t_b, "batched_workers1_s": t_b1,
         "ratio": ratio, "ratio_with_batched_min": ratio_min, "ratio_workers1": ratio1,
         "max_param_diff": p_diff, "max_final_loss_diff": l_diff, "equal": ok}
    if not quick:
        d["every_epoch"] = _batched_every_epoch(nets, sample[::3], workers)
    DETAILS["batched"] = d


def _batched_every_epoch(nets, sample, workers) -> dict:
    settings = TrainSettings(**BOOK)  # a checkpoint every epoch
    half = len(sample) // 2
    ts = []
    for k in sample[:half]:
        ts.append(timed(train, nets[k][0], settings, seed=nets[k][1])[0])
    tb, _ = timed(train_batched, nets, settings, workers=workers)
    for k in sample[half:]:
        ts.append(timed(train, nets[k][0], settings, seed=nets[k][1])[0])
    ratio = float(np.mean(ts)) / (tb / K)
    out(f"  every epoch: {len(ts)} single runs mean {np.mean(ts):.3f} s, train_batched {tb:.3f} s")
    out(f"batched_speedup_k256_every_epoch: {ratio:.1f}x (informational; checkpoint every epoch)")
    return {"single_s": ts, "batched_s": tb, "ratio": ratio}


# ---------------------------------------------------------------- 3. sweep


def bench_sweep() -> None:
    workers = default_workers()
    out(f"== sweep_cold_s: run_sweep(SWEEP, workers={workers}), {len(SWEEP.nets)} networks")
    dt, res = timed(run_sweep, SWEEP, workers=workers)
    out(f"  run_sweep {dt:.2f} s; condition holds: {res.condition_holds()}")
    MEASURED["sweep_cold_s"] = dt
    DETAILS["sweep"] = {"seconds": dt, "networks": len(SWEEP.nets), "workers": workers,
                        "condition_holds": res.condition_holds()}


# ---------------------------------------------------------------- 4.–6. site builds

JOB_LINE = re.compile(r"nn7: (\S+)\s+(ran|cached)\s+([0-9.]+) s")
TOP_LEVEL_SKIP = {".venv", "site", "build", ".cache", ".git"}
ANYWHERE_SKIP = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


def copy_repo(dst: Path) -> None:
    def ignore(folder, names):
        skip = {n for n in names if n in ANYWHERE_SKIP or n.endswith(".egg-info")}
        if Path(folder).resolve() == ROOT:
            skip |= {n for n in names if n in TOP_LEVEL_SKIP}
        if Path(folder).resolve() == ROOT / "bench":
            skip |= {n for n in names if n == "results"}
        return skip

    shutil.copytree(ROOT, dst, ignore=ignore, symlinks=True)


def parse_jobs(log: str) -> list[tuple[str, bool, float]]:
    return [(m.group(1), m.group(2) == "ran", float(m.group(3))) for m in JOB_LINE.finditer(log)]


def build_env(repo: Path) -> dict:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(repo / "src")] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def mkdocs_build(repo: Path, site: Path, env: dict) -> tuple[float, list, str]:
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    dt = time.perf_counter() - t0
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise RuntimeError(f"mkdocs build --strict failed ({proc.returncode}):\n" + "\n".join(log.splitlines()[-30:]))
    return dt, parse_jobs(log), log


def bench_builds(tmp: Path, quick: bool) -> None:
    repo, site = tmp / "repo", tmp / "site"
    copy_repo(repo)
    env = build_env(repo)
    out(f"== build_cold_s: mkdocs build --strict on a fresh copy in {repo} (empty caches)")
    try:
        dt, jobs, log = mkdocs_build(repo, site, env)
    except Exception as err:
        ERRORS["build_cold_s"] = str(err)
        out(f"  ERROR: {err}")
        return
    built = re.search(r"Documentation built in ([0-9.]+) seconds", log)
    job_s = sum(s for _, _, s in jobs)
    out(f"  cold build {dt:.2f} s (mkdocs says {built.group(1) if built else '?'} s); nn7 jobs "
        f"{job_s:.2f} s: " + ", ".join(f"{n} {'ran' if r else 'cached'} {s:.2f}" for n, r, s in jobs))
    out(f"  the rest (MkDocs, notebook execution, start-up): {dt - job_s:.2f} s")
    MEASURED["build_cold_s"] = dt
    DETAILS["build_cold"] = {"seconds": dt, "jobs": [{"name": n, "ran": r, "seconds": s} for n, r, s in jobs],
                             "jobs_s": job_s}
    if not all(r for _, r, _ in jobs) or not jobs:
        PROBLEMS.append("cold build: not every nn7 job ran")

    out("== build_warm_s: the same build again, nothing changed (3 runs, median)")
    warm = []
    try:
        for i in range(3):
            dt, jobs, _ = mkdocs_build(repo, site, env)
            ran = [n for n, r, _ in jobs if r]
            warm.append({"seconds": dt, "ran": ran, "jobs_logged": len(jobs)})
            out(f"  warm build {i + 1}: {dt:.2f} s; {len(jobs)} jobs logged, ran: {', '.join(ran) or 'none'}")
            if ran:
                PROBLEMS.append(f"warm build {i + 1}: jobs re-ran with nothing changed: {ran}")
            if not jobs:
                PROBLEMS.append(f"warm build {i + 1}: no nn7 job line in the log")
    except Exception as err:
        ERRORS["build_warm_s"] = str(err)
        out(f"  ERROR: {err}")
    if warm:
        MEASURED["build_warm_s"] = statistics.median(w["seconds"] for w in warm)
        DETAILS["build_warm"] = {"runs": warm, "median_s": MEASURED["build_warm_s"],
                                 "min_s": min(w["seconds"] for w in warm)}

    try:
        bench_serve(repo, env, tmp, quick)
    except Exception as err:
        ERRORS["build_prose_edit_s"] = f"{type(err).__name__}: {err}"
        out(f"  ERROR: {type(err).__name__}: {err}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def wait_for(cond, timeout: float, poll: float = 0.05, what: str = "", proc=None):
    deadline = time.perf_counter() + timeout
    while True:
        value = cond()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"mkdocs serve exited ({proc.returncode}) while waiting for {what}")
        if time.perf_counter() > deadline:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(poll)


class Server:
    """``mkdocs serve`` in the copy; output to a file (read incrementally, never a full pipe)."""

    def __init__(self, repo: Path, env: dict, log_path: Path):
        self.port = free_port()
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{self.port}/ch7/7.7/"
        with open(log_path, "wb") as logf:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{self.port}", "--livereload"],
                cwd=repo, env=env, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)

    def log(self, start: int = 0) -> str:
        return self.log_path.read_bytes()[start:].decode("utf-8", "replace")

    def offset(self) -> int:
        return self.log_path.stat().st_size

    def wait_rebuilt(self, start: int, timeout: float) -> str:
        """Wait until the rebuild that began after ``start`` (a log offset) has finished."""

        def done():
            text = self.log(start)
            if "An error happened during the rebuild" in text:
                raise RuntimeError("mkdocs serve: rebuild failed:\n" + "\n".join(text.splitlines()[-20:]))
            return "Reloading browsers" in text and text

        return wait_for(done, timeout, 0.05, "the rebuild to finish", self.proc)

    def stop(self) -> None:
        proc = self.proc
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)  # mkdocs serve shuts down cleanly on Ctrl-C
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
        # anything the server started (its own session) and left behind: end it by its id
        for pid in _session_members(proc.pid):
            try:
                os.kill(pid, signal.SIGTERM)
                out(f"  note: ended leftover process {pid} of the server's session")
            except ProcessLookupError:
                pass


def _session_members(sid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and int(entry.name) != os.getpid():  # field 6 of stat: session id
            pids.append(int(entry.name))
    return pids


def bench_serve(repo: Path, env: dict, tmp: Path, quick: bool) -> None:
    from nn7.build import jobs as build_jobs

    n_edits = 2 if quick else 3
    server = Server(repo, env, tmp / "serve.log")
    out(f"== build_prose_edit_s: mkdocs serve --livereload on port {server.port}; {n_edits} prose edits "
        "of docs/ch7/7.7.md (median)")
    try:
        t0 = time.perf_counter()
        wait_for(lambda: fetch(server.url), 300, 0.2, f"{server.url} to be served", server.proc)
        out(f"  server up, {server.url} served after {time.perf_counter() - t0:.1f} s")
        page = repo / "docs" / "ch7" / "7.7.md"
        times, prose = [], []
        for i in range(n_edits):
            marker = f"bench-{uuid.uuid4().hex[:12]}"
            start = server.offset()
            t0 = time.perf_counter()
            with open(page, "a", encoding="utf-8") as f:
                f.write(f"\n\n基准测试标记 {marker}：这句话由 bench/run.py 追加。\n")
            wait_for(lambda: marker in (fetch(server.url) or ""), 30, 0.05, f"marker {marker} on the page", server.proc)
            dt = time.perf_counter() - t0
            log = server.wait_rebuilt(start, 30)
            jobs = parse_jobs(log)
            ran = [n for n, r, _ in jobs if r]
            times.append(dt)
            prose.append({"seconds": dt, "jobs_logged": len(jobs), "ran": ran})
            out(f"  prose edit {i + 1}: page updated after {dt:.2f} s; {len(jobs)} jobs logged, "
                f"ran: {', '.join(ran) or 'none'}")
            if ran:
                PROBLEMS.append(f"prose edit {i + 1}: jobs re-ran: {ran}")
            if not jobs:
                PROBLEMS.append(f"prose edit {i + 1}: no nn7 job line in the server log")
            time.sleep(0.5)
        MEASURED["build_prose_edit_s"] = statistics.median(times)
        DETAILS["build_prose_edit"] = {"edits": prose, "median_s": MEASURED["build_prose_edit_s"],
                                       "min_s": min(times)}

        snippet_results = {}
        for rel in ("H7_8_Init_Sweep.py", "H7_8_Train_Init_0.py"):
            allowed = [j.name for j in build_jobs() if rel in j.depends]
            start = server.offset()
            t0 = time.perf_counter()
            with open(repo / "snippets" / rel, "a", encoding="utf-8") as f:
                f.write(f"# bench/run.py: edit {uuid.uuid4().hex[:12]}\n")
            log = server.wait_rebuilt(start, 300)
            dt = time.perf_counter() - t0
            jobs = parse_jobs(log)
            ran = [n for n, r, _ in jobs if r]
            unexpected = [n for n in ran if n not in allowed]
            missing = [n for n in allowed if n not in ran]
            snippet_results[rel] = {"ran": ran, "allowed": allowed, "unexpected": unexpected,
                                    "not_rerun": missing, "rebuild_s": dt,
                                    "jobs_s": {n: s for n, r, s in jobs if r}}
            out(f"snippet_edit_reruns: {rel}: ran {', '.join(ran) or 'none'} "
                f"(rebuild {dt:.1f} s; unexpected: {', '.join(unexpected) or 'none'}; "
                f"expected but cached: {', '.join(missing) or 'none'})")
            if unexpected:
                PROBLEMS.append(f"editing snippets/{rel} re-ran unrelated jobs: {unexpected}")
            time.sleep(0.5)
        DETAILS["snippet_edits"] = snippet_results
    finally:
        server.stop()
        out(f"  server stopped (exit code {server.proc.returncode})")


# ---------------------------------------------------------------- 7. tests


def bench_tests() -> None:
    out("== tests_s: python -m pytest -q -p no:cacheprovider (in the real repository)")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
        code, text = proc.returncode, proc.stdout + proc.stderr
    except subprocess.TimeoutExpired as err:
        code, text = "timeout", str(err)
    dt = time.perf_counter() - t0
    last = [ln for ln in text.splitlines() if ln.strip()][-1:] or ["?"]
    passed = code == 0
    out(f"  pytest {dt:.1f} s, exit {code}: {last[0]}")
    if not passed:
        out("  pytest FAILED; tail of its output:")
        for ln in text.splitlines()[-15:]:
            out(f"    {ln}")
        NOTES["tests_s"] = "pytest FAILED"
    MEASURED["tests_s"] = dt
    DETAILS["tests"] = {"seconds": dt, "exit": code, "passed": passed, "summary": last[0]}


# ---------------------------------------------------------------- 8. profile


def profile() -> None:
    from pyinstrument import Profiler

    settings = TrainSettings(**BOOK)
    samples = book_samples()
    r = train("case3", settings, seed=0)
    runs = [("reference (book setting)", lambda: train_reference(samples, r.initial.arrays(), seed=0, **BOOK)),
            ("nn7.train.train (book setting)", lambda: train("case3", settings, seed=0)),
            (f"train_batched K={K} (sweep settings, workers=1)",
             lambda: train_batched([(c, s) for s in SWEEP.seeds for c in SWEEP.combos][:K], SWEEP.settings))]
    for title, fn in runs:
        prof = Profiler(interval=0.0005)
        prof.start()
        fn()
        prof.stop()
        out(f"== profile: {title} ({prof.last_session.duration:.2f} s)")
        out("  -- flat, by own time (NumPy ufuncs called with out= count as their caller's own time):")
        flat = [ln for ln in prof.output_text(unicode=True, color=False, flat=True).splitlines() if ln.strip()]
        for ln in [ln for ln in flat if not _banner(ln)][:12]:
            out(f"  {ln}")
        out("  -- call tree:")
        tree = [ln for ln in prof.output_text(unicode=True, color=False).splitlines() if ln.strip()]
        for ln in [ln for ln in tree if not _banner(ln)][:28]:
            out(f"  {ln}")
    # the floor under the batched step: tanh over (batch, hidden, K) once per iteration
    settings = SWEEP.settings
    iters = settings.epochs * -(-800 // settings.batch_size)
    a = np.linspace(-2, 2, settings.batch_size * 2 * K).reshape(settings.batch_size, 2, K)
    b = np.empty_like(a)
    t0 = time.perf_counter()
    for _ in range(iters):
        np.tanh(a, b)
    dt = time.perf_counter() - t0
    out(f"== profile: np.tanh alone on the batched step's (32, 2, {K}) array, {iters} times: {dt:.2f} s "
        f"({dt / K * 1e3:.2f} ms per net)")
    DETAILS["profile_tanh_floor_s"] = dt


def _banner(line: str) -> bool:
    return any(key in line for key in ("Recorded:", "Duration:", "v5.", "v4.", "Profile at", "._   __/__"))


# ---------------------------------------------------------------- driver


def run_step(name: str, fn, *args) -> None:
    try:
        fn(*args)
    except Exception as err:  # one failed measurement must not hide the others
        ERRORS[name] = f"{type(err).__name__}: {err}"
        out(f"  ERROR in {name}: {type(err).__name__}: {err}")
        traceback.print_exc()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer trials, skip the test suite and the every-epoch variant")
    ap.add_argument("--profile", action="store_true", help="also profile one reference, one nn7 and one batched run")
    ap.add_argument("--keep", action="store_true", help="keep the temporary repository copy")
    ap.add_argument("--only", default="", help="comma-separated subset of " + ",".join(STEPS)
                    + " (for development; bench/results.json is then not written)")
    args = ap.parse_args(argv)
    only = set(filter(None, args.only.split(",")))
    if only - set(STEPS):
        ap.error(f"--only: unknown step(s) {', '.join(sorted(only - set(STEPS)))}; choose from {', '.join(STEPS)}")
    want = (lambda step: not only or step in only)
    started = time.perf_counter()
    out(f"nn7 bench: {'quick' if args.quick else 'full'} run; {default_workers()} CPUs, Python "
        f"{platform.python_version()}, NumPy {np.__version__}")

    if want("train"):
        run_step("train_speedup_vs_reference", bench_train, 5 if args.quick else 7)
    if want("batched"):
        run_step("batched_speedup_k256", bench_batched, args.quick)
    if want("sweep"):
        run_step("sweep_cold_s", bench_sweep)
    if want("build"):
        tmp = Path(tempfile.mkdtemp(prefix="nn7-bench-"))
        try:
            run_step("build", bench_builds, tmp, args.quick)
        finally:
            if args.keep:
                out(f"  kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
    if args.quick:
        out("== tests_s: skipped (--quick)")
    elif want("tests"):
        run_step("tests_s", bench_tests)
    if args.profile:
        run_step("profile", profile)

    goals = []
    out("")
    out(f"== summary ({time.perf_counter() - started:.0f} s in all; speed-ups are ratios of medians of "
        "interleaved trials, build_warm_s and build_prose_edit_s are medians)")
    for name, (label, unit, op, goal, digits, info) in GOALS.items():
        if name not in MEASURED:
            reason = ERRORS.get(name) or ("skipped (--quick)" if name == "tests_s" and args.quick else "not measured")
            out(f"{name}: {'ERROR' if name in ERRORS else 'n/a'} ({reason.splitlines()[0]})")
            continue
        value = MEASURED[name]
        met = value >= goal if op == "≥" else value <= goal
        u = unit_text(unit)
        line = f"{name}: {value:.{digits}f}{u} (goal {goal:g}{u})"
        if not met:
            line += " MISSED"
        if info:
            line += " [informational]"
        if name in NOTES:
            line += f" [{NOTES[name]}]"
        out(line)
        goals.append({"name": name, "label": label, "value": round(value, 4), "unit": unit, "op": op,
                      "goal": goal, "met": bool(met), "digits": digits, "informational": info})
    for p in PROBLEMS:
        out(f"PROBLEM: {p}")
    for name, err in ERRORS.items():
        if name not in GOALS:
            out(f"ERROR in {name}: {err.splitlines()[0]}")

    results = {
        "date": datetime.date.today().isoformat(),
        "machine": {"cpus": default_workers(), "python": platform.python_version(), "numpy": np.__version__},
        "goals": goals,
        "details": {"timestamp": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                    "mode": "quick" if args.quick else "full", "platform": platform.platform(),
                    "os_cpu_count": os.cpu_count(), **DETAILS, "problems": PROBLEMS, "errors": ERRORS},
    }
    path = ROOT / "bench" / "results.json"
    if only:
        out(f"--only: {path.relative_to(ROOT)} not written")
    else:
        path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        out(f"wrote {path.relative_to(ROOT)}")
    return 1 if (PROBLEMS or ERRORS) else 0


if __name__ == "__main__":
    sys.exit(main())
