"""Page transforms for the site, independent of MkDocs: numbers from runs filled into the
prose, and TeX turned into MathML on the server (no script, works offline)."""

from __future__ import annotations

import html
import re

from .errors import Nn7Error

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}")


def fill(markdown: str, values: dict[str, str], page: str) -> str:
    """Replace every ``{{ name }}`` with ``values[name]``; an unknown name is an error that
    names the page and the line."""

    def sub(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            line = markdown.count("\n", 0, match.start()) + 1
            raise Nn7Error(f"{page}:{line}: unknown value {{{{ {name} }}}}; "
                           f"known: {', '.join(sorted(values))}")
        return values[name]

    return PLACEHOLDER.sub(sub, markdown)


_BOLD = {**{chr(ord("A") + i): chr(0x1D400 + i) for i in range(26)},
         **{chr(ord("a") + i): chr(0x1D41A + i) for i in range(26)}}
_MATH = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)


def _mathml(tex: str, display: bool) -> str:
    from latex2mathml.converter import convert

    out = convert(tex, display="block" if display else "inline")
    # MathML Core (what browsers implement) ignores mathvariant="bold" on <mi>:
    # write bold letters as the Unicode mathematical bold characters instead.
    return re.sub(r'<mi mathvariant="bold">([A-Za-z])</mi>', lambda m: f"<mi>{_BOLD[m.group(1)]}</mi>", out)


def render_math(page_html: str) -> str:
    """Replace pymdownx.arithmatex's generic output (``\\(…\\)`` and ``\\[…\\]``) with MathML."""

    def sub(match: re.Match) -> str:
        tag, body = match.group(1), html.unescape(match.group(2)).strip()
        display = body.startswith("\\[")
        tex = body[2:-2] if body[:2] in ("\\(", "\\[") else body
        return f'<{tag} class="arithmatex">{_mathml(tex, display)}</{tag}>'

    return _MATH.sub(sub, page_html)


_EMPTY_ID_HEADING = re.compile(r'<h([1-6]) id="">')


def name_empty_headings(page_html: str, anchors: list[str]) -> str:
    """Give headings rendered with an empty id (nbconvert drops Chinese characters from its
    ids) the anchors the page's table of contents links to, in document order."""
    it = iter(anchors)
    return _EMPTY_ID_HEADING.sub(lambda m: f'<h{m.group(1)} id="{next(it, "")}">', page_html)
