"""nn7_site: the site's generation, apart from the science (:mod:`nn7`).

Jobs derived from the experiment registry (:mod:`.jobs`) each run in a fresh process
(:mod:`.worker`) that records the sources it imported and the files it read; the cache
(:mod:`.cache`) re-runs a job only when one of those, its definition or the versions that
draw the figures changed; :mod:`.generate` runs them and writes ``build/generated/`` (outside
``docs/``) with the values pages quote. Then the pieces the site builder's hook calls:
page templates and MathML (:mod:`.pages`), HTML fixes (:mod:`.htmlfix`), the notebook's
execution (:mod:`.notebook`) and the lab's generated data (:mod:`.lab`).

Callable without the site builder: ``python -m nn7 build``. Never imported by :mod:`nn7`.
"""
