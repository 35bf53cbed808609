"""Activity tasks waiting for a worker's GetActivityTask (long poll), per activity ARN."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class ActivityTask:
    token: str
    input_text: str


class ActivityQueues:
    """Queues of activity tasks; a worker's poll takes the oldest still-wanted task."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[ActivityTask]] = {}
        self._withdrawn: set[str] = set()
        self._ready = threading.Condition()
        self._closed = False

    def offer(self, activity_arn: str, task: ActivityTask) -> None:
        with self._ready:
            self._withdrawn.discard(task.token)
            self._queues.setdefault(activity_arn, deque()).append(task)
            self._ready.notify_all()

    def withdraw(self, token: str) -> None:
        """The task is no longer wanted (answered elsewhere, cancelled, execution ended)."""
        with self._ready:
            if any(task.token == token for queue in self._queues.values() for task in queue):
                self._withdrawn.add(token)

    def poll(self, activity_arn: str, timeout: float) -> ActivityTask | None:
        deadline = time.monotonic() + timeout
        with self._ready:
            while not self._closed:
                task = self._take(activity_arn)
                if task is not None:
                    return task
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._ready.wait(remaining)
        return None

    def close(self) -> None:
        """Wake every waiting poll so that shutdown does not wait for long polls to end."""
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def _take(self, activity_arn: str) -> ActivityTask | None:
        queue = self._queues.get(activity_arn)
        while queue:
            task = queue.popleft()
            if task.token in self._withdrawn:
                self._withdrawn.discard(task.token)
                continue
            return task
        return None
