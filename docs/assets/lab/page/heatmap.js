// The sweep's result as a table coloured like the extension page's heatmap: a row per (W1, B1),
// a column per (W2, B2), each cell the median validation R² over the seeds with the lowest in
// brackets, its colour from viridis and its text black or white, whichever reads better.

import { REGISTRY } from "../generated/registry.js";
import { pyFixed } from "../numpy/printing.js";
import { textOn, viridis } from "./colors.js";
import { say } from "./words.js";

const SHORT_OF = Object.fromEntries(Object.entries(REGISTRY.shortKinds).map(([s, k]) => [k, s])); // zeros → 0

export function renderHeatmap(table, result) {
  const kinds = REGISTRY.sweep.kinds, size = kinds.length ** 2; // rows and columns
  const rows = kinds.flatMap((a) => kinds.map((b) => `W1=${SHORT_OF[a]}, B1=${SHORT_OF[b]}`));
  const cols = kinds.flatMap((a) => kinds.map((b) => [`W2=${SHORT_OF[a]}`, `B2=${SHORT_OF[b]}`]));
  const head = document.createElement("thead");
  const headRow = head.insertRow();
  const corner = Object.assign(document.createElement("th"), { scope: "col", textContent: say("heatmap.corner") });
  headRow.append(corner);
  for (const [w, b] of cols) {
    const th = Object.assign(document.createElement("th"), { scope: "col" });
    th.append(w, document.createElement("br"), b);
    headRow.append(th);
  }
  const body = document.createElement("tbody");
  for (let r = 0; r < size; r++) {
    const tr = body.insertRow();
    tr.append(Object.assign(document.createElement("th"), { scope: "row", textContent: rows[r] }));
    for (let c = 0; c < size; c++) {
      const row = result.rows[r * size + c];
      const cell = tr.insertCell(), rgb = viridis(row.median);
      cell.style.background = `rgb(${rgb.join(", ")})`;
      cell.style.color = textOn(rgb);
      cell.dataset.init = row.init;
      cell.dataset.median = String(row.median);
      cell.dataset.lowest = String(row.lowest);
      cell.title = say("heatmap.cell", { row: rows[r], col: cols[c].join(", "), median: pyFixed(row.median, 3), min: pyFixed(row.lowest, 3) });
      cell.append(pyFixed(row.median, 2), document.createElement("br"), `(${pyFixed(row.lowest, 2)})`);
    }
  }
  table.querySelectorAll("thead, tbody").forEach((e) => e.remove());
  table.append(head, body);
}
