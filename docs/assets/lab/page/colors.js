// Colours of the lab: the charts' palette (Material's light or dark scheme) and the heatmap's
// viridis scale with a readable text colour on each cell. Pure functions, tested directly.

// The sweep figure's colour map (matplotlib's viridis, 10 stops) and its range, vmin −0.1 to vmax 1.
const VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"];
export const HEATMAP_RANGE = [-0.1, 1];

const rgbOf = (hex) => [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16));

/** viridis at v (clipped to HEATMAP_RANGE), as [r, g, b]; NaN is the lowest colour. */
export function viridis(v) {
  const [lo, hi] = HEATMAP_RANGE;
  const t = Number.isNaN(v) ? 0 : Math.max(0, Math.min(1, (v - lo) / (hi - lo)));
  const f = t * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(f)), u = f - i;
  const a = rgbOf(VIRIDIS[i]), b = rgbOf(VIRIDIS[i + 1]);
  return a.map((x, k) => Math.round(x + (b[k] - x) * u));
}

/** The relative luminance of an sRGB colour (WCAG 2). */
export function luminance(rgb) {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Black or white, whichever has the higher contrast on `rgb`. */
export function textOn(rgb) {
  const L = luminance(rgb);
  return (L + 0.05) / 0.05 >= 1.05 / (L + 0.05) ? "#000" : "#fff";
}

/** The contrast ratio of two colours (WCAG 2). */
export function contrast(a, b) {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/**
 * The charts' colours for the light or the dark scheme; `css(name)` reads a CSS variable of
 * Material's palette ("" when unset) and `font` is the page's font.
 */
export function palette(dark, css = () => "", font = "sans-serif") {
  const v = (name, fallback) => css(name) || fallback;
  return {
    fg: v("--md-default-fg-color", dark ? "#e2e4e9" : "#000000de"),
    light: v("--md-default-fg-color--light", dark ? "#e2e4e99e" : "#0000008a"),
    grid: v("--md-default-fg-color--lightest", dark ? "#e2e4e91f" : "#00000012"),
    font,
    train: dark ? "#7cb7ff" : "#1f5fa8",
    val: dark ? "#ffab5e" : "#b84f00",
    samples: dark ? "rgba(124, 183, 255, 0.5)" : "rgba(31, 95, 168, 0.4)",
    fit: dark ? "#ff7b72" : "#c8102e",
    units: dark
      ? ["#7cb7ff", "#ffab5e", "#7fd67f", "#ff7b72", "#c9a2ff", "#e0a890", "#ff8fd1", "#d4d46a"]
      : ["#1f5fa8", "#b84f00", "#2a7d2a", "#c8102e", "#7b4fb0", "#8c564b", "#b5177f", "#5f6b00"],
  };
}

/** How many hidden units the charts tell apart by colour (the lab's limit on hidden units). */
export const UNIT_COLOURS = palette(false).units.length;
