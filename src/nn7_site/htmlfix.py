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
"""

from __future__ import annotations

import re

CODE_CELL_LABEL = "代码"
TABLE_LABEL = "表格"
SCROLL_CLASS = "nn7-scroll"

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


def _table_end(part: str, start: int) -> int | None:
    """The index just after the ``</table>`` that closes the table opened at ``start``."""
    depth = 0
    for tag in _TABLE_TAG.finditer(part, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end()
    return None
