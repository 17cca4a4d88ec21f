"""A faster, byte-identical ``update_anchor_ids`` for mkdocs-print-site-plugin.

The plugin prefixes the ids of headings, footnote references and list items with the page's
key, so that ids stay unique on the print page. Its implementation replaces each tag in the
whole page, one ``str.replace`` per tag: quadratic, about a second per build for the 7.7 page,
on every rebuild under ``properdocs serve``. This does the same in one pass whenever that gives the
same result — every occurrence of a tag to rewrite is one of the regex's matches, so a global
replace and a replace at the matches agree, and no rewritten tag is one to rewrite again — and
otherwise calls the plugin's own function.
"""

from __future__ import annotations

import re

# the plugin's regex and tags (mkdocs_print_site_plugin.urls.update_anchor_ids)
_TAG = re.compile(r"<([^\s]+).*?id=\"([^\"]*?)\".*?>", flags=re.IGNORECASE)
_CHANGE = {"h1", "h2", "h3", "h4", "h5", "h6", "sup", "li"}


def _tag_matches(page_html: str) -> list[re.Match]:
    """The regex's matches, as ``_TAG.finditer(page_html)`` gives them, found line by line
    (``.`` never crosses a newline) and only up to the end of the last possible match of each
    line: after a line's last ``id="…"…>`` every ``<`` would scan to the end of the line, which
    is what makes the regex slow on long lines of MathML."""
    found, start = [], 0
    for line in page_html.splitlines(keepends=True):
        cut = len(line)
        while True:
            last = line.rfind('id="', 0, cut)
            if last < 0:
                cut = 0
                break
            quote = line.find('"', last + 4, cut)
            close = line.find(">", quote + 1, cut) if quote >= 0 else -1
            if close >= 0:
                cut = close + 1
                break
            cut = last  # this id cannot end a match: look before it
        found += [m for m in _TAG.finditer(page_html, start, start + cut)] if cut else []
        start += len(line)
    return found


def update_anchor_ids(page_html: str, page_key: str, original=None) -> str:
    matches = [m for m in _tag_matches(page_html) if m.group(1) in _CHANGE]
    if not matches:
        return page_html
    texts = {m.group() for m in matches}
    anywhere = re.compile("|".join(re.escape(t) for t in sorted(texts, key=len, reverse=True)))
    at_matches = {(m.start(), m.end()) for m in matches}
    if all((o.start(), o.end()) in at_matches for o in anywhere.finditer(page_html)):
        parts, last = [], 0
        for m in matches:
            parts += [page_html[last:m.start()], m.group().replace(m.group(2), f"{page_key}-{m.group(2)}")]
            last = m.end()
        result = "".join(parts) + page_html[last:]
        if anywhere.search(result) is None:
            return result
    if original is None:
        from mkdocs_print_site_plugin.urls import update_anchor_ids as original
    return original(page_html, page_key)


def install() -> None:
    """Use :func:`update_anchor_ids` in the plugin (idempotent)."""
    from mkdocs_print_site_plugin import urls

    original = getattr(urls, "_nn7_original_update_anchor_ids", urls.update_anchor_ids)
    urls._nn7_original_update_anchor_ids = original
    urls.update_anchor_ids = lambda page_html, page_key: update_anchor_ids(page_html, page_key, original)
