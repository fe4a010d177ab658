"""Ending a one-shot command's process as soon as its work is done.

When Python exits normally it tears down every module and frees every object one by one: after
`stackmap check` of the 100,000-vendor benchmark market that took 4.4 s of a 30 s command, after
`stackmap build` 5.9 s, all to hand memory back to an operating system that takes it back anyway.
A command that has closed its files, joined its threads and waited for its child processes can end
without it: the standard streams are flushed, and the process ends with its exit code.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import NoReturn


def exit_at_once(code: int) -> NoReturn:
    """End the process with `code` now: the standard streams flushed, the interpreter's teardown
    (freeing every object, atexit handlers) skipped. Only for work that leaves nothing open: files
    closed, threads joined, child processes waited for."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that went away (`| head`), a closed stream
            stream.flush()
    os._exit(code)
