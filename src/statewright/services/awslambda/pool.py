"""A function's warm workers: one per concurrent invocation, created on demand, reused warm
(most recently used first, as Lambda keeps its busiest environments), reaped when idle, and
recycled when the function's code or configuration changes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .worker import Worker


class Throttled(Exception):
    """The function already runs as many invocations as its concurrency allows."""


class WorkerPool:
    """Workers of one function. `spawn(generation)` starts a new worker; `limit` is the
    function's reserved concurrency (None: only `account_limit`)."""

    def __init__(self, spawn: Callable[[int], Worker], limit: int | None, account_limit: int) -> None:
        self._spawn = spawn
        self.limit = limit
        self.account_limit = account_limit
        self._lock = threading.Lock()
        self._idle: list[Worker] = []
        self._all: set[Worker] = set()
        self.busy = 0
        self.generation = 0
        self.closed = False

    def acquire(self) -> Worker:
        """A warm idle worker, or a new one; Throttled beyond the concurrency limit."""
        stale: list[Worker] = []
        try:
            with self._lock:
                if self.closed:
                    raise Throttled()
                while self._idle:
                    worker = self._idle.pop()
                    if worker.generation == self.generation and worker.alive():
                        self.busy += 1
                        return worker
                    stale.append(worker)
                    self._all.discard(worker)
                limit = self.account_limit if self.limit is None else min(self.limit, self.account_limit)
                if self.busy >= limit:
                    raise Throttled()
                self.busy += 1
                generation = self.generation
        finally:
            for worker in stale:
                worker.kill()
        try:
            worker = self._spawn(generation)
        except BaseException:
            with self._lock:
                self.busy -= 1
            raise
        with self._lock:
            self._all.add(worker)
        return worker

    def release(self, worker: Worker, healthy: bool) -> None:
        """Give a worker back after an invocation; an unhealthy or outdated one is stopped."""
        with self._lock:
            self.busy -= 1
            keep = healthy and not self.closed and worker.generation == self.generation
            if keep:
                worker.last_used = time.monotonic()
                self._idle.append(worker)
            else:
                self._all.discard(worker)
        if not keep:
            worker.kill()

    def recycle(self) -> None:
        """New code: idle workers stop now, busy ones when their invocation ends."""
        with self._lock:
            self.generation += 1
            stale, self._idle = self._idle, []
            self._all.difference_update(stale)
        for worker in stale:
            worker.kill()

    def reap(self, idle_seconds: float) -> int:
        """Stop workers idle for longer than `idle_seconds`; how many were stopped."""
        cutoff = time.monotonic() - idle_seconds
        with self._lock:
            stale = [w for w in self._idle if w.last_used < cutoff]
            self._idle = [w for w in self._idle if w.last_used >= cutoff]
            self._all.difference_update(stale)
        for worker in stale:
            worker.kill()
        return len(stale)

    def pids(self) -> list[int]:
        with self._lock:
            return [w.pid for w in self._all]

    def idle_count(self) -> int:
        with self._lock:
            return len(self._idle)

    def retire(self) -> None:
        """The function was redefined or deleted: idle workers stop now, busy ones finish their
        invocation first (as Lambda lets in-flight invocations end)."""
        with self._lock:
            self.closed = True
            idle, self._idle = self._idle, []
            self._all.difference_update(idle)
        for worker in idle:
            worker.kill()

    def close(self) -> None:
        """Stop every worker, busy ones included (their invocations fail as Runtime.ExitError)."""
        with self._lock:
            self.closed = True
            idle, self._idle = self._idle, []
            busy = [w for w in self._all if w not in idle]
            self._all.clear()
        for worker in idle:
            worker.kill()
        for worker in busy:
            # The invoking thread owns a busy worker's sockets; it cleans up on release.
            worker.signal_kill()
