"""Lighthouse 12 (mobile profile) on every page of the built site, served with gzip as GitHub
Pages serves it: accessibility, best practices and SEO must each score 100.

These three categories do not depend on timing (performance, which does, is measured by
`make bench`: bench/measure_lighthouse.py), so Lighthouse runs here without the performance
category and without waiting for a quiet network and CPU after each load, all pages in one
Chromium (tools/node/lighthouse-pages.mjs, installed by `make node`). One page more is a planted fault: a page with
its search dialog's name removed (the cause of the 96 every page scored before) must score below
100, so the check is shown to bite.
"""

from __future__ import annotations

import re

import pytest

from nn7_dev import lighthouse
from nn7_dev.pages import PagesServer, hardlinked_copy, site_pages

pytestmark = [pytest.mark.browser, pytest.mark.site]

BITE_PAGE = "404.html"  # the smallest page with the search dialog
BITE = re.compile(r'(<div class="md-search"[^>]*?) aria-label="[^"]*"')  # the search dialog's name
EXPECTED = 100


@pytest.fixture(scope="module")
def reports(built_site, tmp_path_factory):
    problem = lighthouse.missing()
    if problem:
        pytest.skip(f"Lighthouse cannot run: {problem}")
    bitten = hardlinked_copy(built_site, tmp_path_factory.mktemp("bite") / "site")
    page = bitten / BITE_PAGE
    html = page.read_text(encoding="utf-8")
    assert BITE.search(html), f"{BITE_PAGE}: the search dialog's name is not where the bite expects it"
    page.unlink()  # a hard link: write a new file, never into the shared site's
    page.write_text(BITE.sub(r"\1", html, count=1), encoding="utf-8")
    site, fault = PagesServer(built_site), PagesServer(bitten)
    try:
        paths = site_pages(built_site)
        # no service worker (its first visit downloads the whole site: nothing these categories
        # look at), no waiting for a quiet network and CPU after each load (nothing is timed)
        results = lighthouse.run([site.url + p for p in paths] + [fault.url + BITE_PAGE],
                                 categories=lighthouse.NON_TIMING, waits=False, blocked=("*/sw.js",))
    finally:
        site.close()
        fault.close()
    return dict(zip(paths, results[:-1])), results[-1]


def _describe(page: dict) -> str:
    lines = [f"{page['url']}: {page['categories']}"]
    for f in page["failed"]:
        lines.append(f"  {f['category']}: {f['id']} ({f['title']}), score {f['score']}: {f['items'][:3]}")
    return "\n".join(lines)


def test_every_page_is_served_and_checked(reports, built_site):
    pages, _ = reports
    assert set(pages) == set(site_pages(built_site)) and len(pages) >= 8
    for path, page in pages.items():
        assert set(page["categories"]) == set(lighthouse.NON_TIMING), (path, page["categories"])


@pytest.mark.parametrize("category", lighthouse.NON_TIMING)
def test_every_page_scores_100(reports, category):
    pages, _ = reports
    below = [_describe(p) for p in pages.values() if p["categories"][category] != EXPECTED]
    print(f"lighthouse {lighthouse.version()} {category}: " +
          ", ".join(f"{path or '(home)'} {p['categories'][category]}" for path, p in pages.items()))
    assert not below, f"{category} below {EXPECTED}:\n" + "\n".join(below)


def test_bite_a_search_dialog_without_a_name_scores_below_100(reports):
    _, bitten = reports
    assert bitten["categories"]["accessibility"] < EXPECTED, _describe(bitten)
    assert any(f["id"] == "aria-dialog-name" for f in bitten["failed"]), _describe(bitten)
