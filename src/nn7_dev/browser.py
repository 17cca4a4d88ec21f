"""Headless Chromium for the tests: Debian's package, driven by Playwright (no browser download).

Used by the conftest fixtures ``chromium_path``, ``browser`` and ``js``:

* :func:`find_chromium`, :data:`CHROMIUM_ARGS` and :class:`StaticServer` come from
  :mod:`nn7_dev.chromium` (tools/pdf.py prints the PDF with the same);
* :class:`JsModules` loads ES modules from a served folder into one blank page and calls
  their exports, so that JavaScript (the lab's engine) is tested in the browser readers use.
"""

from __future__ import annotations

import json
from pathlib import Path

from .chromium import CHROMIUM_ARGS, StaticServer, find_chromium

__all__ = ["CHROMIUM_ARGS", "JsModules", "StaticServer", "find_chromium"]


class JsModules:
    """ES modules served from one folder, imported into one page; ``call`` runs an export.

    ``call("nn7/rng.js", "streams", 3)`` evaluates ``(await import("/nn7/rng.js")).streams(3)``
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
