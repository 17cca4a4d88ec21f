// The command lines the page shows ("复现这次运行的命令"): `python -m nn7 train` / `trace` with an
// option for every setting given, in the table's order, each named as the table names it on
// the command line. Pure functions, tested directly (and the page's lines are run by the tests).

import { initName } from "../nn7/inits.js";
import { settingsOf } from "../nn7/settings.js";
import { pyRepr } from "../numpy/printing.js";

const PLAIN = /^[A-Za-z0-9_.,=+-]+$/;

/** A word for a POSIX shell: as it is when plain, else in single quotes. */
export function shellWord(text) {
  return PLAIN.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/** An option's argument: what nn7 reads back as the same value (or the text as typed when invalid). */
function argument(s, given) {
  if (given.value === undefined) return shellWord(String(given.text));
  if (s.kind === "init") return initName(given.value);
  if (s.kind === "number") return pyRepr(given.value);
  if (s.kind === "samples") return given.value.map(([x, y]) => `${pyRepr(x)},${pyRepr(y)}`);
  return String(given.value);
}

/**
 * `python -m nn7 COMMAND` with the settings in `given` (a Map name → {text, value}; value
 * undefined when the text is not valid), in the order of the table's group COMMAND.
 */
export function commandLine(command, given) {
  const words = ["python", "-m", "nn7", command];
  for (const s of settingsOf(command)) {
    if (!s.option || !given.has(s.name)) continue;
    const arg = argument(s, given.get(s.name));
    for (const a of Array.isArray(arg) ? arg : [arg]) words.push(s.option, a);
  }
  return words.join(" ");
}
