"""A built site served the way GitHub Pages serves it, for Lighthouse, the offline tests and the
benchmark (standard library only):

* under a base path (``/`` or a project path such as ``/nn7-e-resource/``; anything else 404);
* text files gzip-compressed when the client accepts it (HTML, CSS, JavaScript, JSON, SVG,
  XML, the web app manifest, Python and text downloads), images and the PDF as they are;
* ``Cache-Control: max-age=600``, an ``ETag`` and ``Last-Modified`` (304 on a match), like Pages;
* a folder without its slash redirected (301) to it, ``index.html`` for a folder, and the
  site's ``404.html`` with status 404 for anything missing.

The served folder can be replaced while serving (:meth:`PagesServer.serve`: a new build at the
same address), and the server can be taken "down" (:attr:`PagesServer.down`): every request is
then answered 503 and recorded in :attr:`PagesServer.requests_while_down`, so a test proves
that an offline reader's browser asked nothing of the network.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import threading
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json", ".map": "application/json", ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml", ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
    ".py": "text/x-python; charset=utf-8", ".csv": "text/csv; charset=utf-8", ".ipynb": "application/x-ipynb+json",
    ".png": "image/png", ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon",
    ".pdf": "application/pdf", ".zip": "application/zip", ".gz": "application/gzip",
    ".woff2": "font/woff2", ".woff": "font/woff",
}
COMPRESSED = {".html", ".css", ".js", ".mjs", ".json", ".map", ".webmanifest", ".svg", ".xml", ".txt", ".py",
              ".csv", ".ipynb"}
MAX_AGE = 600  # seconds, as GitHub Pages


def site_pages(site: Path) -> list[str]:
    """Every page of a built site as its URL path ("", "about/", …, "404.html")."""
    paths = sorted(p.relative_to(site).as_posix()[: -len("index.html")] for p in site.rglob("index.html"))
    return paths + (["404.html"] if (site / "404.html").is_file() else [])


def hardlinked_copy(site: Path, target: Path) -> Path:
    """A copy of ``site`` at ``target`` whose files are hard links (cheap; replace a file before
    editing it, or the original changes too)."""
    shutil.copytree(site, target, copy_function=os.link)
    return target


class PagesServer:
    """``folder`` on http://127.0.0.1:PORT{base} in a daemon thread (see the module doc)."""

    def __init__(self, folder: Path, base: str = "/", gzip_text: bool = True):
        if not (base.startswith("/") and base.endswith("/")):
            raise ValueError(f"base must start and end with '/': {base!r}")
        self.base = base
        self.gzip_text = gzip_text
        self.down = False
        self.requests_while_down: list[str] = []
        self.requests: list[str] = []  # every path asked for (method and path), in order
        self._lock = threading.Lock()
        self._cache: dict[tuple[Path, bool], tuple[bytes, str, float]] = {}
        self.serve(folder)
        server = self

        class Handler(_Handler):
            pages = server

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="nn7-pages", daemon=True)
        self.thread.start()
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.url = self.origin + base

    def serve(self, folder: Path) -> None:
        """Serve ``folder`` from now on (a new deployment at the same address)."""
        with self._lock:
            self.folder = Path(folder).resolve()
            self._cache.clear()

    def body(self, path: Path, compressed: bool) -> tuple[bytes, str, float]:
        """(bytes, ETag, mtime) of ``path``, gzip-compressed (deterministically) if asked."""
        key = (path, compressed)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        data = path.read_bytes()
        if compressed:
            data = gzip.compress(data, compresslevel=6, mtime=0)
        etag = '"' + hashlib.sha256(data).hexdigest()[:20] + '"'
        entry = (data, etag, path.stat().st_mtime)
        with self._lock:
            self._cache[key] = entry
        return entry

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    pages: PagesServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def do_HEAD(self):  # noqa: N802 - http.server's naming
        self._answer(head=True)

    def do_GET(self):  # noqa: N802
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        pages = self.pages
        pages.requests.append(f"{self.command} {self.path}")
        if pages.down:
            pages.requests_while_down.append(f"{self.command} {self.path}")
            return self._send(503, b"down", "text/plain; charset=utf-8", head=head)
        path = unquote(urlsplit(self.path).path)
        folder = pages.folder
        if not path.startswith(pages.base):
            if path + "/" == pages.base:
                return self._redirect(pages.base)
            return self._not_found(folder, head)
        rel = path[len(pages.base):]
        target = (folder / rel).resolve()
        if folder not in (target, *target.parents):
            return self._not_found(folder, head)
        if target.is_dir():
            if not path.endswith("/"):
                return self._redirect(path + "/")
            target = target / "index.html"
        if not target.is_file():
            return self._not_found(folder, head)
        self._file(target, 200, head)

    def _not_found(self, folder: Path, head: bool) -> None:
        page = folder / "404.html"
        if page.is_file():
            return self._file(page, 404, head)
        self._send(404, b"not found", "text/plain; charset=utf-8", head=head)

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _file(self, path: Path, status: int, head: bool) -> None:
        suffix = path.suffix.lower()
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        compressed = self.pages.gzip_text and accepts and suffix in COMPRESSED
        data, etag, mtime = self.pages.body(path, compressed)
        headers = {"Cache-Control": f"max-age={MAX_AGE}", "ETag": etag,
                   "Last-Modified": formatdate(mtime, usegmt=True), "Vary": "Accept-Encoding"}
        if compressed:
            headers["Content-Encoding"] = "gzip"
        if status == 200 and self._not_modified(etag, mtime):
            self.send_response(304)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._send(status, data, TYPES.get(suffix, "application/octet-stream"), headers, head)

    def _not_modified(self, etag: str, mtime: float) -> bool:
        if self.headers.get("If-None-Match"):
            return etag in [t.strip() for t in self.headers["If-None-Match"].split(",")]
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return int(mtime) <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def _send(self, status: int, data: bytes, content_type: str, headers: dict | None = None,
              head: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass
