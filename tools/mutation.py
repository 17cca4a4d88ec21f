"""The mutation score of the science package (src/nn7), per module, from mutmut's results.

`make mutation` runs mutmut (configuration: [tool.mutmut] in pyproject.toml) and then this
tool, which reads mutmut's per-file results (mutants/src/nn7/*.py.meta) and prints one row
per module: mutants tested, killed, survived, timeout, no tests, and the equivalent mutants
excluded by a `# pragma: no mutate` marker (counted by generating the file's mutants with and
without its markers). The score is (killed + timeout) / tested.

    python tools/mutation.py                  # the table
    python tools/mutation.py --survivors      # and each surviving mutant's diff
    python tools/mutation.py --excluded       # and each excluded (equivalent) mutant
    python tools/mutation.py --fail-under 95  # exit status 1 below 95 % in total
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path("src/nn7")
MUTANTS = ROOT / "mutants"
PRAGMA = re.compile(r"\s*# pragma:[^#]*\bno mutate\b.*$")  # as mutmut reads it

# mutmut's exit codes, as its stats module reads them (mutmut.stats.status_by_exit_code)
KILLED, SURVIVED, TIMEOUT, NO_TESTS, OTHER = "killed", "survived", "timeout", "no tests", "other"
COLUMNS = (KILLED, SURVIVED, TIMEOUT, NO_TESTS, OTHER)


def status(exit_code) -> str:
    from mutmut.stats import status_by_exit_code

    name = status_by_exit_code[exit_code]
    return name if name in COLUMNS else OTHER


def results() -> dict[str, dict[str, str]]:
    """module file name -> mutant name -> status."""
    metas = sorted((MUTANTS / PACKAGE).glob("*.py.meta"))
    if not metas:
        raise SystemExit(f"{MUTANTS / PACKAGE}: no mutmut results; run `make mutation` first")
    out = {}
    for meta in metas:
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        out[meta.name.removesuffix(".meta")] = {name: status(code) for name, code in codes.items()}
    return out


def excluded_mutants(path: Path) -> list[str]:
    """The mutants a `# pragma: no mutate` marker keeps out of ``path``, each as
    ``file:line: original -> mutated``: those generated without the markers and not with them."""
    source = path.read_text(encoding="utf-8")
    if not any(PRAGMA.search(line) for line in source.splitlines()):
        return []
    bare = "\n".join(PRAGMA.sub("", line) for line in source.splitlines()) + "\n"
    kept = Counter(_mutants(path, source))
    out = []
    for m in _mutants(path, bare):
        if kept[m] > 0:
            kept[m] -= 1
        else:
            line, before, after = m
            out.append(f"{path.name}:{line}: {_short(before)} -> {_short(after)}")
    return out


def _mutants(path: Path, source: str) -> list[tuple[int, str, str]]:
    """(line, original code, mutated code) of every mutant mutmut makes of ``source``."""
    import libcst as cst

    from mutmut.mutation.file_mutation import create_mutations

    module, mutations, _, _ = create_mutations(str(path), source)
    positions = cst.MetadataWrapper(module, unsafe_skip_copy=True).resolve(cst.metadata.PositionProvider)
    return [(positions[m.original_node].start.line, module.code_for_node(m.original_node).strip(),
             module.code_for_node(m.mutated_node).strip()) for m in mutations]


def _short(code: str, width: int = 70) -> str:
    code = " ".join(code.split())
    return code if len(code) <= width else code[: width - 1] + "…"


def table(res: dict[str, dict[str, str]], excluded: dict[str, int]) -> tuple[str, float]:
    head = ("module", "mutants", *COLUMNS, "excluded", "score")
    rows = []
    total = Counter()
    for module, by_name in res.items():
        c = Counter(by_name.values())
        n = sum(c.values())
        total.update(c)
        total["excluded"] += excluded.get(module, 0)
        rows.append((module, n, *(c[k] for k in COLUMNS), excluded.get(module, 0), _score(c, n)))
    n = sum(total[k] for k in COLUMNS)
    score = (total[KILLED] + total[TIMEOUT]) / n * 100 if n else 0.0
    rows.append(("total", n, *(total[k] for k in COLUMNS), total["excluded"], _score(total, n)))
    cells = [[str(v) for v in head]] + [[str(v) for v in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(head))]
    lines = []
    for k, r in enumerate(cells):
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
        if k == 0 or k == len(cells) - 2:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines), score


def _score(c: Counter, n: int) -> str:
    return f"{(c[KILLED] + c[TIMEOUT]) / n * 100:.1f}%" if n else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--survivors", action="store_true", help="show the diff of every surviving mutant")
    parser.add_argument("--excluded", action="store_true", help="list the mutants excluded as equivalent")
    parser.add_argument("--fail-under", type=float, metavar="PERCENT", help="exit status 1 below this total score")
    args = parser.parse_args(argv)

    res = results()
    sources = {name: ROOT / PACKAGE / name for name in res}
    excluded = {name: excluded_mutants(path) for name, path in sources.items()}
    text, score = table(res, {name: len(v) for name, v in excluded.items()})
    print(text)
    n_excluded = sum(len(v) for v in excluded.values())
    detected = sum(s in (KILLED, TIMEOUT) for by_name in res.values() for s in by_name.values())
    tested = sum(len(by_name) for by_name in res.values())
    print(f"\nscore {score:.1f}% of {tested} mutants; {n_excluded} excluded by `# pragma: no mutate` "
          f"(the equivalent ones and the others on their lines); counting every excluded mutant as a "
          f"survivor: {detected / (tested + n_excluded) * 100:.1f}%")
    if args.excluded:
        print("\nExcluded as equivalent (# pragma: no mutate):")
        for lines in excluded.values():
            for line in lines:
                print("  " + line)
    survivors = [name for by_name in res.values() for name, s in by_name.items() if s != KILLED and s != TIMEOUT]
    if args.survivors and survivors:
        print("\nNot killed:")
        for name in survivors:
            shown = subprocess.run([sys.executable, "-m", "mutmut", "show", name], cwd=ROOT,
                                   capture_output=True, text=True)
            print(shown.stdout.rstrip() or f"# {name}")
    if args.fail_under is not None and score < args.fail_under:
        print(f"\nmutation score {score:.1f}% is below {args.fail_under:g}%")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
