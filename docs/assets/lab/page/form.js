// A section's form, made from the table of settings: a field per setting the lab shows (a text
// box, or a menu when the page allows only a few values), the training form's case menu and
// the W1/B1/W2/B2 radio groups; labels, notes and messages from the text file. The form keeps
// texts: it neither checks nor runs anything (state.js checks, the sections run).

import { REGISTRY } from "../generated/registry.js";
import { initName, parseInit, PRESETS } from "../nn7/inits.js";
import { PARAM_NAMES } from "../nn7/params.js";
import { caseOfSpec, fieldSettings } from "./state.js";
import { caseLabel, kindWord, labelOf, lookup, say } from "./words.js";

const MAX_MENU = 16; // a whole number with at most this many allowed values is a menu

function element(tag, props = {}, ...children) {
  const el = Object.assign(document.createElement(tag), props);
  el.append(...children);
  return el;
}

/** An id for a setting's field: lab-seed, lab-sweep-epochs. */
export const fieldId = (group, name) => (group === "train" ? `lab-${name}` : `lab-${group}-${name}`);

function menuValues(s) {
  const top = s.pageMaximum ?? s.maximum;
  const low = s.inclusive ? s.minimum : s.minimum + 1;
  if (s.kind !== "whole" || top === null || top - low + 1 > MAX_MENU) return null;
  return Array.from({ length: top - low + 1 }, (_, i) => String(low + i));
}

/**
 * The form of `group` inside `container`. `onInput(name)` while typing, `onCommit(name)` when a
 * value is settled (change, Enter, a radio, the case menu).
 */
export function createForm(container, group, { onInput = () => {}, onCommit = () => {} } = {}) {
  const controls = new Map(); // name → {get(), set(text)}
  let initText = "";
  const errorOf = (name) => document.getElementById(`${fieldId(group, name)}-error`);

  const rows = { fields: element("div", { className: "lab-fields" }) };
  for (const s of fieldSettings(group)) {
    if (s.kind === "init") rows.init = initField();
    else rows.fields.append(numberField(s));
  }
  const caseRow = group === "train" && settingsHasCase() ? caseField() : null;
  container.replaceChildren(...[caseRow, rows.init, rows.fields].filter(Boolean));

  function settingsHasCase() {
    return REGISTRY.settings.some((s) => s.group === group && s.kind === "case" && s.lab);
  }

  function caseField() {
    const id = fieldId(group, "case");
    const select = element("select", { id });
    select.dataset.setting = `${group}.case`;
    select.append(new Option(say("case.custom"), ""));
    for (const c of REGISTRY.cases) select.append(new Option(caseLabel(c, parseInit(c.init)), c.name));
    const children = [element("label", { htmlFor: id, className: "lab-label", textContent: labelOf(group, "case") }), select];
    const note = lookup(`note.${group}.case`);
    if (note) {
      select.setAttribute("aria-describedby", `${id}-note`);
      children.push(element("span", { id: `${id}-note`, className: "lab-note", textContent: note }));
    }
    select.addEventListener("change", () => onCommit("case"));
    controls.set("case", { get: () => select.value, set: (v) => { select.value = v; } });
    return element("div", { className: "lab-row" }, ...children);
  }

  function initField() {
    const box = element("div", { className: "lab-inits" });
    box.dataset.setting = `${group}.init`;
    for (const name of PARAM_NAMES) {
      const set = element("fieldset", { className: "lab-seg" }, element("legend", { textContent: name }));
      set.dataset.param = name;
      for (const kind of REGISTRY.kinds) {
        const radio = element("input", { type: "radio", name: `lab-${name}`, value: kind });
        radio.addEventListener("change", () => {
          initText = initName(radiosSpec());
          syncCase();
          onCommit("init");
        });
        set.append(element("label", {}, radio, ` ${kindWord(kind)}`));
      }
      box.append(set);
    }
    const error = element("p", { id: `${fieldId(group, "init")}-error`, className: "lab-error" });
    error.setAttribute("aria-live", "polite");
    controls.set("init", { get: () => initText, set: (text) => { initText = text; syncRadios(); } });
    return element("div", {}, box, error);
  }

  function numberField(s) {
    const id = fieldId(group, s.name);
    const menu = menuValues(s);
    let input;
    if (menu) {
      input = element("select", { id, name: s.name });
      for (const v of menu) input.append(new Option(v, v));
      input.addEventListener("change", () => onCommit(s.name));
    } else {
      input = element("input", { id, name: s.name, type: "text", spellcheck: false });
      input.inputMode = s.kind === "whole" ? "numeric" : "decimal";
      input.addEventListener("input", () => onInput(s.name));
      input.addEventListener("change", () => onCommit(s.name));
      input.addEventListener("keydown", (ev) => {
        if (ev.key === "Enter") {
          ev.preventDefault();
          onCommit(s.name);
        }
      });
    }
    input.dataset.setting = `${s.group}.${s.name}`;
    const described = [];
    const parts = [element("label", { htmlFor: id, textContent: labelOf(group, s.name) }), input];
    const note = lookup(`note.${group}.${s.name}`);
    if (note) {
      parts.push(element("span", { id: `${id}-note`, className: "lab-note", textContent: note }));
      described.push(`${id}-note`);
    }
    const error = element("span", { id: `${id}-error`, className: "lab-error" });
    error.setAttribute("aria-live", "polite");
    parts.push(error);
    described.push(`${id}-error`);
    input.setAttribute("aria-describedby", described.join(" "));
    controls.set(s.name, {
      get: () => input.value,
      set: (text) => {
        if (menu) {
          input.querySelectorAll("option[data-extra]").forEach((o) => o.remove());
          if (![...input.options].some((o) => o.value === text)) { // a value from the address the menu lacks
            const extra = new Option(text, text);
            extra.dataset.extra = "";
            input.add(extra);
          }
        }
        input.value = text;
      },
    });
    return element("div", { className: "lab-field" }, ...parts);
  }

  function radiosSpec() {
    const spec = {};
    for (const name of PARAM_NAMES) spec[name] = container.querySelector(`input[name="lab-${name}"]:checked`)?.value ?? "zeros";
    return spec;
  }

  function currentSpec() {
    try {
      return parseInit(initText, PRESETS);
    } catch {
      return null;
    }
  }

  function syncRadios() {
    const spec = currentSpec(); // none checked for an initialisation nn7 refuses
    for (const radio of container.querySelectorAll('input[type="radio"]')) {
      radio.checked = radio.value === spec?.[radio.name.slice(4)];
    }
    syncCase();
  }

  function syncCase() {
    controls.get("case")?.set(caseOfSpec(currentSpec())?.name ?? "");
  }

  return {
    /** The texts of every field (the init as written: a preset's name or NAME=KIND pairs). */
    read() {
      return new Map(fieldSettings(group).map((s) => [s.name, controls.get(s.name).get()]));
    },
    write(texts) {
      for (const [name, text] of texts) controls.get(name)?.set(text);
    },
    caseChosen: () => controls.get("case")?.get() ?? "",
    /** Each field's message next to it ("" clears it), and aria-invalid on the field. */
    showErrors(errors) {
      for (const [name, message] of errors) {
        const error = errorOf(name);
        if (!error) continue;
        error.textContent = message;
        const field = document.getElementById(fieldId(group, name));
        if (field && name !== "init") field.setAttribute("aria-invalid", message ? "true" : "false");
      }
    },
    setRadio(param, kind) {
      const radio = container.querySelector(`input[name="lab-${param}"][value="${kind}"]`);
      radio.checked = true;
      radio.dispatchEvent(new Event("change"));
    },
  };
}
