"""The benchmark's goals and outcomes: what is measured, against what, and what came out."""

from __future__ import annotations

from dataclasses import dataclass, field


def _holds(value: float, op: str, target: float) -> bool:
    return value >= target if op == ">=" else value <= target


def unheld(limits, details: dict | None) -> list[tuple[str, str, float, float | None]]:
    """The limits ``(key, op, limit)`` that ``details`` do not meet, each with its value there
    (None: not measured). The summary line and bench/README.md's table both show these."""
    details = details or {}
    return [(key, op, limit, details.get(key)) for key, op, limit in limits
            if details.get(key) is None or not _holds(details[key], op, limit)]


@dataclass(frozen=True)
class Goal:
    name: str  # the summary line's name, e.g. train_speedup_vs_reference
    op: str  # ">=" (a speed-up) or "<=" (a time or a ratio of times)
    target: float
    unit: str  # "x" (a ratio), "s" (seconds) or another unit's name ("points")
    digits: int = 1
    informational: bool = False  # reported, never "MISSED"
    # more conditions of the same goal, on the outcome's details: (key, op, limit)
    limits: tuple[tuple[str, str, float], ...] = ()

    def missed_limits(self, details: dict | None) -> list[str]:
        return [f"{key} {value:g} (limit {op} {limit:g})" if value is not None else f"{key} not measured"
                for key, op, limit, value in unheld(self.limits, details)]

    def met(self, value: float, details: dict | None = None) -> bool:
        return _holds(value, self.op, self.target) and not (self.limits and self.missed_limits(details))

    def summary(self, value: float, note: str = "", details: dict | None = None) -> str:
        u = {"x": "x", "s": " s"}.get(self.unit, f" {self.unit}")
        line = f"{self.name}: {value:.{self.digits}f}{u} (goal {self.target:g}{u}"
        line += "".join(f", {key}{op}{limit:g}" for key, op, limit in self.limits) + ")"
        if not self.met(value, details) and not self.informational:
            line += " MISSED" + (f" ({'; '.join(self.missed_limits(details))})" if self.limits and self.missed_limits(details) else "")
        if self.informational:
            line += " [informational]"
        return line + (f" [{note}]" if note else "")


@dataclass
class Outcome:
    """What one measurement found: its value for the goal, the numbers behind it, and any
    correctness problem (a fast path that disagrees with its reference, a cache that re-ran)."""

    value: float | None
    details: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    note: str = ""
