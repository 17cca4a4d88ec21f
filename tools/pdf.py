"""Print the site's print edition (print_page/, made by mkdocs-print-site-plugin) to one PDF.

    python tools/pdf.py [SITE_DIR]        # default: site/; writes SITE_DIR/nn7-7.7.pdf

Headless Chromium (Debian's package, driven by Playwright) opens print_page/ from a local
server with every outside request blocked, opens every collapsed box (the errata), waits for
the figures and fonts, and prints A4 with page numbers and a bookmark outline that follows the
headings. The CJK text is set in WenQuanYi Micro Hei (TrueType outlines, print only), so the
PDF embeds a real font and copied text is the exact characters (Chromium prints the CFF-flavoured
Noto CJK as Type3 drawings whose text copies as Kangxi radicals). The file is then rewritten with
pikepdf without dates and with an ID derived from its content, so the same site gives the same
PDF bytes. One line and exit status 2 on failure.

Links to the site's other pages and files (the lab, the notebook, the downloads) point at the
published site when the build knew its address (site_url, from NN7_SITE_URL: the print page's
canonical link); otherwise they are printed as plain text (the cover says that the interactive
parts are on the website), never at the local server that served the page for printing.

Then the site's service worker is written again (nn7_site.offline), so that the offline copy
includes the PDF.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from nn7.fileio import write_atomic
from nn7_dev.chromium import CHROMIUM_ARGS, StaticServer, find_chromium

PDF_NAME = "nn7-7.7.pdf"
PRINT_PAGE = "print_page/"
CJK_PRINT_FONT = "WenQuanYi Micro Hei"  # TrueType: embedded as a real font (fonts-wqy-microhei)
# Before printing: every <details> open (the errata are printed), every image decoded. Links to
# this machine (the text's `make serve` address) become their text; so do, without the site's
# address (`unlink`), links that leave the print page.
PREPARE = """async (unlink) => {
    document.querySelectorAll('details').forEach((d) => d.setAttribute('open', ''));
    for (const a of Array.from(document.querySelectorAll('a[href]'))) {
        const url = new URL(a.href, location.href);
        const local = /^(127\\.\\d+\\.\\d+\\.\\d+|localhost|\\[::1\\])$/.test(url.hostname);
        const site = url.origin === location.origin;
        if ((local && !site) || (unlink && site && url.pathname !== location.pathname)) {
            const span = document.createElement('span');
            span.className = a.className;
            span.append(...a.childNodes);
            a.replaceWith(span);
        }
    }
    await Promise.all(Array.from(document.images, (img) => img.decode().catch(() => null)));
    await document.fonts.ready;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));  // laid out with them
    return Array.from(document.images).filter((img) => !(img.complete && img.naturalWidth > 0)).map((img) => img.src);
}"""


class PdfError(Exception):
    pass


def _check_font() -> None:
    import subprocess

    try:
        families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        families = ""
    if CJK_PRINT_FONT not in families:
        raise PdfError(f"the print font {CJK_PRINT_FONT!r} is not installed: apt-get install fonts-wqy-microhei")


# Chromium prints glyphs of CFF-flavoured OpenType fonts (Debian's Noto CJK .ttc among them) as
# Type3 drawings; for printing, fontconfig hides every CFF font, so each glyph comes from a
# TrueType font (WenQuanYi, DejaVu), which the PDF embeds as a font, and bold is synthesised.
FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont>
    <pattern><patelt name="fontformat"><string>CFF</string></patelt></pattern>
  </rejectfont></selectfont>
</fontconfig>
"""


def print_pdf(site: Path, target: Path) -> Path:
    """Print ``site``'s print page to ``target`` (written atomically)."""
    from playwright.sync_api import sync_playwright

    if not (site / PRINT_PAGE / "index.html").is_file():
        raise PdfError(f"{site / PRINT_PAGE}: no print page; build the site first (make site)")
    _check_font()
    chromium = find_chromium()
    if chromium is None:
        raise PdfError("Chromium not found: install Debian's `chromium` (apt-get install chromium) to print the PDF")
    server = StaticServer(site)
    origin = server.url.rstrip("/")
    fonts = tempfile.TemporaryDirectory(prefix="nn7-pdf-fonts-")
    (Path(fonts.name) / "fonts.conf").write_text(FONTCONFIG, encoding="utf-8")
    try:
        with sync_playwright() as p:
            env = {**os.environ, "FONTCONFIG_FILE": str(Path(fonts.name) / "fonts.conf")}
            browser = p.chromium.launch(executable_path=chromium, args=[*CHROMIUM_ARGS, "--font-render-hinting=none"],
                                        env=env)
            context = browser.new_context(locale="zh-CN", service_workers="block")
            blocked = []

            def route(r):
                if r.request.url.startswith(origin) or r.request.url.startswith("data:"):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.emulate_media(media="print")
            page.goto(f"{origin}/{PRINT_PAGE}", wait_until="networkidle")
            site_url = _site_url(site)
            missing = page.evaluate(PREPARE, not site_url)
            if missing:
                raise PdfError(f"figures not loaded on the print page: {', '.join(missing)}")
            # A4 and the page numbers come from print.css (@page), so a reader's own printout has them too
            raw = page.pdf(print_background=True, prefer_css_page_size=True, outline=True, tagged=True)
            browser.close()
    finally:
        server.close()
        fonts.cleanup()
    write_atomic(target, _deterministic(raw, origin + "/", site_url))
    return target


def _site_url(site: Path) -> str:
    """The site's own address (its canonical link), which the PDF's links point to; "" when
    the build did not know it (no site_url: a local build)."""
    import re

    html = (site / PRINT_PAGE / "index.html").read_text(encoding="utf-8")
    m = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    return m.group(1)[: -len(PRINT_PAGE)] if m and m.group(1).endswith(PRINT_PAGE) else ""


def _deterministic(raw: bytes, served_from: str, site_url: str) -> bytes:
    """The PDF without its creation and modification dates, with links to the site's address
    instead of the local server's (none is left pointing there), and an ID made from its content."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(raw)) as pdf:
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                action = annot.get("/A")
                if action is not None and str(action.get("/URI", "")).startswith(served_from):
                    if not site_url:  # PREPARE unlinked them all
                        raise PdfError(f"a link to the local server is left in the PDF: {action.URI}")
                    action.URI = pikepdf.String(site_url + str(action.URI)[len(served_from):])
        _renumber_structure_ids(pdf)
        for key in ("/CreationDate", "/ModDate"):
            if key in pdf.docinfo:
                del pdf.docinfo[key]
        if "/Metadata" in pdf.Root:
            del pdf.Root.Metadata
        if "/ID" in pdf.trailer:  # qpdf keeps the first half of an existing ID: make both anew
            del pdf.trailer.ID
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()


def _renumber_structure_ids(pdf) -> None:
    """The tagged PDF's structure elements carry IDs made from Chromium's internal DOM node
    numbers ("node00000477"), which depend on what the page's scripts created before; give them
    numbers in their order instead (the same order, so the ID tree stays sorted)."""
    import re

    import pikepdf

    if "/StructTreeRoot" not in pdf.Root:
        return
    pattern = re.compile(r"node\d+$")
    found: set[str] = set()
    seen: set = set()

    def walk(obj, visit):
        if isinstance(obj, pikepdf.Object) and obj.is_indirect:
            if obj.objgen in seen:
                return
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Dictionary):
            for key in list(obj.keys()):
                if key in ("/P", "/Pg", "/Parent", "/Obj"):
                    continue  # back to a parent or out to a page: already or elsewhere walked
                visit(obj, key)
                walk(obj[key], visit)
        elif isinstance(obj, pikepdf.Array):
            for k in range(len(obj)):
                visit(obj, k)
                walk(obj[k], visit)

    def collect(container, key):
        value = container[key]
        if isinstance(value, pikepdf.String) and pattern.match(str(value)):
            found.add(str(value))

    walk(pdf.Root.StructTreeRoot, collect)
    mapping = {old: f"node{k:08d}" for k, old in enumerate(sorted(found))}
    seen.clear()

    def replace(container, key):
        value = container[key]
        if isinstance(value, pikepdf.String) and str(value) in mapping:
            container[key] = pikepdf.String(mapping[str(value)])

    walk(pdf.Root.StructTreeRoot, replace)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    site = Path(args[0] if args else "site")
    try:
        target = print_pdf(site, site / PDF_NAME)
    except PdfError as err:
        print(f"pdf: error: {err}", file=sys.stderr)
        return 2
    except Exception as err:  # Playwright/Chromium failures: one line
        print(f"pdf: error: printing {site / PRINT_PAGE} failed: {type(err).__name__}: {str(err).splitlines()[0]}",
              file=sys.stderr)
        return 2
    from nn7_site.offline import write_service_worker

    write_service_worker(site)  # the offline copy (sw.js) lists the site's files: now with the PDF
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
