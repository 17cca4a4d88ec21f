// nn7.inits (and nn7.experiments.parse_init): initialisations. Each of W1, B1, W2, B2 is
// zeros, ones or normal, written as a preset or a case's name (nn7.experiments.presets()) or
// as NAME=KIND pairs; a bad one is nn7's message, word for word, with its fields in `details`.

import { REGISTRY } from "../generated/registry.js";
import { closeMatch } from "./difflib.js";
import { Nn7Error } from "./errors.js";
import { PARAM_NAMES } from "./params.js";
import { pyStrRepr } from "./settings.js";

const KINDS = REGISTRY.kinds; // zeros, ones, normal
const SHORT = REGISTRY.shortKinds; // "0" → zeros, "1" → ones, "n" → normal
export const PRESETS = REGISTRY.presets; // every preset and case → its initialisation

// Python's whitespace (str.split, str.strip), which is not JavaScript's \s.
const PY_SPACE = "\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" +
  "\u2009\u200a\u2028\u2029\u202f\u205f\u3000";
const pyStrip = (s) => {
  let a = 0, b = s.length;
  while (a < b && PY_SPACE.includes(s[a])) a++;
  while (b > a && PY_SPACE.includes(s[b - 1])) b--;
  return s.slice(a, b);
};
const pySplitJoin = (s) => pyStrip(s).split(new RegExp(`[${PY_SPACE}]+`)).filter(Boolean).join(" ");

/** A preset's or case's name, or NAME=KIND pairs → {W1, B1, W2, B2}, as InitSpec.parse. */
export function parseInit(text, presets = PRESETS) {
  text = String(text);
  const original = pySplitJoin(text);
  text = pyStrip(text);
  if (Object.hasOwn(presets, text.toLowerCase())) text = presets[text.toLowerCase()];
  const names = Object.keys(presets);
  const valid = `use a preset (${names.join(", ")}) or NAME=KIND pairs such as ` +
    `W1=normal,B2=ones with NAME in ${PARAM_NAMES.join("/")} and KIND in ${KINDS.join("/")} (or 0/1/n)`;
  const fail = (message, code, details) => {
    throw new Nn7Error(message, code, { ...details, presets: names });
  };
  if (!text) fail(`empty initialisation: ${valid}`, "init-empty", {});
  if (!text.includes("=")) {
    const close = closeMatch(text.toLowerCase(), names);
    const hint = close ? `did you mean ${close}? ` : "";
    fail(`unknown initialisation ${pyStrRepr(original)}: ${hint}${valid}`, "init-unknown", { value: original, close });
  }
  const spec = { W1: "zeros", B1: "zeros", W2: "zeros", B2: "zeros" };
  const seen = new Set();
  for (const part of text.split(",")) {
    const at = part.indexOf("=");
    const rawName = pyStrip(at < 0 ? part : part.slice(0, at));
    const typed = at < 0 ? "" : pyStrip(part.slice(at + 1));
    const name = rawName.toUpperCase();
    if (!pyStrip(part)) fail(`empty item in initialisation ${pyStrRepr(original)} (two commas in a row?): ${valid}`, "init-empty-item", { value: original });
    if (at < 0 || !PARAM_NAMES.includes(name)) {
      fail(`bad initialisation item ${pyStrRepr(pySplitJoin(part))}: ${valid}`, "init-item", { item: pySplitJoin(part) });
    }
    let kind = typed.toLowerCase();
    kind = Object.hasOwn(SHORT, kind) ? SHORT[kind] : kind;
    if (!KINDS.includes(kind)) {
      fail(`unknown initialisation ${pyStrRepr(pySplitJoin(typed))} for ${name}: ${valid}`, "init-kind", { kind: pySplitJoin(typed), param: name });
    }
    if (seen.has(name)) fail(`${name} is given twice in initialisation ${pyStrRepr(original)}`, "init-twice", { param: name, value: original });
    seen.add(name);
    spec[name] = kind;
  }
  return spec;
}

/** The canonical spec string, as str(InitSpec): "W1=normal,B1=zeros,W2=zeros,B2=zeros". */
export function initString(spec) {
  return PARAM_NAMES.map((n) => `${n}=${spec[n]}`).join(",");
}

/** The name nn7 prints for an initialisation: a preset's (or case's) if one has it, else the spec. */
export function initName(spec) {
  const s = initString(spec);
  return Object.keys(PRESETS).find((p) => PRESETS[p] === s) ?? s;
}

/**
 * The initial W1 (1,n), B1 (1,n), W2 (n,1), B2 (1,1) as flat Float64Arrays, drawn from the
 * run's init stream in the order W1, B1, W2, B2 (nn7.inits.make_params).
 */
export function makeParams(spec, initRng, numHidden) {
  const sizes = { W1: numHidden, B1: numHidden, W2: numHidden, B2: 1 };
  const p = {};
  for (const name of PARAM_NAMES) {
    const kind = spec[name];
    if (kind === "zeros") p[name] = new Float64Array(sizes[name]);
    else if (kind === "ones") p[name] = new Float64Array(sizes[name]).fill(1);
    else p[name] = Float64Array.from(initRng.normal(sizes[name]));
  }
  return p;
}
