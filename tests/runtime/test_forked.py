"""Forking is refused while another thread runs (the time- and memory-limited runs are tested with
the queries they guard)."""

from __future__ import annotations

import threading

from graph.runtime import forked


def test_no_fork_while_another_thread_runs() -> None:
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert forked.can_fork() is False
    finally:
        release.set()
        thread.join()
    assert forked.can_fork() is True
