"""MkDocs hook: ask nn7 to (re)generate the chapter's outputs, then publish them.

Generation itself lives in nn7.build (callable without MkDocs: `python -m nn7 build`) and
writes into build/generated/, outside docs/, so `mkdocs serve` never sees its own output
as a change. This file only wires that folder into MkDocs.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File
from pymdownx.snippets import SnippetMissingError

from nn7 import build, pages
from nn7.errors import Nn7Error

log = logging.getLogger("mkdocs.hooks.nn7")
_report: build.Report | None = None


@event_priority(100)  # before the search plugin reads its dictionary
def on_config(config):
    global _report
    root = Path(config.config_file_path).resolve().parent
    # paths in mkdocs.yml are relative to the repository root, not to the current directory
    snippets = config.mdx_configs.setdefault("pymdownx.snippets", {})
    snippets["base_path"] = [str(root / p) for p in snippets.get("base_path", ["."])]
    search = config.plugins.get("material/search") or config.plugins.get("search")
    if search is not None and search.config.get("jieba_dict_user"):
        search.config["jieba_dict_user"] = str(root / search.config["jieba_dict_user"])
    try:
        _report = build.generate(root, log=log.info)
    except Nn7Error as err:
        raise PluginError(f"nn7: {err}") from None
    # mkdocs-jupyter caches by notebook content only; key its cache by nn7's code as well,
    # so that a change in nn7 re-executes the notebook.
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is not None:
        jupyter.config["cache_dir"] = str(root / ".cache" / "mkdocs-jupyter" / _report.code_hash[:16])
    return config


@event_priority(100)  # before other plugins see the file list
def on_files(files, config):
    for site_path, path in _report.published:
        if files.get_file_from_path(site_path) is None:
            files.append(File.generated(config, site_path, abs_src_path=str(path)))
    return files


@event_priority(-100)  # after mkdocs-jupyter has replaced the notebook page's render()
def on_pre_page(page, config, files):
    """A failing notebook cell or a missing snippet fails the build with one message that
    names the page (and the snippet), instead of a traceback."""
    render = page.render
    notebook = page.file.src_uri.endswith(".ipynb")

    def render_or_fail(*args, **kwargs):
        try:
            return render(*args, **kwargs)
        except SnippetMissingError as err:
            raise PluginError(f"nn7: docs/{page.file.src_path}: {err}") from None
        except Exception as err:
            if not notebook:
                raise
            # nbclient's CellExecutionError carries the cell's exception as ename/evalue
            what = f"{getattr(err, 'ename', type(err).__name__)}: {getattr(err, 'evalue', err)}"
            raise PluginError(f"nn7: docs/{page.file.src_path}: a notebook cell failed: {what}") from None

    page.render = render_or_fail
    return page


def on_page_markdown(markdown, page, config, files):
    try:
        return pages.fill(markdown, _report.values, page.file.src_uri)
    except Nn7Error as err:
        raise PluginError(f"nn7: {err}") from None


def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        html = pages.name_empty_headings(html, [item.id for item in _flatten(page.toc)])
    return pages.render_math(html)


def _flatten(toc):
    for item in toc:
        yield item
        yield from _flatten(item.children)
