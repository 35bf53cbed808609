"""Wall-clock time with an optional time scale for tests.

Statewright deliberately differs from AWS here when asked to: with `scale` 0.001 a 10 s Wait
(or retry backoff, or timeout) fires after 10 ms of real time. Timestamps stay real; only the
delay between "now" and a timer's due time shrinks.
"""

from __future__ import annotations

import os
import time

TIME_SCALE_ENV = "STATEWRIGHT_TIME_SCALE"


class Clock:
    """The engine's source of time."""

    def __init__(self, scale: float = 1.0) -> None:
        if not scale > 0:
            raise ValueError(f"the time scale must be positive, not {scale}")
        self.scale = scale

    @classmethod
    def from_env(cls, default: float = 1.0) -> Clock:
        text = os.environ.get(TIME_SCALE_ENV)
        return cls(float(text)) if text else cls(default)

    def now(self) -> float:
        return time.time()

    def fire_at(self, due: float, now: float) -> float:
        """The wall-clock moment a timer due at `due` (step time, armed at `now`) fires."""
        return now + max(0.0, due - now) * self.scale
