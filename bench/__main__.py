from __future__ import annotations

import sys

from bench.run import main

raise SystemExit(main(sys.argv[1:]))
