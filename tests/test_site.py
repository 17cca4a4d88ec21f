"""The built site: strict build, no leftovers, images, links and anchors, offline assets,
the chapter's figures, traces and errata, the appendix, search, and the build cache."""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from nn7 import experiments
from nn7_dev.repo import copy_repo
from nn7_site import cache
from nn7_site.generate import generate
from nn7_site.jobs import jobs
from nn7_site.layout import CODE_ARCHIVE

ROOT = Path(__file__).resolve().parents[1]


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])


def parse(path: Path) -> _Collect:
    c = _Collect()
    c.feed(path.read_text(encoding="utf-8"))
    return c


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html"))


def text_of(path: Path) -> str:
    """The visible text of a page (tags removed, entities decoded)."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", "", raw))


def test_strict_build_has_no_warnings(built_site, shared):
    """No MkDocs warning (--strict also fails on them) and none of the noise a newcomer used to
    see on every build: the notebook kernel's TCP notice, jieba's start-up chatter."""
    log = (shared / "site-build.log").read_text(encoding="utf-8")
    assert not re.findall(r"^WARNING\s+-.*$", log, re.M), log
    for noise in ("without encryption", "Building prefix dict", "Loading model", "Traceback"):
        assert noise not in log, f"{noise!r} in the build log:\n{log}"


def test_no_snippet_marker_or_template_left(built_site):
    for page in pages(built_site):
        raw = page.read_text(encoding="utf-8")
        assert "--8<--" not in raw, f"{page}: an unexpanded snippet"
        assert "{{" not in raw and "{%" not in raw, f"{page}: an unfilled template"


def test_every_image_exists_and_is_a_valid_png(built_site):
    from PIL import Image

    seen = 0
    for page in pages(built_site):
        for tag, a in parse(page).tags:
            if tag != "img" or a.get("src", "").startswith("data:"):
                continue
            src = urlsplit(a["src"])
            assert not src.scheme and not src.netloc, f"{page}: external image {a['src']}"
            target = (page.parent / unquote(src.path)).resolve()
            assert target.is_file(), f"{page}: image {a['src']} does not exist"
            if target.suffix == ".png":
                with Image.open(target) as im:
                    im.verify()
                seen += 1
    assert seen >= 8


def test_every_internal_link_and_anchor_resolves(built_site):
    ids = {p: parse(p).ids for p in pages(built_site)}
    broken = []
    for page in ids:
        for tag, a in parse(page).tags:
            href = a.get("href") if tag in ("a", "link") else None
            if not href or href.startswith(("mailto:", "javascript:", "data:")):
                continue
            u = urlsplit(href)
            if u.scheme or u.netloc:
                continue  # external links (the repository) are not fetched
            if not u.path:
                target = page
            elif u.path.startswith("/"):  # absolute (the 404 page): from the site's root
                target = (built_site / unquote(u.path).lstrip("/")).resolve()
            else:
                target = (page.parent / unquote(u.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(built_site)} -> {href}")
                continue
            if u.fragment and target.suffix == ".html" and unquote(u.fragment) not in ids.get(target, parse(target).ids):
                broken.append(f"{page.relative_to(built_site)} -> {href} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_no_external_scripts_styles_or_fonts(built_site):
    offenders = []
    for page in pages(built_site):
        for tag, a in parse(page).tags:
            loads = tag == "link" and set(a.get("rel", "").split()) & {
                "stylesheet", "preload", "modulepreload", "prefetch", "preconnect", "icon", "manifest"}
            url = a.get("src") if tag in ("script", "img", "iframe") else a.get("href") if loads else None
            if url and re.match(r"^(https?:)?//", url):
                offenders.append(f"{page.relative_to(built_site)}: <{tag}> {url}")
        raw = page.read_text(encoding="utf-8")
        offenders += [f"{page.relative_to(built_site)}: {m}" for m in re.findall(r"@import\s+url\([\"']?https?:[^)]*\)", raw)]
    for css in built_site.rglob("*.css"):
        for m in re.findall(r"url\([\"']?((?:https?:)?//[^)\"']+)", css.read_text(encoding="utf-8", errors="replace")):
            offenders.append(f"{css.relative_to(built_site)}: {m}")
    assert not offenders, "\n".join(offenders)


def test_figures_are_the_registrys_numbered_with_alt_text_and_data(built_site):
    """The 7.7 page shows the figures of the cases the registry puts on it, in order, numbered
    图 7.7.1, 7.7.2, …; each has an alt text and a 下载数据 link to the CSV of what it draws."""
    expected = [f for c in experiments.page_cases(experiments.PAGE) for f in (c.figures or ())]
    page = built_site / "ch7" / "7.7" / "index.html"
    raw = page.read_text(encoding="utf-8")
    figures = re.findall(r"<figure[^>]*>(.*?)</figure>\s*(<p[^>]*>.*?</p>)?", raw, re.S)
    names = [re.search(r'src="[^"]*img/([^"]+)"', f).group(1) for f, _ in figures]
    assert names == expected
    for k, (f, after) in enumerate(figures, start=1):
        alt = htmllib.unescape(re.search(r'alt="([^"]*)"', f).group(1))
        assert len(alt) > 10, f"figure {k}: alt text too short: {alt!r}"
        caption = htmllib.unescape(re.sub(r"<[^>]+>", "", re.search(r"<figcaption>(.*?)</figcaption>", f, re.S).group(1)))
        assert caption.strip().startswith(f"图 7.7.{k} "), caption
        stem = names[k - 1].rsplit(".", 1)[0]
        assert f'href="../data/{stem}.csv"' in after and "下载数据" in after, f"figure {k}: no 下载数据 link"
        assert (page.parent.parent / "data" / f"{stem}.csv").is_file()


def test_numbers_in_alt_texts_and_captions_come_from_runs():
    """No number is typed into an alt text or a caption: each is a {{ value }}. Not numbers in
    this sense: figure and formula numbers (图 7.7.1, 式 7.4.6), names (W1, R²) and the
    initial values 0 and 1 that name an initialisation (“初始化全为 0”, `W1=0 或 1`)."""
    typed = []
    for md in sorted((ROOT / "docs").rglob("*.md")):
        text = md.read_text(encoding="utf-8")
        spots = re.findall(r"!\[([^\]]*)\]\(", text) + re.findall(r"/// caption\n(.*?)\n///", text, re.S)
        for spot in spots:
            bare = re.sub(r"\{\{.*?\}\}", "", spot)
            bare = re.sub(r"[图式]\s?\d+(\.\d+)+|7\.\d+\.\d+|[A-Za-z]+\d+|R²", "", bare)
            bare = re.sub(r"`[^`]*`", "", bare)  # code such as `W1=0 或 1` names a setting of the book
            typed += [f"{md.relative_to(ROOT)}: {n!r} in {spot!r}" for n in re.findall(r"\d+(?:\.\d+)?", bare)
                      if n not in ("0", "1")]
    assert not typed, "numbers typed by hand:\n" + "\n".join(typed)


def test_the_77_page_shows_both_traces_with_the_books_numbers(built_site):
    text = text_of(built_site / "ch7" / "7.7" / "index.html")
    for snippet in ["dZ2=[[-0.5459]]", "B2=[[0.0546]]", "dZ2=[[-0.2049]]", "B2=[[0.0751]]",  # case 1
                    "A1=[[0.7616 0.7616]]", "W2=[[-0.0362] [-0.0362]]", "dW2=[[0.3623] [0.3623]]",  # case 2, it. 1
                    "dA1=[[-0.0264 -0.0264]]", "dZ1=[[-0.0111 -0.0111]]", "W2=[[-0.0918] [-0.0918]]"]:  # it. 2
        assert snippet in text, snippet
    assert text.count("----迭代 1----") == 2 and text.count("----迭代 2----") == 2


def test_the_77_page_has_the_errata(built_site, generated):
    """Three accuracy errata (the first, where the reader first meets accu and R², open), two
    trace errata; the slip found by comparing with the run says which value is right and why."""
    raw = (built_site / "ch7" / "7.7" / "index.html").read_text(encoding="utf-8")
    admonitions = re.findall(r'<details class="warning"( open="open")?>(.*?)</details>', raw, re.S)
    titles = [htmllib.unescape(re.sub(r"<[^>]+>", "", re.search(r"<summary>(.*?)</summary>", a, re.S).group(1)))
              for _, a in admonitions]
    assert sum("准确率" in t for t in titles) == 3 and sum("打印输出" in t for t in titles) == 2
    accuracy = [(opened, a) for opened, a in admonitions if "准确率" in a]
    assert [bool(opened) for opened, _ in accuracy] == [True, False, False], "the first accuracy erratum must be open"
    for _, a in accuracy:
        assert "决定系数 R²" in a and "书中的准确率 accu" in a and "<table>" in a
    assert "R² &lt; 0" in accuracy[0][1] or "R² < 0" in accuracy[0][1], "the first erratum says why R² can be negative"
    text = text_of(built_site / "ch7" / "7.7" / "index.html")
    from nn7.fmt import array_line

    diffs = [d for name in experiments.TRACES for d in generated.values[experiments.glue_name(name)]["book_differences"]]
    assert diffs, "the comparison with the book found no slip (the book prints W1 = 0.0007 in case 2, iteration 2)"
    for d in diffs:
        said = f"书中印作 {d['name']}={array_line(d['printed'], 4)}，应为 {d['name']}={array_line(d['ours'], 4)}。"
        assert said in text, f"the erratum does not say which {d['name']} is right: {said}"
        why = re.search(re.escape(said) + rf"\s*按更新公式 {d['name']} ← {d['name']} − 学习率 × d{d['name']}："
                        r"(\S+) − (\S+) × \((\S+)\) = (\S+)；", text)
        assert why, f"the erratum of {d['name']} does not say why"
        before, lr, grad, result = (float(v) for v in why.groups())
        assert result == pytest.approx(before - lr * grad, rel=1e-5) == pytest.approx(d["ours"][0][0], rel=1e-5)


def test_formula_and_figure_references_link_to_the_appendix(built_site):
    raw = (built_site / "ch7" / "7.7" / "index.html").read_text(encoding="utf-8")
    mentions = re.findall(r"式（7\.4\.\d+）|图 7\.5\.8", re.sub(r"<a [^>]*>[^<]*</a>", "", raw))
    assert mentions == [], f"references not linked: {mentions}"
    links = re.findall(r'<a href="([^"]+)"[^>]*>(式（7\.4\.(\d+)）|图 7\.5\.8)</a>', raw)
    assert len(links) >= 9
    for href, label, n in links:
        assert href == (f"../../appendix/backprop/#eq-7-4-{n}" if n else "../../appendix/backprop/#fig-7-5-8")


def test_appendix_formulas_are_rendered_and_anchored(built_site):
    page = built_site / "appendix" / "backprop" / "index.html"
    c = parse(page)
    assert {f"eq-7-4-{k}" for k in range(1, 12)} <= c.ids and "fig-7-5-8" in c.ids
    raw = page.read_text(encoding="utf-8")
    assert raw.count("<math") >= 13 and "\\mathbf" not in text_of(page)
    assert raw.count('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"') >= 11, "numbered formulas not displayed"
    assert "$" not in text_of(page), "a TeX delimiter shows on the page"


def test_math_on_the_77_page_is_mathml(built_site):
    raw = (built_site / "ch7" / "7.7" / "index.html").read_text(encoding="utf-8")
    source = (ROOT / "docs" / "ch7" / "7.7.md").read_text(encoding="utf-8")
    assert raw.count("<math") == source.count("$") // 2 >= 9 and "\\mathbf" not in text_of(built_site / "ch7" / "7.7" / "index.html")
    assert "$" not in text_of(built_site / "ch7" / "7.7" / "index.html"), "a TeX delimiter shows on the page"


def test_downloads_are_the_snippet_files_the_executed_notebook_and_an_archive(built_site):
    import zipfile

    for src in (ROOT / "snippets").rglob("*.py"):
        rel = src.relative_to(ROOT / "snippets")
        assert (built_site / "downloads" / rel).read_bytes() == src.read_bytes(), rel
    assert (built_site / "downloads" / "train7.txt").is_file()
    with zipfile.ZipFile(built_site / "downloads" / CODE_ARCHIVE) as z:
        names = set(z.namelist())
    assert {f"nn7-7.7/{p.relative_to(ROOT / 'snippets').as_posix()}" for p in (ROOT / "snippets").rglob("*.py")} <= names
    notebook = json.loads((built_site / "ch7" / "notebook" / "notebook.ipynb").read_text(encoding="utf-8"))
    outputs = [o for c in notebook["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert outputs and any("image/png" in o.get("data", {}) for o in outputs), "the download is not the executed notebook"
    page = (built_site / "ch7" / "notebook" / "index.html").read_text(encoding="utf-8")
    # the executed figures (nn7_site.images takes them out of the page into files of their own)
    shown = re.findall(r'jp-RenderedImage.*?<img [^>]*src="([^"]+)"', page, re.S)
    assert shown and all((built_site / "ch7" / "notebook" / src).resolve().is_file() for src in shown), \
        "the notebook page shows no executed figure"
    assert '<a href="notebook.ipynb"' in page and "download" in page, "no download button on the notebook page"
    assert "Traceback" not in page and "Error" not in text_of(built_site / "ch7" / "notebook" / "index.html")


def test_reader_features(built_site):
    raw = (built_site / "ch7" / "7.7" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in raw
    # (no edit button in a local build: only the deploy knows the repository, tests/test_links.py)
    assert re.search(r'<h2 id="[^"]*情况一"', raw), "readable Chinese heading anchors"
    assert "data-md-color-scheme" in raw and "切换到深色模式" in raw  # light/dark toggle


def test_sweep_page_states_the_condition_from_the_run(built_site, generated):
    text = text_of(built_site / "ch7" / "sweep" / "index.html")
    summary = generated.values["sweep"]["summary"]
    assert f"{summary['broken']['combos']} 种，{summary['broken']['combos_training']} 种训练成功" in text
    assert "在本次扫描中成立" in text


# ---------------------------------------------------------------- the build and its cache


def test_second_generation_runs_nothing(generated):
    from conftest import locked

    with locked(ROOT / "build" / ".generate.lock"):
        again = generate(ROOT, log=lambda line: None)
    assert [o.name for o in again.outcomes if o.ran] == []


def test_only_dependent_experiments_rerun(tmp_path, generated):
    """Editing prose or the HTML fixes re-runs nothing; editing the command line re-runs only the
    code download (it ships the command); editing a snippet or a module of nn7 re-runs exactly
    the jobs that imported or read it (their manifests say which)."""
    root = copy_repo(tmp_path / "repo", generated.out)
    out = root / "build" / "generated"

    def ran():
        return {o.name for o in generate(root, log=lambda line: None).outcomes if o.ran}

    def dependents(rel):
        found = set()
        for j in jobs():
            m = cache.Manifest.read(cache.manifest_path(out, j.stem))
            if rel in m.inputs:
                found.add(j.name)
        return found

    def edit(rel, text="\n# an edit\n"):
        with (root / rel).open("a", encoding="utf-8") as f:
            f.write(text)

    (root / "docs" / "ch7" / "7.7.md").write_text("# changed prose\n", encoding="utf-8")
    edit("src/nn7_site/htmlfix.py")
    assert ran() == set()
    edit("src/nn7_cli/parser.py")
    assert ran() == dependents("src/nn7_cli/parser.py") == {"archive"}
    edit("snippets/H7_5_Train.py")
    assert ran() == dependents("snippets/H7_5_Train.py") == {"archive"}
    expected = dependents(f"snippets/{experiments.SCRIPT}")
    assert {f"case:{c.name}" for c in experiments.page_cases()} | {f"trace:{t}" for t in experiments.TRACES} \
        <= expected
    edit(f"snippets/{experiments.SCRIPT}")
    assert ran() == expected
    # a module of nn7 that few jobs import (the traces' tolerances: a few seconds of jobs, where
    # the network's module re-ran the notebook and every case)
    expected = dependents("src/nn7/tolerances.py")
    assert {f"trace:{t}" for t in experiments.TRACES} <= expected
    assert not {"data", "diagram", "sweep", "speed"} & expected, expected
    assert "archive" in expected  # the code download ships nn7's sources
    edit("src/nn7/tolerances.py")
    assert ran() == expected


def test_a_damaged_cache_entry_is_run_again(tmp_path, generated):
    """An output that is missing, truncated or edited by hand is not trusted: its job runs
    again and the output gets its right bytes back."""
    out = tmp_path / "out"
    shutil.copytree(generated.out, out)
    figure = out / "img" / experiments.CASES["case1"].figures[0]
    printout = out / "printouts" / "case1-b2.txt"  # a case without figures: it runs again in under a second
    glue = out / "glue" / "trace_trace-case2.json"
    right = {p: p.read_bytes() for p in (figure, printout, glue)}
    figure.write_bytes(right[figure][:100])  # truncated
    printout.write_text(right[printout].decode().replace("W1", "W9"), encoding="utf-8")  # edited
    glue.unlink()  # missing
    ran = {o.name for o in generate(ROOT, out=out, log=lambda line: None).outcomes if o.ran}
    assert ran == {"case:case1", "case:case1-b2", "trace:trace-case2"}
    assert all(p.read_bytes() == data for p, data in right.items())


def test_files_no_job_made_are_removed(tmp_path, generated):
    """A leftover (a removed case's figure, a killed build's temporary file) is removed, so the
    folder holds exactly what a clean build would."""
    out = tmp_path / "out"
    shutil.copytree(generated.out, out)
    (out / "img" / "old_case.png").write_bytes(b"stale")
    (out / "printouts" / ".case1.txt.tmp123").write_bytes(b"half")
    generate(ROOT, out=out, log=lambda line: None)
    assert not (out / "img" / "old_case.png").exists() and not (out / "printouts" / ".case1.txt.tmp123").exists()
    assert _tree(out) == _tree(generated.out)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
