"""The built site in a real browser: headless Chromium (Debian's package) driven by Playwright.

The built site is served from 127.0.0.1 on a free port; every request that goes anywhere else
is aborted *and recorded*, so a page that reaches for a CDN, Google Fonts or an API fails here
even though it would "work" online.  Checked:

* the 7.7 page: no outside request, no console error / uncaught exception, every figure
  decoded, every formula (server-side MathML) laid out with a nonzero box;
* the appendix page: the anchors other pages link to exist and its formulas render.

A full-page screenshot of 7.7 goes to $NN7_SCREENSHOT (or pytest's tmp dir) for humans.

Skipped (with the reason) when Chromium or the playwright package is missing; Playwright's own
browser download is never used ($NN7_CHROMIUM may name another Chromium binary).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from nn7_dev.browser import StaticServer

pytestmark = [pytest.mark.browser, pytest.mark.site]

PAGE_77 = "ch7/7.7/"
SWEEP = "ch7/sweep/"
APPENDIX = "appendix/backprop/"
MIN_FIGURES_77 = 6  # six figures under ch7/img on the 7.7 page
MIN_MATH_77 = 8
TIMEOUT_MS = 10_000

# --------------------------------------------------------------------------------------------
# The local server (chromium_path, playwright_api and browser are session fixtures in conftest)
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def base_url(playwright_api, built_site):
    """The built site over HTTP on 127.0.0.1 and a free port (a daemon thread)."""
    server = StaticServer(built_site)
    try:
        yield server.url
    finally:
        server.close()


# --------------------------------------------------------------------------------------------
# One visit: a fresh context that blocks and records every non-local request
# --------------------------------------------------------------------------------------------

@dataclass(repr=False)
class Visit:
    page: object
    context: object
    url: str
    blocked: list[str] = field(default_factory=list)   # aborted by the route: not local
    requests: list[str] = field(default_factory=list)  # every request the page issued
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)  # local responses >= 400
    failed: list[str] = field(default_factory=list)  # requests that failed (incl. the aborted)

    @property
    def external(self) -> list[str]:
        """Every non-local request, whether the route saw it or only the `request` event did."""
        seen = [r for r in self.requests if not _is_local(r.split(" ", 1)[1], self.origin)]
        out = list(self.blocked)
        out += [f"{r} (not routed!)" for r in seen
                if not any(b.startswith(r.rsplit(" (", 1)[0] + " ") for b in self.blocked)]
        return out

    @property
    def origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    def own_console_errors(self) -> list[str]:
        """Console errors, minus Chromium's "Failed to load resource" for the requests blocked
        here: those are reported (and failed) by the outside-request test."""
        blocked = {b.split(" ")[1] for b in self.blocked}
        return [e for e in self.console_errors
                if not (e.startswith("Failed to load resource")
                        and e.rsplit("[at ", 1)[-1].rsplit(":", 1)[0] in blocked)]

    def __repr__(self) -> str:
        return f"<Visit {self.url}>"

    def close(self):
        self.context.close()


def _is_local(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return f"{parts.scheme}://{parts.netloc}" == origin


def open_page(browser, base_url: str, path: str, settle: bool = True) -> Visit:
    """Open `path` in a fresh context; `settle` waits for the network to go idle, so that late
    requests (and the console errors they cause) are recorded too."""
    origin = base_url.rstrip("/")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    visit = Visit(page=page, context=context, url=base_url + path)

    def route(route):
        url = route.request.url
        if _is_local(url, origin):
            route.continue_()
        else:
            visit.blocked.append(f"{route.request.method} {url} "
                                 f"({route.request.resource_type})")
            route.abort("blockedbyclient")

    context.route("**/*", route)
    # Requests that escaped routing (should not happen) are caught here too.
    context.on("request", lambda req: visit.requests.append(
        f"{req.method} {req.url} ({req.resource_type})"))
    page.on("console", lambda msg: visit.console_errors.append(
        f"{msg.text}  [at {msg.location.get('url', '?')}:{msg.location.get('lineNumber', '?')}]")
        if msg.type == "error" else None)
    page.on("pageerror", lambda exc: visit.page_errors.append(str(exc)))
    page.on("response", lambda resp: visit.bad_responses.append(f"{resp.status} {resp.url}")
            if resp.status >= 400 else None)
    page.on("requestfailed", lambda req: visit.failed.append(f"{req.url}: {req.failure}"))

    response = page.goto(visit.url, wait_until="load")
    assert response is not None and response.ok, f"{visit.url}: HTTP {response and response.status}"
    if settle:
        _settle(page)
    return visit


def _settle(page):
    try:
        page.wait_for_load_state("networkidle", timeout=5_000)
    except Exception:  # a page that keeps polling is not our concern here; the checks tell
        pass


def _bullets(items) -> str:
    return "\n".join(f"  - {item}" for item in items) or "  (none)"


SCROLL_THROUGH = """async () => {
    const step = Math.max(200, Math.floor(window.innerHeight * 0.8));
    for (let y = 0; y < document.documentElement.scrollHeight; y += step) {
        window.scrollTo(0, y);
        await new Promise(r => requestAnimationFrame(() => setTimeout(r, 16)));
    }
    window.scrollTo(0, document.documentElement.scrollHeight);
    // the figures of the other palette are never shown, so never loaded (lazy): not waited for
    await Promise.all(Array.from(document.images).filter(img => img.getClientRects().length).map(img =>
        img.decode().catch(() => null)));
    window.scrollTo(0, 0);
}"""

IMAGES = """() => Array.from(document.images).filter(img => img.getClientRects().length).map(img => ({
    src: img.currentSrc || img.src,
    attr: img.getAttribute('src'),
    complete: img.complete,
    naturalWidth: img.naturalWidth,
    naturalHeight: img.naturalHeight,
}))"""

MATH = """() => Array.from(document.querySelectorAll('math'), (m, i) => {
    const r = m.getBoundingClientRect();
    const visible = m.checkVisibility
        ? m.checkVisibility({checkVisibilityCSS: true})
        : !!(m.offsetParent || m.getClientRects().length);
    return {
        index: i,
        display: m.getAttribute('display') || 'inline',
        inArithmatex: !!m.closest('.arithmatex'),
        visible: visible,
        width: r.width,
        height: r.height,
        merror: m.querySelectorAll('merror').length,
        text: (m.textContent || '').replace(/\\s+/g, ' ').trim().slice(0, 60),
        namespace: m.namespaceURI,
    };
})"""


def check_math(page, minimum: int, where: str):
    maths = page.evaluate(MATH)
    assert maths, f"{where}: no <math> element at all (formulas not rendered as MathML?)"
    wrong_ns = [m for m in maths if m["namespace"] != "http://www.w3.org/1998/Math/MathML"]
    assert not wrong_ns, f"{where}: <math> not parsed as MathML:\n{_bullets(wrong_ns)}"
    errors = [m for m in maths if m["merror"]]
    assert not errors, f"{where}: formulas with <merror>:\n{_bullets(errors)}"
    visible = [m for m in maths if m["visible"]]
    empty = [m for m in visible if not (m["width"] > 0 and m["height"] > 0)]
    assert not empty, (f"{where}: {len(empty)} visible formula(s) with an empty box "
                       f"(not laid out):\n{_bullets(empty)}")
    assert len(visible) >= minimum, (
        f"{where}: only {len(visible)} visible formulas with a nonzero box "
        f"(expected >= {minimum}); all <math>:\n{_bullets(maths)}")
    return maths


# --------------------------------------------------------------------------------------------
# The 7.7 page: loaded once, scrolled through, checked by several tests
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def page_77(browser, base_url):
    visit = open_page(browser, base_url, PAGE_77)
    visit.page.evaluate(SCROLL_THROUGH)
    try:  # give slow decodes a moment; the test reports the ones that never finish
        visit.page.wait_for_function(
            "() => Array.from(document.images).filter(i => i.getClientRects().length).every(i => i.complete && i.naturalWidth > 0)",
            timeout=5_000)
    except Exception:
        pass
    _settle(visit.page)
    yield visit
    visit.close()


def test_77_makes_no_request_outside_the_local_site(page_77):
    assert not page_77.external, (
        f"{page_77.url} tried to load {len(page_77.external)} resource(s) from outside the local "
        f"site (blocked here; offline readers would wait or see gaps):\n"
        f"{_bullets(page_77.external)}")


def test_77_has_no_console_errors(page_77):
    assert not page_77.page_errors, (
        f"{page_77.url}: uncaught JavaScript exception(s):\n{_bullets(page_77.page_errors)}")
    errors = page_77.own_console_errors()
    assert not errors, (
        f"{page_77.url}: console error(s):\n{_bullets(errors)}\n"
        f"failed requests:\n{_bullets(page_77.failed)}\n"
        f"HTTP errors:\n{_bullets(page_77.bad_responses)}")
    assert not page_77.bad_responses, (
        f"{page_77.url}: local resource(s) answered with an HTTP error:\n"
        f"{_bullets(page_77.bad_responses)}")


def test_77_every_image_is_decoded(page_77):
    images = page_77.page.evaluate(IMAGES)
    figures = [img for img in images if "/ch7/img/" in unquote(urlsplit(img["src"]).path)]
    assert len(figures) >= MIN_FIGURES_77, (
        f"{page_77.url}: expected >= {MIN_FIGURES_77} figures under ch7/img/, found "
        f"{len(figures)}; all <img>:\n{_bullets(i['src'] for i in images)}")
    broken = [img for img in images if not (img["complete"] and img["naturalWidth"] > 0)]
    assert not broken, (
        f"{page_77.url}: {len(broken)} image(s) not decoded (missing file, bad PNG, or never "
        f"loaded):\n{_bullets(broken)}\nHTTP errors:\n{_bullets(page_77.bad_responses)}")


def test_77_math_is_rendered(page_77):
    maths = check_math(page_77.page, MIN_MATH_77, page_77.url)
    outside = [m for m in maths if not m["inArithmatex"]]
    assert not outside, f"{page_77.url}: <math> outside .arithmatex:\n{_bullets(outside)}"


def test_77_screenshot(page_77, tmp_path_factory):
    """For humans, not an assertion on the picture: $NN7_SCREENSHOT or pytest's tmp dir."""
    target = os.environ.get("NN7_SCREENSHOT")
    path = Path(target) if target else tmp_path_factory.mktemp("screenshot") / "ch7-7.7.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page_77.page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 0
    print(f"screenshot of {page_77.url}: {path}")


# --------------------------------------------------------------------------------------------
# The appendix
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def appendix_page(browser, base_url):
    visit = open_page(browser, base_url, APPENDIX, settle=False)
    yield visit
    visit.close()


@pytest.mark.parametrize("anchor", ["eq-7-4-6", "fig-7-5-8"])
def test_appendix_anchor_exists(appendix_page, anchor):
    page = appendix_page.page
    count = page.locator(f"[id='{anchor}']").count()
    assert count == 1, f"{appendix_page.url}: expected exactly one element with id={anchor!r}, " \
                       f"found {count}"
    page.goto(f"{appendix_page.url}#{anchor}")
    scrolled = page.evaluate(
        "(id) => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.bottom > 0 && r.top < window.innerHeight; }", anchor)
    assert scrolled, f"{appendix_page.url}#{anchor}: the target is not scrolled into view"


def test_appendix_math_is_rendered(appendix_page):
    check_math(appendix_page.page, 1, appendix_page.url)
    assert not appendix_page.page_errors, _bullets(appendix_page.page_errors)


# --------------------------------------------------------------------------------------------
# The palette switch: every colour changes at once (nn7_site.themefix, app.js)
# --------------------------------------------------------------------------------------------

# Right after the switch's click (in the same task as Material's change handler): the text
# colour of the page's first link in running text, and whether any transition is running.
SWITCH_AND_LOOK = """() => {
    const link = document.querySelector('.md-typeset p a');
    document.querySelector('form[data-md-component=palette] label:not([hidden])').click();
    return {scheme: document.body.getAttribute('data-md-color-scheme'),
            running: document.getAnimations().filter(a => a instanceof CSSTransition).length,
            color: getComputedStyle(link).color};
}"""
SETTLED_COLOR = "() => getComputedStyle(document.querySelector('.md-typeset p a')).color"


def test_switching_the_palette_changes_every_colour_at_once(browser, base_url):
    # Material turned transitions off while it switched with a rule that also restyled the whole
    # page twice on every load; the rule now names a class app.js sets only while the reader
    # switches. Without it, the links' colour transition (125 ms) would run after a switch.
    visit = open_page(browser, base_url, PAGE_77, settle=False)
    try:
        page = visit.page
        page.wait_for_function("() => document.querySelector('form[data-md-component=palette] label:not([hidden])')")
        page.wait_for_timeout(300)  # Material has applied the palette of the page load
        for expected in ("slate", "default"):
            seen = page.evaluate(SWITCH_AND_LOOK)
            page.wait_for_timeout(400)
            settled = page.evaluate(SETTLED_COLOR)
            assert seen == {"scheme": expected, "running": 0, "color": settled}, \
                f"switching to {expected}: {seen}, then {settled}"
        assert page.evaluate("() => document.documentElement.classList.contains('nn7-palette-switching')") is False
        assert not visit.page_errors and not visit.own_console_errors()
    finally:
        visit.close()
