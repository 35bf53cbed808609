"""Lambda's log lines around each invocation (START, END, REPORT), log stream names, and the
`LogType: Tail` excerpt."""

from __future__ import annotations

import base64
import math
import time
import uuid

from .types import Outcome

TAIL_BYTES = 4096


def stream_name(version: str = "$LATEST") -> str:
    """A new log stream's name, as Lambda names one per execution environment."""
    return f"{time.strftime('%Y/%m/%d', time.gmtime())}/[{version}]{uuid.uuid4().hex}"


def invocation_lines(request_id: str, version: str, outcome: Outcome, memory_size: int) -> list[str]:
    """The invocation's log as Lambda writes it: START, the runtime's output, END, REPORT."""
    lines = outcome.init_log_text.splitlines()
    lines.append(f"START RequestId: {request_id} Version: {version}")
    lines.extend(outcome.log_text.splitlines())
    lines.append(f"END RequestId: {request_id}")
    report = (f"REPORT RequestId: {request_id}\tDuration: {outcome.duration_ms:.2f} ms\t"
              f"Billed Duration: {max(1, math.ceil(outcome.duration_ms))} ms\t"
              f"Memory Size: {memory_size} MB\tMax Memory Used: {outcome.max_memory_mb} MB\t")
    if outcome.init_ms is not None:
        report += f"Init Duration: {outcome.init_ms:.2f} ms\t"
    # A handler's own exception is a normal end; the runtime dying or timing out is not.
    if outcome.status == "timeout":
        report += "Status: timeout"
    elif outcome.status == "crash":
        report += "Status: error\tError Type: Runtime.ExitError"
    lines.append(report)
    return lines


def tail(lines: list[str]) -> str:
    """`LogResult`: the last 4 KB of the invocation's log, base64."""
    data = ("\n".join(lines) + "\n").encode()
    return base64.b64encode(data[-TAIL_BYTES:]).decode()
