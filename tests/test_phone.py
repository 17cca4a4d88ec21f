"""Reading on a 390 px phone, and the figures in both palettes, in headless Chromium.

* Printouts and traces (nn7_site.printouts): on every page, no number of a printout is out of
  view, and the text a reader selects and copies (by hand or with Material's copy button) is
  the printout exactly; a trace keeps its columns aligned.
* Tables: every cell of every table is in view; a row's label (a formula of the errata, the
  starts of the timing table under 7.7.4) is not broken character by character.
* Figures (nn7_site.images): a tap, a click or Enter opens the figure enlarged in a dialog named
  by its caption (axe-core finds nothing on it), Esc closes it and the focus returns; enlarged,
  the sweep's heatmap shows its numbers at >= 12 CSS px; the notebook's code takes the width.
* Both palettes: switched with Material's palette toggle (the reader's choice, not the
  system's), each figure shows its own palette's image, dark on the dark page (screenshots of
  both are written next to the test's temporary files).
* The notebook page without JupyterLab's unused CSS (nn7_site.cssprune): no rule it removed
  matches any element of the page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nn7_dev.pages import PagesServer

pytestmark = [pytest.mark.browser, pytest.mark.site]

PHONE = {"width": 390, "height": 844}
PAGES = ("", "ch7/7.7/", "ch7/lab/", "ch7/sweep/", "ch7/notebook/", "appendix/backprop/", "about/")
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MIN_TEXT_PX = 12  # Lighthouse's and the "readable" on a phone
MIN_CHARS_PER_LINE = 4  # a label wrapped character by character has 1-2 per line

# Every printout on the page: each number (a run of digits with its sign and point) in view?
# The box may scroll sideways only if nothing is out of view at its start.
PRINTOUTS = """() => {
    document.querySelectorAll('details').forEach(d => { d.open = true; });
    const out = [];
    for (const box of document.querySelectorAll('article .nn7-printout')) {
        const code = box.matches('pre') ? box : box.querySelector('code');
        const view = code.getBoundingClientRect();
        const style = getComputedStyle(code);
        const left = view.left + parseFloat(style.borderLeftWidth), right = view.right - parseFloat(style.borderRightWidth);
        const hidden = [];
        let numbers = 0;
        const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const m of node.data.matchAll(/-?\\d+(?:\\.\\d+)?(?:e[-+]?\\d+)?/g)) {
                numbers += 1;
                const range = document.createRange();
                range.setStart(node, m.index);
                range.setEnd(node, m.index + m[0].length);
                for (const r of range.getClientRects()) {
                    if (r.left < left - 0.5 || r.right > right + 0.5) { hidden.push(m[0]); break; }
                }
            }
        }
        const selection = getSelection();
        selection.removeAllRanges();
        const all = document.createRange();
        all.selectNodeContents(code);
        selection.addRange(all);
        const copied = selection.toString();
        selection.removeAllRanges();
        out.push({text: code.textContent, copied, numbers, hidden: hidden.slice(0, 5), count: hidden.length,
                  scrolls: code.scrollWidth > code.clientWidth + 1, fontPx: parseFloat(style.fontSize)});
    }
    return out;
}"""

# Every table cell in view; each row label's characters per line.
TABLES = """() => {
    document.querySelectorAll('details').forEach(d => { d.open = true; });
    const out = [];
    for (const table of document.querySelectorAll('article table:not([class])')) {  // Markdown's tables
        const box = (table.closest('.nn7-scroll') || table).getBoundingClientRect();
        const outside = [];
        for (const cell of table.querySelectorAll('th, td')) {
            const r = cell.getBoundingClientRect();
            if (r.width && (r.left < Math.max(0, box.left) - 0.5 || r.right > Math.min(innerWidth, box.right) + 0.5)) {
                outside.push(cell.textContent.trim().slice(0, 30));
            }
        }
        const labels = [];
        for (const row of table.querySelectorAll('tbody tr')) {
            const cell = row.querySelector('td, th');
            const range = document.createRange();
            range.selectNodeContents(cell);
            const tops = new Set(Array.from(range.getClientRects(), r => Math.round(r.top)));
            const text = cell.textContent.trim();
            labels.push({text: text.slice(0, 40), lines: tops.size, perLine: text.length / Math.max(1, tops.size)});
        }
        const first = table.querySelector('tr');
        out.push({outside, labels, columns: first ? first.children.length : 0});
    }
    return out;
}"""

AXE_IN = """async (selector) => (await axe.run(document.querySelector(selector),
    {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']})).violations
    .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))""" % AXE_TAGS


@pytest.fixture(scope="module")
def site(built_site):
    server = PagesServer(built_site)
    yield server
    server.close()


@pytest.fixture(scope="module")
def phone(browser, site):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="zh-CN", service_workers="block")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.origin)
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.errors = errors
    yield page
    context.close()


@pytest.fixture(scope="module")
def measured(phone, site):
    results = {}
    for path in PAGES:
        phone.goto(site.url + path, wait_until="load")
        results[path] = {"printouts": phone.evaluate(PRINTOUTS), "tables": phone.evaluate(TABLES)}
    return results


def test_every_printout_number_is_in_view_at_390_px(measured):
    seen, problems = 0, []
    for path, r in measured.items():
        for k, p in enumerate(r["printouts"]):
            seen += p["numbers"]
            if p["count"]:
                problems.append(f"{path or '(home)'} printout {k + 1}: {p['count']} number(s) out of view, "
                                f"e.g. {p['hidden']} (first line: {p['text'].splitlines()[0][:60]!r})")
            if p["fontPx"] < MIN_TEXT_PX:
                problems.append(f"{path} printout {k + 1}: {p['fontPx']} px text")
    pages_with = [path for path, r in measured.items() if r["printouts"]]
    assert {"ch7/7.7/", "ch7/sweep/", "ch7/notebook/"} <= set(pages_with), pages_with
    assert seen > 500, f"only {seen} numbers seen in the printouts"
    assert not problems, "\n".join(problems)


def test_a_printout_copies_exactly(measured, generated):
    printouts = [p for r in measured.values() for p in r["printouts"]]
    wrong = [p["text"][:80] for p in printouts if p["copied"].rstrip("\n") != p["text"].rstrip("\n")]
    assert not wrong, f"selected text differs from the printout: {wrong}"
    # and the text is the run's printout, character for character
    for name in ("case1", "sweep", "trace-case2-1"):
        printed = (generated.out / "printouts" / f"{name}.txt").read_text(encoding="utf-8")
        assert any(p["text"].rstrip("\n") == printed.rstrip("\n") for p in printouts), name


def test_material_copy_button_copies_the_printout_exactly(browser, site, generated):
    """Material shows its copy button where there is a mouse (390 px wide here too). The 7.7
    page's first printout is case 1's."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN", service_workers="block")
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.origin)
        page = context.new_page()
        page.goto(site.url + "ch7/7.7/", wait_until="load")
        box = page.locator("article div.nn7-printout").first
        box.scroll_into_view_if_needed()
        printed = (generated.out / "printouts" / "case1.txt").read_text(encoding="utf-8")
        box.hover()
        box.locator("button[data-md-type=copy]").click()
        assert page.evaluate("navigator.clipboard.readText()") == printed.rstrip("\n")  # Material drops the last newline
    finally:
        context.close()


def test_a_trace_keeps_its_columns(phone, site):
    """The rows of a trace's parameter table break after the same cells, so W1 and W2, dW1 and
    dW2 … start at the same x."""
    phone.goto(site.url + "ch7/7.7/", wait_until="load")
    starts = phone.evaluate("""() => {
        document.querySelectorAll('details').forEach(d => { d.open = true; });
        const code = Array.from(document.querySelectorAll('article .nn7-printout code'))
            .find(c => c.textContent.startsWith('----迭代 1----') && c.textContent.includes('0.7616'));
        const x = (name) => Array.from(code.querySelectorAll('.nn7-c')).filter(c => c.textContent.startsWith(name + '='))
            .map(c => Math.round(c.getBoundingClientRect().left));
        return {W1: x('W1'), W2: x('W2'), dW1: x('dW1'), dW2: x('dW2'), B1: x('B1'), B2: x('B2'), dB1: x('dB1'), dB2: x('dB2')};
    }""")
    for a, b in (("W1", "W2"), ("B1", "B2"), ("dW1", "dW2"), ("dB1", "dB2")):
        assert starts[a] and starts[a] == starts[b], starts


def test_every_table_cell_is_in_view_and_no_label_is_broken_character_by_character(measured):
    problems, labels = [], 0
    for path, r in measured.items():
        for t in r["tables"]:
            if t["outside"]:
                problems.append(f"{path}: table cells out of view: {t['outside'][:4]}")
            for label in t["labels"]:
                labels += 1
                if label["lines"] > 1 and label["perLine"] < MIN_CHARS_PER_LINE:
                    problems.append(f"{path}: {label['text']!r} on {label['lines']} lines")
    timing = [t for t in measured["ch7/7.7/"]["tables"] if t["columns"] == 5]
    assert timing, "the timing table under 7.7.4 (5 columns) is not on the page"
    assert labels >= 10
    assert not problems, "\n".join(problems)


def test_the_errata_formulas_stay_on_one_line(measured):
    formulas = [label for t in measured["ch7/7.7/"]["tables"] for label in t["labels"] if "=" in label["text"]]
    assert len(formulas) >= 6
    broken = [f for f in formulas if f["lines"] > 1]
    assert not broken, broken


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------

def _open_zoom(page, how: str, index: int = 0):
    link = page.locator("article a.nn7-zoom").nth(index)
    link.scroll_into_view_if_needed()
    if how == "tap":
        link.tap()
    elif how == "enter":
        link.focus()
        page.keyboard.press("Enter")
    else:
        link.click()
    page.wait_for_selector("dialog.nn7-zoom-dialog[open]")
    return link


@pytest.mark.parametrize("how", ["tap", "enter"])
def test_a_figure_opens_enlarged_and_closes(phone, site, how):
    phone.goto(site.url + "ch7/7.7/", wait_until="load")
    _open_zoom(phone, how)
    state = phone.evaluate("""() => {
        const d = document.querySelector('dialog.nn7-zoom-dialog');
        const img = d.querySelector('img');
        const title = document.getElementById(d.getAttribute('aria-labelledby'));
        return {name: title && title.textContent, focus: document.activeElement.textContent,
                modal: d.matches(':modal'), width: img.getBoundingClientRect().width, alt: img.alt};
    }""")
    assert state["modal"] and state["name"].startswith("图 7.7.1") and state["alt"], state
    assert state["width"] > PHONE["width"], "enlarged: wider than the phone (it scrolls)"
    phone.keyboard.press("Escape")
    phone.wait_for_selector("dialog.nn7-zoom-dialog", state="detached")
    assert phone.evaluate("document.activeElement.matches('a.nn7-zoom')")
    assert not phone.errors, phone.errors


def test_the_enlarged_figure_has_no_axe_violations(phone, site):
    phone.goto(site.url + "ch7/sweep/", wait_until="load")
    phone.add_script_tag(path=str(AXE))
    _open_zoom(phone, "click")
    phone.wait_for_timeout(300)
    assert phone.evaluate(AXE_IN, "dialog.nn7-zoom-dialog") == []
    phone.keyboard.press("Escape")


def test_the_heatmap_enlarged_is_readable_on_a_phone(phone, site):
    from nn7.plots import HEATMAP_SIZE, HEATMAP_TEXT

    phone.goto(site.url + "ch7/sweep/", wait_until="load")
    _open_zoom(phone, "click")
    shown = phone.evaluate("""async () => { const img = document.querySelector('dialog.nn7-zoom-dialog img');
        await img.decode(); return {width: img.getBoundingClientRect().width, src: img.currentSrc,
        natural: img.naturalWidth * devicePixelRatio}; }""")
    text_px = HEATMAP_TEXT / 72 * shown["width"] / HEATMAP_SIZE[0]
    assert text_px >= MIN_TEXT_PX, f"the heatmap's numbers enlarged are {text_px:.1f} CSS px ({shown})"
    assert shown["natural"] >= shown["width"] * 2 - 1 or shown["src"].endswith(".1600.webp"), \
        f"not sharp on a 2x screen: {shown}"
    phone.keyboard.press("Escape")


def test_figures_have_sizes_and_load_lazily(built_site):
    page = (built_site / "ch7" / "7.7" / "index.html").read_text(encoding="utf-8")
    pictures = re.findall(r'<picture class="nn7-fig nn7-fig--(light|dark)"><source type="image/webp" srcset="([^"]+)"'
                          r' sizes="[^"]+"><img ([^>]*)></picture>', page)
    assert len(pictures) == 12, len(pictures)  # 6 figures, 2 palettes
    for palette, srcset, img in pictures:
        widths = [int(w) for w in re.findall(r" (\d+)w", srcset)]
        assert len(widths) >= 2 and max(widths) >= 1200 and f".{palette}." in srcset, srcset
        assert re.search(r'\bwidth="\d+"', img) and re.search(r'\bheight="\d+"', img) and 'loading="lazy"' in img
    # the book's PNG stays the light picture's fallback (and the link's target)
    assert '<a class="nn7-zoom" href="../img/init_0_0_b0.png"' in page


def test_the_notebook_code_takes_the_phone_width(phone, site):
    phone.goto(site.url + "ch7/notebook/", wait_until="load")
    widths = phone.evaluate("""() => ({article: document.querySelector('article').getBoundingClientRect().width,
        editors: Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputArea-editor'), e => e.getBoundingClientRect().width)})""")
    assert widths["editors"] and min(widths["editors"]) > 0.8 * widths["article"], widths


# --------------------------------------------------------------------------------------------
# Both palettes, switched by the reader
# --------------------------------------------------------------------------------------------

def _luminance(png: bytes) -> float:
    import io

    from PIL import Image, ImageStat

    with Image.open(io.BytesIO(png)) as im:
        return ImageStat.Stat(im.convert("L")).mean[0] / 255


def test_figures_follow_the_palette_the_reader_picks(browser, site, tmp_path_factory):
    shots = tmp_path_factory.mktemp("palettes")
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, color_scheme="light", locale="zh-CN",
                                  service_workers="block")
    try:
        page = context.new_page()
        page.goto(site.url + "ch7/7.7/", wait_until="load")
        seen = {}
        for scheme in ("default", "slate"):
            if page.evaluate("document.body.getAttribute('data-md-color-scheme')") != scheme:
                page.click("form[data-md-component=palette] label:not([hidden])")  # Material's palette toggle
                page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') === '{scheme}'")
            link = page.locator("article a.nn7-zoom").first
            link.scroll_into_view_if_needed()
            img = link.locator("picture:visible img")
            img.evaluate("img => img.decode()")
            path = shots / f"figure-{scheme}.png"
            png = link.screenshot(path=str(path))
            seen[scheme] = {"src": img.evaluate("img => img.currentSrc"), "luminance": _luminance(png),
                            "shown": page.locator("article picture:visible").count()}
            print(f"{scheme}: {path}")
        assert ".light." in seen["default"]["src"] and ".dark." in seen["slate"]["src"], seen
        assert seen["default"]["luminance"] > 0.8 and seen["slate"]["luminance"] < 0.3, seen
        assert seen["default"]["shown"] == seen["slate"]["shown"] == 6, "one picture per figure is shown"
    finally:
        context.close()


# --------------------------------------------------------------------------------------------
# The notebook page's pruned CSS
# --------------------------------------------------------------------------------------------

# pseudo-classes (states, :not(…) …) and pseudo-elements, which depend on more than the elements
# there are; :root stays (".jupyter-wrapper :root" matches nothing, and must not)
STATEFUL = re.compile(r"::?(?!root\b)-?[a-z][a-z-]*(?:\((?:[^()]|\([^()]*\))*\))?")


def test_no_css_rule_pruned_from_the_notebook_page_matches_anything(phone, site, generated):
    from mkdocs_jupyter.plugin import convert

    from nn7_site.cssprune import _STYLE, _blocks
    from nn7_site.layout import NOTEBOOK

    original = convert.nb2html(str(generated.out / "pages" / NOTEBOOK), execute=False, theme="", allow_errors=False,
                               include_requirejs=False, custom_mathjax_url="data:text/javascript,")
    built = (site.folder / "ch7" / "notebook" / "index.html").read_text(encoding="utf-8")

    def rules(html: str) -> set[tuple[str, str]]:
        out = set()

        def walk(css):
            for prelude, body in _blocks(css):
                if body is not None and prelude.startswith("@media"):
                    walk(body)
                elif body is not None and not prelude.startswith("@"):
                    out.add((prelude, body))
        for m in _STYLE.finditer(html):
            walk(m.group(2))
        return out

    before, after = rules(original), rules(built)
    removed = sorted({sel.strip() for prelude, _ in before - after for sel in prelude.split(",")})
    assert len(removed) > 1000 and sum(len(p) + len(b) for p, b in after) < 0.2 * sum(len(p) + len(b) for p, b in before)
    selectors = sorted({STATEFUL.sub("", s).strip() or "*" for s in removed})
    phone.goto(site.url + "ch7/notebook/", wait_until="load")
    matched = phone.evaluate("""(selectors) => selectors.filter(s => {
        try { return document.querySelector(s) !== null; } catch (e) { return false; } })""", selectors)
    assert not matched, f"removed rules that match elements of the page: {matched[:10]}"
