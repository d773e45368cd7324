import sys

from ankigen.cli import main

sys.exit(main())
