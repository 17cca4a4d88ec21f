/*
 * Substring search for Material for MkDocs: a classic web worker that replaces Material's
 * lunr worker (configured by overrides/main.html as the `search` URL of `__config`).
 *
 * Why: lunr matches whole tokens, and Chinese has no spaces between words, so a word that is
 * part of a longer one (矩阵 in 权重矩阵, 传播 in 反向传播) was never found.  Here a query term
 * matches wherever it occurs in the text a reader sees.
 *
 * Protocol (Material's SearchMessage): {type: SETUP=0, data: {config, docs, options}} is
 * answered with {type: READY=1}; {type: QUERY=2, data: "raw query"} with
 * {type: RESULT=3, data: {items}}, where items holds one group per page:
 * [pageDoc, ...sectionDocs], each doc {location, title, text, score, terms}.
 *
 * Matching: the visible text of a doc's title and text (tags dropped, entities decoded,
 * zero-width characters removed, whitespace runs collapsed to one space, Latin letters
 * compared case-insensitively).  The query is split on whitespace into terms; a page matches
 * when its docs together contain every term; the sections shown are those containing every
 * term (or, when the terms are spread over several sections, those containing any term).
 *
 * Ranking: a doc scores 1000 per term found in its title plus the number of occurrences of
 * the terms (title and text, at most 999); the page doc carries the best score of its page,
 * so Material shows its best section(s) right under the page title and folds the rest.
 * Pages are ordered by: some doc contains every term, best score, occurrences over the
 * whole page, index order.
 *
 * Highlighting: every occurrence is wrapped in <mark data-md-highlight>; marks are inserted
 * into text only (never inside a tag or an entity); an occurrence that spans inline markup is
 * marked piece by piece.  The HTML is otherwise returned unchanged.
 *
 * Only plain JavaScript: no import, no request.  `self.nn7Search` exposes the functions for
 * tests.
 */
"use strict";

const SETUP = 0;
const READY = 1;
const QUERY = 2;
const RESULT = 3;

const TITLE_WEIGHT = 1000;
const MAX_OCCURRENCES = 999;
const MARK_OPEN = "<mark data-md-highlight>";
const MARK_CLOSE = "</mark>";

// Characters a reader does not see: removed before matching (jieba's U+200B among them).
const INVISIBLE = /[\u00ad\u200b\u200c\u200d\u2060\ufeff]/;
const SPACE = /\s/;

const NAMED_ENTITIES = {
  amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0", para: "\u00b6",
  shy: "\u00ad", copy: "\u00a9", reg: "\u00ae", hellip: "\u2026", mdash: "\u2014",
  ndash: "\u2013", times: "\u00d7", middot: "\u00b7", laquo: "\u00ab", raquo: "\u00bb",
  lsquo: "\u2018", rsquo: "\u2019", ldquo: "\u201c", rdquo: "\u201d", zwsp: "\u200b",
};

/* ------------------------------------------------------------------------------------------
 * Visible text
 * ---------------------------------------------------------------------------------------- */

// Lower-case Latin letters (and other cased letters) one UTF-16 unit at a time, only where
// that keeps the length, so that positions in the folded text are positions in the text.
function fold(text) {
  let out = "";
  for (const unit of text.split("")) {
    const lower = unit.toLowerCase();
    out += lower.length === unit.length ? lower : unit;
  }
  return out;
}

// The end of the tag, comment or declaration starting at html[start] === "<", or -1 when
// this "<" starts no markup (then it is text).
function markupEnd(html, start) {
  const next = html.charAt(start + 1);
  if (html.startsWith("<!--", start)) {
    const end = html.indexOf("-->", start + 4);
    return end === -1 ? html.length : end + 3;
  }
  if (!/[A-Za-z\/!?]/.test(next)) return -1;
  let quote = null;
  for (let i = start + 1; i < html.length; i++) {
    const c = html.charAt(i);
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "\"" || c === "'") {
      quote = c;
    } else if (c === ">") {
      return i + 1;
    }
  }
  return html.length;
}

// The entity starting at html[start] === "&": {text, end}, or null when it is no entity.
function entityAt(html, start) {
  const m = /^&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/.exec(
    html.slice(start, start + 40));
  if (!m) return null;
  const name = m[1];
  let text;
  if (name.charAt(0) === "#") {
    const code = /^#[xX]/.test(name) ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) return null;
    text = String.fromCodePoint(code);
  } else if (Object.prototype.hasOwnProperty.call(NAMED_ENTITIES, name)) {
    text = NAMED_ENTITIES[name];
  } else {
    return null;
  }
  return { text: text, end: start + m[0].length };
}

/**
 * The visible text of an HTML fragment, with a map back to the HTML.
 *
 * Returns {html, text, start, end, segment}: `text` is the folded visible text; for each of
 * its UTF-16 units i, html.slice(start[i], end[i]) is the source it came from (a character,
 * an entity, or a whitespace run) and segment[i] numbers the run of text between two tags
 * it lies in.
 */
function visible(html) {
  html = html == null ? "" : String(html);
  let text = "";
  const start = [];
  const end = [];
  const segment = [];
  let seg = 0;
  let i = 0;

  function push(chars, from, to) {
    for (const unit of chars.split("")) {
      text += unit;
      start.push(from);
      end.push(to);
      segment.push(seg);
    }
  }

  while (i < html.length) {
    const c = html.charAt(i);
    if (c === "<") {
      const close = markupEnd(html, i);
      if (close !== -1) {
        i = close;
        seg++;
        continue;
      }
    }
    let chars = c;
    let next = i + 1;
    if (c === "&") {
      const entity = entityAt(html, i);
      if (entity) {
        chars = entity.text;
        next = entity.end;
      }
    }
    if (INVISIBLE.test(chars)) {
      // dropped; a mark around its neighbours still covers it (same segment)
    } else if (SPACE.test(chars)) {
      const last = text.length - 1;
      if (last < 0) {
        // leading whitespace: not shown
      } else if (text.charAt(last) === " ") {
        if (segment[last] === seg) end[last] = next;  // one mark may cover the whole run
      } else {
        push(" ", i, next);
      }
    } else {
      push(chars, i, next);
    }
    i = next;
  }
  if (text.endsWith(" ")) {  // trailing whitespace: not shown
    text = text.slice(0, -1);
    start.pop();
    end.pop();
    segment.pop();
  }
  return { html: html, text: fold(text), start: start, end: end, segment: segment };
}

/* ------------------------------------------------------------------------------------------
 * Query, matching, highlighting
 * ---------------------------------------------------------------------------------------- */

// The query's terms: split on whitespace, invisible characters removed, folded, unique.
function parseQuery(query) {
  const terms = [];
  for (const raw of String(query == null ? "" : query).split(/\s+/)) {
    const term = fold(raw.split("").filter(unit => !INVISIBLE.test(unit)).join(""));
    if (term && !terms.includes(term)) terms.push(term);
  }
  return terms;
}

// Start positions of the non-overlapping occurrences of `term` in `text`.
function occurrences(text, term) {
  const found = [];
  for (let at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + term.length))
    found.push(at);
  return found;
}

// `view.html` with every occurrence of the terms marked; marks only ever wrap text within
// one segment (between two tags), so an occurrence across inline markup gets one per piece.
function highlight(view, terms) {
  const marked = new Uint8Array(view.text.length);
  let any = false;
  for (const term of terms)
    for (const at of occurrences(view.text, term)) {
      marked.fill(1, at, at + term.length);
      any = true;
    }
  if (!any) return view.html;
  let out = "";
  let copied = 0;
  let i = 0;
  while (i < marked.length) {
    if (!marked[i]) {
      i++;
      continue;
    }
    let last = i;
    while (last + 1 < marked.length && marked[last + 1] && view.segment[last + 1] === view.segment[i])
      last++;
    const from = view.start[i];
    const to = Math.max(view.end[last], from);
    out += view.html.slice(copied, from) + MARK_OPEN + view.html.slice(from, to) + MARK_CLOSE;
    copied = to;
    i = last + 1;
  }
  return out + view.html.slice(copied);
}

/* ------------------------------------------------------------------------------------------
 * The index
 * ---------------------------------------------------------------------------------------- */

/**
 * Prepare Material's docs: each doc with the visible text of its title and text, grouped by
 * page (a location without "#" is a page; the part before "#" names a section's page).
 */
function buildIndex(docs) {
  const pages = new Map();
  const order = [];
  for (const doc of docs || []) {
    if (!doc || typeof doc.location !== "string") continue;
    const hash = doc.location.indexOf("#");
    const pageLocation = hash === -1 ? doc.location : doc.location.slice(0, hash);
    let page = pages.get(pageLocation);
    if (!page) {
      page = { location: pageLocation, doc: null, sections: [], order: order.length };
      pages.set(pageLocation, page);
      order.push(page);
    }
    const entry = { doc: doc, title: visible(doc.title), text: visible(doc.text) };
    if (hash === -1 && !page.doc) page.doc = entry;
    else page.sections.push(entry);
  }
  for (const page of order)
    if (!page.doc) {  // no page-level entry: stand one in, titled like its first section
      const first = page.sections[0].doc;
      page.doc = { doc: { location: page.location, title: first.title, text: "" },
                   title: visible(first.title), text: visible("") };
    }
  return order;
}

// How a doc matches the terms: {terms, all, any, score, count}.
function measure(entry, terms) {
  const found = {};
  let all = true;
  let any = false;
  let inTitle = 0;
  let count = 0;
  for (const term of terms) {
    const title = occurrences(entry.title.text, term).length;
    const text = occurrences(entry.text.text, term).length;
    found[term] = title + text > 0;
    all = all && found[term];
    any = any || found[term];
    if (title) inTitle++;
    count += title + text;
  }
  return { terms: found, all: all, any: any, count: count,
           score: TITLE_WEIGHT * inTitle + Math.min(count, MAX_OCCURRENCES) };
}

// A result doc: Material's doc with the terms marked in title and text, a score and terms.
function item(entry, terms, score, found) {
  return Object.assign({}, entry.doc, {
    title: highlight(entry.title, terms),
    text: highlight(entry.text, terms),
    score: score,
    terms: found,
  });
}

/** Search the prepared index: Material's SearchResult, {items: [[pageDoc, ...sections]]}. */
function search(index, query) {
  const terms = parseQuery(query);
  if (!terms.length) return { items: [] };
  const groups = [];
  for (const page of index) {
    const entries = [page.doc].concat(page.sections);
    const measured = entries.map(entry => ({ entry: entry, m: measure(entry, terms) }));
    const inPage = {};
    for (const term of terms) inPage[term] = measured.some(x => x.m.terms[term]);
    if (!terms.every(term => inPage[term])) continue;

    const full = measured.filter(x => x.m.all);
    const shown = (full.length ? full : measured.filter(x => x.m.any));
    const best = Math.max.apply(null, shown.map(x => x.m.score));
    const sections = shown
      .filter(x => x.entry !== page.doc)
      .map((x, i) => ({ x: x, i: i }))
      .sort((a, b) => b.x.m.score - a.x.m.score || a.i - b.i)
      .map(({ x }) => item(x.entry, terms, x.m.score, x.m.terms));
    groups.push({
      items: [item(page.doc, terms, best, inPage)].concat(sections),
      full: full.length > 0,
      best: best,
      count: measured.reduce((sum, x) => sum + x.m.count, 0),
      order: page.order,
    });
  }
  groups.sort((a, b) => (b.full - a.full) || (b.best - a.best) || (b.count - a.count)
                        || (a.order - b.order));
  return { items: groups.map(group => group.items) };
}

/* ------------------------------------------------------------------------------------------
 * The worker
 * ---------------------------------------------------------------------------------------- */

let index = [];

function handle(message) {
  switch (message && message.type) {
    case SETUP:
      index = buildIndex(message.data && message.data.docs);
      return { type: READY };
    case QUERY:
      try {
        return { type: RESULT, data: search(index, message.data) };
      } catch (err) {
        console.warn("search failed for " + JSON.stringify(message.data), err);
        return { type: RESULT, data: { items: [] } };
      }
    default:
      throw new TypeError("unknown search message type: " + (message && message.type));
  }
}

self.nn7Search = { visible: visible, parseQuery: parseQuery, highlight: highlight,
                   buildIndex: buildIndex, search: search, handle: handle };

// A worker (or Material's iframe shim for file:// pages, which also provides importScripts);
// a page that loads this file with <script> (the tests) only gets `self.nn7Search`.
if (typeof importScripts === "function")
  addEventListener("message", event => postMessage(handle(event.data)));
