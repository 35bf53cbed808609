"""API keys against their usage plans, as API Gateway meters them: a key must be enabled and
opened to the API stage (by a usage plan or its own `StageKeys`); each usage plan of the stage
then gives the key a quota (requests per DAY, WEEK or MONTH — 429 `Limit Exceeded`) and a
throttle (a token bucket of `RateLimit` requests per second holding `BurstLimit` — 429
`Too Many Requests`). Counts live in memory: a restart starts every period afresh."""

from __future__ import annotations

import calendar
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from .proxy import gateway_error
from .types import ApiKey, ApiResponse, UsagePlan


def period_start(period: str, offset: int, now: float) -> float:
    """When the quota period holding `now` began (UTC; AWS: a WEEK with offset 0 starts on
    Sunday, a MONTH on its first day; `offset` moves the start that many days on)."""
    day = datetime.fromtimestamp(now, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "WEEK":
        start = day - timedelta(days=(day.weekday() + 1) % 7) + timedelta(days=offset)
        return (start if start <= day else start - timedelta(days=7)).timestamp()
    if period == "MONTH":
        start = day.replace(day=1) + timedelta(days=offset)
        if start > day:  # the offset day of this month is still ahead: the period began last month
            previous = (day.replace(day=1) - timedelta(days=1)).replace(day=1)
            start = previous + timedelta(days=min(offset, calendar.monthrange(previous.year, previous.month)[1] - 1))
        return start.timestamp()
    return day.timestamp()


class Meter:
    """Decides whether a request with an API key may pass, and counts it."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._used: dict[tuple[str, str], tuple[float, int]] = {}  # (plan, key) → (period start, count)
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}  # (plan, key) → (when, tokens)

    def clear(self) -> None:
        with self._lock:
            self._used.clear()
            self._buckets.clear()

    def admit(self, key: ApiKey | None, plans: list[UsagePlan], api_id: str, stage: str) -> ApiResponse | None:
        """None to let the request through, else API Gateway's refusal."""
        if key is None or not key.enabled or (api_id, stage) not in key.stages:
            return gateway_error(403, "Forbidden", kind="INVALID_API_KEY")
        metered = [plan for plan in plans if plan.id in key.plans and (api_id, stage) in plan.stages]
        now = self._clock()
        with self._lock:
            for plan in metered:
                if not self._take_token(plan, key, now):
                    return gateway_error(429, "Too Many Requests", kind="THROTTLED")
                if not self._count(plan, key, now):
                    return gateway_error(429, "Limit Exceeded", kind="QUOTA_EXCEEDED")
        return None

    def _take_token(self, plan: UsagePlan, key: ApiKey, now: float) -> bool:
        if plan.rate_limit is None:
            return True
        capacity = float(plan.burst_limit if plan.burst_limit is not None else max(plan.rate_limit, 1.0))
        when, tokens = self._buckets.get((plan.id, key.id), (now, capacity))
        tokens = min(capacity, tokens + (now - when) * plan.rate_limit)
        if tokens < 1:
            self._buckets[(plan.id, key.id)] = (now, tokens)
            return False
        self._buckets[(plan.id, key.id)] = (now, tokens - 1)
        return True

    def _count(self, plan: UsagePlan, key: ApiKey, now: float) -> bool:
        if plan.quota_limit is None:
            return True
        start = period_start(plan.quota_period, plan.quota_offset, now)
        began, count = self._used.get((plan.id, key.id), (start, 0))
        if began != start:
            count = 0
        if count >= plan.quota_limit:
            return False
        self._used[(plan.id, key.id)] = (start, count + 1)
        return True
