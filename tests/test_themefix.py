"""Material's palette style sheet (nn7_site.themefix) and the print edition's mark
(nn7_site.pages.mark_print_edition): rewritten at build time so that a page load does not
restyle the whole page for nothing; the class names they write are the ones the site's script
and style sheet use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nn7_site import themefix
from nn7_site.pages import PRINT_EDITION_CLASS, mark_print_edition

ROOT = Path(__file__).resolve().parents[1]
APP_JS = ROOT / "docs" / "assets" / "javascripts" / "app.js"
EXTRA_CSS = ROOT / "docs" / "assets" / "extra.css"

# The rule as Material 9.7 writes it (minified, inside a media query).
MATERIAL_RULE = ("@media screen{[data-md-color-scheme=slate]{--md-hue:232}"
                 "[data-md-color-switching] *,[data-md-color-switching] :after,"
                 "[data-md-color-switching] :before{transition-duration:0s!important}}")


def _site_with(tmp_path: Path, css: str, name: str = "palette.0123abcd.min.css") -> Path:
    sheets = tmp_path / "assets" / "stylesheets"
    sheets.mkdir(parents=True)
    (sheets / name).write_text(css, encoding="utf-8")
    return tmp_path


def test_the_palette_rule_names_the_class_instead_of_the_mark(tmp_path):
    sheet = themefix.quiet_palette_switch(_site_with(tmp_path, MATERIAL_RULE))
    css = sheet.read_text(encoding="utf-8")
    cls = "." + themefix.SWITCHING_CLASS
    assert css == (f"@media screen{{[data-md-color-scheme=slate]{{--md-hue:232}}{cls} *,{cls} :after,"
                   f"{cls} :before{{transition-duration:0s!important}}}}")
    themefix.quiet_palette_switch(tmp_path)  # again (a rebuild that did not copy the sheet anew)
    assert sheet.read_text(encoding="utf-8") == css


@pytest.mark.parametrize("css, problem", [
    ("[data-md-color-scheme=slate]{--md-hue:232}", "no rule under"),
    ("[data-md-color-switching] *{transition:none}[data-md-color-switching]{color:red}", "still used"),
])
def test_a_changed_material_sheet_is_an_error_not_a_silent_slowdown(tmp_path, css, problem):
    with pytest.raises(themefix.ThemeChanged, match=problem):
        themefix.quiet_palette_switch(_site_with(tmp_path, css))


def test_no_palette_sheet_is_an_error(tmp_path):
    (tmp_path / "assets").mkdir()
    with pytest.raises(themefix.ThemeChanged, match="found 0"):
        themefix.quiet_palette_switch(tmp_path)


def test_the_site_script_sets_the_class_the_sheet_names():
    script = APP_JS.read_text(encoding="utf-8")
    assert re.search(r'const SWITCHING = "' + re.escape(themefix.SWITCHING_CLASS) + '"', script)


def test_the_print_edition_is_marked_once():
    page = '<html><body dir="ltr" data-md-color-scheme="default"><div id="print-site-page"></div></body></html>'
    marked = mark_print_edition(page)
    assert marked == page.replace("<body ", f'<body class="{PRINT_EDITION_CLASS}" ', 1)
    with pytest.raises(ValueError, match="no <body>"):
        mark_print_edition(marked)
    assert f".{PRINT_EDITION_CLASS} " in EXTRA_CSS.read_text(encoding="utf-8")


@pytest.mark.site
def test_the_built_site_has_the_rewritten_sheet_and_the_marked_print_edition(built_site):
    (sheet,) = built_site.glob("assets/stylesheets/palette.*.min.css")
    css = sheet.read_text(encoding="utf-8")
    assert "data-md-color-switching" not in css
    assert f".{themefix.SWITCHING_CLASS} *" in css
    printed = (built_site / "print_page" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<body class="' + PRINT_EDITION_CLASS + '"', printed)
    page = (built_site / "ch7" / "7.7" / "index.html").read_text(encoding="utf-8")
    assert PRINT_EDITION_CLASS not in page
