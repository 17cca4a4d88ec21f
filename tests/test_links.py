"""No made-up address: the repository link and the edit buttons appear only where the real
repository is known, and the PDF's links point at the published site only where its address is
known. Both builds are tested: the local one every test shares (``built_site``: no
NN7_SITE_URL, NN7_REPO_URL, NN7_EDIT_URI; its PDF in tests/test_pdf.py) and one made as the
deploy makes it (those set, as .github/workflows/deploy.yml sets them from the workflow's
context), with its PDF."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nn7_dev.repo import DEPLOY_ENV, local_env

pytestmark = [pytest.mark.site]

ROOT = Path(__file__).resolve().parents[1]
PDF = "nn7-7.7.pdf"
# Addresses no real site has (example.org is reserved), so nothing here can pass by accident.
DEPLOY = {"NN7_SITE_URL": "https://nn7.example.org/book/", "NN7_REPO_URL": "https://git.example.org/someone/nn7",
          "NN7_EDIT_URI": "edit/trunk/docs/"}
LOOPBACK = re.compile(r"^https?://(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(/|$)")


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def link_uris(pdf: Path) -> list[str]:
    """Every URI a link of the PDF opens (links inside the document are not URIs)."""
    import pikepdf

    uris = []
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            for annot in page.get("/Annots", []):
                action = annot.get("/A")
                if action is not None and "/URI" in action:
                    uris.append(str(action.URI))
    return uris


def cover_text(pdf: Path) -> str:
    """The first page's text, without whitespace."""
    import pypdf

    return re.sub(r"\s+", "", pypdf.PdfReader(pdf).pages[0].extract_text())


def cover_sentence(known: bool) -> list[str]:
    """The cover's sentence about the website (docs/_partials/cover_page.tpl), for a build that
    knows the site's address or for one that does not: its pieces around the filled-in values."""
    tpl = (ROOT / "docs" / "_partials" / "cover_page.tpl").read_text(encoding="utf-8")
    m = re.search(r"\{% if config\.site_url %\}<p>(.*?)</p>\{% else %\}<p>(.*?)</p>\{% endif %\}", tpl)
    assert m, "the cover no longer says where the interactive parts are"
    pieces = re.split(r"\{\{.*?\}\}", m.group(1) if known else m.group(2))
    return [re.sub(r"\s+", "", p) for p in pieces if p.strip()]


def test_the_deploy_settings_are_what_mkdocs_yml_reads():
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("", lambda loader, tag, node: (tag, loader.construct_sequence(node))
                                 if isinstance(node, yaml.SequenceNode) else (tag, None))
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    read = {key: config[key][1][0] for key in ("site_url", "repo_url", "edit_uri")}
    assert read == {"site_url": "NN7_SITE_URL", "repo_url": "NN7_REPO_URL", "edit_uri": "NN7_EDIT_URI"}
    assert set(read.values()) == set(DEPLOY_ENV) == set(DEPLOY)
    # no made-up default: a local build names no site and no repository
    assert [config[key][1][1] for key in read] == [None, None, None]


def test_a_local_build_names_no_repository_and_no_address(built_site):
    pages = html_pages(built_site)
    assert len(pages) >= 8
    for page in pages:
        html = page.read_text(encoding="utf-8")
        where = page.relative_to(built_site).as_posix()
        assert 'class="md-source"' not in html, f"{where}: a repository link"
        assert 'rel="edit"' not in html, f"{where}: an edit button"
        assert 'rel="canonical"' not in html, f"{where}: a canonical address"
        assert "nn7-book" not in html, f"{where}: the made-up repository address"
    assert "<loc>" not in (built_site / "sitemap.xml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def deployed(shared, built_site, tmp_path_factory):
    """The site as the deploy builds it (after the shared local build: one build at a time
    writes the checkout's caches)."""
    from conftest import locked

    site = tmp_path_factory.mktemp("deployed") / "site"
    with locked(shared / "site.lock"):
        proc = subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "-q", "-d", str(site)],
                              cwd=ROOT, capture_output=True, text=True, env=local_env(**DEPLOY), timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return site


@pytest.fixture(scope="module")
def deployed_pdf(deployed, chromium_path) -> Path:
    """Its PDF, as `make site` prints it."""
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "pdf.py"), str(deployed)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return deployed / PDF


def test_the_deployed_site_links_its_repository_and_edits_each_page_there(deployed):
    site_url, repo = DEPLOY["NN7_SITE_URL"], DEPLOY["NN7_REPO_URL"]
    edited = 0
    for page in html_pages(deployed):
        where = page.relative_to(deployed).as_posix()
        if where.startswith("print_page/"):
            continue
        html = page.read_text(encoding="utf-8")
        assert f'<a href="{repo}" title="' in html and 'class="md-source"' in html, f"{where}: no repository link"
        edit = re.findall(r'<a href="([^"]+)" title="[^"]*" class="md-content__button md-icon" rel="edit">', html)
        if where != "404.html":
            url = where.removesuffix("index.html")
            assert f'<link rel="canonical" href="{site_url}{url}">' in html, where
            assert len(edit) == 1, f"{where}: {len(edit)} edit buttons"
            source = edit[0].removeprefix(f"{repo}/{DEPLOY['NN7_EDIT_URI']}")
            assert edit[0] != source and (ROOT / "docs" / source).is_file(), f"{where}: edits {edit[0]}"
            edited += 1
    assert edited >= 7


@pytest.mark.browser
def test_the_deployed_pdf_links_to_the_published_site(deployed, deployed_pdf):
    pdf = deployed_pdf
    uris = link_uris(pdf)
    site_url = DEPLOY["NN7_SITE_URL"]
    lab = [u for u in uris if u.startswith(site_url + "ch7/lab/")]
    printed = (deployed / "print_page" / "index.html").read_text(encoding="utf-8")
    assert len(lab) >= printed.count('class="nn7-lab-link"') >= 5, uris  # every 在实验室中打开
    repo = DEPLOY["NN7_REPO_URL"]  # the one other address: where errata are reported
    assert all(u.startswith(site_url) or u.startswith(repo) for u in uris), \
        [u for u in uris if not u.startswith((site_url, repo))]
    text = cover_text(pdf)
    assert all(piece in text for piece in cover_sentence(known=True)) and site_url in text
    assert f"源代码：{DEPLOY['NN7_REPO_URL']}" in text
