"""Page transforms for the site, independent of MkDocs: the pages are templates filled with
the values the runs published (glue), and TeX is turned into MathML on the server (no
script, works offline)."""

from __future__ import annotations

import difflib
import functools
import html
import re
from pathlib import Path

from nn7.errors import Nn7Error
from nn7.fmt import array_line

# Jinja's comment delimiters, changed from {# #}: Markdown attribute lists write `{#id}`.
COMMENT = ("{##", "##}")


def _fixed(x, digits: int = 4) -> str:
    """``{{ x | fixed(4) }}``: a number with a fixed count of decimals."""
    return f"{float(x):.{digits}f}"


def _g(x) -> str:
    """``{{ x | g }}``: a number the short way (0.5, 1000, 2.89)."""
    return f"{float(x):g}"


def _pct(x, digits: int = 0) -> str:
    """``{{ x | pct }}``: a fraction as a percentage (0.125 -> 12%)."""
    return f"{100 * float(x):.{digits}f}%"


def _arr(x, precision: int = 4) -> str:
    """``{{ x | arr }}``: an array as the traces print it (NumPy's layout, one line)."""
    return array_line(x, precision)


FILTERS = {"fixed": _fixed, "g": _g, "pct": _pct, "arr": _arr}


@functools.lru_cache(maxsize=4)
def environment(docs_dir: str | Path):
    """The template environment of the pages: an unknown name is an error, and pages may
    import the macros of docs/_partials/ (an edited partial is read again: Jinja checks its
    modification time)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(docs_dir)), undefined=jinja2.StrictUndefined,
                             autoescape=False, keep_trailing_newline=True,
                             comment_start_string=COMMENT[0], comment_end_string=COMMENT[1])
    env.filters.update(FILTERS)
    return env


def render(markdown: str, values: dict, page: str, docs_dir: str | Path) -> str:
    """The page's Markdown with every ``{{ … }}`` filled from ``values`` (the build's glue).
    A name that does not exist, or a template error, is one error naming the page and line."""
    import jinja2

    try:
        return _compiled(str(docs_dir), markdown).render(values)
    except jinja2.TemplateSyntaxError as err:
        where = page if err.name in (None, "<template>") else f"{page} (in {err.name})"
        raise Nn7Error(f"{where}:{err.lineno}: template error: {err.message}") from None
    except jinja2.UndefinedError as err:
        line, file = _template_line(err)
        where = page if file in (None, "<template>") else f"{page} (in {file})"
        raise Nn7Error(f"{where}:{line}: unknown value: {err.message}{_suggest(err.message, values)}; "
                       "`python -m nn7 values` lists every name") from None
    except jinja2.TemplateError as err:
        raise Nn7Error(f"{page}: template error: {err}") from None
    except (TypeError, ValueError) as err:
        line, _ = _template_line(err)
        raise Nn7Error(f"{page}:{line}: cannot format a value: {err}") from None


@functools.lru_cache(maxsize=64)
def _compiled(docs_dir: str, markdown: str):
    """A page's template, compiled once per text (a rebuild under `properdocs serve` recompiles
    only the pages that changed)."""
    return environment(docs_dir).from_string(markdown)


def _template_line(err: BaseException) -> tuple[object, str | None]:
    """The template line (and file) that raised, from the traceback Jinja rewrites."""
    line, file = "?", None
    tb = err.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name == "<template>" or name.endswith(".md"):
            line, file = tb.tb_lineno, name
        tb = tb.tb_next
    return line, file


def _suggest(message: str, values: dict) -> str:
    m = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", message or "")
    if not m:
        return ""
    wanted = m.group(1) or m.group(2)
    names = set(flatten(values)) | set(values)
    close = difflib.get_close_matches(wanted, sorted({n.rsplit(".", 1)[-1] for n in names} | names), n=3)
    return f" (did you mean {', '.join(close)}?)" if close else ""


def flatten(values, prefix: str = "") -> dict[str, object]:
    """Every value by its dotted name (``case1.final.val_r2``); lists of numbers stay whole,
    lists of records are numbered (``trace_case2.steps.0.W2``)."""
    out: dict[str, object] = {}
    if isinstance(values, dict):
        for k, v in values.items():
            out |= flatten(v, f"{prefix}{k}.")
    elif isinstance(values, list) and values and all(isinstance(v, dict) for v in values):
        for i, v in enumerate(values):
            out |= flatten(v, f"{prefix}{i}.")
    else:
        out[prefix[:-1]] = values
    return out


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


PRINT_EDITION_CLASS = "nn7-print-edition"
_BODY = re.compile(r"<body\b(?![^>]*\bclass=)", re.I)


def mark_print_edition(page_html: str) -> str:
    """The print edition's ``<body>`` with the class :data:`PRINT_EDITION_CLASS`, which
    docs/assets/extra.css styles (a selector ``body:has(#print-site-page)`` would do the same, but
    has every change anywhere on every page checked against it while the page loads)."""
    out, count = _BODY.subn(f'<body class="{PRINT_EDITION_CLASS}"', page_html, count=1)
    if count != 1:
        raise ValueError("the print edition has no <body> without a class attribute to mark")
    return out


_SECTION = re.compile(r'<section class="print-page" id="([^"]+)"')
_ID = re.compile(r'\bid="([^"]+)"')


def fix_print_links(page_html: str, page_urls: dict[str, str]) -> str:
    """The print edition (mkdocs-print-site-plugin's print_page) turns a link to another page's
    anchor into ``#PAGE-ANCHOR`` but renames only headings, not other anchored elements (the
    appendix's numbered formulas). Give those elements the ids the links use; point a link to
    a page left out of the print edition at that page on the site (``page_urls``: section id →
    URL relative to print_page/)."""
    sections = [(m.start(), m.group(1)) for m in _SECTION.finditer(page_html)]
    wanted = set(re.findall(r'href="#([^"]+)"', page_html))
    ids = set(_ID.findall(page_html))

    def rename(m: re.Match) -> str:
        section = next((sid for start, sid in reversed(sections) if start < m.start()), None)
        new = f"{section}-{m.group(1)}" if section else None
        return f'id="{new}"' if new in wanted and new not in ids else m.group(0)

    out = _ID.sub(rename, page_html)
    ids = set(_ID.findall(out))

    def relink(m: re.Match) -> str:
        target = m.group(1)
        if target in ids:
            return m.group(0)
        for sid, url in page_urls.items():
            if target == sid or target.startswith(sid + "-"):
                return f'href="{url}"'
        return m.group(0)

    return re.sub(r'href="#([^"]+)"', relink, out)
