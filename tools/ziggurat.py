"""Write src/nn7_site/ziggurat.json: NumPy's normal-distribution ziggurat tables, probed from the
installed NumPy (nn7_dev.ziggurat). Run it after upgrading NumPy if the tests say the tables
changed; `--check` only compares (exit status 1 if they differ)."""

from __future__ import annotations

import argparse
import sys

from nn7.fileio import write_atomic
from nn7_dev import ziggurat


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare with the committed file; write nothing")
    args = parser.parse_args()
    fresh = ziggurat.data()
    if args.check:
        same = ziggurat.DATA.is_file() and ziggurat.DATA.read_bytes() == fresh
        print(f"{ziggurat.DATA}: {'matches' if same else 'differs from'} the installed NumPy")
        return 0 if same else 1
    changed = write_atomic(ziggurat.DATA, fresh)
    print(f"{ziggurat.DATA}: {'written' if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
