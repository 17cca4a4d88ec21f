"""``python -m nn7``: the command line (``nn7_cli``), which sits on top of this package."""

import sys

from nn7_cli import main

sys.exit(main())
