"""Run a function in a forked child process that shares the parent's memory, and collect its result.

This is how stackmap uses a second core on large maps: the child reads the same in-memory store and
Python objects (copy-on-write, nothing is copied up front) while the parent goes on with other work,
and sends its result back pickled through a pipe. Forking is only safe while no other thread runs
(a thread could hold a lock the child would then wait on for ever), so `can_fork` checks that.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """Whether a child can be forked now: the platform forks and no other thread is running."""
    return hasattr(os, "fork") and threading.active_count() == 1


class Child(Generic[T]):
    """A function running in a forked child; `result()` waits for it."""

    def __init__(self, func: Callable[[], T]):
        self._func = func
        read, write = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # the child: run, send the result, leave without the parent's clean-up
            code = 1
            try:
                os.close(read)
                with os.fdopen(write, "wb") as out:
                    pickle.dump(func(), out, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self._read = read

    def result(self) -> T:
        """The child's result; when the child failed (an error, or killed), func run here instead,
        so an error surfaces in the parent with its traceback."""
        with os.fdopen(self._read, "rb") as source:
            try:
                value, ok = pickle.load(source), True  # read as it arrives: no second copy of large results
            except Exception:  # nothing, or a part: the child failed before it had written it all
                value, ok = None, False
        _, status = os.waitpid(self._pid, 0)
        return value if ok and status == 0 else self._func()


def start(func: Callable[[], T]) -> Child[T] | None:
    """func running in a forked child, or None when forking is not possible here."""
    return Child(func) if can_fork() else None
