"""build_cold_s, build_warm_s and build_prose_edit_s: the site built on a fresh copy of the
working tree (so the real build/ is never touched), then served while prose and snippets change."""

from __future__ import annotations

import os
import statistics
import time
import uuid
from pathlib import Path

from nn7_dev.repo import ProperdocsServe, copy_repo, env_for, fetch

from .benchlib import site_build, out, parse_jobs
from .goals import Outcome


def measure(tmp: Path, quick: bool) -> tuple[dict[str, Outcome], Path]:
    """The three outcomes, and the built site (the lab's measurements serve it)."""
    repo, site = tmp / "repo", tmp / "site"
    copy_repo(repo)
    env = env_for(repo)
    outcomes = {}
    out(f"== build_cold_s: properdocs build --strict on a fresh copy in {repo} (empty caches)")
    dt, jobs, log = site_build(repo, site, env)
    job_s = sum(s for _, _, s in jobs)
    out(f"  cold build {dt:.2f} s; nn7 jobs {job_s:.2f} s in all, {os.cpu_count() or 1} at a time: "
        + ", ".join(f"{n} {'ran' if r else 'cached'} {s:.2f}" for n, r, s in jobs))
    outcomes["build_cold_s"] = Outcome(dt, {"seconds": dt, "jobs": [{"name": n, "ran": r, "seconds": s} for n, r, s in jobs],
                                            "jobs_s": job_s},
                                       [] if jobs and all(r for _, r, _ in jobs) else ["cold build: not every nn7 job ran"])

    out("== build_warm_s: the same build again, nothing changed (3 runs, median)")
    warm, problems = [], []
    for i in range(3):
        dt, jobs, _ = site_build(repo, site, env)
        ran = [n for n, r, _ in jobs if r]
        warm.append({"seconds": dt, "ran": ran, "jobs_logged": len(jobs)})
        out(f"  warm build {i + 1}: {dt:.2f} s; {len(jobs)} jobs logged, ran: {', '.join(ran) or 'none'}")
        if ran:
            problems.append(f"warm build {i + 1}: jobs re-ran with nothing changed: {ran}")
        if not jobs:
            problems.append(f"warm build {i + 1}: no nn7 job line in the log")
    median = statistics.median(w["seconds"] for w in warm)
    outcomes["build_warm_s"] = Outcome(median, {"runs": warm, "median_s": median}, problems)
    outcomes["build_prose_edit_s"] = _serve(repo, env, tmp, quick)
    return outcomes, site


def _serve(repo: Path, env: dict, tmp: Path, quick: bool) -> Outcome:
    from nn7_site import cache
    from nn7_site.jobs import jobs as build_jobs

    n_edits = 2 if quick else 3
    server = ProperdocsServe(repo, env, tmp / "serve.log")
    url = server.url + "ch7/7.7/"
    out(f"== build_prose_edit_s: properdocs serve --livereload on port {server.port}; {n_edits} prose edits "
        "of docs/ch7/7.7.md (median)")
    problems, times, prose, snippets = [], [], [], {}
    try:
        t0 = time.perf_counter()
        server.wait_for(lambda: fetch(url), 300, f"{url} to be served", poll=0.2)
        out(f"  server up, {url} served after {time.perf_counter() - t0:.1f} s")
        page = repo / "docs" / "ch7" / "7.7.md"
        for i in range(n_edits):
            marker = f"bench-{uuid.uuid4().hex[:12]}"
            start = server.offset()
            t0 = time.perf_counter()
            with open(page, "a", encoding="utf-8") as f:
                f.write(f"\n\n基准测试标记 {marker}：这句话由 bench/run.py 追加。\n")
            server.wait_for(lambda: marker.encode() in (fetch(url) or b""), 30, f"marker {marker} on the page")
            dt = time.perf_counter() - t0
            jobs = parse_jobs(server.wait_rebuilt(start, 30))
            ran = [n for n, r, _ in jobs if r]
            times.append(dt)
            prose.append({"seconds": dt, "jobs_logged": len(jobs), "ran": ran})
            out(f"  prose edit {i + 1}: page updated after {dt:.2f} s; {len(jobs)} jobs logged, ran: {', '.join(ran) or 'none'}")
            if ran:
                problems.append(f"prose edit {i + 1}: jobs re-ran: {ran}")
            if not jobs:
                problems.append(f"prose edit {i + 1}: no nn7 job line in the server log")
            time.sleep(0.5)
        for rel in ("snippets/H7_8_Init_Sweep.py", "snippets/H7_8_Train_Init_0.py"):
            manifests = {j.name: cache.Manifest.read(cache.manifest_path(repo / "build" / "generated", j.stem))
                         for j in build_jobs()}
            allowed = [name for name, m in manifests.items() if m is not None and rel in m.inputs]
            start = server.offset()
            t0 = time.perf_counter()
            with open(repo / rel, "a", encoding="utf-8") as f:
                f.write(f"# bench/run.py: edit {uuid.uuid4().hex[:12]}\n")
            jobs = parse_jobs(server.wait_rebuilt(start, 300))
            ran = [n for n, r, _ in jobs if r]
            unexpected = [n for n in ran if n not in allowed]
            snippets[rel] = {"ran": ran, "allowed": allowed, "unexpected": unexpected,
                             "rebuild_s": time.perf_counter() - t0}
            out(f"snippet_edit_reruns: {rel}: ran {', '.join(ran) or 'none'} (rebuild {snippets[rel]['rebuild_s']:.1f} s; "
                f"unexpected: {', '.join(unexpected) or 'none'})")
            if unexpected:
                problems.append(f"editing {rel} re-ran unrelated jobs: {unexpected}")
            time.sleep(0.5)
    finally:
        for pid in server.stop():
            out(f"  note: ended leftover process {pid} of the server's session")
        out(f"  server stopped (exit code {server.proc.returncode})")
    median = statistics.median(times)
    return Outcome(median, {"edits": prose, "median_s": median, "min_s": min(times), "snippet_edits": snippets}, problems)
