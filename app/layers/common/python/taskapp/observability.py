"""One structured JSON log line per event, and CloudWatch Embedded Metric Format (EMF) metrics."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import TextIO

NAMESPACE = "TaskManagement"


class Telemetry:
    """Writes log lines and EMF documents to `stream` (stdout reaches CloudWatch Logs in Lambda)."""

    def __init__(self, service: str, stream: TextIO | None = None,
                 clock_ms: Callable[[], int] | None = None) -> None:
        self.service = service
        self.stream = stream
        self.clock_ms = clock_ms or (lambda: time.time_ns() // 1_000_000)

    def _write(self, document: dict) -> None:
        stream = self.stream or sys.stdout
        stream.write(json.dumps(document, default=str, separators=(",", ":")) + "\n")
        stream.flush()

    def log(self, action: str, level: str = "INFO", **fields: object) -> None:
        """`{"level", "service", "action", "taskId", "executionArn", ...}` on one line."""
        self._write({"timestamp": self.clock_ms(), "level": level, "service": self.service,
                     "action": action, **{k: v for k, v in fields.items() if v is not None}})

    def metric(self, name: str, value: float, unit: str = "Count", per_service: bool = True,
               **dimensions: str) -> None:
        """One EMF document: CloudWatch extracts metric `name` in namespace TaskManagement, by Service
        and `dimensions` (`per_service=False` for app-wide counts that several functions add to)."""
        dims = {**({"Service": self.service} if per_service else {}), **dimensions}
        self._write({"_aws": {"Timestamp": self.clock_ms(), "CloudWatchMetrics": [{
            "Namespace": NAMESPACE, "Dimensions": [sorted(dims)],
            "Metrics": [{"Name": name, "Unit": unit}]}]}, **dims, name: value})
