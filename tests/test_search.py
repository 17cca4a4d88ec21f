"""The site's search, through Material's real search box in headless Chromium.

The site replaces Material's lunr worker with its own (docs/assets/javascripts/search-worker.js,
configured in overrides/main.html) that matches query terms as substrings of the visible text,
so that 矩阵 also finds the pages that only say 权重矩阵.  The expected results are not written
down by hand: for every query they are computed here from the built pages themselves — each
page's article text with the tags removed — and the search box must list exactly those pages,
with a page that contains the query first, the query marked in that first result, and the
result text equal to the page's own text (no doubled or garbled words).

One browser page (one context, every outside request blocked and recorded) serves all the
queries.  A bite test feeds the worker a copy of the index in which one page no longer says the
query, and shows that the same comparison reports the page as missing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from nn7_dev.browser import StaticServer

pytestmark = [pytest.mark.browser, pytest.mark.site]

# The queries readers type, with ASCII test ids (pinyin).
QUERIES = {
    "网络": "wangluo", "初始化": "chushihua", "神经网络": "shenjingwangluo",
    "反向传播": "fanxiangchuanbo", "权重矩阵": "quanzhongjuzhen", "对称": "duicheng",
    "偏置": "pianzhi", "学习率": "xuexilv", "隐层": "yinceng", "准确率": "zhunquelv",
    "勘误": "kanwu", "梯度": "tidu", "tanh": "tanh", "矩阵": "juzhen", "传播": "chuanbo",
    "权重": "quanzhong", "拟合": "nihe", "种子": "zhongzi", "极小值": "jixiaozhi",
    "随机初始化": "suijichushihua",
}
HIGHLIGHT_QUERY = "反向传播"  # followed to its page: Material marks it there (search.highlight)
BITE_QUERY = "矩阵"
# Built pages Material's search plugin does not index.  A page excluded on purpose (front
# matter `search: exclude: true`) belongs here too; any other page missing from the index fails.
NOT_INDEXED = {"404.html", "print_page/index.html"}  # the print edition repeats the other pages
WORKER = "assets/javascripts/search-worker.js"
TIMEOUT_MS = 10_000

# Characters a reader does not see (jieba's zero-width spaces in the index among them).
INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


# --------------------------------------------------------------------------------------------
# The built pages' text
# --------------------------------------------------------------------------------------------

def fold(text: str) -> str:
    """Lower-case one character at a time where that keeps the length (as the worker does)."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def normalise(text: str) -> str:
    """Visible text as the search matches it: invisible characters removed, whitespace runs
    collapsed, Latin letters lower-cased."""
    return fold(re.sub(r"\s+", " ", INVISIBLE.sub("", text)).strip())


def squash(text: str) -> str:
    """Text for comparing a result with its page: no whitespace, no permalink sign."""
    return re.sub(r"\s+", "", normalise(text)).replace("¶", "")


def terms_of(query: str) -> list[str]:
    return [fold(t) for t in query.split()]


class _ArticleText(HTMLParser):
    """The text of <article class="md-content__inner …"> (scripts and styles left out) and the
    document's <title>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # nesting of <article> inside the content article
        self.skip = 0
        self.in_title = False
        self.parts: list[str] = []
        self.title = ""

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            classes = (dict(attrs).get("class") or "").split()
            if self.depth or "md-content__inner" in classes:
                self.depth += 1
        elif tag in ("script", "style", "template"):
            self.skip += 1
        elif tag == "title" and not self.depth:
            self.in_title = True

    def handle_endtag(self, tag):
        if tag == "article" and self.depth:
            self.depth -= 1
        elif tag in ("script", "style", "template") and self.skip:
            self.skip -= 1
        elif tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif self.depth and not self.skip:
            self.parts.append(data)


@dataclass
class Page:
    location: str  # as in the search index and the site's URLs: "", "ch7/7.7/"
    text: str  # the article's visible text, normalised
    title: str  # the document's <title>, normalised

    def contains(self, query: str) -> bool:
        return all(term in self.text for term in terms_of(query))


def location_of(html_path: str) -> str:
    """ "index.html" -> "", "ch7/7.7/index.html" -> "ch7/7.7/" (use_directory_urls)."""
    return html_path[: -len("index.html")] if html_path.endswith("index.html") else html_path


@pytest.fixture(scope="module")
def site_pages(built_site) -> dict[str, Page]:
    """Every built page Material's search indexes, by location, with its article text."""
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    indexed = {d["location"] for d in index["docs"] if "#" not in d["location"]}
    pages, skipped = {}, []
    for path in sorted(built_site.rglob("*.html")):
        rel = path.relative_to(built_site).as_posix()
        parser = _ArticleText()
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        if not parser.parts:  # no content article: a redirect or a fragment, not a page
            continue
        location = location_of(rel)
        if location in indexed:
            pages[location] = Page(location, normalise("".join(parser.parts)), normalise(parser.title))
        else:
            skipped.append(rel)
    assert set(skipped) == NOT_INDEXED, (
        f"built pages missing from search/search_index.json: {sorted(set(skipped) - NOT_INDEXED)}; "
        f"expected not indexed: {sorted(NOT_INDEXED)}, not indexed: {skipped}")
    assert indexed <= set(pages), f"index entries without a built page: {sorted(indexed - set(pages))}"
    return pages


def expected_pages(site_pages: dict[str, Page], query: str) -> set[str]:
    return {loc for loc, page in site_pages.items() if page.contains(query)}


def page_problems(query: str, expected: set[str], found: list[str]) -> list[str]:
    """What is wrong with the result pages `found` (in order) for `query`: missing pages,
    pages that do not contain the query, pages listed twice."""
    problems = [f"missing: {loc or '(home)'} contains {query!r} but is not in the results"
                for loc in sorted(expected - set(found))]
    problems += [f"extra: {loc or '(home)'} is in the results but does not contain {query!r}"
                 for loc in found if loc not in expected]
    problems += [f"listed {found.count(loc)} times: {loc or '(home)'}"
                 for loc in sorted(set(found)) if found.count(loc) > 1]
    return problems


def text_problems(query: str, page: Page, shown: list[dict]) -> list[str]:
    """Result docs whose text (marks removed) is not the page's own text: every heading and
    every text of a result must occur in the page (whitespace aside), and a term must not be
    doubled ("权重权重") unless the page says so."""
    problems = []
    body = squash(page.text)
    for doc in shown:
        heading, text = squash(doc["heading"]), squash(doc["body"])
        if heading not in body and heading not in squash(page.title):
            problems.append(f"heading {doc['heading']!r} is not on the page")
        if text not in body:
            problems.append(f"text not on the page (garbled or doubled?): {doc['body'][:200]!r}")
        for term in terms_of(query):
            if term * 2 in heading + "|" + text and term * 2 not in body:
                problems.append(f"{term!r} doubled in {doc['heading']!r}")
    return problems


def _bullets(items) -> str:
    return "\n".join(f"  - {item}" for item in items) or "  (none)"


# --------------------------------------------------------------------------------------------
# One browser page for the whole module
# --------------------------------------------------------------------------------------------

@dataclass(repr=False)
class SearchUI:
    base: str
    context: object
    page: object
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def path_of(self, href: str) -> str:
        """A result link's page location ("", "ch7/7.7/"), without query and fragment."""
        path = unquote(urlsplit(href).path)
        prefix = urlsplit(self.base).path
        return path[len(prefix):] if path.startswith(prefix) else path


@pytest.fixture(scope="module")
def search_ui(browser, built_site):
    server = StaticServer(built_site)
    origin = server.url.rstrip("/")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    s = SearchUI(server.url, context, page)

    def route(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or f"{parts.scheme}://{parts.netloc}" == origin:
            route.continue_()
        else:
            s.blocked.append(f"{route.request.method} {url}")
            route.abort("blockedbyclient")

    context.route("**/*", route)
    context.on("page", lambda p: p.on("pageerror", lambda exc: s.errors.append(f"{p.url}: {exc}")))
    page.on("pageerror", lambda exc: s.errors.append(f"{page.url}: {exc}"))
    page.on("console", lambda msg: s.errors.append(f"console: {msg.text}")
            if msg.type == "error" else None)
    page.goto(server.url, wait_until="load")
    try:
        yield s
    finally:
        context.close()
        server.close()


RESULTS = """() => Array.from(document.querySelectorAll('.md-search-result__item'), li => ({
    links: Array.from(li.querySelectorAll('a.md-search-result__link'), a => a.href),
    docs: Array.from(li.querySelectorAll('article.md-search-result__article'), art => {
        const body = art.cloneNode(true);
        body.querySelectorAll('h1, h2, .md-search-result__icon, nav.md-tags, '
                              + '.md-search-result__terms').forEach(el => el.remove());
        const heading = art.querySelector('h1, h2');
        return {
            heading: heading ? heading.textContent : '',
            body: body.textContent,
            marks: Array.from(art.querySelectorAll('mark'), m => ({
                text: m.textContent, visible: m.checkVisibility()})),
        };
    }),
}))"""

# Material shows "N 个符合条件的结果" once it has the worker's answer; all groups are rendered
# when the number of result items equals N (more than 10 would render on scrolling only).
COMPLETE = """() => {
    const n = document.querySelectorAll('.md-search-result__item').length;
    const m = (document.querySelector('.md-search-result__meta') || {}).textContent || '';
    const count = m.match(/\\d+/);
    return n > 0 && count !== null && Number(count[0]) === n;
}"""


def search(s: SearchUI, query: str) -> list[dict]:
    """Type `query` into Material's search box; the result groups as rendered."""
    page = s.page
    box = page.locator("input.md-search__input")
    box.click()  # focus: opens the search overlay
    # Material reads the query on `keyup`; Playwright inserts CJK text without key events
    # (as an IME would commit it), so finish with a key that does nothing else.
    box.fill("")
    box.press("End")
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length === 0")
    box.fill(query)
    box.press("End")
    try:
        page.wait_for_function(COMPLETE, timeout=TIMEOUT_MS)
    except Exception:
        meta = page.locator(".md-search-result__meta").all_inner_texts()
        pytest.fail(f"search for {query!r}: no complete result within {TIMEOUT_MS} ms "
                    f"(result meta: {meta}); errors:\n{_bullets(s.errors)}\n"
                    f"blocked requests:\n{_bullets(s.blocked)}")
    assert box.input_value() == query
    return page.evaluate(RESULTS)


# --------------------------------------------------------------------------------------------
# The queries
# --------------------------------------------------------------------------------------------

def test_config_names_the_site_worker(search_ui):
    config = json.loads(search_ui.page.locator("#__config").text_content())
    assert config["search"].endswith(WORKER), config["search"]
    assert "search.highlight" in config["features"]


@pytest.mark.parametrize("query", list(QUERIES), ids=list(QUERIES.values()))
def test_search_lists_exactly_the_pages_that_contain_the_query(search_ui, site_pages, query):
    expected = expected_pages(site_pages, query)
    assert expected, f"no indexed page contains {query!r}: the query tests nothing, pick another"
    groups = search(search_ui, query)
    found = [search_ui.path_of(group["links"][0]) for group in groups]
    listing = _bullets(f"{loc or '(home)'}: {group['docs'][0]['heading'].strip()}"
                       for loc, group in zip(found, groups))

    problems = page_problems(query, expected, found)
    assert not problems, (f"search for {query!r}:\n{_bullets(problems)}\nresults:\n{listing}\n"
                          f"expected (pages whose text contains it): {sorted(expected)}")

    first = site_pages[found[0]]
    assert first.contains(query), f"search for {query!r}: the first result {found[0]!r} lacks it"

    marks = [m for doc in groups[0]["docs"] for m in doc["marks"]]
    shown = [m for m in marks if m["visible"] and normalise(m["text"]) in terms_of(query)]
    assert shown, (f"search for {query!r}: the first result ({found[0] or '(home)'}) shows no "
                   f"<mark> around the query; marks: {marks}")

    for loc, group in zip(found, groups):
        problems = text_problems(query, site_pages[loc], group["docs"])
        assert not problems, (f"search for {query!r}, result {loc or '(home)'}:\n"
                              f"{_bullets(problems)}")


def test_result_link_highlights_the_query_on_its_page(search_ui, site_pages):
    groups = search(search_ui, HIGHLIGHT_QUERY)
    link = groups[0]["links"][0]
    assert parse_qs(urlsplit(link).query).get("h") == [HIGHLIGHT_QUERY], (
        f"the first result's link {link!r} does not carry h={HIGHLIGHT_QUERY}")
    page = search_ui.context.new_page()
    try:
        page.goto(link, wait_until="load")
        page.wait_for_selector("article mark[data-md-highlight]", state="attached")
        marked = page.eval_on_selector_all(
            "article mark[data-md-highlight]", "ms => ms.map(m => m.textContent)")
    finally:
        page.close()
    assert HIGHLIGHT_QUERY in marked, f"{link}: marked on the page: {marked}"


WORKER_RUN = """async ([url, docs, query]) => {
    const worker = new Worker(url);
    const ask = message => new Promise((resolve, reject) => {
        worker.onmessage = event => resolve(event.data);
        worker.onerror = event => reject(new Error(event.message));
        worker.postMessage(message);
    });
    try {
        const ready = await ask({type: 0, data: {config: {}, docs: docs, options: {suggest: false}}});
        const result = await ask({type: 2, data: query});
        return {ready: ready, result: result};
    } finally {
        worker.terminate();
    }
}"""


def run_worker(search_ui: SearchUI, docs: list[dict], query: str) -> dict:
    """Material's protocol, spoken directly to the worker named in the page's __config."""
    url = search_ui.page.evaluate(
        "() => new URL(JSON.parse(document.getElementById('__config').textContent).search,"
        " location.href).href")
    out = search_ui.page.evaluate(WORKER_RUN, [url, docs, query])
    assert out["ready"] == {"type": 1}, out["ready"]
    assert out["result"]["type"] == 3, out["result"]
    groups = out["result"]["data"]["items"]
    for group in groups:
        assert "#" not in group[0]["location"], f"a group must start with its page: {group[0]}"
        for doc in group:
            assert {"location", "title", "text", "score", "terms"} <= set(doc), doc
    return groups


def test_bite_a_worker_that_misses_a_page_is_caught(search_ui, site_pages, built_site):
    """The expectation comes from the built pages, not from the index: a worker that does not
    find a page that says the query (here: given an index in which that page's text was
    replaced) fails the same comparison the search box test makes."""
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    expected = expected_pages(site_pages, BITE_QUERY)
    assert len(expected) >= 2, f"{BITE_QUERY!r} should be on several pages: {sorted(expected)}"

    # the real index: the comparison passes
    groups = run_worker(search_ui, index["docs"], BITE_QUERY)
    assert not page_problems(BITE_QUERY, expected, [g[0]["location"] for g in groups])

    # one page's text replaced in the worker's input: that page is reported missing
    victim = sorted(expected)[-1]
    docs = [dict(d, title="（已删去）", text="<p>（已删去）</p>")
            if d["location"].split("#")[0] == victim else d for d in index["docs"]]
    groups = run_worker(search_ui, docs, BITE_QUERY)
    problems = page_problems(BITE_QUERY, expected, [g[0]["location"] for g in groups])
    assert problems == [f"missing: {victim or '(home)'} contains {BITE_QUERY!r} but is not in "
                        f"the results"], problems

    # and a doubled word in a result's text is reported too
    page = site_pages[victim]
    doubled = [{"heading": "", "body": BITE_QUERY * 2}]
    assert BITE_QUERY * 2 not in page.text
    assert text_problems(BITE_QUERY, page, doubled)


def test_no_outside_request_and_no_error_while_searching(search_ui):
    """Runs last (file order): everything the searches above did, from one page."""
    assert not search_ui.blocked, f"requests outside the site:\n{_bullets(search_ui.blocked)}"
    assert not search_ui.errors, f"errors:\n{_bullets(search_ui.errors)}"
