"""Generate everything the site shows from a run: printouts, figures, numbers, errata.

Callable without MkDocs (``python -m nn7 build``); the MkDocs hook only calls
:func:`generate` and publishes what it wrote. Each job (an experiment of
:mod:`nn7.experiments`, the data file, the diagram) has a key: the SHA-256 of its
definition, nn7's sources, the snippet files it runs and the versions of what draws the
figures. A job whose key and outputs are unchanged is skipped; a job that runs writes
only the files whose bytes changed, so a watcher sees no change when nothing changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math
import platform
import runpy
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from . import book, experiments
from .errors import Nn7Error
from .fileio import write_atomic

OUT = Path("build") / "generated"  # relative to the repository root, outside docs/
SNIPPETS = Path("snippets")
PAGE_IMG = "ch7/img"  # where the 7.7 page finds its figures (its ./img/)
DOWNLOADS = "downloads"
TRACE_TOLERANCE = 1.5e-4  # the book truncates its trace to 4 decimals
DIAGRAM = "backprop_7_5_8.png"
SWEEP_FIGURE = "init_sweep.png"


class BuildError(Nn7Error):
    """A job failed; the message names the file that failed."""


@dataclass
class JobOutcome:
    name: str
    ran: bool
    seconds: float


@dataclass
class Report:
    out: Path
    values: dict[str, str]
    published: list[tuple[str, Path]]  # (site path, file)
    outcomes: list[JobOutcome] = field(default_factory=list)
    code_hash: str = ""


@dataclass
class Job:
    name: str
    definition: str  # part of the key
    depends: tuple[str, ...]  # snippet files (relative to snippets/)
    run: Callable[["Context"], dict[str, bytes]]


@dataclass
class Context:
    root: Path
    out: Path

    @property
    def snippets(self) -> Path:
        return self.root / SNIPPETS


# ---------------------------------------------------------------- helpers


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

    pkg = Path(__file__).resolve().parent
    parts = [f"{p.name}\0".encode() + p.read_bytes() for p in sorted(pkg.glob("*.py"))]
    versions = (f"python {platform.python_version()} numpy {np.__version__} "
                f"matplotlib {version('matplotlib')} pillow {version('pillow')}")
    return _sha(versions.encode(), _fonts().encode(), *parts)


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


def _data_job(ctx: Context) -> dict[str, bytes]:
    from .data import generate_book_data

    return {f"{DOWNLOADS}/train7.txt": generate_book_data()}


def _diagram_job(ctx: Context) -> dict[str, bytes]:
    import tempfile

    from .diagram import backprop_diagram

    with tempfile.TemporaryDirectory() as tmp:
        path = backprop_diagram(Path(tmp) / DIAGRAM)
        return {f"img/{DIAGRAM}": Path(path).read_bytes()}


def _case_job(name: str):
    def run(ctx: Context) -> dict[str, bytes]:
        from . import plots

        case = experiments.case(name)
        result, printed = call_snippet(ctx.snippets / case.script, "run", name)
        outputs = {f"printouts/{name}.txt": printed.encode(),
                   f"results/{name}.json": _json(_case_result(result))}
        if case.figures:
            curves, fit = case.figures
            outputs[f"img/{curves}"] = plots.training_curves(result)
            outputs[f"img/{fit}"] = plots.fit_figure(result)
        return outputs

    return run


def _case_result(result) -> dict:
    h = result.history
    return {
        "final": {**result.final("r2"), **result.final("book")},
        "params": {k: v.tolist() for k, v in result.params.as_dict().items()},
        "last_checkpoints": {
            "train_loss": h.train_loss[-2:].tolist(), "val_loss": h.val_loss[-2:].tolist(),
            "train_r2": h.train_accuracy("r2")[-2:].tolist(), "val_r2": h.val_accuracy("r2")[-2:].tolist(),
            "train_book": h.train_accuracy("book")[-2:].tolist(), "val_book": h.val_accuracy("book")[-2:].tolist(),
        },
    }


def _trace_job(name: str):
    def run(ctx: Context) -> dict[str, bytes]:
        t = experiments.TRACES[name]
        steps, printed = call_snippet(ctx.snippets / t.script, "trace", name)
        blocks = ["----迭代" + part for part in printed.split("----迭代")[1:]]
        if len(blocks) != len(steps):
            raise BuildError(f"{ctx.snippets / t.script}: trace({name!r}) printed {len(blocks)} "
                             f"iterations for {len(steps)} steps")
        outputs = {f"printouts/{name}-{k}.txt": b.encode() for k, b in enumerate(blocks, start=1)}
        outputs[f"results/{name}.json"] = _json(
            [{k: np.asarray(v).tolist() for k, v in s.as_dict().items()} for s in steps])
        return outputs

    return run


def _sweep_job(ctx: Context) -> dict[str, bytes]:
    from . import plots

    sw = experiments.SWEEP
    result, printed = call_snippet(ctx.snippets / sw.script, "run")
    return {"printouts/sweep.txt": printed.encode(), "results/sweep.json": _json(result.to_json()),
            f"img/{SWEEP_FIGURE}": plots.sweep_heatmap(result)}


def jobs() -> list[Job]:
    out = [Job("data", "train7.txt", (), _data_job), Job("diagram", DIAGRAM, (), _diagram_job)]
    for name in experiments.PAGE_CASES:
        c = experiments.case(name)
        out.append(Job(f"case:{name}", repr(c), c.depends, _case_job(name)))
    for name, t in experiments.TRACES.items():
        out.append(Job(f"trace:{name}", repr(t) + repr(experiments.case(t.case)), t.depends, _trace_job(name)))
    sw = experiments.SWEEP
    out.append(Job("sweep", repr(sw), sw.depends, _sweep_job))
    return out


# ---------------------------------------------------------------- derived pages


def _load(out: Path, name: str):
    return json.loads((out / "results" / f"{name}.json").read_text(encoding="utf-8"))


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%"


def _accuracy_erratum(out: Path, name: str) -> str:
    r = _load(out, name)["final"]
    lines = [
        "| 本次构建的运行（最后一轮） | 训练集 | 验证集 |",
        "| --- | ---: | ---: |",
        f"| 误差 loss = mean((z − y)²)/2 | {r['train_loss']:.6f} | {r['val_loss']:.6f} |",
        f"| 书中的 accu = 1 − loss/var(y) | {r['train_book']:.4f} | {r['val_book']:.4f} |",
        f"| 决定系数 R² = 1 − mean((z − y)²)/var(y) | {r['train_r2']:.4f} | {r['val_r2']:.4f} |",
    ]
    if name in book.LOG_TAILS:
        tl, ta, vl, va = book.LOG_TAILS[name][-1]
        lines.append(f"| 书中印出的 accu（换算成 R² = 2·accu − 1） | {ta:.4f}（{2 * ta - 1:.3f}） "
                     f"| {va:.4f}（{2 * va - 1:.3f}） |")
    return "\n".join(lines) + "\n"


def _format_value(v) -> str:
    a = np.asarray(v, dtype=float)
    return np.array2string(a, precision=4, separator=" ").replace("\n", "")


def trace_differences(name: str, ours: list[dict]) -> list[tuple[int, str, object, object]]:
    """(iteration, name, printed, ours) for every printed value of the book that a fresh
    run does not reproduce within TRACE_TOLERANCE."""
    case = experiments.TRACES[name].case
    diffs = []
    for k, (printed, mine) in enumerate(zip(book.TRACES[case]["steps"], ours), start=1):
        for key, value in printed.items():
            if not np.allclose(np.asarray(value, float), np.asarray(mine[key], float), rtol=0, atol=TRACE_TOLERANCE):
                diffs.append((k, key, value, mine[key]))
    return diffs


def _trace_erratum(out: Path, name: str) -> str:
    case = experiments.TRACES[name].case
    ours = _load(out, f"{name}")
    items = [f"- 迭代 {k}：书中印作 {printed}，应为 {should}。" for k, printed, should in book.TRACES[case]["typos"]]
    items += [f"- 迭代 {k}：书中印作 `{key}={_format_value(p)}`，本次运行为 `{key}={_format_value(m)}`。"
              for k, key, p, m in trace_differences(name, ours)]
    if not items:
        items = ["- 本次运行与书中印出的数值一致（书中截断到 4 位小数）。"]
    return "\n".join(items) + "\n"


def _sweep_fragment(out: Path) -> str:
    r = _load(out, "sweep")
    s = r["summary"]
    n_seeds = len(r["seeds"])
    b, sym, dead = s["broken"], s["symmetric"], s["dead"]
    holds = "成立" if r["condition_holds"] else "**不成立**"
    return "\n".join([
        f"- 一共 {len(r['combos'])} 种初始化 × {n_seeds} 个种子 = {len(r['combos']) * n_seeds} 次训练"
        f"（学习率 {r['settings']['lr']}、{r['settings']['epochs']} 轮、批大小 {r['settings']['batch_size']}）；"
        f"“训练成功”指验证集 R² 的中位数超过 {r['threshold']}。",
        f"- **W1、B1、W2 中至少有一个随机初始化**：{b['combos']} 种，{b['combos_training']} 种训练成功；"
        f"{b['runs']} 次运行中 {b['runs_training']} 次超过 {r['threshold']}，R² 中位数 {b['r2_median']:.3f}，"
        f"最低 {b['r2_min']:.3f}。",
        f"- **W1、B1、W2 都不随机，但不全为 0**（两个隐层神经元从相同的值出发，始终相等）："
        f"{sym['combos']} 种，{sym['combos_training']} 种训练成功；R² 在 {sym['r2_min']:.3f} 与 "
        f"{sym['r2_max']:.3f} 之间——相当于只有一个隐层神经元。",
        f"- **W1、B1、W2 全为 0**：{dead['combos']} 种（B2 为 0、1 或随机），{dead['combos_training']} 种训练成功；"
        f"R² 在 {dead['r2_min']:.3f} 与 {dead['r2_max']:.3f} 之间——只有 B2 在学习。",
        f"- 结论“训练成功 ⇔ W1、B1、W2 中至少有一个随机初始化”在本次扫描中{holds}；"
        "B2 随机不能打破对称，因为它是两个隐层神经元共用的一个数。",
    ]) + "\n"


def _perf_fragment(root: Path) -> str:
    path = root / "bench" / "results.json"
    if not path.is_file():
        return "!!! note \"尚无测量结果\"\n    运行 `make bench` 后，这里会显示测量结果。\n"
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = ["| 指标 | 测得 | 目标 | 达到 |", "| --- | ---: | ---: | :---: |"]
    for g in data["goals"]:
        met = "—" if g.get("informational") else ("是" if g.get("met") else "**否**")
        rows.append(f"| {g['label']} | {g['value']:.{g.get('digits', 2)}f}{g['unit']} | "
                    f"{g['op']} {g['goal']}{g['unit']} | {met} |")
    env = data.get("machine", {})
    rows.append("")
    rows.append(f"测量于 {data.get('date', '?')}，{env.get('cpus', '?')} 核 CPU，Python {env.get('python', '?')}，"
                f"NumPy {env.get('numpy', '?')}（`make bench` 写入 `bench/results.json`，本节由它生成）。")
    return "\n".join(rows) + "\n"


def derive(root: Path, out: Path) -> dict[str, str]:
    """The page numbers (placeholders) and the generated Markdown fragments."""
    c1 = _load(out, "case1")["final"]
    t2 = _load(out, "trace-case2")
    s = experiments.BOOK_SETTINGS
    values = {
        "book.lr": f"{s.lr:g}", "book.epochs": str(s.epochs), "book.batch_size": str(s.batch_size),
        # "两个数据集的准确率都不到 N%": the smallest whole percentage above both (book's accu)
        "case1.accu_below_pct": f"{math.floor(100 * max(c1['train_book'], c1['val_book'])) + 1}%",
        # "在随后的权重更新时 W2 的值变成 …": W2 after the first step of the case-2 trace
        "trace-case2.W2_after_1": f"{t2[0]['W2'][0][0]:.4f}",
    }
    sw = experiments.SWEEP
    values |= {"sweep.kinds": str(len(sw.kinds)), "sweep.combos": str(len(sw.combos)),
               "sweep.seeds": str(len(sw.seeds))}
    for name, t in experiments.TRACES.items():  # the samples and rate of each trace, as defined
        picked = experiments.pick_samples(t.samples)
        values[f"{name}.lr"] = f"{t.lr:g}"
        values[f"{name}.samples"] = "、".join(
            f"标签为 {y:g} 的样本" if x is None else f"样本 ({px:g}, {y:g})"
            for (x, y), (px, _) in zip(t.samples, picked)) + "（依次）"
    fragments = {f"erratum-accuracy-{n}.md": _accuracy_erratum(out, n) for n in ("case1", "case2", "case3")}
    fragments |= {f"erratum-{n}.md": _trace_erratum(out, n) for n in experiments.TRACES}
    fragments["sweep-summary.md"] = _sweep_fragment(out)
    fragments["perf.md"] = _perf_fragment(root)
    for name, text in fragments.items():
        write_atomic(out / "fragments" / name, text.encode())
    write_atomic(out / "values.json", _json(values))
    return values


# ---------------------------------------------------------------- driver


def generate(root: str | Path = ".", out: str | Path | None = None, log: Callable[[str], None] = print,
             only: set[str] | None = None) -> Report:
    """Run (or skip, when cached) every job, then derive the page values and fragments."""
    root = Path(root).resolve()
    out = (root / OUT) if out is None else Path(out).resolve()
    ctx = Context(root, out)
    base = code_hash()
    outcomes = []
    for job in jobs():
        if only is not None and job.name not in only:
            continue
        deps = []
        for rel in job.depends:
            path = ctx.snippets / rel
            if not path.is_file():
                raise BuildError(f"{path}: snippet file not found (needed by {job.name})")
            deps.append(rel.encode() + b"\0" + path.read_bytes())
        key = _sha(base.encode(), job.definition.encode(), *deps)
        manifest = out / ".cache" / (job.name.replace(":", "_") + ".json")
        t0 = time.perf_counter()
        cached = _is_fresh(manifest, key, out)
        if not cached:
            outputs = job.run(ctx)
            for rel, data in outputs.items():
                write_atomic(out / rel, data)
            write_atomic(manifest, _json({"key": key, "outputs": sorted(outputs)}))
        seconds = time.perf_counter() - t0
        outcomes.append(JobOutcome(job.name, not cached, seconds))
        log(f"nn7: {job.name:<20} {'cached' if cached else 'ran'} {seconds:6.2f} s")
    values = derive(root, out) if only is None else {}
    return Report(out, values, _published(root, out), outcomes, base)


def _is_fresh(manifest: Path, key: str, out: Path) -> bool:
    try:
        m = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return m.get("key") == key and all((out / rel).is_file() for rel in m.get("outputs", []))


def _published(root: Path, out: Path) -> list[tuple[str, Path]]:
    """Site paths of the generated figures and of every downloadable file."""
    items = [(f"{PAGE_IMG}/{p.name}", p) for p in sorted((out / "img").glob("*.png"))]
    items += [(f"{DOWNLOADS}/{p.name}", p) for p in sorted((out / DOWNLOADS).glob("*"))]
    snippets = root / SNIPPETS
    items += [(f"{DOWNLOADS}/{p.relative_to(snippets).as_posix()}", p) for p in sorted(snippets.rglob("*.py"))]
    return items
