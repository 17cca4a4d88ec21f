"""The build cache can only hold what the current code produced: a build killed at any moment,
followed by a build, gives a clean build's bytes; a job's process runs the code that is on disk
(never a stale bytecode cache)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from nn7_dev.repo import copy_repo, env_for, nn7_build, tree

# Where the builds are killed, in order, each on what the previous killed build left: after the
# N-th file written (a complete file, its job's manifest not yet written) or in the middle of the
# N-th write (a temporary file half written). The counts are small because the redone jobs
# (REDONE) write 27 files and manifests in all: each build gets through a job or two and is
# killed in the next, so every kill lands on a different job's files. Then one build is killed
# by SIGKILL as soon as it has stored a job (the jobs it started next still running), and a last
# build runs to the end.
KILLS = [("after", 1), ("midwrite", 2), ("after", 5), ("midwrite", 4), ("after", 6), ("midwrite", 3)]

# `nn7 build` whose writes (nn7_site.cache.write, through which the build writes every file)
# end the process as a kill would: after the N-th write, or in the middle of it.
KILLED_BUILD = """\
import os, sys
from pathlib import Path
from nn7_site import cache
from nn7_cli import main
how, n = sys.argv[2], int(sys.argv[3])
real, count = cache.write, 0
def write(path, data):
    global count
    count += 1
    if how == "midwrite" and count == n:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        (Path(path).parent / f".{Path(path).name}.crash").write_bytes(data[: len(data) // 2])
        os._exit(137)
    changed = real(path, data)
    if how == "after" and count == n:
        os._exit(137)
    return changed
cache.write = write
sys.exit(main(["build", "--root", sys.argv[1]]))
"""


# The jobs the killed builds redo (their outputs and manifests removed first): the quick ones,
# which between them write every kind of output (a download, printouts, glue, the lab's four
# files, the code archive; jobs of one to four files). The slow ones (the figures of the cases
# and the diagram, the sweep, the speed comparison, the notebook: 3-30 s each) stay cached, to
# keep the test short: every file goes through the same write and manifest code
# (nn7_site.generate._store), and a killed build would restart a slow job it cut short.
REDONE = {"data", "case:case1-b2", "case:case2-w-ones", "trace:trace-case1", "trace:trace-case2", "chaotic",
          "lab", "archive"}


def test_killed_builds_then_a_build_give_a_clean_builds_bytes(tmp_path, generated):
    import json

    root = copy_repo(tmp_path / "repo", generated.out)
    out = root / "build" / "generated"
    from nn7_site.jobs import jobs

    redone = [j for j in jobs() if j.name in REDONE]
    assert len(redone) == len(REDONE), f"no such jobs: {REDONE - {j.name for j in redone}}"
    for job in redone:
        manifest = out / ".cache" / f"{job.stem}.json"
        for rel in json.loads(manifest.read_text(encoding="utf-8"))["outputs"]:
            (out / rel).unlink()
        manifest.unlink()
    (out / "site.json").unlink()
    states = []
    for how, n in KILLS:
        proc = subprocess.run([sys.executable, "-c", KILLED_BUILD, str(root), how, str(n)], cwd=root,
                              env=env_for(root), capture_output=True, text=True, timeout=600)
        assert proc.returncode == 137, f"{how} {n}: the build was not killed ({proc.returncode}): {proc.stderr[-500:]}"
        states.append(len(tree(out)) if out.is_dir() else 0)
    # a real kill -9, in the middle of a build: once it has stored one job, with the next running
    p = subprocess.Popen([sys.executable, "-m", "nn7", "build", "--root", str(root)], cwd=root, env=env_for(root),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    seen = []
    for line in p.stderr:
        seen.append(line)
        if " ran " in line:
            break
    os.kill(p.pid, signal.SIGKILL)
    p.stderr.close()
    assert p.wait(timeout=30) == -signal.SIGKILL, f"the build ended before the kill: {''.join(seen)[-1000:]}"
    proc = nn7_build(root)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "ran" in proc.stderr  # the last build finished what the killed ones left
    ours, clean = tree(out), tree(generated.out)
    assert sorted(ours) == sorted(clean), f"files differ: extra {sorted(set(ours) - set(clean))}, " \
                                          f"missing {sorted(set(clean) - set(ours))}"
    different = [rel for rel in ours if ours[rel] != clean[rel]]
    assert not different, f"different bytes after killed builds: {different}"
    assert states[-1] > 0, "the killed builds wrote nothing: the kill points are too early to test anything"


def test_the_build_process_runs_the_code_on_disk_not_a_stale_bytecode_cache(tmp_path, generated):
    """An edit that keeps a module's size, saved within the same second as the bytecode cache
    Python wrote for it, still takes effect in the job's process (Python alone would run the
    cached old code)."""
    import py_compile

    root = copy_repo(tmp_path / "repo", generated.out)
    train = root / "src" / "nn7" / "train.py"
    py_compile.compile(str(train), doraise=True)  # a bytecode cache of the current train.py
    pyc = next((root / "src" / "nn7" / "__pycache__").glob("train.*.pyc"))
    stat = train.stat()
    text = train.read_text(encoding="utf-8")
    assert "训练集: loss" in text
    edited = text.replace("训练集: loss", "训练集: LOSS")  # same size in bytes
    assert len(edited.encode()) == len(text.encode())
    train.write_text(edited, encoding="utf-8")
    os.utime(train, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same second, same size: the cache looks valid
    assert pyc.is_file()
    # a case that trains and prints the log, without figures (case1's figures take seconds)
    proc = nn7_build(root, "--only", "case:case1-b2")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "case:case1-b2" in proc.stderr and " ran " in proc.stderr, proc.stderr[-2000:]
    printout = (root / "build" / "generated" / "printouts" / "case1-b2.txt").read_text(encoding="utf-8")
    assert "训练集: LOSS" in printout and "训练集: loss" not in printout
