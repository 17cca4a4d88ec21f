"""The results table of bench/README.md, written from bench/results.json.

`make bench` (bench/run.py) rewrites it after writing results.json; `python -m bench.readme`
rewrites it from the results.json on disk. The table sits between two marker comments; the
rest of the README is left as it is.
"""

from __future__ import annotations

import json
from pathlib import Path

from .benchlib import ROOT
from .goals import unheld

README = ROOT / "bench" / "README.md"
RESULTS = ROOT / "bench" / "results.json"
START = "<!-- results: written by make bench (bench/readme.py) from bench/results.json; do not edit by hand -->"
END = "<!-- end of results -->"


def _unit(unit: str) -> str:
    return {"x": "×", "s": " s"}.get(unit, f" {unit}")


def _value(value: float, digits: int, unit: str) -> str:
    return f"{value:.{digits}f}" + _unit(unit)


# a goal's limits besides its main number (bench/goals.py), as the table shows them
_LIMITS = {"lcp_s": ("LCP", " s", 2), "cls": ("CLS", "", 3), "tbt_ms": ("TBT", " ms", 0),
           "accessibility": ("a11y", "", 0), "best_practices": ("best practices", "", 0), "seo": ("SEO", "", 0)}


def _missed(g: dict, details: dict) -> str:
    """What a goal whose main number is met missed: its limits that do not hold."""
    out = []
    for key, _, _, value in unheld(g.get("limits", []), details):
        label, unit, digits = _LIMITS.get(key, (key, "", 2))
        out.append(f"{label} {'?' if value is None else f'{value:.{digits}f}'}{unit}")
    return ", ".join(out)


def table(results: dict) -> str:
    """The Markdown table of every goal in ``results`` (bench/results.json's content)."""
    lines = [START, "", "| goal | measured | target | met |", "| --- | ---: | ---: | :---: |"]
    for g in results.get("goals", []):
        op = {">=": "≥", "<=": "≤"}.get(g["op"], g["op"])
        met = "informational" if g.get("informational") else ("yes" if g["met"] else "**no**")
        missed = _missed(g, results.get("details", {}).get(g["name"]) or {}) if not g["met"] else ""
        if missed and not g.get("informational"):
            met += f" ({missed})"
        target = f"{g['goal']:g}" + _unit(g["unit"])
        lines.append(f"| `{g['name']}` | {_value(g['value'], g.get('digits', 1), g['unit'])} | {op} {target} | {met} |")
    m = results.get("machine", {})
    lines += ["", f"Measured on {results.get('date')}: {m.get('cpus')} CPUs, Python {m.get('python')}, "
                  f"NumPy {m.get('numpy')}.", "", END]
    return "\n".join(lines)


def update(readme: Path = README, results: Path = RESULTS) -> bool:
    """Rewrite the table in ``readme`` from ``results``; True if the file changed."""
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{readme}: the results markers are missing ({START!r} … {END!r})")
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    new = head + table(json.loads(results.read_text(encoding="utf-8"))) + tail
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    print(f"{README.relative_to(ROOT)}: {'table rewritten' if update() else 'table already up to date'}")
