"""The site as an offline app (nn7_site.offline, src/nn7_site/sw.js, docs/assets/javascripts/
app.js) in Chromium, the built site served as GitHub Pages serves it (nn7_dev.pages).

* The worker lists every file of the build with its SHA-256; byte-identical builds give the
  same version, a changed byte a new one.
* First visit: the worker installs every listed file. Then offline — the browser context
  offline AND the server answering nothing (every request it still gets is recorded and fails
  the test): every page opens with every resource from the worker, a page that does not exist
  is the 404 page, the lab trains, steps and sweeps, search finds, every download downloads.
* Update, under a GitHub Pages project path: a rebuilt site with a prose edit (and a changed
  style sheet) is served at the same address; the open page offers a refresh, keeps showing
  the old build (old text and old styles together) until the reader accepts, then shows the new
  text with the new styles, and another open page of the site reloads too.
* Not under `make serve` (its live-reload script on the pages): nothing registers, and a worker
  of an earlier build unregisters itself; not on the print edition.
* Bite: the same offline checks, on a build whose worker leaves one file out of its list, fail.

A rebuild here is the site's own post-build step (nn7_site.offline.write_service_worker) run on
a copy of the built site with its text edited, as a rebuild of an edited page would leave it; a
second `properdocs build` would only add time.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from nn7_dev.pages import PagesServer, hardlinked_copy, site_pages
from nn7_site import offline

pytestmark = [pytest.mark.browser, pytest.mark.site]

PROJECT = "/nn7-e-resource/"  # a GitHub Pages project path
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 30_000
QUERY = "初始化"
EDITED_PAGE = "ch7/7.7/index.html"
PROSE = ("用一个随机初始化代替了全 0 初始化，这是为什么呢？", "这里用随机初始化代替了全 0 初始化，这是为什么呢？")
BUILD_MARK = "\n/* rebuilt */ :root { --nn7-test-build: 2; }\n"  # appended to a style sheet of the new build
LEFT_OUT = "search/search_index.json"  # the bite: a file every page loads, left out of the list
APP_JS = Path(__file__).resolve().parents[1] / "docs" / "assets" / "javascripts" / "app.js"

INSTALLED = """async (expected) => {
    const reg = await navigator.serviceWorker.ready;
    if (!reg.active || reg.active.state !== 'activated') return false;
    const names = await caches.keys();
    if (names.length !== 1) return false;
    const keys = await (await caches.open(names[0])).keys();
    return keys.length === expected ? names[0] : false;
}"""


def rewrite(path: Path, text: str) -> None:
    """Replace a hard-linked file's content without touching the file it shares bytes with."""
    path.unlink()
    path.write_text(text, encoding="utf-8")


def app_text(key: str) -> str:
    """A text the reader sees, as docs/assets/javascripts/app.js has it."""
    m = re.search(rf'\b{key}: "([^"]*)"', APP_JS.read_text(encoding="utf-8"))
    assert m, f"{APP_JS}: no TEXT.{key}"
    return m.group(1)


class _Downloads(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "download" in a and a.get("href"):
            self.links.append((a["href"], a["download"] or ""))


def download_links(site: Path) -> dict[str, tuple[str, str]]:
    """Every link with a download attribute: site path of its target -> (a page that has it,
    the link's href there)."""
    found = {}
    for page in site_pages(site):
        file = site / (page if page.endswith(".html") else page + "index.html")
        parser = _Downloads()
        parser.feed(file.read_text(encoding="utf-8"))
        folder = page if page.endswith("/") or not page else os.path.dirname(page)
        for href, _ in parser.links:
            target = os.path.normpath(os.path.join(folder, href)).replace(os.sep, "/")
            found.setdefault(target, (page, href))
    return found


class Reader:
    """One browser context (a phone) on a served site, recording every request it makes and
    how it was answered."""

    def __init__(self, browser, server: PagesServer):
        self.server = server
        self.context = browser.new_context(viewport=PHONE, locale="zh-CN", service_workers="allow",
                                           accept_downloads=True)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.problems: list[str] = []
        self.page = self.new_page()

    def new_page(self):
        page = self.context.new_page()
        page.on("pageerror", lambda exc: self.problems.append(f"{page.url}: uncaught {exc}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        return page

    def _failed(self, request):
        if request.failure != "net::ERR_ABORTED":  # cancelled by the next navigation: not an answer
            self.problems.append(f"{request.url}: failed ({request.failure})")

    def _response(self, response):
        url = response.url
        if not url.startswith(self.server.origin):
            return
        if not response.from_service_worker:
            self.problems.append(f"{url}: from the network, not from the offline copy")
        elif response.status >= 400 and not url.endswith("/nosuch/"):
            self.problems.append(f"{url}: HTTP {response.status}")

    def install(self, path: str = "") -> str:
        """Visit once online and wait for the offline copy; its cache's name."""
        self.page.goto(self.server.url + path, wait_until="load")
        _, entries = offline.read_service_worker(self.server.folder)
        self.page.wait_for_function(INSTALLED, arg=len(entries) + 1, timeout=120_000)
        return self.page.evaluate("caches.keys()")[0]

    def go_offline(self):
        self.problems.clear()
        self.server.down = True
        self.context.set_offline(True)

    def open(self, path: str, page=None):
        """Open a page (offline) and every image it shows."""
        page = page or self.page
        response = page.goto(self.server.url + path, wait_until="load")
        page.evaluate("""async () => {
            document.querySelectorAll('details').forEach(d => { d.open = true; });
            const shown = Array.from(document.images).filter(i => i.getClientRects().length);
            shown.forEach(i => { i.loading = 'eager'; });
            await Promise.all(shown.map(i => i.decode().catch(() => null)));
        }""")
        return response

    def check(self, what: str):
        # the browser's own check for a new build (it fetches sw.js past the page, and would fail
        # quietly offline) is not a request of the page
        asked = [r for r in self.server.requests_while_down if not r.endswith("/" + offline.SW_NAME)]
        problems = self.problems + [f"the server was asked for {r}" for r in asked]
        assert not problems, f"{what}:\n" + "\n".join(f"  - {p}" for p in problems[:30])

    def close(self):
        self.context.close()


# --------------------------------------------------------------------------------------------
# The list and the version (no browser)
# --------------------------------------------------------------------------------------------

def test_the_worker_lists_every_file_of_the_build_with_its_hash(built_site):
    version, entries = offline.read_service_worker(built_site)
    files = sorted(p.relative_to(built_site).as_posix() for p in built_site.rglob("*") if p.is_file())
    expected = [f for f in files if offline.listed(f)]
    assert [path for path, _ in entries] == expected
    assert set(files) - set(expected) <= {"sw.js", "sitemap.xml", "sitemap.xml.gz"} | {f for f in files if f.endswith(".map")}
    for path, sha in entries:
        assert hashlib.sha256((built_site / path).read_bytes()).hexdigest() == sha, path
    assert version == offline.version(entries)
    # what a reader opens, reads and downloads is all there, the PDF included (tools/pdf.py)
    assert {"index.html", "ch7/7.7/index.html", "ch7/lab/index.html", "search/search_index.json",
            "manifest.webmanifest", "nn7-7.7.pdf", "downloads/train7.txt"} <= set(expected)
    assert not any(f.startswith(offline.UNUSED) for f in files), "Material's unused search files were not removed"


def test_the_same_bytes_give_the_same_version_and_one_changed_byte_another(built_site, tmp_path):
    copy = hardlinked_copy(built_site, tmp_path / "site")
    (copy / offline.SW_NAME).unlink()
    assert offline.write_service_worker(copy) == offline.read_service_worker(built_site)[0]
    assert (copy / offline.SW_NAME).read_bytes() == (built_site / offline.SW_NAME).read_bytes()
    page = copy / "about" / "index.html"
    rewrite(page, page.read_text(encoding="utf-8") + " ")
    assert offline.write_service_worker(copy) != offline.read_service_worker(built_site)[0]


def test_the_manifest_names_the_app_in_chinese_with_its_icons(built_site):
    from PIL import Image

    manifest = json.loads((built_site / offline.MANIFEST).read_text(encoding="utf-8"))
    assert re.search(r"[\u4e00-\u9fff]", manifest["name"]) and re.search(r"[\u4e00-\u9fff]", manifest["short_name"])
    assert len(manifest["short_name"]) <= 12 and manifest["start_url"] == "./" and manifest["display"] == "standalone"
    sizes = set()
    for icon in manifest["icons"]:
        with Image.open(built_site / icon["src"]) as im:
            assert f"{im.width}x{im.height}" == icon["sizes"]
            sizes.add(im.width)
    assert {192, 512} <= sizes and any(i.get("purpose") == "maskable" for i in manifest["icons"])
    page = (built_site / "ch7" / "7.7" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="manifest" href="../../manifest.webmanifest">' in page


def test_the_print_edition_is_left_as_it_was(built_site):
    printed = (built_site / "print_page" / "index.html").read_text(encoding="utf-8")
    for mark in ("nn7-fig", "srcset", " defer>", "nn7-printout", "data-nn7-cols", 'role="row"', 'media="print"'):
        assert mark not in printed, f"the print edition has {mark!r}: a change meant for the pages only"
    images = re.findall(r'<img\b[^>]*\bsrc="([^"]+)"', printed)
    assert len(images) >= 8 and all(src.endswith(".png") for src in images), images


# --------------------------------------------------------------------------------------------
# First visit, then offline
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def reader(browser, built_site):
    server = PagesServer(built_site)
    visit = Reader(browser, server)
    try:
        visit.cache = visit.install()
        yield visit
    finally:
        visit.close()
        server.close()


@pytest.fixture
def offline_reader(reader):
    reader.go_offline()
    return reader


def test_first_visit_keeps_every_file_and_says_so(reader, built_site):
    version, entries = offline.read_service_worker(built_site)
    assert reader.cache == f"nn7-{version}"
    keys = reader.page.evaluate("async (name) => (await (await caches.open(name)).keys()).map(r => r.url)", reader.cache)
    assert sorted(k[len(reader.server.url):] for k in keys) == sorted([p for p, _ in entries] + ["__nn7__/files.json"])
    reader.page.wait_for_selector(".nn7-notice")
    assert app_text("ready") in reader.page.text_content(".nn7-notice")


def test_offline_every_page_opens(offline_reader, built_site):
    r = offline_reader
    titles = {}
    for path in site_pages(built_site):
        response = r.open(path)
        assert response is not None and response.from_service_worker and response.status == 200, path
        titles[path] = r.page.title()
    missing = r.open("nosuch/")  # not a page of the site: its 404 page, from the offline copy
    assert missing.from_service_worker and missing.status == 404 and "404" in (r.page.text_content("article") or "")
    r.check("offline pages")
    assert all(titles.values()), titles


def test_offline_the_lab_trains_steps_and_sweeps(offline_reader):
    r = offline_reader
    p = r.page
    r.open("ch7/lab/?init=case3&epochs=30")
    p.wait_for_selector("html.lab-ready", state="attached")
    p.select_option("#lab-speed", "fast")
    p.click("#lab-run")
    p.wait_for_function("() => /训练完成/.test(document.getElementById('lab-status').textContent)")
    assert "轮数" in p.text_content("#lab-log")
    p.click("#lab-step")
    p.wait_for_function("() => /迭代 1/.test(document.getElementById('lab-trace').textContent)")
    p.fill("#lab-sweep-seeds", "1")
    p.fill("#lab-sweep-epochs", "3")
    p.click("#lab-sweep-start")  # Web Workers: their scripts come from the offline copy too
    p.wait_for_function("() => /扫描完成/.test(document.getElementById('lab-sweep-status').textContent)")
    assert p.eval_on_selector_all("#lab-heatmap td", "tds => tds.length") == 81
    r.check("the lab offline")


def test_offline_search_finds(offline_reader):
    r = offline_reader
    p = r.page
    r.open("ch7/7.7/")
    p.click('label.md-header__button[for="__search"]')
    box = p.locator("input.md-search__input")
    box.fill(QUERY)
    box.press("End")
    p.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length > 0")
    r.check("search offline")


def test_offline_every_download_downloads(offline_reader, built_site):
    r = offline_reader
    links = download_links(built_site)
    assert len(links) >= 8 and "nn7-7.7.pdf" in links and "downloads/train7.txt" in links, links
    by_page: dict[str, list[tuple[str, str]]] = {}
    for target, (page, href) in links.items():
        by_page.setdefault(page, []).append((target, href))
    got = {}
    for page, targets in by_page.items():
        r.open(page)
        for target, href in targets:
            link = r.page.locator(f'a[download][href="{href}"]').first
            with r.page.expect_download() as info:
                link.evaluate("a => a.click()")  # links off screen too
            got[target] = Path(info.value.path()).read_bytes()
    r.check("downloads offline")
    wrong = [t for t, data in got.items() if data != (built_site / t).read_bytes()]
    assert not wrong and set(got) == set(links), wrong


# --------------------------------------------------------------------------------------------
# A new build at the same address, under a project path
# --------------------------------------------------------------------------------------------

def rebuilt(site: Path, target: Path) -> Path:
    """``site`` as a rebuild after the prose edit of CONTRIBUTING.md's recipe 1 (the page and
    the search index change) and a changed style sheet, with its worker written anew."""
    copy = hardlinked_copy(site, target)
    page = (copy / EDITED_PAGE).read_text(encoding="utf-8")
    assert PROSE[0] in page, f"{EDITED_PAGE}: the sentence the edit changes is not there"
    rewrite(copy / EDITED_PAGE, page.replace(PROSE[0], PROSE[1]))
    index = json.loads((copy / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        doc["text"] = doc["text"].replace(PROSE[0], PROSE[1])
    rewrite(copy / "search" / "search_index.json", json.dumps(index, ensure_ascii=False))
    css = copy / "assets" / "extra.css"
    rewrite(css, css.read_text(encoding="utf-8") + BUILD_MARK)
    (copy / offline.SW_NAME).unlink()
    offline.write_service_worker(copy)
    return copy


# What the browser does after a navigation (later, on its own schedule) and app.js when the
# page is shown again: look for a new worker.
UPDATE = "async () => { await (await navigator.serviceWorker.ready).update(); }"

SHOWN = """() => ({text: document.querySelector('article').textContent,
                  build: getComputedStyle(document.documentElement).getPropertyValue('--nn7-test-build').trim()})"""


def test_a_new_build_is_offered_and_never_mixed_with_the_old(browser, built_site, tmp_path):
    first = hardlinked_copy(built_site, tmp_path / "first")
    second = rebuilt(built_site, tmp_path / "second")
    server = PagesServer(first, base=PROJECT)
    r = Reader(browser, server)
    try:
        old_cache = r.install("ch7/7.7/")
        other = r.new_page()  # a second open page of the site
        other.goto(server.url + "about/", wait_until="load")
        server.serve(second)  # the new deployment, at the same address
        r.problems.clear()
        r.page.goto(server.url + "ch7/7.7/", wait_until="load")
        r.page.evaluate(UPDATE)
        r.page.wait_for_selector(".nn7-notice button", timeout=120_000)
        notice = r.page.text_content(".nn7-notice")
        assert app_text("updated") in notice and app_text("refresh") in notice
        shown = r.page.evaluate(SHOWN)
        assert PROSE[0] in shown["text"] and shown["build"] == "", "before the refresh: the old page, old styles"
        r.page.reload(wait_until="load")  # still the old build, whole
        shown = r.page.evaluate(SHOWN)
        assert PROSE[0] in shown["text"] and shown["build"] == ""
        r.page.wait_for_selector(".nn7-notice button")
        with r.page.expect_navigation(wait_until="load"):
            r.page.get_by_role("button", name=app_text("refresh")).click()
        shown = r.page.evaluate(SHOWN)
        assert PROSE[1] in shown["text"] and PROSE[0] not in shown["text"] and shown["build"] == "2", \
            "after the refresh: the new page with the new styles"
        other.wait_for_function("() => getComputedStyle(document.documentElement).getPropertyValue('--nn7-test-build').trim() === '2'")
        new_version = offline.read_service_worker(second)[0]
        assert r.page.evaluate("caches.keys()") == [f"nn7-{new_version}"] != [old_cache]
        r.check("the update")
    finally:
        r.close()
        server.close()


# --------------------------------------------------------------------------------------------
# Not under `make serve`, not on the print edition
# --------------------------------------------------------------------------------------------

def served_by_properdocs(site: Path, target: Path) -> Path:
    """``site`` with every page as `properdocs serve` sends it (its live-reload script added).
    ProperDocs' own module, not `mkdocs.livereload`: importing MkDocs itself would make later
    in-process loads of mkdocs.yml in this worker see two plugin base classes."""
    from properdocs.livereload import LiveReloadServer

    copy = hardlinked_copy(site, target)
    for page in copy.rglob("*.html"):
        html = page.read_bytes()
        page.unlink()
        page.write_bytes(LiveReloadServer._inject_js_into_html(None, html, 1))
    return copy


def registrations(page) -> int:
    page.wait_for_timeout(1000)  # app.js registers once the page has loaded
    return page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length")


def test_not_active_under_make_serve(browser, built_site, tmp_path):
    serving = served_by_properdocs(built_site, tmp_path / "serve")
    server = PagesServer(serving)
    r = Reader(browser, server)
    try:
        r.page.goto(server.url + "ch7/7.7/", wait_until="load")
        assert r.page.evaluate("typeof window.livereload") == "function"
        assert registrations(r.page) == 0
        assert not [q for q in server.requests if q.endswith("/" + offline.SW_NAME)], "the page tried to register"
    finally:
        r.close()
        server.close()


def test_a_worker_of_an_earlier_build_stands_down_under_make_serve(browser, built_site, tmp_path):
    first = hardlinked_copy(built_site, tmp_path / "first")
    serving = served_by_properdocs(rebuilt(built_site, tmp_path / "edited"), tmp_path / "serve")
    server = PagesServer(first)
    r = Reader(browser, server)
    try:
        r.install()
        server.serve(serving)  # `make serve` at the same address, after an edit
        r.page.goto(server.url, wait_until="load")  # the old copy answers
        assert r.page.evaluate("typeof window.livereload") == "undefined"
        # the new worker stands down and the page reloads, from the development server now. The
        # browser looks for a new worker after each navigation by itself, so the reload may come
        # before the update asked for here, or during it: what is waited for is its result
        try:
            r.page.evaluate("() => { navigator.serviceWorker.ready.then(r => r.update()); }")
        except PlaywrightError:  # the page was already reloading
            pass
        r.page.wait_for_function("() => typeof window.livereload === 'function'")
        r.page.wait_for_function("async () => (await navigator.serviceWorker.getRegistrations()).length === 0")
        r.page.wait_for_function("async () => (await caches.keys()).length === 0")
        r.page.goto(server.url + "ch7/7.7/", wait_until="load")
        assert PROSE[1] in r.page.text_content("article")
    finally:
        r.close()
        server.close()


def test_the_print_edition_registers_nothing(browser, built_site):
    server = PagesServer(built_site)
    r = Reader(browser, server)
    try:
        r.page.goto(server.url + "print_page/", wait_until="load")
        assert registrations(r.page) == 0
    finally:
        r.close()
        server.close()


# --------------------------------------------------------------------------------------------
# Bite
# --------------------------------------------------------------------------------------------

def test_bite_a_file_left_out_of_the_list_fails_the_offline_checks(browser, built_site, tmp_path):
    faulty = hardlinked_copy(built_site, tmp_path / "site")
    _, entries = offline.read_service_worker(built_site)
    assert LEFT_OUT in [p for p, _ in entries]
    rewrite(faulty / offline.SW_NAME, offline.service_worker([e for e in entries if e[0] != LEFT_OUT]))
    server = PagesServer(faulty)
    r = Reader(browser, server)
    try:
        _, listed = offline.read_service_worker(faulty)
        r.page.goto(server.url, wait_until="load")
        r.page.wait_for_function(INSTALLED, arg=len(listed) + 1, timeout=120_000)
        r.go_offline()
        r.open("ch7/7.7/")
        with pytest.raises(AssertionError, match=re.escape(LEFT_OUT)):
            r.check("offline pages")
    finally:
        r.close()
        server.close()
