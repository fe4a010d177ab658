"""`python -m graph` runs the `stackmap` command."""

import sys

from .cli import main

sys.exit(main())
