// nn7.js: the chapter's 1-n-1 network in the browser, a mirror of the Python package nn7, one
// module per module of nn7 (./nn7/): the same formulas, data, initialisations, random numbers
// (NumPy's, bit for bit: ./numpy/) and printing, so that every number equals `python -m nn7`
// for the same arguments (tests/test_lab_engine.py holds them equal, run for run).
//
//   train(opts)         → {init, seed, settings, final, params, history}   (nn7 train --json)
//   createTrainer(opts) → a run that advances epoch by epoch
//   formatLog(result, accuracy) → the log lines                          (nn7 train)
//   trace(opts)         → the steps of nn7 trace --json;  formatTrace(steps) → nn7 trace
//   sweep(opts)         → per initialisation the median and lowest validation R² (nn7.sweep)
//
// opts are named as the table of settings names them (nn7.experiments.SETTINGS): init, seed,
// lr, epochs, batch, every, hidden.

export { REGISTRY } from "./generated/registry.js";
export { N_SAMPLES, N_TRAIN, SAMPLES, X_SCALER, Y_SCALER, Loader, variance } from "./nn7/data.js";
export { DivergenceError, Nn7Error, SettingError } from "./nn7/errors.js";
export { initName, initString, makeParams, parseInit, PRESETS } from "./nn7/inits.js";
export { accuracy } from "./nn7/metrics.js";
export { backward, forward, loss, update } from "./nn7/network.js";
export { nestedParams, PARAM_NAMES } from "./nn7/params.js";
export { streams } from "./nn7/rng.js";
export { checkSetting, parseSetting, quote, setting, SETTINGS, trainSettings } from "./nn7/settings.js";
export { classify, median, sweep, sweepOptions, sweepResult, sweepSeed } from "./nn7/sweep.js";
export { tanh } from "./nn7/tanh.js";
export { formatStep, formatTrace, trace } from "./nn7/trace.js";
export { ACCURACY_LABELS, createTrainer, formatLog, logLine, paramLines, predict, seedOf, train } from "./nn7/train.js";
