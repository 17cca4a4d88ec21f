"""Helpers shared by the tests, the benchmarks and the tools (never by the library or the site):

* :mod:`.repo` a copy of the repository to edit, build or serve, `properdocs serve` on it, and
  what only the deploy knows (:data:`.repo.DEPLOY_ENV`);
* :mod:`.chromium` Debian's Chromium: finding it, its launch flags, a local static server (which
  can also serve made-up files and put a script into the pages it serves);
* :mod:`.browser` ES modules loaded into a page and called from Python;
* :mod:`.engines` Firefox (WebDriver BiDi, puppeteer-core) and WebKitGTK (WebKitWebDriver, Xvfb)
  behind one interface, for the tests that run in every engine;
* :mod:`.ziggurat` the prober of NumPy's normal-distribution tables (``tools/ziggurat.py``).
"""
