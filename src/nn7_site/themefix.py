"""Material's built style sheets, adjusted after the build (no MkDocs import here).

:func:`quiet_palette_switch`: Material's palette component marks ``<body>`` with the attribute
``data-md-color-switching`` whenever it applies the palette, and removes it in a later task,
and its palette style sheet turns off the transitions of every element under that mark
(``[data-md-color-switching] *``, ``:before``, ``:after``). The component applies the palette on
every page load, not only when the reader switches it, so every load restyles the whole page
twice for nothing: on the 7.7 page, two recalculations of about 1,100 elements each, some
60 ms of a phone's main thread at Lighthouse's 4x slower CPU, most of its blocking time.

The rule is rewritten to name the class :data:`SWITCHING_CLASS` instead, which
docs/assets/javascripts/app.js puts on ``<html>`` only while the reader switches the palette
(from the switch's ``change`` event until the next task, as Material did with its attribute):
a switch still changes every colour at once, without some of them fading; a page load no longer
restyles the page twice. tests/test_site.py checks the rewritten sheet and tests/test_browser.py
that a switch does not fade.
"""

from __future__ import annotations

import re
from pathlib import Path

SWITCHING_CLASS = "nn7-palette-switching"
_MARK = "[data-md-color-switching]"
_PALETTE_SHEETS = "assets/stylesheets/palette.*.min.css"
# The mark followed by a descendant (`*`, `:before`, `:after`, …) in a selector list.
_SELECTOR = re.compile(re.escape(_MARK) + r"(?=\s)")


class ThemeChanged(RuntimeError):
    """Material's style sheets are not what this module expects (a new Material version)."""


def quiet_palette_switch(site_dir: Path) -> Path:
    """Rewrite the palette style sheet in ``site_dir`` (see the module doc); returns its path.
    Raises :class:`ThemeChanged` when there is not exactly one such sheet or it has no rule under
    the mark (so that a Material upgrade that changes them is noticed, not silently slower)."""
    sheets = sorted(site_dir.glob(_PALETTE_SHEETS))
    if len(sheets) != 1:
        raise ThemeChanged(f"expected one Material palette style sheet {_PALETTE_SHEETS} in {site_dir}, "
                           f"found {len(sheets)}")
    sheet = sheets[0]
    css = sheet.read_text(encoding="utf-8")
    rewritten, count = _SELECTOR.subn("." + SWITCHING_CLASS, css)
    if count == 0 and f".{SWITCHING_CLASS} " not in css:
        raise ThemeChanged(f"{sheet.relative_to(site_dir)}: no rule under {_MARK} to rewrite "
                           "(Material's palette style sheet changed; see nn7_site.themefix)")
    if _MARK in rewritten:
        raise ThemeChanged(f"{sheet.relative_to(site_dir)}: {_MARK} is still used after the rewrite")
    if rewritten != css:
        sheet.write_text(rewritten, encoding="utf-8")
    return sheet
