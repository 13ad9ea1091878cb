"""``python -m geo``: the command line of the domain package."""

import sys

from geo.cli import main

sys.exit(main())
