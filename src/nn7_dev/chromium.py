"""Headless Chromium, for the PDF (tools/pdf.py), the browser tests and the lab's benchmark:
Debian's package, driven by Playwright (no browser download).

* :data:`CHROMIUM_ARGS`: the flags every launch uses (no sandbox, GPU, network chatter);
* :func:`find_chromium` locates Debian's Chromium (or ``$NN7_CHROMIUM``);
* :class:`StaticServer` serves a folder on 127.0.0.1 and a free port (a daemon thread).

Standard library only (Playwright is imported by the callers).
"""

from __future__ import annotations

import functools
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
    extra: dict[str, tuple[bytes, str]] = {}
    head_script = ""

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def do_GET(self):  # noqa: N802 - the base class's name
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path in self.extra:
            return self._send(*self.extra[path])
        file = Path(self.translate_path(self.path))
        if file.is_dir() and path.endswith("/"):  # (a folder without "/" is redirected by the base class)
            file = file / "index.html"
        if self.head_script and file.suffix == ".html" and file.is_file():
            html = file.read_text(encoding="utf-8")
            at = html.find("<head>")
            at = at + len("<head>") if at >= 0 else 0
            body = html[:at] + f"<script>{self.head_script}</script>" + html[at:]
            return self._send(body.encode("utf-8"), "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, body: bytes, content_type: str):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


class StaticServer:
    """``folder`` over HTTP on 127.0.0.1 and a free port, in a daemon thread. ``extra`` serves
    made-up files (URL path → (bytes, content type)) without writing them into ``folder``;
    ``head_script`` is JavaScript put first into the <head> of every HTML page served (the
    engine tests record errors with it where the driver cannot)."""

    def __init__(self, folder: Path, extra: dict[str, tuple[bytes, str]] | None = None, head_script: str = ""):
        handler_class = type("_Handler", (_QuietHandler,), {"extra": dict(extra or {}), "head_script": head_script})
        handler = functools.partial(handler_class, directory=str(folder))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="nn7-static", daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
