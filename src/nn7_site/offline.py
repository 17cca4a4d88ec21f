"""The site as an installable offline app: the web app manifest and its icons, and the service
worker, written from the files of a finished build.

:func:`write_app` (the hook's on_post_build) writes ``manifest.webmanifest`` (the site's name
and description from mkdocs.yml, relative addresses so that it works under any base path) and
its icons (drawn here: the 1-2-1 network on the site's indigo, deterministic PNG bytes).

:func:`write_service_worker` (the hook's on_post_build; tools/pdf.py again once the PDF is
there) lists every file of the built site with its SHA-256 and writes ``sw.js`` at the site's
root from the template :data:`TEMPLATE` (``sw.js`` next to this module). The list is the
folder's content, so no file can be forgotten; the version is a digest of the list, so
byte-identical builds give the same version and any changed byte gives a new one.

Left out of the list (and so of the version): ``sw.js`` itself, the sitemaps (for search
engines; ``sitemap.xml.gz`` is compressed with the time of the build) and source maps (for
developer tools). Removed from the build first: Material's lunr search worker and its language
files, which no page loads (the site's own search worker, docs/assets/javascripts/
search-worker.js, replaces them; overrides/main.html).

What the worker does (see the template): it caches every listed file under its version before
it takes over (checking each file's hash, so a half-deployed site is never cached), then answers
every request of the site from that one version's cache — never a page of one build with the
assets of another. A new version waits until the reader accepts the refresh the page offers
(docs/assets/javascripts/app.js). It works under any base path (everything is relative to the
worker's own address) and stands down under the development server (`make serve`).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import shutil
from pathlib import Path

SW_NAME = "sw.js"
TEMPLATE = Path(__file__).with_name("sw.js")
NOT_LISTED = {SW_NAME, "sitemap.xml", "sitemap.xml.gz"}
NOT_LISTED_SUFFIXES = (".map",)
UNUSED = ("assets/javascripts/lunr", "assets/javascripts/workers")  # Material's search worker and its languages
VERSION_CHARS = 16


def remove_unused(site: Path) -> None:
    for rel in UNUSED:
        shutil.rmtree(site / rel, ignore_errors=True)


def listed(rel: str) -> bool:
    return rel not in NOT_LISTED and not rel.endswith(NOT_LISTED_SUFFIXES)


def precache_list(site: Path) -> list[list[str]]:
    """[site path, SHA-256 hex] of every file the worker keeps, sorted by the path's text."""
    paths = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    return [[rel, hashlib.sha256((site / rel).read_bytes()).hexdigest()] for rel in paths if listed(rel)]


def version(entries: list[list[str]]) -> str:
    digest = hashlib.sha256("".join(f"{rel}\t{sha}\n" for rel, sha in entries).encode()).hexdigest()
    return digest[:VERSION_CHARS]


def service_worker(entries: list[list[str]]) -> str:
    """The worker's source for ``entries`` (the template with its version and file list)."""
    template = TEMPLATE.read_text(encoding="utf-8")
    for marker in ("__NN7_VERSION__", "__NN7_FILES__"):
        if template.count(marker) != 1:
            raise ValueError(f"{TEMPLATE}: {marker} must occur exactly once")
    files = json.dumps(entries, separators=(",", ":"))
    return template.replace("__NN7_VERSION__", version(entries)).replace("__NN7_FILES__", files)


def write_service_worker(site: Path) -> str:
    """Remove what no page loads, then write ``site/sw.js`` for the files now in ``site``;
    returns the version."""
    site = Path(site)
    remove_unused(site)
    entries = precache_list(site)
    (site / SW_NAME).write_text(service_worker(entries), encoding="utf-8")
    return version(entries)


def read_service_worker(site: Path) -> tuple[str, list[list[str]]]:
    """(version, entries) of the worker written into ``site``."""
    text = (Path(site) / SW_NAME).read_text(encoding="utf-8")
    start = text.index("const VERSION = ") + len("const VERSION = ")
    ver = json.loads(text[start:text.index("\n", start)].rstrip(";"))
    start = text.index("const FILES = ") + len("const FILES = ")
    files = json.loads(text[start:text.index("\n", start)].rstrip(";"))
    return ver, files


# ---------------------------------------------------------------- the app: manifest and icons

MANIFEST = "manifest.webmanifest"
APP_DIR = "assets/app"
ICONS = {"icon-192.png": 192, "icon-512.png": 512, "apple-touch-icon.png": 180, "favicon.png": 48}
MATERIAL_PRIMARY = {"indigo": "#4051b5"}  # Material's primary colours (mkdocs.yml's palette) used here
BACKGROUND = "#ffffff"


@functools.lru_cache(maxsize=16)  # the same bytes at every rebuild under `properdocs serve`
def icon(size: int, colour: str) -> bytes:
    """The app's icon: the 1-2-1 network (input, two hidden units, output) in white on
    ``colour``, filling the square (a maskable icon: everything inside the central 80 %)."""
    from PIL import Image, ImageDraw

    scale = 4  # drawn 4x larger, then reduced: smooth edges
    n = size * scale
    image = Image.new("RGB", (n, n), colour)
    draw = ImageDraw.Draw(image)
    nodes = [(0.26, 0.5), (0.5, 0.31), (0.5, 0.69), (0.74, 0.5)]
    for a, b in ((0, 1), (0, 2), (1, 3), (2, 3)):
        draw.line([tuple(v * n for v in nodes[a]), tuple(v * n for v in nodes[b])], fill="white",
                  width=round(0.035 * n))
    r = 0.075 * n
    for x, y in nodes:
        draw.ellipse([x * n - r, y * n - r, x * n + r, y * n + r], fill="white")
    out = io.BytesIO()
    image.resize((size, size), Image.Resampling.LANCZOS).save(out, format="PNG", optimize=True)
    return out.getvalue()


def manifest(name: str, short_name: str, description: str, colour: str) -> str:
    icons = [{"src": f"{APP_DIR}/{file}", "sizes": f"{size}x{size}", "type": "image/png"}
             for file, size in ICONS.items() if file.startswith("icon-")]
    icons.append({**icons[-1], "purpose": "maskable"})  # the largest, which fills its square
    data = {"name": name, "short_name": short_name, "description": description, "lang": "zh-CN",
            "start_url": "./", "scope": "./", "display": "standalone", "theme_color": colour,
            "background_color": BACKGROUND, "icons": icons}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_app(site: Path, name: str, short_name: str, description: str, primary: str = "indigo") -> None:
    """The manifest and the icons, into the built ``site``."""
    site = Path(site)
    colour = MATERIAL_PRIMARY.get(primary, MATERIAL_PRIMARY["indigo"])
    (site / APP_DIR).mkdir(parents=True, exist_ok=True)
    for file, size in ICONS.items():
        (site / APP_DIR / file).write_bytes(icon(size, colour))
    (site / MANIFEST).write_text(manifest(name, short_name, description, colour), encoding="utf-8")
