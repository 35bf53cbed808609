"""Asynchronous (`Event`) invocations: queued, run in the background, retried as Lambda does.

A function error (the handler's, or the runtime's such as a timeout) is retried twice, one
minute then two minutes later, with the same request id; a throttled attempt goes back to the
queue with a delay growing from 1 second to 5 minutes, for up to 6 hours, and does not count as
a retry. Delays are divided by the server's time scale.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

log = logging.getLogger(__name__)

RETRY_DELAYS = (60.0, 120.0)
THROTTLE_FIRST, THROTTLE_MAX, THROTTLE_GIVE_UP = 1.0, 300.0, 6 * 3600.0

SUCCEEDED, FAILED, THROTTLED = "succeeded", "failed", "throttled"
# Runs one attempt; returns SUCCEEDED, FAILED (a function error) or THROTTLED.
Attempt = Callable[[], str]


@dataclass
class _Event:
    attempt: Attempt
    retries: int
    failures: int = 0
    throttled_for: float = 0.0
    throttle_delay: float = THROTTLE_FIRST


class EventQueue:
    """Due times of queued events; a scheduler thread hands due ones to a small thread pool."""

    def __init__(self, time_scale: float = 1.0, workers: int = 8) -> None:
        self.time_scale = time_scale if time_scale > 0 else 1.0
        self._heap: list[tuple[float, int, _Event]] = []
        self._order = itertools.count()
        self._condition = threading.Condition()
        self._closed = False
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lambda-event")
        self._thread: threading.Thread | None = None

    def submit(self, attempt: Attempt, retries: int) -> None:
        self._schedule(0.0, _Event(attempt, retries))

    def _schedule(self, delay: float, event: _Event) -> None:
        with self._condition:
            if self._closed:
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="lambda-events", daemon=True)
                self._thread.start()
            due = time.monotonic() + delay / self.time_scale
            heapq.heappush(self._heap, (due, next(self._order), event))
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._closed and (not self._heap or self._heap[0][0] > time.monotonic()):
                    self._condition.wait(self._heap[0][0] - time.monotonic() if self._heap else None)
                if self._closed:
                    return
                _, _, event = heapq.heappop(self._heap)
            try:
                self._executor.submit(self._attempt, event)
            except RuntimeError:  # shut down meanwhile
                return

    def _attempt(self, event: _Event) -> None:
        try:
            result = event.attempt()
        except Exception:
            log.exception("An Event invocation failed outside the function")
            result = FAILED
        if result == THROTTLED and event.throttled_for < THROTTLE_GIVE_UP:
            delay = event.throttle_delay
            event.throttled_for += delay
            event.throttle_delay = min(THROTTLE_MAX, delay * 2)
            self._schedule(delay, event)
        elif result == FAILED and event.failures < event.retries:
            delay = RETRY_DELAYS[min(event.failures, len(RETRY_DELAYS) - 1)]
            event.failures += 1
            self._schedule(delay, event)

    def close(self) -> None:
        """Drop queued events and wait for running attempts (stop their workers first)."""
        with self._condition:
            self._closed = True
            self._heap.clear()
            self._condition.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join()
        self._executor.shutdown(wait=True, cancel_futures=True)
