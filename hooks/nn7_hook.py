"""The site builder's hook: have nn7_site (re)generate the chapter's outputs, then publish them.

The site builder is ProperDocs (the maintained MkDocs 1.x; it reads mkdocs.yml and runs this
hook with MkDocs' plugin API, imported here under its own name). Generation lives in nn7_site
(`python -m nn7 build` runs it without the site builder), into build/generated/ outside docs/,
so `properdocs serve` never sees its own output as a change. Jobs
whose inputs are unchanged are skipped in this process; the others run in fresh processes that
run the code on disk. This file only wires the result into the site builder:

* on_config: generate (the log says `ran` or `cached` per job, and why a job ran); every
  Jinja environment made from the theme (the builder's, the search plugin's, the print plugin's) keeps
  compiled templates in .cache/jinja/ (Jinja compares each template's source, so an edited one
  is compiled again): a rebuild under `properdocs serve` skips ~1 s of compiling;
* on_files: publish the generated files (figures, CSV data, downloads, the lab's data) with
  File.generated; the executed notebook takes the place of its source, docs/ch7/notebook.ipynb;
* on_page_markdown: fill each page's template with the values the runs published;
* on_page_content: TeX to MathML (server-side, no script), and boxes that scroll sideways
  made keyboard-focusable (nn7_site.htmlfix);
* on_post_page: each figure shown in both palettes at screen sizes, tap to enlarge
  (nn7_site.images), printouts that reflow and tables that stack on phones (nn7_site.printouts,
  nn7_site.htmlfix), the notebook page
  without the style rules nothing on it matches (nn7_site.cssprune) and with its figures in
  files of their own (nn7_site.images), scripts deferred and
  print-only styles out of the way of the first paint (nn7_site.htmlfix); the print edition
  keeps the full-resolution PNGs, the printouts and its scripts and styles as they were;
* on_post_build: in the print edition (print_page/), links to anchors and to pages it leaves
  out point where they should, and its <body> is marked (nn7_site.pages); Material's palette
  style sheet without the rule that made each page load restyle the whole page twice
  (nn7_site.themefix); then the web app manifest and its icons, and the service worker that
  keeps every file of this build for reading offline
  (nn7_site.offline; tools/pdf.py adds the PDF to it).

Every path and option is in mkdocs.yml; this hook changes none of them.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from properdocs.exceptions import PluginError
from properdocs.plugins import event_priority
from properdocs.structure.files import File
from pymdownx.snippets import SnippetMissingError

log = logging.getLogger("properdocs.hooks.nn7")
_report = None  # the generation of this build
_s = None  # the nn7_site package


def _site(root: Path):
    """The nn7_site package as it is on disk now. `properdocs serve` keeps one process across
    rebuilds: if a file of src/nn7 or src/nn7_site changed since they were imported here, both
    are imported again, from their source (never from a stale bytecode cache)."""
    src = root / "src"
    spec = importlib.util.spec_from_file_location("nn7_site_fresh", src / "nn7_site" / "fresh.py")
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    fresh.install(src)
    sys.path[:] = [str(src)] + [p for p in sys.path if p != str(src)]  # this repository's packages first
    digest = fresh.digest(src / "nn7", src / "nn7_site")
    if _loaded.get("digest") != digest or _loaded.get("src") != src:
        for name in [n for n in sys.modules if n.split(".")[0] in ("nn7", "nn7_site")]:
            del sys.modules[name]
        _loaded.update(digest=digest, src=src)
    import nn7_site.cssprune
    import nn7_site.generate
    import nn7_site.htmlfix
    import nn7_site.images
    import nn7_site.offline
    import nn7_site.pages
    import nn7_site.printouts
    import nn7_site.printsite
    import nn7_site.themefix

    nn7_site.printsite.install()
    return nn7_site


_loaded: dict = {}


@event_priority(100)
def on_config(config):
    global _report, _s
    root = Path(config.config_file_path).resolve().parent
    _s = _site(root)
    from nn7.errors import Nn7Error

    try:
        _report = _s.generate.generate(root, log=log.info)
    except Nn7Error as err:
        raise PluginError(f"nn7: {err}") from None
    _cache_templates(config)
    return config


def _cache_templates(config) -> None:
    """Every Jinja environment made from the theme keeps compiled templates in .cache/jinja/, and
    lists the installed theme's files once per process (see _listing)."""
    root = Path(config.config_file_path).resolve().parent
    cache = root / ".cache" / "jinja"
    cache.mkdir(parents=True, exist_ok=True)
    theme, get_env = config.theme, config.theme.get_env

    def get_env_with_cache():
        env = get_env()
        env.bytecode_cache = FileSystemBytecodeCache(str(cache))
        env.loader.list_templates = _listing(env.loader, root)
        return env

    theme.get_env = get_env_with_cache


_installed: dict[str, list[str]] = {}  # an installed theme's folder -> its files (it does not change)


def _listing(loader, root: Path):
    """``loader.list_templates`` (what the site builder publishes the theme's static files
    from), with an installed theme's files listed once per process instead of on every rebuild
    under `properdocs serve`, and without the files in its dot-folders, which the builder never
    publishes (it drops every path matching `.*`: Material's 14,000 icons under .icons/).
    The repository's own overrides/ are listed afresh every time."""
    walk = type(loader)(loader.searchpath, followlinks=loader.followlinks)

    def files(searchpath: str) -> list[str]:
        return type(loader)([searchpath], followlinks=loader.followlinks).list_templates()

    def list_templates() -> list[str]:
        found = set()
        for searchpath in walk.searchpath:
            folder = Path(searchpath).resolve()
            if folder.is_relative_to(root) and not folder.is_relative_to(Path(sys.prefix).resolve()):
                found.update(files(searchpath))
            else:
                if searchpath not in _installed:
                    _installed[searchpath] = [f for f in files(searchpath) if not f.startswith(".")]
                found.update(_installed[searchpath])
        return sorted(found)

    return list_templates


def on_serve(server, config, builder):
    """`properdocs serve` notices a saved file by polling every half second; with the system's
    file events (inotify on Linux) a prose edit shows in ~0.3 s instead of ~0.8 s. The paths
    it watched so far are moved to the new observer (the ones in mkdocs.yml's `watch:` are
    added after this event)."""
    try:
        from watchdog.events import (
            DirCreatedEvent,
            DirDeletedEvent,
            DirMovedEvent,
            FileClosedEvent,
            FileCreatedEvent,
            FileDeletedEvent,
            FileModifiedEvent,
            FileMovedEvent,
        )
        from watchdog.observers import Observer

        # only a change is a change: inotify also reports every file a rebuild opens and closes
        # unchanged (FileOpenedEvent, FileClosedNoWriteEvent), which would start the next rebuild,
        # and so on for ever
        changes = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
                   DirCreatedEvent, DirDeletedEvent, DirMovedEvent]

        class ChangesObserver(Observer):
            def schedule(self, event_handler, path, *, recursive=False, event_filter=None, **kwargs):
                return super().schedule(event_handler, path, recursive=recursive,
                                         event_filter=changes if event_filter is None else event_filter, **kwargs)

        fast = ChangesObserver()
    except Exception:  # no native file events here: keep polling
        return server
    moved = []
    for path in [config.docs_dir, config.config_file_path, *config.theme.dirs]:
        try:
            server.unwatch(path)
            moved.append(path)
        except KeyError:  # not watched (the theme is watched only with --watch-theme)
            pass
    server.observer = fast
    for path in moved:
        server.watch(path)
    return server


@event_priority(100)  # before mkdocs-jupyter turns notebooks into pages
def on_files(files, config):
    global _figures
    _figures = _s.images.Figures(dict(_report.published))
    for site_path, path in _report.published:
        source = files.get_file_from_path(site_path)
        if source is None:
            files.append(File.generated(config, site_path, abs_src_path=str(path)))
            continue
        # The executed notebook takes its source's place: a File read from the generated
        # folder under the same path (so mkdocs-jupyter renders it and "edit" edits the source).
        files.remove(source)
        src_dir = str(path)[: -len(site_path)].rstrip("/")
        files.append(File(site_path, src_dir, config.site_dir, config.use_directory_urls))
    return files


@event_priority(-100)
def on_pre_page(page, config, files):
    """A missing snippet fails the build with one message naming the page."""
    render = page.render

    def render_or_fail(*args, **kwargs):
        try:
            return render(*args, **kwargs)
        except SnippetMissingError as err:
            raise PluginError(f"nn7: docs/{page.file.src_uri}: {err} (searched {', '.join(_snippet_paths(config))})") from None

    page.render = render_or_fail
    return page


def _snippet_paths(config) -> list[str]:
    return [str(p) for p in config.mdx_configs.get("pymdownx.snippets", {}).get("base_path", [])]


def on_page_markdown(markdown, page, config, files):
    from nn7.errors import Nn7Error

    # `site`: what the pages know of where the site lives (the repository only when mkdocs.yml's
    # repo_url, from NN7_REPO_URL, names it: an erratum is reported there, never at a made-up address)
    site = {"repo_url": (config.repo_url or "").strip().rstrip("/") or None}
    try:
        return _s.pages.render(markdown, {**_report.values, "site": site}, f"docs/{page.file.src_uri}", config.docs_dir)
    except Nn7Error as err:
        raise PluginError(f"nn7: {err}") from None


@event_priority(50)  # before print-site keeps each page's HTML for the print edition
def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        html = _s.pages.name_empty_headings(html, [item.id for item in _flatten(page.toc)])
    return _s.htmlfix.focusable_scroll_regions(_s.pages.render_math(html))


def on_post_page(output, page, config):
    if page.file.src_uri.endswith(".ipynb"):
        output = _s.cssprune.prune_page(output)
        output = _s.images.extract_data_images(output, page.url, Path(config.site_dir) / page.url, _figures)
    output = _s.printouts.reflowable(_s.images.pictures(output, page.url, _figures))
    return _s.htmlfix.faster_first_paint(_s.htmlfix.stackable_tables(output))


_figures = None


@event_priority(-100)  # after print-site wrote the print edition
def on_post_build(config):
    printed = Path(config.site_dir) / "print_page" / "index.html"
    if printed.is_file():
        urls = {url.strip("/").replace("/", "-") or "index": f"../{url}" for url in _page_urls}
        page_html = _s.pages.fix_print_links(printed.read_text(encoding="utf-8"), urls)
        try:
            page_html = _s.pages.mark_print_edition(page_html)
        except ValueError as err:
            raise PluginError(f"nn7: {printed.relative_to(config.site_dir)}: {err}") from None
        printed.write_text(page_html, encoding="utf-8")
    palette = config.theme["palette"]
    primary = (palette[0] if isinstance(palette, list) else palette).get("primary", "indigo")
    try:
        _s.themefix.quiet_palette_switch(Path(config.site_dir))
    except _s.themefix.ThemeChanged as err:
        raise PluginError(f"nn7: {err}") from None
    _s.offline.write_app(Path(config.site_dir), config.site_name, config.extra["app_short_name"],
                         config.site_description, primary)
    _s.offline.write_service_worker(Path(config.site_dir))


_page_urls: list[str] = []


def on_nav(nav, config, files):
    _page_urls[:] = [page.url for page in nav.pages]
    return nav


def _flatten(toc):
    for item in toc:
        yield item
        yield from _flatten(item.children)
