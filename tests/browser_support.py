"""Headless Chromium for the tests: Debian's package, driven by Playwright (no browser download).

Used by the conftest fixtures ``chromium_path``, ``browser`` and ``js``:

* :func:`find_chromium` locates Debian's Chromium (or ``$NN7_CHROMIUM``);
* :class:`StaticServer` serves a folder on 127.0.0.1 and a free port (a daemon thread);
* :class:`JsModules` loads ES modules from a served folder into one blank page and calls
  their exports, so that JavaScript (the lab's engine) is tested in the browser readers use.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-dev-shm-usage",  # small /dev/shm in containers
    "--mute-audio",
]


def find_chromium() -> str | None:
    """Debian's Chromium, or None. `/usr/bin/chromium` is a shell wrapper that adds flags
    (extensions, API keys); launch the real binary next to it when it is there."""
    found = os.environ.get("NN7_CHROMIUM") or shutil.which("chromium")
    if not found and os.access("/usr/bin/chromium", os.X_OK):
        found = "/usr/bin/chromium"
    if not found:
        return None
    real = Path("/usr/lib/chromium/chromium")
    if Path(found).resolve() == Path("/usr/bin/chromium") and os.access(real, os.X_OK):
        return str(real)
    return found


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".mjs": "text/javascript", ".json": "application/json", ".pdf": "application/pdf"}

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


class StaticServer:
    """``folder`` over HTTP on 127.0.0.1 and a free port, in a daemon thread."""

    def __init__(self, folder: Path):
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="nn7-static", daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class JsModules:
    """ES modules served from one folder, imported into one page; ``call`` runs an export.

    ``call("random.js", "streams", 3)`` evaluates ``(await import("/random.js")).streams(3)``
    in the page and returns its JSON-serialisable result (typed arrays become lists)."""

    def __init__(self, browser, folder: Path):
        self.folder = folder
        self.server = StaticServer(folder)
        self.context = browser.new_context(service_workers="block")
        # the page that imports the modules: made up here, so nothing is written into `folder`
        blank = "<!doctype html><meta charset=utf-8><title>js</title><link rel=icon href=data:,>\n"
        self.context.route(self.server.url + "__nn7_blank__.html",
                           lambda route: route.fulfill(body=blank, content_type="text/html; charset=utf-8"))
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.goto(self.server.url + "__nn7_blank__.html")

    def call(self, module: str, function: str, *args):
        script = """async ([module, fn, args]) => {
            const m = await import(module);
            const out = await m[fn](...args);
            return JSON.stringify(out, (k, v) => ArrayBuffer.isView(v) ? Array.from(v)
                                        : (typeof v === 'bigint' ? v.toString() : v));
        }"""
        text = self.page.evaluate(script, ["/" + module, function, list(args)])
        return None if text is None else json.loads(text)

    def evaluate(self, script: str, arg=None):
        """Run ``script`` (an async arrow function of one argument) in the page."""
        return self.page.evaluate(script, arg)

    def close(self) -> None:
        self.context.close()
        self.server.close()
