"""The collector pause used around snapshot building and diffing is scoped, also across the
two threads that build two snapshots at once."""

from __future__ import annotations

import gc
import threading

from schema_assets.gcpause import gc_paused


def test_the_collector_is_back_on_after_the_block() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_stays_off_until_the_last_of_two_threads_leaves() -> None:
    first_inside, first_may_leave = threading.Event(), threading.Event()

    def first() -> None:
        with gc_paused():
            first_inside.set()
            first_may_leave.wait(5)

    thread = threading.Thread(target=first)
    thread.start()
    first_inside.wait(5)
    with gc_paused():
        first_may_leave.set()
        thread.join(5)
        assert not gc.isenabled()  # the first thread left, this one is still inside
    assert gc.isenabled()


def test_a_collector_off_before_the_block_stays_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
