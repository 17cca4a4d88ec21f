"""The print edition (nn7-7.7.pdf, made by `make site` / `make pdf` with tools/pdf.py): A4, page
numbers, a bookmark outline that follows the headings, every CJK font embedded as a real font
(text copies as the exact characters, no Kangxi radicals, no tofu), the chapter's sentences,
captions, traces, formula numbers and errata, every figure, and the same bytes when printed
again."""

from __future__ import annotations

import html as htmllib
import re
import subprocess
import sys
from pathlib import Path

import pytest
import test_prose

from nn7 import experiments

pytestmark = [pytest.mark.browser, pytest.mark.site]

ROOT = Path(__file__).resolve().parents[1]
PDF = "nn7-7.7.pdf"
A4 = (595.3, 841.9)  # points
KANGXI = re.compile(r"[\u2e80-\u2fdf]")  # CJK Radicals Supplement and Kangxi Radicals


def rendered(line: str) -> list[str]:
    """The pieces of a Markdown prose line as a reader sees them: list markers, emphasis and
    code marks dropped; the TeX formulas (printed as MathML, which extracts differently) left
    out, so the text around them is checked."""
    line = re.sub(r"^[-*]\s+", "", line).replace("**", "").replace("`", "")
    return [piece for piece in re.split(r"\$[^$]+\$", line) if piece.strip()]


def squeeze(text: str) -> str:
    """Text without whitespace: a PDF places glyphs, so extractors guess spaces and line
    breaks differently; the characters themselves must be exact."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pdf(built_site, chromium_path):
    import pypdf

    path = built_site / PDF
    assert path.is_file(), "the site build made no PDF"
    reader = pypdf.PdfReader(path)
    pages = [p.extract_text() for p in reader.pages]
    return {"path": path, "reader": reader, "pages": pages, "text": squeeze("".join(pages))}


def test_a4_with_page_numbers(pdf):
    pages = pdf["reader"].pages
    assert len(pages) >= 10
    for k, (page, text) in enumerate(zip(pages, pdf["pages"]), start=1):
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - A4[0]) < 1 and abs(h - A4[1]) < 1, f"page {k} is {w}×{h} pt, not A4"
        assert re.search(rf"(^|\n){k} / {len(pages)}(\n|$)", text), f"page {k} has no page number “{k} / {len(pages)}”"


def test_the_outline_follows_the_headings(pdf, built_site):
    """Every page title and every section heading of the chapter is a bookmark."""
    def titles(outline):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title
    marks = set(titles(pdf["reader"].outline))
    html = (built_site / "print_page" / "index.html").read_text(encoding="utf-8")
    headings = [htmllib.unescape(re.sub(r"<[^>]+>", "", h)).replace("¶", "").strip()
                for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html, re.S)]
    headings = [h for h in headings if h and h != "目录"]
    assert len(headings) >= 10
    missing = [h for h in headings if squeeze(h) not in {squeeze(m) for m in marks}]
    assert not missing, f"headings without a bookmark: {missing}"


def test_fonts_are_embedded_real_fonts_and_text_is_exact(pdf):
    """No Type3 glyph drawings; every font embeds its program; no character comes out as a
    Kangxi radical (how Chromium's Type3 CJK text copies)."""
    fonts = {}
    for page in pdf["reader"].pages:
        for f in (page.get("/Resources") or {}).get("/Font", {}).values():
            f = f.get_object()
            fonts[str(f.get("/BaseFont"))] = f
    assert fonts
    for name, f in fonts.items():
        assert f["/Subtype"] != "/Type3", f"{name}: a Type3 font (glyphs as drawings)"
        descendant = f["/DescendantFonts"][0].get_object() if "/DescendantFonts" in f else f
        descriptor = descendant["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"{name} is not embedded"
    assert any("WenQuanYi" in n for n in fonts), f"no embedded CJK font: {sorted(fonts)}"
    assert not KANGXI.search("".join(pdf["pages"])), "Kangxi radicals in the text: CJK drawn as Type3"


def test_no_character_is_missing_from_the_fonts(pdf):
    """Every character of the text has a glyph in one of the fonts the print edition uses (a
    missing glyph would print as an empty box)."""
    from fontTools.ttLib import TTCollection, TTFont

    cmaps = []
    for path in ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",):
        cmaps += [f.getBestCmap() for f in TTCollection(path).fonts]
    for path in Path("/usr/share/fonts/truetype/dejavu").glob("*.ttf"):
        cmaps.append(TTFont(path, fontNumber=0).getBestCmap())
    covered = set().union(*(set(c) for c in cmaps))
    missing = sorted({ch for ch in "".join(pdf["pages"]) if ord(ch) > 32 and ord(ch) not in covered})
    assert not missing, f"characters no print font has: {missing}"


def test_the_chapter_is_in_it(pdf):
    """The chapter's prose (every line of the author's text), the captions, both traces and
    the log printouts, and the errata (printed open)."""
    text = pdf["text"]
    lines = test_prose.prose_lines(test_prose.chapter_text())
    missing = [line for line in lines if not all(squeeze(piece) in text for piece in rendered(line))]
    assert not missing, f"{len(missing)} of {len(lines)} lines of the chapter are not in the PDF: {missing[:5]}"
    for k in range(1, 7):
        assert f"图7.7.{k}" in text, f"caption 图 7.7.{k}"
    out = ROOT / "build" / "generated" / "printouts"
    for name in [*(c.name for c in experiments.page_cases()), *(f"{t}-{k}" for t in experiments.TRACES for k in (1, 2))]:
        printout = (out / f"{name}.txt").read_text(encoding="utf-8")
        for line in printout.splitlines():
            assert squeeze(line) in text, f"printout {name}: {line!r} is not in the PDF (cut off?)"
    for erratum in ("勘误：书中的“准确率”accu不是决定系数R²", "书中打印的accu（书中的准确率）是1−loss/var(y)", "勘误：与印刷版的打印输出不同之处",
                    "说明：“从0开始调节权重值所需要的时间比较长”——本站的测量"):
        assert squeeze(erratum) in text, erratum


def test_formulas_and_figures(pdf):
    text = pdf["text"]
    for k in range(1, 12):
        assert f"（7.4.{k}）" in text, f"formula number （7.4.{k}）"
    assert "Z1=X·W1+B1" in text and "tanh" in text
    images = sum(len([x for x in (p.get("/Resources") or {}).get("/XObject", {}).values()
                      if x.get_object().get("/Subtype") == "/Image"]) for p in pdf["reader"].pages)
    assert images >= len(experiments.figures()) + 1, f"{images} images for {len(experiments.figures()) + 1} figures"


def test_printing_again_gives_the_same_bytes(pdf, tmp_path):
    import shutil

    site = tmp_path / "site"
    shutil.copytree(pdf["path"].parent, site)
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "pdf.py"), str(site)], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    again, first = (site / PDF).read_bytes(), pdf["path"].read_bytes()
    if again != first:
        import pikepdf

        with pikepdf.open(site / PDF) as a, pikepdf.open(pdf["path"]) as b:
            differ = [str(x.objgen) for x, y in zip(a.objects, b.objects)
                      if (x.read_bytes() if isinstance(x, pikepdf.Stream) else repr(x))
                      != (y.read_bytes() if isinstance(y, pikepdf.Stream) else repr(y))]
        pytest.fail(f"printed again, the PDF differs ({len(again)} vs {len(first)} bytes; objects {differ[:10]}); "
                    f"kept at {site / PDF}")


def test_a_missing_print_page_is_one_line(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "pdf.py"), str(tmp_path)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "no print page" in proc.stderr


def test_a_local_build_links_nowhere_outside_the_pdf_and_says_where_the_rest_is(pdf):
    """Without the site's address (a local build) no link leads out of the PDF, none to this
    machine; the cover says that the interactive parts are on the website and names no
    repository. (The deploy's PDF: tests/test_links.py.)"""
    from test_links import LOOPBACK, cover_sentence, link_uris

    uris = link_uris(pdf["path"])
    assert not [u for u in uris if LOOPBACK.match(u)], f"links to this machine: {uris}"
    assert not uris, f"a local build's PDF links to {uris}"
    cover = squeeze(pdf["pages"][0])
    assert all(piece in cover for piece in cover_sentence(known=False)), cover
    assert "源代码：" not in pdf["text"]
    # a loopback address in the text (e.g. `make serve`'s) stays, as text
    printed = squeeze(re.sub(r"<[^>]+>", "", (pdf["path"].parent / "print_page" / "index.html").read_text(encoding="utf-8")))
    assert ("127.0.0.1:8000" in printed) == ("127.0.0.1:8000" in pdf["text"])
