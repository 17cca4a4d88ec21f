// Firefox for the tests, driven over WebDriver BiDi by puppeteer-core (no geckodriver, no
// browser download: Debian's firefox-esr). nn7_dev.engines starts this script and speaks to it in
// JSON lines: stdin gets {"id", "op", "args"}, stdout answers {"id", "ok": true, "value"} or
// {"id", "ok": false, "error"}. The first line on stdout is {"ready": true, "version": ...}.
//
//   node tools/node/firefox-driver.mjs /usr/bin/firefox-esr
//
// Ops work on pages named by number: open, goto, evaluate (a function's source and its
// arguments; its value must be JSON, nn7_dev.engines.IN_PAGE makes it so), click, fill (type in
// place of what the field holds, then Tab), select, url, errors (console errors and uncaught
// exceptions so far), close; and quit.

import readline from 'node:readline';
import puppeteer from 'puppeteer-core';

const executablePath = process.argv[2];
if (!executablePath) {
  console.error('usage: node firefox-driver.mjs FIREFOX');
  process.exit(2);
}

const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath,
  headless: true,
  protocolTimeout: 600_000,
  extraPrefsFirefox: {
    'dom.serviceWorkers.enabled': false,  // as the Chromium tests block them
    'network.proxy.type': 0,
  },
});

const pages = new Map();
let nextPage = 1;

const ops = {
  async open() {
    const page = await browser.newPage();
    const id = nextPage++;
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => errors.push(`exception: ${e.message}`));
    pages.set(id, {page, errors});
    return id;
  },
  async goto(id, url) {
    await get(id).page.goto(url, {waitUntil: 'load', timeout: 60_000});
  },
  async evaluate(id, source, ...args) {  // the function `source` applied to `args`, in the page
    return get(id).page.evaluate((src, a) => (0, eval)(`(${src})`)(...a), source, args);
  },
  async click(id, selector) {
    await get(id).page.click(selector);
  },
  async fill(id, selector, value) {
    const {page} = get(id);
    await page.$eval(selector, (el) => { el.focus(); el.select(); });  // typing replaces what it holds
    await page.keyboard.type(value);
    await page.keyboard.press('Tab');  // commits (change event)
  },
  async select(id, selector, value) {
    await get(id).page.select(selector, value);
  },
  async url(id) {
    return get(id).page.url();
  },
  async errors(id) {
    return get(id).errors.slice();
  },
  async close(id) {
    await get(id).page.close();
    pages.delete(id);
  },
};

function get(id) {
  const entry = pages.get(id);
  if (!entry) throw new Error(`no page ${id}`);
  return entry;
}

function send(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

send({ready: true, version: await browser.version()});

const lines = readline.createInterface({input: process.stdin});
for await (const line of lines) {
  if (!line.trim()) continue;
  const {id, op, args = []} = JSON.parse(line);
  if (op === 'quit') break;
  try {
    if (!(op in ops)) throw new Error(`unknown op ${op}`);
    send({id, ok: true, value: (await ops[op](...args)) ?? null});
  } catch (err) {
    send({id, ok: false, error: String(err && err.message || err)});
  }
}
await browser.close();
process.exit(0);
