"""Threads that run task handlers. Daemon threads, so a handler that never returns cannot keep
the process alive at shutdown (its task is dispatched again after the next start)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

_STOP = None


class WorkerPool:
    """Runs submitted jobs on up to `size` threads, started as the load needs them."""

    def __init__(self, size: int = 64, name: str = "statewright-task") -> None:
        self._size = size
        self._name = name
        self._jobs: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._idle = 0  # threads waiting for a job
        self._queued = 0  # jobs submitted and not yet taken
        self._lock = threading.Lock()
        self._closed = False

    def submit(self, job: Callable[[], None]) -> None:
        with self._lock:
            if self._closed:
                return
            if self._idle <= self._queued and len(self._threads) < self._size:
                thread = threading.Thread(target=self._work, name=f"{self._name}-{len(self._threads)}",
                                          daemon=True)
                self._threads.append(thread)
                thread.start()
            self._queued += 1
            self._jobs.put(job)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for _ in self._threads:
                self._jobs.put(_STOP)

    def _work(self) -> None:
        while True:
            with self._lock:
                self._idle += 1
            job = self._jobs.get()
            with self._lock:
                self._idle -= 1
                if job is not _STOP:
                    self._queued -= 1
            if job is _STOP:
                return
            job()
