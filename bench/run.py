"""`make bench`: measure nn7's performance goals in one process and write bench/results.json.

    python bench/run.py [--quick] [--profile] [--keep] [--only STEP,…]

Run from the repository root (the venv's Python). One line per measurement as it goes, then
one summary line per goal (``name: value (goal N)``, ``MISSED`` when missed). The machine is
noisy, so competing variants are always measured interleaved in the same run, and every
speed-up is a ratio of two numbers from the same run. Each measurement is a function in a
``measure_*.py`` module that returns an :class:`goals.Outcome`.

Exit status: 0 even when a goal is missed; 1 when a measurement failed or found a correctness
problem (a fast path that disagrees with its reference, a cache that re-ran).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

from nn7.batched import default_workers

from . import (
    measure_batched,
    measure_build,
    measure_lab,
    measure_lighthouse,
    measure_sweep,
    measure_tests,
    measure_train,
    readme,
)
from .benchlib import ROOT, out
from .goals import Goal, Outcome

# (goal, the step that measures it)
GOALS = [
    (Goal("train_speedup_vs_reference", ">=", 3, "x"), "train"),
    (Goal("batched_speedup_k256", ">=", 30, "x"), "batched"),
    (Goal("sweep_cold_s", "<=", 30, "s"), "sweep"),
    (Goal("build_cold_s", "<=", 40, "s"), "build"),
    (Goal("build_warm_s", "<=", 3, "s", digits=2), "build"),
    (Goal("build_prose_edit_s", "<=", 0.6, "s", digits=2), "build"),
    (Goal("lab_train_speedup_vs_nn7", ">=", 2, "x"), "lab"),
    (Goal("lab_sweep_time_ratio", "<=", 3, "x", digits=2), "lab"),
    *[(goal, "lighthouse") for goal in measure_lighthouse.goals()],  # one line per page
    (Goal("tests_s", "<=", 240, "s", digits=0, informational=True), "tests"),
]
STEPS = ("train", "batched", "sweep", "build", "lab", "lighthouse", "tests")


def run_step(name: str, fn, *args, errors: dict) -> object:
    """One measurement; a failure is recorded and the others still run."""
    try:
        return fn(*args)
    except Exception as err:
        errors[name] = f"{type(err).__name__}: {err}"
        out(f"  ERROR in {name}: {type(err).__name__}: {err}")
        traceback.print_exc()
        return None


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
    for step in ("lab", "lighthouse"):
        if step in only and "build" not in only:
            ap.error(f"--only {step} needs build too (it is measured on the site the build step makes)")
    want = (lambda step: not only or step in only)
    started = time.perf_counter()
    out(f"nn7 bench: {'quick' if args.quick else 'full'} run; {default_workers()} CPUs, Python "
        f"{platform.python_version()}, NumPy {np.__version__}")

    outcomes: dict[str, Outcome] = {}
    errors: dict[str, str] = {}
    details: dict = {}
    if want("train"):
        outcomes["train_speedup_vs_reference"] = run_step("train", measure_train.measure, 5 if args.quick else 7, errors=errors)
    if want("batched"):
        outcomes["batched_speedup_k256"] = run_step("batched", measure_batched.measure, args.quick, errors=errors)
    if want("sweep"):
        outcomes["sweep_cold_s"] = run_step("sweep", measure_sweep.measure, errors=errors)
    if want("build"):
        tmp = Path(tempfile.mkdtemp(prefix="nn7-bench-"))
        try:
            built = run_step("build", measure_build.measure, tmp, args.quick, errors=errors)
            if built:
                builds, site = built
                outcomes |= builds
                if want("lab"):
                    outcomes |= run_step("lab", measure_lab.measure, site, args.quick, errors=errors) or {}
                if want("lighthouse"):
                    outcomes |= run_step("lighthouse", measure_lighthouse.measure, site, args.quick, errors=errors) or {}
        finally:
            if args.keep:
                out(f"  kept {tmp}")
            else:
                shutil.rmtree(tmp, ignore_errors=True)
    if args.quick:
        out("== tests_s: skipped (--quick)")
    elif want("tests"):
        outcomes["tests_s"] = run_step("tests", measure_tests.measure, errors=errors)
    if args.profile:
        from .profiling import profile

        details["profile"] = run_step("profile", profile, errors=errors)

    out("")
    out(f"== summary ({time.perf_counter() - started:.0f} s in all; speed-ups are ratios of medians of "
        "interleaved trials, build_warm_s and build_prose_edit_s are medians)")
    goals, problems = [], []
    for goal, step in GOALS:
        o = outcomes.get(goal.name)
        if o is None or o.value is None:
            reason = errors.get(step) or ("skipped (--quick)" if step == "tests" and args.quick else "not measured")
            out(f"{goal.name}: {'ERROR' if step in errors else 'n/a'} ({reason.splitlines()[0]})")
            continue
        out(goal.summary(o.value, o.note, o.details))
        problems += o.problems
        details[goal.name] = o.details
        goals.append({"name": goal.name, "value": round(o.value, 4), "unit": goal.unit, "op": goal.op,
                      "goal": goal.target, "met": goal.met(o.value, o.details), "digits": goal.digits,
                      "informational": goal.informational,
                      **({"limits": [list(lim) for lim in goal.limits]} if goal.limits else {})})
    for p in problems:
        out(f"PROBLEM: {p}")
    for name, err in errors.items():
        out(f"ERROR in {name}: {err.splitlines()[0]}")
    results = {
        "date": datetime.date.today().isoformat(),
        "machine": {"cpus": default_workers(), "python": platform.python_version(), "numpy": np.__version__},
        "goals": goals,
        "details": {"timestamp": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                    "mode": "quick" if args.quick else "full", "platform": platform.platform(),
                    "os_cpu_count": os.cpu_count(), **details, "problems": problems, "errors": errors},
    }
    path = ROOT / "bench" / "results.json"
    if only:
        out(f"--only: {path.relative_to(ROOT)} not written")
    else:
        path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        readme.update()
        out(f"wrote {path.relative_to(ROOT)} and its table in bench/README.md")
    return 1 if (problems or errors) else 0


if __name__ == "__main__":
    sys.exit(main())
