"""Peak memory of a process and its descendants, sampled from /proc (Linux).

Forked children (the limited runs of queries, for instance) share the parent's pages copy-on-write,
so adding up resident sets would count the shared pages once per process. The proportional set size
(Pss) of each process splits every shared page between the processes that map it: summed over the
tree, it is the memory the tree really uses.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

PROC = Path("/proc")


def _descendants(pid: int) -> list[int]:
    """pid and every live process below it."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = (PROC / str(current) / "task" / str(current) / "children").read_text().split()
        except OSError:
            continue
        todo += [int(c) for c in children]
    return found


def tree_pss_mb(pid: int) -> float:
    """The summed proportional set size (MB) of pid and its descendants now; 0 when unreadable."""
    total_kb = 0
    for member in _descendants(pid):
        try:
            rollup = (PROC / str(member) / "smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total_kb += int(line.split()[1])
                break
    return total_kb / 1024


class TreeMemory:
    """Samples the memory of a process tree every `interval` seconds in a thread, until `stop()`."""

    def __init__(self, pid: int, interval: float = 0.2):
        self.samples: list[tuple[float, float]] = []  # (time.time(), MB)
        self._pid, self._interval = pid, interval
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.wait(self._interval):
            self.samples.append((time.time(), tree_pss_mb(self._pid)))

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def peak_mb(self, until: float | None = None) -> float | None:
        """The largest sample taken up to the time `until` (all samples when None); None if there is none."""
        values = [mb for at, mb in self.samples if until is None or at <= until]
        return max(values) if values else None


def available() -> bool:
    """Whether this system exposes the per-process memory this module reads."""
    return (PROC / "self" / "smaps_rollup").exists()
