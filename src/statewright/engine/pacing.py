"""Firing many due timers at once in slices, paced by the store's commits.

After a restart every overdue timer is due at the same moment (10,000 Waits in the restart
bench). Fired in one go, the loop steps all of them before it writes any: the writer starts
late, the loop answers nothing else meanwhile, and every fired step's events and records stay
in memory until the end, where the garbage collector walks them again and again (measured:
bench/notes.md). So the loop fires at most `slice_size` timers per pass; when more are due it
queues a marker behind the slice's writes, and it fires on only while fewer than `window`
markers are waiting for their commit. The writer then always has a slice to write while the
loop steps the next one.

Nothing about durability changes: a fired step is still acted on only once its write commits,
and a timer not yet fired stays in the heap (and in the store) until its turn.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

# Timers fired per pass of the loop when more are due, and slices in flight to the store.
FIRE_SLICE = 500
FIRE_WINDOW = 2


class FiringPace:
    """Whether the engine's loop may fire more due timers now. Loop thread only."""

    def __init__(self, slice_size: int = FIRE_SLICE, window: int = FIRE_WINDOW) -> None:
        self.slice_size = slice_size
        self.window = window
        self.waiting = 0  # markers queued or written, not yet committed

    @property
    def held(self) -> bool:
        return self.waiting >= self.window

    def slice_fired(self, post: Callable[[Callable[[], None]], None],
                    write: Callable[[Callable[[Any], None]], Future[Any]]) -> None:
        """A full slice was fired and more timers are due. `post` queues a job on the loop,
        behind the slice's own flushes; `write` is the store's. The marker is an empty change:
        its commit means the writes submitted before it are committed too (the writer applies
        changes in order). It is released whatever the outcome, so firing never stops for good."""
        self.waiting += 1

        def release() -> None:
            self.waiting -= 1

        def mark() -> None:
            write(_nothing).add_done_callback(lambda _: post(release))

        post(mark)


def _nothing(_transaction: Any) -> None:
    """The marker's change: writes nothing."""
