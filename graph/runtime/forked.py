"""Run a function in a forked child process with a time and a memory limit, and collect its result.

The child shares the parent's memory (copy-on-write, nothing is copied up front), so a user's query
can run on the loaded store in a process that can be killed when it passes its limits; the result
comes back pickled through a pipe. Forking is only safe while no other thread runs (a thread could
hold a lock the child would then wait on for ever), so `can_fork` checks that.
"""

from __future__ import annotations

import os
import pickle
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def can_fork() -> bool:
    """Whether a child can be forked now: the platform forks and no other thread is running."""
    return hasattr(os, "fork") and threading.active_count() == 1


class Exceeded(Exception):
    """A child stopped for passing its time or memory limit: `limit` is 'time' or 'memory'."""

    def __init__(self, limit: str, message: str) -> None:
        super().__init__(message)
        self.limit = limit


_MEMORY_EXIT = 3  # the exit code of a child that ran out of memory in Python


def memory_in_use() -> int:
    """Bytes of this process's data segment (heap and private mappings: what RLIMIT_DATA counts)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def limit_memory(extra: int) -> None:
    """Let this process allocate at most `extra` bytes more than it holds now (RLIMIT_DATA): past it,
    Python raises MemoryError and the Rust engine aborts the process."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = memory_in_use() + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def run_limited(func: Callable[[], T], *, timeout: float, memory: int) -> T:
    """func() run in a forked child that may allocate `memory` bytes beyond what it inherits and
    must finish within `timeout` seconds; its exceptions are raised here. Exceeded when it passes a
    limit (the child is killed). Call only when `can_fork()`."""
    import faulthandler
    import select
    import signal
    import time

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            os.close(read)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)  # the engine's own "memory allocation failed" line is not the user's business
            faulthandler.disable()  # nor a traceback of the abort (pytest turns the handler on)
            limit_memory(memory)
            try:
                outcome = (True, func())
            except MemoryError:
                raise
            except Exception as error:
                outcome = (False, error)
            with os.fdopen(write, "wb") as out:  # handing the result back needs memory too
                pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        except MemoryError:
            code = _MEMORY_EXIT
        finally:
            os._exit(code)
    os.close(write)
    deadline = time.monotonic() + timeout
    chunks: list[bytes] = []
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                raise Exceeded("time", f"stopped after {timeout:g} s")
            chunk = os.read(read, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read)
        _, status = os.waitpid(pid, 0)
    if (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGABRT) or (
        os.WIFEXITED(status) and os.WEXITSTATUS(status) == _MEMORY_EXIT
    ):
        raise Exceeded("memory", f"stopped: it needed more than {memory / 2**20:,.0f} MB of memory")
    if status != 0 or not chunks:
        raise RuntimeError(f"the child process failed (status {status})")
    ok, value = pickle.loads(b"".join(chunks))
    if not ok:
        raise value
    return value
