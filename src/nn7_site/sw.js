// The service worker of the nn7 site: every file of one build, kept for reading offline.
//
// site/sw.js is written by nn7_site.offline from the files of the finished build (this file is
// its template): FILES lists each file (path relative to this script) with its SHA-256, and
// VERSION is a digest of that list, so byte-identical builds give the same version.
//
// * install: every file is put in this version's cache before the worker takes over: copied
//   from an older version's cache when its hash is unchanged, otherwise downloaded past the
//   HTTP cache and checked against its hash (a site half-way through a deployment fails the
//   install, which the browser retries later). Under the development server (`make serve`,
//   whose pages carry a live-reload script) it keeps nothing: it takes over at once (the open
//   pages then reload, from the server), deletes the copies of earlier builds and unregisters.
// * fetch: a request for a file of this build is answered from this version's cache only —
//   never a page of one build with the assets of another; "folder/" is "folder/index.html",
//   "folder" redirects to "folder/", and a page that is not in this build is its 404.html.
//   Anything else (another site, a source map) goes to the network.
// * a new version installs in the background and waits; the page offers the reader a refresh
//   (docs/assets/javascripts/app.js) and sends "nn7-activate" when it is accepted; activating
//   deletes the older versions' caches.
"use strict";

const VERSION = "__NN7_VERSION__";
const FILES = __NN7_FILES__;
const PREFIX = "nn7-";
const CACHE = PREFIX + VERSION;
const LIST = "__nn7__/files.json"; // this version's FILES, kept in its cache for the next version
const ROOT = new URL("./", self.location.href); // the site's root, under any base path
const HASH = new Map(FILES);
const PARALLEL = 6;
const LIVE_RELOAD = /var livereload\s*=/;

self.addEventListener("install", (event) => event.waitUntil(install()));
self.addEventListener("activate", (event) => event.waitUntil(activate()));
self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "nn7-activate") self.skipWaiting();
  else if (type === "nn7-version" && event.source) event.source.postMessage({type, version: VERSION});
});
self.addEventListener("fetch", onFetch);

async function install() {
  if (await developmentServer()) {
    await self.skipWaiting(); // to stand down in activate()
    return;
  }
  const cache = await caches.open(CACHE);
  const older = await olderCopies();
  let next = 0;
  const worker = async () => {
    while (next < FILES.length) {
      const [path, sha] = FILES[next++];
      const url = new URL(path, ROOT).href;
      if (await cache.match(url)) continue; // kept by an earlier attempt of this install
      const response = (await fromOlder(older, sha)) || (await download(url, sha));
      await cache.put(url, response);
    }
  };
  await Promise.all(Array.from({length: PARALLEL}, worker));
  await cache.put(new URL(LIST, ROOT).href,
                  new Response(JSON.stringify(FILES), {headers: {"Content-Type": "application/json"}}));
}

async function developmentServer() {
  try {
    const response = await fetch(ROOT.href, {cache: "no-store"});
    return LIVE_RELOAD.test(await response.text());
  } catch (err) {
    return false;
  }
}

async function olderCopies() {
  const found = new Map(); // sha -> [cache, url]
  for (const name of await caches.keys()) {
    if (!name.startsWith(PREFIX) || name === CACHE) continue;
    const cache = await caches.open(name);
    const list = await cache.match(new URL(LIST, ROOT).href);
    if (!list) continue; // an install that did not finish
    for (const [path, sha] of await list.json()) {
      if (!found.has(sha)) found.set(sha, [cache, new URL(path, ROOT).href]);
    }
  }
  return found;
}

async function fromOlder(older, sha) {
  const hit = older.get(sha);
  return hit ? (await hit[0].match(hit[1])) || null : null;
}

async function download(url, sha) {
  const response = await fetch(url, {cache: "reload", credentials: "same-origin"});
  if (!response.ok) throw new Error(`nn7: ${url}: HTTP ${response.status}`);
  const body = await response.arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  const got = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  if (got !== sha) throw new Error(`nn7: ${url}: not the file of version ${VERSION}`);
  const type = response.headers.get("Content-Type");
  return new Response(body, {status: 200, headers: type ? {"Content-Type": type} : {}});
}

async function activate() {
  if (!(await developmentServer())) {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    return;
  }
  for (const name of await caches.keys()) {
    if (name.startsWith(PREFIX)) await caches.delete(name);
  }
  await self.registration.unregister();
  // the open pages reload themselves on the change of worker (app.js): from the server now, as
  // this worker's own cache was never filled
}

function onFetch(event) {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== ROOT.origin || !url.pathname.startsWith(ROOT.pathname)) return;
  let path;
  try {
    path = decodeURIComponent(url.pathname.slice(ROOT.pathname.length));
  } catch (err) {
    return;
  }
  if (path === "" || path.endsWith("/")) path += "index.html";
  if (HASH.has(path)) {
    event.respondWith(fromCache(path, request));
  } else if (HASH.has(path + "/index.html")) {
    event.respondWith(Response.redirect(new URL(url.pathname + "/" + url.search, url).href, 301));
  } else if (request.mode === "navigate" && HASH.has("404.html")) {
    event.respondWith(fromCache("404.html", request, 404));
  }
}

async function fromCache(path, request, status = 200) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(new URL(path, ROOT).href);
  if (!hit) return fetch(request); // the browser dropped the copy: the network
  if (status === 200) return hit;
  return new Response(hit.body, {status, headers: hit.headers});
}
