"""Contracts only: what a request brings to a service, and what a service must offer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class RequestContext:
    """Who asks, and where: taken by the edge from the request (SigV4 credential scope), with
    the server's settings as defaults. Services build ARNs from `partition`, `region` and
    `account`, so one server serves several regions as AWS does."""

    region: str = "us-east-1"
    account: str = "123456789012"
    partition: str = "aws"
    request_id: str = ""
    access_key: str = ""
    # Things a protocol needs to pass through that are not operation input (for example the
    # endpoint's base URL, so a service can print URLs that reach it).
    extra: dict[str, Any] = field(default_factory=dict)


class Service(Protocol):
    """One local AWS service. `name` is its botocore model name (`stepfunctions`, `sts`,
    `lambda`, `dynamodb`, `s3`, …): the protocol layer reads that model to turn HTTP into
    (operation, input) and results back into the wire shape. A service never sees HTTP.

    `handle` returns the operation's output as a dict of the output shape's members, or raises
    `AwsError`. It runs on a worker thread; `is_long` marks operations that may block for a long
    time (long polls, synchronous executions) so the edge runs them on a larger pool.
    """

    name: str

    def handle(self, operation: str, input: dict[str, Any], context: RequestContext) -> dict[str, Any]: ...
    def is_long(self, operation: str) -> bool: ...
    def close(self) -> None: ...


class LoopService(Protocol):
    """What a service may add to `Service` to answer some operations on the edge's event loop,
    without a worker thread: the thread hand-offs (event loop → worker → engine → worker → event
    loop) cost more than the work of a short operation (docs/performance.md).

    `answers_on_loop` says whether this request may take that path: only when answering it
    never blocks the loop for long (in-memory work, one store read, awaiting a future another
    thread resolves). `handle_async` then answers it exactly as `handle` would: the same
    output, the same errors.
    """

    def answers_on_loop(self, operation: str, input: dict[str, Any]) -> bool: ...
    async def handle_async(self, operation: str, input: dict[str, Any],
                           context: RequestContext) -> dict[str, Any]: ...


@dataclass(frozen=True)
class InvokeResult:
    """What invoking a Lambda function gave, as Lambda's Invoke API reports it: `payload` is the
    response bytes (the handler's JSON result, or Lambda's error JSON when `function_error` is
    set: "Unhandled" for a handler's exception, as Lambda's `X-Amz-Function-Error`), `log_tail`
    the last 4 KB of the invocation's log (text), `executed_version` `$LATEST` or a number."""

    status_code: int
    payload: bytes
    function_error: str | None = None
    log_tail: str = ""
    executed_version: str = "$LATEST"


class FunctionInvoker(Protocol):
    """Runs Lambda functions: the local Lambda service implements it; the Task integrations
    (`lambda:invoke`, plain function ARNs) and API Gateway call it. `function` is a name, a
    partial or full ARN, optionally qualified. Raises `AwsError` for Lambda's own errors
    (`ResourceNotFoundException`, `TooManyRequestsException`, `ServiceException`)."""

    def invoke(self, function: str, payload: bytes, context: RequestContext, *,
               qualifier: str | None = None, invocation_type: str = "RequestResponse",
               log_tail: bool = False) -> InvokeResult: ...
