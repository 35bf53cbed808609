"""What every local AWS service shares: the error type, the request context, the service contract.

Services import this package, never each other's internals (see docs/architecture.md).
"""

from .errors import AwsError, validation_error
from .types import FunctionInvoker, InvokeResult, LoopService, RequestContext, Service

__all__ = ["AwsError", "FunctionInvoker", "InvokeResult", "LoopService", "RequestContext", "Service", "validation_error"]
