"""One name per quantity, for a student reading every surface.

* No surface shows `accu` for two different quantities: the 7.7 page's printout, `nn7 train`
  (default and --accuracy book), the notebook and the lab's engine, for the same run, label the
  book's 1 − loss/var(y) `accu` and the coefficient of determination `R²`, never the other way.
* Every printout that reproduces the book's format says which quantity its accu is; the
  figures and their CSVs call R² 决定系数 R² and the loss 损失.
* The site-added text uses the decided terms, and links each glossary term where a reader
  first meets it.
* The home page and the print edition's cover name the book the same way; an erratum is
  reported at the repository only where one is known.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from nn7 import experiments

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

# The lab's engine module and its functions that train and format the log (the lab helper is
# splitting the lab into modules: this is the one place that names them).
LAB_ENGINE = ("assets/lab/nn7.js", "train", "formatLog")

CASE = "case3"  # the run every surface shows
LOG = re.compile(r"轮数 (\d+), 迭代 (\d+), 训练集: loss (\S+), (\S+) (\S+), 验证集: loss (\S+), (\S+) (\S+)")
LABELS = {"book": "accu", "r2": "R²"}  # the decided label of each quantity


def quantities(final: dict, value: str, which: str) -> set[str]:
    """The quantities (book, r2) of the run whose value prints as ``value`` (4 decimals)."""
    return {kind for kind in LABELS if f"{final[f'{which}_{kind}']:.4f}" == value}


def labelled(surface: str, text: str, final: dict) -> list[tuple[str, str, str]]:
    """(surface, label, quantity) for both sets of every log line of the run ``final`` in ``text``."""
    out = []
    for m in LOG.finditer(text):
        _, _, tl, tlabel, tvalue, vl, vlabel, vvalue = m.groups()
        if tl != f"{final['train_loss']:.6f}" or vl != f"{final['val_loss']:.6f}":
            continue  # another checkpoint or another run
        for which, label, value in (("train", tlabel, tvalue), ("val", vlabel, vvalue)):
            found = quantities(final, value, which)
            assert found, f"{surface}: `{label} {value}` is neither the book's accu nor R² of the run"
            out += [(surface, label, q) for q in found]
    return out


def cli(*args) -> str:
    from nn7_cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(list(args)) == 0
    return out.getvalue()


def test_no_surface_shows_accu_for_two_quantities(built_site, generated, browser):
    """The same run (case 3) on every surface: each label names one quantity, accu the book's
    and R² the coefficient of determination. Depends on nn7.train.Checkpoint.log_line and the
    lab's formatLog printing `R²` for R² (the lab branch): until then `nn7 train` prints accu
    for R², and this fails."""
    from nn7_dev.browser import JsModules
    from nn7_site.layout import NOTEBOOK

    case = experiments.case(CASE)
    final = generated.values[experiments.glue_name(CASE)]["final"]
    s = case.settings
    run = ["--init", case.init, "--seed", str(case.seed), "--lr", str(s.lr), "--epochs", str(s.epochs),
           "--batch-size", str(s.batch_size), "--every", str(s.epochs)]
    seen = []
    seen += labelled("7.7 page", text_of(built_site / "ch7" / "7.7" / "index.html"), final)
    seen += labelled("nn7 train", cli("train", *run), final)
    seen += labelled("nn7 train --accuracy book", cli("train", *run, "--accuracy", "book"), final)
    notebook = json.loads((generated.out / "pages" / NOTEBOOK).read_text(encoding="utf-8"))
    printed = "".join("".join(o.get("text", "")) for c in notebook["cells"] for o in c.get("outputs", []))
    seen += labelled("notebook", printed, final)
    for m in re.finditer(r"(R²|accu)：训练集 (\S+)，验证集 (\S+)", printed):  # the notebook's own summary line
        for which, value in (("train", m.group(2)), ("val", m.group(3))):
            seen += [("notebook", m.group(1), q) for q in quantities(final, value, which)]
    # the notebook's try-it run (a reader edits its init and seed): the same labels, checked on its own numbers
    source = "\n".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    init, seed = re.search(r'^init = "([^"]+)"', source, re.M).group(1), int(re.search(r"^seed = (\d+)", source, re.M).group(1))
    from nn7.train import train

    mine = train(init, seed=seed)
    seen += labelled("notebook (try-it)", printed, {**mine.final("r2"), **mine.final("book")})
    module, train, format_log = LAB_ENGINE
    js = JsModules(browser, built_site)
    try:
        lab_log = js.evaluate(f"""async ([module, opts]) => {{
            const m = await import(module);
            return m.{format_log}(m.{train}(opts)).join("\\n");
        }}""", ["/" + module, {"init": case.init, "seed": case.seed, "lr": s.lr, "epochs": s.epochs,
                               "batch": s.batch_size, "every": s.epochs}])
        assert not js.errors, js.errors
    finally:
        js.close()
    seen += labelled("lab", lab_log, final)

    surfaces = {surface for surface, _, _ in seen}
    assert surfaces >= {"7.7 page", "nn7 train", "nn7 train --accuracy book", "notebook", "notebook (try-it)", "lab"}, \
        f"the run's last log line was not found on: {sorted({'7.7 page', 'nn7 train', 'notebook', 'lab'} - surfaces)}"
    by_label: dict[str, set[str]] = {}
    for surface, label, quantity in seen:
        by_label.setdefault(label, set()).add(quantity)
    wrong = [f"{surface}: `{label}` shows {'R²' if q == 'r2' else 'the book’s accu'}"
             for surface, label, q in seen if LABELS[q] != label]
    assert not wrong and all(len(q) == 1 for q in by_label.values()), \
        "a label names two quantities:\n" + "\n".join(sorted(set(wrong)))


def text_of(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


# ---------------------------------------------------------------- the book's format says what it shows


def test_every_book_format_printout_says_which_quantity_its_accu_is(built_site, generated):
    """On the 7.7 page and in the print edition, every code block with an accu log line has the
    title that says accu is the book's accuracy, not R²; in the notebook, the text above the
    cell that prints the book's format says so."""
    checked = 0
    for page in (built_site / "ch7" / "7.7" / "index.html", built_site / "print_page" / "index.html"):
        raw = page.read_text(encoding="utf-8")
        for block in re.findall(r'<div class="[^"]*highlight[^"]*">(.*?)</pre>', raw, re.S):
            if not re.search(r"训练集: loss \S+, accu ", html.unescape(re.sub(r"<[^>]+>", "", block))):
                continue
            title = re.search(r'<span class="filename">(.*?)</span>', block, re.S)
            assert title, f"{page.relative_to(built_site)}: a printout in the book's format has no title"
            title = html.unescape(title.group(1))
            assert "书中的准确率" in title and "不是决定系数 R²" in title, title
            checked += 1
    cases = [c for c in experiments.page_cases(experiments.PAGE)]
    assert checked >= 2 * len(cases), f"only {checked} book-format printouts found"

    from nn7_site.layout import NOTEBOOK

    notebook = json.loads((generated.out / "pages" / NOTEBOOK).read_text(encoding="utf-8"))
    text_above, book_cells = "", 0
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            text_above = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", "".join(cell["source"]))  # link text only
        elif re.search(r"accuracy\s*=\s*[\"']book[\"']", "".join(cell["source"])):  # prints the book's format
            book_cells += 1
            assert "书中的准确率" in text_above and "不是决定系数 R²" in text_above, \
                f"the notebook prints the book's accu under: {text_above!r}"
    assert book_cells, "the notebook no longer prints the book's format: drop this check"


def test_figures_and_their_data_name_loss_and_r2(tmp_path):
    """The training curves' panels are titled 损失 … and 决定系数 R² (the book's accuracy is
    never drawn), and so are the CSV columns; nowhere 准确率 or 误差."""
    from matplotlib.axes import Axes

    from nn7 import plots
    from nn7.train import TrainSettings, train

    result = train(CASE, TrainSettings(epochs=3), seed=0)
    titles: list[str] = []
    original = Axes.set_title

    def record(self, label, *args, **kwargs):
        titles.append(str(label))
        return original(self, label, *args, **kwargs)

    Axes.set_title = record
    try:
        plots.training_curves(result)
    finally:
        Axes.set_title = original
    assert len(titles) == 2 and titles[0].startswith("损失") and titles[1] == "决定系数 R²", titles
    columns = list(plots.curves_table(result).columns)
    assert any("损失" in c for c in columns) and any("R²" in c for c in columns), columns
    for text in [*titles, *columns]:
        assert "准确率" not in text and "误差" not in text and "accu" not in text, text


# ---------------------------------------------------------------- the site's own words


def site_added_markdown() -> dict[str, str]:
    """The text the site adds, per file: the pages of docs/ (not the lab's), the partials and the
    notebook's Markdown cells, without code blocks; on the 7.7 page, without the book's prose."""
    import test_prose

    book = set(test_prose.prose_lines(test_prose.chapter_text()))
    out = {}
    for path in sorted(DOCS.rglob("*.md")) + [DOCS / "ch7" / "notebook.ipynb"]:
        rel = path.relative_to(DOCS).as_posix()
        if rel in ("ch7/lab.md", "_partials/lab.md"):
            continue  # the lab's words are the lab's (issue 18, lab part)
        if path.suffix == ".ipynb":
            text = "\n".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                             if c["cell_type"] == "markdown")
        else:
            text = path.read_text(encoding="utf-8")
        text = re.sub(r"^\s*(`{3,}).*?^\s*\1\s*$", "", text, flags=re.S | re.M)  # code blocks
        text = re.sub(r"\{##.*?##\}|\{\{.*?\}\}|\{%.*?%\}", "", text, flags=re.S)  # template code and comments
        text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)  # front matter
        lines = [ln for ln in text.split("\n")
                 if re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", re.sub(r"^#+\s*", "", ln.strip())) not in book]
        out[rel] = "\n".join(lines)
    return out


# (pattern, what is wrong): terms the site decided against in its own text
UNDECIDED = [
    (r"准确率\s*[（(]?\s*R²", "R² is 决定系数 R², never 准确率"),
    (r"(?<![“\"])误差(?![”\"])", "the loss is 损失 (误差 only where quoting the book)"),
    (r"口径", "say 书中的准确率 accu or 决定系数 R², not a 口径"),
    (r"(?<!`)\b(dead|symmetric|broken)\b(?!`)", "the sweep's class names are printout labels: write them as code"),
    (r"图下的文字会说出|相当于只有 1 个隐层神经元|它对常数预测给出", "a translated-sounding phrase"),
]


def test_the_site_uses_the_decided_terms():
    bad = []
    for rel, text in site_added_markdown().items():
        for pattern, why in UNDECIDED:
            for m in re.finditer(pattern, text):
                line = text[:m.start()].count("\n") + 1
                context = text[max(0, m.start() - 20):m.end() + 20].replace("\n", " ")
                bad.append(f"docs/{rel}: …{context}… ({why})")
    assert not bad, "\n".join(bad)


GLOSSARY = "appendix/glossary"
# glossary anchor -> the words that name the term in the site's text
TERMS = {"loss": r"损失", "accu": r"书中的准确率", "r2": r"决定系数", "lr": r"学习率", "batch": r"批大小",
         "seed": r"种子", "iteration": r"迭代", "symmetry": r"对称", "median": r"中位数"}
# built pages whose text is the site's own, and (for the 7.7 page) where the site's text is
PAGES = ["index.html", "ch7/7.7/index.html", "ch7/sweep/index.html", "appendix/backprop/index.html",
         "about/index.html", "ch7/notebook/index.html"]


class _Walk(HTMLParser):
    """The article's text in document order, each piece with: inside code, inside a title (a
    heading or a box's summary: the body under it is where a term is explained), inside the
    site's additions (on the 7.7 page: admonitions and figure captions; elsewhere everything),
    and the glossary anchor of the link it is in."""

    def __init__(self, all_site_text: bool):
        super().__init__(convert_charrefs=True)
        self.all = all_site_text
        self.stack: list[tuple[str, bool, str | None, bool]] = []  # (tag, site text here, glossary anchor, code)
        self.pieces: list[tuple[str, bool, bool, bool, str | None]] = []  # (text, code, title, site, anchor)
        self.article = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article":
            self.article = True
        if not self.article or tag in ("br", "img", "input", "hr", "meta", "link"):
            return
        site = self.all or (self.stack[-1][1] if self.stack else False)
        cls = a.get("class") or ""
        if tag == "details" or (tag == "div" and "admonition" in cls.split()) or tag == "figcaption":
            site = True
        anchor = self.stack[-1][2] if self.stack else None
        href = a.get("href") or ""
        if tag == "a" and re.search(r"(^|/)glossary/(index\.html)?#", href):
            anchor = href.split("#", 1)[1]
        self.stack.append((tag, site, anchor, tag in ("code", "pre")))

    def handle_endtag(self, tag):
        if tag == "article":
            self.article = False
        for k in range(len(self.stack) - 1, -1, -1):
            if self.stack[k][0] == tag:
                del self.stack[k:]
                break

    def handle_data(self, data):
        if not self.article or not self.stack:
            return
        code = any(s[3] for s in self.stack)
        title = any(s[0] in ("summary", "h1", "h2", "h3", "h4", "h5", "h6") for s in self.stack)
        self.pieces.append((data, code, title, self.stack[-1][1], self.stack[-1][2]))


def test_glossary_terms_are_linked_where_a_reader_first_meets_them(built_site):
    """On every page of the site's own text (the lab's is the lab's), the first time a glossary
    term appears in text the site adds (outside code and titles), it is a link to its glossary
    entry, or such a link came before it. The glossary has an entry for every term."""
    glossary = (built_site / GLOSSARY / "index.html").read_text(encoding="utf-8")
    for anchor in TERMS:
        assert f'id="{anchor}"' in glossary, f"the glossary has no entry #{anchor}"
    problems = []
    for rel in PAGES:
        walk = _Walk(all_site_text=rel != "ch7/7.7/index.html")
        walk.feed((built_site / rel).read_text(encoding="utf-8"))
        linked: set[str] = set()
        met: set[str] = set()
        for data, code, title, site, anchor in walk.pieces:
            if anchor:
                linked.add(anchor)
            if code or title or not site:
                continue
            for term, pattern in TERMS.items():
                if term in met or not re.search(pattern, data):
                    continue
                met.add(term)
                if term not in linked:
                    problems.append(f"{rel}: “{pattern}” first appears unlinked in: {data.strip()[:60]}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- the book named, errata reportable


def test_the_home_page_and_the_print_edition_name_the_book(built_site):
    """The sentences that name the book (docs/_partials/book.md) on the home page, on the print
    edition's cover (docs/_partials/cover_page.tpl repeats them) and on the PDF's first page."""
    from nn7_site.pages import render

    named = render('{% import "_partials/book.md" as printed %}{{ printed.named() }}', {}, "test", DOCS).strip()
    assert "第 7 章" in named and "7.7 节" in named and "书名" in named and "作者" in named and "版次" in named
    assert named in text_of(built_site / "index.html")
    cover = re.search(r'<section id="print-site-cover-page">(.*?)</section>',
                      (built_site / "print_page" / "index.html").read_text(encoding="utf-8"), re.S)
    assert cover and named in html.unescape(re.sub(r"<[^>]+>", "", cover.group(1))), \
        "the print edition's cover does not name the book as the home page does"
    pdf = built_site / "nn7-7.7.pdf"
    if pdf.is_file():
        import pypdf

        first = re.sub(r"\s+", "", pypdf.PdfReader(pdf).pages[0].extract_text())
        assert re.sub(r"\s+", "", named) in first, "the PDF's first page does not name the book"


def test_an_erratum_is_reported_at_the_repository_only_where_it_is_known(built_site):
    from nn7_site.pages import render

    report = '{% import "_partials/errata.md" as errata with context %}{{ errata.report() }}'
    repo = "https://github.com/someone/nn7-e-resource"
    known = render(report, {"site": {"repo_url": repo}}, "test", DOCS)
    assert f"]({repo}/issues)" in known
    for values in ({"site": {"repo_url": None}}, {}):
        unknown = render(report, values, "test", DOCS)
        assert "http" not in unknown and "@" not in unknown and "老师" in unknown and "出版社" in unknown, unknown
    home = (built_site / "index.html").read_text(encoding="utf-8")
    section = home[home.index('id="report"'):]
    if os.environ.get("NN7_REPO_URL"):
        assert os.environ["NN7_REPO_URL"].rstrip("/") + "/issues" in section
    else:
        assert "/issues" not in section and "老师" in text_of(built_site / "index.html")
