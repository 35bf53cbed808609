"""Asynchronous (`Event`) invocations: queued, run in the background, and retried twice after
a function error as Lambda does (after about one minute, then two; scaled by the server's
time scale)."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from statewright.services.common import AwsError

log = logging.getLogger(__name__)

RETRY_DELAYS = (60.0, 120.0)

# Runs one attempt; returns whether it failed (a function error), raises AwsError when throttled.
Attempt = Callable[[], bool]


class EventQueue:
    """Due times and attempts of queued events; a scheduler thread hands due ones to a pool."""

    def __init__(self, time_scale: float = 1.0, workers: int = 8) -> None:
        self.time_scale = time_scale if time_scale > 0 else 1.0
        self._heap: list[tuple[float, int, Attempt, int, int]] = []
        self._order = itertools.count()
        self._condition = threading.Condition()
        self._closed = False
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lambda-event")
        self._thread: threading.Thread | None = None
        self.completed = 0

    def submit(self, attempt: Attempt, retries: int) -> None:
        self._schedule(0.0, attempt, 0, retries)

    def _schedule(self, delay: float, attempt: Attempt, number: int, retries: int) -> None:
        with self._condition:
            if self._closed:
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="lambda-events", daemon=True)
                self._thread.start()
            heapq.heappush(self._heap, (time.monotonic() + delay / self.time_scale, next(self._order),
                                        attempt, number, retries))
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                while not self._closed and (not self._heap or self._heap[0][0] > time.monotonic()):
                    wait = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._condition.wait(wait)
                if self._closed:
                    return
                _, _, attempt, number, retries = heapq.heappop(self._heap)
            try:
                self._executor.submit(self._attempt, attempt, number, retries)
            except RuntimeError:  # shut down meanwhile
                return

    def _attempt(self, attempt: Attempt, number: int, retries: int) -> None:
        try:
            failed = attempt()
        except AwsError as e:
            # Throttled or unavailable: Lambda keeps throttled events and tries again later.
            log.info("Event invocation attempt failed: %s", e)
            failed = True
        except Exception:
            log.exception("Event invocation crashed")
            failed = True
        if failed and number < retries:
            delay = RETRY_DELAYS[min(number, len(RETRY_DELAYS) - 1)]
            self._schedule(delay, attempt, number + 1, retries)
            return
        with self._condition:
            self.completed += 1
            self._condition.notify_all()

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._heap.clear()
            self._condition.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join()
        self._executor.shutdown(wait=True, cancel_futures=True)
