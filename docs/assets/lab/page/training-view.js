// What the training section shows of a run: the loss and R² curves against iterations (as
// 图 7.7.1), the fit in original units (as 图 7.7.2), each hidden unit's W1, B1, W2 against
// epochs with a table of their exact values, the summary and symmetry texts, the last log line
// with the parameters (nn7's own lines) and the command that repeats the run. While training,
// the canvases are redrawn at most every DRAW_MS, the texts every TEXT_MS and the charts' text
// alternatives every LABEL_MS. On a page load the charts are drawn one per task (tasks.js).

import { REGISTRY } from "../generated/registry.js";
import { nestedParams } from "../nn7/params.js";
import { logLine, paramLines, predict } from "../nn7/train.js";
import { pyFixed, pyRepr } from "../numpy/printing.js";
import { clearChart, drawChart } from "./chart.js";
import { palette } from "./colors.js";
import { UNIT_PARAMS } from "./run.js";
import { logRange, valueRange } from "./scale.js";
import { nextTask } from "./tasks.js";
import { say } from "./words.js";

const DRAW_MS = 50, TEXT_MS = 250, LABEL_MS = 1000;
const FIT_XS = REGISTRY.fitGrid; // x = 0…7 years, the grid of the book's fit figure (nn7.plots.FIT_GRID)
const CHARTS = ["loss", "r2", "fit", ...UNIT_PARAMS];

/** The summary of a run's last checkpoint. */
export function summaryText(run) {
  const cp = run?.lastCheckpoint;
  if (!cp) return say("summary.none");
  const a = run.accuracies(cp);
  return say("summary.done", {
    done: cp.epoch + 1, iteration: cp.iteration, trainLoss: pyFixed(cp.train_loss, 6), trainR2: pyFixed(a.train, 4),
    valLoss: pyFixed(cp.val_loss, 6), valR2: pyFixed(a.val, 4),
  });
}

/** Whether the hidden units are equal, and since when. */
export function unitsText(run) {
  if (!run) return "";
  const { units: n, distinct: k, epoch, firstSplit: split } = run;
  if (run.dead) return say("units.dead", { epoch, n });
  if (n === 1) return say("units.one");
  if (k === 1) return say(split === null ? "units.same" : "units.merged", { epoch, n, split });
  const all = k === n ? "all" : "some";
  return say(run.equalAtStart ? `units.${all}_split` : `units.${all}_start`, { epoch, n, k, split });
}

export function createTrainingView({ getRun, isRunning, getCommand }) {
  const byId = (id) => document.getElementById(id);
  const canvases = Object.fromEntries(CHARTS.map((k) => [k, byId(`lab-chart-${k}`)]));
  let pending = false, lastDraw = -Infinity, labelsDue = 0, textsDue = 0;
  const drawnSizes = new Map(); // canvas → its size when it was last drawn
  const sizeOf = (canvas) => `${canvas.clientWidth}x${canvas.clientHeight}`;

  function colors() {
    const style = getComputedStyle(document.body);
    const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
    const font = getComputedStyle(document.querySelector(".md-typeset") ?? document.body).fontFamily;
    return palette(dark, (name) => style.getPropertyValue(name).trim(), font);
  }

  function showTable(run) {
    const body = byId("lab-units-body");
    if (!run) return body.replaceChildren();
    if (body.rows.length !== run.units) {
      body.replaceChildren();
      for (let j = 0; j < run.units; j++) {
        const tr = body.insertRow();
        const th = Object.assign(document.createElement("th"), { scope: "row", textContent: say("units.unit", { j: j + 1 }) });
        tr.append(th);
        for (let i = 0; i < UNIT_PARAMS.length; i++) tr.insertCell();
      }
    }
    for (let j = 0; j < run.units; j++) {
      UNIT_PARAMS.forEach((p, i) => {
        const cell = body.rows[j].cells[i + 1], v = run.current[p][j];
        cell.dataset.value = pyRepr(v); // the exact value (the tests compare it)
        cell.textContent = pyFixed(v, 8);
      });
    }
  }

  function showLog(run) {
    byId("lab-log-box").hidden = !run; // no empty box while the settings are not valid
    if (!run) {
      byId("lab-log").textContent = "";
      return;
    }
    const lines = paramLines(nestedParams(run.current));
    if (run.lastCheckpoint) lines.unshift(logLine(run.lastCheckpoint, "r2"));
    byId("lab-log").textContent = lines.join("\n");
  }

  function showLegend(run, pal) {
    for (const el of document.querySelectorAll(".lab-swatch[data-series]")) el.style.background = pal[el.dataset.series];
    const legend = byId("lab-unit-legend");
    const n = run?.units ?? 0;
    if (legend.children.length !== n) {
      legend.replaceChildren(...Array.from({ length: n }, (_, j) => {
        const swatch = Object.assign(document.createElement("span"), { className: "lab-swatch" });
        swatch.dataset.unit = String(j);
        const li = document.createElement("li");
        li.append(swatch, say("units.unit", { j: j + 1 }));
        return li;
      }));
    }
    for (const sw of legend.querySelectorAll(".lab-swatch")) sw.style.background = pal.units[Number(sw.dataset.unit) % pal.units.length];
  }

  let drawId = 0; // the latest draw; a draw in steps stops when a newer one has begun

  /** Draw the run: its texts, then its charts. `inSteps` (a page load): each chart in a task of
   *  its own; a promise settled when they are drawn (or a newer draw has begun). */
  function draw(inSteps = false) {
    const id = ++drawId;
    for (const k of CHARTS) drawnSizes.set(canvases[k], sizeOf(canvases[k]));
    const run = getRun(), pal = colors(), running = isRunning();
    const now = performance.now();
    const labels = now >= labelsDue, texts = labels || now >= textsDue;
    if (labels) labelsDue = running ? now + LABEL_MS : 0;
    if (texts) textsDue = running ? now + TEXT_MS : 0;
    showLegend(run, pal);
    if (texts) {
      showLog(run);
      byId("lab-command").textContent = getCommand();
    }
    if (!run) {
      for (const k of CHARTS) clearChart(canvases[k]);
      for (const name of ["lab-summary", "lab-distinct"]) byId(name).textContent = "";
      showTable(null);
      return Promise.resolve();
    }
    const summary = summaryText(run), distinct = unitsText(run);
    if (texts) {
      byId("lab-summary").textContent = summary;
      byId("lab-distinct").textContent = distinct;
      showTable(run);
    }
    const curve = predict(run.current, FIT_XS);
    if (labels) {
      canvases.loss.setAttribute("aria-label", say("chart.loss", { summary }));
      canvases.r2.setAttribute("aria-label", say("chart.r2", { summary }));
      canvases.fit.setAttribute("aria-label", say("chart.fit", {
        done: run.epoch, first: pyFixed(curve[0], 2), last: pyFixed(curve.at(-1), 2),
        min: pyFixed(Math.min(...curve), 2), max: pyFixed(Math.max(...curve), 2),
      }));
      for (const p of UNIT_PARAMS) {
        const values = Array.from(run.current[p], (v) => pyFixed(v, 4)).join("、");
        canvases[p].setAttribute("aria-label", say("chart.units", { param: `${p}（${values}）`, distinct }));
      }
    }
    const painters = chartPainters(run, pal, curve);
    if (!inSteps) {
      for (const paint of painters) paint();
      return Promise.resolve();
    }
    return painters.reduce((done, paint) => done.then(nextTask).then(() => id === drawId && paint()), Promise.resolve());
  }

  /** One function per chart of `run` (the units' three together) that draws it. */
  function chartPainters(run, pal, curve) {
    const cv = run.curves, total = run.iterationsTotal;
    const lossY = cv.lossLo <= cv.lossHi ? logRange(cv.lossLo, cv.lossHi) : [1e-3, 1];
    return [
      () => drawChart(canvases.loss, {
        x: [0, total], y: lossY, log: true, xLabel: say("axis.iterations"), yLabel: say("axis.loss"),
        lines: [{ x: cv.it, y: cv.tl, color: pal.train, width: 1.8 }, { x: cv.it, y: cv.vl, color: pal.val, width: 1.2 }],
      }, pal),
      () => drawChart(canvases.r2, { // down to -1 at most: a run far below that says nothing more on this scale
        x: [0, total], y: [Math.max(-1, Math.min(-0.05, cv.r2Lo - 0.02)), 1], xLabel: say("axis.iterations"), yLabel: say("axis.r2"),
        lines: [{ x: cv.it, y: cv.tr, color: pal.train, width: 1.8 }, { x: cv.it, y: cv.vr, color: pal.val, width: 1.2 }],
      }, pal),
      () => drawChart(canvases.fit, {
        x: [FIT_XS[0], FIT_XS.at(-1)], y: valueRange([run.samples.y], 0.08, [0, 1]), xLabel: say("axis.x"), yLabel: say("axis.y"),
        points: { x: run.samples.x, y: run.samples.y, color: pal.samples },
        lines: [{ x: FIT_XS, y: curve, color: pal.fit, width: 2.2 }],
      }, pal),
      () => {
        // each unit against epochs: the first unit widest, so that equal lines show every colour
        const xs = [...run.history.epoch];
        const extra = xs.at(-1) !== run.epoch;
        if (extra) xs.push(run.epoch);
        const n = run.units;
        const widths = Array.from({ length: n }, (_, j) => (n === 1 ? 2 : 1.2 + (3.6 * (n - 1 - j)) / (n - 1)));
        for (const p of UNIT_PARAMS) {
          const ys = run.history[p].map((line, j) => (extra ? [...line, run.current[p][j]] : line));
          drawChart(canvases[p], {
            x: [0, run.epochs], y: valueRange(ys, 0.08, [-1, 1]), xLabel: say("axis.epochs"),
            lines: ys.map((y, j) => ({ x: xs, y, color: pal.units[j % pal.units.length], width: widths[j] })),
          }, pal);
        }
      },
    ];
  }

  /** Draw in the next frame; while training at most every DRAW_MS. `soon`: texts and labels too. */
  function requestDraw(soon = false) {
    if (soon) labelsDue = textsDue = 0;
    if (pending) return;
    pending = true;
    const frame = () => requestAnimationFrame(() => {
      pending = false;
      lastDraw = performance.now();
      draw();
    });
    const wait = isRunning() ? lastDraw + DRAW_MS - performance.now() : 0;
    if (wait > 0) setTimeout(frame, wait);
    else frame();
  }

  /** Draw at once (a state the reader reads right away: paused, done, diverged). */
  function drawNow() {
    labelsDue = textsDue = 0;
    draw();
  }

  /** Draw the texts now and the charts one per task (a page load); a promise of the last. */
  function drawInSteps() {
    labelsDue = textsDue = 0;
    return draw(true);
  }

  // a run's canvas whose size changed since it was last drawn (not the first report of each, nor
  // the sections being shown on a page load: no run yet, the charts are empty)
  const resized = new ResizeObserver((entries) => {
    if (getRun() && entries.some((e) => drawnSizes.get(e.target) !== sizeOf(e.target))) requestDraw();
  });
  for (const k of CHARTS) resized.observe(canvases[k]);
  return { requestDraw, drawNow, drawInSteps };
}
