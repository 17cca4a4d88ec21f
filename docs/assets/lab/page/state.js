// The lab's settings as texts (what the fields and the address hold), from the table of
// settings: their defaults, a case's, what an address gives, and checking them into values
// with a message per field. Pure functions (no page), tested directly by tests/test_lab_pure.py.

import { REGISTRY } from "../generated/registry.js";
import { initString, parseInit } from "../nn7/inits.js";
import { parseSetting, settingsOf } from "../nn7/settings.js";
import { pyRepr } from "../numpy/printing.js";
import { readQuery, queryOf } from "./url.js";
import { messageOf } from "./words.js";

/** The settings a section of the lab shows as fields (the case menu aside), in the table's order. */
export const fieldSettings = (group) => settingsOf(group).filter((s) => s.lab && s.kind !== "case");
/** The keys the lab's address may hold, and those it writes (all but "case", which it reads only). */
export const ADDRESS_KEYS = settingsOf("train").filter((s) => s.url).map((s) => s.name);
export const STATE_KEYS = fieldSettings("train").filter((s) => s.url).map((s) => s.name);

/** A value as the fields hold it: a number the way Python writes it back. */
export function textOf(s, value) {
  return s.kind === "number" ? pyRepr(value) : String(value);
}

/** The texts of a section's fields with their defaults. */
export function defaults(group) {
  return new Map(fieldSettings(group).map((s) => [s.name, textOf(s, s.default)]));
}

/** The training form's texts for a case of the registry: its initialisation, seed and settings. */
export function caseTexts(c) {
  const texts = new Map();
  for (const s of fieldSettings("train")) {
    if (s.name === "init") texts.set("init", c.name);
    else if (s.name === "seed") texts.set("seed", String(c.seed));
    else if (s.attribute) texts.set(s.name, textOf(s, c.settings[s.attribute]));
  }
  return texts;
}

export const findCase = (name) => REGISTRY.cases.find((c) => c.name === name);

/** The case whose initialisation `spec` is (the menu shows it), or undefined. */
export const caseOfSpec = (spec) => (spec ? REGISTRY.cases.find((c) => c.init === initString(spec)) : undefined);

/**
 * The training form's texts from an address's query: the defaults, a case's (case=NAME), then
 * each key given; and notes on what was not used (an unknown key, a repeated one, an unknown case).
 */
export function fromQuery(search) {
  const { values, notes } = readQuery(search, ADDRESS_KEYS);
  let texts = defaults("train");
  if (values.has("case")) {
    const chosen = findCase(values.get("case"));
    if (chosen) texts = caseTexts(chosen);
    else notes.push({ code: "case", key: "case", value: values.get("case") });
  }
  for (const key of STATE_KEYS) if (values.has(key)) texts.set(key, values.get(key));
  return { texts, notes, hasCase: values.has("case") };
}

/** The query the address gets for the form's texts. */
export const queryOfTexts = (texts) => queryOf(texts, STATE_KEYS);

/**
 * Check a section's texts: { values: Map name → value (a spec for init), errors: Map name →
 * message or "", ok }. The rules and limits are nn7's (and the page's own limits).
 */
export function check(group, texts) {
  const values = new Map(), errors = new Map();
  for (const s of fieldSettings(group)) {
    const text = texts.get(s.name) ?? "";
    try {
      values.set(s.name, s.kind === "init" ? parseInit(text) : parseSetting(s, text, { page: true }));
      errors.set(s.name, "");
    } catch (err) {
      errors.set(s.name, messageOf(err));
    }
  }
  return { values, errors, ok: [...errors.values()].every((m) => m === "") };
}

/** The engine's options for checked values (the init as typed: the engine reads it the same way). */
export function optionsOf(texts, values) {
  const opts = {};
  for (const [name, value] of values) opts[name] = name === "init" ? texts.get("init") : value;
  return opts;
}
