"""lighthouse_<page>: Lighthouse 12 on every page of the built site, mobile profile (a 412 px
phone, simulated slow 4G and a 4x slower CPU), the site served with gzip as GitHub Pages serves
it (nn7_dev.pages). One goal per page: performance >= 95 with LCP <= 2.5 s, CLS <= 0.1 and TBT
<= 100 ms, and accessibility, best practices and SEO at 100 (all of them part of the goal).
The print edition's page (print_page/: every page on one, with the book's full-resolution
figures, printed to the PDF and linked from nowhere) is reported, not held to the goal.

Each page is measured ``trials`` times, the pages interleaved (page 1, 2, …, then again), in one
Chromium; the median of each number is reported. The service worker's first visit (it downloads
the whole site after the page has loaded) is part of what is measured, as a first visit is.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from nn7_dev import lighthouse
from nn7_dev.pages import PagesServer, site_pages

from .benchlib import out
from .goals import Goal, Outcome

# The site's pages (site path) and their goal names, in the order of the table.
PAGES = {"": "home", "ch7/7.7/": "7_7", "ch7/lab/": "lab", "ch7/sweep/": "sweep", "ch7/notebook/": "notebook",
         "appendix/backprop/": "appendix", "appendix/glossary/": "glossary", "about/": "about", "print_page/": "print", "404.html": "404"}
LIMITS = (("lcp_s", "<=", 2.5), ("cls", "<=", 0.1), ("tbt_ms", "<=", 100), ("accessibility", ">=", 100),
          ("best_practices", ">=", 100), ("seo", ">=", 100))


def goal_name(path: str) -> str:
    return f"lighthouse_{PAGES[path]}"


INFORMATIONAL = {"print_page/"}


def goals() -> list[Goal]:
    return [Goal(goal_name(path), ">=", 95, "points", digits=0, limits=LIMITS, informational=path in INFORMATIONAL)
            for path in PAGES]


def measure(site: Path, quick: bool) -> dict[str, Outcome]:
    trials = 1 if quick else 3
    found = site_pages(site)
    paths = [p for p in PAGES if p in found]
    out(f"== lighthouse_*: Lighthouse {lighthouse.version()} (mobile, simulated slow 4G, 4x CPU), gzip, "
        f"{len(paths)} pages × {trials} trial(s), interleaved")
    extra = sorted(set(found) - set(PAGES))
    if extra:
        out(f"  pages without a goal (add them to bench/measure_lighthouse.PAGES): {extra}")
    server = PagesServer(site)
    runs: dict[str, list[dict]] = {p: [] for p in paths}
    try:
        for trial in range(trials):
            for path, result in zip(paths, lighthouse.run([server.url + p for p in paths])):
                runs[path].append(result)
                m, c = result["metrics"], result["categories"]
                out(f"  trial {trial + 1}/{trials} {path or '(home)'}: performance {c['performance']}, "
                    f"FCP {m['fcp_ms'] / 1000:.2f} s, LCP {m['lcp_ms'] / 1000:.2f} s, CLS {m['cls']:.3f}, "
                    f"TBT {m['tbt_ms']:.0f} ms, {m['weight_bytes'] / 1024:.0f} KiB; a11y {c['accessibility']}, "
                    f"best practices {c['best-practices']}, SEO {c['seo']}")
    finally:
        server.close()
    outcomes = {}
    for path in paths:
        rs = runs[path]

        def median(f):
            return statistics.median(f(r) for r in rs)

        details = {"performance": median(lambda r: r["categories"]["performance"]),
                   "accessibility": median(lambda r: r["categories"]["accessibility"]),
                   "best_practices": median(lambda r: r["categories"]["best-practices"]),
                   "seo": median(lambda r: r["categories"]["seo"]),
                   "fcp_s": median(lambda r: r["metrics"]["fcp_ms"]) / 1000,
                   "lcp_s": median(lambda r: r["metrics"]["lcp_ms"]) / 1000,
                   "cls": median(lambda r: r["metrics"]["cls"]),
                   "tbt_ms": median(lambda r: r["metrics"]["tbt_ms"]),
                   "weight_kib": median(lambda r: r["metrics"]["weight_bytes"]) / 1024,
                   "failed": sorted({f["id"] for r in rs for f in r["failed"]}),
                   "trials": [{"categories": r["categories"], "metrics": r["metrics"]} for r in rs]}
        note = (f"LCP {details['lcp_s']:.2f} s, CLS {details['cls']:.3f}, TBT {details['tbt_ms']:.0f} ms, "
                f"FCP {details['fcp_s']:.2f} s, {details['weight_kib']:.0f} KiB; a11y {details['accessibility']:.0f}, "
                f"bp {details['best_practices']:.0f}, SEO {details['seo']:.0f}")
        outcomes[goal_name(path)] = Outcome(details["performance"], details, note=note)
    return outcomes
