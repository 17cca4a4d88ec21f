"""The site's figures on screens: screen-sized WebP variants in both palettes, and the HTML that
shows them (no MkDocs import here).

Build side (:func:`figure_files`, called by the jobs that draw figures): besides the PNG under
the book's name (light palette, :data:`nn7.plots.DPI`; the page's "下载" links, the print
edition and the PDF use it), each figure is drawn once more per palette at the resolution of its
widest variant and scaled down (Lanczos) to every width of :func:`variant_widths`, each saved as
WebP. Names: ``<stem>.<palette>.<width>.webp`` next to the PNG. Pillow's encoder and resampler
are deterministic: the same figure gives the same bytes.

Page side (:func:`pictures`, applied to each built page): every ``<img>`` of a figure whose
variants were published becomes a link to the full-resolution image (a tap opens it enlarged,
docs/assets/javascripts/app.js) holding two ``<picture>`` elements, one per palette, each with
a WebP ``srcset``, ``sizes`` for the width the page gives the figure, and explicit ``width`` and
``height``; CSS shows the one of the reader's palette (Material's ``data-md-color-scheme``,
set by the palette toggle), and ``loading="lazy"`` means the hidden one is never downloaded.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import struct
from pathlib import Path
from typing import Callable
from urllib.parse import urljoin

from nn7.plots import DPI

PALETTES = ("light", "dark")
WIDTHS = (800, 1200, 1600)  # pixels: phones at 2-3x pick 800/1200, desktops at 1x 800, at 2x 1600
CSS_DPI = 100  # a figure's natural size on screen is its size at 100 dpi (nn7.plots.new_figure)
MAX_DENSITY = 2  # no variant wider than twice that
QUALITY = 85  # WebP; line art and text stay sharp at this quality (see tests/test_figures.py)
VARIANT = re.compile(r"^(?P<stem>.+)\.(?P<palette>light|dark)\.(?P<width>\d+)\.webp$")
CONTENT_PADDING_PX = 32  # Material's content column: the viewport less 2 × 0.8 rem on phones


def variant_name(png_name: str, palette: str, width: int) -> str:
    return f"{Path(png_name).stem}.{palette}.{width}.webp"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, from its header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


def variant_widths(png_width: int, dpi: float) -> list[int]:
    """The variants' widths for a figure ``png_width`` pixels wide at ``dpi``."""
    natural = png_width / dpi * CSS_DPI
    widths = [w for w in WIDTHS if w <= MAX_DENSITY * natural]
    return widths or [WIDTHS[0]]


def webp(image, width: int) -> bytes:
    """``image`` (Pillow) scaled to ``width`` pixels wide, as WebP bytes."""
    from PIL import Image

    if image.width != width:
        image = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="WEBP", quality=QUALITY, method=4)
    return out.getvalue()


def figure_files(folder: str, png_name: str, render: Callable[[str, float], bytes], dpi: float = DPI) -> dict[str, bytes]:
    """The PNG under the book's name and its screen variants, as ``{path: bytes}`` under
    ``folder``. ``render(palette, dpi)`` draws the figure and returns its PNG bytes."""
    from PIL import Image

    book = render("light", dpi)
    files = {f"{folder}/{png_name}": book}
    width, _ = png_size(book)
    widths = variant_widths(width, dpi)
    inches = width / dpi
    for palette in PALETTES:
        big = Image.open(io.BytesIO(render(palette, widths[-1] / inches)))
        big.load()
        big = big.convert("RGB")  # both palettes draw on an opaque background
        for w in widths:
            files[f"{folder}/{variant_name(png_name, palette, w)}"] = webp(big, w)
    return files


# ---------------------------------------------------------------- the pages

ZOOM_CLASS = "nn7-zoom"
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_NOSCRIPT = re.compile(r"(<noscript\b.*?</noscript\s*>)", re.I | re.S)
_ATTR = re.compile(r'([\w:-]+)\s*=\s*"([^"]*)"')


def _attrs(tag: str) -> dict[str, str]:
    return {k.lower(): html.unescape(v) for k, v in _ATTR.findall(tag)}


def _render_attrs(attrs: dict[str, str]) -> str:
    return " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items())


class Figures:
    """What :func:`pictures` needs to know of the published figures: for each PNG's site path,
    its size and the site paths of its variants per palette and width."""

    def __init__(self, published: dict[str, Path]):
        self.variants: dict[str, dict[str, dict[int, str]]] = {}
        self.sizes: dict[str, tuple[int, int]] = {}
        for site_path in published:
            m = VARIANT.match(Path(site_path).name)
            if not m:
                continue
            png = str(Path(site_path).parent / f"{m['stem']}.png")
            if png in published:
                self.variants.setdefault(png, {}).setdefault(m["palette"], {})[int(m["width"])] = site_path
        self.by_digest: dict[str, str] = {}  # SHA-256 of a figure's PNG -> its site path
        for png in self.variants:
            data = Path(published[png]).read_bytes()
            self.sizes[png] = png_size(data)
            self.by_digest[hashlib.sha256(data).hexdigest()] = png


def _relative(from_url: str, site_path: str) -> str:
    """``site_path`` as a link from the page at ``from_url`` (both site-relative)."""
    from_parts = [p for p in from_url.split("/")[:-1] if p]
    to_parts = site_path.split("/")
    common = 0
    while common < min(len(from_parts), len(to_parts) - 1) and from_parts[common] == to_parts[common]:
        common += 1
    return "/".join([".."] * (len(from_parts) - common) + to_parts[common:])


def sizes_attr(width: int) -> str:
    """The ``sizes`` of a figure shown at most ``width`` CSS pixels wide in the content column."""
    return f"(max-width: {width + CONTENT_PADDING_PX}px) calc(100vw - {CONTENT_PADDING_PX}px), {width}px"


def pictures(page_html: str, page_url: str, figures: Figures) -> str:
    """``page_html`` (a built page at site-relative ``page_url``, e.g. ``ch7/7.7/``) with each
    figure's ``<img>`` replaced as the module doc says; other images are left alone."""

    def replace(match: re.Match) -> str:
        tag = match.group(0)
        a = _attrs(tag)
        src = a.get("src", "")
        if not src or "://" in src or src.startswith(("data:", "/")):
            return tag
        site_path = urljoin("/" + page_url, src).lstrip("/")
        variants = figures.variants.get(site_path)
        if not variants or "light" not in variants:
            return tag
        natural_w, natural_h = figures.sizes[site_path]
        width = int(a["width"]) if a.get("width", "").isdigit() else round(natural_w * CSS_DPI / DPI)
        height = round(width * natural_h / natural_w)
        common = {k: v for k, v in a.items() if k not in ("src", "width", "height", "loading", "decoding", "class")}
        out = []
        for palette in PALETTES:
            widths = variants.get(palette) or variants["light"]
            srcset = ", ".join(f"{_relative(page_url, p)} {w}w" for w, p in sorted(widths.items()))
            fallback = src if palette == "light" else _relative(page_url, widths[max(widths)])
            img = {**common, "src": fallback, "width": str(width), "height": str(height),
                   "loading": "lazy", "decoding": "async"}
            if palette != "light":
                img["alt"] = a.get("alt", "")
            out.append(f'<picture class="nn7-fig nn7-fig--{palette}">'
                       f'<source type="image/webp" srcset="{srcset}" sizes="{sizes_attr(width)}">'
                       f'<img {_render_attrs(img)}></picture>')
        dark = variants.get("dark") or variants["light"]
        zoom = {"class": ZOOM_CLASS, "href": src, "data-nn7-dark": _relative(page_url, dark[max(dark)]),
                "data-nn7-width": str(round(natural_w * CSS_DPI / DPI))}
        return f'<a {_render_attrs(zoom)}>{"".join(out)}</a>'

    # <noscript> content is shown only without JavaScript: then the palette is the light one
    # (Material's toggle is a script) and nothing opens enlarged, so its images stay as they are
    parts = _NOSCRIPT.split(page_html)
    return "".join(part if part.lower().startswith("<noscript") else _IMG.sub(replace, part) for part in parts)


# ---------------------------------------------------------------- images inside a page

_DATA_IMG = re.compile(r'<img\b([^>]*?)\bsrc="data:image/png;base64,([A-Za-z0-9+/=\s]+)"([^>]*)>', re.I)


def extract_data_images(page_html: str, page_url: str, page_dir: Path, figures: Figures) -> str:
    """``page_html`` with each PNG written into it as a data: URI (the executed notebook's
    figures, some 300 KB of base64 in the page) taken out of the page: a figure the site
    publishes anyway (the same bytes) becomes a link to it (and then, by :func:`pictures`, its
    screen variants in both palettes); any other is written to a file of its own in ``page_dir``
    (the page's folder in the built site; named by its content), loaded lazily, with its width
    and height. The page is then small enough to show quickly on a slow network."""
    import base64

    def replace(m: re.Match) -> str:
        data = base64.b64decode("".join(m.group(2).split()))
        width, height = png_size(data)
        digest = hashlib.sha256(data).hexdigest()
        attrs = _attrs(f"<img {m.group(1)} {m.group(3)}>")
        attrs.pop("src", None)
        published = figures.by_digest.get(digest)
        if published is not None:
            attrs.update(src=_relative(page_url, published), width=str(round(width * CSS_DPI / DPI)))
            attrs.pop("height", None)
            return f"<img {_render_attrs(attrs)}>"
        name = f"figure-{digest[:12]}.png"
        page_dir.mkdir(parents=True, exist_ok=True)
        target = page_dir / name
        if not (target.is_file() and target.read_bytes() == data):
            target.write_bytes(data)
        attrs.update(src=name, width=str(width), height=str(height), loading="lazy", decoding="async")
        return f"<img {_render_attrs(attrs)}>"

    return _DATA_IMG.sub(replace, page_html)
