"""`make serve` never publishes stale results: with a real `properdocs serve` running on a copy of
the repository, apply every recipe of CONTRIBUTING.md — among them a new case with its printout
and two figures (registry, snippet, page), a snippet section and a new page — and change nn7's
log format; without a restart, the served site and build/generated/ equal a clean build of the
edited sources, byte for byte, and each recipe's promised result is on the pages.

As every job re-runs on both sides (nn7's code changed), this is also the suite's check that
two builds of the same sources from empty caches give the same bytes; and it is where
CONTRIBUTING.md's recipes are replayed (tests/test_contributing.py checks the document)."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from test_contributing import DOC, apply, fill, recipes

from nn7_dev.repo import ProperdocsServe, copy_repo, env_for, fetch, free_port, tree

pytestmark = [pytest.mark.site]

LIVERELOAD = re.compile(rb'<script>\s*var livereload\s*=.*?</script>', re.S)


def test_edits_while_serving_give_a_clean_builds_bytes(tmp_path, generated):
    root = copy_repo(tmp_path / "repo", generated.out)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"  # the site's address in both builds (properdocs serve uses its own)
    server = ProperdocsServe(root, env_for(root, NN7_SITE_URL=url), tmp_path / "serve.log", port)
    try:
        server.wait_for(lambda: fetch(url + "ch7/7.7/"), 240, "the site to be served", poll=0.2)
        start = server.offset()
        # CONTRIBUTING.md's recipes (prose, wording, a number, a case, a snippet section, a page) …
        all_recipes = recipes(DOC.read_text(encoding="utf-8"))
        for r in all_recipes:  # a recipe already in the sources (applied and committed) is left as it is
            print(f"recipe {r.name}: {apply(root, r, tmp_path)}")
        # … and nn7's code: the log format
        train = root / "src" / "nn7" / "train.py"
        train.write_text(train.read_text(encoding="utf-8").replace("验证集: loss", "验证集: 误差"), encoding="utf-8")

        def rebuilt():
            server.wait_rebuilt(start, 400)
            html = fetch(url + "ch7/7.7/") or b""
            return "情况四".encode() in html and "验证集: 误差".encode() in html and fetch(url + "ch7/faq/")

        server.wait_for(rebuilt, 400, "the edits to appear on the served page", poll=0.2)
        # every edit was saved before the rebuild that shows them began: the server settles (at most
        # one more rebuild, for a file event that arrived late) and stays idle from then on
        settled = server.wait_settled(server.offset(), 400)
        errors = [ln for ln in server.log().splitlines() if "ERROR" in ln or "Traceback" in ln]
        assert not errors, "\n".join(errors)

        # a clean build of the edited sources, into a separate copy with no build outputs
        clean = copy_repo(tmp_path / "clean", source=root)
        built = subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "-q", "-d", str(clean / "site")],
                               cwd=clean, env=env_for(clean, NN7_SITE_URL=url), capture_output=True, text=True,
                               timeout=900)
        assert built.returncode == 0, built.stderr[-3000:]

        served_generated, clean_generated = tree(root / "build" / "generated"), tree(clean / "build" / "generated")
        assert sorted(served_generated) == sorted(clean_generated)
        assert [k for k in served_generated if served_generated[k] != clean_generated[k]] == []
        assert "img/init_n_n.png" in served_generated and "printouts/case4.txt" in served_generated

        # what each recipe promises, on the clean build
        values = json.loads((clean / "build" / "generated" / "site.json").read_text(encoding="utf-8"))["values"]
        for r in all_recipes:
            for page, text in r.expect:
                visible = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", (clean / "site" / page).read_text(encoding="utf-8")))
                assert fill(text, values) in visible, f"recipe {r.name}: {page} does not contain {fill(text, values)!r}"
            for rel in r.files:
                assert (clean / rel).is_file(), f"recipe {r.name}: {rel} was not made"

        differ = []
        for rel, data in tree(clean / "site").items():
            if rel.endswith(".gz"):
                continue  # sitemap.xml.gz: compressed with the time of the build
            served = fetch(url + rel)
            if rel.endswith(".html") and served is not None:
                served = LIVERELOAD.sub(b"", served)
            if served != data:
                differ.append(rel)
        assert not differ, f"served files that differ from a clean build: {differ[:20]}"
        assert server.rebuilds(settled) == 0, "properdocs serve rebuilt with nothing changed:\n" + server.log(settled)[-3000:]
    finally:
        server.stop()
