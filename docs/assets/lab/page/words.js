// The lab's words: every text the page shows comes from docs/_partials/lab-text.toml (generated
// into ../generated/text.js), with its {placeholders} filled; errors of the engine (whose
// messages are nn7's English lines) are worded here from their fields, in Chinese.

import { REGISTRY } from "../generated/registry.js";
import { TEXT } from "../generated/text.js";
import { pyG } from "../numpy/printing.js";
import { pyStrRepr, quote, setting } from "../nn7/settings.js";

/** The text at a dotted path of the text file ("status.idle"), or undefined. */
export function lookup(path) {
  let node = TEXT;
  for (const part of path.split(".")) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, part)) return undefined;
    node = node[part];
  }
  return typeof node === "string" ? node : undefined;
}

/** `template` with each {name} replaced by values[name] (a missing value stays as written). */
export function fill(template, values = {}) {
  return template.replace(/\{(\w+)\}/g, (m, k) => (Object.hasOwn(values, k) ? String(values[k]) : m));
}

/** The text at `path`, filled. A missing text is a bug of the page: reported, and shown as nothing. */
export function say(path, values = {}) {
  const template = lookup(path);
  if (template === undefined) {
    console.error(`lab-text.toml has no text ${path}`);
    return "";
  }
  return fill(template, values);
}

/** A setting's label ("train", "lr" → 学习率). */
export const labelOf = (group, name) => say(`label.${group}.${name}`);

/** A kind of initialisation in words (zeros → 0, normal → 随机). */
export const kindWord = (kind) => say(`kind.${kind}`);

/** A case's label in the menu: its own from the text file, or one made from its initialisation. */
export function caseLabel(c, spec) {
  const own = lookup(`case.${c.name}`);
  if (own !== undefined) return own;
  const words = Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, kindWord(v)]));
  return say("case.other", { name: c.name, ...words });
}

/** A bad setting (a SettingError's fields) in words, with the same rule, limit and value as nn7's line. */
function settingMessage(error) {
  const label = labelOf(error.group, error.setting);
  const row = error.row;
  const bound = say(row.inclusive ? "bound.ge" : "bound.gt", { limit: pyG(row.minimum) });
  const limit = typeof error.limit === "number" ? pyG(error.limit) : error.limit;
  const values = { label, bound, limit, value: error.typed };
  if (error.rule === "syntax") return say(`rule.syntax_${row.kind}`, { ...values, value: quote(error.typed) });
  if (error.rule === "finite") return say("rule.finite", { ...values, value: quote(error.typed) });
  if (error.rule === "digits") return say("rule.digits", { ...values, digits: error.typed.replace(/^[+-]/, "").length });
  return say(`rule.${error.rule}`, values);
}

/** An error of the engine or of the page, in words; an unexpected one (a bug) is thrown on. */
export function messageOf(err) {
  const details = err?.details ?? {};
  switch (err?.code) {
    case "setting": // (from a worker: the fields only)
      return settingMessage({ ...details, row: err.setting ?? setting(details.group, details.setting) });
    case "init-empty": case "init-unknown": case "init-empty-item": case "init-item": case "init-kind": case "init-twice": {
      const valid = say("init.valid", { presets: details.presets.join("、") });
      const hint = details.close ? say("init.hint", { close: details.close }) : "";
      const quoted = (v) => (v === undefined ? "" : pyStrRepr(v)); // as nn7 quotes it, whole
      return say(`init.${err.code.slice(5).replace("-", "_")}`, {
        valid, hint, value: quoted(details.value), item: quoted(details.item), kind: quoted(details.kind), param: details.param ?? "",
      });
    }
    case "diverged": case "diverged-loss":
      return say(`run.${err.code.replace("-", "_")}`, { iteration: details.iteration, epoch: details.epoch, lr: pyG(details.lr) });
    default:
      throw err;
  }
}

/** What the page says about a part of its address it did not use (state.js's notes). */
export function addressNote(note) {
  if (note.code === "unknown") return say("address.unknown", { key: quote(note.key) });
  if (note.code === "repeated") return say("address.repeated", { key: note.key, count: note.count });
  return say("address.case", { value: quote(note.value), cases: REGISTRY.cases.map((c) => c.name).join("、") });
}
