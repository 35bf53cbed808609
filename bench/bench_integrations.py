"""Task integrations the benchmark server loads (STATEWRIGHT_INTEGRATIONS=bench_integrations:register).

A warm Python handler that does nothing, behind a Lambda function ARN: what the engine adds to
a Task state is then everything measured.
"""

from __future__ import annotations

from typing import Any

ECHO_ARN = "arn:aws:lambda:us-east-1:123456789012:function:Echo"


def register(registry: Any) -> None:
    registry.register(ECHO_ARN, lambda parameters, context: parameters)
