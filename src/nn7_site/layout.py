"""Where the generation reads and writes, relative to the repository's root."""

from __future__ import annotations

from pathlib import Path

OUT = Path("build") / "generated"  # outside docs/: the site builder never sees it as a source
SNIPPETS = Path("snippets")
DOCS = Path("docs")
SITE_MANIFEST = "site.json"  # the values and the published files, read by the site builder's hook
CACHE = ".cache"  # job manifests, inside OUT
NOTEBOOK = "ch7/notebook.ipynb"  # docs-relative; the build publishes it executed, in its place
CODE_ARCHIVE = "nn7-7.7-code.zip"
# first folder of an output -> where the site publishes it (other outputs are not published:
# printouts/ are included into pages by pymdownx.snippets, glue/ feeds the values)
PUBLISH = {"img": "ch7/img", "data": "ch7/data", "downloads": "downloads", "lab": "assets/lab", "pages": ""}


def is_repository(folder: Path) -> bool:
    return (folder / "mkdocs.yml").is_file() and (folder / "src" / "nn7").is_dir()


def find_root(start: str | Path | None = None) -> Path | None:
    """The first directory from ``start`` (default: the current one) upwards that has
    mkdocs.yml and src/nn7, or None."""
    here = (Path.cwd() if start is None else Path(start)).resolve()
    for folder in (here, *here.parents):
        if is_repository(folder):
            return folder
    return None
