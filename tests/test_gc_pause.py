"""The collector pause: off inside (nested too), back on after, with what was made frozen."""

from __future__ import annotations

import gc

from graph.gc_pause import gc_paused


def test_paused_inside_restored_after_and_what_was_made_frozen() -> None:
    assert gc.isenabled()
    frozen_before = gc.get_freeze_count()
    try:
        with gc_paused():
            assert not gc.isenabled()
            made = [[n] for n in range(1000)]
            with gc_paused():
                assert not gc.isenabled()
            assert not gc.isenabled()  # the inner pause leaves the outer one in force
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen_before + len(made)
    finally:
        gc.unfreeze()


def test_a_pause_inside_a_disabled_collector_changes_nothing() -> None:
    gc.disable()
    try:
        frozen_before = gc.get_freeze_count()
        with gc_paused():
            pass
        assert not gc.isenabled() and gc.get_freeze_count() == frozen_before
    finally:
        gc.enable()
