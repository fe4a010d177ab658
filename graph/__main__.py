"""`python -m graph` runs the `stackmap` command."""

import sys

from .cli import console

sys.exit(console())
