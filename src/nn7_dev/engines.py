"""The two browser engines besides Chromium, for the tests: Firefox (SpiderMonkey) and WebKit
(JavaScriptCore, Safari's engine), from Debian's packages, headless, no browser download.

* Firefox ESR (``firefox-esr``) is driven over WebDriver BiDi by npm's puppeteer-core (no
  geckodriver), through tools/node/firefox-driver.mjs, a small Node process spoken to in JSON
  lines; the Node packages come from tools/node/package.json (``make test`` installs them);
* WebKitGTK's MiniBrowser is driven by ``WebKitWebDriver`` (``webkit2gtk-driver``) through
  Selenium's WebKitGTK driver, on a display of its own (``Xvfb``).

Both give the same :class:`Page` (navigate, run JavaScript, click, type, choose, read errors),
so a test is written once for every engine, and :class:`Modules` (``call(module, fn, *args)``
and ``evaluate(script, arg)`` with the semantics of :class:`nn7_dev.browser.JsModules`), so a
function that takes JsModules (tests/lab_support.py) runs in every engine unchanged.

Where something is missing, :func:`launch` raises :class:`EngineUnavailable` naming the Debian
packages to install; :func:`missing` says it without starting anything.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

from .chromium import StaticServer

ROOT = Path(__file__).resolve().parents[2]
NODE_DIR = ROOT / "tools" / "node"
FIREFOX_DRIVER = NODE_DIR / "firefox-driver.mjs"
MINIBROWSER = Path("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser")
WEBKIT_DRIVER = "WebKitWebDriver"
ENGINES = ("firefox", "webkit")
# What each engine needs: (what is looked for, the Debian package that provides it).
NEEDS = {
    "firefox": [("firefox-esr", "firefox-esr"), ("node", "nodejs")],
    "webkit": [(WEBKIT_DRIVER, "webkit2gtk-driver"), (str(MINIBROWSER), "libwebkit2gtk-4.1-0"), ("Xvfb", "xvfb")],
}
TIMEOUT_S = 60.0

# Put first into every page the tests serve (WebDriver classic has no console events): console
# errors, uncaught exceptions, unhandled rejections and failed loads, kept in window.__nn7Errors.
RECORD_ERRORS = """(() => {
  const errors = window.__nn7Errors = [];
  const text = (x) => (x && x.stack) ? String(x.stack) : String(x);
  addEventListener('error', (e) => {
    const el = e.target;
    if (!el || el === window) return errors.push(`exception: ${text(e.error || e.message)}`);
    // a resource the page uses (not a hint such as <link rel="next">, which Firefox prefetches)
    if (el.tagName !== 'LINK' || /stylesheet|preload|icon|manifest/.test(el.rel)) errors.push(`failed to load: ${el.src || el.href}`);
  }, true);
  addEventListener('unhandledrejection', (e) => errors.push(`unhandled rejection: ${text(e.reason)}`));
  const consoleError = console.error.bind(console);
  console.error = (...args) => { errors.push(`console: ${args.map(text).join(' ')}`); consoleError(...args); };
})();"""

BLANK = "__nn7_blank__.html"  # the page modules are imported into (made up by the server)
BLANK_HTML = b"<!doctype html><meta charset=utf-8><title>js</title><link rel=icon href=data:,>\n"


class EngineUnavailable(Exception):
    """The engine cannot run here; the message names what to install."""


def missing(engine: str) -> list[str]:
    """The Debian packages ``engine`` lacks here (empty: it can run), and Node's packages."""
    packages = []
    for what, package in NEEDS[engine]:
        found = Path(what).is_file() if what.startswith("/") else shutil.which(what)
        if not found:
            packages.append(package)
    if engine == "firefox" and not (NODE_DIR / "node_modules" / "puppeteer-core").is_dir():
        packages.append("puppeteer-core (npm: `make node`)")
    if engine == "webkit":
        try:
            import selenium  # noqa: F401
        except ImportError:
            packages.append("selenium (the test extra: `make venv`)")
    return packages


def launch(engine: str, log_dir: Path) -> Browser:
    """A headless ``engine`` ("firefox" or "webkit"); its logs go to ``log_dir``."""
    lacking = missing(engine)
    if lacking:
        raise EngineUnavailable(f"{engine}: not installed here: {', '.join(lacking)} "
                                f"(`make test` installs them as root: tools/ensure-browsers.sh)")
    log_dir.mkdir(parents=True, exist_ok=True)
    return (_Firefox if engine == "firefox" else _WebKit)(log_dir)


class JsError(Exception):
    """An exception thrown in the page: ``Name: message``, as Playwright reports one."""


def _decode(text: str | None):
    def number(obj):
        return float(obj["$number"]) if obj.keys() == {"$number"} else obj

    value = None if text is None else json.loads(text, object_hook=number)
    if isinstance(value, dict) and value.keys() == {"$thrown"}:
        raise JsError(f"{value['$thrown']['name']}: {value['$thrown']['message']}")
    return value


# In the page: the async function `source` applied to `arg`, its value as JSON text (typed arrays
# as arrays, BigInts as strings, non-finite numbers as {"$number": "NaN"}); what it throws as
# {"$thrown": {name, message}}.
IN_PAGE = """async (source, arg) => {
  let value;
  try {
    value = await (0, eval)(`(${source})`)(arg);
  } catch (e) {
    const name = (e && e.name) || 'Error', message = e && e.message !== undefined ? e.message : e;
    return JSON.stringify({$thrown: {name: String(name), message: String(message)}});
  }
  return JSON.stringify(value === undefined ? null : value, (k, v) => {
    if (ArrayBuffer.isView(v)) return Array.from(v, (x) => (typeof x === 'bigint' ? x.toString() : x));
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number' && !Number.isFinite(v)) return {$number: String(v)};
    return v;
  });
}"""


class Browser:
    engine: str
    version: str

    def new_page(self) -> Page:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class Page:
    """One tab. ``evaluate(script, arg)`` runs ``script``, the source of a (possibly async)
    function of one argument, and returns its value (JSON-like: typed arrays become lists); what
    it throws is raised as :class:`JsError` ``Name: message``."""

    def goto(self, url: str) -> None:
        raise NotImplementedError

    def evaluate(self, script: str, arg=None):
        raise NotImplementedError

    def click(self, selector: str) -> None:
        raise NotImplementedError

    def fill(self, selector: str, value: str) -> None:
        """Type ``value`` into a text field in place of what it holds, then Tab (commits it)."""
        raise NotImplementedError

    def select(self, selector: str, value: str) -> None:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return self.evaluate("() => location.href")

    def check(self, selector: str) -> None:
        self.click(selector)

    def text(self, selector: str) -> str:
        return self.evaluate("(s) => { const el = document.querySelector(s); return el ? el.textContent : null; }",
                             selector) or ""

    def value(self, selector: str) -> str:
        return self.evaluate("(s) => document.querySelector(s).value", selector)

    def back(self) -> None:
        self.evaluate("() => { history.back(); }")

    def forward(self) -> None:
        self.evaluate("() => { history.forward(); }")

    def wait_for(self, predicate: str, timeout: float = TIMEOUT_S, arg=None, what: str = ""):
        """The first truthy value of ``predicate`` (a function's source, given ``arg``), polled."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(predicate, arg)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout:g} s waiting for {what or predicate}; "
                                   f"errors in the page: {self.errors()}")
            time.sleep(0.05)

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads so far (the recorder that
        :data:`RECORD_ERRORS` installs, plus what the driver itself reports)."""
        return self.evaluate("() => (window.__nn7Errors || []).slice()") or []

    def close(self) -> None:
        raise NotImplementedError


class Modules:
    """ES modules served from ``folder`` and imported into one blank page of ``browser``, with
    the interface of :class:`nn7_dev.browser.JsModules`: ``call("random.js", "streams", 3)``
    returns ``(await import("/random.js")).streams(3)``; ``evaluate(script, arg)`` runs an async
    function of one argument in the page."""

    def __init__(self, browser: Browser, folder: Path):
        self.folder = folder
        self.server = StaticServer(folder, extra={"/" + BLANK: (BLANK_HTML, "text/html; charset=utf-8")},
                                   head_script=RECORD_ERRORS)
        self.page = browser.new_page()
        self.page.goto(self.server.url + BLANK)

    def call(self, module: str, function: str, *args):
        return self.page.evaluate("""async ([module, fn, args]) => {
            const m = await import(module);
            return await m[fn](...args);
        }""", ["/" + module, function, list(args)])

    def evaluate(self, script: str, arg=None):
        return self.page.evaluate(script, arg)

    @property
    def errors(self) -> list[str]:
        return self.page.errors()

    def close(self) -> None:
        self.page.close()
        self.server.close()


# ---------------------------------------------------------------- Firefox (puppeteer-core, BiDi)


class _Firefox(Browser):
    """Firefox starts in the background (a few seconds): the first operation, or ``version``,
    waits for it, so the caller can do other work meanwhile."""

    engine = "firefox"

    def __init__(self, log_dir: Path):
        self.log = open(log_dir / "firefox-driver.log", "wb")  # noqa: SIM115 - closed in close()
        firefox = shutil.which("firefox-esr")
        self.proc = subprocess.Popen(["node", str(FIREFOX_DRIVER), firefox], cwd=NODE_DIR, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self.log, start_new_session=True)
        self.lock = threading.Lock()
        self.next_id = 0
        self._version: str | None = None

    @property
    def version(self) -> str:
        if self._version is None:
            ready = self._read(TIMEOUT_S, "Firefox to start")
            if not ready.get("ready"):
                raise RuntimeError(f"firefox: the driver did not start: {ready}")
            self._version = ready["version"].replace("firefox/", "Firefox ")
        return self._version

    def _read(self, timeout: float, what: str) -> dict:
        result: list = []
        reader = threading.Thread(target=lambda: result.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if not result or not result[0]:
            self.close()
            raise RuntimeError(f"firefox: no answer waiting for {what} (driver log: {self.log.name}):\n"
                               + Path(self.log.name).read_text(errors="replace")[-2000:])
        return json.loads(result[0])

    def op(self, op: str, *args, timeout: float = 600):
        with self.lock:
            assert self.version  # started
            self.next_id += 1
            self.proc.stdin.write((json.dumps({"id": self.next_id, "op": op, "args": list(args)}) + "\n").encode())
            self.proc.stdin.flush()
            answer = self._read(timeout, op)
        assert answer.get("id") == self.next_id, answer
        if not answer["ok"]:
            raise RuntimeError(f"firefox: {op}: {answer['error']}")
        return answer["value"]

    def new_page(self) -> Page:
        return _FirefoxPage(self, self.op("open"))

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write(b'{"op": "quit"}\n')
                self.proc.stdin.flush()
                self.proc.wait(timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                _end_session(self.proc)
        self.log.close()


class _FirefoxPage(Page):
    def __init__(self, browser: _Firefox, page: int):
        self.browser, self.id = browser, page

    def goto(self, url: str) -> None:
        self.browser.op("goto", self.id, url)

    def evaluate(self, script: str, arg=None):
        return _decode(self.browser.op("evaluate", self.id, IN_PAGE, script, arg))

    def click(self, selector: str) -> None:
        self.browser.op("click", self.id, selector)

    def fill(self, selector: str, value: str) -> None:
        self.browser.op("fill", self.id, selector, value)

    def select(self, selector: str, value: str) -> None:
        self.browser.op("select", self.id, selector, value)

    def errors(self) -> list[str]:
        return self.browser.op("errors", self.id) + super().errors()

    def close(self) -> None:
        self.browser.op("close", self.id)


# ---------------------------------------------------------------- WebKit (WebKitWebDriver, Xvfb)


class _WebKit(Browser):
    engine = "webkit"

    def __init__(self, log_dir: Path):
        from selenium import webdriver
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        self.xvfb, display = _start_xvfb(log_dir / "xvfb.log")
        env = {**os.environ, "DISPLAY": display}
        options = Options()
        options.binary_location = str(MINIBROWSER)
        options.add_argument("--automation")
        service = Service(executable_path=shutil.which(WEBKIT_DRIVER), log_output=str(log_dir / "webkit-driver.log"),
                          env=env)
        try:
            with warnings.catch_warnings():  # Selenium's own use of its deprecated remote_server_addr
                warnings.simplefilter("ignore", DeprecationWarning)
                self.driver = webdriver.WebKitGTK(options=options, service=service)
        except Exception:
            _end_session(self.xvfb)
            raise
        self.driver.set_script_timeout(600)
        self.version = f"WebKitGTK {self.driver.capabilities.get('browserVersion', '?')} (MiniBrowser)"

    def new_page(self) -> Page:
        # WebKitGTK's MiniBrowser automates one window: a page is that window, reused (one at a time).
        return _WebKitPage(self)

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            _end_session(self.xvfb)


class _WebKitPage(Page):
    def __init__(self, browser: _WebKit):
        self.browser, self.driver = browser, browser.driver

    def goto(self, url: str) -> None:
        self.driver.get(url)

    def evaluate(self, script: str, arg=None):
        done = self.driver.execute_async_script(
            """const [inPage, source, arg, done] = arguments;
            (0, eval)(`(${inPage})`)(source, arg).then((json) => done({json}), (e) => done({error: String(e && e.stack || e)}));""",
            IN_PAGE, script, arg)
        if "error" in done:
            raise RuntimeError(f"webkit: {done['error']}")
        return _decode(done["json"])

    def _element(self, selector: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def click(self, selector: str) -> None:
        self._element(selector).click()

    def fill(self, selector: str, value: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.keys import Keys

        self.driver.execute_script("const el = arguments[0]; el.focus(); el.select();", self._element(selector))
        ActionChains(self.driver).send_keys(value).send_keys(Keys.TAB).perform()

    def select(self, selector: str, value: str) -> None:
        from selenium.webdriver.support.select import Select

        Select(self._element(selector)).select_by_value(value)

    def close(self) -> None:
        self.driver.get("about:blank")


def _start_xvfb(log_path: Path) -> tuple[subprocess.Popen, str]:
    """Xvfb on a free display (it picks one and writes its number to a pipe)."""
    read, write = os.pipe()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
                                pass_fds=[write], stdout=log, stderr=log, start_new_session=True)
    os.close(write)
    number = b""
    deadline = time.monotonic() + 30
    os.set_blocking(read, False)
    while not number.endswith(b"\n"):
        if proc.poll() is not None or time.monotonic() > deadline:
            os.close(read)
            _end_session(proc)
            raise EngineUnavailable(f"webkit: Xvfb did not start: {log_path.read_text(errors='replace')[-500:]}")
        try:
            number += os.read(read, 16)
        except BlockingIOError:
            time.sleep(0.02)
    os.close(read)
    return proc, ":" + number.decode().strip()


def _end_session(proc: subprocess.Popen) -> None:
    """End ``proc`` and what it started (its own session)."""
    import signal

    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def versions() -> dict[str, str]:
    """The installed engines' versions, from their packages (nothing is started)."""
    out = {}
    for engine, package in (("chromium", "chromium"), ("firefox", "firefox-esr"), ("webkit", "libwebkit2gtk-4.1-0")):
        try:
            status, _, v = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Abbrev}|${Version}", package],
                                          capture_output=True, text=True, timeout=10).stdout.partition("|")
        except OSError:
            status, v = "", ""
        out[engine] = v.strip() if status.startswith("ii") else "not installed"
    return out


if __name__ == "__main__":  # python -m nn7_dev.engines: what is installed, and what is missing
    for name in ENGINES:
        lacking = missing(name)
        print(f"{name}: {'ready' if not lacking else 'missing ' + ', '.join(lacking)}")
    print(versions())
    sys.exit(0)
