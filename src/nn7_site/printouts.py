"""Printouts that reflow on a phone without losing their columns (no MkDocs import here).

A printout line such as ``轮数 999, 迭代 25000, 训练集: loss 0.022338, accu 0.4950, 验证集: …`` is
about 90 characters: at 390 px it used to show "loss 0.022218, acc" and hide the rest. Here
each line of a printout (the code blocks marked ``<!-- nn7:printout … -->`` and the notebook's
text outputs) longer than :data:`SHORT` columns is wrapped in ``<span class="nn7-l">`` and split
into cells ``<span class="nn7-c">``: a cell is a field of the line (``训练集: loss 0.022338, accu 0.4950,``, ``W1=[[0.
0.]],``, ``median R2  0.618``), and a line may break only between cells. docs/assets/extra.css
turns this on for narrow screens only: a line that does not fit continues on the next line,
indented (under its first cell, plus two), and because every line of a block breaks after
the same cells, the columns of a trace or of the sweep's table stay aligned. A cell wider than
the screen by itself wraps inside. Runs of dashes (``-----…``, a separator) are cells of their
own, cut to the width of the screen.

Only spans are added: the text is the same characters, so selecting and copying it, or
Material's copy button, gives the printout exactly.
"""

from __future__ import annotations

import html
import re

PRINTOUT_CLASS = "nn7-printout"
LINE_CLASS = "nn7-l"
CELL_CLASS = "nn7-c"
RULE_CLASS = "nn7-rule"

_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
# Where a line may break: after a comma and spaces when a new field follows (a Chinese label or
# `name=`), or after padding of two or more spaces when a word follows (not a number).
BREAK = re.compile(rf"(?:,[ ]+(?=[{_CJK}]|[A-Za-z_]\w*=)|[ ]{{2,}}(?=[A-Za-z{_CJK}]))")
RULE = re.compile(r"^-{8,}$")

# A printout's code block (pymdownx.highlight with the `text` lexer), after its marker comment.
# A title (which quantity a printout in the book's format shows) comes before the <pre>.
_MARKED = re.compile(r'(<!-- nn7:printout [^>]*-->\s*(?:<p>\s*)?<div class="language-text highlight)(">'
                     r'(?:<span class="filename">[^<]*</span>)?<pre>(?:<span></span>)?<code\b[^>]*>)(.*?)(</code></pre>)', re.S)
# The notebook's text outputs (mkdocs-jupyter).
_NOTEBOOK = re.compile(r'(<div class="[^"]*\bjp-RenderedText\b[^"]*"[^>]*data-mime-type="text/plain"[^>]*>\s*<pre)'
                       r'(>)(.*?)(</pre>)', re.S)


def cells(line: str) -> list[tuple[str, str]]:
    """``line`` as (cell, the space after it); the spaces before the first cell come first as
    ("", spaces). A cell keeps the padding that aligns the next column, but for one space: the
    line may break at that space, and a space at the end of a line takes no room, so two rows
    whose columns line up break at the same places."""
    out = []
    lead = len(line) - len(line.lstrip(" "))
    if lead:
        out.append(("", line[:lead]))
    rest, pos = line[lead:], 0
    for m in BREAK.finditer(rest):
        body = rest[pos:m.end()]
        out.append((body[:-1], " "))
        pos = m.end()
    if pos < len(rest) or not out:
        body = rest[pos:]
        stripped = body.rstrip(" ")
        out.append((stripped, body[len(stripped):]))
    return out


def _line(text_line: str) -> str:
    parts = []
    for cell, space in cells(text_line):
        if cell:
            cls = RULE_CLASS if RULE.match(cell) else CELL_CLASS
            parts.append(f'<span class="{cls}">{html.escape(cell, quote=False)}</span>')
        parts.append(space)
    lead = len(text_line) - len(text_line.lstrip(" "))
    style = f' style="--lead:{lead}"' if lead else ""  # continuation lines go on under the first cell
    return f'<span class="{LINE_CLASS}"{style}>{"".join(parts)}</span>'


SHORT = 32  # columns (a Chinese character is two): a line this short fits a 320 px phone as it is


def columns(line: str) -> int:
    return sum(2 if "\u3000" <= ch <= "\uffef" else 1 for ch in line)


def mark_text(escaped: str) -> str:
    """The escaped text of a printout with its long lines and their cells marked (the text
    unchanged); a short line stays as it is (less for the browser to lay out)."""
    if "<" in escaped:  # already marked up (or highlighted): leave it
        return escaped
    text = html.unescape(escaped)
    return "\n".join(_line(line) if columns(line) > SHORT else html.escape(line, quote=False)
                     for line in text.split("\n"))


def reflowable(page: str) -> str:
    """``page`` with every printout marked (see the module doc); idempotent."""
    def printout(m: re.Match) -> str:
        return f"{m.group(1)} {PRINTOUT_CLASS}{m.group(2)}{mark_text(m.group(3))}{m.group(4)}"

    def notebook(m: re.Match) -> str:
        return f'{m.group(1)} class="{PRINTOUT_CLASS}"{m.group(2)}{mark_text(m.group(3))}{m.group(4)}'

    page = _MARKED.sub(printout, page)
    return _NOTEBOOK.sub(notebook, page)
