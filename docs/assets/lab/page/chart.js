// One chart on a <canvas>, drawn from a plain description of its data:
//
//   { x: [lo, hi], y: [lo, hi], log, xLabel, yLabel,
//     lines: [{x, y, color, width}], points: {x, y, color} }
//
// axes with ticks and labels (scale.js), lines and points clipped to the plot area, at the
// device's pixel ratio. Nothing else: what to draw is the caller's (training-view.js).

import { logTicks, niceTicks, tickLabel } from "./scale.js";

function lineTo(ctx, x, y, pen) {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false; // a gap (log of a non-positive value, inf)
  const clamped = Math.max(-1e4, Math.min(1e4, y));
  if (pen) ctx.lineTo(x, clamped);
  else ctx.moveTo(x, clamped);
  return true;
}

/** Fit the canvas's pixels to its box; its 2D context with CSS pixels as units, or null if it has no size. */
function prepare(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (w === 0 || h === 0) return null;
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return { ctx, w, h };
}

export function clearChart(canvas) {
  canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
}

export function drawChart(canvas, spec, colors) {
  const prepared = prepare(canvas);
  if (!prepared) return;
  const { ctx, w, h } = prepared;
  const small = w < 260;
  const fontPx = small ? 10 : 12;
  ctx.font = `${fontPx}px ${colors.font}`;
  const margin = { left: small ? 40 : 52, right: 8, top: 8, bottom: small ? 30 : 36 };
  if (spec.yLabel) margin.left += fontPx + 4;
  const plotW = w - margin.left - margin.right, plotH = h - margin.top - margin.bottom;
  if (plotW < 20 || plotH < 20) return;
  const toAxis = (v) => (spec.log ? Math.log10(v) : v);
  const [x0, x1] = spec.x, [y0, y1] = [toAxis(spec.y[0]), toAxis(spec.y[1])];
  const X = (v) => margin.left + ((v - x0) / (x1 - x0 || 1)) * plotW;
  const Y = (v) => margin.top + plotH - ((toAxis(v) - y0) / (y1 - y0 || 1)) * plotH;

  // grid and ticks
  ctx.strokeStyle = colors.grid;
  ctx.fillStyle = colors.light;
  ctx.lineWidth = 1;
  ctx.textBaseline = "middle";
  ctx.textAlign = "right";
  let yTicks;
  if (spec.log) {
    yTicks = logTicks(y0, y1);
  } else {
    const { ticks, step } = niceTicks(spec.y[0], spec.y[1], Math.max(2, Math.min(5, Math.floor(plotH / 28))));
    yTicks = ticks.map((v) => ({ v, label: tickLabel(v, step) }));
  }
  for (const { v, label } of yTicks) {
    const y = Math.round(Y(v)) + 0.5;
    ctx.globalAlpha = label ? 1 : 0.5;
    ctx.beginPath();
    ctx.moveTo(margin.left, y);
    ctx.lineTo(margin.left + plotW, y);
    ctx.stroke();
    ctx.globalAlpha = 1;
    if (label) ctx.fillText(label, margin.left - 4, y);
  }
  const { ticks: xTicks, step: xStep } = niceTicks(x0, x1, Math.max(3, Math.min(6, Math.floor(plotW / 60))));
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const v of xTicks) {
    const x = Math.round(X(v)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, margin.top);
    ctx.lineTo(x, margin.top + plotH);
    ctx.stroke();
    const label = tickLabel(v, xStep), half = ctx.measureText(label).width / 2;
    ctx.fillText(label, Math.min(w - half - 1, Math.max(half + 1, x)), margin.top + plotH + 4); // inside the canvas
  }
  ctx.strokeStyle = colors.light;
  ctx.strokeRect(margin.left + 0.5, margin.top + 0.5, plotW - 1, plotH - 1);
  ctx.fillStyle = colors.fg;
  ctx.textBaseline = "bottom";
  ctx.fillText(spec.xLabel, margin.left + plotW / 2, h - 1);
  if (spec.yLabel) {
    ctx.save();
    ctx.translate(fontPx, margin.top + plotH / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle";
    ctx.fillText(spec.yLabel, 0, 0);
    ctx.restore();
  }

  // the data, clipped to the plot area
  ctx.save();
  ctx.beginPath();
  ctx.rect(margin.left, margin.top, plotW, plotH);
  ctx.clip();
  if (spec.points) {
    ctx.fillStyle = spec.points.color;
    const { x, y } = spec.points;
    for (let i = 0; i < x.length; i++) ctx.fillRect(X(x[i]) - 1.25, Y(y[i]) - 1.25, 2.5, 2.5);
  }
  ctx.lineJoin = "round";
  for (const line of spec.lines ?? []) {
    const n = line.x.length;
    if (n === 0) continue;
    const stride = Math.max(1, Math.floor(n / (2 * plotW))); // at most two points per pixel column
    ctx.strokeStyle = line.color;
    ctx.lineWidth = line.width ?? 1.5;
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < n; i += stride) {
      pen = lineTo(ctx, X(line.x[i]), Y(line.y[i]), pen);
      if (i + stride >= n && i !== n - 1) pen = lineTo(ctx, X(line.x[n - 1]), Y(line.y[n - 1]), pen);
    }
    if (n === 1) ctx.arc(X(line.x[0]), Y(line.y[0]), ctx.lineWidth, 0, 2 * Math.PI);
    ctx.stroke();
  }
  ctx.restore();
}
