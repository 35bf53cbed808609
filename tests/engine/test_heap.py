"""engine.heap: the collector paused around a recovery, the heap frozen after a large one."""

from __future__ import annotations

import gc

import pytest

from statewright.engine import heap


@pytest.fixture
def collector():
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_paused_inside_and_restored_after(collector) -> None:
    gc.enable()
    with heap.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), heap.collector_paused():
        raise ValueError("a failing recovery")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector) -> None:
    gc.disable()
    with heap.collector_paused():
        pass
    assert not gc.isenabled()


def test_only_a_large_recovery_freezes_the_heap(collector) -> None:
    gc.unfreeze()
    assert heap.settle(heap.FREEZE_FROM - 1) is False and gc.get_freeze_count() == 0
    assert heap.settle(heap.FREEZE_FROM) is True and gc.get_freeze_count() > 0
