"""Forking is refused while another thread runs; a result too large to hand back within the memory
limit is the memory limit passed (the time- and memory-limited runs are otherwise tested with the
queries they guard)."""

from __future__ import annotations

import threading

import pytest

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


def test_a_result_too_large_to_hand_back_passes_the_memory_limit() -> None:
    """The child finds the result at once (it is the parent's), but pickling 2,000,000 strings needs
    hundreds of MB (pickle remembers each one), far beyond the 1 MB allowed and any free memory the
    child inherits: that is the memory limit passed, not a failed child."""
    rows = [f"row {i}" for i in range(2_000_000)]
    with pytest.raises(forked.Exceeded) as stopped:
        forked.run_limited(lambda: rows, timeout=60, memory=2**20)
    assert (stopped.value.limit, str(stopped.value)) == ("memory", "stopped: it needed more than 1 MB of memory")
    assert forked.run_limited(lambda: rows[:3], timeout=60, memory=2**20) == ["row 0", "row 1", "row 2"]
