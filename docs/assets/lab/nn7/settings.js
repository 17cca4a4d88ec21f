// nn7.settings: what a setting may be, read from typed text the same way as the command line
// (the same grammar, rules, limits and words; the rows come from nn7.experiments.SETTINGS via
// the generated registry), and TrainSettings, the five settings of a run.

import { REGISTRY } from "../generated/registry.js";
import { pyG } from "../numpy/printing.js";
import { Nn7Error, SettingError } from "./errors.js";

const TYPING = REGISTRY.typing;
const WHOLE = new RegExp(`^(?:${TYPING.whole})$`);
const NUMBER = new RegExp(`^(?:${TYPING.number})$`);
const NON_FINITE = new RegExp(`^(?:${TYPING.nonFinite})$`, "i");

/** Every setting of every surface (nn7.experiments.SETTINGS), in the table's order. */
export const SETTINGS = REGISTRY.settings;

/** The row of one setting: setting("train", "batch"). */
export function setting(group, name) {
  const row = SETTINGS.find((s) => s.group === group && s.name === name);
  if (!row) throw new Error(`no setting ${name} in ${group}`);
  return row;
}

export const settingsOf = (group) => SETTINGS.filter((s) => s.group === group);

/** `text` without the characters nn7.settings.SPACE at either end. */
export function strip(text) {
  let start = 0, end = text.length;
  while (start < end && TYPING.space.includes(text[start])) start++;
  while (end > start && TYPING.space.includes(text[end - 1])) end--;
  return text.slice(start, end);
}

const NON_PRINTABLE = /[\p{C}\p{Z}]/u; // Python's str.isprintable() is false for these (but " ")
const hex = (c, width) => c.toString(16).padStart(width, "0");

/** Python's repr() of a str. */
export function pyStrRepr(s) {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === q || ch === "\\") out += "\\" + ch;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + hex(c, 2);
    else if (c === 0x20 || !NON_PRINTABLE.test(ch)) out += ch;
    else if (c <= 0xff) out += "\\x" + hex(c, 2);
    else if (c <= 0xffff) out += "\\u" + hex(c, 4);
    else out += "\\U" + hex(c, 8);
  }
  return out + q;
}

/** A typed value in a message (nn7.settings.quote): its repr, cut after quoteChars characters. */
export function quote(text) {
  const chars = Array.from(text);
  return chars.length <= TYPING.quoteChars ? pyStrRepr(text) : pyStrRepr(chars.slice(0, TYPING.quoteChars).join("")) + "…";
}

const bound = (s) => `${s.inclusive ? ">=" : ">"} ${pyG(s.minimum)}`;
const note = (s) => (s.what ? ` (${s.what})` : "");
const kindWords = (s) => (s.kind === "whole" ? "a whole number" : "a number");

function fail(s, option, rule, reason, limit, typed) {
  throw new SettingError(s, option, rule, reason, limit, typed);
}

function checkRange(s, value, shown, option, pageMaximum) {
  if (value < s.minimum || (value == s.minimum && !s.inclusive)) { // == : a BigInt equals its Number
    fail(s, option, "low", `must be ${bound(s)}${note(s)}, got ${shown}`, s.minimum, shown);
  }
  if (s.maximum !== null && value > s.maximum) {
    fail(s, option, "high", `must be <= ${pyG(s.maximum)}${note(s)}, got ${shown}`, s.maximum, shown);
  }
  if (pageMaximum !== null && pageMaximum !== undefined && value > pageMaximum) {
    fail(s, option, "page", `must be <= ${pyG(pageMaximum)} on the lab's page${note(s)}, got ${shown}`, pageMaximum, shown);
  }
  return value;
}

/**
 * The value of typed `text` for the setting `s` (a row of SETTINGS), as nn7.settings.Rule.parse:
 * a Number, or a BigInt for a whole number beyond 2**53 (a seed). Throws a SettingError naming
 * `option`. `page`: apply the lab page's own limit too.
 */
export function parseSetting(s, text, { option = s.option ?? s.name, page = false } = {}) {
  const typed = strip(String(text));
  if (!(s.kind === "whole" ? WHOLE : NUMBER).test(typed)) {
    if (s.kind !== "whole" && NON_FINITE.test(typed)) {
      fail(s, option, "finite", `must be a finite number ${bound(s)}${note(s)}, got ${quote(typed)}`, s.minimum, typed);
    }
    fail(s, option, "syntax", `must be ${kindWords(s)} ${bound(s)}${note(s)}, got ${quote(typed)}`, s.minimum, typed);
  }
  let value;
  if (s.kind === "whole") {
    const digits = typed.replace(/^[+-]/, "").length;
    if (digits > TYPING.maxDigits) {
      fail(s, option, "digits", `must have at most ${TYPING.maxDigits} digits${note(s)}, got ${digits}`, TYPING.maxDigits, typed);
    }
    const big = BigInt(typed);
    value = big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  } else {
    value = Number(typed);
    if (!Number.isFinite(value)) {
      fail(s, option, "finite", `must be a finite number ${bound(s)}${note(s)}, got ${quote(typed)}`, s.minimum, typed);
    }
  }
  return checkRange(s, value, typed, option, page ? s.pageMaximum : null);
}

/** A value given in code (not typed): the same rules (nn7.settings.Rule.check). */
export function checkSetting(s, value, option = s.option ?? s.name) {
  const shown = String(value);
  const isNumber = typeof value === "number" || (typeof value === "bigint" && s.kind === "whole");
  if (!isNumber) fail(s, option, "syntax", `must be ${kindWords(s)} ${bound(s)}${note(s)}, got ${shown}`, s.minimum, shown);
  if (typeof value === "number" && !Number.isFinite(value)) {
    fail(s, option, "finite", `must be a finite number ${bound(s)}${note(s)}, got ${shown}`, s.minimum, shown);
  }
  if (s.kind === "whole" && typeof value === "number" && !Number.isInteger(value)) {
    fail(s, option, "syntax", `must be a whole number ${bound(s)}${note(s)}, got ${shown}`, s.minimum, shown);
  }
  return checkRange(s, value, shown, option, null);
}

/**
 * The engine's options are named as the table names the settings of `group` (its numbers and
 * its initialisation), plus `extra` (callbacks and the like): any other name is an error, not a
 * setting silently left at its default.
 */
export function checkOptions(opts, group, extra = []) {
  const known = [...settingsOf(group).filter((s) => ["number", "whole", "init"].includes(s.kind)).map((s) => s.name), ...extra];
  for (const key of Object.keys(opts)) {
    if (!known.includes(key)) throw new Nn7Error(`unknown option '${key}'; the options are ${known.join(", ")}`, "option", { key });
  }
}

const TRAIN = SETTINGS.filter((s) => s.group === "train" && s.attribute);

/**
 * nn7.settings.TrainSettings from options named as the table names them (lr, epochs, batch,
 * every, hidden; the book's values by default), checked: {lr, epochs, batch_size, every, num_hidden}.
 */
export function trainSettings(opts = {}) {
  const out = {};
  for (const s of TRAIN) {
    const value = checkSetting(s, opts[s.name] ?? s.default);
    out[s.attribute] = Number(value); // beyond 2**53 (a BigInt): as large a Number, the same run
  }
  return out;
}
