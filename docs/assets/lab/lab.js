// lab.js: the script of the 动手实验室 page (docs/ch7/lab.md), an ES module.
//
// The reader trains the chapter's 1-n-1 network in the browser with the engine nn7.js (a mirror
// of the Python package nn7, so every number equals `python -m nn7` for the same arguments):
//
// * the settings live in the query string (init, seed, lr, epochs, batch, hidden); every change
//   is a history entry, and back/forward restore the controls and reset the run;
// * training runs on the main thread in slices of at most SLICE_MS (createTrainer().runEpochs(1)
//   until the slice's time is up), scheduled with setTimeout; the charts are drawn on <canvas>
//   in requestAnimationFrame, in the colours of Material's palette (redrawn when it changes);
// * 单步 shows step k of nn7 trace --steps k; the sweep runs sweepSeed in module Web Workers
//   (sweep-worker.js), at most four, fed from a queue of (seed, part of the initialisations).
//
// Every text the reader sees is in lab.md: the page's HTML, and the data-* attributes of
// #lab-text for messages with {placeholders}.

import {
  DEFINITIONS, N_TRAIN, Nn7Error, PARAM_NAMES, X_SCALER, Y_SCALER, accuracy, createTrainer, formatStep,
  initString, logLine, nestedParams, paramLines, parseInit, predict, settingsOf, sweepResult, trace,
} from "./nn7.js";
import { pyFixed, pyG, pyRepr } from "./npformat.js";

const D = DEFINITIONS;
const BOOK = D.bookSettings;
const SWEEP = D.sweep;
const MAX_HIDDEN = 8; // the unit colours below
const MAX_SEEDS = 100;
const MAX_EPOCHS = 100_000; // the page keeps every checkpoint for its charts
const SLICE_MS = 12; // training per task; a task stays far below the 50 ms of a "long task"
const DRAW_MS = 50; // while training, the charts are redrawn at most 20 times a second,
const TEXT_MS = 250; // the texts under them 4 times a second,
const LABEL_MS = 1000; // and the charts' text alternatives once a second
const RATES = { slow: 60, medium: 300, fast: Infinity }; // epochs per second
const MAX_POINTS = 2048; // per-unit history kept for the charts (thinned by halves beyond)
const FIT_XS = D.fitGrid; // x = 0…7 years, the grid of the book's fit figure (nn7.plots.FIT_GRID)
const KEYS = ["init", "seed", "lr", "epochs", "batch", "hidden"];
const UNIT_PARAMS = ["W1", "B1", "W2"];
const UNIT_KEYS = ["Z1", "A1", "dA1", "dZ1", "W1", "B1", "dW1", "dB1", "W2", "dW2"]; // one entry per hidden unit

/** The page: its controls, the run, the charts and the sweep (everything below needs its HTML). */
function main() {
  const $ = (id) => document.getElementById(id);
  const TEXT = $("lab-text").dataset;

  /** A message of lab.md (data-KEY on #lab-text) with its {placeholders} filled. */
  function t(key, values = {}) {
    const text = TEXT[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  }

  /** A limit of this page (not of nn7), with its message from lab.md. */
  class LabInputError extends Error {}

  const messageOf = (err) => {
    if (err instanceof Nn7Error || err instanceof LabInputError) return err.message;
    throw err;
  };

  const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
  /** The number typed, or the text itself (so that the engine's message quotes it). */
  function numberOf(text) {
    const s = String(text).trim();
    return NUMBER.test(s) ? Number(s) : s;
  }

  const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

  // ================================================================ the controls and the URL

  const form = $("lab-form");
  const caseSelect = $("lab-case");
  const FIELDS = {
    seed: { input: $("lab-seed"), check: (v) => trace({ init: "case1", seed: v, steps: 1 }) }, // nn7's --seed check
    lr: { input: $("lab-lr"), check: (v) => settingsOf({ lr: v }) },
    epochs: {
      input: $("lab-epochs"),
      check: (v) => {
        settingsOf({ epochs: v });
        if (v > MAX_EPOCHS) throw new LabInputError(t("rangeEpochs", { max: MAX_EPOCHS }));
      },
    },
    batch: {
      input: $("lab-batch"),
      check: (v) => {
        settingsOf({ batchSize: v });
        if (v > N_TRAIN) throw new LabInputError(t("rangeBatch"));
      },
    },
    hidden: {
      input: $("lab-hidden"),
      check: (v) => {
        settingsOf({ hidden: v });
        if (v > MAX_HIDDEN) throw new LabInputError(t("rangeHidden"));
      },
    },
  };
  const DEFAULTS = {
    init: "case3", seed: String(D.chapterSeed), lr: pyRepr(BOOK.lr), epochs: String(BOOK.epochs),
    batch: String(BOOK.batch_size), hidden: String(BOOK.num_hidden),
  };
  let initText = DEFAULTS.init; // the init as the URL has it: a preset name or NAME=KIND pairs
  let committed = null; // the settings of the current run

  /** The init argument for the URL and the command line: a preset's name if it is one. */
  function initArg(spec) {
    const s = initString(spec);
    return Object.keys(D.presets).find((p) => D.presets[p] === s) ?? s;
  }

  function radiosSpec() {
    const spec = {};
    for (const name of PARAM_NAMES) spec[name] = form.querySelector(`input[name="lab-${name}"]:checked`)?.value ?? "zeros";
    return spec;
  }

  /** The radio buttons of `spec`; none checked for an initialisation nn7 refuses. */
  function setRadios(spec) {
    for (const name of PARAM_NAMES) {
      for (const radio of form.querySelectorAll(`input[name="lab-${name}"]`)) radio.checked = radio.value === spec?.[name];
    }
  }

  function syncCase(spec) {
    const s = spec ? initString(spec) : null;
    caseSelect.value = D.cases.find((c) => c.init === s)?.name ?? "";
  }

  /** The controls' values as the URL holds them (strings). */
  function readControls() {
    const raw = { init: initText };
    for (const key of KEYS.slice(1)) raw[key] = FIELDS[key].input.value.trim();
    return raw;
  }

  function setHidden(value) {
    const select = FIELDS.hidden.input;
    select.querySelectorAll("option[data-extra]").forEach((o) => o.remove());
    if (![...select.options].some((o) => o.value === value)) {
      const extra = new Option(value, value); // a value from the URL the list does not have
      extra.dataset.extra = "";
      select.add(extra);
    }
    select.value = value;
  }

  function applyRaw(raw) {
    initText = raw.init;
    let spec = null;
    try {
      spec = parseInit(raw.init);
    } catch (err) {
      messageOf(err);
    }
    setRadios(spec);
    syncCase(spec);
    for (const key of ["seed", "lr", "epochs", "batch"]) FIELDS[key].input.value = raw[key];
    setHidden(raw.hidden);
  }

  function readUrl() {
    const q = new URLSearchParams(location.search);
    const raw = {};
    for (const key of KEYS) raw[key] = q.has(key) ? q.get(key).trim() : DEFAULTS[key];
    return raw;
  }

  function urlOf(raw) {
    // "=" and "," need no escaping in a query value; keeping them makes init= readable
    const value = (v) => encodeURIComponent(v).replace(/%3D/gi, "=").replace(/%2C/gi, ",");
    return `${location.pathname}?${KEYS.map((k) => `${k}=${value(raw[k])}`).join("&")}${location.hash}`;
  }

  /** Each control's error next to it (aria-live); returns the run's options, or null. */
  function validate(raw) {
    let ok = true;
    const show = (id, input, message) => {
      $(id).textContent = message;
      if (input) input.setAttribute("aria-invalid", message ? "true" : "false");
      if (message) ok = false;
    };
    try {
      parseInit(raw.init);
      show("lab-init-error", null, "");
    } catch (err) {
      show("lab-init-error", null, messageOf(err));
    }
    for (const key of KEYS.slice(1)) {
      const f = FIELDS[key];
      try {
        f.check(numberOf(raw[key]));
        show(`${f.input.id}-error`, f.input, "");
      } catch (err) {
        show(`${f.input.id}-error`, f.input, messageOf(err));
      }
    }
    if (!ok) return null;
    return {
      init: raw.init, seed: Number(raw.seed), lr: Number(raw.lr), epochs: Number(raw.epochs),
      batchSize: Number(raw.batch), hidden: Number(raw.hidden),
    };
  }

  const same = (a, b) => a && b && KEYS.every((k) => a[k] === b[k]);

  /** A control changed: a new history entry, and a new run. */
  function commit() {
    const raw = readControls();
    if (same(raw, committed)) return;
    const url = urlOf(raw);
    if (url !== location.pathname + location.search + location.hash) history.pushState(null, "", url);
    newRun(raw);
  }

  for (const radio of form.querySelectorAll('input[type="radio"]')) {
    radio.addEventListener("change", () => {
      const spec = radiosSpec();
      initText = initArg(spec);
      syncCase(spec);
      commit();
    });
  }
  caseSelect.addEventListener("change", () => {
    const c = D.cases.find((k) => k.name === caseSelect.value);
    if (!c) return; // 自定义: the settings stay
    initText = c.name;
    setRadios(parseInit(c.init));
    FIELDS.seed.input.value = String(c.seed);
    FIELDS.lr.input.value = pyRepr(c.settings.lr);
    FIELDS.epochs.input.value = String(c.settings.epochs);
    FIELDS.batch.input.value = String(c.settings.batch_size);
    setHidden(String(c.settings.num_hidden));
    commit();
  });
  for (const key of ["seed", "lr", "epochs", "batch"]) {
    const input = FIELDS[key].input;
    input.addEventListener("input", () => validate(readControls()));
    input.addEventListener("change", commit);
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        commit();
      }
    });
  }
  FIELDS.hidden.input.addEventListener("change", commit);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    commit();
  });
  window.addEventListener("popstate", () => {
    applyRaw(readUrl());
    newRun(readControls());
  });

  // ================================================================ the run

  const runButton = $("lab-run");
  const speedSelect = $("lab-speed");
  // the current run: its trainer and options, the per-unit history (hist, thinned by `stride`), the
  // parameters now (current, after currentEpoch epochs), the loss and R² curves, the training samples
  let run = null;
  let status = "idle"; // idle | running | paused | done | error | invalid
  let generation = 0; // a scheduled slice of an older run or state does nothing
  let traceK = 0;

  function newRun(raw) {
    generation++;
    committed = raw;
    traceK = 0;
    showTrace(null);
    const opts = validate(raw);
    run = null;
    if (opts === null) {
      setStatus("invalid");
    } else {
      const trainer = createTrainer(opts);
      const n = opts.hidden;
      const hist = { epoch: [] };
      for (const p of UNIT_PARAMS) hist[p] = Array.from({ length: n }, () => []);
      const L = trainer.loader;
      run = {
        trainer, opts, raw, n, hist, stride: 1, current: null, currentEpoch: 0, lastCp: null, distinct: 0, firstSplit: null,
        curves: { it: [], tl: [], vl: [], tr: [], vr: [], lossLo: Infinity, lossHi: -Infinity, r2Lo: 0 },
        samples: { x: Array.from(L.trainX, (v) => X_SCALER.unscale(v)), y: Array.from(L.trainY, (v) => Y_SCALER.unscale(v)) },
      };
      record();
      setStatus("idle");
    }
    showCommand();
    drawNow();
  }

  /** The parameters after the epochs done so far, into the per-unit history. */
  function record() {
    const r = run;
    r.current = r.trainer.params();
    r.currentEpoch = r.trainer.epoch;
    r.distinct = distinctUnits(r);
    if (r.distinct > 1 && r.firstSplit === null) r.firstSplit = r.currentEpoch;
    if (r.currentEpoch % r.stride !== 0) return;
    const h = r.hist;
    h.epoch.push(r.currentEpoch);
    for (const p of UNIT_PARAMS) for (let j = 0; j < r.n; j++) h[p][j].push(r.current[p][j]);
    if (h.epoch.length > MAX_POINTS) { // keep every other point
      r.stride *= 2;
      const keep = h.epoch.map((e) => e % r.stride === 0);
      h.epoch = h.epoch.filter((_, i) => keep[i]);
      for (const p of UNIT_PARAMS) h[p] = h[p].map((line) => line.filter((_, i) => keep[i]));
    }
  }

  function setStatus(next, message = "") {
    status = next;
    const label = { running: "labelPause", paused: "labelResume" }[status] ?? "labelStart";
    runButton.textContent = runButton.dataset[label];
    const tr = run?.trainer;
    const epochs = run?.opts.epochs;
    const text = {
      idle: () => t("statusIdle", { epochs }),
      running: () => t("statusRunning"),
      paused: () => `${t("statusPaused", { done: tr.epoch, epochs })}${summaryText()}${distinctText()}`,
      done: () => `${t("statusDone", { epochs, iterations: tr.history.iteration.at(-1) })}${summaryText()}${distinctText()}`,
      error: () => t("statusDiverged", { message }),
      invalid: () => t("statusInvalid"),
    }[status]();
    $("lab-status").textContent = text;
    labelsDue = 0;
  }

  function start() {
    run.rateStart = performance.now();
    run.rateDone = 0;
    setStatus("running");
    schedule(0);
  }

  runButton.addEventListener("click", () => {
    if (status === "invalid" || run === null) return setStatus("invalid");
    if (status === "running") {
      generation++;
      setStatus("paused");
      drawNow();
    } else if (status === "paused") {
      start();
    } else {
      if (status === "done" || status === "error") newRun(committed);
      if (run) start();
    }
  });
  $("lab-reset").addEventListener("click", () => newRun(readControls()));
  speedSelect.addEventListener("change", () => {
    if (status === "running") {
      run.rateStart = performance.now();
      run.rateDone = 0;
    }
  });

  function schedule(delay) {
    const g = generation;
    setTimeout(() => {
      if (g === generation) slice();
    }, delay);
  }

  /** Train for at most SLICE_MS (and no more epochs than the speed allows so far), then yield. */
  function slice() {
    if (status !== "running") return;
    const r = run, tr = r.trainer;
    const t0 = performance.now();
    const rate = RATES[speedSelect.value] ?? Infinity;
    const quota = rate === Infinity ? Infinity : Math.floor(((t0 - r.rateStart) / 1000) * rate) + 1 - r.rateDone;
    let done = 0;
    try {
      while (!tr.done && done < quota) {
        const made = tr.runEpochs(1);
        done++;
        for (const cp of made) addCheckpoint(r, cp);
        record();
        if (performance.now() - t0 > SLICE_MS) break;
      }
    } catch (err) {
      setStatus("error", messageOf(err));
      drawNow();
      return;
    }
    r.rateDone += done;
    if (tr.done) {
      setStatus("done");
      drawNow();
      return;
    }
    requestDraw();
    schedule(done < quota ? 0 : Math.max(4, 1000 / rate));
  }

  /** A checkpoint into the loss and R² curves (kept with their ranges, so drawing copies nothing). */
  function addCheckpoint(r, cp) {
    r.lastCp = cp;
    const c = r.curves, a = lossesOf(cp, r);
    c.it.push(cp.iteration);
    c.tl.push(a.tl);
    c.vl.push(a.vl);
    c.tr.push(a.tr);
    c.vr.push(a.vr);
    for (const l of [a.tl, a.vl]) {
      if (l > 0 && Number.isFinite(l)) {
        c.lossLo = Math.min(c.lossLo, l);
        c.lossHi = Math.max(c.lossHi, l);
      }
    }
    for (const v of [a.tr, a.vr]) if (Number.isFinite(v)) c.r2Lo = Math.min(c.r2Lo, v);
  }

  // ================================================================ texts: log, command, summaries

  function lossesOf(cp, r = run) {
    const L = r.trainer.loader;
    return { tl: cp.train_loss, tr: accuracy(cp.train_loss, L.trainVar), vl: cp.val_loss, vr: accuracy(cp.val_loss, L.valVar) };
  }

  function summaryText() {
    const cp = run?.lastCp;
    if (!cp) return t("summaryNone");
    const a = lossesOf(cp);
    return t("summary", {
      done: cp.epoch + 1, iteration: cp.iteration, trainLoss: pyFixed(a.tl, 6), trainR2: pyFixed(a.tr, 4),
      valLoss: pyFixed(a.vl, 6), valR2: pyFixed(a.vr, 4),
    });
  }

  /** How many different hidden units there are (their W1, B1, W2 compared exactly). */
  function distinctUnits(r) {
    const c = r.current;
    return new Set(Array.from({ length: r.n }, (_, j) => `${c.W1[j]} ${c.B1[j]} ${c.W2[j]}`)).size;
  }

  function distinctText() {
    if (!run) return "";
    const { n, distinct: k, currentEpoch: epoch, firstSplit: split } = run;
    if (n === 1) return t("distinctOne");
    const key = k === 1 ? (split === null ? "distinctSame" : "distinctMerged") : k === n ? "distinctAll" : "distinctSome";
    return t(key, { n, k, epoch, split });
  }

  /** The table of the units' current parameters (8 decimals shown, the exact value in data-value). */
  function showUnitsTable() {
    const body = $("lab-units-body");
    if (!run) return body.replaceChildren();
    if (body.rows.length !== run.n) {
      body.replaceChildren();
      for (let j = 0; j < run.n; j++) {
        const tr = body.insertRow();
        const th = document.createElement("th");
        th.scope = "row";
        th.textContent = t("unit", { j: j + 1 });
        tr.append(th);
        for (let i = 0; i < UNIT_PARAMS.length; i++) tr.insertCell();
      }
    }
    for (let j = 0; j < run.n; j++) {
      UNIT_PARAMS.forEach((p, i) => {
        const td = body.rows[j].cells[i + 1], v = run.current[p][j];
        td.dataset.value = pyRepr(v);
        td.textContent = pyFixed(v, 8);
      });
    }
  }

  function showLog() {
    if (!run) {
      $("lab-log").textContent = "";
      return;
    }
    const lines = paramLines(nestedParams(run.current));
    const cp = run.lastCp;
    if (cp) {
      const a = lossesOf(cp);
      lines.unshift(logLine(cp.epoch, cp.iteration, a.tl, a.tr, a.vl, a.vr));
    }
    $("lab-log").textContent = lines.join("\n");
  }

  /** A value for the command line: the number as Python reads it back, else what was typed. */
  function argOf(raw, key) {
    const v = numberOf(raw[key]);
    if (typeof v !== "number") return raw[key] || "''";
    return key === "lr" ? pyRepr(v) : String(v);
  }

  function initArgOf(text) {
    try {
      return initArg(parseInit(text));
    } catch {
      return text;
    }
  }

  function showCommand() {
    const raw = committed;
    $("lab-command").textContent = `python -m nn7 train --init ${initArgOf(raw.init)} --seed ${argOf(raw, "seed")} ` +
      `--lr ${argOf(raw, "lr")} --epochs ${argOf(raw, "epochs")} --batch-size ${argOf(raw, "batch")} ` +
      `--hidden ${argOf(raw, "hidden")}`;
  }

  // ================================================================ single steps (nn7 trace)

  /** The printout with every variable whose hidden-unit entries are all equal in <mark>. */
  function traceHtml(steps, n) {
    let html = "";
    for (const step of steps) {
      const text = formatStep(step);
      const ranges = [];
      for (const key of UNIT_KEYS) {
        const flat = step[key].flat();
        if (n < 2 || !flat.every((v) => v === flat[0])) continue;
        const re = new RegExp(`(?<![A-Za-z0-9])${key}=\\[`, "g");
        for (let m; (m = re.exec(text));) {
          let depth = 0, end = m.index + key.length + 1;
          for (; end < text.length; end++) {
            if (text[end] === "[") depth++;
            else if (text[end] === "]" && --depth === 0) break;
          }
          ranges.push([m.index, end + 1]);
        }
      }
      ranges.sort((a, b) => a[0] - b[0]);
      let at = 0;
      for (const [s, e] of ranges) {
        html += escapeHtml(text.slice(at, s)) + "<mark>" + escapeHtml(text.slice(s, e)) + "</mark>";
        at = e;
      }
      html += escapeHtml(text.slice(at));
    }
    return html;
  }

  function showTrace(view) {
    const out = $("lab-trace"), cmd = $("lab-trace-command"), note = $("lab-trace-note");
    if (view === null) {
      out.innerHTML = "";
      cmd.textContent = "";
      note.textContent = t("traceNone");
      return;
    }
    out.innerHTML = traceHtml(view.steps, view.n);
    cmd.textContent = view.command;
    note.textContent = view.note;
  }

  $("lab-step").addEventListener("click", () => {
    const raw = committed;
    const opts = validate(raw);
    if (opts === null) return setStatus("invalid");
    traceK++;
    const steps = trace({ init: raw.init, seed: opts.seed, lr: opts.lr, steps: traceK, hidden: opts.hidden });
    let note = t("traceStep", { k: traceK, seed: opts.seed, lr: pyG(opts.lr) });
    if (opts.hidden !== 2) note += t("traceHidden");
    showTrace({
      steps: [steps[traceK - 1]], n: opts.hidden, note,
      command: `python -m nn7 trace --init ${initArgOf(raw.init)} --seed ${opts.seed} --lr ${pyRepr(opts.lr)} --steps ${traceK}`,
    });
  });

  const bookTraceButton = $("lab-book-trace");

  function bookTrace() {
    try {
      const s = initString(parseInit(committed.init));
      return D.traces.find((tr) => tr.init === s) ?? null;
    } catch {
      return null;
    }
  }

  function syncBookTrace() {
    bookTraceButton.setAttribute("aria-disabled", bookTrace() ? "false" : "true");
  }

  bookTraceButton.addEventListener("click", () => {
    const tr = bookTrace();
    if (!tr) {
      $("lab-trace-note").textContent = t("traceBookNone");
      return;
    }
    traceK = 0; // 单步 starts again from the first step
    const steps = trace({ init: tr.init, seed: tr.seed, lr: tr.lr, samples: tr.samples });
    const samples = tr.samples.map(([x, y]) => `${pyRepr(x)},${pyRepr(y)}`);
    const name = caseSelect.querySelector(`option[value="${tr.case}"]`)?.textContent ?? tr.case;
    showTrace({
      steps, n: 2, note: t("traceBook", { case: name, samples: samples.join("；"), lr: pyG(tr.lr) }),
      command: `python -m nn7 trace --init ${tr.case} --lr ${pyRepr(tr.lr)} ${samples.map((s) => `--sample ${s}`).join(" ")}`,
    });
  });

  // ================================================================ charts (<canvas>)

  let drawPending = false;
  let lastDraw = -Infinity;
  let labelsDue = 0;
  let textsDue = 0;

  /** Draw at once (a state the reader reads right away: paused, done, diverged). */
  function drawNow() {
    labelsDue = 0;
    textsDue = 0;
    draw();
  }

  /** Draw in the next frame; while training, at most every DRAW_MS (the compositor keeps up). */
  function requestDraw(now = false) {
    if (now) labelsDue = textsDue = 0;
    if (drawPending) return;
    drawPending = true;
    const frame = () => requestAnimationFrame(() => {
      drawPending = false;
      lastDraw = performance.now();
      draw();
    });
    const wait = status === "running" ? lastDraw + DRAW_MS - performance.now() : 0;
    if (wait > 0) setTimeout(frame, wait);
    else frame();
  }

  function palette() {
    const style = getComputedStyle(document.body);
    const v = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
    const dark = document.body.getAttribute("data-md-color-scheme") === "slate";
    return {
      fg: v("--md-default-fg-color", dark ? "#e2e4e9" : "#000000de"),
      light: v("--md-default-fg-color--light", dark ? "#e2e4e99e" : "#0000008a"),
      grid: v("--md-default-fg-color--lightest", dark ? "#e2e4e91f" : "#00000012"),
      font: getComputedStyle(document.querySelector(".md-typeset") ?? document.body).fontFamily,
      train: dark ? "#7cb7ff" : "#1f5fa8",
      val: dark ? "#ffab5e" : "#b84f00",
      samples: dark ? "rgba(124, 183, 255, 0.5)" : "rgba(31, 95, 168, 0.4)",
      fit: dark ? "#ff7b72" : "#c8102e",
      units: dark
        ? ["#7cb7ff", "#ffab5e", "#7fd67f", "#ff7b72", "#c9a2ff", "#e0a890", "#ff8fd1", "#d4d46a"]
        : ["#1f5fa8", "#b84f00", "#2a7d2a", "#c8102e", "#7b4fb0", "#8c564b", "#b5177f", "#5f6b00"],
    };
  }

  /** 1, 2, 5 × 10^k steps over [lo, hi]. */
  function niceTicks(lo, hi, count = 5) {
    const span = hi - lo;
    if (!(span > 0)) return [lo];
    const raw = span / count, mag = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
    const ticks = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    return { ticks, step };
  }

  function tickLabel(v, step) {
    const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    return decimals > 6 || Math.abs(v) >= 1e6 ? pyG(v, 3) : v.toFixed(decimals);
  }

  const SUPERSCRIPT = Object.fromEntries([..."-0123456789"].map((c, i) => [c, "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"[i]]));
  const powerLabel = (k) => (k === 0 ? "1" : k === 1 ? "10" : "10" + String(k).replace(/./g, (c) => SUPERSCRIPT[c]));

  /**
   * One chart: axes with ticks and labels, lines and points, clipped to the plot area.
   * spec: {x: [lo, hi], y: [lo, hi], log, xLabel, yLabel, lines: [{x, y, color, width}], points: {x, y, color}}
   */
  function plot(canvas, spec, pal) {
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    if (w === 0 || h === 0) return;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(h * dpr);
    }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const small = w < 260;
    const fontPx = small ? 10 : 12;
    ctx.font = `${fontPx}px ${pal.font}`;
    const m = { l: small ? 40 : 52, r: 8, t: 8, b: small ? 30 : 36 };
    if (spec.yLabel) m.l += fontPx + 4;
    const pw = w - m.l - m.r, ph = h - m.t - m.b;
    if (pw < 20 || ph < 20) return;
    const log = spec.log;
    const ty = (v) => (log ? Math.log10(v) : v);
    const [x0, x1] = spec.x, [y0, y1] = [ty(spec.y[0]), ty(spec.y[1])];
    const X = (v) => m.l + ((v - x0) / (x1 - x0 || 1)) * pw;
    const Y = (v) => m.t + ph - ((ty(v) - y0) / (y1 - y0 || 1)) * ph;

    // grid and ticks
    ctx.strokeStyle = pal.grid;
    ctx.fillStyle = pal.light;
    ctx.lineWidth = 1;
    ctx.textBaseline = "middle";
    ctx.textAlign = "right";
    let yTicks;
    if (log) { // decades labelled; 2× and 5× too when there are few decades, the other multiples as grid only
      yTicks = [];
      const few = y1 - y0 <= 2.01;
      for (let k = Math.floor(y0 + 1e-9); k <= y1 + 1e-9; k++) {
        for (let d = 1; d <= 9; d++) {
          const v = d * 10 ** k;
          if (Math.log10(v) < y0 - 1e-9 || Math.log10(v) > y1 + 1e-9) continue;
          yTicks.push({ v, label: d === 1 ? powerLabel(k) : few && (d === 2 || d === 5) ? `${d}×${powerLabel(k)}` : "" });
        }
      }
    } else {
      const { ticks, step } = niceTicks(spec.y[0], spec.y[1], Math.max(2, Math.min(5, Math.floor(ph / 28))));
      yTicks = ticks.map((v) => ({ v, label: tickLabel(v, step) }));
    }
    for (const { v, label } of yTicks) {
      const y = Math.round(Y(v)) + 0.5;
      ctx.globalAlpha = label ? 1 : 0.5;
      ctx.beginPath();
      ctx.moveTo(m.l, y);
      ctx.lineTo(m.l + pw, y);
      ctx.stroke();
      ctx.globalAlpha = 1;
      if (label) ctx.fillText(label, m.l - 4, y);
    }
    const { ticks: xTicks, step: xStep } = niceTicks(x0, x1, Math.max(3, Math.min(6, Math.floor(pw / 60))));
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const v of xTicks) {
      const x = Math.round(X(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x, m.t);
      ctx.lineTo(x, m.t + ph);
      ctx.stroke();
      const label = tickLabel(v, xStep), half = ctx.measureText(label).width / 2;
      ctx.fillText(label, Math.min(w - half - 1, Math.max(half + 1, x)), m.t + ph + 4); // kept inside the canvas
    }
    ctx.strokeStyle = pal.light;
    ctx.strokeRect(m.l + 0.5, m.t + 0.5, pw - 1, ph - 1);
    ctx.fillStyle = pal.fg;
    ctx.textBaseline = "bottom";
    ctx.fillText(spec.xLabel, m.l + pw / 2, h - 1);
    if (spec.yLabel) {
      ctx.save();
      ctx.translate(fontPx, m.t + ph / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.textBaseline = "middle";
      ctx.fillText(spec.yLabel, 0, 0);
      ctx.restore();
    }

    // data, clipped to the plot area
    ctx.save();
    ctx.beginPath();
    ctx.rect(m.l, m.t, pw, ph);
    ctx.clip();
    if (spec.points) {
      ctx.fillStyle = spec.points.color;
      const { x, y } = spec.points;
      for (let i = 0; i < x.length; i++) ctx.fillRect(X(x[i]) - 1.25, Y(y[i]) - 1.25, 2.5, 2.5);
    }
    ctx.lineJoin = "round";
    for (const line of spec.lines) {
      const n = line.x.length;
      if (n === 0) continue;
      const every = Math.max(1, Math.floor(n / (2 * pw))); // at most two points per pixel column
      ctx.strokeStyle = line.color;
      ctx.lineWidth = line.width ?? 1.5;
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < n; i += every) {
        pen = lineTo(ctx, X(line.x[i]), Y(line.y[i]), pen);
        if (i + every >= n && i !== n - 1) pen = lineTo(ctx, X(line.x[n - 1]), Y(line.y[n - 1]), pen);
      }
      if (n === 1) ctx.arc(X(line.x[0]), Y(line.y[0]), ctx.lineWidth, 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.restore();
  }

  function lineTo(ctx, x, y, pen) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return false; // a gap (log of a non-positive value, inf)
    const cy = Math.max(-1e4, Math.min(1e4, y));
    if (pen) ctx.lineTo(x, cy);
    else ctx.moveTo(x, cy);
    return true;
  }

  function range(values, pad, fallback) {
    let lo = Infinity, hi = -Infinity;
    for (const list of values) {
      for (const v of list) {
        if (Number.isFinite(v)) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
    }
    if (lo > hi) return fallback;
    if (hi - lo < 1e-12) return [lo - 0.5, hi + 0.5];
    return [lo - (hi - lo) * pad, hi + (hi - lo) * pad];
  }

  const CHARTS = ["loss", "r2", "fit", "W1", "B1", "W2"].map((k) => [k, $(`lab-chart-${k}`)]);

  function draw() {
    const pal = palette();
    for (const el of document.querySelectorAll(".lab-swatch[data-series]")) el.style.background = pal[el.dataset.series];
    // while training, the texts (which lay the page out again) follow at most every TEXT_MS and the
    // canvases' text alternatives every LABEL_MS; the canvases themselves every frame
    const now = performance.now(), running = status === "running";
    const labels = now >= labelsDue, texts = labels || now >= textsDue;
    if (labels) labelsDue = running ? now + LABEL_MS : 0;
    if (texts) textsDue = running ? now + TEXT_MS : 0;
    const c = Object.fromEntries(CHARTS);
    if (texts) showLog();
    if (!run) {
      for (const [, canvas] of CHARTS) canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
      $("lab-summary").textContent = "";
      $("lab-distinct").textContent = "";
      $("lab-unit-legend").replaceChildren();
      showUnitsTable();
      syncBookTrace();
      return;
    }
    const cv = run.curves;
    const total = run.opts.epochs * Math.ceil(N_TRAIN / run.opts.batchSize);
    const summary = summaryText();
    if (texts) $("lab-summary").textContent = summary;

    // loss (log axis) and R² against iterations, as 图 7.7.1
    const lo = cv.lossLo <= cv.lossHi ? cv.lossLo : 1e-3, hi = cv.lossLo <= cv.lossHi ? cv.lossHi : 1;
    const yLoss = [10 ** Math.floor(Math.log10(lo)), 10 ** Math.max(Math.ceil(Math.log10(hi)), Math.floor(Math.log10(lo)) + 1)];
    plot(c.loss, {
      x: [0, total], y: yLoss, log: true, xLabel: t("axisIterations"), yLabel: t("axisLoss"),
      lines: [{ x: cv.it, y: cv.tl, color: pal.train, width: 1.8 }, { x: cv.it, y: cv.vl, color: pal.val, width: 1.2 }],
    }, pal);
    plot(c.r2, { // down to -1 at most: a run far below that says nothing more on this scale
      x: [0, total], y: [Math.max(-1, Math.min(-0.05, cv.r2Lo - 0.02)), 1], xLabel: t("axisIterations"), yLabel: t("axisR2"),
      lines: [{ x: cv.it, y: cv.tr, color: pal.train, width: 1.8 }, { x: cv.it, y: cv.vr, color: pal.val, width: 1.2 }],
    }, pal);

    // the fit in original units, as 图 7.7.2
    const curve = predict(run.current, FIT_XS);
    plot(c.fit, {
      x: [0, 7], y: range([run.samples.y], 0.08, [0, 1]), xLabel: t("axisX"), yLabel: t("axisY"),
      points: { x: run.samples.x, y: run.samples.y, color: pal.samples },
      lines: [{ x: FIT_XS, y: curve, color: pal.fit, width: 2.2 }],
    }, pal);

    // each hidden unit's W1, B1, W2 against epochs: the first unit widest, so equal lines show both colours
    const hx = [...run.hist.epoch];
    const extra = hx.at(-1) !== run.currentEpoch;
    if (extra) hx.push(run.currentEpoch);
    const widths = Array.from({ length: run.n }, (_, j) => (run.n === 1 ? 2 : 1.2 + (3.6 * (run.n - 1 - j)) / (run.n - 1)));
    for (const p of UNIT_PARAMS) {
      const ys = run.hist[p].map((line, j) => (extra ? [...line, run.current[p][j]] : line));
      plot(c[p], {
        x: [0, run.opts.epochs], y: range(ys, 0.08, [-1, 1]), xLabel: t("axisEpochs"),
        lines: ys.map((y, j) => ({ x: hx, y, color: pal.units[j % pal.units.length], width: widths[j] })),
      }, pal);
    }
    const legend = $("lab-unit-legend");
    if (legend.children.length !== run.n) {
      legend.replaceChildren(...Array.from({ length: run.n }, (_, j) => {
        const li = document.createElement("li");
        const sw = document.createElement("span");
        sw.className = "lab-swatch";
        sw.dataset.unit = String(j);
        li.append(sw, t("unit", { j: j + 1 }));
        return li;
      }));
    }
    for (const sw of legend.querySelectorAll(".lab-swatch")) {
      sw.style.background = pal.units[Number(sw.dataset.unit) % pal.units.length];
    }
    const distinct = distinctText();
    if (texts) {
      $("lab-distinct").textContent = distinct;
      showUnitsTable();
      syncBookTrace();
    }

    if (labels) {
      c.loss.setAttribute("aria-label", t("chartLoss", { summary }));
      c.r2.setAttribute("aria-label", t("chartR2", { summary }));
      c.fit.setAttribute("aria-label", t("chartFit", {
        done: run.currentEpoch, first: pyFixed(curve[0], 2), last: pyFixed(curve.at(-1), 2),
        min: pyFixed(Math.min(...curve), 2), max: pyFixed(Math.max(...curve), 2),
      }));
      for (const p of UNIT_PARAMS) {
        const values = Array.from(run.current[p], (v) => pyFixed(v, 4)).join("、");
        c[p].setAttribute("aria-label", t("chartUnits", { param: `${p}（${values}）`, distinct }));
      }
    }
  }

  for (const [, canvas] of CHARTS) new ResizeObserver(() => requestDraw()).observe(canvas);
  new MutationObserver(() => {
    requestDraw(true);
    if (lastSweep) renderHeatmap(lastSweep);
  }).observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme", "data-md-color-primary"] });

  // ================================================================ the sweep (Web Workers)

  const sweepStart = $("lab-sweep-start"), sweepCancel = $("lab-sweep-cancel"), progress = $("lab-sweep-progress");
  const SWEEP_FIELDS = {
    seeds: {
      input: $("lab-sweep-seeds"),
      check: (v) => {
        if (!Number.isInteger(v) || v < 1 || v > MAX_SEEDS) throw new LabInputError(t("rangeSeeds"));
      },
    },
    lr: { input: $("lab-sweep-lr"), check: (v) => settingsOf({ lr: v }) },
    epochs: { input: $("lab-sweep-epochs"), check: (v) => settingsOf({ epochs: v }) },
  };
  SWEEP_FIELDS.seeds.input.value = String(SWEEP.seeds.length);
  SWEEP_FIELDS.lr.input.value = pyRepr(SWEEP.settings.lr);
  SWEEP_FIELDS.epochs.input.value = String(SWEEP.settings.epochs);
  let sweepJob = null;
  let lastSweep = null;

  function validateSweep() {
    const values = {};
    let ok = true;
    for (const [key, f] of Object.entries(SWEEP_FIELDS)) {
      const v = numberOf(f.input.value);
      let message = "";
      try {
        f.check(v);
      } catch (err) {
        message = messageOf(err);
        ok = false;
      }
      $(`${f.input.id}-error`).textContent = message;
      f.input.setAttribute("aria-invalid", message ? "true" : "false");
      values[key] = v;
    }
    return ok ? values : null;
  }
  for (const f of Object.values(SWEEP_FIELDS)) f.input.addEventListener("input", validateSweep);
  $("lab-sweep-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    sweepStart.click();
  });

  function sweepSeeds(count) {
    const seeds = SWEEP.seeds.slice(0, count);
    while (seeds.length < count) seeds.push(seeds.length ? seeds.at(-1) + 1 : 0);
    return seeds;
  }

  function setSweepRunning(running) {
    sweepCancel.setAttribute("aria-disabled", running ? "false" : "true");
    sweepStart.setAttribute("aria-disabled", running ? "true" : "false");
  }

  sweepStart.addEventListener("click", () => {
    if (sweepJob) return;
    const v = validateSweep();
    if (!v) return;
    const inits = SWEEP.combos, seeds = sweepSeeds(v.seeds);
    const S = SWEEP.settings;
    const opts = { lr: v.lr, epochs: v.epochs, batchSize: S.batch_size, hidden: S.num_hidden, every: S.every };
    const workers = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 2));
    // (seed, part of the initialisations) tasks, enough for the workers to share out evenly
    const parts = Math.min(9, Math.max(1, Math.ceil((4 * workers) / seeds.length)));
    const size = Math.ceil(inits.length / parts);
    const tasks = [];
    seeds.forEach((seed, k) => {
      for (let s = 0; s < inits.length; s += size) {
        tasks.push({ id: tasks.length, k, seed, start: s, inits: inits.slice(s, s + size), epochs: 0 });
      }
    });
    const job = {
      inits, seeds, opts, tasks, queue: [...tasks], finished: 0, workers: [], began: performance.now(),
      valR2: inits.map(() => new Array(seeds.length)), total: tasks.reduce((s, tk) => s + tk.inits.length, 0) * v.epochs,
      book: seeds.length === SWEEP.seeds.length && seeds.every((s, i) => s === SWEEP.seeds[i]) &&
        v.lr === SWEEP.settings.lr && v.epochs === SWEEP.settings.epochs,
    };
    sweepJob = job;
    setSweepRunning(true);
    progress.value = 0;
    const count = Math.min(workers, tasks.length);
    for (let i = 0; i < count; i++) {
      const worker = new Worker(new URL("./sweep-worker.js", import.meta.url), { type: "module" });
      worker.onmessage = (ev) => onWorkerMessage(job, worker, ev.data);
      worker.onerror = (ev) => endSweep(job, "failed", ev.message || "worker error");
      worker.onmessageerror = () => endSweep(job, "failed", "messageerror");
      job.workers.push(worker);
      feed(job, worker);
    }
    sweepProgress(job);
  });

  function feed(job, worker) {
    const task = job.queue.shift();
    if (!task) return;
    worker.task = task;
    worker.postMessage({ id: task.id, seed: task.seed, inits: task.inits, opts: job.opts });
  }

  function onWorkerMessage(job, worker, msg) {
    if (job !== sweepJob) return;
    const task = job.tasks[msg.id];
    if (msg.type === "progress") {
      task.epochs = msg.epochs;
    } else if (msg.type === "done") {
      task.epochs = job.opts.epochs;
      msg.valR2.forEach((r, i) => { job.valR2[task.start + i][task.k] = r; });
      job.finished++;
      if (job.finished === job.tasks.length) return endSweep(job, "done");
      feed(job, worker);
    } else if (msg.type === "error") {
      return endSweep(job, "failed", msg.message);
    }
    sweepProgress(job);
  }

  function sweepProgress(job) {
    const done = job.tasks.reduce((s, tk) => s + tk.inits.length * tk.epochs, 0);
    progress.value = done / job.total;
    $("lab-sweep-status").textContent = t("sweepRunning", {
      workers: job.workers.length, done: job.finished, total: job.tasks.length,
      percent: `${Math.floor((100 * done) / job.total)}%`,
    });
  }

  function endSweep(job, how, message = "") {
    if (job !== sweepJob) return;
    for (const w of job.workers) w.terminate();
    sweepJob = null;
    setSweepRunning(false);
    const statusEl = $("lab-sweep-status");
    if (how !== "done") {
      progress.value = 0;
      statusEl.textContent = how === "cancelled" ? t("sweepCancelled") : t("sweepFailed", { message });
      return;
    }
    progress.value = 1;
    const result = sweepResult(job.inits, job.seeds, job.valR2, SWEEP.threshold);
    lastSweep = { result, book: job.book };
    statusEl.textContent = t("sweepDone", {
      combos: job.inits.length, seeds: job.seeds.length, seconds: pyFixed((performance.now() - job.began) / 1000, 1),
    });
    renderHeatmap(lastSweep);
  }

  sweepCancel.addEventListener("click", () => {
    if (sweepJob) endSweep(sweepJob, "cancelled");
  });

  const VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"];

  function viridis(v) {
    const f = Math.max(0, Math.min(1, (v + 0.1) / 1.1)) * (VIRIDIS.length - 1); // the sweep figure's vmin -0.1, vmax 1
    const i = Math.min(VIRIDIS.length - 2, Math.floor(f)), u = f - i;
    const rgb = (hex) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));
    const a = rgb(VIRIDIS[i]), b = rgb(VIRIDIS[i + 1]);
    return a.map((x, k) => Math.round(x + (b[k] - x) * u));
  }

  function luminance(rgb) {
    const [r, g, b] = rgb.map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }

  const SHORT_OF = Object.fromEntries(Object.entries(D.shortKinds).map(([s, k]) => [k, s])); // zeros → 0

  function renderHeatmap({ result, book }) {
    const table = $("lab-heatmap");
    const kinds = SWEEP.kinds, k = kinds.length;
    const rows = kinds.flatMap((a) => kinds.map((b) => `W1=${SHORT_OF[a]}, B1=${SHORT_OF[b]}`));
    const cols = kinds.flatMap((a) => kinds.map((b) => [`W2=${SHORT_OF[a]}`, `B2=${SHORT_OF[b]}`]));
    const head = document.createElement("thead");
    const hr = head.insertRow();
    const corner = document.createElement("th");
    corner.scope = "col";
    corner.textContent = "W1, B1 \\ W2, B2";
    hr.append(corner);
    for (const [w, b] of cols) {
      const th = document.createElement("th");
      th.scope = "col";
      th.append(w, document.createElement("br"), b);
      hr.append(th);
    }
    const body = document.createElement("tbody");
    for (let r = 0; r < k * k; r++) {
      const tr = body.insertRow();
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = rows[r];
      tr.append(th);
      for (let c = 0; c < k * k; c++) {
        const row = result.rows[r * k * k + c];
        const td = tr.insertCell();
        const rgb = viridis(row.median);
        const L = luminance(rgb);
        td.style.background = `rgb(${rgb.join(", ")})`;
        td.style.color = (L + 0.05) / 0.05 >= 1.05 / (L + 0.05) ? "#000" : "#fff"; // the higher contrast
        td.dataset.init = row.init;
        td.dataset.median = String(row.median);
        td.dataset.lowest = String(row.lowest);
        td.append(pyFixed(row.median, 2), document.createElement("br"), `(${pyFixed(row.lowest, 2)})`);
      }
    }
    table.querySelectorAll("thead, tbody").forEach((e) => e.remove());
    table.append(head, body);

    const s = result.summary, f = (v) => pyFixed(v, 3);
    const items = ["broken", "symmetric", "dead"].map((name) => t(`sweep${name[0].toUpperCase()}${name.slice(1)}`, {
      combos: s[name].combos, training: s[name].combos_training,
      median: f(s[name].r2_median), min: f(s[name].r2_min), max: f(s[name].r2_max),
    }));
    items.push(t(result.condition_holds ? "sweepHolds" : "sweepFails", { threshold: pyG(result.threshold) }));
    if (book) items.push(t("sweepBook"));
    $("lab-sweep-summary").replaceChildren(...items.map((text) => {
      const li = document.createElement("li");
      li.textContent = text;
      return li;
    }));
  }

  // ================================================================ start

  applyRaw(readUrl());
  newRun(readControls());
  setSweepRunning(false);
  $("lab-sweep-status").textContent = t("sweepIdle");
  for (const el of document.querySelectorAll(".lab-interactive")) el.hidden = false;
  document.documentElement.classList.add("lab-ready");
}

// Only on the lab page itself (lab.md loads this module, but not on the print edition's page,
// print-site's print_page/, which carries a copy of its HTML with the inputs' ids renamed).
if (document.getElementById("lab-seed") && !document.getElementById("print-site-page")) main();
