"""Functions run in a forked child: the result comes back from the child, and a failed child falls
back to running the function in the parent."""

from __future__ import annotations

import os
import threading

import pytest

from graph.runtime import forked


def test_the_result_comes_from_a_child_that_shares_memory() -> None:
    table = {n: n * n for n in range(1000)}  # made before the fork, read by the child without copying
    child = forked.start(lambda: (os.getpid(), sum(table.values())))
    assert child is not None
    pid, total = child.result()
    assert pid != os.getpid()
    assert total == sum(n * n for n in range(1000))


def test_a_failing_child_falls_back_to_the_parent() -> None:
    parent = os.getpid()

    def fails_in_the_child():
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return "ran in the parent"

    child = forked.start(fails_in_the_child)
    assert child is not None
    assert child.result() == "ran in the parent"


def test_an_error_in_the_parent_run_is_raised() -> None:
    child = forked.start(lambda: 1 / 0)
    assert child is not None
    with pytest.raises(ZeroDivisionError):
        child.result()


def test_no_fork_while_another_thread_runs() -> None:
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert forked.can_fork() is False
        assert forked.start(lambda: 1) is None
    finally:
        release.set()
        thread.join()
    assert forked.can_fork() is True
