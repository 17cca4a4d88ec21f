// Lighthouse on several pages with one Chrome: the tests and `make bench` call it (through
// nn7_dev.lighthouse), never the site build or a reader.
//
//   node lighthouse-pages.mjs --chrome PATH [--categories accessibility,seo] [--throttling simulate|provided]
//                             [--reports DIR] [--no-waits] [--block PATTERN]… URL…
//
// Mobile profile (Lighthouse's default: a 412 px phone, simulated slow 4G and a 4x slower CPU).
// Prints one JSON object: {lighthouse: version, pages: [{url, categories: {id: score 0-100},
// metrics: {fcp_ms, lcp_ms, cls, tbt_ms, si_ms, weight_bytes}, failed: [{category, id, title,
// score, items}]}]}; `failed` lists every scored audit below 100 with a few of its items.
import {writeFileSync} from "node:fs";
import {join} from "node:path";

import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";

const args = process.argv.slice(2);
const opts = {chrome: undefined, categories: undefined, throttling: "simulate", reports: undefined, waits: true, blocked: []};
const urls = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--chrome") opts.chrome = args[++i];
  else if (a === "--categories") opts.categories = args[++i].split(",").filter(Boolean);
  else if (a === "--throttling") opts.throttling = args[++i];
  else if (a === "--reports") opts.reports = args[++i];
  else if (a === "--no-waits") opts.waits = false;
  else if (a === "--block") opts.blocked.push(args[++i]);
  else if (a.startsWith("--")) { console.error(`lighthouse-pages: unknown option ${a}`); process.exit(2); }
  else urls.push(a);
}
if (!urls.length) { console.error("lighthouse-pages: no URL given"); process.exit(2); }

const METRICS = {fcp_ms: "first-contentful-paint", lcp_ms: "largest-contentful-paint",
                 cls: "cumulative-layout-shift", tbt_ms: "total-blocking-time", si_ms: "speed-index",
                 weight_bytes: "total-byte-weight"};

function items(audit) {
  const d = audit.details || {};
  const list = d.items || [];
  return list.slice(0, 5).map((it) => {
    const node = it.node || (it.subItems && it.subItems.items && it.subItems.items[0] && it.subItems.items[0].relatedNode) || {};
    return node.snippet || node.selector || it.url || it.source?.url || it.description || JSON.stringify(it).slice(0, 200);
  });
}

const chrome = await chromeLauncher.launch({
  chromePath: opts.chrome,
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-extensions", "--no-first-run", "--disable-background-networking"],
});
const out = {lighthouse: null, pages: []};
try {
  for (const url of urls) {
    const flags = {port: chrome.port, output: "json", logLevel: "error", onlyCategories: opts.categories,
                   throttlingMethod: opts.throttling, disableFullPageScreenshot: true, blockedUrlPatterns: opts.blocked};
    if (!opts.waits) {
      Object.assign(flags, {pauseAfterFcpMs: 0, pauseAfterLoadMs: 0, networkQuietThresholdMs: 0,
                            cpuQuietThresholdMs: 0, skipAboutBlank: true});
    }
    const result = await lighthouse(url, flags);
    const lhr = result.lhr;
    if (opts.reports) writeFileSync(join(opts.reports, `page-${out.pages.length + 1}.json`), JSON.stringify(lhr));
    out.lighthouse = lhr.lighthouseVersion;
    const page = {url, final_url: lhr.finalDisplayedUrl, categories: {}, metrics: {}, failed: [],
                  runtime_error: lhr.runtimeError ? lhr.runtimeError.message : null,
                  warnings: lhr.runWarnings || []};
    for (const [id, cat] of Object.entries(lhr.categories)) {
      page.categories[id] = cat.score === null ? null : Math.round(cat.score * 100);
      for (const ref of cat.auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1 && id !== "performance") {
          page.failed.push({category: id, id: ref.id, title: audit.title, score: audit.score, items: items(audit)});
        }
      }
    }
    for (const [name, id] of Object.entries(METRICS)) {
      const audit = lhr.audits[id];
      page.metrics[name] = audit && typeof audit.numericValue === "number" ? audit.numericValue : null;
    }
    out.pages.push(page);
  }
} finally {
  await chrome.kill();
}
process.stdout.write(JSON.stringify(out) + "\n");
