// nn7.metrics: accuracies from the loss (7.4.4, half the mean squared error). R² = 1 − 2·loss/var(y)
// = 1 − mean((z−y)²)/var(y), which a constant prediction scores 0; the printed book's accu =
// 1 − loss/var(y), which a constant prediction scores 0.5.

import { Nn7Error } from "./errors.js";

export const ACCURACY_KINDS = ["r2", "book"];

export function accuracy(lossValue, varY, kind = "r2") {
  if (kind === "r2") return 1 - 2 * lossValue / varY;
  if (kind === "book") return 1 - lossValue / varY;
  throw new Nn7Error(`unknown accuracy '${kind}'; choose from ${ACCURACY_KINDS.join(", ")}`);
}
