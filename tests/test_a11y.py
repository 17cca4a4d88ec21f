"""Accessibility and phone use of every built page, in headless Chromium with axe-core.

Every page of the built site (each ``index.html``, and ``404.html``) is opened in four browser
contexts: the light palette (Material's ``default`` scheme) and the dark one (``slate``), chosen
through ``prefers-color-scheme`` as the palettes in mkdocs.yml are, each at 1280 and at 390 px
wide.  Requests outside the local site are blocked and recorded.  In each, the page is scrolled
through with every ``<details>`` opened (their content is checked too), and axe-core
(tests/vendor/axe.min.js, no network) checks the WCAG 2.0/2.1/2.2 A and AA rules: there must be
no violation.  The four contexts work on the same page at the same time (two cores).

Also checked:

* the interface states a page load does not show: the search overlay with results and a focused
  result, and (at 390 px) the open navigation drawer — axe again, in each palette and width;
* keyboard use (1280 px, both palettes): every focusable element shows a focus indicator, and
  its text stays readable (contrast >= 4.5:1, 3:1 for large text) in its focused state;
* phones (390 px): no page scrolls sideways, every figure fits the width, the navigation drawer
  opens from the header button, and search works from the header (open, type, see results);
* the sweep page's heatmap: its cell numbers are >= 10 CSS px at 1280 px;
* bite: axe reports the causes fixed on this site (a scrolling box without tabindex, a link
  told apart by colour only, the old grey of code comments) when they are put back.

A summary (pages × palettes × widths, violations per page) is written to the terminal (in a
pytest-xdist worker: to ``config.workeroutput["nn7_a11y"]`` for the controller).
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from nn7_dev.browser import StaticServer

VENDOR = Path(__file__).resolve().parent / "vendor"
AXE = VENDOR / "axe.min.js"
AXE_PATH = "/__nn7-test__/axe.min.js"  # answered from AXE by the context's route, never served
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PALETTES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's scheme
WIDTHS = (1280, 390)
PHONE = 390
HEIGHT = 900
QUERY = "初始化"  # typed into the header search on every page at 390 px
UI_PAGE = "ch7/7.7/"  # where the search overlay and the drawer are checked with axe
# Pages without the navigation drawer and the search, on purpose (their header buttons hidden).
NO_NAVIGATION = {"print_page/": "the print edition: print-site's script removes the drawer and the search"}
ABSENT = "absent"
HEATMAP = "init_sweep.png"
HEATMAP_PAGE = "ch7/sweep/"
MIN_HEATMAP_CSS_PX = 10
TIMEOUT_MS = 15_000


def browser_test(fn):
    return pytest.mark.browser(pytest.mark.site(fn))


def _bullets(items) -> str:
    return "\n".join(f"  - {item}" for item in items) or "  (none)"


# --------------------------------------------------------------------------------------------
# Scripts run in the page
# --------------------------------------------------------------------------------------------

# Open every <details>, scroll through (lazy content), wait for the images, run axe.
CHECK_PAGE = """async (tags) => {
    document.querySelectorAll('details').forEach(d => { d.open = true; });
    // the figures load lazily, the other palette's never (display: none): every shown image
    // loaded now and decoded, no scrolling through
    const shown = Array.from(document.images).filter(img => img.getClientRects().length);
    shown.forEach(img => { img.loading = 'eager'; });
    await Promise.all(shown.map(img => img.decode().catch(() => null)));
    await new Promise(r => requestAnimationFrame(() => setTimeout(r, 16)));
    return await window.__nn7Axe(tags);
}"""

# Defined in every document (an init script): load axe (from AXE_PATH, answered by the route),
# run it, return its violations in a compact, printable form.
AXE_HELPER = """window.__nn7LoadAxe = () => window.axe ? Promise.resolve() : new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '%s';
    s.onload = resolve;
    s.onerror = () => reject(new Error('axe-core did not load from ' + s.src));
    document.head.append(s);
});
window.__nn7Axe = async (tags, context) => {
    await window.__nn7LoadAxe();
    const r = await axe.run(context || document,
                            {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    return {
        scheme: document.body.getAttribute('data-md-color-scheme'),
        violations: r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.map(String).join(' '),
                                      html: n.html.slice(0, 300),
                                      summary: (n.failureSummary || '').replace(/\\s+/g, ' ')}))
        })),
    };
};
window.__nn7Start = (job) => { window.__nn7Job = job; return true; };""" % AXE_PATH

LAYOUT = """() => {
    const doc = document.documentElement;
    const images = Array.from(document.querySelectorAll('article img'), img => {
        const r = img.getBoundingClientRect();
        const box = img.parentElement.getBoundingClientRect();
        return {src: img.getAttribute('src'), width: r.width, left: r.left, right: r.right,
                natural: img.naturalWidth, parent: box.width, shown: r.width > 0 && r.height > 0};
    });
    const wide = Array.from(document.querySelectorAll('body *')).filter(el => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right > window.innerWidth + 1 && !el.closest('.md-sidebar, .md-search')
            && getComputedStyle(el).position !== 'fixed';
    }).slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' right=' + Math.round(el.getBoundingClientRect().right));
    return {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, images: images, wide: wide};
}"""

# Every focusable element, focused in turn (after a real Tab press: keyboard modality, so the
# focus-visible styles apply): its focus indicator and the contrast of its text when focused.
FOCUS_WALK = """() => {
    const style = document.createElement('style');
    style.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';
    document.head.append(style);
    const parse = s => { const m = s.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
        const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
        return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
    const over = (f, b) => [0, 1, 2].map(i => f[3] * f[i] + (1 - f[3]) * b[i]).concat([1]);
    const background = el => { const layers = [];
        for (let e = el; e; e = e.parentElement) {
            const c = parse(getComputedStyle(e).backgroundColor);
            if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } }
        let b = [255, 255, 255, 1]; for (const c of layers.reverse()) b = over(c, b);
        return b.map(Math.round); };
    const lum = c => { const f = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
    const ratio = el => { const cs = getComputedStyle(el); const bg = background(el);
        const fg = over(parse(cs.color), bg).map(Math.round); const a = lum(fg), b = lum(bg);
        const size = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight) >= 700;
        return {ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
                need: size >= 24 || (bold && size >= 18.66) ? 3 : 4.5,
                colours: cs.color + ' on rgb(' + bg.slice(0, 3).join(', ') + ')'}; };
    const shows = cs => (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0
                         && (parse(cs.outlineColor) || [0, 0, 0, 1])[3] > 0) || cs.boxShadow !== 'none';
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
        + ' "' + (el.textContent || el.getAttribute('aria-label') || el.title || '').trim().replace(/\\s+/g, ' ').slice(0, 30) + '"';
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    const out = {checked: 0, noIndicator: [], lowContrast: []};
    for (const el of document.querySelectorAll(selector)) {
        if (el.disabled || el.closest('[hidden], [inert], [aria-hidden="true"]')) continue;
        // the search box: focusing it opens the search overlay (checked on its own)
        if (el.matches('.md-search__input') || el.closest('.md-search')) continue;
        if (getComputedStyle(el).visibility === 'hidden') continue;
        // Material's palette switch and the drawer/search toggles are hidden inputs whose
        // <label> shows the focus
        const hiddenInput = el.matches('input') && el.getBoundingClientRect().width < 2;
        if (!el.getClientRects().length && !hiddenInput) continue;
        el.focus();
        if (document.activeElement !== el) continue;
        out.checked += 1;
        const target = hiddenInput ? (el.nextElementSibling && el.nextElementSibling.matches('label')
                                      ? el.nextElementSibling : null) : el;
        if (hiddenInput && !target) continue;  // not a visible control (Material's state toggles)
        if (!shows(getComputedStyle(target))) out.noIndicator.push(name(el));
        const texts = [target, ...target.querySelectorAll('*')].filter(e =>
            Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())
            && e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden'
            && parseFloat(getComputedStyle(e).opacity) > 0);
        for (const t of texts) {
            const r = ratio(t);
            if (r.ratio < r.need) out.lowContrast.push(name(el) + ': ' + r.ratio.toFixed(2) + ':1 (' + r.colours + ')');
        }
    }
    document.activeElement && document.activeElement.blur();
    style.remove();
    return out;
}"""

DRAWER_OPEN = """() => {
    const nav = document.querySelector('.md-sidebar--primary');
    if (!document.getElementById('__drawer').checked || !nav) return false;
    const r = nav.getBoundingClientRect();
    if (!(r.left >= -1 && r.right > 0 && r.right <= window.innerWidth + 1 && r.width > 100)) return false;
    return Array.from(nav.querySelectorAll('a.md-nav__link')).some(a => {
        const b = a.getBoundingClientRect(); return b.width > 0 && b.left >= 0 && b.right <= window.innerWidth; });
}"""

SEARCH_DONE = """() => {
    const n = document.querySelectorAll('.md-search-result__item').length;
    const m = (document.querySelector('.md-search-result__meta') || {}).textContent || '';
    return n > 0 && /\\d/.test(m);
}"""


# --------------------------------------------------------------------------------------------
# The sweep: every page in four contexts, measured once; the tests assert on the results
# --------------------------------------------------------------------------------------------

@dataclass(repr=False)
class Tab:
    """One browser context (palette × width) and its one page, reused for every site page."""
    palette: str
    width: int
    context: object
    page: object
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.palette} {self.width}px"

    def start(self, script: str, arg=None) -> None:
        """Run ``script`` (an async function of one argument) without waiting for it."""
        self.page.evaluate(f"(arg) => window.__nn7Start(({script})(arg))", arg)

    def result(self):
        return self.page.evaluate(f"""() => Promise.race([window.__nn7Job, new Promise((_, reject) =>
            setTimeout(() => reject(new Error('page script timed out')), {TIMEOUT_MS * 2}))])""")


@dataclass
class Sweep:
    paths: list[str]
    axe: dict = field(default_factory=dict)  # (path, palette, width) -> {scheme, violations}
    ui_axe: dict = field(default_factory=dict)  # (state, palette, width) -> {scheme, violations}
    layout: dict = field(default_factory=dict)  # path -> LAYOUT at PHONE (light)
    drawer: dict = field(default_factory=dict)  # path -> None or what went wrong
    search: dict = field(default_factory=dict)  # path -> (number of results, problem or None)
    focus: dict = field(default_factory=dict)  # (path, palette) -> FOCUS_WALK
    heatmap: dict | None = None
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    phases: dict = field(default_factory=dict)  # what took how long (s), for the summary
    tabs: list = field(default_factory=list)
    origin: str = ""

    def tab(self, palette: str, width: int) -> Tab:
        return next(t for t in self.tabs if (t.palette, t.width) == (palette, width))


def site_paths(site: Path) -> list[str]:
    """Every page of the built site, as URL paths: "", "about/", …, and "404.html"."""
    paths = sorted(p.relative_to(site).as_posix()[: -len("index.html")] for p in site.rglob("index.html"))
    if (site / "404.html").is_file():
        paths.append("404.html")
    return paths


def _open_tab(browser, origin: str, palette: str, width: int) -> Tab:
    context = browser.new_context(viewport={"width": width, "height": HEIGHT}, color_scheme=palette,
                                  locale="zh-CN", service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    tab = Tab(palette, width, context, context.new_page())

    def route(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            route.continue_()
        elif f"{parts.scheme}://{parts.netloc}" != origin:
            tab.blocked.append(f"{tab.label}: {route.request.method} {url}")
            route.abort("blockedbyclient")
        elif parts.path == AXE_PATH:
            route.fulfill(path=str(AXE), content_type="text/javascript")
        else:
            route.continue_()

    context.route("**/*", route)
    context.add_init_script(AXE_HELPER)
    tab.page.on("pageerror", lambda exc: tab.errors.append(f"{tab.label} {tab.page.url}: {exc}"))
    return tab


def _phone_interactions(tab: Tab, sweep: Sweep, path: str) -> None:
    """At PHONE width: layout, the drawer from the header button, search from the header."""
    page = tab.page
    sweep.layout[path] = page.evaluate(LAYOUT)

    problem = None
    button = page.locator('label.md-header__button[for="__drawer"]')
    if not button.is_visible():
        problem = ABSENT
    else:
        try:
            button.click()
            page.wait_for_function(DRAWER_OPEN, timeout=5_000)
        except Exception as exc:  # reported by the test
            problem = f"the drawer did not open: {str(exc).splitlines()[0]}"
    sweep.drawer[path] = problem
    if page.evaluate("(document.getElementById('__drawer') || {}).checked"):
        _close_drawer(page)

    problem, count = None, 0
    button = page.locator('label.md-header__button[for="__search"]')
    if not button.is_visible():
        sweep.search[path] = (0, ABSENT)
        return
    try:
        button.click()
        box = page.locator("input.md-search__input")
        box.wait_for(state="visible")
        box.fill(QUERY)
        box.press("End")  # Material reads the query on keyup
        page.wait_for_function(SEARCH_DONE)
        count = page.locator(".md-search-result__item").count()
        first = page.locator("a.md-search-result__link").first
        if not first.is_visible():
            problem = "the first result is not visible"
    except Exception as exc:
        problem = f"no results for {QUERY!r}: {str(exc).splitlines()[0]}"
    sweep.search[path] = (count, problem)


def _close_drawer(page) -> None:
    """A tap on the shaded page beside the drawer (Material's overlay) closes it."""
    page.mouse.click(PHONE - 20, HEIGHT // 2)
    page.wait_for_function("() => !document.getElementById('__drawer').checked")


def _ui_states(tabs: list[Tab], sweep: Sweep, origin: str) -> None:
    """axe on the search overlay (results shown, the first one focused) and, on phones, on the
    open navigation drawer, in every palette and width."""
    assert UI_PAGE not in NO_NAVIGATION
    for tab in tabs:
        tab.page.goto(origin + "/" + UI_PAGE, wait_until="load")
    for tab in [t for t in tabs if t.width == PHONE]:
        tab.page.locator('label.md-header__button[for="__drawer"]').click()
        tab.page.wait_for_function(DRAWER_OPEN)
        tab.page.wait_for_timeout(300)  # the drawer's transition
        tab.start(f"async () => await window.__nn7Axe({TAGS!r})")
    for tab in [t for t in tabs if t.width == PHONE]:
        sweep.ui_axe[("drawer open", tab.palette, tab.width)] = tab.result()
        _close_drawer(tab.page)
    for tab in tabs:
        page = tab.page
        if tab.width == PHONE:
            page.locator('label.md-header__button[for="__search"]').click()
        box = page.locator("input.md-search__input")
        box.click()
        box.fill(QUERY)
        box.press("End")
    for tab in tabs:  # the four searches run at the same time
        page = tab.page
        page.wait_for_function(SEARCH_DONE)
        page.locator("a.md-search-result__link").first.focus()
        page.keyboard.press("ArrowDown")  # Material's keyboard navigation: focus the results
        page.keyboard.press("ArrowUp")
        page.wait_for_timeout(300)  # the focused result's background transition
        tab.start(f"async () => await window.__nn7Axe({TAGS!r})")
    for tab in tabs:
        sweep.ui_axe[("search results, one focused", tab.palette, tab.width)] = tab.result()


@pytest.fixture(scope="module")
def a11y(browser, built_site, request):
    """Every page in light/dark × 1280/390, measured once."""
    t0 = time.monotonic()
    server = StaticServer(built_site)
    origin = server.url.rstrip("/")
    tabs = [_open_tab(browser, origin, palette, width) for palette in PALETTES for width in WIDTHS]
    sweep = Sweep(paths=site_paths(built_site), tabs=tabs, origin=origin)
    clock = _Clock(sweep.phases)
    try:
        for path in sweep.paths:
            with clock("load"):
                for tab in tabs:  # the four load at the same time
                    response = tab.page.goto(origin + "/" + path, wait_until="commit")
                    assert response is not None and (response.ok or path == "404.html"), (
                        f"{path}: HTTP {response and response.status}")
                for tab in tabs:
                    tab.page.wait_for_load_state("load")
                    tab.start(CHECK_PAGE, TAGS)
            with clock("axe"):
                for tab in tabs:  # the four run at the same time
                    sweep.axe[(path, tab.palette, tab.width)] = tab.result()
            for tab in tabs:
                if tab.width == max(WIDTHS):
                    with clock("focus"):
                        tab.page.keyboard.press("Tab")  # keyboard modality for :focus-visible
                        sweep.focus[(path, tab.palette)] = tab.page.evaluate(FOCUS_WALK)
                    if path == HEATMAP_PAGE and tab.palette == "light":
                        sweep.heatmap = _heatmap(tab.page)
                elif tab.palette == "light":
                    with clock("phone"):
                        _phone_interactions(tab, sweep, path)
        with clock("search/drawer states"):
            _ui_states(tabs, sweep, origin)
        for tab in tabs:
            sweep.blocked += tab.blocked
            sweep.errors += tab.errors
        sweep.seconds = time.monotonic() - t0
        _report(request, sweep)
        yield sweep
    finally:
        for tab in tabs:
            tab.context.close()
        server.close()


class _Clock:
    def __init__(self, phases: dict):
        self.phases = phases

    @contextmanager
    def __call__(self, phase: str):
        t0 = time.monotonic()
        try:
            yield
        finally:
            self.phases[phase] = self.phases.get(phase, 0.0) + time.monotonic() - t0


def _heatmap(page) -> dict | None:
    img = page.locator(f'article img[src$="{HEATMAP}"]')
    if not img.count():
        return None
    img.scroll_into_view_if_needed()
    return img.evaluate("""async img => { img.loading = 'eager'; await img.decode().catch(() => null);
        const r = img.getBoundingClientRect();
        return {rendered: r.width, natural: img.naturalWidth, src: img.currentSrc}; }""")


def _report(request, sweep: Sweep) -> None:
    lines = [f"a11y: {len(sweep.paths)} pages × {len(PALETTES)} palettes × {len(WIDTHS)} widths = "
             f"{len(sweep.axe)} axe runs (+ {len(sweep.ui_axe)} on search/drawer states) in "
             f"{sweep.seconds:.1f} s ({', '.join(f'{k} {v:.1f} s' for k, v in sweep.phases.items())}); "
             f"violations (nodes) per page:"]
    for path in sweep.paths:
        cells = []
        for palette in PALETTES:
            for width in WIDTHS:
                found = sweep.axe[(path, palette, width)]["violations"]
                cells.append(f"{palette} {width}: {sum(len(v['nodes']) for v in found)}")
        lines.append(f"  {path or '(home)'}: " + ", ".join(cells))
    ui = sum(len(v["nodes"]) for r in sweep.ui_axe.values() for v in r["violations"])
    lines.append(f"  search/drawer states: {ui}")
    workeroutput = getattr(request.config, "workeroutput", None)
    if workeroutput is not None:  # a pytest-xdist worker: the controller may print it
        workeroutput["nn7_a11y"] = "\n".join(lines)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    for line in lines:
        if reporter is not None and workeroutput is None:
            reporter.write_line(line)
        else:
            print(line)


def _describe(key, result) -> list[str]:
    out = []
    for v in result["violations"]:
        for n in v["nodes"]:
            out.append(f"{' / '.join(str(k) for k in key)}: {v['id']} ({v['impact']}): {v['help']}\n"
                       f"      target: {n['target']}\n      html: {n['html']}\n      {n['summary']}")
    return out


# --------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------

@browser_test
def test_palettes_switch_on_prefers_color_scheme(a11y):
    wrong = [f"{path or '(home)'} {palette} {width}px: data-md-color-scheme={r['scheme']!r}"
             for (path, palette, width), r in a11y.axe.items() if r["scheme"] != PALETTES[palette]]
    assert not wrong, "the page did not take the palette of prefers-color-scheme:\n" + _bullets(wrong)


@browser_test
def test_every_page_has_no_axe_violations(a11y):
    found = [line for key, r in a11y.axe.items() for line in _describe(key, r)]
    assert not found, (f"{len(found)} axe violation(s) of WCAG 2.x A/AA ({', '.join(TAGS)}):\n"
                       + _bullets(found))


@browser_test
def test_search_and_drawer_have_no_axe_violations(a11y):
    assert len(a11y.ui_axe) == len(PALETTES) * (len(WIDTHS) + 1)
    found = [line for key, r in a11y.ui_axe.items() for line in _describe(key, r)]
    assert not found, f"{len(found)} axe violation(s) with search or the drawer open:\n" + _bullets(found)


@browser_test
def test_keyboard_focus_is_visible_and_readable(a11y):
    problems = []
    for (path, palette), r in a11y.focus.items():
        where = f"{path or '(home)'} {palette}"
        problems += [f"{where}: no focus indicator on {el}" for el in r["noIndicator"]]
        problems += [f"{where}: focused text below the contrast minimum: {el}" for el in r["lowContrast"]]
    checked = {key: r["checked"] for key, r in a11y.focus.items()}
    assert all(n > 5 for n in checked.values()), f"too few focusable elements found: {checked}"
    assert not problems, _bullets(problems)


@browser_test
def test_phone_no_page_scrolls_sideways(a11y):
    wide = [f"{path or '(home)'}: scrollWidth {r['scrollWidth']} > {r['innerWidth']}; "
            f"sticking out: {r['wide']}"
            for path, r in a11y.layout.items() if r["scrollWidth"] > r["innerWidth"]]
    assert len(a11y.layout) == len(a11y.paths)
    assert not wide, f"pages wider than the {PHONE} px screen (with every <details> open):\n" + _bullets(wide)


@browser_test
def test_phone_figures_fit_the_width(a11y):
    bad, count = [], 0
    for path, r in a11y.layout.items():
        for img in r["images"]:
            if not img["shown"]:
                continue
            count += 1
            fits = img["left"] >= -0.5 and img["right"] <= r["innerWidth"] + 0.5 and img["width"] <= img["parent"] + 0.5
            if not fits:
                bad.append(f"{path or '(home)'}: {img['src']} {img['width']:.0f} px wide at "
                           f"x={img['left']:.0f}…{img['right']:.0f} (box {img['parent']:.0f} px)")
    assert count >= 6, f"only {count} figures seen at {PHONE} px"
    assert not bad, f"figures that do not fit the {PHONE} px screen:\n" + _bullets(bad)


def _absent_where_expected(what: str, problems: dict) -> list[str]:
    """A page without the header button must be one of NO_NAVIGATION, and those have none."""
    out = [f"{path or '(home)'}: no {what} button in the header" for path, problem in problems.items()
           if problem == ABSENT and path not in NO_NAVIGATION]
    out += [f"{path}: has a {what} button, but {NO_NAVIGATION[path]}" for path, problem in problems.items()
            if problem != ABSENT and path in NO_NAVIGATION]
    return out


@browser_test
def test_phone_drawer_opens_from_the_header(a11y):
    assert len(a11y.drawer) == len(a11y.paths)
    failed = [f"{path or '(home)'}: {problem}" for path, problem in a11y.drawer.items()
              if problem and problem != ABSENT]
    failed += _absent_where_expected("drawer", a11y.drawer)
    assert not failed, _bullets(failed)


@browser_test
def test_phone_search_works_from_the_header(a11y):
    assert len(a11y.search) == len(a11y.paths)
    problems = {path: problem for path, (count, problem) in a11y.search.items()}
    failed = [f"{path or '(home)'}: {problem}" for path, problem in problems.items()
              if problem and problem != ABSENT]
    failed += _absent_where_expected("search", problems)
    assert not failed, _bullets(failed)


@browser_test
def test_heatmap_numbers_are_readable_at_desktop_width(a11y):
    from nn7.plots import HEATMAP_SIZE, HEATMAP_TEXT

    h = a11y.heatmap
    assert h is not None, f"{HEATMAP_PAGE}: no <img> of {HEATMAP}"
    assert h["natural"] > 0, f"{HEATMAP_PAGE}: {h['src']} not decoded"
    # the figure is HEATMAP_SIZE[0] inches wide whichever variant is shown: its text is
    # HEATMAP_TEXT/72 inch high, at rendered/HEATMAP_SIZE[0] CSS px per inch
    css_px = HEATMAP_TEXT / 72 * h["rendered"] / HEATMAP_SIZE[0]
    print(f"heatmap at {max(WIDTHS)} px: shown {h['rendered']:.0f} px wide ({h['src']}); "
          f"{HEATMAP_TEXT} pt cell text = {css_px:.1f} CSS px")
    assert css_px >= MIN_HEATMAP_CSS_PX, (
        f"the heatmap's cell numbers are {css_px:.1f} CSS px at {max(WIDTHS)} px wide "
        f"(HEATMAP_TEXT {HEATMAP_TEXT} pt, a {HEATMAP_SIZE[0]} inch figure shown at "
        f"{h['rendered']:.0f} px); need >= {MIN_HEATMAP_CSS_PX}")


@browser_test
def test_pages_make_no_outside_request_and_raise_no_error(a11y):
    assert not a11y.blocked, "requests outside the local site:\n" + _bullets(a11y.blocked)
    assert not a11y.errors, "uncaught exceptions:\n" + _bullets(a11y.errors)


# --------------------------------------------------------------------------------------------
# Bite: the causes fixed on this site, put back, are reported
# --------------------------------------------------------------------------------------------

BITES = {
    # a notebook code cell as mkdocs-jupyter writes it (without nn7_site.htmlfix)
    "scrollable-region-focusable": ("ch7/notebook/", """() => {
        const cell = document.querySelector('.highlight-ipynb');
        cell.removeAttribute('tabindex'); cell.removeAttribute('role'); cell.removeAttribute('aria-label');
        cell.style.maxWidth = '120px';
        return '.highlight-ipynb'; }"""),
    # a link in running text, told apart by colour only (Material's default)
    "link-in-text-block": ("ch7/7.7/", """() => {
        const a = document.querySelector('article p a[href*="backprop"]');
        a.style.textDecoration = 'none';
        return 'article'; }"""),
    # Material's grey for code comments on the light palette (4.47:1)
    "color-contrast": ("ch7/7.7/", """() => {
        document.body.style.setProperty('--md-code-hl-comment-color', '#0000008a');
        const c = document.querySelector('article .highlight .c1');
        c.closest('pre').scrollIntoView();
        return 'article .highlight'; }"""),
}


@browser_test
@pytest.mark.parametrize("rule", list(BITES))
def test_bite_axe_reports_the_fixed_causes_when_put_back(a11y, rule):
    path, break_it = BITES[rule]
    page = a11y.tab("light", PHONE).page
    page.goto(f"{a11y.origin}/{path}", wait_until="load")
    within = page.evaluate(break_it)
    page.evaluate("() => window.__nn7LoadAxe()")
    found = page.evaluate("""async ([within, rule]) => (await axe.run(within,
        {runOnly: {type: 'rule', values: [rule]}, resultTypes: ['violations']})).violations
        .map(v => v.id)""", [within, rule])
    assert found == [rule], f"{path}: with the fix undone axe should report {rule}; it reports {found}"


@browser_test
def test_bite_the_focus_check_reports_a_removed_outline(a11y):
    """mkdocs-jupyter's own rule (outline: unset on every focused element of the notebook),
    no longer overridden by extra.css, is reported."""
    page = a11y.tab("light", max(WIDTHS)).page
    page.goto(f"{a11y.origin}/ch7/notebook/", wait_until="load")
    page.add_style_tag(content="body .jupyter-wrapper :focus-visible { outline: unset !important; }")
    page.keyboard.press("Tab")
    found = page.evaluate(FOCUS_WALK)["noIndicator"]
    assert any("jp-Cell-inputWrapper" in el for el in found), found


# --------------------------------------------------------------------------------------------
# nn7_site.htmlfix on its own (no browser)
# --------------------------------------------------------------------------------------------

def test_htmlfix_makes_the_scrolling_boxes_focusable():
    from nn7_site.htmlfix import focusable_scroll_regions

    page = ('<div class="language-python highlight"><pre><span></span><code>x = 1\n</code></pre></div>'
            '<div class="highlight-ipynb hl-python"><pre>y</pre></div>'
            '<p>text</p><table>\n<thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>'
            '<script>const t = "<table></table><pre><code>";</script><!-- <table> -->'
            '<table class="x"><tr><td>has a class: not Markdown</td></tr></table>')
    out = focusable_scroll_regions(page)
    assert '<pre><span></span><code tabindex="0">x = 1' in out
    assert '<div class="highlight-ipynb hl-python" tabindex="0" role="region" aria-label="代码">' in out
    assert ('<div class="nn7-scroll" tabindex="0" role="region" aria-label="表格"><table>\n<thead>'
            in out)
    assert out.count('class="nn7-scroll"') == 1
    assert '<script>const t = "<table></table><pre><code>";</script><!-- <table> -->' in out
    assert focusable_scroll_regions(out) == out  # applying it again changes nothing
    assert focusable_scroll_regions("<p>no boxes</p>") == "<p>no boxes</p>"
