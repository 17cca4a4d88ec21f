"""The benchmark's goals and outcomes: what is measured, against what, and what came out."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Goal:
    name: str  # the summary line's name, e.g. train_speedup_vs_reference
    op: str  # ">=" (a speed-up) or "<=" (a time or a ratio of times)
    target: float
    unit: str  # "x" (a ratio) or "s" (seconds)
    digits: int = 1
    informational: bool = False  # reported, never "MISSED"

    def met(self, value: float) -> bool:
        return value >= self.target if self.op == ">=" else value <= self.target

    def summary(self, value: float, note: str = "") -> str:
        u = "x" if self.unit == "x" else " s"
        line = f"{self.name}: {value:.{self.digits}f}{u} (goal {self.target:g}{u})"
        if not self.met(value) and not self.informational:
            line += " MISSED"
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
