"""Accessibility fixes applied to each page's HTML at build time (no MkDocs import here).

:func:`focusable_scroll_regions` makes the boxes that scroll sideways on narrow screens
reachable from the keyboard (WCAG 2.1.1, axe rule ``scrollable-region-focusable``), in the
served HTML rather than by a script:

* Material's code blocks (``<pre><code>``; the ``<code>`` is the box that scrolls) get
  ``tabindex="0"``. Material's own script keeps it only where the block really overflows (and
  removes it on touch-only devices), as it does for the blocks it marks itself. No name: the
  ARIA role ``code`` may not be named, and the block's text is what a reader hears.
* The notebook's code cells (mkdocs-jupyter's ``<div class="highlight-ipynb …">``, a box with
  ``overflow: auto``) get ``tabindex="0"``, ``role="region"`` and a name.
* Markdown tables (``<table>`` without a class, the ones Material wraps in its scrolling
  ``.md-typeset__scrollwrap`` by script) are wrapped in ``<div class="nn7-scroll">`` with
  ``tabindex="0"``, ``role="region"`` and a name; docs/assets/extra.css makes that wrapper the
  scrolling box in place of Material's.

Text inside ``<script>``, ``<style>``, ``<textarea>`` and comments is left alone; applying the
function twice changes nothing more.

:func:`faster_first_paint` (each page but the print edition, after it is built): the scripts
at the end of the page (Material's bundle, the plugins' and the site's) are ``defer``red — they
run in the same order once the page is parsed, without holding up its first paint — and the
style sheets that only style printing (:data:`PRINT_ONLY_STYLES`) get ``media="print"``, so a
phone on a slow network paints the page without waiting for them.
"""

from __future__ import annotations

import re

CODE_CELL_LABEL = "代码"
TABLE_LABEL = "表格"
SCROLL_CLASS = "nn7-scroll"
STACK_FROM_COLUMNS = 3  # tables this wide are laid out row by row on phones

# Segments never touched: raw-text elements and comments.
_PROTECTED = re.compile(r"<(script|style|textarea)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)

# <pre …> (Pygments' empty <span></span> may come first) followed by <code …>.
_PRE_CODE = re.compile(r"(<pre\b[^>]*>(?:\s*<span>\s*</span>)?\s*)<code\b([^>]*)>", re.I)

# mkdocs-jupyter's highlighted code cell.
_CODE_CELL = re.compile(r'<div\b([^>]*\bclass="[^"]*\bhighlight-ipynb\b[^"]*"[^>]*)>', re.I)

# A table without attributes (Markdown's), and any table tag (to find its end).
_TABLE_OPEN = re.compile(r"<table\s*>", re.I)
_TABLE_TAG = re.compile(r"<(/?)table\b[^>]*>", re.I)
_WRAPPER_BEFORE = re.compile(r'<div class="' + SCROLL_CLASS + r'"[^>]*>\s*$')


def focusable_scroll_regions(html: str) -> str:
    """``html`` with its sideways-scrolling boxes keyboard-focusable (see the module doc)."""
    out, last = [], 0
    for match in _PROTECTED.finditer(html):
        out.append(_fix(html[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_fix(html[last:]))
    return "".join(out)


def _has_attr(attrs: str, name: str) -> bool:
    return re.search(r"(?:^|\s)" + name + r"\s*=", attrs, re.I) is not None


def _fix(part: str) -> str:
    part = _PRE_CODE.sub(_focusable_code, part)
    part = _CODE_CELL.sub(_named_code_cell, part)
    return _wrap_tables(part)


def _focusable_code(match: re.Match) -> str:
    attrs = match.group(2)
    if _has_attr(attrs, "tabindex"):
        return match.group(0)
    return f'{match.group(1)}<code{attrs} tabindex="0">'


def _named_code_cell(match: re.Match) -> str:
    attrs = match.group(1)
    extra = ""
    if not _has_attr(attrs, "tabindex"):
        extra += ' tabindex="0"'
    if not _has_attr(attrs, "role"):
        extra += ' role="region"'
    if not (_has_attr(attrs, "aria-label") or _has_attr(attrs, "aria-labelledby")):
        extra += f' aria-label="{CODE_CELL_LABEL}"'
    return f"<div{attrs}{extra}>"


def _wrap_tables(part: str) -> str:
    out, pos = [], 0
    while True:
        start = _TABLE_OPEN.search(part, pos)
        if start is None:
            break
        end = _table_end(part, start.start())
        if end is None:  # unbalanced: leave the rest as it is
            break
        out.append(part[pos:start.start()])
        table = part[start.start():end]
        if _WRAPPER_BEFORE.search(part[max(0, start.start() - 200):start.start()]):
            out.append(table)  # already wrapped
        else:
            out.append(f'<div class="{SCROLL_CLASS}" tabindex="0" role="region" '
                       f'aria-label="{TABLE_LABEL}">{table}</div>')
        pos = end
    out.append(part[pos:])
    return "".join(out)


def _columns(table: str) -> str:
    """For a table of 3 or more columns, its number of columns (``data-nn7-cols``) and the
    grid of its value columns (``--nn7-grid``): on phones docs/assets/extra.css puts each row's
    first cell on a line of its own and the others in that grid below it."""
    first_row = re.search(r"<tr\b.*?</tr>", table, re.S | re.I)
    n = len(re.findall(r"<t[hd]\b", first_row.group(0), re.I)) if first_row else 0
    if n < STACK_FROM_COLUMNS:
        return ""
    return f' data-nn7-cols="{n}" style="--nn7-grid: repeat({n - 1}, minmax(0, 1fr))"'


_ROLES = {"thead": "rowgroup", "tbody": "rowgroup", "tr": "row", "th": "columnheader", "td": "cell"}


def _with_roles(table: str) -> str:
    """The rows' and cells' ARIA roles written out: their phone layout (display: grid) must not
    cost them their table semantics in browsers that derive them from the layout (the
    ``<table>`` is already an inline-block in Material's styles)."""
    return re.sub(r"<(thead|tbody|tr|th|td)\b(?![^>]*\brole=)", lambda m: f'<{m.group(1)} role="{_ROLES[m.group(1).lower()]}"',
                  table, flags=re.I)


def _table_end(part: str, start: int) -> int | None:
    """The index just after the ``</table>`` that closes the table opened at ``start``."""
    depth = 0
    for tag in _TABLE_TAG.finditer(part, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return None


# ---------------------------------------------------------------- tables on phones

_WRAPPER = f'<div class="{SCROLL_CLASS}" tabindex="0" role="region" aria-label="{TABLE_LABEL}">'


def stackable_tables(page: str) -> str:
    """``page`` (each page but the print edition, after it is built) with every table of three
    or more columns in a wrapper of :func:`focusable_scroll_regions` marked with its column
    count (``data-nn7-cols``, ``--nn7-grid``) and its rows' and cells' roles: on phones
    docs/assets/extra.css puts each row's first cell above the others. Idempotent."""
    out, pos = [], 0
    while True:
        start = page.find(_WRAPPER, pos)
        if start < 0:
            break
        table_start = start + len(_WRAPPER)
        end = _table_end(page, table_start) if _TABLE_OPEN.match(page, table_start) else None
        if end is None:
            out.append(page[pos:table_start])
            pos = table_start
            continue
        table = page[table_start:end]
        columns = _columns(table)
        out.append(page[pos:start])
        out.append(_WRAPPER[:-1] + columns + ">" + (_with_roles(table) if columns else table))
        pos = end
    out.append(page[pos:])
    return "".join(out)


# ---------------------------------------------------------------- loading

# Style sheets with nothing for the screen of an ordinary page: the site's print styles
# (docs/assets/print.css, all @page and @media print) and mkdocs-print-site-plugin's (their
# screen rules style only its print page, print_page/, which is left as it is).
PRINT_ONLY_STYLES = ("assets/print.css", "css/print-site.css", "css/print-site-material.css")
_STYLE_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">')
_SCRIPT_SRC = re.compile(r"<script src=\"([^\"]+)\"></script>")


def faster_first_paint(page: str) -> str:
    """``page`` with its classic external scripts deferred and its print-only style sheets
    marked ``media="print"`` (see the module doc); idempotent."""
    def style(m: re.Match) -> str:
        href = m.group(1)
        if any(href == name or href.endswith("/" + name) for name in PRINT_ONLY_STYLES):
            return f'<link rel="stylesheet" href="{href}" media="print">'
        return m.group(0)

    page = _STYLE_LINK.sub(style, page)
    return _SCRIPT_SRC.sub(lambda m: f'<script src="{m.group(1)}" defer></script>', page)
