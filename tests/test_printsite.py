"""nn7_site.printsite's update_anchor_ids gives the print-site plugin's own results, byte for
byte: on every page of the built site, and on a page where its one-pass shortcut does not apply
(a tag to rewrite also occurs where the regex does not match it)."""

from __future__ import annotations

import pytest
from mkdocs_print_site_plugin.urls import update_anchor_ids as original

from nn7_site.printsite import _TAG, _tag_matches, update_anchor_ids

pytestmark = [pytest.mark.site]


def test_the_same_ids_as_the_plugin_on_every_page(built_site):
    pages = sorted(p for p in built_site.rglob("*.html") if "print_page" not in p.parts)
    assert len(pages) >= 8
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert [(m.span(), m.groups()) for m in _tag_matches(html)] == [(m.span(), m.groups()) for m in _TAG.finditer(html)]
        key = page.parent.name or "index"
        assert update_anchor_ids(html, key, original) == original(html, key), page


@pytest.mark.parametrize("html", [
    # the tag to rewrite also sits inside an attribute (no regex match there): the plugin's global
    # replace rewrites both, so the shortcut must not be taken
    '<div title=\'<li id="a">\'>x</div>\n<li id="a">one</li>\n',
    # a rewritten id equals another tag's: the plugin rewrites that one twice
    '<h2 id="a">A</h2>\n<h2 id="k-a">B</h2>\n',
    # a long line with many tags after its last id, and a line without any id
    '<p>' + '<span>x</span>' * 40 + '<sup id="fnref:1">1</sup>' + '<b>y</b>' * 40 + '</p>\n<p>none</p>\n',
    '',
])
def test_the_same_ids_as_the_plugin_where_the_shortcut_does_not_apply(html):
    assert update_anchor_ids(html, "k", original) == original(html, "k")
