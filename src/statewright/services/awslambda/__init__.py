"""Local AWS Lambda: Python (and Node.js) handlers in warm worker processes running AWS's
runtime interface client against a Lambda Runtime API served here, and Lambda's API over them.

The runtime builds it with `create(platform)`; the template loader defines functions with
`LambdaService.put_function(FunctionConfig)`. See docs/lambda.md.
"""

from __future__ import annotations

from statewright.services.common.platform import Platform

from .invoker import LOCAL_CREDENTIALS
from .service import LambdaService
from .types import FunctionConfig, LogSink


def create(platform: Platform) -> LambdaService:
    """The Lambda service for a server, its state under `<data_dir>/lambda/`."""
    settings = platform.settings
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    return LambdaService(settings.data_dir, f"http://{host}:{settings.port}", settings.region,
                         settings.account_id, time_scale=settings.time_scale, new_id=platform.new_id)


__all__ = ["LOCAL_CREDENTIALS", "FunctionConfig", "LambdaService", "LogSink", "create"]
