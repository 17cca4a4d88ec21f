"""Helpers shared by the tests, the benchmarks and the tools (never by the library or the site):

* :mod:`.repo` a copy of the repository to edit, build or serve, and `properdocs serve` on it;
* :mod:`.chromium` Debian's Chromium: finding it, its launch flags, a local static server;
* :mod:`.browser` ES modules loaded into a page and called from Python;
* :mod:`.ziggurat` the prober of NumPy's normal-distribution tables (``tools/ziggurat.py``).
"""
