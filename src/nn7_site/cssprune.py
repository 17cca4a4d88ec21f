"""The notebook page without the style rules nothing on it can match (no MkDocs import here).

mkdocs-jupyter writes JupyterLab's whole style sheet into the notebook page, about 590 KB of
CSS inside ``<style>`` elements, for a page that uses a few dozen of its classes: a phone had to
download and parse all of it before the page's first paint. :func:`prune_page` removes from
those ``<style>`` elements every rule none of whose selectors can match an element of the page:
a selector is kept when every class and id it requires (outside functional pseudo-classes such
as ``:not(…)``, ``:is(…)`` or ``:has(…)``, whose arguments are not required) occurs on the page,
and it does not ask for ``html``, ``body`` or ``:root`` inside another element.
At-rules with a block of rules (``@media``, ``@supports``, ``@layer``) are pruned inside;
``@font-face``, ``@keyframes`` and the like are kept whole. No script creates the classes of
JupyterLab's interactive widgets on this site, so what is removed can never apply.
tests/test_phone.py checks that every element of the page keeps its computed style.
"""

from __future__ import annotations

import functools
import re

_CLASS_ATTR = re.compile(r'\bclass\s*=\s*"([^"]*)"', re.I)
_ID_ATTR = re.compile(r'\bid\s*=\s*"([^"]*)"', re.I)
_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.S | re.I)
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_ID = re.compile(r"#(-?[_a-zA-Z][\w-]*)")
NESTING_AT_RULES = ("@media", "@supports", "@layer", "@container", "@document")


def names(page: str) -> tuple[set[str], set[str]]:
    """The classes and ids used on ``page``."""
    classes: set[str] = set()
    for value in _CLASS_ATTR.findall(page):
        classes.update(value.split())
    return classes, {v.strip() for v in _ID_ATTR.findall(page)}


def _strip_functions(selector: str) -> str:
    """``selector`` without the arguments of functional pseudo-classes and without attribute
    selectors and strings (whose contents are not class or id requirements)."""
    out, depth, k = [], 0, 0
    while k < len(selector):
        ch = selector[k]
        if ch in "\"'":
            end = selector.find(ch, k + 1)
            k = len(selector) if end < 0 else end + 1
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0:
            out.append(ch)
        k += 1
    return "".join(out)


def _split_top(text: str, sep: str = ",") -> list[str]:
    parts, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:k])
            start = k + 1
    parts.append(text[start:])
    return parts


_COMBINATOR = re.compile(r"\s*[>+~]\s*|\s+")
_HTML = re.compile(r"(?i)(?:html(?![\w-])|:root(?![\w-]))")
_BODY = re.compile(r"(?i)body(?![\w-])")


def _impossible(compounds: list[str]) -> bool:
    """html and :root are never inside another element, body only inside html."""
    for k, compound in enumerate(compounds[1:], start=1):
        if _HTML.match(compound) or ":root" in compound:
            return True
        if _BODY.match(compound) and not _HTML.match(compounds[k - 1]):
            return True
    return False


def selector_can_match(selector: str, classes: set[str], ids: set[str]) -> bool:
    bare = _strip_functions(selector).strip()
    if not (all(c in classes for c in _CLASS.findall(bare)) and all(i in ids for i in _ID.findall(bare))):
        return False
    # mkdocs-jupyter's ".jupyter-wrapper :root { … }" alone holds some 80 KB of custom properties
    return not _impossible([c for c in _COMBINATOR.split(bare) if c])


def _blocks(css: str):
    """(prelude, body or None) for each top-level statement of ``css``; comments dropped."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    k, n = 0, len(css)
    while k < n:
        start = k
        while k < n and css[k] not in "{;":
            if css[k] in "\"'":
                end = css.find(css[k], k + 1)
                k = n if end < 0 else end
            k += 1
        if k >= n:
            rest = css[start:].strip()
            if rest:
                yield rest, None
            return
        if css[k] == ";":
            yield css[start:k + 1].strip(), None
            k += 1
            continue
        prelude = css[start:k].strip()
        depth, body_start = 1, k + 1
        k += 1
        while k < n and depth:
            if css[k] in "\"'":
                end = css.find(css[k], k + 1)
                k = n if end < 0 else end
            elif css[k] == "{":
                depth += 1
            elif css[k] == "}":
                depth -= 1
            k += 1
        yield prelude, css[body_start:k - 1]


def prune_css(css: str, classes: set[str], ids: set[str]) -> str:
    out = []
    for prelude, body in _blocks(css):
        if body is None:
            out.append(prelude)
        elif prelude.startswith("@"):
            if prelude.lower().startswith(NESTING_AT_RULES):
                inner = prune_css(body, classes, ids)
                if inner.strip():
                    out.append(f"{prelude}{{{inner}}}")
            else:
                out.append(f"{prelude}{{{body}}}")
        elif any(selector_can_match(s, classes, ids) for s in _split_top(prelude)):
            out.append(f"{prelude}{{{body}}}")
    return "\n".join(out)


@functools.lru_cache(maxsize=4)  # `properdocs serve` rebuilds the same notebook page after each prose edit
def prune_page(page: str) -> str:
    """``page`` with the rules of its ``<style>`` elements that cannot match removed."""
    classes, ids = names(_STYLE.sub("", page))
    return _STYLE.sub(lambda m: m.group(1) + prune_css(m.group(2), classes, ids) + m.group(3), page)
