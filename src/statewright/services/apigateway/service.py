"""API Gateway for one server: the APIs the template deploys, served at local URLs, and the
management API's read operations. `ApiGatewayService` is the `apigateway` service and holds the
APIs; `ApiGatewayV2Service` (`apigatewayv2`) answers the v2 management API over the same APIs."""

from __future__ import annotations

import concurrent.futures
import threading
import time
from collections.abc import Callable
from typing import Any, NamedTuple

from statewright.services.common import AwsError, FunctionInvoker, InvokeResult, RequestContext, Service

from . import management, management_v2, stacks
from .authorizers import Authorizers
from .gateway import Gateway
from .integrations import Backends, IntegrationTimeout
from .origins import CONTEXT_KEY, ExecutionOrigins, function_name, trace_header
from .stacks import api_keys_from_stack, apis_from_stack
from .types import HTTP, Api, ApiKey, ApiRequest, ApiResponse, UsagePlan
from .usage_plans import Meter

INTEGRATION_THREADS = 64


class ApiUrl(NamedTuple):
    name: str
    api_id: str
    protocol: str
    stage: str
    url: str
    host_url: str


class ApiGatewayService:
    name = "apigateway"

    def __init__(self, account: str = "123456789012", region: str = "us-east-1", *,
                 clock: Callable[[], float] = time.time, origins: ExecutionOrigins | None = None) -> None:
        self.account = account
        self.region = region
        self._clock = clock
        # Which request started which execution (origins.py); None: not recorded (no store).
        self.origins = origins
        self._apis: dict[str, Api] = {}
        self._api_keys: dict[str, ApiKey] = {}
        self._usage_plans: dict[str, UsagePlan] = {}
        self.meter = Meter(clock)
        self._template_apis: set[str] = set()
        self._lock = threading.Lock()
        self._invoker: FunctionInvoker | None = None
        self._states: Service | None = None
        self._pool = concurrent.futures.ThreadPoolExecutor(INTEGRATION_THREADS, thread_name_prefix="apigw")
        self.authorizers = Authorizers(lambda fn, payload: self._call_lambda(fn, payload, 29.0, None))
        self.gateway = Gateway(self.api, Backends(self._call_lambda, self._call_states), self.authorizers,
                               account, region, self._admit_key)

    # --- wiring -------------------------------------------------------------------------------------
    def connect(self, invoker: FunctionInvoker | None, states: Service | None) -> None:
        """The local Lambda service (proxy integrations, authorizers) and Step Functions service
        (direct integrations)."""
        self._invoker = invoker
        self._states = states

    def apply_stack(self, stack: Any) -> list[Api]:
        """Create (or replace) every API a loaded template deploys; returns them."""
        made = apis_from_stack(stack)
        keys = api_keys_from_stack(stack)
        plans = stacks.usage_plans_from_stack(stack)
        with self._lock:
            # A template applied again (a reload) replaces what the previous one made.
            for old in self._template_apis - {api.id for api in made}:
                self._apis.pop(old, None)
            self._api_keys = {key.id: key for key in keys}
            self._usage_plans = {plan.id: plan for plan in plans}
            self._template_apis = {api.id for api in made}
        self.meter.clear()
        for api in made:
            self.put_api(api)
        return made

    put_rest_api_from_template = apply_stack
    put_http_api_from_template = apply_stack

    def put_api(self, api: Api) -> None:
        api.created = api.created or self._clock()
        with self._lock:
            self._apis[api.id] = api
        self.authorizers.clear()

    def remove_api(self, api_id: str) -> None:
        with self._lock:
            self._apis.pop(api_id, None)

    def put_api_key(self, key: ApiKey) -> None:
        """An API key (`x-api-key`) that routes with `ApiKeyRequired` accept on its stages."""
        with self._lock:
            self._api_keys[key.id] = key

    def remove_api_key(self, key_id: str) -> None:
        with self._lock:
            self._api_keys.pop(key_id, None)

    def remove_usage_plan(self, plan_id: str) -> None:
        with self._lock:
            self._usage_plans.pop(plan_id, None)

    def put_usage_plan(self, plan: UsagePlan) -> None:
        """A usage plan whose quota and throttle its keys (`ApiKey.plans`) get on its stages."""
        with self._lock:
            self._usage_plans[plan.id] = plan

    def api_keys(self) -> list[ApiKey]:
        with self._lock:
            return list(self._api_keys.values())

    def usage_plans(self) -> list[UsagePlan]:
        with self._lock:
            return list(self._usage_plans.values())

    def set_jwks(self, issuer: str, source: str) -> None:
        """Where a JWT issuer's keys are: a JWKS file path or URL (else OpenID discovery)."""
        self.authorizers.jwt.set_keys(issuer, source)

    def api(self, api_id: str) -> Api | None:
        with self._lock:
            return self._apis.get(api_id)

    def apis(self) -> list[Api]:
        with self._lock:
            return list(self._apis.values())

    def _admit_key(self, api_id: str, stage: str, value: str) -> ApiResponse | None:
        """None when the `x-api-key` value may call this stage now, else API Gateway's refusal."""
        with self._lock:
            keys = [k for k in self._api_keys.values() if value and k.value == value]
            key = next((k for k in keys if k.enabled and (api_id, stage) in k.stages), keys[0] if keys else None)
            plans = list(self._usage_plans.values())
        return self.meter.admit(key, plans, api_id, stage)

    # --- serving ------------------------------------------------------------------------------------
    def serve(self, api_id: str, stage: str, request: ApiRequest) -> ApiResponse:
        """Answer a request to `api_id`'s `stage` (blocking: runs the integration)."""
        return self.gateway.serve(api_id, stage, request)

    def urls(self, endpoint: str) -> list[ApiUrl]:
        """Every API stage's local base URLs (path style, and host style under `*.localhost`),
        for `serve` to print at start-up."""
        base = endpoint.rstrip("/")
        scheme, _, authority = base.partition("://")
        port = authority.rsplit(":", 1)[1] if ":" in authority else "80"
        found = []
        for api in sorted(self.apis(), key=lambda a: (a.protocol, a.name)):
            for stage in api.stages:
                prefix = "" if stage == "$default" else f"{stage}/"
                found.append(ApiUrl(api.name, api.id, api.protocol, stage,
                                    f"{base}/restapis/{api.id}/{stage}/_user_request_/",
                                    f"{scheme}://{api.id}.execute-api.localhost:{port}/{prefix}"))
        return found

    def _call_lambda(self, function: str, payload: bytes, timeout: float,
                     request: dict[str, Any] | None) -> InvokeResult:
        """Invoke `function` for an integration (`request`: origins.request_of its call, which
        names the invocation's X-Ray trace) or an authorizer (None)."""
        if self._invoker is None:
            raise AwsError("ServiceException", "no Lambda service is connected to API Gateway", 500)
        invoker = self._invoker
        extra: dict[str, Any] = {}
        if request is not None:
            api = self.api(str(request.get("apiId")))
            extra["traceHeader"] = trace_header(request) if self.origins is None else self.origins.invoked(
                request, api.name if api else "", api.protocol if api else "", function_name(function))
        context = RequestContext(region=self.region, account=self.account, extra=extra)
        future = self._pool.submit(invoker.invoke, function, payload, context)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError as error:
            raise IntegrationTimeout() from error

    def _call_states(self, operation: str, request: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        if self._states is None:
            raise AwsError("ServiceException", "no Step Functions service is connected to API Gateway", 500)
        output = self._states.handle(operation, request, context)
        started = output.get("executionArn")
        request_info = context.extra.get(CONTEXT_KEY)
        if self.origins is not None and isinstance(started, str) and isinstance(request_info, dict):
            api = self.api(str(request_info.get("apiId")))
            self.origins.record(started, request_info, api.name if api else "", api.protocol if api else "")
        return output

    def execution_origin(self, execution_arn: str) -> dict[str, Any] | None:
        """The API request that started `execution_arn` (through a direct integration, or a
        Lambda function it invoked), or None."""
        if self.origins is None:
            return None
        return self.origins.get(execution_arn, self._trace_of(execution_arn))

    def _trace_of(self, execution_arn: str) -> str | None:
        """The execution's X-Ray traceHeader, as DescribeExecution answers it."""
        parts = execution_arn.split(":")
        if self._states is None or len(parts) < 5:
            return None
        context = RequestContext(partition=parts[1], region=parts[3], account=parts[4])
        try:
            trace = self._states.handle("DescribeExecution", {"executionArn": execution_arn}, context).get("traceHeader")
        except AwsError:
            return None
        return trace if isinstance(trace, str) else None

    # --- management API -----------------------------------------------------------------------------
    def handle(self, operation: str, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        if operation == "GetApiKeys":
            return management.api_keys(self.api_keys(), input)
        if operation in ("GetUsagePlans", "GetUsagePlan", "GetUsagePlanKeys"):
            return management.usage_plans(self.usage_plans(), self.api_keys(), operation, input)
        return management.handle_v1(self.apis, operation, input, context)

    def is_long(self, operation: str) -> bool:
        return False

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self.origins is not None:
            self.origins.close()


class ApiGatewayV2Service:
    """`apigatewayv2`: the HTTP APIs of an `ApiGatewayService` (`attach`)."""

    name = "apigatewayv2"

    def __init__(self) -> None:
        self._gateway: ApiGatewayService | None = None

    def attach(self, gateway: ApiGatewayService) -> None:
        self._gateway = gateway

    def _apis(self) -> list[Api]:
        return [a for a in self._gateway.apis() if a.protocol == HTTP] if self._gateway else []

    def handle(self, operation: str, input: dict[str, Any], context: RequestContext) -> dict[str, Any]:
        return management_v2.handle_v2(self._apis, operation, input, context)

    def is_long(self, operation: str) -> bool:
        return False

    def close(self) -> None:
        pass
