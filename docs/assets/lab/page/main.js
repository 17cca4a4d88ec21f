// main.js: the 动手实验室 page (docs/ch7/lab.md), wired from its sections:
//   training.js (the form, the run, its charts and texts), single-step.js, sweep-section.js and
//   guide.js; the settings live in the address (state.js): a settled change is a new history
//   entry, back and forward restore the form, and what an address holds that the page does not
//   use is said on the page. Every text is from docs/_partials/lab-text.toml (words.js).

import { createGuide } from "./guide.js";
import { createSingleStep } from "./single-step.js";
import { fromQuery, queryOfTexts } from "./state.js";
import { createSweepSection } from "./sweep-section.js";
import { nextFrame, nextTask } from "./tasks.js";
import { createTraining } from "./training.js";
import { addressNote } from "./words.js";

// Loading is a series of short tasks (tasks.js): the sections are made, shown one per frame
// (each laid out in a frame of its own), then the run is made and its charts drawn one per task.
async function main() {
  const notes = document.getElementById("lab-address-notes");
  const urlOf = (texts) => `${location.pathname}?${queryOfTexts(texts)}${location.hash}`;
  const readAddress = () => {
    const address = fromQuery(location.search);
    notes.replaceChildren(...address.notes.map((n) => Object.assign(document.createElement("li"), { textContent: addressNote(n) })));
    notes.hidden = address.notes.length === 0;
    return address;
  };

  let steps = null, guide = null;
  const training = createTraining({
    onCommit: (texts) => history.pushState(null, "", urlOf(texts)),
    onNewRun: () => steps?.reset(),
    onChange: () => guide?.update(),
  });
  await nextTask();
  steps = createSingleStep({ training });
  guide = createGuide({ training });
  createSweepSection();
  window.addEventListener("popstate", () => training.apply(readAddress().texts));

  const { texts, hasCase } = readAddress();
  training.fill(texts);
  for (const el of document.querySelectorAll(".lab-interactive")) {
    el.hidden = false;
    await nextFrame();
  }
  await training.load();
  if (hasCase) history.replaceState(null, "", urlOf(texts)); // a case's link: the address says what it set
  document.documentElement.classList.add("lab-ready");
}

// Only on the lab page itself, not on the print edition's copy of its HTML (print_page/).
if (document.getElementById("lab-form") && !document.getElementById("print-site-page")) main();
