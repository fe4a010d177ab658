"""Pausing Python's cyclic garbage collector around passes that allocate millions of small objects.

Reference counting still frees everything those passes discard; only the collector's repeated scans
of the live heap are skipped. Measured on the 100,000-vendor benchmark market: projecting 12.5 s ->
8.0 s, chokepoints 13.8 s -> 9.6 s.
"""

from __future__ import annotations

import gc
from contextlib import ContextDecorator


class gc_paused(ContextDecorator):
    """Disable the cyclic collector for the block or function, and restore its previous state after."""

    def __enter__(self) -> gc_paused:
        self.was_enabled = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, *exc) -> None:
        if self.was_enabled:
            gc.enable()
