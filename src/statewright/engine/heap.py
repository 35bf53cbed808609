"""Keeping Python's cyclic garbage collector off the state a recovery builds in bulk.

Recovery rebuilds every open execution at once: for 10,000 executions close to a million
dicts, lists and records, all alive until their executions end. The collector, left alone,
runs a full collection each time the tracked heap grows by a quarter, and each one walks all
of it: nine full collections, ~1.6 s of a 5.5 s restart with 10,000 open Waits (measured;
bench/notes.md). So recovery runs with automatic collection paused, and when it rebuilt
enough executions for that to matter it freezes what it built (`gc.freeze`): later full
collections skip those objects.

Why that is safe: the rebuilt state is plain JSON data (checkpoints) and the engine's records
of each run, which hold no reference cycles; reference counting frees them when their execution
ends, frozen or not. What freezing keeps is only cyclic garbage that is unreachable at that
moment or becomes so later among the frozen objects: bounded by what was alive at the end of
one recovery, once per process.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# From this many recovered executions a freeze pays for itself: below it recovery builds too
# little for the collector to notice (and tests with a few executions keep the usual collector).
FREEZE_FROM = 1_000


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic collection inside the block (process-wide), restored on the way out."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def settle(recovered: int) -> bool:
    """After a recovery of `recovered` executions: freeze the heap when that pays (see the
    module docstring). Answers whether it froze."""
    if recovered < FREEZE_FROM:
        return False
    gc.freeze()
    return True
