// 先试这三步: a short path through the lab, written in lab.md (#lab-guide: one <li> per step,
// data-case, data-param and data-kind saying what the step sets). Each step's button puts the
// page in that step's state (the form, the address, the run); a step is marked done once the
// page has been in the state it asks for, however the reader got there.

import { initString, parseInit } from "../nn7/inits.js";
import { say } from "./words.js";

export function createGuide({ training }) {
  const list = document.getElementById("lab-guide");
  if (!list) return { update() {} };
  const steps = [...list.querySelectorAll("li[data-step]")];
  const status = document.getElementById("lab-guide-status");
  let looked = false;
  const reached = new Set(); // the steps whose state the page has been in

  const caseSpec = (li) => parseInit(li.dataset.case);
  const changed = (li) => ({ ...caseSpec(li), [li.dataset.param]: li.dataset.kind });
  const currentInit = () => {
    const values = training.values();
    return values ? initString(values.get("init")) : null;
  };
  const trained = () => training.status() === "done";

  const done = {
    case: (li) => trained() && currentInit() === initString(caseSpec(li)),
    look: () => looked,
    change: (li) => trained() && currentInit() === initString(changed(li)),
  };

  const act = {
    case(li) {
      training.chooseCase(li.dataset.case);
      training.setSpeed("fast");
      training.start();
    },
    look() {
      looked = true;
      const target = document.getElementById("lab-distinct");
      target.scrollIntoView({ block: "center" });
      target.focus({ preventScroll: true });
      update();
    },
    change(li) {
      if (currentInit() !== initString(caseSpec(li))) training.chooseCase(li.dataset.case);
      training.setRadio(li.dataset.param, li.dataset.kind);
      training.setSpeed("fast");
      training.start();
    },
  };

  function update() {
    let next = -1;
    steps.forEach((li, i) => {
      if (done[li.dataset.step](li)) reached.add(li);
      const ok = reached.has(li);
      li.dataset.done = ok ? "true" : "false";
      li.querySelector(".lab-guide-done").textContent = ok ? say("guide.done") : "";
      if (!ok && next < 0) next = i;
    });
    steps.forEach((li, i) => (i === next ? li.setAttribute("aria-current", "step") : li.removeAttribute("aria-current")));
    status.textContent = next < 0 ? say("guide.finished") : say("guide.next", { k: next + 1 });
  }

  for (const li of steps) {
    li.append(Object.assign(document.createElement("span"), { className: "lab-guide-done" }));
    li.querySelector("button").addEventListener("click", () => act[li.dataset.step](li));
  }
  update();
  return { update };
}
